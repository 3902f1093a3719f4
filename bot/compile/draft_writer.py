"""Writing the notes draft: harvested questions into a new draft, or into the draft staff are working on.

The draft's format is described in :mod:`bot.compile.draft`.  Every question
goes through :func:`bot.compile.sanitize.neutralise` before it is placed, with
what was changed reported per question.  A question that still links to
someone's user page (it names a person; the notes are anonymous) gets the
bot's visible note for staff on the line under it, ``{{Conversation hour
note|…}}``, which the draft's reader skips, so it never reaches the notes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import mwparserfromhell

from bot import wikitext
from mwparserfromhell.nodes import Template, Wikilink

from bot import wikifacts
from bot.compile.draft import (Draft, DraftQuestion, DraftSection, harvested_entries, heading_text, parse_draft,
                               record_harvested)
from bot.compile.pages import headings, session_values
from bot.compile.sanitize import neutralise
from bot.compile.templates import TemplateSet
from bot.model import Question, Session, signature_key, text_digest

__all__ = ["DraftUpdate", "anchor", "render_draft", "update_draft"]

_SAFE_ID = re.compile(r"[A-Za-z][A-Za-z0-9_.:-]*")


@dataclass
class DraftUpdate:
    text: str
    added: list[str] = field(default_factory=list)
    """Ids of the questions this call wrote into the draft."""
    neutralised: list[str] = field(default_factory=list)
    """What was made inert in the added questions, each naming its question."""


# -- the draft ------------------------------------------------------------------

def render_draft(questions: list[Question], session: Session, templates: TemplateSet) -> DraftUpdate:
    """A new draft holding ``questions``, grouped by topic in the session's
    topic order (topics not in it after, questions without topic last)."""
    writer = _DraftWriter(templates)
    sections = [writer.section(topic, threads) for topic, threads in _by_topic(_threads(questions), session)]
    values = {**session_values(session), "harvested": harvested_entries(writer.added, writer.digests,
                                                                                  writer.signatures), "sections": "\n\n".join(sections)}
    return DraftUpdate(templates.render("draft", values).rstrip(), writer.added, writer.neutralised)


def update_draft(draft_text: str, questions: list[Question], session: Session,
                 templates: TemplateSet, restore: Iterable[str] = (),
                 harvested: Iterable[str] | None = None) -> DraftUpdate:
    """``draft_text`` with the questions that are new since the bot last wrote
    to it: each at the end of its topic's section (the section added at the
    end of the page if missing), a follow-up right after its parent.  Nothing
    else changes, but the list of harvested ids; a question the bot added
    before and staff deleted is not added again (``restore``: the ids of
    those someone else deleted, added again).  With no new question, the
    text comes back unchanged.

    ``harvested``: the box's list as the bot or staff last saved it, read
    instead of the list in ``draft_text`` when someone else saved the draft
    since (an id added there would keep a question out of the draft, one
    removed would bring back a question staff deleted)."""
    draft = parse_draft(draft_text)
    listed = draft.harvested if harvested is None else list(harvested)
    in_draft = {question.id: question for question in draft.questions if not question.staff_added}
    known = (set(listed) - set(restore)) | set(in_draft)
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
    recorded = list(dict.fromkeys([*listed, *in_draft, *writer.added]))
    digests = {**{q.id: text_digest(q.question) for q in questions if q.id in in_draft},
               **draft.digests, **writer.digests}
    signatures = {**{q.id: signature_key(q.asker, q.timestamp) for q in questions if q.id in in_draft},
                  **draft.signatures, **writer.signatures}
    text = record_harvested(_inserted(lines, insertions), recorded, digests, signatures)
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
        self.digests: dict[str, str] = {}
        self.signatures: dict[str, str] = {}
        """Id -> the digest of each added question's text, kept in the box's ``harvested`` list."""
        self.neutralised: list[str] = []

    def heading(self, topic: str | None) -> tuple[str, str]:
        """The heading line for ``topic`` (None: the template's default, "Other
        questions") and the title it gives, to find the section again."""
        lines, changes = headings([topic], self.templates)
        self.neutralised += changes
        return lines[0], _heading_title(lines[0])

    def section(self, topic: str | None, threads: list[list[Question]]) -> str:
        heading, _ = self.heading(topic)
        return "\n".join([heading, *(line for thread in threads for line in self.lines(thread))])

    def lines(self, thread: list[Question]) -> list[str]:
        out = []
        for question in thread:
            text, changes = neutralise(_question_text(question))
            self.neutralised += [f"{question.id}: {change}" for change in changes]
            out.append(self.templates.render("question", {"id": anchor(question.id), "question": text}))
            people = linked_users(text)
            if people:
                out.append(staff_note(f"this question links to the user page of {', '.join(people)}. "
                                      "The notes are anonymous: keep the link only if naming them is meant."))
            self.added.append(question.id)
            self.digests[question.id] = text_digest(question.question)
            self.signatures[question.id] = signature_key(question.asker, question.timestamp)
        return out


def linked_users(text: str) -> list[str]:
    """The users whose user, user talk or contributions page ``text`` links to
    (wiki links in any language's namespace names) or that a template of
    :data:`~bot.wikifacts.PERSON_TEMPLATES` names (``{{u|…}}``, ``{{ping|…}}``), each once."""
    users: list[str] = []
    code = wikitext.parse(text)
    for node in code.filter(recursive=True, forcetype=(Wikilink, Template)):
        if isinstance(node, Template):
            named = wikifacts.template_key(str(node.name)) in wikifacts.PERSON_TEMPLATES
            found = [str(p.value).strip() for p in node.params if named and not p.showkey]
        else:
            found = [wikifacts.user_of_link(str(node.title))]
        for user in found:
            if user and wikifacts.user_key(user) not in users:
                users.append(wikifacts.user_key(user))
    return users


def staff_note(message: str) -> str:
    """A line of the draft holding the bot's note for staff (the draft's reader skips it);
    braces, pipes, line breaks and tildes are kept out of the message, so that it stays one inert call."""
    message = re.sub(r"[{}|\n]", " ", message).replace("~", "&#126;")
    return f"{{{{{wikifacts.NOTE_TEMPLATE}|1={message}}}}}"


def _question_text(question: Question) -> str:
    """The question, after its section title when that says something the question does not."""
    title = (question.title or "").strip()
    if title and " ".join(title.split()).casefold() not in " ".join(question.question.split()).casefold():
        return f"'''{title}''' {question.question}"
    return question.question


def anchor(question_id: str) -> str:
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

