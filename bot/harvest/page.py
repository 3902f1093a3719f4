"""Harvest a Conversation Hour questions page: wikitext in, questions out.

The community asks its questions on a talk-style page before the call: signed
bullets under topic sections, a section per question, or the
{{Conversation hour question}} template, with replies indented below.  This
module turns that page into :class:`bot.model.Question` objects, and accounts
for every other line: it is a comment on a question, a known non-question
(the header template, instructions, blank lines, comments, text in
``<nowiki>``, horizontal rules), a withdrawn (struck-out) question, or a
:class:`bot.model.Problem` the bot operator should look at.

How a page is read, in one pass and in page order:

1. Comments, the contents of ``<nowiki>`` and ``<pre>``, and the bot's own
   {{Conversation hour answered}} marks are hidden, keeping every offset, so
   that nothing in them is taken for structure.
2. The page is cut into lines.  A template spanning lines keeps its lines
   together, as MediaWiki's preprocessor does before lists are read.
3. Each line is sorted (heading, list item, template, prose, ...) and its
   signature read from its end (:mod:`bot.harvest.signatures`).
4. Sections are read one by one.  A section with bullets or question
   templates is a topic section; a section of prose ending in a signature is
   one question titled by its heading.
5. Questions get stable ids (see :func:`_identity`), and duplicates are merged.

It is a line scanner with regular expressions, and reads the few templates it
needs itself: this keeps harvesting linear in the size of the page and well
below the cost of parsing it whole with mwparserfromhell.

Nothing here talks to a wiki.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timezone

from bot import wikifacts
from bot.model import HarvestResult, Problem, Question, Revision
from bot.wikifacts import MARK_TEMPLATE, QUESTION_TEMPLATE
from bot.harvest.ids import assign_ids, comparable, merge_duplicates
from bot.harvest.signatures import (Signature, find_signature, links_to_user, normalise_user, signatures_within,
                                    without_signer)

DEFAULT_TOPIC_ALIASES: dict[str, str] = {
    "Human rights": "Human Rights",
    "Universal Code of Conduct": "UCoC",
    "T&S": "Trust and Safety",
    "Trust & Safety": "Trust and Safety",
}
"""Other ways of writing a topic, and the topic's name.  Matched case-insensitively,
ignoring extra white space; a topic's own name always matches too."""

_HIDDEN_MARK = "\x00"
"""Stands in, in the text questions are taken from, for what a reader never sees."""

_INVALID = re.compile("[\x00\ud800-\udfff]")
"""NUL bytes and lone surrogates, which no saved wiki page can hold."""

_CODE_TAGS = ("nowiki", "pre", "syntaxhighlight", "source", "code", "math", "score", "chem", "graph")
"""Tags whose contents are code, not structure: their ``#`` or ``*`` lines are no list items."""
_CLOSING_TAG = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in _CODE_TAGS}

_BRACES = re.compile(r"\{\{|\}\}")
_LIST_PREFIX = wikifacts.LIST_PREFIX
_TOP_LEVEL_PREFIXES = wikifacts.TOP_LEVEL_LIST_PREFIXES
_LAYOUT = re.compile(r"<[^<>\n]*>|__[A-Z]+__|\[\[\s*:?\s*(?:Category|Kategorie)\s*:[^\[\]\n]*\]\]",
                     re.IGNORECASE)
"""Markup that shows no text of its own: tags, magic words, category links."""

_TEMPLATE_TOKEN = re.compile(r"\{\{|\}\}|\[\[|\]\]|\||=")
_QUESTION_TEMPLATE_NAME = wikifacts.template_call_pattern(QUESTION_TEMPLATE)
_STRIKE = re.compile(r"<(s|del|strike)\b[^<>]*>", re.IGNORECASE)
_STRIKE_END = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in ("s", "del", "strike")}
_ASKS = re.compile(r"[？؟¿]|\?(?![\w=&/%.-])")
"""A question mark that ends a question, not one inside a URL (``index.php?title=``)."""

_OPENING_TAG = re.compile(r"<(?!/)[a-z]+\b[^<>]*(?<!/)>", re.IGNORECASE)
_CLOSING_TAG_ANY = re.compile(r"\s*</[a-z]+\s*>", re.IGNORECASE)

_REDIRECT = re.compile(r"\s*#REDIRECT\s*:?\s*\[\[([^\[\]|\n]*)(?:\|[^\[\]\n]*)?\]\]", re.IGNORECASE)

_EXCERPT = 300
"""How much of a line a Problem quotes."""

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Characters that would move a terminal's cursor, colour it or turn its text around."""


# --- Public functions -------------------------------------------------------

def harvest(text: str, aliases: Mapping[str, str] | None = None, *,
            mark_template: str = MARK_TEMPLATE, facts: wikifacts.LanguageFacts | None = None) -> HarvestResult:
    """Harvest the questions of a questions page, in page order.

    ``aliases`` maps other ways of writing a topic to its name; it replaces
    :data:`DEFAULT_TOPIC_ALIASES` when given.  ``mark_template`` names the
    template of the answered marks the bot adds after questions: they are
    not part of a question (and would hide its signature).  Any text
    harvests without an exception: what cannot be read becomes a Problem.
    A redirect harvests to nothing but a notice; follow it with
    :func:`redirect_target`.  ``facts`` are the wiki's language facts
    (:func:`bot.wikifacts.facts_for`, :func:`bot.wikifacts.site_facts`):
    Meta-wiki's (English, UTC) by default.
    """
    target = redirect_target(text)
    if target is not None:
        return HarvestResult(notices=[
            f"the questions page is a redirect to [[{target}]]: nothing harvested"])
    source, replaced = _INVALID.subn("\ufffd", text.replace("\r\n", "\n"))
    page = _hide(source, _hidden_pattern(mark_template))
    reader = _PageReader(_Topics(DEFAULT_TOPIC_ALIASES if aliases is None else aliases),
                         facts or wikifacts.ENGLISH)
    reader.read(_lines(page))
    assign_ids(reader.entries)
    questions = [_question(entry) for entry in reader.entries if not entry.withdrawn]
    withdrawn = [_question(entry) for entry in reader.entries if entry.withdrawn]
    questions, notices = merge_duplicates(questions, withdrawn)
    if replaced:
        notices.insert(0, f"{replaced} NUL byte(s) or invalid character(s) replaced by U+FFFD")
    problems = sorted(page.problems + reader.problems, key=lambda problem: problem.line)
    return HarvestResult(questions=questions, problems=problems, withdrawn=withdrawn, notices=notices)


def normalise_topic(heading: str, aliases: Mapping[str, str]) -> str:
    """The topic a section heading names: an alias's topic, or the heading as written."""
    return _Topics(aliases).name(heading)


def redirect_target(text: str) -> str | None:
    """The page a redirect (``#REDIRECT [[X]]``) points to, or None if the text is no redirect."""
    match = _REDIRECT.match(text)
    if match is None:
        return None
    return match.group(1).strip() or None


def attribute_from_history(questions: list[Question], revisions: list[Revision], *,
                           facts: wikifacts.LanguageFacts | None = None) -> list[Question]:
    """Give each unsigned question the user and time of the revision that added it.

    ``revisions`` come oldest first, each with its full text.  A question was
    added by the first revision whose harvest holds the same question
    (compared as duplicates are).  Each revision is harvested at most once
    and the walk stops when every unsigned question is placed, so the cost is
    at most the size of the history.  Ids do not change; new Question objects
    are returned for the questions that change, the others are returned as
    they are.
    """
    wanted = {comparable(question.question) for question in questions if not question.signed}
    added_by: dict[str, Revision] = {}
    for revision in revisions:
        if len(added_by) == len(wanted):
            break
        result = harvest(revision.text, facts=facts)
        for question in [*result.questions, *result.withdrawn]:
            key = comparable(question.question)
            if key in wanted:
                added_by.setdefault(key, revision)
    return [_attributed(question, added_by.get(comparable(question.question)))
            for question in questions]


def format_table(questions: list[Question]) -> str:
    """A plain-text table of questions for a terminal, with a count at the end.

    Cells are cleaned of control characters, so that a question cannot move
    the cursor or change the terminal's colours.
    """
    header = ("ID", "TOPIC", "ASKER", "TIME (UTC)", "QUESTION")
    rows = [header] + [(
        question.id,
        question.topic or "-",
        question.asker or "(unsigned)",
        question.timestamp.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M") if question.timestamp else "-",
        ("↳ " if question.followup_of else "") + _cell(question.question, 60),
    ) for question in questions]
    rows = [tuple(_cell(value, 20) for value in row[:4]) + row[4:] for row in rows]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    lines = ["  ".join([*(value.ljust(width) for value, width in zip(row, widths)), row[4]]).rstrip()
             for row in rows]
    followups = sum(1 for question in questions if question.followup_of)
    count = f"{len(questions)} question{'' if len(questions) == 1 else 's'}"
    if followups:
        count += f" ({followups} follow-up{'' if followups == 1 else 's'})"
    return "\n".join([*lines, count])


# --- Topics ------------------------------------------------------------------

class _Topics:
    """Topic names by the ways of writing them, compared case-insensitively."""

    def __init__(self, aliases: Mapping[str, str]):
        self._names = {_topic_key(name): name for name in aliases.values()}
        self._names.update({_topic_key(alias): name for alias, name in aliases.items()})

    def name(self, heading: str) -> str:
        written = heading.strip()
        return self._names.get(_topic_key(written), written)


def _topic_key(text: str) -> str:
    return " ".join(html.unescape(text).split()).casefold()


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
    while start <= len(structure):
        end = _line_end(structure, start)
        while next_span < len(spans) and spans[next_span][0] < end:
            if spans[next_span][1] > end:
                end = _line_end(structure, spans[next_span][1])
            next_span += 1
        yield _sorted(_Line(number, structure[start:end], display[start:end]))
        number += page.source.count("\n", start, end) + 1
        start = end + 1


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


# --- What a line says ---------------------------------------------------------

@dataclass
class _Said:
    """What a list item, a line of prose or a template submission says."""

    text: str
    """Its wikitext without signature, struck-out parts and comments."""
    struck: str
    """Its struck-out parts."""
    signature: Signature | None
    topic: str | None = None
    """The topic parameter of a question template, as written."""
    problems: list[str] = field(default_factory=list)
    unreadable: bool = False
    """Whether it holds a question template that cannot be read, so it gives no question."""

    @property
    def asks(self) -> bool:
        return _asks(self.text)

    @property
    def withdrawn(self) -> bool:
        """Whether the question is struck out: nothing is left, or what is left asks nothing
        while the struck part did (a note such as "withdrawn")."""
        return bool(self.struck) and (not self.text or (not self.asks and _asks(self.struck)))


def _read(structure: str, display: str, facts: wikifacts.LanguageFacts) -> _Said:
    """What a line says: its text without any signature in it, and the signature that signs it.

    The signature at its end signs it; when the asker signed it more than once (a re-signed
    edit, ``Edit:`` or ``PS`` added, two questions on one line), every other signature is cut
    too, the words between kept, and the question's time is its first signature's.  A
    signature inside a {{Conversation hour question}}'s parameter signs the template.
    """
    signature = find_signature(structure, facts)
    end = signature.start if signature else len(structure)
    if signature is not None and signature.end is not None and _inside_question_template(structure, signature):
        structure, display = _cut(structure, display, [(signature.start, signature.end)])
        end = len(structure)
    head, shown = structure[:end], display[:end]
    inner = signatures_within(head, facts)
    cut = bool(inner)
    if inner:
        head, shown = _cut(head, shown, [(part.start, part.end or part.start) for part in inner])
        if signature is None:
            signature = inner[-1]  # words after a signature, unsigned: still its signer's line
        earliest = min((part.timestamp for part in inner if part.user == signature.user and part.timestamp),
                       default=None)
        if earliest is not None and (signature.timestamp is None or earliest < signature.timestamp):
            signature = dataclasses.replace(signature, timestamp=earliest, problem=None)
    if signature is not None and signature.user and (links := links_to_user(head, signature.user, facts)):
        head, shown = _cut(head, shown, links)  # the asker's signatures without a time (three tildes)
        cut = True
    kept, struck = (_wikitext(*part) for part in _strike_out(head, shown))
    said = _Said(kept.text, struck.text, signature, topic=kept.topic or struck.topic)
    if signature and signature.problem:
        said.problems.append(signature.problem)
    for problem in filter(None, (kept.problem, struck.problem)):
        said.problems.append(problem)
        said.unreadable = True
    if said.struck or cut:
        said.text = re.sub(r"[ \t]{2,}", " ", said.text)  # where struck words or signatures were
    return said


def _inside_question_template(structure: str, signature: Signature) -> bool:
    """Whether a signature stands inside a {{Conversation hour question}} that closes after it."""
    if not _QUESTION_TEMPLATE_NAME.search(structure, 0, signature.start):
        return False
    template = _question_template(structure, structure)
    return template is not None and template.start < signature.start < template.end


def _cut(structure: str, display: str, spans: list[tuple[int, int]]) -> tuple[str, str]:
    """Structure and display without the given (start, end) spans, in order, and without the
    closing tags right after a span that close opening tags inside it (a ``<small>`` signature)."""
    kept_structure: list[str] = []
    kept_display: list[str] = []
    position = 0
    for start, end in spans:
        opened = len(_OPENING_TAG.findall(structure, start, end)) - len(_CLOSING_TAG_ANY.findall(structure, start, end))
        while opened > 0 and (closing := _CLOSING_TAG_ANY.match(structure, end)) is not None:
            end, opened = closing.end(), opened - 1
        kept_structure.append(structure[position:start])
        kept_display.append(display[position:start])
        position = end
    kept_structure.append(structure[position:])
    kept_display.append(display[position:])
    return " ".join(kept_structure), " ".join(kept_display)


@dataclass
class _Wikitext:
    """What a reader sees of part of a line: a question template gives its question and topic."""

    text: str
    topic: str | None = None
    problem: str | None = None
    """Why a question template in it cannot be read."""


def _wikitext(structure: str, display: str) -> _Wikitext:
    template = _question_template(structure, display)
    if template is None:
        if _QUESTION_TEMPLATE_NAME.search(structure):
            return _Wikitext(_shown(display).strip(), problem=f"a {{{{{QUESTION_TEMPLATE}}}}} that is not closed")
        return _Wikitext(_shown(display).strip())
    question = template.get("question", "1")
    if not question:
        return _Wikitext("", problem=f"a {{{{{QUESTION_TEMPLATE}}}}} without a question")
    rest = _shown(display[:template.start] + display[template.end:]).strip()
    return _Wikitext(f"{question} {rest}".strip(), template.get("topic", "2") or None)


def _strike_out(structure: str, display: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """Split text into what is kept and what is struck out (``<s>``, ``<del>``, ``<strike>``),
    each as its structure and display.

    An unclosed strike tag strikes to the end of the line, as a browser shows it.
    """
    kept: list[tuple[str, str]] = []
    struck: list[tuple[str, str]] = []
    position = 0
    while (opening := _STRIKE.search(structure, position)) is not None:
        kept.append((structure[position:opening.start()], display[position:opening.start()]))
        closing = _STRIKE_END[opening.group(1).lower()].search(structure, opening.end())
        stop = closing.start() if closing else len(structure)
        struck.append((structure[opening.end():stop], display[opening.end():stop]))
        position = closing.end() if closing else len(structure)
    kept.append((structure[position:], display[position:]))
    return _joined(kept, ""), _joined(struck, " ")


def _joined(pieces: list[tuple[str, str]], separator: str) -> tuple[str, str]:
    return (separator.join(structure for structure, _ in pieces),
            separator.join(display for _, display in pieces))


@dataclass
class _Template:
    """A template found in a text: where it is and its parameters."""

    start: int
    end: int
    parameters: dict[str, str]

    def get(self, *names: str) -> str:
        """The first of the named parameters that is given, else an empty string."""
        return next((self.parameters[name] for name in names if self.parameters.get(name)), "")


def _question_template(structure: str, display: str) -> _Template | None:
    """The first closed {{Conversation hour question}} in a text, or None.

    Parameters are split the way MediaWiki's preprocessor splits them: at
    pipes outside nested templates and links, a name before the first such
    ``=``.  Reading it here, in one linear scan, rather than with
    mwparserfromhell keeps a page full of unclosed templates from taking
    quadratic time (mwparserfromhell's tokenizer retries each one).
    """
    name = _QUESTION_TEMPLATE_NAME.search(structure)
    if name is None:
        return None
    braces, links = 1, 0
    pieces: list[tuple[int, int | None, int]] = []  # (start, first top-level "=", end)
    piece_start, equals = name.start() + 2, None
    for token in _TEMPLATE_TOKEN.finditer(structure, name.start() + 2):
        mark = token.group()
        if mark == "{{":
            braces += 1
        elif mark == "}}":
            braces -= 1
            if braces == 0:
                pieces.append((piece_start, equals, token.start()))
                return _Template(name.start(), token.end(), _parameters(display, pieces[1:]))
        elif mark == "[[":
            links += 1
        elif mark == "]]":
            links = max(0, links - 1)
        elif braces > 1 or links:
            continue
        elif mark == "|":
            pieces.append((piece_start, equals, token.start()))
            piece_start, equals = token.end(), None
        elif equals is None:
            equals = token.start()
    return None


def _parameters(display: str, pieces: list[tuple[int, int | None, int]]) -> dict[str, str]:
    parameters: dict[str, str] = {}
    position = 0
    for start, equals, end in pieces:
        if equals is None:
            position += 1
            parameters[str(position)] = _shown(display[start:end]).strip()
        else:
            parameters[_shown(display[start:equals]).strip()] = _shown(display[equals + 1:end]).strip()
    return parameters


def _asks(text: str) -> bool:
    return _ASKS.search(text) is not None


def _only_templates(structure: str) -> bool:
    """Whether a line is nothing but closed templates (a header), and no other text."""
    depth = 0
    position = 0
    for brace in _BRACES.finditer(structure):
        if depth == 0 and structure[position:brace.start()].strip():
            return False
        if brace.group() == "{{":
            depth += 1
        elif depth:
            depth -= 1
        else:
            return False
        position = brace.end()
    return depth == 0 and not structure[position:].strip()


# --- Step 4: sections ------------------------------------------------------------

@dataclass(eq=False)
class _Entry:
    """A question as the page gives it, before it has an id."""

    line: int
    text: str
    signature: Signature | None
    topic: str | None
    title: str | None = None
    parent: _Entry | None = None
    withdrawn: bool = False
    comments: list[str] = field(default_factory=list)
    id: str = ""

    @property
    def asker(self) -> str | None:
        return self.signature.user if self.signature else None


class _PageReader:
    """Reads a questions page section by section, keeping every line accounted for."""

    def __init__(self, topics: _Topics, facts: wikifacts.LanguageFacts):
        self.topics = topics
        self.facts = facts
        self.entries: list[_Entry] = []
        self.problems: list[Problem] = []

    def read(self, lines: Iterable[_Line]) -> None:
        for title, body in _sections(lines):
            section = _SectionReader(self, title, body)
            for line in body:
                self.guarded(line, section.read)
            if body:
                self.guarded(body[-1], lambda _: section.end())

    def guarded(self, line: _Line, read: Callable[[_Line], None]) -> None:
        """Read a line so that a bug on it becomes a Problem, not a failed harvest."""
        try:
            read(line)
        except Exception as error:  # noqa: BLE001 - any failure on one line must not lose the page
            self.problem(line, f"could not read this line ({type(error).__name__}: {error})")

    def problem(self, line: _Line, reason: str) -> None:
        self.problems.append(Problem(line.number, reason, line.shown))

    def add(self, line: _Line, said: _Said, *, topic: str | None, title: str | None = None,
            parent: _Entry | None = None) -> _Entry | None:
        """Record a question (or a withdrawn one) from what a line says."""
        for reason in said.problems:
            self.problem(line, reason)
        if said.unreadable:
            return None
        withdrawn = said.withdrawn
        text = said.struck if withdrawn else said.text
        if not text:
            self.problem(line, "a signature with no question before it")
            return None
        entry = _Entry(line.number, text, said.signature, topic, title, parent, withdrawn)
        if withdrawn and said.text:
            entry.comments.append(said.text)  # the note that says why
        self.entries.append(entry)
        return entry


def _sections(lines: Iterable[_Line]) -> Iterator[tuple[str | None, list[_Line]]]:
    """(heading text, lines) of each section; the lines before the first heading have None."""
    title: str | None = None
    body: list[_Line] = []
    for line in lines:
        if line.kind == "heading":
            yield title, body
            title, body = _heading(line), []
        else:
            body.append(line)
    yield title, body


class _SectionReader:
    """Reads the lines of one section.

    A section is one of three kinds:

    * the lines before the first heading: the header and instructions, where
      only signed bullets and question templates are questions;
    * a topic section, with bullets or question templates: each is a
      question on the section's topic;
    * a section of prose: its prose up to a signature is one question titled
      by the heading; what follows replies to it.

    Replies (indented lines) belong to the question above them: one that asks
    something is a follow-up, anything else a comment.
    """

    def __init__(self, page: _PageReader, title: str | None, body: list[_Line]):
        self.page = page
        self.title = title
        self.preamble = title is None
        self.topical = _topical(body, page.facts)
        self.topic = page.topics.name(title) if title is not None and self.topical else None
        self.thread: list[tuple[int, _Entry]] = []
        """The question replies now go to, and its follow-ups, with their depths."""
        self.pending: list[tuple[_Line, _Said] | None] = []
        """Prose waiting for the signature that makes it a question; None between paragraphs."""
        self.section_question: _Entry | None = None
        self.post = not self.preamble and not self.topical and _begins_with_prose(body)
        """A section of its own: everything up to its first signature is one question."""
        self.held: list[tuple[_Line, _Said, int]] = []
        """Unsigned reply lines of one depth, waiting for the line that signs them all."""

    def read(self, line: _Line) -> None:
        if self.held and not self.continues_reply(line):
            self.release()
        if self.post and self.section_question is None and line.kind == "list":
            self.prose(line, whole=True)  # a list inside the post: part of the question
        elif line.kind == "blank":
            if self.pending:
                self.pending.append(None)
        elif line.kind == "list":
            self.settle_pending()
            self.list_item(line)
        elif line.kind == "submission":
            self.settle_pending()
            self.submission(line)
        elif line.kind == "template" and _only_templates(line.structure):
            self.settle_pending()  # a header or other template: not a question
        elif line.kind in ("template", "prose"):
            self.prose(line)
        elif line.kind == "block" and (self.pending or (self.post and self.section_question is None)):
            self.prose(line)  # a code block, on lines of its own, inside a post
        else:
            self.settle_pending()  # layout: rules, tags, magic words, categories

    def end(self) -> None:
        self.release()
        self.settle_pending()

    def continues_reply(self, line: _Line) -> bool:
        """Whether a line may go on the held reply: a reply line at its depth."""
        depth = self.held[0][2]
        if line.kind == "list":
            return len(line.prefix) == depth and line.prefix not in _TOP_LEVEL_PREFIXES
        return line.kind in ("prose", "template") and self.section_question is not None and depth == 1

    def release(self) -> None:
        """Held reply lines that no signature followed: each is read alone."""
        held, self.held = self.held, []
        for line, said, depth in held:
            self.reply_now(line, said, depth)

    def list_item(self, line: _Line) -> None:
        depth = len(line.prefix)
        said = _read(*line.content, self.page.facts)
        if not (said.text or said.struck or said.signature or said.problems):
            return  # an empty bullet
        if line.prefix not in _TOP_LEVEL_PREFIXES or (self.post and self.section_question is not None):
            self.reply(line, said, depth)
        elif self.preamble and said.signature is None:
            self.thread = []  # a bullet of the instructions
        else:
            entry = self.page.add(line, said, topic=self.topic)
            self.thread = [(depth, entry)] if entry else []

    def submission(self, line: _Line) -> None:
        said = _read(line.structure, line.display, self.page.facts)
        topic = self.page.topics.name(said.topic) if said.topic else self.topic
        entry = self.page.add(line, said, topic=topic)
        self.thread = [(0, entry)] if entry else []

    def prose(self, line: _Line, *, whole: bool = False) -> None:
        if self.preamble:
            return  # instructions
        said = _read(line.structure, line.display, self.page.facts)
        if whole:  # a list line inside a post keeps its markers
            said.text = said.text if said.text.startswith(line.prefix) else f"{line.prefix} {said.text}".strip()
        if self.section_question is not None:
            self.reply(line, said, 1)
        elif said.signature is None:
            self.pending.append((line, said))
        else:
            self.prose_question(line, said)

    def prose_question(self, line: _Line, said: _Said) -> None:
        """Make the pending paragraphs and this signed line one question."""
        first = next((item[0] for item in self.pending if item is not None), line)
        paragraphs: list[list[_Said]] = [[]]
        for item in self.pending:
            if item is None:
                paragraphs.append([])
            else:
                paragraphs[-1].append(item[1])
        paragraphs[-1].append(said)
        self.pending = []
        texts = ["\n".join(part.text for part in paragraph if part.text) for paragraph in paragraphs]
        parts = [part for paragraph in paragraphs for part in paragraph]
        whole = dataclasses.replace(
            said,
            text="\n\n".join(text for text in texts if text),
            struck=" ".join(part.struck for part in parts if part.struck),
            problems=[reason for part in parts for reason in part.problems],
            unreadable=any(part.unreadable for part in parts))
        if self.topical:
            entry = self.page.add(first, whole, topic=self.topic)
        else:
            title = self.title
            if title and whole.signature and whole.signature.user:
                title = without_signer(title, whole.signature.user, self.page.facts) or None  # the asker's
            entry = self.section_question = self.page.add(first, whole, topic=None, title=title)
        self.thread = [(0, entry)] if entry else []

    def reply(self, line: _Line, said: _Said, depth: int) -> None:
        """A reply line: held while unsigned, so that a reply written over several
        lines and signed on its last is one comment or one follow-up."""
        if said.signature is None and said.text and not said.struck:
            self.held.append((line, said, depth))
            return
        if self.held and said.signature is not None and said.text:
            first = self.held[0][0]
            said = dataclasses.replace(said, text="\n".join([*(held.text for _, held, _ in self.held), said.text]))
            self.held = []
            self.reply_now(first, said, depth)
            return
        self.release()
        self.reply_now(line, said, depth)

    def reply_now(self, line: _Line, said: _Said, depth: int) -> None:
        parent = self.parent(depth)
        if parent is None:
            if not self.preamble:
                self.page.problem(line, "a reply with no question above it")
            return
        if said.asks or said.withdrawn:
            entry = self.page.add(line, said, topic=parent.topic, parent=parent)
            if entry:
                self.thread.append((depth, entry))
        elif said.text:
            parent.comments.append(said.text)
        elif said.signature and not said.struck:
            self.page.problem(line, "a signature with nothing before it")

    def parent(self, depth: int) -> _Entry | None:
        """The question a reply at ``depth`` answers: the nearest one above it that is less
        indented, else the question that starts the thread."""
        if not self.thread:
            return None
        while len(self.thread) > 1 and self.thread[-1][0] >= depth:
            self.thread.pop()
        return self.thread[-1][1]

    def settle_pending(self) -> None:
        """Prose that never got a signature is not a question: each line becomes a problem."""
        for item in self.pending:
            if item is not None:
                self.page.problem(item[0], "prose that is neither a bullet nor a signed question")
        self.pending = []


def _begins_with_prose(body: list[_Line]) -> bool:
    """Whether a section's first line of content is prose (or a ``;`` line)."""
    first = next((line for line in body if line.kind not in ("blank", "layout", "block")
                  and not (line.kind == "template" and _only_templates(line.structure))), None)
    return first is not None and not (first.kind == "list" and not first.prefix.startswith(";"))


def _topical(body: list[_Line], facts: wikifacts.LanguageFacts) -> bool:
    """Whether a section holds questions on its topic (bullets, question templates),
    rather than being one post of its own.

    A section with bullets is a topic section, unless it begins with prose and
    its first signature ends a line of prose after them: then it is a post of
    its own, signed at its end, its lists and ``;`` lines included.
    """
    if any(line.kind == "submission" for line in body):
        return True
    if not any(line.prefix in _TOP_LEVEL_PREFIXES for line in body):
        return False
    if not _begins_with_prose(body):
        return True
    for line in body:
        if line.kind in ("list", "prose", "template") and find_signature(line.structure, facts):
            return line.kind == "list" and not line.prefix.startswith(";")
    return True


def _question(entry: _Entry) -> Question:
    asker = entry.asker
    return Question(
        id=entry.id,
        question=entry.text,
        title=entry.title,
        asker=asker,
        askers=[asker] if asker else [],
        timestamp=entry.signature.timestamp if entry.signature else None,
        topic=entry.topic,
        followup_of=entry.parent.id if entry.parent else None,
        comments=list(entry.comments),
        line=entry.line,
        lines=[entry.line],
        signed=asker is not None,
    )


# --- Helpers of the public functions -------------------------------------------------

def _attributed(question: Question, revision: Revision | None) -> Question:
    if question.signed or revision is None:
        return question
    user = normalise_user(revision.user)
    timestamp = revision.timestamp
    if timestamp.tzinfo is None:
        timestamp = timestamp.replace(tzinfo=timezone.utc)
    askers = [user, *(asker for asker in question.askers if asker != user)]
    return dataclasses.replace(question, asker=user, askers=askers, timestamp=timestamp.astimezone(timezone.utc))


def _cell(value: str, width: int) -> str:
    """One table cell: on one line, without control characters, at most ``width`` long."""
    value = " ".join(_CONTROL.sub(" ", value).split())
    return value if len(value) <= width else value[:width - 3] + "..."
