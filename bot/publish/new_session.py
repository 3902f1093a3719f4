"""The plan of a new session: its pages, its index line, the navigation, the cross-links."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Collection, Mapping

from bot import compile as compile_mod
from bot.model import PageState, Session
from bot.publish.crosslink_edits import add_crosslinks
from bot.publish.index import index_edit
from bot.publish.navigation import navigation_edits
from bot.publish.plan import Edit, Plan, PlanBuilder
from bot.publish.series import page_text, session_start, with_neighbours

if TYPE_CHECKING:  # the configuration's types, for annotations only
    from bot.config import SeriesConfig


def plan_new_session(pages: Mapping[str, PageState], session: Session, series: "SeriesConfig", tset,
                     allowed_dates: "Collection[date] | None" = None, *,
                     massmessage: bool = False) -> Plan:
    """A new session: its page and questions page (created, never changed), its
    line on the index, and the navigation of it and its neighbours (among
    ``allowed_dates``, when given)."""
    session, _ = with_neighbours(session, series, page_text(pages, session.index_page), allowed_dates)
    deadline = session_start(session)  # questions are harvested until the session starts
    plan = PlanBuilder(session=session)
    plan.edits += [
        # The index line first: a new-session stopped after it leaves a session
        # the tick knows, and finishes (bot.run.new_session).
        index_edit(session, tset, series, published=False),
        Edit(title=session.title, kind="session", create_only=True,
             summary=f"New Conversation Hour: [[{session.title}]]",
             change=lambda text, exists: compile_mod.render_session_page(session, tset)),
        Edit(title=session.questions_page, kind="questions", create_only=True,
             summary=f"Questions page for [[{session.title}]]",
             change=lambda text, exists: compile_mod.render_questions_page(session, tset, deadline=deadline)),
        *navigation_edits(session, series.navigation_template, pages),
    ]
    add_crosslinks(plan, pages, session, series, tset, event="created", massmessage=massmessage)
    return plan.settle(pages)
