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

import mwparserfromhell
from mwparserfromhell.nodes import Comment, Text
from mwparserfromhell.utils import parse_anything
from mwparserfromhell.wikicode import Wikicode

#: Up to this many unclosed openers mwparserfromhell reads the text whole.
UNCLOSED_LIMIT = 20

_OPENERS = re.compile(r"\{\{|\}\}|\[\[|\]\]|<(/?)([A-Za-z][A-Za-z0-9]*)\b[^<>]*?(/?)>")
_VOID_TAGS = frozenset({"br", "hr", "wbr", "img", "meta", "link", "input", "col", "area", "base", "source",
                        "track", "embed", "param"})


def unclosed(text: str) -> list[tuple[int, int]]:
    """The (start, end) of every opener in ``text`` that nothing closes, in
    order; an unclosed comment is one span from its ``<!--`` to the end."""
    spans: list[tuple[int, int]] = []
    end = len(text)
    last_close = text.rfind("-->")
    first_open = text.find("<!--", last_close + 3 if last_close >= 0 else 0)
    if first_open >= 0:
        end = first_open
        spans.append((first_open, len(text)))
    stacks: dict[str, list[int]] = {}
    lengths: dict[int, int] = {}
    for match in _OPENERS.finditer(text, 0, end):
        token = match.group()
        if token in ("{{", "[["):
            stacks.setdefault(token, []).append(match.start())
            lengths[match.start()] = 2
        elif token in ("}}", "]]"):
            opener = "{{" if token == "}}" else "[["
            if stacks.get(opener):
                stacks[opener].pop()
        else:
            name = match.group(2).lower()
            if match.group(3) or name in _VOID_TAGS:
                continue
            if match.group(1):
                if stacks.get("<" + name):
                    stacks["<" + name].pop()
            else:
                stacks.setdefault("<" + name, []).append(match.start())
                lengths[match.start()] = 1
    for starts in stacks.values():
        spans += [(start, start + lengths[start]) for start in starts]
    return sorted(spans)


def parse(text: str, *, skip_style_tags: bool = False) -> Wikicode:
    """``mwparserfromhell.parse(text)``, in time linear in ``text``."""
    if text.count("{{") + text.count("[[") + text.count("<") <= UNCLOSED_LIMIT:
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
    out, last = [], 0
    for number, (start, end) in enumerate(spans):
        out += [text[last:start], _MARK, chr(_INDEX_BASE + number)]
        last = end
    out.append(text[last:])
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
