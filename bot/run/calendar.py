"""Use case: the series' sessions as a calendar feed (``notesbot calendar``)."""

from __future__ import annotations

from bot import logs
from bot.model import PageState
from bot.publish.series import notes_link
from bot.run.context import Context
from bot.run.reading import listed_dates, trusted, trusted_revision

log = logs.get_logger("ical")


def calendar_feed(ctx: Context) -> bytes:
    """The series' sessions as an RFC 5545 calendar: only the sessions staff
    or the bot listed on the index, each at the time staff or the bot wrote
    on its page (two batched reads, the index's history, which the tick
    reads too, and two light requests for each session page whose last
    revision is someone else's)."""
    from datetime import datetime, timezone

    from bot.publish import ical

    series = ctx.series
    index = ctx.wiki.read([series.index_page])[series.index_page]
    index_text = index.text if index.exists else ""
    allowed = listed_dates(ctx, index)
    titles = ical.session_titles(index_text, series, allowed)
    pages = ctx.wiki.read(titles) if titles else {}
    trusted = {title: trusted_revision(ctx, page) for title, page in pages.items()}
    problems: list[str] = []
    entries = []
    for session, published in ical.sessions(index_text, series, trusted, allowed,
                                            notes_text=trusted_index_text(ctx, index), problems=problems):
        notes_url = None
        if published:
            page, _, section = notes_link(session).partition("#")
            notes_url = ctx.wiki.page_url(page) + (f"#{section.replace(' ', '_')}" if section else "")
        entries.append(ical.FeedEntry(session, ctx.wiki.page_url(session.title), notes_url))
    for problem in problems:
        log.warning("%s", problem, extra=logs.PLAIN)
    return ical.build(entries, name=series.index_page.rsplit("/", 1)[-1], duration_minutes=series.duration_minutes,
                      stamp=datetime.now(timezone.utc).replace(microsecond=0))


def trusted_index_text(ctx: Context, index: PageState) -> str:
    """The index's text as staff, an operator or the bot last saved it (its
    history, read already for the listed dates)."""
    if not index.exists or trusted(ctx, index.user):
        return index.text if index.exists else ""
    for revision in reversed(ctx.wiki.history(index.title, latest=index.revid)):
        if trusted(ctx, revision.user):
            return revision.text
    return ""
