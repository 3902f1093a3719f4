"""The plans of the draft: new questions, its status box, the problems found in it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from bot import compile as compile_mod
from bot.model import PageState, Question, Session
from bot.publish.plan import Edit, Plan, PlanBuilder, PlanError, plan_of

if TYPE_CHECKING:  # the configuration's types, for annotations only
    from bot.config import SeriesConfig


def draft_box_edit(session: Session, note: str) -> Edit:
    """The draft's status box says ``note`` (its ``untrusted`` parameter):
    what staff are told about edits by others since their last revision;
    '' clears it.  Nothing else of the draft changes."""
    return Edit(
        title=session.draft_page, kind="draft",
        summary=("Status box: " + note) if note else "Status box: no edit by others since the last staff revision",
        change=lambda text, exists: compile_mod.set_untrusted(text, note) if exists else text,
    )


def plan_draft_box(draft: PageState, session: Session, note: str) -> Plan:
    """The plan of :func:`draft_box_edit` over the draft as read."""
    return plan_of({session.draft_page: draft}, draft_box_edit(session, note), session=session)


def draft_with_problems(text: str, speakers: tuple[str, ...]) -> str:
    """The draft with its status box's ``problems`` saying what
    :func:`bot.compile.check.check_draft` finds in it now.  The parameter's
    own line is put in place first, so that the line numbers it gives are
    those of the page as saved."""
    from bot.compile import check as check_mod

    findings = check_mod.check_draft(text, speakers)
    if not findings:
        return compile_mod.set_draft_problems(text, [])
    staged = compile_mod.set_draft_problems(text, ["-"])
    return compile_mod.set_draft_problems(staged, [str(f) for f in check_mod.check_draft(staged, speakers)])


def plan_draft_problems(pages: Mapping[str, PageState], session: Session, series: "SeriesConfig") -> Plan:
    """Write the draft's problems into its status box, where staff work (no
    edit when the box already says them, or when there is no draft)."""
    plan = PlanBuilder(session=session)
    plan.edits.append(Edit(
        title=session.draft_page, kind="draft",
        summary="Problems the notes bot found in the draft (see the box at the top)",
        change=lambda text, exists: draft_with_problems(text, series.all_speakers) if exists else text,
    ))
    return plan.settle(pages)


def plan_draft(pages: Mapping[str, PageState], session: Session, questions: list[Question], tset,
               restore: frozenset[str] = frozenset(), harvested: tuple[str, ...] | None = None) -> Plan:
    """Create the draft, or add to it only the questions that are new since the
    last update (staff's text is never changed), and those of ``restore``
    again (deleted by someone who may not drop them).  ``harvested``: the
    box's list of harvested ids as the bot or staff last saved it, when
    someone else saved the draft since (see :func:`bot.compile.update_draft`).
    The plan's notices say what was neutralised in the questions' text, for
    staff to look at."""
    current = pages.get(session.draft_page) or PageState.missing(session.draft_page)

    def update(text: str, exists: bool) -> compile_mod.DraftUpdate:
        return (compile_mod.update_draft(text, questions, session, tset, restore, harvested) if exists
                else compile_mod.render_draft(questions, session, tset))

    try:
        first = update(current.text, current.exists)
    except compile_mod.DraftError as e:  # staff removed the status box, say
        raise PlanError(f"[[{session.draft_page}]]: {e}") from None
    count = len(first.added)
    plan = PlanBuilder(session=session)
    plan.edits.append(Edit(
        title=session.draft_page, kind="draft",
        summary=f"{count} new question{'s' if count != 1 else ''} from [[{session.questions_page}]] "
                f"for [[{session.title}]]",
        change=lambda text, exists: update(text, exists).text,
    ))
    plan.notices += [f"neutralised in [[{session.draft_page}]]: {n}" for n in first.neutralised]
    return plan.settle(pages)
