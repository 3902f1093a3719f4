"""Use case: harvest the questions page into the draft (``notesbot harvest --to-draft``, a tick's collecting session)."""

from __future__ import annotations

from bot import logs, publish
from bot.harvest.reconcile import reconcile_with_draft
from bot.model import Session
from bot.run.context import Context, finish, planned, run_plan
from bot.run.reading import harvest_page, templates_for

log = logs.get_logger("run")


def harvest_into_draft(ctx: Context, session: Session) -> int:
    tset = templates_for(ctx)
    result, source = harvest_page(ctx, session.questions_page)
    for problem in result.problems:
        log.warning("%s: %s", source, problem, extra=logs.PLAIN)
    pages = ctx.wiki.read([session.draft_page])
    result.questions = reconcile_with_draft(result.questions, pages[session.draft_page],
                                            history=lambda: ctx.wiki.history(session.draft_page))
    plan = planned(lambda: publish.plan_draft(pages, session, result.questions, tset))
    report = run_plan(ctx, plan)
    return finish(ctx, report, f"Draft of [[{session.title}]] ({len(result.questions)} questions harvested):")
