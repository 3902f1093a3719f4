"""The bot's status page, ``User:<bot>/Status``: each session's state and the last run.

Written by the tick, and only when the sessions' table changed: a tick with
nothing to do must not edit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from bot import logs, publish, wikifacts
from bot.compile.draft import inert
from bot.wiki import apply_plan

if TYPE_CHECKING:
    from bot.run.context import Context


@dataclass
class SessionStatus:
    series: str
    session: str
    state: str
    harvested: int = 0
    answered: int = 0
    written: int = 0
    result: str = ""
    draft_page: str = ""
    notes_page: str = ""
    """Where the notes are (a link target, with the section when they are on the session page)."""
    draft_exists: bool = False
    draft_status: str = ""
    start: datetime | None = None
    last_change: str = ""
    """When the draft was last edited (ISO 8601), or empty."""
    problems: list = field(default_factory=list)
    """What :func:`bot.compile.check.check_draft` found in the draft."""
    notes_out: bool = False
    """Whether the index links the session's notes."""
    missing: list = field(default_factory=list)
    """The session's pages that a new-session did not get to make (the tick makes them)."""

    def waiting_for(self, *, links: bool = True) -> str:
        """What has to happen next, in the words staff use."""
        draft = f"[[{self.draft_page}|…/{self.draft_page.rsplit('/', 1)[-1]}]]" if links else self.draft_page
        blocking = [p for p in self.problems if getattr(p, "blocking", False)]
        fix = (f"the {len(blocking)} problem{'s' if len(blocking) != 1 else ''} below mended in {draft}; "
               if blocking else "")
        if self.state == "archived":
            return "nothing: archived"
        if self.state == "collecting" and self.missing:
            pages = ", ".join(f"[[{t}]]" if links else t for t in self.missing)
            return fix + f"{pages} to be created (a new-session did not finish; the bot makes the rest)"
        if self.state == "collecting":
            start = f"{wikifacts.human_date(self.start.date())}, {self.start:%H:%M} UTC" if self.start else "its start"
            return fix + f"the session to start ({start}); until then new questions go into the draft"
        if not self.draft_exists:
            return f"a draft at {draft}"
        if self.state == "awaiting answers":
            left = f"; {self._in_writing()} so far" if self.written else ""
            return fix + f"status=ready in {draft}{left}"
        if self.written:
            return fix + f"{self._in_writing()} still to be answered in writing (in {draft})"
        return fix + "nothing: every question is answered in the notes"

    def _in_writing(self) -> str:
        return f"{self.written} question{'s' if self.written != 1 else ''}" + ("" if self.state == "published"
                                                                                else " unanswered")
    note: str = ""
    """About the draft: edits by others since the last staff revision, say."""
    box: str | None = None
    """What the draft's status box should say, when it says something else."""


def escaped(text: str) -> str:
    """``text`` shown as it is written (an error message may quote wikitext:
    a category or a template in it must not act on the status page)."""
    return "<nowiki>" + text.replace("&", "&amp;").replace("<", "&lt;") + "</nowiki>" if text else ""


def status_text(rows: list[SessionStatus], moment: datetime, code: int) -> str:
    lines = [
        "This page is kept up to date by the notes bot; it is edited only when something changes.",
        "",
        '{| class="wikitable sortable"',
        "! Series !! Session !! State !! Waiting for !! Draft !! Notes !! Questions !! Answered "
        "!! To be answered in writing !! Problems !! Last change !! Last result !! Draft note",
    ]
    for s in rows:
        draft = f"[[{s.draft_page}|draft]]" if s.draft_exists else "—"
        notes = f"[[{s.notes_page}|notes]]" if s.notes_out else "—"
        change = f"draft edited {s.last_change.replace('T', ' ').rstrip('Z')[:16]} UTC" if s.last_change else "—"
        problems = len(s.problems)
        lines.append("|-")
        lines.append(f"| {s.series} || [[{s.session}]] || {s.state} || {s.waiting_for()} || {draft} || {notes} "
                     f"|| {s.harvested} || {s.answered} || {s.written} || {problems or '—'} || {change} "
                     f"|| {escaped(s.result) or '—'} || {escaped(s.note) or '—'}")
    lines.append("|}")
    for s in rows:
        if s.problems:
            lines += ["", f"Problems in [[{s.draft_page}]] (also shown in its box):"]
            lines += [f"* {inert(str(p))}" for p in s.problems]
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
        logs.get_logger("status").error("status_page: %r is not in the bot's own user space: not written", title,
                                        extra=logs.PLAIN)
        return 1
    page = ctx.wiki.read([title])[title]
    new = status_text(rows, moment, code)

    def table(text: str) -> str:
        return text.split("\nLast run that changed this page:")[0]

    if page.exists and table(page.text) == table(new):
        return 0
    plan = publish.plan_status_page(page, new)
    report = apply_plan(plan, ctx.wiki, allowed=lambda t: True, simulate=ctx.simulate,
                        max_retries=ctx.config.max_conflict_retries, ask=not ctx.always)
    return 0 if report.ok else 1


