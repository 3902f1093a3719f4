"""Compiling: harvested questions into the notes draft, the filled draft into
the notes, and a session into its session page and questions page.

Pure text in, text out: the online commands fetch and save the pages, the
offline ``notesbot compile`` prints the result.  Every page is rendered from
the style's templates (``bot/templates.py``), and every piece of community
text goes through :func:`bot.sanitize.neutralise` before it is placed, with
what was changed reported per question.

The draft format (where the ids and the list of harvested ids live) is
described in ``bot/draft.py``; :func:`parse_draft` and
:func:`set_draft_status` are re-exported here so that callers need one module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone

from bot.draft import (Draft, DraftError, DraftQuestion, DraftSection, heading_text, parse_draft,
                       record_harvested, set_draft_status)
from bot.model import Question, Session, iso
from bot.sanitize import neutralise
from bot.templates import TemplateError, TemplateSet

__all__ = ["Draft", "DraftError", "DraftQuestion", "DraftSection", "DraftUpdate", "Notes", "english_list",
           "parse_draft", "render_draft", "render_notes", "render_questions_page", "render_session_page",
           "session_values", "set_draft_status", "update_draft"]

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")

_SAFE_ID = re.compile(r"[A-Za-z][A-Za-z0-9_.:-]*")


@dataclass
class DraftUpdate:
    text: str
    added: list[str] = field(default_factory=list)
    """Ids of the questions this call wrote into the draft."""
    neutralised: list[str] = field(default_factory=list)
    """What was made inert in the added questions, each naming its question."""


@dataclass
class Notes:
    text: str
    """The notes wikitext: for a style whose notes are a section of the session
    page, the section's body (without its heading line); else the whole page."""
    answered: list[str] = field(default_factory=list)
    """Ids of the questions published with their answers (staff-added ones included)."""
    written: list[str] = field(default_factory=list)
    """Ids of the questions listed as to be answered in writing."""
    neutralised: list[str] = field(default_factory=list)


# -- template values ----------------------------------------------------------

def session_values(session: Session) -> dict[str, str]:
    """What the templates can say about a session.  Empty values are left out,
    so that a template must say what to write instead (``{{{previous|}}}``)."""
    values = {
        "session": session.title,
        "date": f"{session.date.day} {MONTHS[session.date.month - 1]} {session.date.year}",
        "time": f"{session.time} UTC",
        "host": session.host,
        "host_first_name": session.host.split()[0] if session.host.strip() else "",
        "host_title": session.host_title,
        "topics": english_list(session.topics),
        "questions_page": session.questions_page,
        "draft_page": session.draft_page,
        "notes_page": session.notes_page,
        "notes_section": session.notes_section or "",
        "index_page": session.index_page,
        "previous": session.previous or "",
        "next": session.next or "",
    }
    return {name: value for name, value in values.items() if value}


def english_list(items: Iterable[str]) -> str:
    """'A', 'A and B', 'A, B, and C'."""
    items = list(items)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


# -- session page and questions page -----------------------------------------

def render_session_page(session: Session, templates: TemplateSet, notes: str | None = None) -> str:
    """The session page; with ``notes``, their text in its notes section (a
    style whose notes have a page of their own has no place for them)."""
    values = session_values(session)
    if notes is not None:
        if "notes" not in templates.placeholders("session"):
            raise TemplateError(f"the session page of style {templates.style!r} has no {{{{{{notes}}}}}} "
                                f"placeholder: its notes go on a page of their own")
        values["notes"] = notes
    return templates.render("session", values).rstrip()


def render_questions_page(session: Session, templates: TemplateSet, deadline: str | None = None) -> str:
    """The questions page, with an empty section per topic in scope.  The
    deadline defaults to one hour before the session starts."""
    if deadline is None:
        start = datetime.combine(session.date, time.fromisoformat(session.time), tzinfo=timezone.utc)
        deadline = iso(start - timedelta(hours=1))
    sections, _ = _headings(session.topics, templates)
    values = {**session_values(session), "deadline": deadline, "sections": "\n\n".join(sections)}
    return templates.render("questions", values).rstrip()


# -- the draft ------------------------------------------------------------------

def render_draft(questions: list[Question], session: Session, templates: TemplateSet) -> DraftUpdate:
    """A new draft holding ``questions``, grouped by topic in the session's
    topic order (topics not in it after, questions without topic last)."""
    writer = _DraftWriter(templates)
    sections = [writer.section(topic, threads) for topic, threads in _by_topic(_threads(questions), session)]
    values = {**session_values(session), "harvested": " ".join(writer.added), "sections": "\n\n".join(sections)}
    return DraftUpdate(templates.render("draft", values).rstrip(), writer.added, writer.neutralised)


def update_draft(draft_text: str, questions: list[Question], session: Session,
                 templates: TemplateSet) -> DraftUpdate:
    """``draft_text`` with the questions that are new since the bot last wrote
    to it: each at the end of its topic's section (the section added at the
    end of the page if missing), a follow-up right after its parent.  Nothing
    else changes, but the list of harvested ids; a question the bot added
    before and staff deleted is not added again.  With no new question, the
    text comes back unchanged."""
    draft = parse_draft(draft_text)
    in_draft = {question.id: question for question in draft.questions if not question.staff_added}
    known = set(draft.harvested) | set(in_draft)
    new = [question for question in _unique(questions) if question.id not in known]
    if not new:
        return DraftUpdate(draft_text)
    parents = {question.id: question.followup_of for question in questions}
    writer = _DraftWriter(templates)
    insertions: list[tuple[int, list[str]]] = []  # (insert after this many lines, lines)
    placed_by_topic = []
    for thread in _threads(new):
        parent = thread[0].followup_of
        if parent in in_draft:
            insertions.append((_end_of_followups(draft, in_draft[parent], parents), writer.lines(thread)))
        else:
            placed_by_topic.append(thread)
    lines = draft_text.split("\n")
    page_end = max((number for number, line in enumerate(lines, start=1) if line.strip()), default=0)
    new_sections: list[str] = []
    for topic, threads in _by_topic(placed_by_topic, session):
        heading, title = writer.heading(topic)
        section = _section_titled(draft, title)
        body = [line for thread in threads for line in writer.lines(thread)]
        if section is None:
            new_sections += ["", heading, *body]
        else:
            insertions.append((section.end, body))
    insertions.append((page_end, new_sections))  # after what goes at the end of the last section
    # Ids in the draft but missing from the list are recorded too, so that deleting them later sticks.
    recorded = draft.harvested + [id_ for id_ in in_draft if id_ not in draft.harvested] + writer.added
    text = record_harvested(_inserted(lines, insertions), recorded)
    return DraftUpdate(text, writer.added, writer.neutralised)


def _inserted(lines: list[str], insertions: list[tuple[int, list[str]]]) -> str:
    """``lines`` joined, with each insertion's lines after the line it names;
    several at one place in the order given."""
    at: dict[int, list[str]] = {}
    for after, new_lines in insertions:
        at.setdefault(after, []).extend(new_lines)
    lines = list(lines)
    for after in sorted(at, reverse=True):  # bottom up, so that the line numbers above stay right
        lines[after:after] = at[after]
    return "\n".join(lines)


class _DraftWriter:
    """Renders questions for the draft, neutralised, remembering what it wrote."""

    def __init__(self, templates: TemplateSet) -> None:
        self.templates = templates
        self.added: list[str] = []
        self.neutralised: list[str] = []

    def heading(self, topic: str | None) -> tuple[str, str]:
        """The heading line for ``topic`` (None: the template's default, "Other
        questions") and the title it gives, to find the section again."""
        headings, changes = _headings([topic], self.templates)
        self.neutralised += changes
        return headings[0], _heading_title(headings[0])

    def section(self, topic: str | None, threads: list[list[Question]]) -> str:
        heading, _ = self.heading(topic)
        return "\n".join([heading, *(line for thread in threads for line in self.lines(thread))])

    def lines(self, thread: list[Question]) -> list[str]:
        out = []
        for question in thread:
            text, changes = neutralise(_question_text(question))
            self.neutralised += [f"{question.id}: {change}" for change in changes]
            out.append(self.templates.render("question", {"id": _anchor(question.id), "question": text}))
            self.added.append(question.id)
        return out


def _question_text(question: Question) -> str:
    """The question, after its section title when that says something the question does not."""
    title = (question.title or "").strip()
    if title and " ".join(title.split()).casefold() not in " ".join(question.question.split()).casefold():
        return f"'''{title}''' {question.question}"
    return question.question


def _anchor(question_id: str) -> str:
    if not _SAFE_ID.fullmatch(question_id):
        raise ValueError(f"question id {question_id!r} cannot be an anchor")
    return question_id


def _unique(questions: Iterable[Question]) -> list[Question]:
    seen: set[str] = set()
    out = []
    for question in questions:
        if question.id not in seen:
            seen.add(question.id)
            out.append(question)
    return out


def _threads(questions: Iterable[Question]) -> list[list[Question]]:
    """Questions as threads: a question and, right after it, its follow-ups
    (and theirs), in page order.  A follow-up whose parent is not earlier in
    the list starts a thread of its own."""
    children: dict[str, list[Question]] = {}
    roots: list[Question] = []
    seen: set[str] = set()
    for question in _unique(questions):
        if question.followup_of in seen:
            children.setdefault(question.followup_of, []).append(question)
        else:
            roots.append(question)
        seen.add(question.id)

    def walk(question: Question) -> list[Question]:
        return [question, *(q for child in children.get(question.id, []) for q in walk(child))]

    return [walk(root) for root in roots]


def _by_topic(threads: list[list[Question]], session: Session) -> list[tuple[str | None, list[list[Question]]]]:
    """Threads grouped by their first question's topic: the session's topics in
    its order, then other topics as first met, then those without topic."""
    groups: dict[str | None, list[list[Question]]] = {}
    for thread in threads:
        groups.setdefault(thread[0].topic, []).append(thread)
    order = [topic for topic in session.topics if topic in groups]
    order += [topic for topic in groups if topic is not None and topic not in order]
    order += [None] if None in groups else []
    return [(topic, groups[topic]) for topic in order]


def _headings(topics: Iterable[str | None], templates: TemplateSet) -> tuple[list[str], list[str]]:
    """Heading lines for ``topics`` (None: the heading template's default), and
    what neutralising the topic names changed (a topic can come from a heading
    anyone wrote on the questions page)."""
    lines, changes = [], []
    for topic in topics:
        values = {}
        if topic is not None:
            values["heading"], topic_changes = neutralise(topic)
            changes += [f"topic {topic!r}: {change}" for change in topic_changes]
        lines.append(templates.render("heading", values))
    return lines, changes


def _heading_title(heading: str) -> str:
    return heading_text(heading.strip()) or heading.strip()


def _same_title(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _section_titled(draft: Draft, title: str) -> DraftSection | None:
    """The last section of the draft with this heading, if any."""
    matches = [section for section in draft.sections if section.heading and _same_title(section.heading, title)]
    return matches[-1] if matches else None


def _end_of_followups(draft: Draft, parent: DraftQuestion, parents: dict[str, str | None]) -> int:
    """The last line of ``parent`` and of the follow-ups of it that come right after it."""
    for section in draft.sections:
        if parent in section.questions:
            end = parent.end
            family = {parent.id}
            for question in section.questions[section.questions.index(parent) + 1:]:
                if parents.get(question.id) not in family:
                    break
                family.add(question.id)
                end = question.end
            return end
    raise AssertionError("unreachable: the parent comes from the draft's own questions")


# -- the notes -------------------------------------------------------------------

def render_notes(draft: Draft, session: Session, templates: TemplateSet, *, translate: bool = False,
                 unanswered_heading: str = "To be answered in writing") -> Notes:
    """The notes from a filled draft: questions and answers in the draft's
    order, its sections as the style shows them; questions without answer
    under ``unanswered_heading``.  Askers are never named (the draft does not
    have them); every question keeps its anchor."""
    writer = _NotesWriter(templates, translate)
    notes = Notes("")
    blocks: list[str] = []
    waiting: list[str] = []
    for section in draft.sections:
        answered = []
        for question in section.questions:
            if question.answered:
                answered.append(writer.question(question, with_answers=True))
                notes.answered.append(question.id)
            else:
                waiting.append(writer.question(question, with_answers=False))
                notes.written.append(question.id)
        if answered:
            body = "\n".join(answered)
            if section.heading is None:
                blocks.append(body)
            else:
                heading = writer.unit(writer.clean(section.heading, f"heading {section.heading!r}"))
                blocks.append(templates.render("section", {"heading": heading, "questions": body}))
    if waiting:
        blocks.append(templates.render("unanswered", {"heading": writer.unit(unanswered_heading),
                                                      "questions": "\n".join(waiting)}))
    values = {**session_values(session), "languages": "<languages/>\n" if translate else "",
              "questions": _join_blocks(blocks)}
    notes.text = templates.render("notes", values).rstrip()
    notes.neutralised = writer.neutralised
    return notes


class _NotesWriter:
    """Renders the draft's questions and answers for the notes, neutralised."""

    def __init__(self, templates: TemplateSet, translate: bool) -> None:
        self.templates = templates
        self.translate = translate
        self.neutralised: list[str] = []

    def question(self, question: DraftQuestion, *, with_answers: bool) -> str:
        text = self.unit(self.clean(question.text, question.id))
        lines = [self.templates.render("question", {"id": _anchor(question.id), "question": text})]
        if with_answers:
            for answer in question.answers:
                answer = self.unit(self.clean(answer, f"{question.id} (answer)"))
                lines.append(self.templates.render("answer", {"answer": answer}))
        return "\n".join(lines)

    def clean(self, text: str, where: str) -> str:
        text, changes = neutralise(text)
        self.neutralised += [f"{where}: {change}" for change in changes]
        return text

    def unit(self, text: str) -> str:
        """One translatable unit, marked for the Translate extension when asked."""
        return f"<translate>{text}</translate>" if self.translate else text


def _join_blocks(blocks: list[str]) -> str:
    """Blocks one after another, a blank line before each that starts with a heading."""
    out = ""
    for block in blocks:
        if out:
            out += "\n\n" if block.startswith("=") else "\n"
        out += block
    return out
