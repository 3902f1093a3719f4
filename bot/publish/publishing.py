"""The plan of a publish: notes, session page, index, navigation, marks, cross-links."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Collection, Mapping, Sequence

from bot import compile as compile_mod
from bot import wikifacts
from bot.model import PageState, Session
from bot.publish.crosslink_edits import add_crosslinks
from bot.publish.index import index_edit
from bot.harvest.reconcile import given_from_draft
from bot.publish.marks import marks_edit
from bot.publish.navigation import navigation_edits
from bot.publish.notes import notes_edit
from bot.publish.plan import Edit, Plan, PlanBuilder, PlanError, PublishRefused
from bot.publish.series import page_text, session_start, with_neighbours

if TYPE_CHECKING:  # the configuration's types, for annotations only
    from bot.config import SeriesConfig


def publish_conditions(draft: "compile_mod.Draft", session: Session, moment: datetime) -> list[str]:
    """What a manual publish still needs: status ``ready``, a session that has started."""
    missing = []
    if not draft.ready:
        missing.append(f"the status in [[{session.draft_page}]] is {draft.status!r}, not 'ready'")
    start = session_start(session)
    if moment < start:
        missing.append(f"the session has not started yet (it starts {wikifacts.human_date(session.date)}, "
                       f"{session.time} UTC)")
    return missing


def plan_publish(pages: Mapping[str, PageState], session: Session, series: "SeriesConfig", tset, *,
                 manual_at: datetime | None = None, allowed_dates: "Collection[date] | None" = None,
                 massmessage: bool = False, facts=None, notices: Sequence[str] = (), ledger=None,
                 own_notes: str | None = None) -> Plan:
    """Everything publishing ``session`` changes: the notes, the session page
    (when the notes have a page of their own), the index line, the
    navigation, and the answered marks.  ``pages`` holds what was read
    (:func:`publish_titles`, then :func:`neighbour_titles`); its draft is the
    revision staff saved, and the neighbours are only among ``allowed_dates``.

    A draft with a problem that would lose text (an unclosed comment, say)
    is refused with :class:`PublishRefused`, naming the lines: part of a
    draft is never published.  With ``manual_at`` (a publish by hand, not
    forced), so is a draft that is not ``ready`` or a session that has not
    started at that moment.  ``notices`` come first among the plan's
    (what the caller found about the draft's revisions, say); ``own_notes``
    what the bot wrote between its notes markers in its own last revision of
    the notes page (see :func:`bot.publish.pagetext.own_part`)."""
    from bot.compile import check as check_mod

    session, _ = with_neighbours(session, series, page_text(pages, session.index_page), allowed_dates)
    draft_page = pages.get(session.draft_page)
    if draft_page is None or not draft_page.exists:
        raise PlanError(f"[[{session.draft_page}]] does not exist: harvest the questions into a draft first")
    draft = compile_mod.parse_draft(draft_page.text, series.all_speakers)
    losing = check_mod.losing_text(check_mod.check_draft(draft_page.text, series.all_speakers))
    if losing:
        raise PublishRefused(f"[[{session.draft_page}]] not published: {len(losing)} problem(s) would lose "
                             f"text of the notes; mend these lines first", [str(f) for f in losing])
    if manual_at is not None:
        missing = publish_conditions(draft, session, manual_at)
        if missing:
            raise PublishRefused(f"[[{session.title}]] not published: {'; '.join(missing)} "
                                 f"(--force publishes anyway)", missing)
    plan = PlanBuilder(session=session, notices=list(notices))
    plan.notices += [f"[[{session.draft_page}]]: {p}" for p in draft.problems]
    try:
        notes = compile_mod.render_notes(draft, session, tset, translate=series.translate,
                                         unanswered_heading=series.unanswered_heading)
    except compile_mod.TemplateError as e:  # names the template and placeholder
        raise PlanError(f"cannot compile the notes: {e}") from None
    plan.notices += [f"neutralised in the notes: {n}" for n in notes.neutralised]
    summary = (f"Notes of [[{session.title}]]: {len(notes.answered)} answered"
               + (f", {len(notes.written)} to be answered in writing" if notes.written else ""))
    plan.edits.append(notes_edit(session, notes.text, tset, summary, translate=series.translate,
                                 previous=own_notes))
    if session.notes_page != session.title:
        plan.edits.append(Edit(
            title=session.title, kind="session", summary=f"Session page of [[{session.title}]]",
            change=lambda text, exists: text if exists else compile_mod.render_session_page(session, tset),
        ))
    plan.edits.append(index_edit(session, tset, series, published=True))
    plan.edits += navigation_edits(session, series.navigation_template, pages)
    plan.edits.append(marks_edit(session, notes.answered, notes.written, series, facts,
                                 given=given_from_draft(draft)))
    add_crosslinks(plan, pages, session, series, tset, event="published", massmessage=massmessage,
                   ledger=ledger)
    return plan.settle(pages)
