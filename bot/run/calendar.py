"""Use case: the series' sessions as a calendar feed (``notesbot calendar``)."""

from __future__ import annotations

from bot.publish.series import notes_link
from bot.run.context import Context


def calendar_feed(ctx: Context) -> bytes:
    """The series' sessions as an RFC 5545 calendar (one read: the index)."""
    from datetime import datetime, timezone

    from bot.publish import ical

    series = ctx.series
    index = ctx.wiki.read([series.index_page])[series.index_page]
    index_text = index.text if index.exists else ""
    titles = ical.session_titles(index_text, series)
    pages = ctx.wiki.read(titles) if titles else {}
    entries = []
    for session, published in ical.sessions(index_text, series, pages):
        notes_url = None
        if published:
            page, _, section = notes_link(session).partition("#")
            notes_url = ctx.wiki.page_url(page) + (f"#{section.replace(' ', '_')}" if section else "")
        entries.append(ical.FeedEntry(session, ctx.wiki.page_url(session.title), notes_url))
    return ical.build(entries, name=series.index_page.rsplit("/", 1)[-1], duration_minutes=series.duration_minutes,
                      stamp=datetime.now(timezone.utc).replace(microsecond=0))
