"""The notes draft: the page where staff write the answers under the questions.

The bot writes the draft once, then only adds to it; staff own everything
else.  The format is plain wikitext that staff can edit as they like::

    {{Conversation hour draft
    | status = collecting
    | session = Wikimedia Foundation/…/Conversation Hour 2024 07 11
    | harvested = q-0123456789 q-9876543210
    }}
    <!-- instructions for staff -->
    == Trust and Safety ==
    * <span id="q-0123456789"></span>How does Trust and Safety …?
    : Maggie: When I first started, …
    : In these situations, …
    [[Mental health resources|Mental Health Resources]]

Where the bot keeps what it needs, hidden when the page is rendered:

- **The status** is the ``status`` parameter of ``{{Conversation hour draft}}``
  (``collecting`` until staff set ``ready``; any other word is kept as typed).
- **Every id the bot ever added** is in that template's ``harvested``
  parameter (space-separated), which the template does not display.  A
  question staff delete stays deleted: its id is still listed there.
- **A question's id** is an empty anchor ``<span id="q-…"></span>`` on its
  bullet; it survives reordering, moving between sections and editing the
  text, and later gives the notes their anchors.

How the rest is read:

- A line starting with a single ``*`` is a question.  One without an id
  marker was added by staff (from email or the live chat); its id is derived
  from its text (``q-`` and a hash), so it can still be linked.
- Every other non-blank line after a question, up to the next question or
  heading, is one of its answer lines: ``: Speaker: text``, ``** Full Name:
  text``, ``: more text`` or a plain line of links, list markers stripped.
- A heading (any level) starts a section.  Questions before the first
  heading form a section without heading.  Lines before the first heading
  and the first question are the draft's header and are not part of the notes.
- HTML comments, and the status template wherever it is, are ignored.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

import mwparserfromhell
from mwparserfromhell.nodes import Template
from mwparserfromhell.wikicode import Wikicode

from bot import wikifacts
from bot.model import Problem
from bot.wikifacts import DRAFT_TEMPLATE, template_key

__all__ = ["DEFAULT_STATUS", "DRAFT_TEMPLATE", "Draft", "DraftError", "DraftQuestion", "DraftSection",
           "derived_id", "heading_text", "parse_draft", "record_harvested", "set_draft_status"]

DEFAULT_STATUS = "collecting"

_MARKER = re.compile(r"""<span\s+id\s*=\s*(["']?)(?P<id>[^"'\s<>/]+)\1\s*(?:/>|>\s*</span>)""",
                     re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_LIST_MARKERS = re.compile(r"^[*#:;]+\s*")


class DraftError(ValueError):
    """A draft the bot cannot safely change."""


@dataclass
class DraftQuestion:
    """One question of the draft, with the answers staff wrote under it."""

    id: str
    text: str
    """The question as it stands in the draft, id marker removed."""
    answers: list[str] = field(default_factory=list)
    """Answer lines as staff typed them, list markers stripped."""
    staff_added: bool = False
    """Added by staff, without the bot's id marker: its id is derived from its text."""
    line: int = 0
    """1-based line of the question."""
    end: int = 0
    """1-based last non-blank line of the question and its answers."""

    @property
    def answered(self) -> bool:
        return bool(self.answers)


@dataclass
class DraftSection:
    heading: str | None
    """The heading's text, or None for questions before the first heading."""
    questions: list[DraftQuestion] = field(default_factory=list)
    end: int = 0
    """1-based last non-blank line of the section."""


@dataclass
class Draft:
    status: str = DEFAULT_STATUS
    harvested: list[str] = field(default_factory=list)
    sections: list[DraftSection] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def questions(self) -> list[DraftQuestion]:
        return [question for section in self.sections for question in section.questions]

    @property
    def ready(self) -> bool:
        return self.status.strip().lower() == "ready"


def parse_draft(text: str) -> Draft:
    """Read a draft as staff left it; what cannot be placed becomes a problem."""
    code = mwparserfromhell.parse(text)
    status_template = _status_template(code)
    draft = Draft()
    if status_template is None:
        draft.problems.append(Problem(1, f"no {{{{{DRAFT_TEMPLATE}}}}} template: status taken as "
                                         f"{DEFAULT_STATUS!r}, deleted questions cannot be told"))
    else:
        draft.status = _param(status_template, "status") or DEFAULT_STATUS
        draft.harvested = _param(status_template, "harvested").replace(",", " ").split()
    section: DraftSection | None = None
    question: DraftQuestion | None = None
    seen: set[str] = set()
    for number, (line, visible) in enumerate(zip(text.split("\n"), _visible_lines(text, code)), start=1):
        heading = heading_text(visible)
        if heading is not None:
            section = DraftSection(heading, end=number)
            draft.sections.append(section)
            question = None
            continue
        if line.strip():
            if section is not None:
                section.end = number
            if question is not None:
                question.end = number
        content = visible.strip()
        if not content:
            continue
        if visible.startswith("*") and visible[1:2] not in ("*", "#", ":", ";"):
            if section is None:
                section = DraftSection(None, end=number)
                draft.sections.append(section)
            question = _question(visible[1:], number, seen, draft.problems)
            if question is not None:
                section.questions.append(question)
        elif question is not None:
            answer = _LIST_MARKERS.sub("", content).strip()
            if answer:
                question.answers.append(answer)
        elif section is not None:
            draft.problems.append(Problem(number, "not under a question, so not in the notes", content))
    return draft


def _question(body: str, number: int, seen: set[str], problems: list[Problem]) -> DraftQuestion | None:
    marker = _MARKER.search(body)
    if marker:
        body = body[:marker.start()] + body[marker.end():]
    text = body.strip()
    if not text:
        problems.append(Problem(number, "question without text, so not in the notes"))
        return None
    if marker and marker["id"] not in seen:
        question_id, staff_added = marker["id"], False
    else:
        if marker:
            problems.append(Problem(number, f"question id {marker['id']} used twice; "
                                            f"this one gets an anchor of its own", text))
        question_id, staff_added = derived_id(text, seen), True
    seen.add(question_id)
    return DraftQuestion(question_id, text, line=number, end=number, staff_added=staff_added)


heading_text = wikifacts.heading_text


def derived_id(text: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A stable id for a question that has none: ``q-`` and a hash of its
    whitespace-normalised text, made unique among ``taken``."""
    basis = " ".join(text.split())
    for attempt in range(len(taken) + 1):
        digest = hashlib.blake2b(f"{basis}\x1f{attempt}".encode("utf-8", "surrogatepass"), digest_size=5)
        candidate = "q-" + digest.hexdigest()
        if candidate not in taken:
            return candidate
    raise AssertionError("unreachable: one of len(taken) + 1 candidates is free")


def set_draft_status(text: str, status: str) -> str:
    """``text`` with the status template's ``status`` set; nothing else changes."""
    if not status.strip() or re.search(r"[|{}\[\]<>\n]", status):
        raise ValueError(f"not a draft status: {status!r}")
    return _with_param(text, "status", status.strip())


def record_harvested(text: str, ids: list[str]) -> str:
    """``text`` with the status template's ``harvested`` list set to ``ids``."""
    return _with_param(text, "harvested", " ".join(ids))


def _with_param(text: str, name: str, value: str) -> str:
    code = mwparserfromhell.parse(text)
    template = _status_template(code)
    if template is None:
        raise DraftError(f"the draft has no {{{{{DRAFT_TEMPLATE}}}}} template at the top level, where the bot "
                         f"keeps its status and the ids of the questions it added")
    if template.has(name):
        parameter = template.get(name)
        old = str(parameter.value)
        if old.strip():
            before = old[:len(old) - len(old.lstrip())]
            after = old[len(old.rstrip()):]
        else:  # keep the spacing of an empty "| harvested = " line
            before = old[:len(old) - len(old.lstrip(" \t"))]
            after = old[len(before):]
        parameter.value = before + value + after
    else:
        template.add(name, value)
    return str(code)


def _status_template(code: Wikicode) -> Template | None:
    """The status box: the first call of the draft template that starts a
    line of its own.  One written inside an answer or a question line is
    text, not the draft's status (else an answer could declare it ready)."""
    text = str(code)
    offset = 0
    for node in code.nodes:
        if isinstance(node, Template) and template_key(str(node.name)) == DRAFT_TEMPLATE:
            if not text[text.rfind("\n", 0, offset) + 1:offset].strip():
                return node
        offset += len(str(node))
    return None


def _param(template: Template, name: str) -> str:
    return str(template.get(name).value).strip() if template.has(name) else ""


def _visible_lines(text: str, code: Wikicode) -> list[str]:
    """The lines of ``text`` with comments and the status template blanked
    (their line breaks kept, so that line numbers still match)."""
    hidden = [(m.start(), m.end()) for m in _COMMENT.finditer(text)]
    offset = 0
    for node in code.nodes:
        size = len(str(node))
        if isinstance(node, Template) and template_key(str(node.name)) == DRAFT_TEMPLATE:
            hidden.append((offset, offset + size))
        offset += size
    chars = list(text)
    for start, end in hidden:
        for index in range(start, end):
            if chars[index] != "\n":
                chars[index] = ""
    return "".join(chars).split("\n")
