"""Use case: the draft's status box tells staff about edits by others since their last revision."""

from __future__ import annotations

from bot import compile as compile_mod
from bot import logs, publish
from bot.model import PageState, Session
from bot.run.context import Context, run_plan

log = logs.get_logger("run")


def show_on_draft(ctx: Context, session: Session, note: str, current: PageState | None = None) -> int:
    """Make the draft's status box say ``note`` (edits by others since the
    last staff revision, say; '' clears it), with one edit when it says
    something else.  ``current``: the draft as just read, if it was."""
    if current is None:
        current = ctx.wiki.read([session.draft_page])[session.draft_page]
    if not current.exists or compile_mod.untrusted_note(current.text) == note:
        return 0
    plan = publish.plan_draft_box(current, session, note)
    report = run_plan(ctx, plan)
    for notice in report.notices:
        log.info("%s", notice)
    return 0 if report.ok else 1
