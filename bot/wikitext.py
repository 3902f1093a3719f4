"""mwparserfromhell's parse, in linear time whatever a page holds.

mwparserfromhell 0.7.2's tokenizer is quadratic on constructs nothing
closes (upstream earwig/mwparserfromhell#364): at each unclosed ``{{``,
``[[``, ``<tag>`` or ``<!--`` it reads on to the end of the text before it
gives up and backtracks.  One line of ``<!-- `` x 20,000 appended to a draft
made a tick take 218 s; 64 KB of ``{{x|`` spent a whole run's budget.  Every
page the bot reads can be edited by anyone, so every parse of one goes
through :func:`parse`.

:func:`parse` finds, in linear passes, the openers that nothing closes
(:func:`unclosed`): an unclosed ``<!--`` (MediaWiki hides all from it to
the end of the page); the ``{{``, ``[[`` and opening tags left on a stack
per kind, and those the tokenizer's nesting leaves open (a ``}}`` in a tag
or a bold run opened inside the template closes nothing); tag starts with
no ``>``; external links' ``[`` with no ``]`` on their line; tables with no
``|}``; never counting what a closed comment or a ``<nowiki>``, ``<pre>``…
holds.  Each kind was found quadratic in the tokenizer, by measurement.
Up to :data:`UNCLOSED_LIMIT` of them it
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
from mwparserfromhell.nodes import Comment, ExternalLink, Tag, Template, Text, Wikilink
from mwparserfromhell.utils import parse_anything
from mwparserfromhell.wikicode import Wikicode

#: Up to this many unclosed openers mwparserfromhell reads the text whole.
UNCLOSED_LIMIT = 20

_TAG_NAME = r"[^\s{}\[\]<>|=&'\"#*;:/\\!\-]++"
"""A tag's name as mwparserfromhell's tokenizer reads one: from the ``<`` (or
``</``) up to a space, a quote or one of its marker characters.  Not only
ASCII letters: ``<é `` and ``<1x>`` start tags for it too.  Possessive
(``++``): the pattern after it must not make the engine give back the name
one character at a time (``<`` and 40,000 letters took 17 s)."""
_OPENERS = re.compile(r"(?m)^[^\S\n]?(\{\||\|\})"
                      r"|\{\{|\}\}|\[\[|\]\]|\[|\]|\n"
                      r"|<(/?)(" + _TAG_NAME + r")[^<>]*?(/?)>"
                      r"|<(/?)" + _TAG_NAME + r"(?=[^<>]*(?:<|\Z))")
"""What :func:`unclosed` reads: a table's start and end at a line's start (as
the tokenizer reads them: after at most one character of white space, any
script's), template and link
brackets, single brackets and line ends (for external links), whole tags, and
tag starts that reach the next ``<`` or the end without a ``>`` (the last two
alternatives scan only up to the next ``<``, so each character is scanned
once: linear)."""
_VOID_TAGS = frozenset({"br", "hr", "wbr", "img", "meta", "link", "input", "col", "area", "base", "source",
                        "track", "embed", "param"})


_RAW = "|".join(sorted(PARSER_BLACKLIST, key=len, reverse=True))
_HIDING = re.compile(r"<!--|<(" + _RAW + r")\b[^<>]*?(?<!/)>", re.IGNORECASE)
_RAW_CLOSE = re.compile(r"</(" + _RAW + r")\s*>", re.IGNORECASE)


def _read_parts(text: str) -> tuple[list[tuple[int, int]], int | None]:
    """The parts of ``text`` that mwparserfromhell reads as wikitext, and
    where an unclosed comment starts (it hides the rest of the page), if one
    does: all but the insides of closed comments and of the tags whose
    contents it does not parse (``<nowiki>``, ``<pre>``, ``<math>``…: its
    ``PARSER_BLACKLIST``; a ``<!--`` inside one opens no comment, however
    unclosed).
    all but the insides of closed comments and of the tags whose contents it
    does not parse (``<nowiki>``, ``<pre>``, ``<math>``…: its
    A ``}}`` in ``{{a|<!--}}-->`` closes nothing for the tokenizer; counted as a closer, 2,000 of them left 2,000 templates
    unseen and made a tick take 150 s.  One pass: each comment's ``-->`` is
    the first after it, each tag's closer is found among the closers' sorted
    positions."""
    closers: dict[str, list[int]] = {}
    for match in _RAW_CLOSE.finditer(text):
        closers.setdefault(match.group(1).lower(), []).append(match.start())
    parts, start, scan = [], 0, 0
    while (match := _HIDING.search(text, scan)) is not None:
        if match.group(1) is None:  # a comment
            close = text.find("-->", match.end())
            if close < 0:
                parts.append((start, match.start()))
                return parts, match.start()
        else:
            positions = closers.get(match.group(1).lower(), [])
            at = bisect_left(positions, match.end())
            close = positions[at] if at < len(positions) else -1
        if close < 0:
            scan = match.end()
            continue
        parts.append((start, match.end()))
        start = scan = close
    parts.append((start, len(text)))
    return parts, None


_NESTED = re.compile(r"\{\{|\}\}|\[\[|\]\]|\n|'{2,}|<(/?)(" + _TAG_NAME + r")[^<>]*?(/?)>")
_CLOSES = {"}}": "{{", "]]": "[["}


def _unclosed_nested(text: str, parts: list[tuple[int, int]], styles: bool) -> list[tuple[int, int]]:
    """The openers left open when each closer closes only the innermost open
    construct, as the tokenizer reads: a ``}}`` in the body of a tag opened
    inside a template (``{{a|<ref>}}</ref>``), or inside a bold or italic run
    (``{{a|''b}}``), closes nothing.  Counting closers per kind, as
    :func:`unclosed` does first, takes those for the template's: 10,000 such
    units took 43-96 s.  With ``styles``, runs of ``''`` open and close
    styles, which end at the end of their line (an unclosed one is listed).
    Openers closed here but not by the tokenizer (a template around a tag it
    gives up on) are listed too: at most a few on an ordinary page, where
    :func:`parse` reads the page as it is anyway."""
    stack: list[tuple[str, int, int]] = []
    spans: list[tuple[int, int]] = []
    for part in parts:
        for match in _NESTED.finditer(text, *part):
            token = match.group()
            if token in ("{{", "[["):
                stack.append((token, match.start(), match.end()))
            elif token in _CLOSES:
                if stack and stack[-1][0] == _CLOSES[token]:
                    stack.pop()
            elif token == "\n":
                while stack and stack[-1][0] == "''":
                    spans.append(stack.pop()[1:])
            elif token.startswith("''"):
                if not styles:
                    continue
                if stack and stack[-1][0] == "''":
                    stack.pop()
                else:
                    stack.append(("''", match.start(), match.end()))
            else:
                name = match.group(2).lower()
                if match.group(3) or name in _VOID_TAGS:
                    continue
                if not match.group(1):
                    stack.append(("<" + name, match.start(), match.start() + 1))
                elif stack and stack[-1][0] == "<" + name:
                    stack.pop()
    return spans + [(start, end) for _, start, end in stack]


def unclosed(text: str, *, styles: bool = False) -> list[tuple[int, int]]:
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
    (:func:`_read_parts`); and the openers the tokenizer's nesting leaves
    open are added (:func:`_unclosed_nested`; ``styles``: bold and italic
    are read, as ``parse`` does unless ``skip_style_tags``)."""
    spans: list[tuple[int, int]] = []
    parts, comment = _read_parts(text)
    if comment is not None:
        spans.append((comment, len(text)))
    stacks: dict[str, list[int]] = {}
    lengths: dict[int, int] = {}
    links: list[int] = []  # single ``[`` waiting on this line for a ``]``
    inner = 0  # ``[[`` opened on this line after the first waiting ``[``
    tables: list[int] = []
    for match in (match for part in parts for match in _OPENERS.finditer(text, *part)):
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
    return sorted(set(spans) | set(_unclosed_nested(text, parts, styles)))


def openers_at_most(text: str) -> int:
    """More than :func:`unclosed` can find in ``text`` (its ``{{``, ``[``,
    ``<`` and ``{|``): a text with no more than :data:`UNCLOSED_LIMIT` of
    them needs no scan."""
    return text.count("{{") + text.count("[") + text.count("<") + text.count("{|")


def parse(text: str, *, skip_style_tags: bool = False) -> Wikicode:
    """``mwparserfromhell.parse(text)``, in time linear in ``text``."""
    if openers_at_most(text) <= UNCLOSED_LIMIT:
        return mwparserfromhell.parse(text, skip_style_tags=skip_style_tags)
    spans = unclosed(text, styles=not skip_style_tags)
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

    nodes = list(code.ifilter(recursive=True))
    if any(_MARK in str(_name_of(node)) for node in nodes if isinstance(node, _NAMED)):
        return None  # a stand-in went on a URL or became a name: read the pieces apart
    for node in nodes:
        if isinstance(node, Text) and _MARK in node.value:
            node.value = _STAND_IN.sub(restore, node.value)
        elif isinstance(node, Comment) and _MARK in node.contents:
            node.contents = _STAND_IN.sub(restore, node.contents)
    return code if str(code) == text else None


_NAMED = (ExternalLink, Template, Wikilink, Tag)


def _name_of(node) -> object:
    """What a stand-in must not be part of: a link's URL or target, a template's or tag's name."""
    if isinstance(node, ExternalLink):
        return node.url
    if isinstance(node, Template):
        return node.name
    if isinstance(node, Wikilink):
        return node.title
    return node.tag


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
