"""Translation units of the notes, and the markers Translate gave them, kept
when the bot writes the notes again.

A translatable page carries ``<translate>…</translate>`` blocks; when a
translation administrator marks a version for translation, the Translate
extension writes a unit marker ``<!--T:n-->`` at the start of every unit: a
block whose text is on one line is one unit, marked inline (``<translate><!--T:3-->
Text</translate>``); a block over several lines is split at blank lines into
paragraph units, each marked on a line of its own before it, or at the end of
its first line when it starts with a heading (``== Heading == <!--T:4-->``).
Translations hang on those numbers: a unit written again without its marker
looks new, and its translations are lost.

:func:`keep_markers` carries the markers of the text on the wiki over to the
notes rendered anew, unit by unit:

* a unit is the same unit when it comes from the same question (the anchor
  ``<span id="q-…"></span>`` on its line), the same answer paragraph of that
  question (the lines after the question), the same heading or the same fixed
  text (with ``<tvar>`` values left out): first by its exact text (there once
  before and once after); then the answers of each question left over (and
  the headings, and the fixed text) by the alignment in order with the
  greatest likeness, the speakers left out (a shared ``Maggie:`` makes no
  two answers alike), and by their place only when there are as many as
  before, by the same speaker, and their texts are close;
* a unit whose text changed keeps its marker (Translate shows its translations
  as outdated); a new unit gets none (the next marking gives it one); a gone
  unit takes its marker away; a marker is never written twice nor put on
  another unit, and a marker the rendered text brought along is dropped;
* a marker keeps the form it had (spaces inside, inline or on its own line).

Everything else, ``<tvar>``, ``<translate nowrap>`` and the rest of the text,
is the rendered text's, untouched.

The units are found with regular expressions over the text, not with
mwparserfromhell: Translate itself finds them that way (a ``<translate>`` inside
a template call or a link is still a unit), so reading the text as it does is
what keeps the numbers on the units Translate means.  One pass each, linear.

:func:`translatable_template` and :func:`split_markup` make the fixed text of a
template and the answers' own translation markup fit for that.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

from bot import wikifacts
from bot.compile.draft import speaker_of, without_speaker

__all__ = ["keep_markers", "markers", "split_markup", "translatable_template", "units"]

BLOCK = re.compile(r"(<translate(?:\s[^>]*)?>)(.*?)(</translate\s*>)", re.S | re.I)
"""A ``<translate>`` block (``nowrap`` and other attributes included): open tag, content, close tag."""

MARKER = re.compile(r"<!--\s*T:(\d+)\s*-->")
"""A unit marker as Translate writes it, spaces inside allowed."""

_PREFIX = re.compile(r"<!--\s*T:(\d+)\s*-->[ \t]*\n?")
_SUFFIX = re.compile(r"[ \t]*<!--\s*T:(\d+)\s*-->[ \t]*$")
_STRAY = re.compile(r"[ \t]*<!--\s*T:\d+\s*-->")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_ANCHOR = re.compile(r'<span\s+id\s*=\s*"([^"<>]+)"\s*>\s*</span>', re.I)
_TVAR = re.compile(r"(<tvar\b[^>]*>).*?(</tvar\s*>|</>)", re.S | re.I)
_SPACE = re.compile(r"\s+")
_NOWIKI = re.compile(r"<nowiki\s*>.*?</nowiki\s*>", re.S | re.I)


@dataclass
class Unit:
    """One translation unit of a text."""

    start: int
    """Offset where the unit begins (its marker included)."""
    end: int
    body_start: int
    """Offset of the unit's own text, after a marker before it."""
    inline: bool
    """The whole block is this one unit, on one line."""
    heading: bool
    """A paragraph unit that starts with a heading line."""
    marker: str | None = None
    """Its number, if it has a marker."""
    prefix: str = ""
    """The marker as written before the unit's text, with its separator."""
    suffix: str = ""
    """The marker as written after a heading unit's first line."""
    text: str = ""
    """The unit's text without markers, spaces folded: what is compared."""
    role: str = "t"
    """'q' a question, 'a' an answer paragraph, 'h' a heading, 't' fixed text."""
    owner: str = ""
    """The question's id, for 'q' and 'a'."""


def units(text: str) -> list[Unit]:
    """The translation units of ``text``, in order, with their markers and what they belong to."""
    found: list[Unit] = []
    masked = _armoured(text)
    for block in BLOCK.finditer(masked):
        content, offset = block.group(2), block.start(2)
        inline = "\n" not in content
        breaks = [] if inline else [(b.start(), b.end()) for b in _PARAGRAPH_BREAK.finditer(content)]
        start = 0
        for end, after in [*breaks, (len(content), len(content))]:
            piece = content[start:end]
            lead = len(piece) - len(piece.lstrip())
            if piece.strip():  # an empty block or paragraph is no unit
                found.append(_unit(text, masked, offset + start + lead, offset + start + len(piece.rstrip()),
                                   inline=inline))
            start = after
    _place(masked, found)
    return found


def _armoured(text: str) -> str:
    """``text`` with each ``<nowiki>`` part blanked out, offsets kept: what is
    in one is text, no markup (Translate too sets them aside before it looks
    for units)."""
    return _NOWIKI.sub(lambda m: "\0" * len(m.group(0)), text)


def _unmarked(text: str, masked: str, start: int, end: int) -> str:
    """``text[start:end]`` without the unit markers in it (outside ``<nowiki>``)."""
    out, at = [], start
    for m in _STRAY.finditer(masked, start, end):
        out.append(text[at:m.start()])
        at = m.end()
    out.append(text[at:end])
    return "".join(out)


def markers(text: str) -> list[str]:
    """Every unit marker's number in ``text``, in order (repeats included)."""
    return [m.group(1) for m in MARKER.finditer(text)]


def keep_markers(current: str, rendered: str) -> str:
    """``rendered`` with the markers of ``current``'s units on the same units
    (see the module's docstring), and no other marker."""
    old, new = units(current), units(rendered)
    masked = _armoured(rendered)
    seen: set[str] = set()
    for unit in old:  # a marker written twice counts once: on its first unit
        if unit.marker in seen:
            unit.marker = None
        elif unit.marker is not None:
            seen.add(unit.marker)
    given = _match(old, new)
    out, at = [], 0
    for j, unit in enumerate(new):
        out.append(_unmarked(rendered, masked, at, unit.start))
        body = _unmarked(rendered, masked, unit.body_start, unit.end)
        source = given.get(j)
        if source is not None:
            prefix, suffix = _form(source, unit)
            first, newline, rest = body.partition("\n")
            body = prefix + (first + suffix + newline + rest if suffix else body)
        out.append(body)
        at = unit.end
    out.append(_unmarked(rendered, masked, at, len(rendered)))
    return "".join(out)


# -- finding the units ---------------------------------------------------------------

def _unit(text: str, masked: str, start: int, end: int, *, inline: bool) -> Unit:
    unit = Unit(start, end, start, inline, heading=False)
    prefix = _PREFIX.match(masked, start, end)
    if prefix:
        unit.marker, unit.prefix = prefix.group(1), prefix.group(0)
        unit.body_start = prefix.end()
    body = masked[unit.body_start:end]
    first_line = body.split("\n", 1)[0]
    if not inline and wikifacts.HEADING.match(_SUFFIX.sub("", first_line)):
        unit.heading = True
        suffix = _SUFFIX.search(first_line)
        if suffix and unit.marker is None:
            unit.marker, unit.suffix = suffix.group(1), suffix.group(0)
    if unit.marker is None:  # a marker somewhere else in the unit still names it
        stray = MARKER.search(body)
        unit.marker = stray.group(1) if stray else None
    own = _unmarked(text, masked, unit.body_start, end)
    unit.text = _SPACE.sub(" ", _TVAR.sub(r"\1\2", own)).strip()
    return unit


def _place(text: str, found: list[Unit]) -> None:
    """Give each unit its role: the question on whose line it is, an answer of
    the question whose lines it follows (no blank line or heading between), a
    heading, or fixed text."""
    if not found:
        return
    starts, owners, kinds = [], [], []
    offset, owner = 0, ""
    for line in text.split("\n"):
        bare = line.strip()
        anchor = _ANCHOR.search(line)
        if not bare or wikifacts.HEADING.match(_plain_heading(bare)):
            kind, owner = ("h" if bare else ""), ""
        elif anchor:
            kind, owner = "q", anchor.group(1)
        else:
            kind = "a" if owner else ""
        starts.append(offset)
        owners.append(owner)
        kinds.append(kind)
        offset += len(line) + 1
    for unit in found:
        line = bisect_right(starts, unit.body_start) - 1
        kind = kinds[line]
        if unit.heading:
            kind = "h"
        if kind == "a" and not unit.inline:
            kind = ""  # a block over several lines is fixed text: answers are written inline
        unit.role = kind or "t"
        unit.owner = owners[line] if kind in ("q", "a") else ""


def _plain_heading(line: str) -> str:
    return _SUFFIX.sub("", line)


# -- matching old units to new ----------------------------------------------------------

def _match(old: list[Unit], new: list[Unit]) -> dict[int, Unit]:
    """New unit index → the marked old unit it is: first by identity (a
    question by its id; an answer, a heading or fixed text by its exact
    text, when that text is there once before and once after); then the
    units left over of each question's answers, of the headings and of the
    fixed text, by an alignment that keeps their order (:func:`_align`)."""
    given: dict[int, int] = {}
    old_keys, new_keys = _keys(old), _keys(new)
    count = Counter(key[:-1] for key in old_keys) + Counter(key[:-1] for key in new_keys)
    by_key = {key: i for i, key in enumerate(old_keys)}
    for j, key in enumerate(new_keys):
        i = by_key.get(key)
        # a text there twice is no identity: its copies are told apart by their order
        if i is not None and (key[0] == "q" or count[key[:-1]] == 2):
            given[j] = i
    matched = set(given.values())
    old_groups = _groups(old)
    for group, news in _groups(new).items():
        olds = old_groups.get(group, [])
        left_old = [(k, i) for k, i in enumerate(olds) if i not in matched]
        left_new = [(k, j) for k, j in enumerate(news) if j not in given]
        for i, j in _align(left_old, left_new, old, new, same_count=len(olds) == len(news)):
            given[j] = i
    return {j: old[i] for j, i in given.items() if old[i].marker is not None}


def _keys(found: list[Unit]) -> list[tuple]:
    """Each unit's identity: its role, its question, its text where the text
    names it, and which occurrence of that it is."""
    count: dict[tuple, int] = {}
    out = []
    for unit in found:
        base: tuple = (("q", unit.owner) if unit.role == "q" else
                       ("a", unit.owner, unit.text) if unit.role == "a" else (unit.role, unit.text))
        count[base] = count.get(base, 0) + 1
        out.append((*base, count[base]))
    return out


def _groups(found: list[Unit]) -> dict[tuple[str, str], list[int]]:
    """The indexes of the units that may be aligned with each other, in
    order: each question's answers, the headings, the fixed text."""
    out: dict[tuple[str, str], list[int]] = {}
    for i, unit in enumerate(found):
        if unit.role != "q":  # a question is its id, or a new question
            out.setdefault((unit.role, unit.owner), []).append(i)
    return out


LIKE = 0.5
"""How alike two texts must be, their speakers left out, to be one unit edited."""
CLOSE = 0.25
"""How alike two texts in the same place must be, when there are as many as before."""
COMPARED = 300
"""Characters of each text compared: a bound on the cost of one comparison."""
ALIGNED = 16
"""The most units of a group aligned together (see :func:`_align`)."""


def _align(olds: list[tuple[int, int]], news: list[tuple[int, int]], old: list[Unit], new: list[Unit], *,
           same_count: bool) -> list[tuple[int, int]]:
    """The pairs (old unit, new unit) of one group's units left over, each
    given as (place in the group, index): of the sets of pairs in the same
    order on both sides (no two pairs cross), the one with the greatest
    total likeness, a pair being two texts at least :data:`LIKE` alike once
    the speakers and emphasis are left out, or, when the group has as many
    units as before (``same_count``), two texts in the same place, by the
    same speaker, at least :data:`CLOSE` alike.  A shared speaker alone makes
    no pair.

    A longest-common-subsequence table over the units, at most
    :data:`ALIGNED` × :data:`ALIGNED` cells: a bigger group (which no notes
    have) is cut into consecutive blocks aligned one by one, so that hostile
    text costs linear time."""
    if not olds or not news:
        return []
    pairs: list[tuple[int, int]] = []
    blocks = -(-max(len(olds), len(news)) // ALIGNED)
    for b in range(blocks):
        pairs += _align_block(olds[len(olds) * b // blocks:len(olds) * (b + 1) // blocks],
                              news[len(news) * b // blocks:len(news) * (b + 1) // blocks],
                              old, new, same_count=same_count)
    return pairs


def _align_block(olds: list[tuple[int, int]], news: list[tuple[int, int]], old: list[Unit], new: list[Unit], *,
                 same_count: bool) -> list[tuple[int, int]]:
    if not olds or not news:
        return []
    old_cores, new_cores = [_Core(old[i]) for _, i in olds], [_Core(new[j]) for _, j in news]
    rows, cols = len(olds), len(news)
    weight = [[0.0] * cols for _ in range(rows)]
    letters, words = SequenceMatcher(None, "", "", autojunk=False), SequenceMatcher(None, [], [], autojunk=False)
    for c in range(cols):
        b = new_cores[c]
        letters.set_seq2(b.text)  # difflib indexes the second sequence once for all the first ones
        words.set_seq2(b.words)
        for r in range(rows):
            a = old_cores[r]
            cut = CLOSE if same_count and olds[r][0] == news[c][0] and a.speaker == b.speaker else LIKE
            weight[r][c] = _likeness(a, b, cut, letters, words)
    best = [[0.0] * (cols + 1) for _ in range(rows + 1)]
    for r in range(rows):
        for c in range(cols):
            take = best[r][c] + weight[r][c] if weight[r][c] else 0.0
            best[r + 1][c + 1] = max(best[r][c + 1], best[r + 1][c], take)
    pairs = []
    r, c = rows, cols
    while r and c:
        if best[r][c] == best[r - 1][c]:
            r -= 1
        elif best[r][c] == best[r][c - 1]:
            c -= 1
        else:
            pairs.append((olds[r - 1][1], news[c - 1][1]))
            r, c = r - 1, c - 1
    return pairs[::-1]


_EMPHASIS = re.compile(r"'{2,}")
_WORD = re.compile(r"\w+")


class _Core:
    """What of a unit's text is compared: an answer without the speaker it
    starts with (``Maggie:``, ``'''Jan Eissfeldt:'''``, ``Jack —``) and its
    list markers; bold and italic quotes left out, case folded, cut to
    :data:`COMPARED` characters; and its words."""

    def __init__(self, unit: Unit) -> None:
        answer = unit.role == "a"
        self.speaker = speaker_of(unit.text) if answer else None
        text = without_speaker(unit.text) if answer else unit.text
        self.text = _SPACE.sub(" ", _EMPHASIS.sub("", text)).strip().casefold()[:COMPARED]
        self.words = _WORD.findall(self.text)


def _likeness(a: _Core, b: _Core, cut: float, letters: SequenceMatcher, words: SequenceMatcher) -> float:
    """How alike ``a`` and ``b`` are (0 to 1: the mean of how alike their words
    and their letters are), or 0 when less than ``cut``; ``letters`` and
    ``words`` are matchers whose second sequence is ``b``'s.  Neither alone
    is enough: two unrelated sentences can have half their letters in
    common, and a word corrected is a word changed."""
    if a.text == b.text:
        return 1.0
    if not a.text or not b.text:
        return 0.0
    most_words = 2 * min(len(a.words), len(b.words)) / ((len(a.words) + len(b.words)) or 1)
    most_letters = 2 * min(len(a.text), len(b.text)) / (len(a.text) + len(b.text))
    if (most_words + most_letters) / 2 < cut:
        return 0.0
    words.set_seq1(a.words)
    same_words = words.ratio() if a.words and b.words else 0.0
    letters.set_seq1(a.text)
    if (same_words + letters.quick_ratio()) / 2 < cut:
        return 0.0
    ratio = (same_words + letters.ratio()) / 2
    return ratio if ratio >= cut else 0.0


def _form(source: Unit, target: Unit) -> tuple[str, str]:
    """The marker of ``source`` written on ``target``: as it was written, if
    the unit has the same shape; else as Translate writes it for that shape."""
    if source.inline == target.inline and source.heading == target.heading:
        if source.prefix or source.suffix:
            return source.prefix, source.suffix
    number = source.marker
    if target.inline:
        return f"<!--T:{number}--> ", ""
    if target.heading:
        return "", f" <!--T:{number}-->"
    return f"<!--T:{number}-->\n", ""


# -- translatable text: the template's fixed text, staff's own markup -------------------

_PLACEHOLDER = re.compile(r"\{\{\{\s*([^{}|]+?)\s*(?:\|[^{}]*)?\}\}\}")
_SENTENCE_END = re.compile(r"(?<=[.!?])([ \t]+)(?=[A-Z\"'“‘(\[{])")
_CALL = re.compile(r"\{\{[^{}]*\}\}|<[^<>]*>")
_LINE_START = re.compile(r"[ \t]*[*#:;]*[ \t]*")
_MARKUP = re.compile(r"<translate(?:\s+nowrap)?\s*>|</translate\s*>|<tvar\b[^<>]*>|</tvar\s*>", re.I)


def translatable_template(text: str, keep: tuple[str, ...] = ("questions", "languages")) -> str:
    """A template's fixed text made translatable: each sentence of it a unit
    of its own (``<translate>…</translate>``), its placeholders inside a
    sentence translation variables (``<tvar name="host">{{{host}}}</tvar>``),
    so that translators translate sentence by sentence and a new date or host
    is no new text to translate.  Lines that are markup or placeholders only,
    and lines with a placeholder of ``keep`` (whose values bring their own
    units), are left as they are; so is a template that already has
    ``<translate>`` markup: staff's own is kept."""
    if re.search(r"<translate\b", text, re.I):
        return text
    return "\n".join(_translatable_line(line, keep) for line in text.split("\n"))


def _translatable_line(line: str, keep: tuple[str, ...]) -> str:
    if any(m.group(1) in keep for m in _PLACEHOLDER.finditer(line)) or not _has_words(line):
        return line
    heading = wikifacts.HEADING.match(line)
    if heading:
        marks = heading.group(1)
        return f"{marks} {_translatable_sentences(heading.group(2))} {marks}"
    lead = _LINE_START.match(line).group(0)
    return lead + _translatable_sentences(line[len(lead):])


def _translatable_sentences(text: str) -> str:
    pieces = _SENTENCE_END.split(text)
    out = []
    for k, piece in enumerate(pieces):
        if k % 2 or not _has_words(piece):
            out.append(piece)
        else:
            body = _PLACEHOLDER.sub(lambda m: f'<tvar name="{_tvar_name(m.group(1))}">{m.group(0)}</tvar>', piece)
            out.append(f"<translate>{body}</translate>")
    return "".join(out)


def _has_words(text: str) -> bool:
    """Whether ``text`` has letters of its own, besides placeholders and markup."""
    rest = _PLACEHOLDER.sub("", text)
    while True:
        shorter = _CALL.sub("", rest)
        if shorter == rest:
            break
        rest = shorter
    return any(ch.isalpha() for ch in rest)


def _tvar_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", name) or "x"


def split_markup(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, is translation markup): the ``<translate>``,
    ``<translate nowrap>`` and ``<tvar>`` tags staff wrote, which are kept as
    they are while the text around them is made inert.  Markup that does not
    nest properly (an open tag left open, a ``<tvar>`` outside a unit, a
    unit inside a unit) is no markup: all of ``text`` is then one piece."""
    out: list[tuple[str, bool]] = []
    depth = {"translate": 0, "tvar": 0}
    at = 0
    for m in _MARKUP.finditer(text):
        tag = m.group(0).lower()
        name = "tvar" if "tvar" in tag else "translate"
        closing = tag.startswith("</")
        if closing and depth[name] != 1 or not closing and (depth[name] or name == "tvar" and not depth["translate"]) \
                or name == "translate" and depth["tvar"]:
            return [(text, False)]
        depth[name] += -1 if closing else 1
        out += [(text[at:m.start()], False), (m.group(0), True)]
        at = m.end()
    if any(depth.values()):
        return [(text, False)]
    out.append((text[at:], False))
    return [(piece, markup) for piece, markup in out if piece]
