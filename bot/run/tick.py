"""One tick of the scheduled bot: what each session needs now, decided from the wiki.

A session goes through these states, read from the wiki each time (dates, the
draft's status, what is already published), never from a file only the bot
can see:

* ``collecting``: before the session starts, new questions are harvested into
  the draft;
* ``awaiting answers``: the session is over, staff are writing the answers in
  the draft (its status is not ``ready`` yet);
* ``published``: the draft's status is ``ready``; the notes are published, and
  published again whenever staff add answers later (publishing is idempotent,
  so a tick with nothing new makes no edit);
* ``archived``: ``archive_after_days`` after the session, nothing more.

A tick with nothing to do must cost the wiki almost nothing.  The bot keeps a
*cache* of the revisions it saw last time (``notesbot-tick.json`` beside the
pywikibot configuration): one request, the latest revision of every page it
watches (``prop=info``, with the login check, ``meta=userinfo``), tells
whether anything changed, and if nothing did, the local configuration is the
same and no session changes state with the clock, the tick ends there, before
any other read (:func:`shortcut`, given to ``Context.open``).  The on-wiki
configuration and the shutoff page are among the watched pages, so the whole
configuration is the one the cache was written with.  The cache is only ever
a shortcut: without it, or when it is stale, the tick does the full work from
the wiki.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from functools import lru_cache
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from bot import compile as compile_mod
from bot import logs, publish
from bot.compile import check as check_mod
from bot.errors import NotesbotError, OutOfTime, StopRun
from bot.model import SessionState
from bot.publish.series import notes_link, session_start as session_starts
from bot.run import harvesting, new_session, publishing
from bot.run.context import Context, finish, run_plan
from bot.run.draft_box import show_on_draft
from bot.run.lock import open_private
from bot.run.reading import (dates_listed_in, listed_dates, parsed_draft, staff_draft, template_titles, templates_for,
                             with_trusted_time)
from bot.run.status import SessionStatus, write_status_page
from bot.wiki.apply import job_code, refusals

log = logs.get_logger("tick")


def state_of(start: datetime, archive_after_days: int, moment: datetime, draft_status: str | None) -> SessionState:
    """The state of a session that starts at ``start`` (its own time, as its
    page records it: :func:`bot.publish.with_own_time`)."""
    if moment >= start + timedelta(days=archive_after_days):
        return SessionState.ARCHIVED
    if moment < start:
        return SessionState.COLLECTING
    if (draft_status or "").strip().lower() == "ready":
        return SessionState.PUBLISHED
    return SessionState.AWAITING_ANSWERS


def _draft_facts(text: str, speakers: tuple[str, ...] = ()) -> tuple[str | None, int, int, int]:
    """(status, questions, answered, unanswered) of a draft's text."""
    draft = parsed_draft(text, speakers)
    questions = [q for s in draft.sections for q in s.questions]
    answered = sum(1 for q in questions if q.answered)
    return draft.status, len(questions), answered, len(questions) - answered


def tick_reads(moment: datetime):
    """What a tick reads, for ``Context.open(reads=…)``: found from each
    series' index as its history's latest revision says (that history is
    read first, and used again by :func:`listed_dates`), every page of the
    sessions that are not archived, the neighbours of those that may be
    published, every draft (the status page lists them), the templates and
    the status page, so that they all come in the run's one batch."""
    def reads(ctx: Context) -> list[str]:
        titles = [ctx.title(ctx.config.status_page)]
        for series in ctx.config.series:
            sctx = ctx.for_series(series)
            history = ctx.wiki.history(series.index_page)
            text = history[-1].text if history else ""
            allowed = dates_listed_in(sctx, history) if history else set()
            titles += [series.index_page, *template_titles(sctx)]
            for day in publish.series_dates(text, series, allowed):
                session = series.session(day)
                titles += _survey_titles(session)  # the survey's, in the run's batch
                start = session_starts(session)  # the series' time: the page's own is not read yet
                if state_of(start, series.archive_after_days, moment, None) == SessionState.ARCHIVED:
                    continue
                titles += publish.publish_titles(session, series)
                if moment >= start:
                    titles += publish.neighbour_titles(session, series, text, allowed)
        return titles
    return reads


@lru_cache(maxsize=256)
def _checked(text: str, speakers: tuple[str, ...]) -> tuple:
    """:func:`bot.compile.check.check_draft` of a draft's text, once a tick
    however many surveys look at it."""
    return tuple(check_mod.check_draft(text, speakers))


@lru_cache(maxsize=256)
def _untrusted_note(text: str) -> str:
    return compile_mod.untrusted_note(text)


def survey(ctx: Context, moment: datetime, seen: dict[str, int | None] | None = None,
           ) -> list[tuple[Context, date, SessionStatus]]:
    """Every session of every series, with its state on the wiki now (two
    batched reads a series: its index, then its drafts, served from the
    run's batch where it read them; what the tick saved since is read again
    first, in one batch), and what :func:`bot.compile.check.check_draft`
    finds in each draft.  ``seen`` gets the revision of each page read."""
    out = []
    seen = {} if seen is None else seen
    ctx.wiki.read_saved([ctx.title(ctx.config.status_page)])
    for series in ctx.config.series:
        sctx = ctx.for_series(series)
        index = ctx.wiki.read([series.index_page])[series.index_page]
        dates = publish.series_dates(index.text if index.exists else "", series,
                                     listed_dates(sctx, index))
        # One batch: each draft, and each session's page and questions page
        # (the session's own start time; a new-session that did not finish).
        drafts = ctx.wiki.read([t for d in dates for t in _survey_titles(series.session(d))]) if dates else {}
        seen.update({p.title: p.revid for p in [index, *drafts.values()]})
        for day in dates:
            # The start as staff or the bot saved it where it decides the state
            # (the day before, of and after the session); elsewhere a start moved
            # within its day changes nothing, and costs no history request.
            session = (with_trusted_time(sctx, series.session(day), drafts) if abs((day - moment.date()).days) <= 1
                       else publish.with_own_time(series.session(day), drafts, series))
            start = session_starts(session)
            draft = drafts[session.draft_page]
            status, count, answered, written = (_draft_facts(draft.text, series.all_speakers) if draft.exists
                                                else (None, 0, 0, 0))
            note = box = ""
            if state_of(start, series.archive_after_days, moment, None) == SessionState.AWAITING_ANSWERS:
                # Only the revision staff saved decides (anyone can edit the draft).
                staff = staff_draft(sctx, draft, session.title)
                status = _draft_facts(staff.state.text, series.all_speakers)[0] if staff.state is not None else None
                note = staff.note if draft.exists else ""
                box = staff.box_note
            state = state_of(start, series.archive_after_days, moment, status)
            row = SessionStatus(series.name, session.title, state, count, answered, written,
                                draft_page=session.draft_page, notes_page=notes_link(session),
                                draft_exists=draft.exists, draft_status=status or "",
                                start=start,
                                last_change=draft.timestamp or "", note=note)
            if state == SessionState.COLLECTING:  # a new-session that stopped before all its pages were made
                row.missing = [t for t in (session.title, session.questions_page) if not drafts[t].exists]
            stale = draft.exists and _untrusted_note(draft.text) != box
            row.box = box if stale else None
            if draft.exists:
                row.problems = list(_checked(draft.text, tuple(series.all_speakers)))
            row.notes_out = _notes_listed(index.text if index.exists else "", session)
            out.append((sctx, day, row))
    return out


def _survey_titles(session) -> list[str]:
    return [session.draft_page, session.title, session.questions_page]


def _notes_listed(index_text: str, session) -> bool:
    """Whether the index's line for the session links its notes (two links or more)."""
    for line in index_text.split("\n"):
        if "[[" in line and session.title in publish.pagetext.links_in(line):
            return len(publish.pagetext.links_in(line)) > 1
    return False


def mend_index_and_boxes(ctx: Context, sessions: list[tuple[Context, date, SessionStatus]]) -> int:
    """After the work of a tick: each session that took place without notes
    shows "notes to come" on the index (one edit a series), and each watched
    draft's status box says the problems found in it."""
    worst = 0
    by_series: dict[str, list[tuple[Context, date, SessionStatus]]] = {}
    for item in sessions:
        by_series.setdefault(item[0].series.name, []).append(item)
    for name, items in by_series.items():
        sctx = items[0][0]
        pending = [sctx.series.session(day) for _, day, status in items
                   if status.state in (SessionState.AWAITING_ANSWERS, SessionState.ARCHIVED) and not status.notes_out]
        if pending:
            tset = templates_for(sctx)
            index_title = sctx.series.index_page
            pages = ctx.wiki.read([index_title])  # read again: this tick may have published to it
            plan = publish.plan_index(pages, pending, sctx.series, tset, "to come")
            if plan.changed:
                report = run_plan(sctx, plan)
                worst = max(worst, finish(sctx, report, "Index: sessions whose notes are to come:"))
        drafts = [sctx.series.session(day).draft_page for _, day, status in items
                  if status.state != SessionState.ARCHIVED and status.draft_exists]
        if not drafts:
            continue
        pages = ctx.wiki.read(drafts)
        for _, day, status in items:
            session = sctx.series.session(day)
            if session.draft_page not in drafts:
                continue
            plan = publish.plan_draft_problems(pages, session, sctx.series)
            if plan.changed:
                report = run_plan(sctx, plan)
                worst = max(worst, finish(sctx, report, f"Problems in [[{session.draft_page}]]:"))
    return worst


def watched(ctx: Context, sessions: list[tuple[Context, date, SessionStatus]]) -> list[str]:
    """Every page whose change can give a tick something to do."""
    titles = [ctx.title(ctx.config.onwiki_config), ctx.title(ctx.config.shutoff_page)]
    titles += [s.index_page for s in ctx.config.series]
    for sctx, day, status in sessions:
        if status.state == SessionState.ARCHIVED:
            continue
        session = sctx.series.session(day)
        titles += [session.title, session.questions_page, session.draft_page, session.notes_page]
    return list(dict.fromkeys(titles))


CACHE_NAME = "notesbot-tick.json"


def cache_path(ctx: Context) -> Path:
    return ctx.environment.state_dir / CACHE_NAME


def config_key(wiki, config) -> str:
    """What the cache is keyed by besides the account: the wiki and the local
    configuration (two configurations sharing a pywikibot folder never share a
    shortcut, and a series added to the configuration is acted on at once);
    the on-wiki configuration is a watched page, by its revision."""
    text = json.dumps(dataclasses.asdict(config), sort_keys=True, default=str)
    return hashlib.sha256(f"{wiki.site}\x1f{text}".encode()).hexdigest()


def trusted_groups(ctx: Context) -> list[str]:
    """The groups the configuration trusts (``group:NAME`` among the staff and operators)."""
    return sorted({name[len("group:"):] for name in ctx.config.shutoff_editors() if name.startswith("group:")})


def groups_key(ctx: Context) -> str | None:
    """Who is in :func:`trusted_groups`, as a digest, None if there are none: a
    user added to a staff group makes the next tick do the full work, so that
    their earlier edits count at once (one request)."""
    groups = trusted_groups(ctx)
    return _members_digest(ctx.wiki, groups) if groups else None


def _members_digest(wiki, groups: list[str]) -> str:
    return hashlib.sha256(json.dumps(wiki.group_members(groups), sort_keys=True).encode()).hexdigest()


def load_cache(path: Path) -> dict:
    """The cache, or {} for any doubt (missing, unreadable, a link, not JSON)."""
    try:
        fd = open_private(path, os.O_RDONLY)
    except (OSError, NotesbotError):
        return {}
    try:
        with os.fdopen(fd, "rb") as f:
            data = json.loads(f.read(1 << 22).decode())
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def save_cache(ctx: Context, data: dict) -> None:
    """Write the cache in a new file (0600, links not followed) renamed over
    the old one, so that a tick that dies while writing leaves no half file."""
    path = cache_path(ctx)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        fd = open_private(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
        with os.fdopen(fd, "w") as f:
            f.write(json.dumps(data, indent=1, sort_keys=True))
        os.replace(temporary, path)
    except (OSError, NotesbotError) as e:  # only a shortcut: the next tick does the full work
        log.warning("could not write the tick cache %s: %s", path, getattr(e, "strerror", None) or e,
                    extra=logs.PLAIN)
        try:
            temporary.unlink()
        except OSError:
            pass


def shortcut(environment, moment: datetime):
    """For ``Context.open(shortcut=…)``: whether nothing changed since the
    last tick (:func:`nothing_changed`), with the tick's cache."""
    def unchanged(wiki, local) -> bool:
        return nothing_changed(wiki, local, moment, load_cache(environment.state_dir / CACHE_NAME))
    return unchanged


def nothing_changed(wiki, local, moment: datetime, cache: dict) -> bool:
    """One request (the watched pages' latest revisions; a second when the
    configuration trusts groups: their members): True if no watched page
    changed, the account and the local configuration are the cache's, the
    trusted groups have the same members, and no session changes state with
    the clock before ``moment``."""
    seen = cache.get("revisions")
    until = cache.get("until")
    if (not isinstance(seen, dict) or not seen or not isinstance(until, str) or cache.get("bot") != wiki.username
            or cache.get("config") != config_key(wiki, local)):
        return False
    try:
        if moment >= datetime.fromisoformat(until):
            return False
    except (TypeError, ValueError):
        return False
    groups = cache.get("group_names")
    if groups:  # a user added to a staff group: their earlier edits count at once
        if not isinstance(groups, list) or cache.get("groups") != _members_digest(wiki, groups):
            return False
    return wiki.latest_revids(list(seen)) == seen


def next_change(sessions: list[tuple[Context, date, SessionStatus]], moment: datetime) -> datetime:
    """The first moment after ``moment`` when a session changes state with the
    clock alone (it starts, at its own time, or it is archived)."""
    changes = []
    for sctx, day, status in sessions:
        start = status.start or session_starts(sctx.series.session(day))
        changes += [start, start + timedelta(days=sctx.series.archive_after_days)]
    later = [c for c in changes if c > moment]
    return min(later) if later else moment + timedelta(days=366)


def acted_on(ctx: Context, titles: list[str], before: dict[str, int | None]) -> dict[str, int | None]:
    """The revision of each watched page the tick acted on: the one read before
    the work, or the bot's own save during it (whose text the work computed
    from the page as it then was).  A page the tick did not read before gets a
    revision that never matches (-1): the next tick does the full work."""
    saved: dict[str, int] = {}
    for report in ctx.reports:
        for outcome in report.outcomes:
            if outcome.status.saved and outcome.revid:
                saved[outcome.title] = outcome.revid
    return {t: saved.get(t, before.get(t, -1)) for t in titles}


def tick(ctx: Context, moment: datetime) -> int:
    """One tick; past the run's deadline it stops (exit 1, the cache
    forgotten, so that the next tick does the rest whatever the revisions say)."""
    try:
        return _tick(ctx, moment)
    except OutOfTime:
        forget_cache(ctx)
        raise


def forget_cache(ctx: Context) -> None:
    try:
        cache_path(ctx).unlink(missing_ok=True)
    except OSError:
        pass


def _tick(ctx: Context, moment: datetime) -> int:
    if ctx.unchanged:
        logs.output("Nothing changed on the wiki since the last tick: no edit.")
        return 0
    worst = 0
    seen: dict[str, int | None] = {}
    sessions = survey(ctx, moment, seen)
    # The revisions the work acts on, read before it: a page changed while
    # the tick works is not recorded as seen, and the next tick looks at it.
    before = {**ctx.wiki.known_revids(watched(ctx, sessions)), **seen}
    for sctx, day, status in sessions:
        session = sctx.series.session(day)
        code, mark = 0, len(ctx.reports)
        try:
            if status.state == SessionState.COLLECTING:
                if status.missing:  # finish what an interrupted new-session began
                    code = new_session.new_session(sctx, day, None)
                code = max(code, harvesting.harvest_into_draft(sctx, session))
            elif status.state == SessionState.PUBLISHED:
                code = publishing.publish_session(sctx, session)
            elif status.box is not None:  # the draft's box tells staff about others' edits
                code = show_on_draft(sctx, session, status.box)
            code = job_code(code, ctx.reports[mark:])  # refused pages: done, and said on the status page
            status.result = (refusals(ctx.reports[mark:]) or "ok") if code == 0 else "some pages refused or failed"
        except (StopRun, OutOfTime):
            raise
        except NotesbotError as e:
            # Its text goes through the secret filter, on stderr, in the log
            # and on the status page (a page everyone can read) alike.
            log.error("[[%s]]: %s", session.title, e, extra=logs.PLAIN)
            code = e.exit_code
            status.result = f"error: {logs.redact(str(e))}"
        worst = max(worst, code)
    after = survey(ctx, moment)
    edits = sum(report.edits for report in ctx.reports)
    mark = len(ctx.reports)
    worst = max(worst, job_code(mend_index_and_boxes(ctx, after), ctx.reports[mark:]))
    if sum(report.edits for report in ctx.reports) != edits:
        after = survey(ctx, moment)  # the boxes' new lines and the index as saved
    results = {status.session: status.result for _, _, status in sessions}
    for _, _, status in after:
        status.result = results.get(status.session, "")
    mark = len(ctx.reports)
    worst = max(worst, job_code(write_status_page(ctx, [s for _, _, s in after], moment, worst),
                                ctx.reports[mark:]))
    if ctx.simulate:
        return worst
    if worst != 0:
        # A tick whose work failed must be done again next time, whatever the
        # revisions say: forget the shortcut.
        forget_cache(ctx)
    else:
        save_cache(ctx, {
            "bot": ctx.bot,
            "config": config_key(ctx.wiki, ctx.local_config or ctx.config),
            "group_names": trusted_groups(ctx),
            "groups": groups_key(ctx),
            "revisions": acted_on(ctx, watched(ctx, after), before),
            "until": next_change(after, moment).isoformat(),
        })
    return worst


def show_status(ctx: Context, moment: datetime | None = None) -> int:
    moment = moment or datetime.now(timezone.utc)
    rows = [s for _, _, s in survey(ctx, moment)]
    header = ("series", "session", "state", "questions", "answered", "in writing", "problems", "waiting for")
    table = [header] + [(s.series, s.session, s.state, str(s.harvested), str(s.answered), str(s.written),
                         str(len(s.problems)), s.waiting_for(links=False)) for s in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in table]
    lines += [f"[[{s.draft_page}]]: {finding}" for s in rows for finding in s.problems]
    logs.output("\n".join(lines))
    return 0
