"""The calendar feed: a series' sessions as an RFC 5545 calendar (``notesbot ical``).

Made with the ``icalendar`` package.  Each session is one ``VEVENT`` with its
start and end in UTC, a summary, the session page as ``URL`` and, once the
notes are out, the notes link in the description and as an ``ATTACH``.  Its
``UID`` is derived from the session page's title alone, so a calendar that
subscribes to the feed updates an event when the session changes instead of
adding a second one.  Whether the notes are out is read from the series'
index, where publishing puts the notes link on the session's line.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Mapping

import icalendar

from bot import wikitext

from bot import wikifacts
from bot.model import PageState, Session
from bot.publish import crosslinks
from bot.publish.navigation import start_param
from bot.publish.series import notes_link, series_dates

if TYPE_CHECKING:
    from bot.config import SeriesConfig

PRODID = "-//notesbot//Conversation Hour calendar//EN"
UID_DOMAIN = "notesbot.toolforge.org"


@dataclass(frozen=True)
class FeedEntry:
    """One session of the feed, with the addresses of its pages."""

    session: Session
    url: str
    notes_url: str | None = None
    """The notes' address once they are published, else None."""


def uid(session: Session) -> str:
    """The event's UID: the same for a session on every run (from its title)."""
    return f"{uuid.uuid5(uuid.NAMESPACE_URL, 'notesbot:' + wikifacts.normalise_title(session.title))}@{UID_DOMAIN}"


def is_published(index_text: str, session: Session) -> bool:
    """Whether the index links the session's notes (``Title#Notes`` or the notes page)."""
    wanted = notes_link(session)
    page, _, section = wanted.partition("#")
    for link in wikitext.parse(index_text).filter_wikilinks():
        target, _, anchor = str(link.title).strip().partition("#")
        if wikifacts.normalise_title(target) == wikifacts.normalise_title(page) and anchor.strip() == section \
                and (section or page != session.title):
            return True
    return False


def session_titles(index_text: str, series: "SeriesConfig") -> list[str]:
    """The session pages the feed reads for their start time."""
    return [series.session_title_for(day) for day in series_dates(index_text, series)]


def sessions(index_text: str, series: "SeriesConfig",
             pages: Mapping[str, PageState] | None = None) -> list[tuple[Session, bool]]:
    """Every session of the series (from its index and configuration), oldest
    first, and whether its notes are out.  A session's time is the one its
    page records (:func:`bot.publish.navigation.start_param`, written by
    ``new-session``), else the series' time."""
    out = []
    for day in series_dates(index_text, series):
        session = series.session(day)
        page = (pages or {}).get(session.title)
        recorded = start_param(page.text, series, day) if page is not None and page.exists else None
        if recorded:
            session = replace(session, time=recorded)
        out.append((session, is_published(index_text, session)))
    return out


def build(entries: list[FeedEntry], *, name: str, duration_minutes: int, stamp: datetime) -> bytes:
    """The calendar of ``entries``, as bytes (RFC 5545: CRLF line ends, folded lines)."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for entry in entries:
        s = entry.session
        start = crosslinks.start_of(s)
        event = icalendar.Event()
        event.add("uid", uid(s))
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=duration_minutes))
        event.add("summary", f"{crosslinks.short_name(s)} with {s.host}")
        event.add("url", entry.url)
        lines = [f"Topics: {', '.join(s.topics)}." if s.topics else "", f"Session page: {entry.url}"]
        if entry.notes_url:
            lines.append(f"Notes: {entry.notes_url}")
            event.add("attach", entry.notes_url)
        event.add("description", "\n".join(line for line in lines if line))
        cal.add_component(event)
    return cal.to_ical()
