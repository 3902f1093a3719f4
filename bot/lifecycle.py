"""One tick of the scheduled bot: what each session needs now, decided from the wiki.

A session goes through these states, read from the wiki each time (dates, the
draft's status, what is already published), never from a local file:

* ``collecting``: before the session starts, new questions are harvested into
  the draft;
* ``awaiting answers``: the session is over, staff are writing the answers in
  the draft (its status is not ``ready`` yet);
* ``published``: the draft's status is ``ready``; the notes are published, and
  published again whenever staff add answers later (publishing is idempotent,
  so a tick with nothing new makes no edit);
* ``archived``: ``archive_after_days`` after the session, nothing more.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone

from bot import online
from bot.errors import NotesbotError, StopRun


@dataclass
class SessionStatus:
    series: str
    session: str
    state: str
    harvested: int = 0
    answered: int = 0
    written: int = 0
    result: str = ""


def session_start(series, day: date) -> datetime:
    return datetime.combine(day, time.fromisoformat(series.time), tzinfo=timezone.utc)


def state_of(series, day: date, moment: datetime, draft_status: str | None) -> str:
    start = session_start(series, day)
    if moment >= start + timedelta(days=series.archive_after_days):
        return "archived"
    if moment < start:
        return "collecting"
    if (draft_status or "").strip().lower() == "ready":
        return "published"
    return "awaiting answers"


def _draft_facts(text: str) -> tuple[str | None, int, int, int]:
    """(status, questions, answered, unanswered) of a draft's text."""
    from bot import compile as compile_mod

    draft = compile_mod.parse_draft(text)
    questions = [q for s in draft.sections for q in s.questions]
    answered = sum(1 for q in questions if q.answered)
    return draft.status, len(questions), answered, len(questions) - answered


def survey(ctx: online.Context, moment: datetime) -> list[tuple[online.Context, date, SessionStatus]]:
    """Every session of every series, with its state on the wiki now."""
    out = []
    for series in ctx.config.series:
        sctx = replace(ctx, series=series)
        index = ctx.wiki.read([series.index_page])[series.index_page]
        dates = online.known_dates(sctx, index.text)
        drafts = ctx.wiki.read([series.session(d).draft_page for d in dates])
        for day in dates:
            session = series.session(day)
            draft = drafts[session.draft_page]
            status, count, answered, written = _draft_facts(draft.text) if draft.exists else (None, 0, 0, 0)
            state = state_of(series, day, moment, status)
            out.append((sctx, day, SessionStatus(series.name, session.title, state, count, answered, written)))
    return out


def tick(ctx: online.Context, moment: datetime) -> int:
    worst = 0
    statuses = []
    for sctx, day, status in survey(ctx, moment):
        session = sctx.series.session(day)
        code = 0
        try:
            if status.state == "collecting":
                code = online.harvest_into_draft(sctx, session)
            elif status.state == "published":
                code = online.publish_session(sctx, session)
            status.result = "ok" if code == 0 else "some pages refused"
        except StopRun:
            raise
        except NotesbotError as e:
            print(f"notesbot: [[{session.title}]]: {e}", file=sys.stderr)
            code = e.exit_code
            status.result = f"error: {e}"
        worst = max(worst, code)
        statuses.append(status)
    return worst


def show_status(ctx: online.Context) -> int:
    moment = datetime.now(timezone.utc)
    rows = [s for _, _, s in survey(ctx, moment)]
    header = ("series", "session", "state", "questions", "answered", "in writing")
    table = [header] + [(s.series, s.session, s.state, str(s.harvested), str(s.answered), str(s.written))
                        for s in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for row in table:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
    return 0
