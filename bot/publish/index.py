"""The session's line on the series' index page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Sequence

from bot import wikifacts
from bot.model import PageState, Session
from bot.publish import pagetext
from bot.publish.plan import Edit, Plan, PlanBuilder
from bot.publish.series import notes_link

if TYPE_CHECKING:  # the configuration's types, for annotations only
    from bot.config import SeriesConfig


INDEX_TEMPLATES = {"published": "index_line", "upcoming": "index_upcoming", "to come": "index_pending"}
"""A session's state on the index → the template of its line: notes out, not yet held, held but notes to come."""


def index_line(session: Session, tset, *, published: bool, state: str | None = None) -> str:
    values = {"session": session.title, "date": wikifacts.human_date(session.date), "notes": notes_link(session)}
    return tset.render(INDEX_TEMPLATES[state or ("published" if published else "upcoming")], values).strip()


def index_edit(session: Session, tset, series: "SeriesConfig", *, published: bool, state: str | None = None) -> Edit:
    """The session's line on the index: the bot's own line, known by its
    marker (or, written by an earlier version without one, by being exactly
    what the bot would have written); every other line is kept, whatever it
    links to (a volunteer's line about the session's recording, say).  The
    bot's line that already links the notes (two links or more; the line
    exactly as the bot writes it when there is one, not one that merely
    carries its marker) is never turned back into "upcoming" or "notes to
    come"; a session someone else listed gets no second line until its
    notes are out."""
    state = state or ("published" if published else "upcoming")
    published = state == "published"
    tag = pagetext.marker("session", session.title)
    line = f"{index_line(session, tset, published=published, state=state)} {tag}"
    legacy = {index_line(session, tset, published=False, state=s) for s in INDEX_TEMPLATES}

    def own(text: str) -> bool:
        return tag in text or text.strip() in legacy

    written = legacy | {f"{index_line(session, tset, published=False, state=s)} {tag}" for s in INDEX_TEMPLATES}

    def exact(text: str) -> bool:
        """Exactly a line the bot writes for the session (a marker copied or
        moved onto a volunteer's line does not make it so)."""
        return text.strip() in written

    def order_key(text: str) -> str | None:
        for target in pagetext.links_in(text) if "[[" in text else []:
            day = series.session_date(target)
            if day:
                return day.isoformat()
        return None

    def change(text: str, exists: bool) -> str:
        if not published:
            lines = text.split("\n")
            mine = [l for l in lines if own(l)]
            mine = [l for l in mine if exact(l)] or mine  # as ensure_line: a copied marker takes nothing
            if any(len(pagetext.links_in(l)) > 1 for l in mine):
                return text  # its notes are out: never downgraded
            listed = any("[[" in l and session.title in pagetext.links_in(l) for l in lines)
            if listed and (state == "upcoming" or not mine):
                return text  # already listed: a new session does not change its line
        return pagetext.ensure_line(text, line, own=own, order_key=order_key, key=session.date.isoformat(),
                                    exact=exact)

    what = {"published": "notes of", "upcoming": "upcoming session", "to come": "notes to come for"}[state]
    return Edit(
        title=session.index_page, kind="index",
        summary=f"Index: {what} [[{session.title}]]",
        change=change, depends_on=(session.notes_page,) if published else (),
    )


def plan_index(pages: Mapping[str, PageState], sessions: Sequence[Session], series: "SeriesConfig", tset,
               state: str) -> Plan:
    """The lines of ``sessions`` on their index alone, in ``state``
    ('upcoming' or 'to come'): a session that has taken place shows "notes
    to come" until its notes are out.  A line that links the notes is left
    as it is."""
    return PlanBuilder(edits=[index_edit(s, tset, series, published=False, state=state) for s in sessions]
                       ).settle(pages)
