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
exactly as before.  Beyond, it parses the pieces between them apart and
puts each unclosed opener back as plain text: the result still gives back
the page to the letter (``str(parse(text)) == text``), so a page the bot
writes back loses nothing, while nothing an unclosed opener would have
swallowed is read as structure.
"""

from __future__ import annotations

import re

import mwparserfromhell
from mwparserfromhell.nodes import Text
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
