"""The plan of a chat-questions import: questions from the live chat and by email into the session's draft.

A sibling of :func:`bot.publish.draft.plan_draft`, with the same guarantees
(staff text never touched, a question the bot added before and staff deleted
never added again: its id is in the draft's ``harvested`` list), and one
more: a question already in the draft (harvested from the questions page,
imported before from another channel, or typed in by staff) or on the
questions page is not added a second time, whatever its id.
"""

from __future__ import annotations

from typing import Mapping

from bot import compile as compile_mod
from bot import harvest as harvest_mod
from bot.harvest.channels import without_note
from bot.compile.sanitize import neutralise
from bot.harvest.ids import comparable
from bot.model import PageState, Question, Session
from bot.publish.plan import Edit, Plan, PlanBuilder, PlanError

__all__ = ["new_questions", "plan_import"]


def new_questions(draft_text: str, exists: bool, questions: list[Question],
                  known: list[str] = ()) -> tuple[list[Question], list[tuple[Question, str]]]:
    """The questions to add to the draft, and those not added with why.
    ``known``: texts of questions asked elsewhere (the questions page)."""
    draft = compile_mod.parse_draft(draft_text) if exists else compile_mod.Draft()
    ids = set(draft.harvested) | {q.id for q in draft.questions}
    texts = {comparable(without_note(q.text)) for q in draft.questions}
    asked = {comparable(text) for text in known}
    new, kept_out = [], []
    for question in questions:
        text, _ = neutralise(without_note(question.question))
        key = comparable(text)
        if question.id in ids:
            kept_out.append((question, "imported before (in the draft, or deleted from it by staff)"))
        elif key in texts:
            kept_out.append((question, "already in the draft"))
        elif comparable(without_note(question.question)) in asked:
            kept_out.append((question, "already asked on the questions page"))
        else:
            new.append(question)
            texts.add(key)
    return new, kept_out


def plan_import(pages: Mapping[str, PageState], session: Session, questions: list[Question], tset,
                *, known: list[str] = (), source: str = "the live chat and email") -> Plan:
    """Add ``questions`` (from :func:`bot.harvest.channels.pick_questions`) to the
    draft: each at the end of its topic's section, or of the channel's section
    ("From the live chat", "By email"), created at the end when missing."""
    current = pages.get(session.draft_page) or PageState.missing(session.draft_page)

    def update(text: str, exists: bool) -> compile_mod.DraftUpdate:
        new, _ = new_questions(text, exists, questions, known)
        if not exists:
            return compile_mod.render_draft(new, session, tset)
        return compile_mod.update_draft(text, new, session, tset)

    try:
        first = update(current.text, current.exists)
    except compile_mod.DraftError as e:
        raise PlanError(f"[[{session.draft_page}]]: {e}") from None
    count = len(first.added)
    plan = PlanBuilder(session=session)
    plan.edits.append(Edit(
        title=session.draft_page, kind="draft",
        summary=f"{count} question{'s' if count != 1 else ''} from {source} for [[{session.title}]]",
        change=lambda text, exists: update(text, exists).text,
    ))
    plan.notices += [f"neutralised in [[{session.draft_page}]]: {n}" for n in first.neutralised]
    return plan.settle(pages)


def questions_page_texts(page: PageState, aliases: Mapping[str, str], mark_template: str) -> list[str]:
    """The questions asked on the questions page, to leave out the same question from a chat."""
    if not page.exists:
        return []
    return [q.question for q in harvest_mod.harvest(page.text, aliases, mark_template=mark_template).questions]
