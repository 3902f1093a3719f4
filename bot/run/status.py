"""The bot's status page, ``User:<bot>/Status``: each session's state and the last run.

Written by the tick, and only when the sessions' table changed: a tick with
nothing to do must not edit.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot import publish
from bot.wiki import apply_plan

if TYPE_CHECKING:
    from bot.run.operations import Context


@dataclass
class SessionStatus:
    series: str
    session: str
    state: str
    harvested: int = 0
    answered: int = 0
    written: int = 0
    result: str = ""
    note: str = ""
    """About the draft: edits by others since the last staff revision, say."""


def escaped(text: str) -> str:
    """``text`` shown as it is written (an error message may quote wikitext:
    a category or a template in it must not act on the status page)."""
    return "<nowiki>" + text.replace("&", "&amp;").replace("<", "&lt;") + "</nowiki>" if text else ""


def status_text(rows: list[SessionStatus], moment: datetime, code: int) -> str:
    lines = [
        "This page is kept up to date by the notes bot; it is edited only when something changes.",
        "",
        '{| class="wikitable sortable"',
        "! Series !! Session !! State !! Questions !! Answered !! To be answered in writing !! Last result"
        " !! Draft",
    ]
    for s in rows:
        lines.append("|-")
        lines.append(f"| {s.series} || [[{s.session}]] || {s.state} || {s.harvested} || {s.answered} "
                     f"|| {s.written} || {escaped(s.result) or '—'} || {escaped(s.note) or '—'}")
    lines.append("|}")
    errors = [s for s in rows if s.result.startswith("error")]
    lines += ["", f"Last run that changed this page: {moment:%Y-%m-%d %H:%M} UTC, "
                  f"{'done' if code == 0 else f'exit code {code}'}."]
    if errors:
        lines.append(f"Last error: [[{errors[-1].session}]]: {escaped(errors[-1].result)}")
    return "\n".join(lines) + "\n"


def write_status_page(ctx: Context, rows: list[SessionStatus], moment: datetime, code: int) -> int:
    """Update ``User:<bot>/Status`` if the sessions' table changed (the time
    of the run alone is not a change)."""
    title = ctx.title(ctx.config.status_page)
    if not title.startswith(f"User:{ctx.bot}/"):
        print(f"notesbot: status_page: {title!r} is not in the bot's own user space: not written", file=sys.stderr)
        return 1
    page = ctx.wiki.read([title])[title]
    new = status_text(rows, moment, code)

    def table(text: str) -> str:
        return text.split("\nLast run that changed this page:")[0]

    if page.exists and table(page.text) == table(new):
        return 0
    plan = publish.Plan(edits=[publish.Edit(title=title, kind="status", summary="Status of the notes bot",
                                            change=lambda text, exists: new)]).settle({title: page})
    report = apply_plan(plan, ctx.wiki, allowed=lambda t: True, simulate=ctx.simulate,
                        max_retries=ctx.config.max_conflict_retries)
    return 0 if report.ok else 1


