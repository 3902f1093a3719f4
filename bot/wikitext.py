"""mwparserfromhell's parse, in linear time whatever a page holds.

mwparserfromhell 0.7.2's tokenizer is quadratic on constructs nothing
closes (upstream earwig/mwparserfromhell#364): at each unclosed ``{{``,
``[[``, ``<tag>`` or ``<!--`` it reads on to the end of the text before it
gives up and backtracks.  One line of ``<!-- `` x 20,000 appended to a draft
made a tick take 218 s; 64 KB of ``{{x|`` spent a whole run's budget.  Every
page the bot reads can be edited by anyone, so every parse of one goes
through :func:`parse`.

:func:`parse` finds, in one left-to-right pass, the openers that nothing
closes: each ``<!--`` after the last ``-->`` (MediaWiki hides all from the
first of them to the end of the page), and the ``{{``, ``[[`` and opening
tags left on a stack per kind.  Up to :data:`UNCLOSED_LIMIT` of them it
gives the text to mwparserfromhell as it is, so ordinary pages are read
exactly as before.  Beyond, it parses the text once with each unclosed
opener replaced by a stand-in that opens nothing, and puts each opener back
as plain text (or, should that fail, parses the pieces between them apart): the result still gives back
the page to the letter (``str(parse(text)) == text``), so a page the bot
writes back loses nothing, while nothing an unclosed opener would have
swallowed is read as structure.
"""

from __future__ import annotations

import re
from bisect import bisect_left

import mwparserfromhell
from mwparserfromhell.definitions import PARSER_BLACKLIST
from mwparserfromhell.nodes import Comment, Text
from mwparserfromhell.utils import parse_anything
from mwparserfromhell.wikicode import Wikicode

#: Up to this many unclosed openers mwparserfromhell reads the text whole.
UNCLOSED_LIMIT = 20

_TAG_NAME = r"[^\s{}\[\]<>|=&'\"#*;:/\\!\-]+"
"""A tag's name as mwparserfromhell's tokenizer reads one: from the ``<`` (or
``</``) up to a space, a quote or one of its marker characters.  Not only
ASCII letters: ``<é `` and ``<1x>`` start tags for it too."""
_OPENERS = re.compile(r"(?m)^[ \t]?(\{\||\|\})"
                      r"|\{\{|\}\}|\[\[|\]\]|\[|\]|\n"
                      r"|<(/?)(" + _TAG_NAME + r")[^<>]*?(/?)>"
                      r"|<(/?)" + _TAG_NAME + r"(?=[^<>]*(?:<|\Z))")
"""What :func:`unclosed` reads: a table's start and end at a line's start (as
the tokenizer reads them: after at most one space), template and link
brackets, single brackets and line ends (for external links), whole tags, and
tag starts that reach the next ``<`` or the end without a ``>`` (the last two
alternatives scan only up to the next ``<``, so each character is scanned
once: linear)."""
_VOID_TAGS = frozenset({"br", "hr", "wbr", "img", "meta", "link", "input", "col", "area", "base", "source",
                        "track", "embed", "param"})


_RAW = "|".join(sorted(PARSER_BLACKLIST, key=len, reverse=True))
_HIDING = re.compile(r"<!--|<(" + _RAW + r")\b[^<>]*?(?<!/)>", re.IGNORECASE)
_RAW_CLOSE = re.compile(r"</(" + _RAW + r")\s*>", re.IGNORECASE)


def _read_parts(text: str, end: int) -> list[tuple[int, int]]:
    """The parts of ``text[:end]`` that mwparserfromhell reads as wikitext:
    all but the insides of closed comments and of the tags whose contents it
    does not parse (``<nowiki>``, ``<pre>``, ``<math>``…: its
    ``PARSER_BLACKLIST``).  A ``}}`` in ``{{a|<!--}}-->`` closes nothing for
    the tokenizer; counted as a closer, 2,000 of them left 2,000 templates
    unseen and made a tick take 150 s.  One pass: each comment's ``-->`` is
    the first after it, each tag's closer is found among the closers' sorted
    positions."""
    closers: dict[str, list[int]] = {}
    for match in _RAW_CLOSE.finditer(text, 0, end):
        closers.setdefault(match.group(1).lower(), []).append(match.start())
    parts, start, scan = [], 0, 0
    while (match := _HIDING.search(text, scan, end)) is not None:
        if match.group(1) is None:  # a comment
            close = text.find("-->", match.end(), end)
        else:
            positions = closers.get(match.group(1).lower(), [])
            at = bisect_left(positions, match.end())
            close = positions[at] if at < len(positions) else -1
        if close < 0:
            scan = match.end()
            continue
        parts.append((start, match.end()))
        start = scan = close
    parts.append((start, end))
    return parts


def unclosed(text: str) -> list[tuple[int, int]]:
    """The (start, end) of every opener in ``text`` that nothing closes, in
    order; an unclosed comment is one span from its ``<!--`` to the end.

    The openers: ``{{`` and ``[[`` left on their stack; an opening tag with
    no closing tag of its name after it; a tag start with no ``>`` before the
    next ``<`` (``<div style="`` …: mwparserfromhell reads its attributes on
    to the end of the text); and a single ``[`` (an external link's) with no
    ``]`` before the end of its line (the tokenizer reads a label on to the
    end of the text, and a ``]]`` closes a wikilink inside the label, not the
    link).  Each was measured quadratic in mwparserfromhell 0.7.2 when
    repeated: 4,000 ``<div style="`` took 14 s, 4,000 ``[http://x `` 1.4 s.
    What a closed comment or a ``<nowiki>`` holds is not read
    (:func:`_read_parts`)."""
    spans: list[tuple[int, int]] = []
    end = len(text)
    last_close = text.rfind("-->")
    first_open = text.find("<!--", last_close + 3 if last_close >= 0 else 0)
    if first_open >= 0:
        end = first_open
        spans.append((first_open, len(text)))
    stacks: dict[str, list[int]] = {}
    lengths: dict[int, int] = {}
    links: list[int] = []  # single ``[`` waiting on this line for a ``]``
    inner = 0  # ``[[`` opened on this line after the first waiting ``[``
    tables: list[int] = []
    for match in (match for part in _read_parts(text, end) for match in _OPENERS.finditer(text, *part)):
        token = match.group()
        if match.group(1):
            if match.group(1) == "{|":
                tables.append(match.end() - 2)
            elif tables:
                tables.pop()
            elif text.startswith("}", match.end()) and stacks.get("{{"):
                stacks["{{"].pop()  # no table is open: ``|}}`` ends a template
        elif token == "[":
            links.append(match.start())
        elif token == "]" or (token == "]]" and links and not inner):
            links.clear()
            if token == "]]" and stacks.get("[["):
                stacks["[["].pop()
        elif token == "\n":
            spans += [(start, start + 1) for start in links]
            links.clear()
            inner = 0
        elif token in ("{{", "[["):
            stacks.setdefault(token, []).append(match.start())
            lengths[match.start()] = 2
            if token == "[[" and links:
                inner += 1
        elif token in ("}}", "]]"):
            opener = "{{" if token == "}}" else "[["
            if stacks.get(opener):
                stacks[opener].pop()
            if token == "]]" and inner:
                inner -= 1
        elif match.group(3) is None:
            spans.append((match.start(), match.start() + 1))  # a tag start with no ``>``
        else:
            name = match.group(3).lower()
            if match.group(4) or name in _VOID_TAGS:
                continue
            if match.group(2):
                if stacks.get("<" + name):
                    stacks["<" + name].pop()
            else:
                stacks.setdefault("<" + name, []).append(match.start())
                lengths[match.start()] = 1
    spans += [(start, start + 1) for start in links]
    spans += [(start, start + 2) for start in tables]
    for starts in stacks.values():
        spans += [(start, start + lengths[start]) for start in starts]
    return sorted(spans)


def parse(text: str, *, skip_style_tags: bool = False) -> Wikicode:
    """``mwparserfromhell.parse(text)``, in time linear in ``text``."""
    if text.count("{{") + text.count("[") + text.count("<") + text.count("{|") <= UNCLOSED_LIMIT:
        return mwparserfromhell.parse(text, skip_style_tags=skip_style_tags)
    spans = unclosed(text)
    comment = bool(spans) and spans[-1][1] == len(text) and text.startswith("<!--", spans[-1][0])
    if len(spans) - comment <= UNCLOSED_LIMIT:
        if not comment:
            return mwparserfromhell.parse(text, skip_style_tags=skip_style_tags)
        spans = [spans[-1]]  # only the unclosed comment: its many ``<!--`` are the cost
    return _parse_neutralised(text, spans, skip_style_tags) or _parse_apart(text, spans, skip_style_tags)


_MARK = "\ue000"
"""Starts a stand-in for an unclosed opener (a private-use character, then one
of :data:`_INDEXES` naming which): what mwparserfromhell reads as plain text."""
_INDEX_BASE = 0xF0000
_INDEXES = 0xFFFFD - _INDEX_BASE  # the supplementary private use area A
_STAND_IN = re.compile(_MARK + "([\U000F0000-\U000FFFFD])")


def _parse_neutralised(text: str, spans: list[tuple[int, int]], skip_style_tags: bool) -> Wikicode | None:
    """One parse of ``text`` with each unclosed opener replaced by a stand-in
    that opens nothing, then the openers put back in the text nodes (and
    comments) that hold their stand-ins.  None when the text already uses the
    stand-ins' characters, has too many openers for them, or does not come
    back to the letter: :func:`_parse_apart` then reads it.  (Parsing the
    pieces apart is linear too, but costs one mwparserfromhell parse per
    piece: 20,000 openers cost 0.8 s, this one parse 0.05 s.)"""
    if len(spans) > _INDEXES or _MARK in text:
        return None
    out, last, taken = [], 0, []
    for number, (start, end) in enumerate(spans):
        # A ``<`` or ``</`` just before a stand-in would start a tag named by
        # it (the tokenizer takes any character but its markers for a name):
        # it goes into the stand-in too (``<<table>`` x 2,000 took 0.3 s).
        while start > last and text[start - 1] in "</":
            start -= 1
        out += [text[last:start], _MARK, chr(_INDEX_BASE + number)]
        taken.append((start, end))
        last = end
    out.append(text[last:])
    spans = taken
    code = mwparserfromhell.parse("".join(out), skip_style_tags=skip_style_tags)

    def restore(match: re.Match) -> str:
        start, end = spans[ord(match.group(1)) - _INDEX_BASE]
        return text[start:end]

    for node in code.ifilter(recursive=True):
        if isinstance(node, Text) and _MARK in node.value:
            node.value = _STAND_IN.sub(restore, node.value)
        elif isinstance(node, Comment) and _MARK in node.contents:
            node.contents = _STAND_IN.sub(restore, node.contents)
    return code if str(code) == text else None


def _parse_apart(text: str, spans: list[tuple[int, int]], skip_style_tags: bool) -> Wikicode:
    """The pieces between the unclosed openers parsed apart, each opener kept as text."""
    pieces: list = []
    last = 0
    for start, end in spans:
        if start > last:
            pieces.append(mwparserfromhell.parse(text[last:start], skip_style_tags=skip_style_tags))
        pieces.append(Text(text[start:end]))
        last = end
    if last < len(text):
        pieces.append(mwparserfromhell.parse(text[last:], skip_style_tags=skip_style_tags))
    return parse_anything(pieces)
