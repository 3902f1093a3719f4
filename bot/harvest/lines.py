"""Steps 1 to 3 of reading a questions page: hide what is not structure, cut the
page into lines (a template spanning lines keeps them together), and sort each
line (heading, list item, template, prose, ...).

Nothing here reads a signature or a question: :mod:`bot.harvest.posts` reads
what a line says, :mod:`bot.harvest.sections` what the lines make together.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from bot import wikifacts
from bot.wikifacts import QUESTION_TEMPLATE
from bot.model import Problem

_HIDDEN_MARK = "\x00"
"""Stands in, in the text questions are taken from, for what a reader never sees."""
_CODE_TAGS = ("nowiki", "pre", "syntaxhighlight", "source", "code", "math", "score", "chem", "graph")
"""Tags whose contents are code, not structure: their ``#`` or ``*`` lines are no list items."""
_CLOSING_TAG = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in _CODE_TAGS}
_BRACES = re.compile(r"\{\{|\}\}")
_LIST_PREFIX = wikifacts.LIST_PREFIX
_QUESTION_TEMPLATE_NAME = wikifacts.template_call_pattern(QUESTION_TEMPLATE)
_LAYOUT = re.compile(r"<[^<>\n]*>|__[A-Z]+__|\[\[\s*:?\s*(?:Category|Kategorie)\s*:[^\[\]\n]*\]\]",
                     re.IGNORECASE)
"""Markup that shows no text of its own: tags, magic words, category links."""
_EXCERPT = 300
"""How much of a line a Problem quotes."""


# --- Step 1: hide what is not structure ------------------------------------

@dataclass
class _Page:
    """The page and two views of it with the same offsets.

    ``structure`` is what the scanner reads: comments, nowiki and pre contents
    and answered marks are blanked (new lines included, so that a comment
    spanning lines joins them, as in MediaWiki).  ``display`` is what
    question texts are taken from: only comments and answered marks are
    hidden, as :data:`_HIDDEN_MARK`.  Line numbers are counted in ``source``.
    """

    source: str
    structure: str
    display: str
    problems: list[Problem] = field(default_factory=list)


@functools.lru_cache(maxsize=8)
def _hidden_pattern(mark_template: str) -> re.Pattern[str]:
    """Where something to hide starts: a comment, a nowiki or pre tag, or an answered
    mark made with ``mark_template`` (its name in any case, with spaces or underscores)."""
    mark = wikifacts.template_call_pattern(mark_template).pattern + r"(?:\|[^{}]*)?\}\}"
    return re.compile(r"<!--|<(?P<tag>" + "|".join(_CODE_TAGS) + r")\b[^<>]*>|" + mark, re.IGNORECASE)


def _hide(source: str, hidden: re.Pattern[str]) -> _Page:
    """Hide comments, nowiki and pre contents and answered marks, in one pass."""
    structure: list[str] = []
    display: list[str] = []
    problems: list[Problem] = []
    lines = _LineCounter(source)
    unclosed: set[str] = set()  # closing tags known to be missing from here on
    position = 0
    while (match := hidden.search(source, position)) is not None:
        start = match.start()
        structure.append(source[position:start])
        display.append(source[position:start])
        tag = (match["tag"] or "").lower()
        if match.group() == "<!--":
            close = source.find("-->", match.end())
            end = len(source) if close < 0 else close + 3
            if close < 0:
                problems.append(Problem(lines.at(start), "unclosed comment: <!-- hides the rest of the page",
                                        _physical_line(source, start)))
            structure.append(" " * (end - start))
            display.append(_HIDDEN_MARK * (end - start))
        elif tag and not match.group().endswith("/>"):
            close = None if tag in unclosed else _CLOSING_TAG[tag].search(source, match.end())
            if close is None:
                if tag not in unclosed:  # the first one; any later ones are unclosed too
                    unclosed.add(tag)
                    problems.append(Problem(lines.at(start), f"unclosed <{tag}>: shown as written",
                                            _physical_line(source, start)))
                end = match.end()
                structure.append(match.group())
            elif tag == "code" and "\n" not in source[match.end():close.start()]:
                end = close.end()  # inline <code> is HTML, not an extension: MediaWiki reads its links
                structure.append(source[start:end])  # (a signature wrapped in it: ``<code>[[User:X]]</code>``)
            else:
                end = close.end()
                structure.append(match.group() + " " * (close.start() - match.end()) + close.group())
            display.append(source[start:end])
        elif tag:  # <nowiki/>
            end = match.end()
            structure.append(match.group())
            display.append(match.group())
        else:  # an answered mark the bot added after a question
            end = match.end()
            structure.append(" " * (end - start))
            display.append(_HIDDEN_MARK * (end - start))
        position = end
    structure.append(source[position:])
    display.append(source[position:])
    return _Page(source, "".join(structure), "".join(display), problems)


class _LineCounter:
    """Line numbers of offsets asked for in increasing order, counted in one pass."""

    def __init__(self, text: str):
        self._text = text
        self._offset = 0
        self._line = 1

    def at(self, offset: int) -> int:
        self._line += self._text.count("\n", self._offset, offset)
        self._offset = offset
        return self._line


def _physical_line(text: str, offset: int) -> str:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return text[start:end if end >= 0 else len(text)][:_EXCERPT]


# --- Step 2 and 3: lines, and what kind each is --------------------------------

@dataclass
class _Line:
    """A line of the page (several when a template spans them) and what kind it is."""

    number: int
    """1-based number of the first line it covers."""
    structure: str
    display: str
    kind: str = "prose"
    """blank, heading, list, submission (holds a question template), template, layout, block
    (tags around text of their own: a code block) or prose."""
    prefix: str = ""
    """The list markers of a list item (``*``, ``*:``, ``::``...)."""
    struck: str = ""
    """The tag (``s``, ``del``, ``strike``) of a strike opened above (on a line of its own, or not
    closed on its line) still open where the line starts: it is struck from its start, as a browser
    shows it; empty for none."""

    @property
    def content(self) -> tuple[str, str]:
        """Structure and display of what follows the list markers."""
        start = len(_LIST_PREFIX.match(self.structure).group()) if self.prefix else 0
        return self.structure[start:], self.display[start:]

    @property
    def shown(self) -> str:
        return _shown(self.display).strip()[:_EXCERPT]


def _lines(page: _Page) -> Iterator[_Line]:
    """The page's lines, a template that spans lines making one line with them."""
    structure, display = page.structure, page.display
    spans = sorted(_template_spans(structure) + _block_spans(structure))
    next_span = 0
    number = 1
    start = 0
    strikes = _Strikes(page)
    while start <= len(structure):
        end = _line_end(structure, start)
        while next_span < len(spans) and spans[next_span][0] < end:
            if spans[next_span][1] > end:
                end = _line_end(structure, spans[next_span][1])
            next_span += 1
        line = _sorted(_Line(number, structure[start:end], display[start:end]))
        strikes.read(line)
        yield line
        number += page.source.count("\n", start, end) + 1
        start = end + 1
    strikes.end()


_STRIKE_TAG = re.compile(r"<(/?)(s|del|strike)(?:\s[^<>]*)?(?<!/)>", re.IGNORECASE)


class _Strikes:
    """The strikes (``<s>``, ``<del>``, ``<strike>``) still open from line to line: a browser strikes
    every line after an opening tag up to its closing one (HTML reopens the formatting in each list
    item and paragraph), so ``<s>`` on a line of its own strikes the thread below it.  A heading ends
    them: an unclosed one strikes no other section, and is named by a problem on its line."""

    def __init__(self, page: _Page):
        self.page = page
        self.open: list[tuple[str, _Line]] = []
        self.by_name: dict[str, list[int]] = {}
        """Where in ``open`` each tag's strikes are, by tag name."""
        self.carried = False
        """Whether the open strikes struck a line below the one that opened them."""

    def read(self, line: _Line) -> None:
        if line.kind == "heading":
            self.end()
            return
        if self.open and line.kind != "blank":
            line.struck, self.carried = self.open[0][0], True
        for tag in _STRIKE_TAG.finditer(line.structure):
            name = tag[2].lower()
            if not tag[1]:
                self.by_name.setdefault(name, []).append(len(self.open))
                self.open.append((name, line))
            elif self.by_name.get(name):  # closes the last one of its name, and any opened inside it
                found = self.by_name[name][-1]
                for closed, _ in self.open[found:]:  # each strike is closed once: linear in the tags
                    self.by_name[closed].pop()
                del self.open[found:]
        if not self.open:
            self.carried = False

    def end(self) -> None:
        """The end of a section: a strike still open there was never closed."""
        if self.open and self.carried:
            name, line = self.open[0]
            self.page.problems.append(Problem(line.number, f"unclosed <{name}>: it strikes every line "
                                              "below it to the end of the section", line.shown))
        self.open, self.by_name, self.carried = [], {}, False


def _template_spans(structure: str) -> list[tuple[int, int]]:
    """(start, end) of every closed ``{{...}}``, by start; braces pair up innermost first."""
    opened: list[int] = []
    spans: list[tuple[int, int]] = []
    for brace in _BRACES.finditer(structure):
        if brace.group() == "{{":
            opened.append(brace.start())
        elif opened:
            spans.append((opened.pop(), brace.end()))
    spans.sort()
    return spans


_BLOCK_TOKEN = re.compile(r"<(?P<open>poem|blockquote)\b[^<>]*(?<!/)>|</(?P<close>poem|blockquote)\s*>"
                          r"|^(?P<table>[ \t:*#]*\{\|)|^[ \t]*(?P<end>\|\})(?!\})", re.IGNORECASE | re.MULTILINE)
"""What opens or closes a block whose lines belong together: a poem, a quotation, a table."""
_BLOCK_TAG = re.compile(r"</?(?:poem|blockquote)\b", re.IGNORECASE)


def _block_spans(structure: str) -> list[tuple[int, int]]:
    """(start, end) of every closed ``<poem>``, ``<blockquote>`` and table (``{|`` to ``|}``):
    their lines are one line, as code blocks are once hidden, so that a ``*`` line in them is
    no list item and a post keeps them whole.  One pass; an unclosed one joins nothing."""
    opened: dict[str, list[int]] = {"poem": [], "blockquote": [], "table": []}
    spans: list[tuple[int, int]] = []
    if "{|" not in structure and _BLOCK_TAG.search(structure) is None:
        return spans  # the common case, found with two fast scans
    for token in _BLOCK_TOKEN.finditer(structure):
        if token["open"]:
            opened[token["open"].lower()].append(token.start())
        elif token["close"]:
            if opened[token["close"].lower()]:
                spans.append((opened[token["close"].lower()].pop(), token.end()))
        elif token["table"]:
            opened["table"].append(token.start())
        elif opened["table"]:
            spans.append((opened["table"].pop(), token.end()))
    return spans


def _line_end(text: str, position: int) -> int:
    end = text.find("\n", position)
    return len(text) if end < 0 else end


def _sorted(line: _Line) -> _Line:
    """Set what kind of line it is, from its structure."""
    text = line.structure.strip()
    prefix = _LIST_PREFIX.match(line.structure)
    if not text:
        line.kind = "blank"
    elif _heading(line) is not None:
        line.kind = "heading"
    elif prefix:
        line.kind, line.prefix = "list", prefix.group(1)
    elif text.startswith("{{"):
        line.kind = "submission" if _QUESTION_TEMPLATE_NAME.search(text) else "template"
    elif len(text) >= 4 and not text.strip("-"):
        line.kind = "layout"  # a horizontal rule
    elif not _LAYOUT.sub("", text).strip():
        # tags alone: layout, unless they hold text of their own (a code block, <nowiki>)
        line.kind = "block" if _LAYOUT.sub("", _shown(line.display)).strip() else "layout"
    return line


def _heading(line: _Line) -> str | None:
    """The text of a section heading (``== Text ==``), or None if the line is none."""
    structure = line.structure.rstrip()
    if not (structure.startswith("=") and structure.endswith("=")):
        return None
    level = min(len(structure) - len(structure.lstrip("=")), len(structure) - len(structure.rstrip("=")), 6)
    if len(structure) <= 2 * level or not structure[level:-level].strip():
        return None
    return _shown(line.display[level:len(structure) - level]).strip()


def _shown(display: str) -> str:
    return display.replace(_HIDDEN_MARK, "")


