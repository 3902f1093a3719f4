"""The session page and the questions page, and what templates can say about a session.

Pure text in, text out, rendered from the style's templates (:mod:`bot.compile.templates`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta, timezone

from bot import wikifacts
from bot.compile.sanitize import neutralise, plain_heading
from bot.compile.templates import TemplateError, TemplateSet
from bot.model import Session

__all__ = ["deadline_words", "english_list", "headings", "local_time_link", "render_questions_page",
           "render_session_page", "session_values"]


# -- template values ----------------------------------------------------------

def session_values(session: Session) -> dict[str, str]:
    """What the templates can say about a session.  Empty values are left out,
    so that a template must say what to write instead (``{{{previous|}}}``)."""
    values = {
        "session": session.title,
        "date": wikifacts.human_date(session.date),
        "time": f"{session.time} UTC",
        "host": session.host,
        "host_first_name": session.host.split()[0] if session.host.strip() else "",
        "host_title": session.host_title,
        "topics": english_list(session.topics),
        "questions_page": session.questions_page,
        "draft_page": session.draft_page,
        "notes_page": session.notes_page,
        "notes_section": session.notes_section or "",
        "index_page": session.index_page,
        "previous": session.previous or "",
        "next": session.next or "",
    }
    return {name: value for name, value in values.items() if value}


def english_list(items: Iterable[str]) -> str:
    """'A', 'A and B', 'A, B, and C'."""
    items = list(items)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


# -- session page and questions page -----------------------------------------

def render_session_page(session: Session, templates: TemplateSet, notes: str | None = None) -> str:
    """The session page; with ``notes``, their text in its notes section (a
    style whose notes have a page of their own has no place for them)."""
    values = session_values(session)
    if notes is not None:
        if "notes" not in templates.placeholders("session"):
            raise TemplateError(f"the session page of style {templates.style!r} has no {{{{{{notes}}}}}} "
                                f"placeholder: its notes go on a page of their own")
        values["notes"] = notes
    return templates.render("session", values).rstrip()


def render_questions_page(session: Session, templates: TemplateSet, deadline: datetime | str | None = None) -> str:
    """The questions page, with an empty section per topic in scope.  The
    deadline (default: one hour before the session starts) is written in
    words, ``11 July 2024, 17:00 UTC``, with a link that shows it in the
    reader's own time zone (``deadline_local``), as Meta-wiki's event pages do."""
    if deadline is None:
        start = datetime.combine(session.date, time.fromisoformat(session.time), tzinfo=timezone.utc)
        deadline = start - timedelta(hours=1)
    sections, _ = headings(session.topics, templates)
    values = {**session_values(session), "sections": "\n\n".join(sections)}
    if isinstance(deadline, datetime):
        values["deadline"] = deadline_words(deadline)
        values["deadline_local"] = local_time_link(deadline)
    else:
        values["deadline"] = deadline
    return templates.render("questions", values).rstrip()


def deadline_words(moment: datetime) -> str:
    """A moment as a reader reads it: ``11 July 2024, 17:00 UTC``."""
    moment = moment.astimezone(timezone.utc)
    return f"{wikifacts.human_date(moment.date())}, {moment:%H:%M} UTC"


def local_time_link(moment: datetime) -> str:
    """An address that shows ``moment`` in the reader's local time (timeanddate.com's
    fixed-time converter, which Meta-wiki's event pages link to)."""
    moment = moment.astimezone(timezone.utc)
    return f"https://www.timeanddate.com/worldclock/fixedtime.html?iso={moment:%Y%m%dT%H%M}&p1=1440"


def headings(topics: Iterable[str | None], templates: TemplateSet) -> tuple[list[str], list[str]]:
    """Heading lines for ``topics`` (None: the heading template's default), and
    what neutralising the topic names changed (a topic can come from a heading
    anyone wrote on the questions page)."""
    lines, changes = [], []
    for topic in topics:
        values = {}
        if topic is not None:
            values["heading"], topic_changes = plain_heading(topic)
            changes += [f"topic {topic!r}: {change}" for change in topic_changes]
        lines.append(templates.render("heading", values))
    return lines, changes
