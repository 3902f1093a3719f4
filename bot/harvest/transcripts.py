"""A recording's transcript: WebVTT (Zoom's, YouTube's captions) or SRT in, cues out.

* Zoom's cloud recording transcript is WebVTT whose cues start with the
  speaker: ``Maggie Dennis: Thank you all for coming.``; WebVTT's own voice
  spans (``<v Maggie Dennis>…</v>``) are read too.
* YouTube's captions (downloaded as ``.vtt``) have no speakers; the
  automatic ones repeat the line before in each cue (rolling captions) and
  time each word (``<00:01:02.120><c> word</c>``): the repeats are dropped.
* SRT, with or without ``Name:`` at the start of its cues.

The formats are read by `webvtt-py <https://pypi.org/project/webvtt-py/>`_
and `srt <https://pypi.org/project/srt/>`_.  A transcript has speakers when
most of its cues start with a name; a cue without one then continues the
speaker before.  Files in, plain data out: nothing here talks to a wiki.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Cue", "Transcript", "TranscriptError", "looks_like_transcript", "read_transcript"]

_NAME_WORD = r"[^\W\d_][\w.'’-]*"
_SPEAKER = re.compile(rf"^\s*(?:>>\s*)?(?P<name>{_NAME_WORD}(?:[ \u00a0]+(?:{_NAME_WORD}|\([^()]{{1,30}}\))){{0,4}})"
                      r"\s*:\s+(?=\S)")
_NOT_NAMES = frozenset("""so and but well ok okay yes no now then also note question answer q a first second
next here there this that what why how when where who which because um uh oh right sure thanks thank
example update background context""".split())
"""Words that start a sentence before a colon (``So: …``) and are nobody's name."""


class TranscriptError(ValueError):
    """A transcript the bot cannot read; the message names the file and, where known, the line."""


@dataclass(frozen=True)
class Cue:
    """One caption of the transcript."""

    start: float
    """Seconds into the recording."""
    end: float
    text: str
    """What was said, on one line, without the speaker."""
    speaker: str | None = None
    """Who said it, as the transcript names them; None when it does not."""


@dataclass
class Transcript:
    source: str
    cues: list[Cue]
    has_speakers: bool


def looks_like_transcript(path: Path, head: str) -> bool:
    """A ``.vtt`` or ``.srt`` file, or one that starts like one."""
    if path.suffix.lower() in (".vtt", ".srt"):
        return True
    stripped = head.lstrip("\ufeff").lstrip()
    return stripped.startswith("WEBVTT") or bool(re.match(r"\d+\s*\n\d{1,2}:\d{2}:\d{2},\d{3}\s*-->", stripped))


def read_transcript(path: Path) -> Transcript:
    try:
        text = path.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff")
    except OSError as e:
        raise TranscriptError(f"{path}: cannot read ({e.strerror})") from None
    return parse_transcript(text, str(path))


def parse_transcript(text: str, source: str) -> Transcript:
    """The cues of a WebVTT or SRT text (WebVTT when it starts with ``WEBVTT``)."""
    raw = _vtt_cues(text, source) if text.lstrip().startswith("WEBVTT") else _srt_cues(text, source)
    raw = _without_repeats(raw)
    if not raw:
        raise TranscriptError(f"{source}: line 1: no caption in the transcript")
    labelled = [(start, end, *_speaker(text, voice)) for start, end, text, voice in raw]
    named = sum(1 for *_, speaker, _ in labelled if speaker)
    has_speakers = named * 2 >= len(labelled)
    cues = []
    current = None
    for start, end, speaker, words in labelled:
        if not has_speakers:
            speaker, words = None, _joined(words, speaker)
        elif speaker:
            current = speaker
        if words:
            cues.append(Cue(start, end, words, speaker or current if has_speakers else None))
    return Transcript(source, cues, has_speakers)


def _joined(words: str, speaker: str | None) -> str:
    """A cue's text with what looked like a speaker put back (a transcript without speakers)."""
    return f"{speaker}: {words}" if speaker else words


def _speaker(text: str, voice: str | None) -> tuple[str | None, str]:
    if voice:
        return " ".join(voice.split()), text
    match = _SPEAKER.match(text)
    if not match or match["name"].split()[0].casefold() in _NOT_NAMES or not match["name"][0].isupper():
        return None, text
    return " ".join(match["name"].split()), text[match.end():].strip()


def _vtt_cues(text: str, source: str) -> list[tuple[float, float, str, str | None]]:
    import webvtt
    from webvtt.errors import MalformedCaptionError, MalformedFileError

    try:
        captions = webvtt.from_buffer(io.StringIO(text), strict=True).captions  # no caption dropped unsaid
    except (MalformedFileError, MalformedCaptionError) as e:
        raise TranscriptError(f"{source}: not a WebVTT file webvtt-py can read ({e})") from None
    out = []
    for caption in captions:
        out.append((caption.start_time.in_milliseconds() / 1000, caption.end_time.in_milliseconds() / 1000,
                    _one_line(caption.text), caption.voice))
    return out


def _srt_cues(text: str, source: str) -> list[tuple[float, float, str, str | None]]:
    import srt

    try:
        subtitles = list(srt.parse(text))
    except srt.SRTParseError as e:
        line = text.count("\n", 0, e.expected_start) + 1
        raise TranscriptError(f"{source}: line {line}: not a WebVTT or SRT caption (expected "
                              f"'00:00:01,000 --> 00:00:04,000' or a WEBVTT header)") from None
    return [(s.start.total_seconds(), s.end.total_seconds(), _one_line(re.sub(r"<[^>]*>", "", s.content)), None)
            for s in subtitles]


def _without_repeats(cues: list[tuple[float, float, str, str | None]]) -> list[tuple[float, float, str, str | None]]:
    """Rolling captions (YouTube's automatic ones) without the text each cue
    repeats from the cue before: a cue that only repeats is dropped, one that
    starts with the end of the one before keeps what is new."""
    out: list[tuple[float, float, str, str | None]] = []
    last = ""
    for start, end, text, voice in cues:
        if not text:
            continue
        if last and text == last:
            continue
        if last and text.startswith(last + " ") and len(last) >= 10:
            text = text[len(last) + 1:]
        elif last:
            overlap = _overlap(last, text)
            if overlap >= 10:
                text = text[overlap:].lstrip()
        if text:
            out.append((start, end, text, voice))
            last = text
    return out


def _overlap(before: str, after: str) -> int:
    """The length of the longest end of ``before`` (whole words) that ``after`` starts with."""
    words = before.split()
    for count in range(min(len(words), 40), 0, -1):
        tail = " ".join(words[-count:])
        if after.startswith(tail) and (len(after) == len(tail) or after[len(tail)] == " "):
            return len(tail)
    return 0


def _one_line(text: str) -> str:
    return " ".join(text.split())
