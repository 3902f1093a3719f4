"""The plan of the bot's status page (its text is written by :mod:`bot.run.status`)."""

from __future__ import annotations

from bot.model import PageState
from bot.publish.plan import Edit, Plan, plan_of


def plan_status_page(page: PageState, text: str) -> Plan:
    """Save ``text`` over the status page as read."""
    return plan_of({page.title: page}, Edit(title=page.title, kind="status", summary="Status of the notes bot",
                                           change=lambda current, exists: text))
