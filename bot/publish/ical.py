"""The calendar feed: a series' sessions as an RFC 5545 calendar (``notesbot ical``).

Made with the ``icalendar`` package.  Each session is one ``VEVENT`` with its
start and end in UTC, a summary, the session page as ``URL`` and, once the
notes are out, the notes link in the description and as an ``ATTACH``.  Its
``UID`` is derived from the session page's title alone, so a calendar that
subscribes to the feed updates an event when the session changes instead of
adding a second one.  Whether the notes are out is read from the series'
index, where publishing puts the notes link on the session's line.

Anyone can edit the index and the session pages, and subscribers' calendars
must not show what anyone wrote: the run (``bot/run/calendar.py``) gives
this module only the sessions staff or the bot listed on the index (as the
tick takes them: ``bot.run.reading.listed_dates``), the session pages' text
as staff or the bot last saved it (their start time), and the index as they
last saved it (the notes links).  The feed costs one parse of the index and
one template lookup a session: linear in the number of sessions.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Collection, Mapping

import icalendar

from bot import wikitext

from bot import wikifacts
from bot.model import PageState, Session
from bot.publish import crosslinks, pagetext
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


def published_links(index_text: str) -> set[tuple[str, str]]:
    """Every (page, section) the index links, read in one parse: what
    :func:`is_published` looks the sessions' notes up in, so that the feed
    costs one parse of the index however many sessions it lists."""
    out = set()
    for link in wikitext.parse(index_text).filter_wikilinks():
        target, _, anchor = str(link.title).strip().partition("#")
        out.add((wikifacts.normalise_title(target), anchor.strip()))
    return out


def is_published(index_text: "str | set[tuple[str, str]]", session: Session) -> bool:
    """Whether the index (its text, or its :func:`published_links`) links the
    session's notes (``Title#Notes`` or the notes page)."""
    links = published_links(index_text) if isinstance(index_text, str) else index_text
    page, _, section = notes_link(session).partition("#")
    return bool(section or page != session.title) and (wikifacts.normalise_title(page), section) in links


def session_titles(index_text: str, series: "SeriesConfig", allowed: "Collection[date] | None" = None) -> list[str]:
    """The session pages the feed reads for their start time."""
    return [series.session_title_for(day) for day in series_dates(index_text, series, allowed)]


def sessions(index_text: str, series: "SeriesConfig", pages: Mapping[str, PageState] | None = None,
             allowed: "Collection[date] | None" = None, *, notes_text: str | None = None,
             problems: list[str] | None = None) -> list[tuple[Session, bool]]:
    """Every session of the series (those of its index among ``allowed``,
    when given, and those its configuration lists), oldest first, and whether
    its notes are out (linked from ``notes_text``, by default the index).  A
    session's time is the one its page records
    (the navigation template's ``start``, written by ``new-session``), else
    the series' time; a recorded value that is not a time of that day
    (``T99:00Z``) is left out, with a line in ``problems``."""
    out = []
    links = published_links(index_text if notes_text is None else notes_text)
    for day in series_dates(index_text, series, allowed):
        session = series.session(day)
        page = (pages or {}).get(session.title)
        params = (pagetext.template_params(page.text, series.navigation_template) or {}) \
            if page is not None and page.exists else {}
        recorded = params.get("start", "")
        found = _START.fullmatch(recorded)
        if found and found[1] == day.isoformat():
            session = replace(session, time=found[2])
        elif recorded and problems is not None:
            problems.append(f"[[{session.title}]]: start={recorded[:40]!r} is not a time of day on {day} "
                            f"({day}THH:MMZ, UTC): the series' time {series.time} is used")
        out.append((session, is_published(links, session)))
    return out


_START = re.compile(r"(\d{4}-\d\d-\d\d)T(([01]\d|2[0-3]):[0-5]\d)(:[0-5]\d)?Z?", re.ASCII)
"""A session page's ``start``: its day, then the time of day in UTC."""


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
