"""Where in the recording each draft question was taken up, and what was said about it.

The host reads a question out, paraphrases it, or takes two together; a
sentence runs across cues.  So the transcript is read as one stream of words,
each with its time (its cue's, spread over the cue), and each question is
looked for in windows of that stream a little longer than the question:

* a question's words are its content words (no stop words), each cut to a
  stem (``translation``, ``translated`` → ``translat``), and weighted by how
  rare the stem is in the transcript (a word said all through the call,
  "Foundation", says little about where a question was read), and a word of
  the draft's section headings a quarter of another (the host names the
  topic when moving on to it, whichever question comes next);
* a window's score is the weighted share of the question's stems it holds,
  a stem counting when a word of the window is like it by
  :func:`rapidfuzz.fuzz.ratio` (what speech recognition misspells still
  counts): one fuzzy comparison per distinct word of the transcript and stem
  of the question, :func:`rapidfuzz.process.extract` doing them in C;
* a question is taken up where its best window scores at least
  :data:`THRESHOLD` (the first such place when several tie), and not at all
  below it: a question nobody took up gets nothing.

:data:`THRESHOLD` was measured on the cases in
``tests/data/transcripts/threshold-cases.json`` (a host reading, paraphrasing,
taking two together, splitting a sentence across cues; questions nobody took
up, on the same topics); ``benchmarks/transcript_threshold.py`` prints the
scores and the margin.

The proposed answer is what was said from the end of the sentence in which
the question was read until the sentence in which the next question was,
one line per speaker's turn, the speaker as the transcript names them
(or as the series names them, when the name is one of a speaker's aliases).
Pure: a transcript and questions in, moments and proposals out.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

if TYPE_CHECKING:  # the transcript is read by bot.harvest, a layer above this one
    from bot.harvest.transcripts import Transcript

__all__ = ["THRESHOLD", "LIVE_QUESTION_WORDS", "Moment", "Proposal", "Stream", "asked_live", "find_moments",
           "propose", "score_windows"]

THRESHOLD = 0.53
"""The least score of the best window at which a question counts as taken up
(see the module docstring for how it was measured): on the 23 cases of
``threshold-cases.json`` the questions taken up score 0.64 and more, the others
0.42 and less; 0.53 is the midpoint."""
WORD_CUTOFF = 85
"""The least :func:`rapidfuzz.fuzz.ratio` at which a word of the transcript is a question's word."""
GAP = 8
"""Words of a question read out are at most this many words apart (see :func:`_reading_end`)."""
TOPIC_WEIGHT = 0.25
"""How much a word of a section heading counts, against another word of a question."""
ENOUGH_WORDS = 10
"""A question of more words than this (its stems) needs only this many words' worth to score 1."""
LIVE_QUESTION_WORDS = 6
"""A sentence of the transcript ending in '?' with at least this many words, outside every
question taken up, is listed as a question maybe asked live."""

_TOKEN = re.compile(r"[^\W_]+(?:['’&][^\W_]+)*")
_STOP = frozenset("""a about above after again against all also am an and any are aren't as at be because been
before being below between both but by can can't could couldn't did didn't do does doesn't doing don't down
during each few for from further get got had hadn't has hasn't have haven't having he he'd he'll he's her here
here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself just
know let's like me more most mustn't my myself no nor not now of off on once one only or other ought our ours
ourselves out over own really same say said shan't she she'd she'll she's should shouldn't so some such than
that that's the their theirs them themselves then there there's these they they'd they'll they're they've
thing things think this those through to too under until up us very was wasn't we we'd we'll we're we've were
weren't what what's when when's where where's which while who who's whom why why's will with won't would
wouldn't yes you you'd you'll you're you've your yours yourself yourselves um uh okay ok yeah oh well right
question questions asks asked asking ask someone somebody anyone people want wants wondering wonder whether
next go going please thank thanks maybe much many way lot""".split())
"""Words that say nothing about which question it is (English, as the calls are held)."""
_SUFFIXES = ("ions", "ion", "ings", "ing", "ers", "er", "ed", "es", "ly", "s", "e")


@dataclass(frozen=True)
class Word:
    text: str
    """As said, with its punctuation."""
    stem: str
    """:func:`stem` of it, '' for a stop word."""
    time: float
    cue: int


@dataclass
class Stream:
    """A transcript as one stream of words."""

    transcript: "Transcript"
    words: list[Word] = field(default_factory=list)
    positions: dict[str, list[int]] = field(default_factory=dict)
    """Each word of the transcript (as :func:`stem` gives it) → where it is said."""
    weights: dict[str, float] = field(default_factory=dict)
    """Stem → how rare it is in the transcript (log inverse frequency over stretches of 50 words)."""
    _turn_ends: list[int] = field(default_factory=list, repr=False)
    _starts: list[int] = field(default_factory=list, repr=False)
    _ends: list[int] = field(default_factory=list, repr=False)
    _cue_words: list[tuple[int, int]] = field(default_factory=list, repr=False)

    @classmethod
    def of(cls, transcript: "Transcript") -> "Stream":
        stream = cls(transcript)
        for index, cue in enumerate(transcript.cues):
            pieces = cue.text.split()
            span = max(cue.end - cue.start, 0.0)
            first = len(stream.words)
            for n, piece in enumerate(pieces):
                token = _TOKEN.search(piece)
                key = stem(token.group()) if token else ""
                stream.words.append(Word(piece, key, cue.start + span * n / max(len(pieces), 1), index))
                if key:
                    stream.positions.setdefault(key, []).append(len(stream.words) - 1)
            stream._cue_words.append((first, len(stream.words) - 1))
        stretches = max(1, math.ceil(len(stream.words) / 50))
        for key, where in stream.positions.items():
            spread = len({position // 50 for position in where})
            stream.weights[key] = math.log(1 + stretches / spread)
        count = len(stream.words)
        stream._starts = [0] * count
        stream._ends = [0] * count
        start = 0
        for index, word in enumerate(stream.words):
            stream._starts[index] = start
            if _ends_sentence(word.text):
                start = index + 1
        end = count - 1
        for index in range(count - 1, -1, -1):
            if _ends_sentence(stream.words[index].text):
                end = index
            stream._ends[index] = end
        return stream

    def turn_end(self, index: int) -> int:
        """One past the last word of the speaker's turn holding word ``index``
        (the end of the stream when the transcript names no speaker)."""
        if not self.transcript.has_speakers:
            return len(self.words)
        if not self._turn_ends:
            cues = self.transcript.cues
            end = len(self.words)
            ends = [0] * len(self.words)
            for position in range(len(self.words) - 1, -1, -1):
                if position + 1 < len(self.words) and \
                        cues[self.words[position].cue].speaker != cues[self.words[position + 1].cue].speaker:
                    end = position + 1
                ends[position] = end
            self._turn_ends = ends
        return self._turn_ends[index]

    def reading_start(self, index: int) -> int:
        """Where the host began to take up the question whose word ``index`` is:
        the start of its sentence, or of its cue when that is earlier (the host
        says "Two related ones:" before the question)."""
        return min(self.sentence_start(index), self._cue_words[self.words[index].cue][0])

    def sentence_start(self, index: int) -> int:
        """The first word of the sentence holding word ``index``; a sentence is
        taken to start at most one cue earlier (captions without punctuation)."""
        cue = self.words[index].cue
        return max(self._starts[index], self._cue_words[max(cue - 1, 0)][0])

    def sentence_end(self, index: int) -> int:
        """The last word of the sentence holding word ``index``, at most one cue later."""
        cue = self.words[index].cue
        return min(self._ends[index], self._cue_words[min(cue + 1, len(self._cue_words) - 1)][1])


@dataclass(frozen=True)
class Moment:
    """Where a question was taken up."""

    question_id: str
    score: float
    first: int
    """Index of the first word of the question's best window that is one of its words."""
    last: int
    seconds: float
    """When it was taken up: the start of the cue that holds the first of its words."""


@dataclass
class Proposal:
    """What the transcript proposes under one question of the draft."""

    question_id: str
    seconds: int
    lines: list[tuple[str | None, str]]
    """(speaker or None, what they said), a line per turn."""
    together_with: list[str] = field(default_factory=list)
    """Ids of other questions taken up at the same moment."""


def stem(word: str) -> str:
    """A word as questions and the transcript are compared: lower case,
    without accents, a common English ending cut off; '' for a stop word."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(c))
    plain = plain.replace("’", "'")
    if plain in _STOP or (len(plain) < 3 and not any(c.isdigit() for c in plain)):
        return ""
    for suffix in _SUFFIXES:
        if plain.endswith(suffix) and len(plain) - len(suffix) >= 4:
            return plain[:-len(suffix)]
    return plain


def _ends_sentence(text: str) -> bool:
    return text.rstrip("\"'”’)»").endswith((".", "?", "!", "…"))


def _stems(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for token in _TOKEN.findall(text):
        key = stem(token)
        if key:
            seen[key] = None
    return list(seen)


def score_windows(question: str, stream: Stream, topics: Iterable[str] = ()) -> tuple[float, int, int]:
    """The best window's score for ``question`` in ``stream``, with the first
    and last word of the window that are the question's ((0.0, -1, -1) if none).
    ``topics``: the draft's section headings, whose words weigh :data:`TOPIC_WEIGHT`
    of the others (the host names a topic when moving to it, not a question)."""
    stems = _stems(question)
    topic_stems = {key for topic in topics for key in _stems(topic)}
    if not stems or not stream.words:
        return 0.0, -1, -1
    vocabulary = list(stream.positions)
    hits: list[tuple[float, list[int]]] = []  # per stem of the question: its weight, where a like word is said
    for key in stems:
        where: list[int] = []
        for _, similarity, index in process.extract(key, vocabulary, scorer=fuzz.ratio, score_cutoff=WORD_CUTOFF,
                                                    limit=None):
            if similarity >= WORD_CUTOFF and vocabulary[index][:2] == key[:2]:
                where += stream.positions[vocabulary[index]]
        weight = stream.weights.get(key, math.log(1 + max(1, len(stream.words) / 50)))
        weight *= TOPIC_WEIGHT if key in topic_stems else 1.0
        hits.append((weight, sorted(where)))
    total = sum(weight for weight, _ in hits)
    if len(hits) > ENOUGH_WORDS:  # a long question is read out shorter: its best ENOUGH_WORDS words' worth
        total = total * ENOUGH_WORDS / len(hits)
    length = max(12, int(len(question.split()) * 1.5) + 8)
    best = (0.0, 0, -1, -1, 0, 0)  # score, -span, first, last, window start, window end
    # The best window can be taken to start at a word of the question: only those starts are tried.
    for start in sorted({position for _, where in hits for position in where}):
        end = min(start + length, stream.turn_end(start))
        got = 0.0
        first, last = None, None
        for weight, where in hits:
            at = bisect.bisect_left(where, start)
            if at < len(where) and where[at] < end:
                got += weight
                first = where[at] if first is None else min(first, where[at])
                last = where[at] if last is None else max(last, where[at])
        candidate = (min(got / total, 1.0), -(last - first), first, last, start, end)
        if candidate[:2] > best[:2]:
            best = candidate
    if best[2] < 0:
        return 0.0, -1, -1
    return best[0], best[2], _reading_end(stream, hits, best[4], best[5])


def _reading_end(stream: Stream, hits: list[tuple[float, list[int]]], start: int, end: int) -> int:
    """The last word of the question's reading in the window ``start``-``end``: the
    last of its words there that follows the one before within :data:`GAP` words,
    and not in a sentence of a cue of its own after the reading's (a word of the
    question said again in the answer is not part of the reading)."""
    found = sorted({where[at] for _, where in hits
                    if (at := bisect.bisect_left(where, start)) < len(where) and where[at] < end})
    last = found[0]
    for position in found[1:]:
        sentence = stream.sentence_start(position)
        new_cue = sentence == 0 or stream.words[sentence - 1].cue != stream.words[sentence].cue
        if position - last > GAP or (sentence != stream.sentence_start(last) and new_cue):
            break
        last = position
    return last


def find_moments(questions: Sequence[tuple[str, str]], stream: Stream, topics: Iterable[str] = (),
                 threshold: float = THRESHOLD) -> dict[str, Moment]:
    """Question id → where it was taken up, for the ``(id, text)`` questions
    whose best window scores at least ``threshold``."""
    moments = {}
    topics = list(topics)
    for question_id, text in questions:
        score, first, last = score_windows(text, stream, topics)
        if score >= threshold and first >= 0:
            cue = stream.transcript.cues[stream.words[first].cue]
            moments[question_id] = Moment(question_id, score, first, last, cue.start)
    return moments


def propose(questions: Sequence[tuple[str, str]], stream: Stream, speakers: Iterable[str] = (),
            topics: Iterable[str] = (), threshold: float = THRESHOLD,
            moments: dict[str, Moment] | None = None) -> list[Proposal]:
    """A proposal for each question taken up, in the order of the call: the
    moment, and what was said from the end of its sentence to the sentence of
    the next question taken up.  ``speakers``: the series' speakers, each
    ``Name|alias|…``; a transcript's name that is one of them becomes the Name."""
    if moments is None:  # (the caller may have found them already)
        moments = find_moments(questions, stream, topics, threshold)
    order = sorted(moments.values(), key=lambda m: (m.first, m.question_id))
    starts = sorted({stream.reading_start(m.first) for m in order})
    names = _aliases(speakers)
    proposals = []
    for moment in order:
        begin = stream.sentence_end(max(moment.last, moment.first)) + 1
        later = [s for s in starts if s > stream.reading_start(moment.first) and s >= begin]
        stop = later[0] if later else len(stream.words)
        together = [m.question_id for m in order if m is not moment
                    and stream.sentence_start(m.first) == stream.sentence_start(moment.first)]
        proposals.append(Proposal(moment.question_id, int(moment.seconds), _turns(stream, begin, stop, names),
                                  together))
    return proposals


def asked_live(stream: Stream, moments: Iterable[Moment]) -> list[tuple[float, str]]:
    """Sentences ending in '?' (of :data:`LIVE_QUESTION_WORDS` words or more)
    said outside every sentence where a question of the draft was taken up:
    maybe asked live, for staff to look at (never added to the draft)."""
    taken = [(stream.sentence_start(m.first), stream.sentence_end(m.last)) for m in moments]
    out = []
    index = 0
    while index < len(stream.words):
        end = stream.sentence_end(index)
        words = stream.words[index:end + 1]
        if (words[-1].text.rstrip("\"'”’)»").endswith("?") and len(words) >= LIVE_QUESTION_WORDS
                and not any(a <= index <= b or a <= end <= b for a, b in taken)):
            out.append((words[0].time, " ".join(w.text for w in words)))
        index = end + 1
    return out


def _turns(stream: Stream, begin: int, stop: int, names: dict[str, str]) -> list[tuple[str | None, str]]:
    """Words ``begin`` to ``stop`` (excluded) as one line per speaker's turn."""
    turns: list[tuple[str | None, list[str]]] = []
    cues = stream.transcript.cues
    for word in stream.words[begin:stop]:
        speaker = cues[word.cue].speaker
        if speaker is not None:
            speaker = names.get(_key(speaker), speaker)
        if turns and turns[-1][0] == speaker:
            turns[-1][1].append(word.text)
        else:
            turns.append((speaker, [word.text]))
    return [(speaker, " ".join(words)) for speaker, words in turns]


def _key(name: str) -> str:
    return " ".join(re.sub(r"\s*\([^()]*\)\s*$", "", name).split()).casefold()


def _aliases(speakers: Iterable[str]) -> dict[str, str]:
    """Each name or alias of the series' speakers (``Name|alias``) → the Name."""
    out = {}
    for entry in speakers:
        names = [n.strip() for n in entry.split("|") if n.strip()]
        for name in names:
            out.setdefault(_key(name), names[0])
    return out
