"""The navigation template: previous and next session, the index, the start."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Mapping

from bot.model import PageState, Session
from bot.publish import pagetext
from bot.publish.plan import Edit

if TYPE_CHECKING:  # the configuration's types, for annotations only
    from bot.config import SeriesConfig


def navigation_edits(session: Session, template: str, pages: Mapping[str, PageState]) -> list[Edit]:
    """The navigation template on this session's page and on its neighbours'
    (``session`` carries its neighbours: :func:`with_neighbours`)."""
    prev_title, next_title = session.previous, session.next
    edits = [Edit(
        title=session.title, kind="navigation",
        summary="Navigation between sessions",
        change=lambda text, exists: pagetext.set_template(
            text, template, {"previous": prev_title or "", "next": next_title or "", "index": session.index_page}),
    )]
    for other, key in ((prev_title, "next"), (next_title, "previous")):
        page = pages.get(other) if other else None
        if other and page is not None and page.exists:
            edits.append(Edit(
                title=other, kind="navigation",
                summary=f"Navigation: link to [[{session.title}]]",
                change=lambda text, exists, key=key: pagetext.set_template(
                    text, template, {key: session.title, "index": session.index_page}),
                depends_on=(session.title,),
            ))
    return edits


def start_edit(session: Session, series: "SeriesConfig") -> Edit:
    """The session's start (``start=2024-07-11T18:00Z``) in its navigation
    template, where the calendar feed finds a time given to ``new-session``."""
    value = f"{session.date.isoformat()}T{session.time}Z"

    def change(text: str, exists: bool) -> str:
        if not exists or "start" in (pagetext.template_params(text, series.navigation_template) or {}):
            return text  # recorded when the page was made: a later run without --time keeps it
        return pagetext.set_template(text, series.navigation_template, {"start": value})

    return Edit(title=session.title, kind="navigation", summary=f"Start of [[{session.title}]]", change=change)


def with_own_time(session: Session, pages: Mapping[str, PageState], series: "SeriesConfig") -> Session:
    """``session`` with the start time its page records (``new-session --time``),
    when ``pages`` holds its page and the page records one; the series' time is
    only the default.  Every use of a session's start (the manual publish's
    guard, a tick's states, ``notesbot status``, the status page, the
    calendar) takes it from here."""
    page = pages.get(session.title)
    recorded = start_param(page.text, series, session.date) if page is not None and page.exists else None
    return replace(session, time=recorded) if recorded and recorded != session.time else session


def start_param(text: str, series: "SeriesConfig", day: date) -> str | None:
    """The start time (HH:MM, UTC) a session page records for ``day``, or None."""
    params = pagetext.template_params(text, series.navigation_template) or {}
    value = params.get("start", "")
    if value[:10] == day.isoformat() and len(value) >= 16 and value[10] == "T":
        hhmm = value[11:16]
        if hhmm[:2].isdigit() and hhmm[3:].isdigit() and hhmm[2] == ":":
            return hhmm
    return None
