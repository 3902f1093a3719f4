"""Which sessions a series has, and the facts of a session every planner uses:
the dates its index lists (and who listed them), its neighbours, its start,
where its notes are."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timezone
from typing import TYPE_CHECKING, Callable, Collection, Mapping

from bot import harvest as harvest_mod
from bot.model import PageState, Revision, Session
from bot.publish import pagetext

if TYPE_CHECKING:  # the configuration's types, for annotations only
    from bot.config import SeriesConfig


def linked_dates(index_text: str, series: "SeriesConfig") -> set[date]:
    """Dates of the session pages of ``series`` that a text links to."""
    return {d for d in (series.session_date(t) for t in pagetext.links_in(index_text)) if d}


def series_dates(index_text: str, series: "SeriesConfig", allowed: "Collection[date] | None" = None) -> list[date]:
    """Dates of the sessions of ``series``: those its index page links to
    (``allowed`` instead, when given: those staff or the bot listed, see
    :func:`dates_listed_by`, whether or not the page links them now), and
    those its configuration lists."""
    found = linked_dates(index_text, series) if allowed is None else set(allowed)
    found.update(date.fromisoformat(d) for d in series.sessions)
    return sorted(found)


def dates_listed_by(revisions: "list[Revision]", series: "SeriesConfig",
                    trusted: Callable[[str], bool], *, complete: bool | None = None) -> set[date]:
    """The session dates a ``trusted`` user (staff, the bot) listed on the
    index (``revisions``, oldest first): a date counts from the trusted
    revision that added it until a trusted revision takes it away.  What
    anyone else adds or takes away counts for nothing, since anyone can edit
    the index: a session a member listed is not acted on, and one whose line
    a member deleted (or deleted and put back, the page then as the bot left
    it) is not forgotten.

    ``revisions`` may leave revisions out, as long as each trusted one comes
    right after the revision before it (its parent): the change a trusted
    revision made is what it differs from its parent by
    (:meth:`bot.wiki.reads.Reads.revisions_before` reads only those).

    ``complete``: whether ``revisions`` reach the page's creation (None:
    when the first has no parent).  A history that does not starts at its
    first trusted revision, all of whose dates count: who added those is no
    longer known, and a trusted user saved them."""
    listed: set[date] = set()
    previous: set[date] = set()
    if complete is None:
        complete = not (revisions and revisions[0].parent)
    if not complete:
        first = next((i for i, revision in enumerate(revisions) if trusted(revision.user)), len(revisions))
        revisions = revisions[first:]
    for revision in revisions:
        dates = linked_dates(revision.text, series)
        if trusted(revision.user):
            listed = (listed | (dates - previous)) - (previous - dates)
        previous = dates
    return listed


def neighbours(day: date, dates: list[date]) -> tuple[date | None, date | None]:
    earlier = [d for d in dates if d < day]
    later = [d for d in dates if d > day]
    return (max(earlier) if earlier else None, min(later) if later else None)


def with_neighbours(session: Session, series: "SeriesConfig", index_text: str,
                    allowed: "Collection[date] | None" = None) -> tuple[Session, list[date]]:
    """``session`` with its previous and next sessions, and every date of the
    series (the session's own included)."""
    dates = sorted(set(series_dates(index_text, series, allowed)) | {session.date})
    prev_day, next_day = neighbours(session.date, dates)
    return replace(session,
                   previous=series.session_title_for(prev_day) if prev_day else None,
                   next=series.session_title_for(next_day) if next_day else None), dates


def neighbour_titles(session: Session, series: "SeriesConfig", index_text: str,
                     allowed: "Collection[date] | None" = None) -> list[str]:
    """The session pages of the neighbours, which a plan may also edit: read them too."""
    linked, _ = with_neighbours(session, series, index_text, allowed)
    return [t for t in (linked.previous, linked.next) if t]


def notes_link(session: Session) -> str:
    if session.notes_section:
        return f"{session.notes_page}#{session.notes_section}"
    return session.notes_page


def session_start(session: Session) -> datetime:
    return datetime.combine(session.date, time.fromisoformat(session.time), tzinfo=timezone.utc)


def topic_aliases(series: "SeriesConfig") -> dict[str, str]:
    return {**harvest_mod.DEFAULT_TOPIC_ALIASES, **series.topic_aliases}


def page_text(pages: Mapping[str, PageState], title: str) -> str:
    """The text of ``title`` as read, '' when it is missing or was not read."""
    page = pages.get(title)
    return page.text if page is not None and page.exists else ""
