"""The operations that work on the wiki: read, plan with the pure stages, apply.

Every function here has one shape: read the pages it needs in as few batched
requests as it can (``bot/wiki``), hand them to a pure planner
(``bot/publish``), apply the plan, print a table of what happened.  Nothing
here builds wikitext itself, and nothing is computed again while applying.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Iterator

from bot import compile as compile_mod
from bot import config as config_mod
from bot import harvest as harvest_mod
from bot import publish
from bot.environment import Environment
from bot import logs
from bot.errors import Refused, StopRun, UsageError
from bot.model import HarvestResult, PageState, Session
from bot.run.lock import lock_path, writer_lock
from bot.wiki import Report, Wiki, apply_plan, connect

log = logs.get_logger("run")


@dataclass
class Context:
    """A connection, the validated configuration and the run's options."""

    wiki: Wiki
    config: config_mod.Config
    series: config_mod.SeriesConfig
    environment: Environment
    simulate: bool
    always: bool
    reports: list[Report] = field(default_factory=list)

    @property
    def bot(self) -> str:
        return self.wiki.username

    def title(self, configured: str) -> str:
        return configured.replace("{bot}", self.bot)

    def for_series(self, series: config_mod.SeriesConfig) -> "Context":
        return replace(self, series=series)

    @classmethod
    @contextmanager
    def open(cls, options: config_mod.RunOptions, environment: Environment, *, write: bool = False,
             ) -> Iterator["Context"]:
        """Connect, read and validate the configuration (local file, then the
        bot's on-wiki JSON page over it) and, for a writing command, take the
        writers' lock and check the shutoff page, all before any edit."""
        local = config_mod.load(options.config_file, environment=environment)
        wiki = connect(list(options.pywikibot_args), environment, local.shutoff_page, local.shutoff_word,
                       config=local)
        bot = wiki.username
        onwiki_title = local.onwiki_config.replace("{bot}", bot)
        if not onwiki_title.startswith(f"User:{bot}/"):
            raise UsageError(f"onwiki_config: {onwiki_title!r} is not in the bot's own user space")
        pages = wiki.read([onwiki_title, wiki.shutoff.title])
        onwiki = pages[onwiki_title]
        cfg = config_mod.load(options.config_file, environment=environment,
                              onwiki_text=onwiki.text if onwiki.exists else None,
                              onwiki_title=f"[[{onwiki_title}]]")
        series = cfg.series_named(options.series) if options.series else cfg.series[0]
        ctx = cls(wiki=wiki, config=cfg, series=series, environment=environment, simulate=wiki.simulate,
                  always=options.always)
        if not write or ctx.simulate:
            yield ctx
            return
        with writer_lock(lock_path(cfg.lock_file, environment), wait=cfg.lock_wait):
            if not wiki.shutoff_allows(pages[wiki.shutoff.title]):
                raise StopRun(f"[[{wiki.shutoff.title}]] does not say {wiki.shutoff.word!r}: the bot makes no edit")
            yield ctx


# -- reading helpers ---------------------------------------------------------

def templates_for(ctx: Context, style: str | None = None) -> compile_mod.TemplateSet:
    """The series' template set, with the on-wiki pages named in the
    configuration replacing the shipped files."""
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
        return compile_mod.load_templates(style or ctx.series.style, overrides=overrides)
    except compile_mod.TemplateError as e:
        raise UsageError(str(e)) from None


def harvest_page(ctx: Context, title: str) -> tuple[HarvestResult, str]:
    """Harvest a questions page on the wiki; an unsigned question gets its asker
    and time from the revision that added it (one history request)."""
    page = ctx.wiki.read([title])[title]
    notices = []
    if page.exists and page.redirect_target:
        notices.append(f"[[{title}]] redirects to [[{page.redirect_target}]]: followed once")
        title = page.redirect_target
        page = ctx.wiki.read([title])[title]
    if not page.exists:
        raise UsageError(f"[[{title}]] does not exist")
    result = harvest_mod.harvest(page.text, publish.plan.topic_aliases(ctx.series),
                                 mark_template=ctx.series.mark_template)
    if any(not q.signed for q in result.questions):
        history = ctx.wiki.history(title)
        result.questions = harvest_mod.attribute_from_history(result.questions, history)
    result.notices[:0] = notices
    return result, f"[[{title}]]"


def read_for_plan(ctx: Context, session: Session, titles: list[str]) -> dict[str, PageState]:
    """The pages a plan needs, in two batched reads: ``titles``, then the
    neighbouring sessions the index names."""
    pages = ctx.wiki.read(titles)
    index = pages.get(session.index_page)
    others = [t for t in publish.neighbour_titles(session, ctx.series, index.text if index and index.exists else "")
              if t not in pages]
    if others:
        pages.update(ctx.wiki.read(others))
    return pages


def run_plan(ctx: Context, plan: publish.Plan) -> Report:
    """Apply ``plan``; without ``-always``, asking before each save."""
    return apply_plan(plan, ctx.wiki, allowed=ctx.series.allows, simulate=ctx.simulate,
                      max_retries=ctx.config.max_conflict_retries, ask=not ctx.always)


def finish(ctx: Context, report: Report, heading: str) -> int:
    ctx.reports.append(report)
    for notice in report.notices:
        print(f"notesbot: {notice}", file=sys.stderr)
    print(heading)
    print(report.table())
    return 0 if report.ok else 1


def planned(make):
    """A planner's PlanError is the user's to mend (exit 2, its message); a
    refusal (exit 1) also lists what is missing, one line each."""
    try:
        return make()
    except publish.PublishRefused as e:
        for reason in e.reasons:
            log.error("%s", reason)
        raise Refused(str(e)) from None
    except publish.PlanError as e:
        raise UsageError(str(e)) from None


# -- the operations ------------------------------------------------------------

def harvest_into_draft(ctx: Context, session: Session) -> int:
    tset = templates_for(ctx)
    result, source = harvest_page(ctx, session.questions_page)
    for problem in result.problems:
        print(f"notesbot: {source}: {problem}", file=sys.stderr)
    pages = ctx.wiki.read([session.draft_page])
    plan = planned(lambda: publish.plan_draft(pages, session, result.questions, tset))
    report = run_plan(ctx, plan)
    return finish(ctx, report, f"Draft of [[{session.title}]] ({len(result.questions)} questions harvested):")


def publish_session(ctx: Context, session: Session, manual_at: datetime | None = None) -> int:
    """Publish ``session``; with ``manual_at``, only if its draft is ready and
    it has started at that moment (a publish by hand without ``--force``)."""
    tset = templates_for(ctx)
    pages = read_for_plan(ctx, session, publish.publish_titles(session))
    plan = planned(lambda: publish.plan_publish(pages, session, ctx.series, tset, manual_at=manual_at))
    report = run_plan(ctx, plan)
    verb = "Would publish" if ctx.simulate else "Publishing"
    return finish(ctx, report, f"{verb} [[{session.title}]]:")


def new_session(ctx: Context, day: date, time: str | None) -> int:
    session = ctx.series.session(day)
    if time:
        session = replace(session, time=time)
    tset = templates_for(ctx)
    pages = read_for_plan(ctx, session, publish.new_session_titles(session))
    plan = planned(lambda: publish.plan_new_session(pages, session, ctx.series, tset))
    report = run_plan(ctx, plan)
    return finish(ctx, report, f"New session [[{session.title}]]:")
