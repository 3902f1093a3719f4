"""Use case: start a session: its pages, index line, navigation and cross-links (``notesbot new-session``).

Its index line is saved first: a new-session stopped after it (killed, the
wiki gone) leaves a session the tick knows, and the tick, or the same
command run again, makes the pages still missing (the others are
created only when missing, so nothing is made twice)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Callable

from bot import publish
from bot.model import Session
from bot.run.context import Context, finish, planned, run_plan
from bot.run.records import ledger_for
from bot.run.reading import (neighbours_ahead, read_for_plan, template_titles, templates_for, uses_massmessage,
                             with_trusted_time)


def new_session_reads(day: date, time: str | None) -> "Callable[[Context], list[str]]":
    """What :func:`new_session` reads (see :func:`publish_reads`)."""
    def reads(ctx: Context) -> list[str]:
        session = session_of(ctx, day, time)
        return [*publish.new_session_titles(session, ctx.series), *template_titles(ctx),
                *neighbours_ahead(ctx, session)]
    return reads


def session_of(ctx: Context, day: date, time: str | None) -> Session:
    session = ctx.series.session(day)
    return replace(session, time=time) if time else session


def new_session(ctx: Context, day: date, time: str | None) -> int:
    session = session_of(ctx, day, time)
    tset = templates_for(ctx)
    pages, allowed = read_for_plan(ctx, session, publish.new_session_titles(session, ctx.series))
    if time is None:  # a run again (or the tick) finishing a session keeps the start its page records
        session = with_trusted_time(ctx, session, pages)
    plan = planned(lambda: publish.plan_new_session(pages, session, ctx.series, tset, allowed,
                                                    massmessage=uses_massmessage(ctx),
                                                    ledger=ledger_for(ctx, session, pages)))
    report = run_plan(ctx, plan)
    return finish(ctx, report, f"New session [[{session.title}]]:")
