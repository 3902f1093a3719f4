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
- HTML comments, the status template wherever it is, and the bot's notes for
  staff (``{{Conversation hour note|…}}``) are ignored.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import mwparserfromhell

from bot import wikitext
from mwparserfromhell.nodes import Template
from mwparserfromhell.wikicode import Wikicode

from bot import wikifacts
from bot.compile import proposals
from bot.model import DraftProblemKind, Problem
from bot.wikifacts import DRAFT_TEMPLATE, NOTE_TEMPLATE, template_key
from bot.compile.speakers import (_label, _People, _speakers, person_key, same_person, speaker_of,  # noqa: F401
                                  without_speaker)

__all__ = ["DEFAULT_STATUS", "DRAFT_PARAMETERS", "DRAFT_STATUSES", "DRAFT_TEMPLATE", "Draft", "DraftError",
           "DraftProblem", "DraftQuestion", "DraftSection", "derived_id", "heading_text", "inert", "parse_draft",
           "harvested_entries", "record_harvested", "recording_url", "set_draft_problems", "set_draft_status", "set_untrusted", "speaker_of",
           "untrusted_note", "without_speaker"]

DEFAULT_STATUS = "collecting"
DRAFT_STATUSES = wikifacts.DRAFT_STATUSES
DRAFT_PARAMETERS = wikifacts.DRAFT_PARAMETERS

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

    answer_lines: list[int] = field(default_factory=list)
    """1-based line of each answer line."""

    @property
    def answered(self) -> bool:
        return bool(self.answers)


@dataclass
class DraftProblem(Problem):
    """A problem of a draft, with its kind, which :mod:`bot.compile.check` grades."""

    kind: DraftProblemKind = DraftProblemKind.OTHER


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
    """Every id the bot added (``q-…``), in the box's order."""
    digests: dict[str, str] = field(default_factory=dict)
    """Id -> the digest of the question's text when the bot added it
    (:func:`bot.model.text_digest`; ``q-….digest.key`` in the box)."""
    signatures: dict[str, str] = field(default_factory=dict)
    """Id -> the key of the question's signature when the bot added it (:func:`bot.model.signature_key`)."""
    session: str = ""
    """The ``session`` parameter of the status box: the session page's title."""
    recording: str = ""
    """The ``recording`` parameter of the status box: where the recording is."""
    proposed: list[str] = field(default_factory=list)
    """The ``proposed`` parameter: ids of the questions the bot proposed an answer for (bot/compile/proposals.py)."""
    status_line: int = 0
    """1-based line where the status box starts (0: there is none)."""
    parameters: list[tuple[str, int]] = field(default_factory=list)
    """The status box's parameter names as written (empty: positional), with their lines."""
    positional: list[tuple[str, int]] = field(default_factory=list)
    """The values of the status box's positional parameters (``{{…|ready}}``, ``|1=ready``), with their
    lines: the template reads none of them."""
    speakers: set[str] = field(default_factory=set)
    """Every name taken for a speaker's, as :func:`person_key` (see the module docstring)."""
    speaker_names: list[frozenset[str]] = field(default_factory=list)
    """Each speaker's names (configured with their aliases, or found in the draft)."""
    sections: list[DraftSection] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def questions(self) -> list[DraftQuestion]:
        return [question for section in self.sections for question in section.questions]

    @property
    def ready(self) -> bool:
        return self.status.strip().lower() == "ready"


def parse_draft(text: str, speakers: Iterable[str] = ()) -> Draft:
    """Read a draft as staff left it; what cannot be placed becomes a problem.

    ``speakers`` are the names a ``* Name: text`` line may answer as (the
    series' host and its ``speakers``); people who answer as ``: Name:``
    elsewhere in the draft are added to them.

    Each text is parsed once a run, however many steps ask (a tick reads a
    draft's status, its staff revision, its problems, its marks and its
    harvest): each caller gets its own copy of that parse, which it may
    change (a copy takes a tenth of a parse: 0.1 ms against 1.3 ms for the
    example draft)."""
    return copy.deepcopy(_parsed(text, tuple(speakers)))


@functools.lru_cache(maxsize=16)
def _parsed(text: str, speakers: tuple[str, ...]) -> Draft:
    code = wikitext.parse(text)
    status_template = _status_template(code)
    draft = Draft()
    if status_template is None:
        draft.problems.append(DraftProblem(1, f"no {{{{{DRAFT_TEMPLATE}}}}} template: status taken as "
                                              f"{DEFAULT_STATUS!r}, deleted questions cannot be told",
                                           kind=DraftProblemKind.NO_STATUS_BOX))
    else:
        draft.status = _param(status_template, "status") or DEFAULT_STATUS
        for entry in _param(status_template, "harvested").replace(",", " ").split():
            id_, digest, key = (entry.split(".") + ["", ""])[:3]
            draft.harvested.append(id_)
            if digest:
                draft.digests[id_] = digest
            if key:
                draft.signatures[id_] = key
        draft.session = _param(status_template, "session")
        draft.recording = _param(status_template, "recording")
        draft.proposed = _param(status_template, proposals.PROPOSED).split()
        draft.status_line, draft.parameters = _box_lines(text, code, status_template)
        draft.positional = [(wiki_value(str(parameter.value)), line)
                            for parameter, (name, line) in zip(status_template.params, draft.parameters)
                            if not name or name.isdigit()]
    visible_lines = _visible_lines(text, code)
    draft.speaker_names = _speakers(visible_lines, speakers)
    draft.speakers = {name for person in draft.speaker_names for name in person}
    people = _People(draft.speaker_names)
    section: DraftSection | None = None
    question: DraftQuestion | None = None
    seen: set[str] = set()
    attempts: dict[str, int] = {}  # derived_id's next attempt for each text
    for number, (line, visible) in enumerate(zip(text.split("\n"), visible_lines), start=1):
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
            body = visible[1:]
            label = None if _MARKER.search(body) else _label(body)
            name = label[0] if label else None
            if label is not None and question is not None and any(name in people for name in label[1]):
                question.answers.append(body.strip())  # "* Maggie: …" right under a question
                question.answer_lines.append(number)
                continue
            if name is not None:
                draft.problems.append(DraftProblem(
                    number, f"may be an answer typed as a question ({name!r} is not a speaker of this draft; "
                            f"write ': {name}: …' if it is an answer)", content,
                    kind=DraftProblemKind.ANSWER_AS_QUESTION))
            if section is None:
                section = DraftSection(None, end=number)
                draft.sections.append(section)
            question = _question(body, number, seen, draft.problems, attempts)
            if question is not None:
                section.questions.append(question)
        elif question is not None:
            answer = _LIST_MARKERS.sub("", content).strip()
            if answer:
                question.answers.append(answer)
                question.answer_lines.append(number)
        elif section is not None:
            draft.problems.append(DraftProblem(number, "not under a question, so not in the notes", content,
                                               kind=DraftProblemKind.OUTSIDE_QUESTION))
    return draft


_RECORDING_URL = re.compile(r"https?://[^\s\[\]<>{}|\"'`]+")


def recording_url(draft: Draft) -> str | None:
    """The address in the status box's ``recording`` (a bare address, or the
    first one of an external link), or None when it holds none."""
    match = _RECORDING_URL.search(draft.recording)
    return match.group() if match else None


def _box_lines(text: str, code: Wikicode, template: Template) -> tuple[int, list[tuple[str, int]]]:
    """The line where the status box starts, and each of its parameters'
    names (empty for a positional one) with the line it is written on."""
    start = 0
    for node in code.nodes:
        if node is template:
            break
        start += len(str(node))
    box = str(template)
    first = text.count("\n", 0, start) + 1
    out = []
    cursor = 2 + len(str(template.name))
    for parameter in template.params:
        piece = str(parameter)
        at = box.find(piece, cursor)
        if at < 0:
            at = cursor
        lead = len(piece) - len(piece.lstrip())
        name = _PARAM_COMMENT.sub("", str(parameter.name)).strip(_PHP_TRIM) if parameter.showkey else ""
        out.append((name, first + box.count("\n", 0, at + lead)))
        cursor = at + len(piece)
    return first, out


def _question(body: str, number: int, seen: set[str], problems: list[Problem],
              attempts: dict[str, int]) -> DraftQuestion | None:
    marker = _MARKER.search(body)
    if marker:
        body = body[:marker.start()] + body[marker.end():]
    text = body.strip()
    if not text:
        problems.append(DraftProblem(number, "question without text, so not in the notes",
                                     kind=DraftProblemKind.EMPTY_QUESTION))
        return None
    if marker and marker["id"] not in seen:
        question_id, staff_added = marker["id"], False
    else:
        if marker:
            problems.append(DraftProblem(number, f"question id {marker['id']} used twice; "
                                                 f"this one gets an anchor of its own", text,
                                         kind=DraftProblemKind.DUPLICATE_ID))
        question_id, staff_added = derived_id(text, seen, attempts), True
    seen.add(question_id)
    return DraftQuestion(question_id, text, line=number, end=number, staff_added=staff_added)


heading_text = wikifacts.heading_text


def derived_id(text: str, taken: set[str] | frozenset[str] = frozenset(),
               attempts: dict[str, int] | None = None) -> str:
    """A stable id for a question that has none: ``q-`` and a hash of its
    whitespace-normalised text and of the first attempt (0, 1, …) whose id
    is not among ``taken``.

    ``attempts`` (text → next attempt), kept by the caller across the
    questions of one draft, starts each text where its last copy stopped:
    the attempts before it are taken already (``taken`` only grows), so the
    ids are the same, and n copies of one text cost n hashes, not n²/2
    (5,000 lines ``* x`` appended to a draft made a tick take 81 s)."""
    basis = " ".join(text.split())
    attempt = attempts.get(basis, 0) if attempts is not None else 0
    while True:
        digest = hashlib.blake2b(f"{basis}\x1f{attempt}".encode("utf-8", "surrogatepass"), digest_size=5)
        candidate = "q-" + digest.hexdigest()
        attempt += 1
        if candidate not in taken:
            if attempts is not None:
                attempts[basis] = attempt
            return candidate


def _trailing_space_and_comments(value: str) -> int:
    """Where the white space and closed comments that end ``value`` start.

    A scan from the end (a comment starts at the first ``<!--`` after the
    ``-->`` before its own, as MediaWiki reads): the pattern
    ``(?:\\s|<!--.*?-->)*\\Z`` it replaces was tried at every position of a
    long run of spaces (50,000 spaces in the box's ``problems`` made a tick
    take 36 s)."""
    at = len(value)
    while True:
        stripped = value[:at].rstrip()
        if stripped.endswith("-->"):
            close = len(stripped) - 3
            earlier = stripped.rfind("-->", 0, close)
            opening = stripped.find("<!--", earlier + 3 if earlier >= 0 else 0, close)
            if opening >= 0 and opening + 4 <= close:  # the comment this ``-->`` ends, as MediaWiki reads
                at = opening
                continue
        return len(stripped)


def set_draft_status(text: str, status: str) -> str:
    """``text`` with the status template's ``status`` set; nothing else changes."""
    if not status.strip() or re.search(r"[|{}\[\]<>\n]", status):
        raise ValueError(f"not a draft status: {status!r}")
    return _with_param(text, "status", status.strip())


def set_draft_problems(text: str, problems: Iterable[str]) -> str:
    """``text`` with the status box's ``problems`` parameter listing
    ``problems`` (made inert, one after another on one line), or emptied when
    there are none; the box displays them where staff work.  Unchanged when
    it already says so, or when there is no status box."""
    value = "<br />".join(inert(problem) for problem in problems)
    code = wikitext.parse(text)
    template = _status_template(code)
    if template is None or (not value and not template.has("problems")):
        return text
    if template.has("problems"):
        return text if _raw_param(template, "problems") == value else _with_param(text, "problems", value)
    template.add("problems", value, preserve_spacing=True)
    return str(code)


_INERT = {ord(char): f"&#{ord(char)};" for char in "&<>|{}[]~'=_:*#"}


def inert(text: str) -> str:
    """``text`` safe as a template parameter, a table cell or a list item, on
    one line: every character that could be markup written as an entity."""
    return " ".join(text.split()).translate(_INERT)


def record_harvested(text: str, ids: list[str], digests: "dict[str, str] | None" = None,
                     signatures: "dict[str, str] | None" = None) -> str:
    """``text`` with the status template's ``harvested`` list set to ``ids``
    (each with its text's digest and its signature's key, where known)."""
    return _with_param(text, "harvested", harvested_entries(ids, digests or {}, signatures or {}))


def harvested_entries(ids: list[str], digests: "dict[str, str]", signatures: "dict[str, str]") -> str:
    """The ``harvested`` list as the box writes it: ``q-….digest.key`` (or the id alone)."""
    def entry(id_: str) -> str:
        digest, key = digests.get(id_, ""), signatures.get(id_, "")
        return f"{id_}.{digest}.{key}" if key else f"{id_}.{digest}" if digest else id_
    return " ".join(entry(id_) for id_ in ids)


def set_box_value(text: str, name: str, value: str) -> str:
    """``text`` with the status box's parameter ``name`` set to ``value`` (one line of the bot's own words)."""
    if re.search(r"[|{}\n]", value):
        raise ValueError(f"not a value for the draft's box: {value!r}")
    return _with_param(text, name, value)


UNTRUSTED = "untrusted"
"""The status box's parameter for what staff are told about edits by others
since their last revision (the box shows it; the bot sets and clears it)."""


def untrusted_note(text: str) -> str:
    """The status box's ``untrusted`` note ('' if none, or no box)."""
    template = _status_template(wikitext.parse(text))
    return _raw_param(template, UNTRUSTED) if template is not None else ""


def set_untrusted(text: str, note: str) -> str:
    """``text`` with the status box's ``untrusted`` note set to ``note`` (a
    line of the bot's own words), or removed when ``note`` is ''; a draft
    without the box is returned unchanged (the bot never adds one)."""
    if untrusted_note(text) == note.strip():
        return text
    if not note.strip():
        code = wikitext.parse(text)
        _status_template(code).remove(UNTRUSTED)
        return str(code)
    if re.search(r"[|{}\[\]<>\n]", note):
        raise ValueError(f"not a note for the draft's box: {note!r}")
    if _status_template(wikitext.parse(text)) is None:
        return text
    return _with_param(text, UNTRUSTED, note.strip())


def _with_param(text: str, name: str, value: str) -> str:
    code = wikitext.parse(text)
    template = _status_template(code)
    if template is None:
        raise DraftError(f"the draft has no {{{{{DRAFT_TEMPLATE}}}}} template at the top level, where the bot "
                         f"keeps its status and the ids of the questions it added")
    parameter = _parameter(template, name)
    if parameter is not None:
        old = str(parameter.value)
        if old.strip():
            before = old[:len(old) - len(old.lstrip())]
            kept = _trailing_space_and_comments(old)  # a comment after the value stays
            after = old[kept:] if kept >= len(before) else old[len(old.rstrip()):]
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


_PARAM_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_PHP_TRIM = " \t\n\r\0\x0b"


def wiki_value(text: str) -> str:
    """A template parameter's name or value as MediaWiki reads it and the box
    shows it: comments stripped, white space trimmed (PHP's ``trim``), entities
    (``&#32;``, ``&nbsp;``) decoded, and trimmed again (a space the reader
    cannot see)."""
    text = _PARAM_COMMENT.sub("", text).strip(_PHP_TRIM)
    return html.unescape(text).replace("\u00a0", " ").strip()


def _parameter(template: Template, name: str):
    """The parameter ``name`` of ``template`` as MediaWiki picks it: names
    compared without comments and surrounding space; the last one wins."""
    found = None
    for parameter in template.params:
        if parameter.showkey and _PARAM_COMMENT.sub("", str(parameter.name)).strip(_PHP_TRIM) == name:
            found = parameter
    return found


def _param(template: Template, name: str) -> str:
    """The value of parameter ``name`` as the box shows it (see :func:`wiki_value`)."""
    parameter = _parameter(template, name)
    return wiki_value(str(parameter.value)) if parameter is not None else ""


def _raw_param(template: Template, name: str) -> str:
    parameter = _parameter(template, name)
    return str(parameter.value).strip() if parameter is not None else ""


def _visible_lines(text: str, code: Wikicode) -> list[str]:
    """The lines of ``text`` with comments, the status template and the bot's
    notes for staff blanked (their line breaks kept, so that line numbers still match)."""
    hidden = [(m.start(), m.end()) for m in _COMMENT.finditer(text)]
    offset = 0
    for node in code.nodes:
        size = len(str(node))
        if isinstance(node, Template) and template_key(str(node.name)) in (DRAFT_TEMPLATE, NOTE_TEMPLATE):
            hidden.append((offset, offset + size))
        offset += size
    chars = list(text)
    for start, end in hidden:
        for index in range(start, end):
            if chars[index] != "\n":
                chars[index] = ""
    lines = "".join(chars).split("\n")
    for number in proposals.hidden_lines(text):  # the bot's proposed answers, until staff review them
        lines[number - 1] = ""
    return lines
