"""Use case: publish a session's notes from the draft staff saved (``notesbot publish``, a tick)."""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from bot import config as config_mod
from bot import logs, publish
from bot.model import PageState, Session
from bot.run.context import Context, finish, planned, run_plan
from bot.run.draft_box import show_on_draft
from bot.publish import pagetext
from bot.run.records import ledger_for, own_text_before
from bot.run.reading import (neighbours_ahead, read_for_plan, staff_draft, template_titles, templates_for,
                             uses_massmessage, with_trusted_time)

log = logs.get_logger("run")


def publish_reads(pick: "Callable[[config_mod.SeriesConfig], Session]") -> "Callable[[Context], list[str]]":
    """What :func:`publish_session` reads, for ``Context.open(reads=…)``:
    the session's pages, its templates, and the neighbouring sessions the
    index names, found from the index's history (read now, and used again
    by :func:`listed_dates` if the index has not changed since)."""
    def reads(ctx: Context) -> list[str]:
        session = pick(ctx.series)
        return [*publish.publish_titles(session, ctx.series), *template_titles(ctx),
                *neighbours_ahead(ctx, session)]
    return reads


def publish_session(ctx: Context, session: Session, manual_at: datetime | None = None, *,
                    force: bool = False) -> int:
    """Publish ``session`` from the draft revision staff saved last; with
    ``manual_at``, only if that draft is ready and the session has started at
    that moment (a publish by hand); ``force`` publishes staff's latest
    revision whatever its status says."""
    tset = templates_for(ctx)
    pages, allowed = read_for_plan(ctx, session, publish.publish_titles(session, ctx.series))
    session = with_trusted_time(ctx, session, pages)  # its page's start, not the series' default
    latest = pages.get(session.draft_page) or PageState.missing(session.draft_page)
    draft = staff_draft(ctx, latest, session.title)
    show_on_draft(ctx, session, draft.box_note, latest)
    if draft.state is not None and not draft.ready and not force:
        log.warning("[[%s]]: the last revision saved by staff does not say status=ready: nothing published%s",
                    session.draft_page, f" ({draft.note})" if draft.note else "", extra=logs.PLAIN)
        if manual_at is None:
            return 1
        # By hand, the planner goes on to say every condition that is missing.
    if draft.state is None and pages.get(session.draft_page, PageState.missing("")).exists:
        log.warning("[[%s]]: %s", session.draft_page, draft.note, extra=logs.PLAIN)
        return 1
    if draft.state is not None:
        pages[session.draft_page] = draft.state
    notices = [f"[[{session.draft_page}]]: {draft.note}"] if draft.note else []
    own_notes = bots_own_notes(ctx, pages.get(session.notes_page))
    plan = planned(lambda: publish.plan_publish(pages, session, ctx.series, tset, manual_at=manual_at,
                                                allowed_dates=allowed, massmessage=uses_massmessage(ctx),
                                                facts=ctx.wiki.language_facts(), notices=notices,
                                                ledger=ledger_for(ctx, session, pages), own_notes=own_notes))
    report = run_plan(ctx, plan)
    verb = "Would publish" if ctx.simulate else "Publishing"
    return finish(ctx, report, f"{verb} [[{session.title}]]:")


def bots_own_notes(ctx: Context, page: PageState | None) -> str | None:
    """What the bot wrote between its notes markers in its own last revision
    of the notes page, None when it wrote none: which part of the page is the
    bot's is decided by it, not by markers anyone can move, copy or delete
    (no request when the bot saved the page last; else a light history
    request and one for the text)."""
    if page is None or not page.exists:
        return None
    return pagetext.own_text(own_text_before(ctx, page, None))
