"""What each planner needs read: the read set a command declares once its
configuration is known (the neighbours the index names come on top)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.model import Session

if TYPE_CHECKING:  # the configuration's types, for annotations only
    from bot.config import SeriesConfig


def publish_titles(session: Session, series: "SeriesConfig | None" = None) -> list[str]:
    """What :func:`plan_publish` needs read, besides the neighbours (and, given
    the series, the pages of its cross-links)."""
    return [session.title, session.questions_page, session.draft_page, session.notes_page, session.index_page,
            *(crosslink_titles(series) if series is not None else [])]


def new_session_titles(session: Session, series: "SeriesConfig | None" = None) -> list[str]:
    """What :func:`plan_new_session` needs read, besides the neighbours (and,
    given the series, the pages of its cross-links)."""
    return [session.title, session.questions_page, session.index_page,
            *(crosslink_titles(series) if series is not None else [])]


def crosslink_titles(series: "SeriesConfig") -> list[str]:
    """The pages besides the series' own that the cross-links edit."""
    titles = [series.central_listing.page] if series.central_listing is not None else []
    return titles + list(series.announcements.pages)
