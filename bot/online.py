"""The commands that work on the wiki: read, plan with the pure stages, apply.

Every function here follows one shape: read the pages it needs in as few
batched requests as it can (``bot/wiki.py``), compute with the pure stages
(harvest, compile, publish), apply the plan (``bot/apply.py``), print a table
of what happened.  Nothing here builds wikitext itself.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from typing import Iterator

from bot import apply as apply_mod
from bot import config as config_mod
from bot import publish as plan_mod
from bot.errors import StopRun, UsageError
from bot.lock import lock_path, writer_lock
from bot.model import HarvestResult, Session
from bot.wiki import PageState, Wiki, connect


@dataclass
class Context:
    """A connection, the validated configuration and the run's options."""

    wiki: Wiki
    config: config_mod.Config
    series: config_mod.SeriesConfig
    simulate: bool
    always: bool
    reports: list[apply_mod.Report] = field(default_factory=list)

    @property
    def bot(self) -> str:
        return self.wiki.username

    def title(self, configured: str) -> str:
        return configured.replace("{bot}", self.bot)

    @classmethod
    @contextmanager
    def open(cls, args, global_args: list[str], bot_opts: set[str], *, write: bool = False,
             ) -> Iterator["Context"]:
        """Connect, read and validate the configuration (local file, then the
        bot's on-wiki JSON page over it) and, for a writing command, take the
        writers' lock and check the shutoff page, all before any edit."""
        local = config_mod.load(args.config)
        wiki = connect(global_args)
        bot = wiki.username
        onwiki_title = local.onwiki_config.replace("{bot}", bot)
        if not onwiki_title.startswith(f"User:{bot}/"):
            raise UsageError(f"onwiki_config: {onwiki_title!r} is not in the bot's own user space")
        shutoff_title = local.shutoff_page.replace("{bot}", bot)
        pages = wiki.read([onwiki_title, shutoff_title])
        onwiki = pages[onwiki_title]
        cfg = config_mod.load(args.config, onwiki_text=onwiki.text if onwiki.exists else None,
                              onwiki_title=f"[[{onwiki_title}]]")
        series = cfg.series_named(args.series) if getattr(args, "series", None) else cfg.series[0]
        ctx = cls(wiki=wiki, config=cfg, series=series, simulate=wiki.simulate, always="-always" in bot_opts)
        wiki.shutoff_title, wiki.shutoff_word = shutoff_title, cfg.shutoff_word
        if not write or ctx.simulate:
            yield ctx
            return
        with writer_lock(lock_path(cfg.lock_file), wait=cfg.lock_wait):
            if not wiki.shutoff_allows(pages[shutoff_title]):
                raise StopRun(f"[[{shutoff_title}]] does not say {cfg.shutoff_word!r}: the bot makes no edit")
            yield ctx


# -- reading helpers ---------------------------------------------------------

def templates_for(ctx: Context, style: str | None = None):
    """The series' template set, with the on-wiki pages named in the
    configuration replacing the shipped files."""
    from bot import templates

    overrides = {}
    if ctx.series.templates:
        titles = list(ctx.series.templates.values())
        pages = ctx.wiki.read(titles)
        for name, title in ctx.series.templates.items():
            page = pages[title]
            if not page.exists:
                raise UsageError(f"templates.{name}: [[{title}]] does not exist")
            overrides[name] = page.text
    try:
        return templates.load_templates(style or ctx.series.style, overrides=overrides)
    except templates.TemplateError as e:
        raise UsageError(str(e)) from None


def aliases_for(ctx: Context) -> dict[str, str]:
    from bot import harvest as harvest_mod

    return {**harvest_mod.DEFAULT_TOPIC_ALIASES, **ctx.series.topic_aliases}


def harvest_page(ctx: Context, title: str) -> tuple[HarvestResult, str]:
    """Harvest a questions page on the wiki; an unsigned question gets its asker
    and time from the revision that added it (one history request)."""
    from bot import harvest as harvest_mod

    page = ctx.wiki.read([title])[title]
    notices = []
    if page.exists and page.redirect_target:
        notices.append(f"[[{title}]] redirects to [[{page.redirect_target}]]: followed once")
        title = page.redirect_target
        page = ctx.wiki.read([title])[title]
    if not page.exists:
        raise UsageError(f"[[{title}]] does not exist")
    result = harvest_mod.harvest(page.text, aliases_for(ctx), mark_template=ctx.series.mark_template)
    if any(not q.signed for q in result.questions):
        history = ctx.wiki.history(title)
        result.questions = harvest_mod.attribute_from_history(result.questions, history)
    result.notices[:0] = notices
    return result, f"[[{title}]]"


def known_dates(ctx: Context, index_text: str) -> list[date]:
    dates = set(plan_mod.series_dates(index_text, ctx.series.session_date))
    dates.update(date.fromisoformat(d) for d in ctx.series.sessions)
    return sorted(dates)


def with_neighbours(ctx: Context, session: Session, dates: list[date]) -> Session:
    prev_day, next_day = plan_mod.neighbours(session.date, dates)
    return replace(session,
                   previous=ctx.series.session_title_for(prev_day) if prev_day else None,
                   next=ctx.series.session_title_for(next_day) if next_day else None)


def finish(ctx: Context, report: apply_mod.Report, heading: str) -> int:
    ctx.reports.append(report)
    for notice in report.notices:
        print(f"notesbot: {notice}", file=sys.stderr)
    print(heading)
    print(report.table())
    return 0 if report.ok else 1


def run_plan(ctx: Context, edits: list[plan_mod.Edit], pages: dict[str, PageState]) -> apply_mod.Report:
    return apply_mod.apply_plan(
        plan_mod.merge_edits(edits), ctx.wiki, pages, allowed=ctx.series.allows,
        simulate=ctx.simulate, max_retries=ctx.config.max_conflict_retries,
    )


# -- harvest into the draft ---------------------------------------------------

def draft_edit(session: Session, questions: list, tset, current: PageState) -> tuple[plan_mod.Edit, list[str]]:
    """Create the draft, or add to it only the questions that are new since
    the last update (staff's text is never changed).  Also returns what was
    neutralised in the questions' text, for staff to look at."""
    from bot import compile as compile_mod

    def update(text: str, exists: bool):
        return (compile_mod.update_draft(text, questions, session, tset) if exists
                else compile_mod.render_draft(questions, session, tset))

    try:
        first = update(current.text, current.exists)
    except compile_mod.DraftError as e:  # staff removed the status box, say
        raise UsageError(f"[[{session.draft_page}]]: {e}") from None
    count = len(first.added)
    edit = plan_mod.Edit(
        title=session.draft_page, kind="draft",
        summary=f"{count} new question{'s' if count != 1 else ''} from [[{session.questions_page}]] "
                f"for [[{session.title}]]",
        change=lambda text, exists: update(text, exists).text,
    )
    return edit, first.neutralised


def harvest_into_draft(ctx: Context, session: Session) -> int:
    tset = templates_for(ctx)
    result, source = harvest_page(ctx, session.questions_page)
    for problem in result.problems:
        print(f"notesbot: {source}: {problem}", file=sys.stderr)
    pages = ctx.wiki.read([session.draft_page])
    edit, neutralised = draft_edit(session, result.questions, tset, pages[session.draft_page])
    report = run_plan(ctx, [edit], pages)
    report.notices += [f"neutralised in [[{session.draft_page}]]: {n}" for n in neutralised]
    return finish(ctx, report, f"Draft of [[{session.title}]] ({len(result.questions)} questions harvested):")


# -- publish -----------------------------------------------------------------

def plan_publish(ctx: Context, session: Session) -> tuple[list[plan_mod.Edit], dict[str, PageState], list[str]]:
    """Read everything publishing ``session`` may touch, and plan its edits."""
    from bot import compile as compile_mod
    from bot import harvest as harvest_mod

    tset = templates_for(ctx)
    first = [session.title, session.questions_page, session.draft_page, session.notes_page, session.index_page]
    pages = ctx.wiki.read(first)
    dates = known_dates(ctx, pages[session.index_page].text)
    if session.date not in dates:
        dates.append(session.date)
        dates.sort()
    session = with_neighbours(ctx, session, dates)
    others = [t for t in (session.previous, session.next) if t and t not in pages]
    if others:
        pages.update(ctx.wiki.read(others))
    draft_page = pages[session.draft_page]
    if not draft_page.exists:
        raise UsageError(f"[[{session.draft_page}]] does not exist: harvest the questions into a draft first")
    draft = compile_mod.parse_draft(draft_page.text)
    notices = [f"[[{session.draft_page}]]: {p}" for p in draft.problems]
    try:
        notes = compile_mod.render_notes(draft, session, tset, translate=ctx.series.translate,
                                         unanswered_heading=ctx.series.unanswered_heading)
    except Exception as e:  # a TemplateError names the template and placeholder
        raise UsageError(f"cannot compile the notes: {e}") from None
    notices += [f"neutralised in the notes: {n}" for n in notes.neutralised]
    summary = (f"Notes of [[{session.title}]]: {len(notes.answered)} answered"
               + (f", {len(notes.written)} to be answered in writing" if notes.written else ""))
    aliases = aliases_for(ctx)

    def harvest_questions(text: str) -> list:
        return harvest_mod.harvest(text, aliases, mark_template=ctx.series.mark_template).questions

    edits = [plan_mod.notes_edit(session, notes.text, tset, summary)]
    if session.notes_page != session.title:
        edits.append(plan_mod.Edit(
            title=session.title, kind="session", summary=f"Session page of [[{session.title}]]",
            change=lambda text, exists: text if exists else compile_mod.render_session_page(session, tset),
        ))
    edits.append(plan_mod.index_edit(session, tset, ctx.series.session_date, published=True))
    edits += plan_mod.navigation_edits(session, ctx.series.navigation_template, dates,
                                       ctx.series.session_title_for, pages)
    edits.append(plan_mod.marks_edit(session, notes.answered, notes.written, ctx.series.mark_template,
                                     harvest_questions))
    return edits, pages, notices


def publish_session(ctx: Context, session: Session) -> int:
    edits, pages, notices = plan_publish(ctx, session)
    report = run_plan(ctx, edits, pages)
    report.notices[:0] = notices
    verb = "Would publish" if ctx.simulate else "Publishing"
    return finish(ctx, report, f"{verb} [[{session.title}]]:")


# -- new session -------------------------------------------------------------

def new_session(ctx: Context, day: date, time: str | None) -> int:
    from bot import compile as compile_mod

    session = ctx.series.session(day)
    if time:
        session.time = time
    tset = templates_for(ctx)
    pages = ctx.wiki.read([session.title, session.questions_page, session.index_page])
    dates = sorted(set(known_dates(ctx, pages[session.index_page].text)) | {day})
    session = with_neighbours(ctx, session, dates)
    others = [t for t in (session.previous, session.next) if t and t not in pages]
    if others:
        pages.update(ctx.wiki.read(others))
    deadline = f"{day.isoformat()}T{session.time}:00Z"
    index = plan_mod.index_edit(session, tset, ctx.series.session_date, published=False)
    index_change = index.change
    index.change = lambda text, exists: text if session.title in _linked(text) else index_change(text, exists)
    edits = [
        plan_mod.Edit(title=session.title, kind="session", create_only=True,
                      summary=f"New Conversation Hour: [[{session.title}]]",
                      change=lambda text, exists: compile_mod.render_session_page(session, tset)),
        plan_mod.Edit(title=session.questions_page, kind="questions", create_only=True,
                      summary=f"Questions page for [[{session.title}]]",
                      change=lambda text, exists: compile_mod.render_questions_page(session, tset, deadline=deadline)),
        index,
        *plan_mod.navigation_edits(session, ctx.series.navigation_template, dates,
                                   ctx.series.session_title_for, pages),
    ]
    report = run_plan(ctx, edits, pages)
    return finish(ctx, report, f"New session [[{session.title}]]:")


def _linked(text: str) -> set[str]:
    from bot import pagetext

    return set(pagetext.links_in(text))


# -- the tick (scheduled runs) and status --------------------------------------

def tick(ctx: Context, now: str | None = None) -> int:
    from bot import lifecycle

    moment = datetime.fromisoformat(now.replace("Z", "+00:00")) if now else datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return lifecycle.tick(ctx, moment)


def show_status(ctx: Context) -> int:
    from bot import lifecycle

    return lifecycle.show_status(ctx)

