"""The operations that work on the wiki: read, plan with the pure stages, apply.

Every function here has one shape: read the pages it needs in as few batched
requests as it can (``bot/wiki``), hand them to a pure planner
(``bot/publish``), apply the plan, print a table of what happened.  Nothing
here builds wikitext itself, and nothing is computed again while applying.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Callable, Iterator

from bot import compile as compile_mod
from bot import config as config_mod
from bot import harvest as harvest_mod
from bot import publish, wikifacts
from bot.environment import Environment
from bot import logs
from bot.errors import Refused, StopRun, UsageError
from bot.harvest.reconcile import reconcile_with_draft
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
    _listed: dict = field(default_factory=dict, repr=False)
    """Session dates staff listed, by (index title, revision): read once a run."""

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
             reads: "Callable[[Context], list[str]] | None" = None) -> Iterator["Context"]:
        """Connect, read and validate the configuration (local file, then the
        bot's on-wiki JSON page over it) and, for a writing command, take the
        writers' lock and check the shutoff page, all before any edit.

        ``reads`` names the pages the command will read (given a context made
        of the local configuration alone, see :func:`publish_reads`): they
        are read in the same batch as the configuration and the shutoff
        page, and the command's own reads get them from it (``Wiki.read``)."""
        local = config_mod.load(options.config_file, environment=environment)
        wiki = connect(list(options.pywikibot_args), environment, local.shutoff_page, local.shutoff_word,
                       config=local)
        bot = wiki.username
        onwiki_title = local.onwiki_config.replace("{bot}", bot)
        if not onwiki_title.startswith(f"User:{bot}/"):
            raise UsageError(f"onwiki_config: {onwiki_title!r} is not in the bot's own user space")
        ahead = _reads_ahead(cls, wiki, local, options, environment, reads) if reads is not None else []
        try:
            wiki.prefetch([onwiki_title, wiki.shutoff.title, *ahead])
            with cls._configured(wiki, options, environment, write, onwiki_title) as ctx:
                yield ctx
        finally:
            wiki.drop_prefetched()

    @classmethod
    @contextmanager
    def _configured(cls, wiki: Wiki, options: config_mod.RunOptions, environment: Environment, write: bool,
                    onwiki_title: str) -> Iterator["Context"]:
        pages = wiki.read([onwiki_title, wiki.shutoff.title])  # from the first batch
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
        wiki.shutoff_editors = cfg.shutoff_editors()
        with writer_lock(lock_path(cfg.lock_file, environment), wait=cfg.lock_wait):
            if not wiki.shutoff_allows(pages[wiki.shutoff.title]):
                if wiki.untrusted_shutoff:
                    raise StopRun(f"[[{wiki.shutoff.title}]] was last set to {wiki.shutoff.word!r} by "
                                  f"{wiki.untrusted_shutoff}, who is neither staff nor an operator: "
                                  "the bot makes no edit")
                raise StopRun(f"[[{wiki.shutoff.title}]] does not say {wiki.shutoff.word!r}: the bot makes no edit")
            yield ctx


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


def publish_reads(pick: "Callable[[config_mod.SeriesConfig], Session]") -> "Callable[[Context], list[str]]":
    """What :func:`publish_session` reads, for ``Context.open(reads=…)``:
    the session's pages, its templates, and the neighbouring sessions the
    index names, found from the index's history (read now, and used again
    by :func:`listed_dates` if the index has not changed since)."""
    def reads(ctx: Context) -> list[str]:
        session = pick(ctx.series)
        return [*publish.publish_titles(session, ctx.series), *_template_titles(ctx),
                *_neighbours_ahead(ctx, session)]
    return reads


def new_session_reads(day: date, time: str | None) -> "Callable[[Context], list[str]]":
    """What :func:`new_session` reads (see :func:`publish_reads`)."""
    def reads(ctx: Context) -> list[str]:
        session = _new_session(ctx, day, time)
        return [*publish.new_session_titles(session, ctx.series), *_template_titles(ctx),
                *_neighbours_ahead(ctx, session)]
    return reads


def draft_reads(pick: "Callable[[config_mod.SeriesConfig], Session]") -> "Callable[[Context], list[str]]":
    """What :func:`harvest_into_draft` and :func:`import_into_draft` read:
    the questions page, the draft and the templates."""
    def reads(ctx: Context) -> list[str]:
        session = pick(ctx.series)
        return [session.questions_page, session.draft_page, *_template_titles(ctx)]
    return reads


def _template_titles(ctx: Context) -> list[str]:
    return list((ctx.series.templates or {}).values())


def _neighbours_ahead(ctx: Context, session: Session) -> list[str]:
    """The neighbours :func:`read_for_plan` will read, from the index's history."""
    history = ctx.wiki.prefetch_history(session.index_page)
    if not history:
        return []
    allowed = _dates_listed(ctx, history)
    return publish.neighbour_titles(session, ctx.series, history[-1].text, allowed)


# -- who decides -----------------------------------------------------------------

@dataclass(frozen=True)
class StaffDraft:
    """The draft as staff last saved it."""

    state: PageState | None
    """The latest revision saved by staff (its text), None if there is none."""
    others: int = 0
    """Revisions by anyone else since then (not published)."""
    no_staff: bool = False
    """The configuration names no staff."""

    @property
    def ready(self) -> bool:
        return self.state is not None and compile_mod.parse_draft(self.state.text).ready

    @property
    def note(self) -> str:
        """What staff should be told about the draft's later edits ('' if nothing)."""
        if self.no_staff:
            return "no staff named in the configuration (series staff): nothing is published"
        if self.state is None:
            return ("no revision of the draft was saved by staff: not published until a staff member "
                    "saves the draft")
        if self.others:
            return (f"{self.others} edit{'s' if self.others != 1 else ''} by others since the last staff "
                    "revision: not published until a staff member saves the draft")
        return ""

    @property
    def box_note(self) -> str:
        """What the draft's status box says: only edits by others since the
        last staff revision (a draft staff have not saved yet is no news)."""
        return self.note if self.state is not None and self.others else ""


def is_staff(ctx: Context, user: str | None) -> bool:
    """Whether ``user`` is one of the series' staff (an account, or a member of a group named)."""
    staff = ctx.series.staff
    if not user or not staff:
        return False
    if wikifacts.listed_user(user, (), staff):
        return True
    return wikifacts.names_groups(staff) and wikifacts.listed_user(user, ctx.wiki.user_groups([user])[user], staff)


def staff_draft(ctx: Context, draft: PageState) -> StaffDraft:
    """The latest revision of the draft saved by staff: only it is published
    (one light history request, and one for its text when it is not the
    latest).  Anyone can edit the draft; only staff decide what it says."""
    if not ctx.series.staff:
        return StaffDraft(None, no_staff=True)
    if not draft.exists:
        return StaffDraft(None)
    if is_staff(ctx, draft.user):
        return StaffDraft(draft)
    others = 0
    for revision in ctx.wiki.recent_revisions(draft.title):
        if is_staff(ctx, revision.user):
            text = ctx.wiki.revision_text(revision.revid)
            return StaffDraft(replace(draft, text=text, revid=revision.revid, user=revision.user), others)
        # The bot's own revisions (new questions, the status box) are not
        # published either, but are no one's edit to tell staff about.
        others += revision.user != ctx.bot
    return StaffDraft(None, others)


def listed_dates(ctx: Context, index: PageState) -> set[date]:
    """The session dates on the index that staff, an operator or the bot put
    there (one history request of the index, once a run)."""
    key = (index.title, index.revid)
    if key not in ctx._listed:
        if not index.exists:
            ctx._listed[key] = set()
        else:
            ctx._listed[key] = _dates_listed(ctx, ctx.wiki.history(index.title, latest=index.revid))
    return ctx._listed[key]


def _dates_listed(ctx: Context, history: list) -> set[date]:
    return publish.dates_listed_by(
        history, ctx.series, lambda user: is_staff(ctx, user) or ctx.wiki.is_trusted(user, ctx.config.operators))


# -- reading helpers ---------------------------------------------------------

#: Edit protection levels that only the bot's operators pass.
TRUSTED_PROTECTION = frozenset({"sysop", "editinterface", "interface-admin", "editsitejson"})


def templates_for(ctx: Context, style: str | None = None) -> compile_mod.TemplateSet:
    """The series' template set, with the on-wiki pages named in the
    configuration replacing the shipped files.  A template is read only from
    a page the community cannot edit: a ``.json`` subpage of the bot's user
    page (an object, template name to text: MediaWiki lets only the bot and
    interface administrators edit it), or a page protected at ``sysop`` or
    ``editinterface`` level, as the API says."""
    overrides = {}
    if ctx.series.templates:
        titles = list(ctx.series.templates.values())
        pages = ctx.wiki.read(titles)
        own = f"User:{ctx.bot}/"
        protection = ctx.wiki.edit_protection([t for t in titles if not _own_json(t, own)])
        for name, title in ctx.series.templates.items():
            page = pages[title]
            if not page.exists:
                raise UsageError(f"templates.{name}: [[{title}]] does not exist")
            if _own_json(title, own):
                data = config_mod.parse_json(page.text, f"templates.{name}: [[{title}]]")
                if not isinstance(data.get(name), str):
                    raise UsageError(f"templates.{name}: [[{title}]] has no text for {name!r}")
                overrides[name] = data[name]
            elif protection.get(title, frozenset()) & TRUSTED_PROTECTION:
                overrides[name] = page.text
            else:
                raise UsageError(f"templates.{name}: [[{title}]] can be edited by anyone: templates are read "
                                 f"only from a .json page under [[{own}]] or a page protected at sysop level")
    try:
        return compile_mod.load_templates(style or ctx.series.style, overrides=overrides)
    except compile_mod.TemplateError as e:
        for name, title in (ctx.series.templates or {}).items():
            if str(e).startswith(f"template {name!r} from the wiki"):
                raise UsageError(f"templates.{name}: [[{title}]]: {e}") from None
        raise UsageError(str(e)) from None


def _own_json(title: str, own: str) -> bool:
    return title.replace("_", " ").startswith(own) and title.endswith(".json")


def harvest_page(ctx: Context, title: str) -> tuple[HarvestResult, str]:
    """Harvest a questions page on the wiki; an unsigned question gets its asker
    and time from the revision that added it (one history request)."""
    page = ctx.wiki.read([title])[title]
    notices = []
    if page.exists and page.redirect_target:
        if not ctx.series.allows(page.redirect_target):
            raise UsageError(f"[[{title}]] redirects to [[{page.redirect_target}]], outside the allowed "
                             "prefixes of the configuration: not followed")
        notices.append(f"[[{title}]] redirects to [[{page.redirect_target}]]: followed once")
        title = page.redirect_target
        page = ctx.wiki.read([title])[title]
    if not page.exists:
        raise UsageError(f"[[{title}]] does not exist")
    facts = ctx.wiki.language_facts()
    result = harvest_mod.harvest(page.text, publish.plan.topic_aliases(ctx.series),
                                 mark_template=ctx.series.mark_template, facts=facts)
    if any(not q.signed for q in result.questions):
        history = ctx.wiki.history(title)
        result.questions = harvest_mod.attribute_from_history(result.questions, history, facts=facts)
    result.notices[:0] = notices
    return result, f"[[{title}]]"


def read_for_plan(ctx: Context, session: Session, titles: list[str]) -> tuple[dict[str, PageState], set[date]]:
    """The pages a plan needs, in two batched reads: ``titles``, then the
    neighbouring sessions the index names (those staff or the bot listed,
    which are also returned)."""
    pages = ctx.wiki.read(titles)
    index = pages.get(session.index_page) or PageState.missing(session.index_page)
    allowed = listed_dates(ctx, index)
    others = [t for t in publish.neighbour_titles(session, ctx.series, index.text if index.exists else "", allowed)
              if t not in pages]
    if others:
        pages.update(ctx.wiki.read(others))
    return pages, allowed


def uses_massmessage(ctx: Context) -> bool:
    """Whether announcements go to the series' delivery list: one is
    configured and the wiki has MassMessage (asked only then)."""
    return bool(ctx.series.announcements.delivery_list) and ctx.wiki.has_extension("MassMessage")


def run_plan(ctx: Context, plan: publish.Plan) -> Report:
    """Apply ``plan``; without ``-always``, asking before each save."""
    return apply_plan(plan, ctx.wiki, allowed=ctx.series.allows, simulate=ctx.simulate,
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


# -- the operations ------------------------------------------------------------

def harvest_into_draft(ctx: Context, session: Session) -> int:
    tset = templates_for(ctx)
    result, source = harvest_page(ctx, session.questions_page)
    for problem in result.problems:
        log.warning("%s: %s", source, problem, extra=logs.PLAIN)
    pages = ctx.wiki.read([session.draft_page])
    result.questions = reconcile_with_draft(result.questions, pages[session.draft_page])
    plan = planned(lambda: publish.plan_draft(pages, session, result.questions, tset))
    report = run_plan(ctx, plan)
    return finish(ctx, report, f"Draft of [[{session.title}]] ({len(result.questions)} questions harvested):")


def import_into_draft(ctx: Context, session: Session, messages: list, *, verbose: bool = False) -> int:
    """Questions from saved chats and emails (``messages``, from
    :func:`bot.harvest.channels.read_messages`) into the session's draft."""
    from bot.harvest import channels
    from bot.publish import imports

    aliases = publish.plan.topic_aliases(ctx.series)
    topics = {**{t: t for t in session.topics}, **aliases, **{t: t for t in aliases.values()}}
    picked = channels.pick_questions(messages, hosts=(ctx.series.host, *ctx.series.chat_hosts), topics=topics)
    tset = templates_for(ctx)
    pages = ctx.wiki.read([session.draft_page, session.questions_page])
    if not pages[session.questions_page].exists:  # no session: refused as harvest refuses it
        raise UsageError(f"[[{session.questions_page}]] does not exist")
    known = imports.questions_page_texts(pages[session.questions_page], aliases, ctx.series.mark_template)
    draft = pages[session.draft_page]
    _, kept_out = imports.new_questions(draft.text, draft.exists, picked.questions, known)
    if verbose:
        for item in picked.left_out:
            log.info("%s", item)
        for question, reason in kept_out:
            log.info("not added (%s): %r", reason, question.question[:70])
    channel_names = sorted({m.channel for m in messages})
    source = " and ".join(["the live chat"] * bool(set(channel_names) & channels.LIVE_CHAT)
                          + ["email"] * ("email" in channel_names))
    plan = planned(lambda: imports.plan_import(pages, session, picked.questions, tset, known=known, source=source))
    report = run_plan(ctx, plan)
    added = len(picked.questions) - len(kept_out)
    return finish(ctx, report, f"Draft of [[{session.title}]] ({len(picked.questions)} questions found, "
                               f"{added} new, {len(picked.left_out)} messages left out"
                               f"{'' if verbose else ': see --verbose'}):")


def show_on_draft(ctx: Context, session: Session, note: str, current: PageState | None = None) -> int:
    """Make the draft's status box say ``note`` (edits by others since the
    last staff revision, say; '' clears it), with one edit when it says
    something else.  ``current``: the draft as just read, if it was."""
    if current is None:
        current = ctx.wiki.read([session.draft_page])[session.draft_page]
    if not current.exists or compile_mod.untrusted_note(current.text) == note:
        return 0
    plan = publish.Plan(edits=[publish.plan.draft_box_edit(session, note)]).settle({session.draft_page: current})
    report = run_plan(ctx, plan)
    for notice in report.notices:
        log.info("%s", notice)
    return 0 if report.ok else 1


def publish_session(ctx: Context, session: Session, manual_at: datetime | None = None, *,
                    force: bool = False) -> int:
    """Publish ``session`` from the draft revision staff saved last; with
    ``manual_at``, only if that draft is ready and the session has started at
    that moment (a publish by hand); ``force`` publishes staff's latest
    revision whatever its status says."""
    tset = templates_for(ctx)
    pages, allowed = read_for_plan(ctx, session, publish.publish_titles(session, ctx.series))
    latest = pages.get(session.draft_page) or PageState.missing(session.draft_page)
    draft = staff_draft(ctx, latest)
    show_on_draft(ctx, session, draft.box_note, latest)
    if draft.state is not None and not draft.ready and not force:
        log.warning("[[%s]]: the last revision saved by staff does not say status=ready: nothing published%s",
                    session.draft_page, f" ({draft.note})" if draft.note else "", extra=logs.PLAIN)
        if manual_at is None:
            return 1
        # By hand, the planner goes on to say every condition that is missing.
    if draft.state is None and pages.get(session.draft_page, PageState.missing("")).exists:
        log.warning("[[%s]]: %s", session.draft_page, draft.note, extra=logs.PLAIN)
        return 1
    if draft.state is not None:
        pages[session.draft_page] = draft.state
    plan = planned(lambda: publish.plan_publish(pages, session, ctx.series, tset, manual_at=manual_at,
                                                        allowed_dates=allowed,
                                                        massmessage=uses_massmessage(ctx),
                                                        facts=ctx.wiki.language_facts()))
    if draft.note:
        plan.notices.insert(0, f"[[{session.draft_page}]]: {draft.note}")
    report = run_plan(ctx, plan)
    verb = "Would publish" if ctx.simulate else "Publishing"
    return finish(ctx, report, f"{verb} [[{session.title}]]:")


def _new_session(ctx: Context, day: date, time: str | None) -> Session:
    session = ctx.series.session(day)
    return replace(session, time=time) if time else session


def new_session(ctx: Context, day: date, time: str | None) -> int:
    session = _new_session(ctx, day, time)
    tset = templates_for(ctx)
    pages, allowed = read_for_plan(ctx, session, publish.new_session_titles(session, ctx.series))
    plan = planned(lambda: publish.plan_new_session(pages, session, ctx.series, tset, allowed,
                                                    massmessage=uses_massmessage(ctx)))
    report = run_plan(ctx, plan)
    return finish(ctx, report, f"New session [[{session.title}]]:")


def calendar_feed(ctx: Context) -> bytes:
    """The series' sessions as an RFC 5545 calendar (one read: the index)."""
    from datetime import datetime, timezone

    from bot.publish import ical

    series = ctx.series
    index = ctx.wiki.read([series.index_page])[series.index_page]
    index_text = index.text if index.exists else ""
    titles = ical.session_titles(index_text, series)
    pages = ctx.wiki.read(titles) if titles else {}
    entries = []
    for session, published in ical.sessions(index_text, series, pages):
        notes_url = None
        if published:
            page, _, section = publish.plan.notes_link(session).partition("#")
            notes_url = ctx.wiki.page_url(page) + (f"#{section.replace(' ', '_')}" if section else "")
        entries.append(ical.FeedEntry(session, ctx.wiki.page_url(session.title), notes_url))
    return ical.build(entries, name=series.index_page.rsplit("/", 1)[-1], duration_minutes=series.duration_minutes,
                      stamp=datetime.now(timezone.utc).replace(microsecond=0))
