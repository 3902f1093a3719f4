"""The context of a run: the connection, the validated configuration, the
writers' lock and the shutoff check, the first batched read; and the
plumbing every use case ends with (apply a plan, print its table)."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Callable, Iterator

from bot import config as config_mod
from bot import logs, publish
from bot.environment import Environment
from bot.errors import Refused, StopRun, UsageError
from bot.publish.records import RECORDS_PAGE
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
    _listed: dict = field(default_factory=dict, repr=False)
    """Session dates staff listed, by (index title, revision): read once a run."""
    local_config: config_mod.Config | None = None
    """The local configuration alone (before the on-wiki page's keys)."""
    unchanged: bool = False
    """The command's shortcut found nothing to do (``Context.open(shortcut=…)``):
    ``config`` is then the local configuration only, and nothing was read."""

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
             reads: "Callable[[Context], list[str]] | None" = None,
             shortcut: "Callable[[Wiki, config_mod.Config], bool] | None" = None) -> Iterator["Context"]:
        """Connect, read and validate the configuration (local file, then the
        bot's on-wiki JSON page over it) and, for a writing command, take the
        writers' lock and check the shutoff page, all before any edit.

        ``reads`` names the pages the command will read, given a context
        (:func:`bot.run.publishing.publish_reads`, say).  Guessed from the
        local configuration, they ride in the same batch as the on-wiki
        configuration and the shutoff page; stated again once the whole
        configuration is known, what the guess missed is read in one more
        batch.  The command's own reads are served from the wiki's cache
        (``Wiki.read``).

        ``shortcut``, given the connection and the local configuration before
        any read, may answer that the command has nothing to do (a tick whose
        watched pages did not change: its one request): the context is then
        ``unchanged``, with the local configuration, no lock and no read.
        The run's first query checks the login; a writing run's also brings
        the edit token (:class:`~bot.wiki.Wiki`)."""
        local = config_mod.load(options.config_file, environment=environment)
        wiki = connect(list(options.pywikibot_args), environment, local.shutoff_page, local.shutoff_word,
                       config=local)
        wiki.shutoff_recheck_seconds = local.shutoff_recheck_seconds
        if shortcut is not None and shortcut(wiki, local):
            yield cls(wiki=wiki, config=local, series=local.series[0], environment=environment,
                      simulate=wiki.simulate, always=options.always, local_config=local, unchanged=True)
            return
        wiki.want_token = write
        bot = wiki.username
        onwiki_title = local.onwiki_config.replace("{bot}", bot)
        if not onwiki_title.startswith(f"User:{bot}/"):
            raise UsageError(f"onwiki_config: {onwiki_title!r} is not in the bot's own user space")
        ahead = _reads_ahead(cls, wiki, local, options, environment, reads) if reads is not None else []
        try:
            wiki.read([onwiki_title, wiki.shutoff.title, *ahead])
            with cls._configured(wiki, options, environment, write, onwiki_title, reads, local) as ctx:
                yield ctx
        finally:
            wiki.forget_pages()

    @classmethod
    @contextmanager
    def _configured(cls, wiki: Wiki, options: config_mod.RunOptions, environment: Environment, write: bool,
                    onwiki_title: str, reads: "Callable[[Context], list[str]] | None",
                    local: config_mod.Config | None = None) -> Iterator["Context"]:
        pages = wiki.read([onwiki_title, wiki.shutoff.title])  # from the first batch
        onwiki = pages[onwiki_title]
        cfg = config_mod.load(options.config_file, environment=environment,
                              onwiki_text=onwiki.text if onwiki.exists else None,
                              onwiki_title=f"[[{onwiki_title}]]")
        series = cfg.series_named(options.series) if options.series else cfg.series[0]
        ctx = cls(wiki=wiki, config=cfg, series=series, environment=environment, simulate=wiki.simulate,
                  always=options.always, local_config=local)
        if reads is not None:
            _read_set(ctx, reads)
        if not write or ctx.simulate:
            yield ctx
            return
        wiki.shutoff_editors = cfg.shutoff_editors()
        wiki.shutoff_recheck_seconds = cfg.shutoff_recheck_seconds
        with writer_lock(lock_path(cfg.lock_file, environment), wait=cfg.lock_wait):
            if not wiki.shutoff_allows(pages[wiki.shutoff.title]):
                if wiki.untrusted_shutoff:
                    raise StopRun(f"[[{wiki.shutoff.title}]] was last set to {wiki.shutoff.word!r} by "
                                  f"{wiki.untrusted_shutoff}, who is neither staff nor an operator: "
                                  "the bot makes no edit; to start it again, a staff member saves the page as "
                                  f"'{wiki.shutoff.word} <!-- started again by NAME -->' (saving "
                                  f"'{wiki.shutoff.word}' alone again makes no new revision)")
                raise StopRun(f"[[{wiki.shutoff.title}]] does not say {wiki.shutoff.word!r}: the bot makes no edit")
            yield ctx


def _read_set(ctx: "Context", reads: "Callable[[Context], list[str]]") -> None:
    """The command's read set, stated now that the whole configuration is
    known: what the first batch did not read (the on-wiki configuration
    named other pages) is read in one more batch; the rest is in the wiki's
    cache.  A set that cannot be stated (a series or session the
    configuration lacks) is the command's to report, after the shutoff check."""
    try:
        titles = list(reads(ctx))
    except (UsageError, IndexError):
        return
    ctx.wiki.read(titles)


def _reads_ahead(cls, wiki: Wiki, local: config_mod.Config, options: config_mod.RunOptions,
                 environment: Environment, reads: "Callable[[Context], list[str]]") -> list[str]:
    """The titles ``reads`` names from the local configuration alone (the
    on-wiki one is not read yet): only a guess, which the command's own
    reads complete.  A guess that cannot be made (a series or session the
    on-wiki configuration may define) is no guess: the command says what is
    wrong, later, with the whole configuration."""
    try:
        series = local.series_named(options.series) if options.series else local.series[0]
        ctx = cls(wiki=wiki, config=local, series=series, environment=environment, simulate=wiki.simulate,
                  always=options.always)
        return list(reads(ctx))
    except (UsageError, IndexError):
        return []


def run_plan(ctx: Context, plan: publish.Plan) -> Report:
    """Apply ``plan``; without ``-always``, asking before each save."""
    records = ctx.title(RECORDS_PAGE)  # the bot's own records page (bot.publish.records)
    return apply_plan(plan, ctx.wiki, allowed=lambda t: ctx.series.allows(t) or t == records, simulate=ctx.simulate,
                      max_retries=ctx.config.max_conflict_retries, ask=not ctx.always)


def finish(ctx: Context, report: Report, heading: str) -> int:
    ctx.reports.append(report)
    for notice in report.notices:
        log.info("%s", notice)
    logs.output(f"{heading}\n{report.table()}")
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
