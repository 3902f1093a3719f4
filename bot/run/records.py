"""The bot's records page, read for a plan that announces (see :mod:`bot.publish.records`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from bot.model import PageState, Session
from bot.publish import records as records_mod
from bot.run.context import Context
from bot.run.reading import latest_revision_by


def records_title(ctx: Context) -> str:
    return ctx.title(records_mod.RECORDS_PAGE)


def ledger_for(ctx: Context, session: Session, pages: dict[str, PageState]) -> records_mod.Ledger | None:
    """The records of ``session``'s announcements (None when the series
    announces nothing), the records page put in ``pages`` for the plan.
    One read of the records page; and, only for a session that has no entry
    there yet and whose page holds records of an earlier version, the bot's
    own last revision of the session page saved before the records page
    began (one light history request, and one for its text when it is not
    the page's latest revision)."""
    announcements = ctx.series.announcements
    if not announcements.pages and not announcements.delivery_list:
        return None
    title = records_title(ctx)
    page = ctx.wiki.read([title])[title]
    pages[title] = page
    now = datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    ledger = records_mod.Ledger(title, page, now)
    if ledger.entry(session) is not None:
        return ledger
    current = pages.get(session.title) or ctx.wiki.read([session.title])[session.title]
    if not current.exists or not records_mod.has_legacy_records(current.text):
        return ledger
    return replace(ledger, legacy=own_text_before(ctx, current, ledger.since))


def own_text_before(ctx: Context, page: PageState, since: str | None) -> str:
    """The text of the bot's own last revision of ``page`` saved before
    ``since`` (any, when None); '' if it has none among the latest 500."""
    limit = datetime.fromisoformat(since.replace("Z", "+00:00")) if since else None
    if page.user == ctx.bot and limit is None:
        return page.text

    def own(revision: dict) -> bool:
        saved = datetime.fromisoformat(revision["timestamp"].replace("Z", "+00:00"))
        return revision.get("user") == ctx.bot and (limit is None or saved < limit)

    found = latest_revision_by(ctx, page, own)
    return found.text if found else ""
