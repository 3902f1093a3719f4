"""What the use cases read, and the facts read from the wiki they share:
the templates, a harvested questions page, the pages a plan needs with the
neighbours the index names, the draft as staff last saved it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Callable

from bot import compile as compile_mod
from bot import config as config_mod
from bot import harvest as harvest_mod
from bot import publish
from bot import wikifacts
from bot.publish import approval
from bot.errors import UsageError
from bot.model import HarvestResult, PageState, Session
from bot.publish.series import topic_aliases
from bot.run.context import Context


def draft_reads(pick: "Callable[[config_mod.SeriesConfig], Session]") -> "Callable[[Context], list[str]]":
    """What :func:`harvest_into_draft` and :func:`import_into_draft` read:
    the questions page, the draft and the templates."""
    def reads(ctx: Context) -> list[str]:
        session = pick(ctx.series)
        return [session.questions_page, session.draft_page, *template_titles(ctx)]
    return reads


def template_titles(ctx: Context) -> list[str]:
    return list((ctx.series.templates or {}).values())


def neighbours_ahead(ctx: Context, session: Session) -> list[str]:
    """The neighbours :func:`read_for_plan` will read, from the index's history."""
    history = ctx.wiki.history(session.index_page)
    if not history:
        return []
    allowed = dates_listed_in(ctx, history)
    return publish.neighbour_titles(session, ctx.series, history[-1].text, allowed)


# -- who decides -----------------------------------------------------------------

def parsed_draft(text: str, speakers: tuple[str, ...] = ()) -> compile_mod.Draft:
    """The draft of ``text``, parsed once a run however many use cases ask
    (a tick asks for each draft's status, counts and staff revision): the
    parse :func:`bot.compile.parse_draft` keeps, a copy for each caller."""
    return compile_mod.parse_draft(text, speakers)


@dataclass(frozen=True)
class StaffDraft:
    """The draft as staff last saved it."""

    state: PageState | None
    """The latest revision saved by staff (its text), None if there is none."""
    others: int = 0
    """Revisions by anyone else since then (not published)."""
    no_staff: bool = False
    """The configuration names no staff."""
    moved: bool = False
    """The draft was moved here since staff last saved it: what came with the move is no approval."""
    other_session: str = ""
    """The session the staff revision's box names, when it is not this one."""

    @property
    def ready(self) -> bool:
        return self.state is not None and parsed_draft(self.state.text).ready

    @property
    def note(self) -> str:
        """What staff should be told about the draft's later edits ('' if nothing)."""
        if self.no_staff:
            return "no staff named in the configuration (series staff): nothing is published"
        if self.other_session:
            return (f"the status box of the last staff revision names another session ([[{self.other_session}]]): "
                    "not published until a staff member saves this session's draft")
        if self.moved:
            return ("the draft was moved here from another page since staff last saved it: not published "
                    "until a staff member saves the draft")
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
        last staff revision, a move here, a box naming another session (a
        draft staff have not saved yet is no news)."""
        return self.note if (self.state is not None and self.others) or self.moved or self.other_session else ""


def is_staff(ctx: Context, user: str | None) -> bool:
    """Whether ``user`` is one of the series' staff (an account, or a member of a group named)."""
    return ctx.wiki.is_listed(user, ctx.series.staff)


def staff_draft(ctx: Context, draft: PageState, session: str | None = None) -> StaffDraft:
    """The latest revision of this session's draft saved by staff: only it is
    published (one light history request, one more to the move log when the
    history has a null revision, and one for the text when it is not the
    latest).  Anyone can edit the draft; only staff decide what it says.
    A revision carried in by a page move is no approval, nor one whose box
    names a session other than ``session`` (the session page's title); see
    :mod:`bot.publish.approval` for how a move is detected."""
    if not ctx.series.staff:
        return StaffDraft(None, no_staff=True)
    if not draft.exists:
        return StaffDraft(None)
    others = 0
    if is_staff(ctx, draft.user):
        # The latest revision is staff's own (an edit, or a move a staff
        # member made): no history to read.  A move by anyone else leaves
        # its null revision, by the mover, on top, and takes the walk below.
        state = draft
    else:
        history = ctx.wiki.recent_revisions(draft.title)
        found = approval.approving_revision(
            history, lambda user: is_staff(ctx, user), ctx.bot,
            lambda revision: ctx.wiki.moved_here(draft.title, revision.get("user") or "", revision["timestamp"]))
        if found.revision is None:
            return StaffDraft(None, found.others, moved=found.moved)
        state, others = _as_of(ctx, draft, found.revision), found.others
    named = parsed_draft(state.text).session
    if session is not None and approval.names_other_session(named, session):
        return StaffDraft(None, others, other_session=named.strip())
    return StaffDraft(state, others)


def trusted(ctx: Context, user: str | None) -> bool:
    """Staff, an operator or the bot itself."""
    return is_staff(ctx, user) or ctx.wiki.is_trusted(user, ctx.config.operators)


def trusted_revision(ctx: Context, page: PageState) -> PageState:
    """``page`` as staff, an operator or the bot last saved it (missing if none did)."""
    if not page.exists or trusted(ctx, page.user):
        return page
    return latest_revision_by(ctx, page, lambda revision: trusted(ctx, revision.get("user") or "")) \
        or PageState.missing(page.title)


def bot_or_staff_revision(ctx: Context, page: PageState) -> PageState | None:
    """``page`` as the bot or staff last saved it, when someone else saved it
    since (missing if neither did among its latest 500 revisions); None when
    the bot or staff saved it last, so that it counts as it stands.  What
    the bot alone writes in open text (the draft box's lists, the recording's
    address) is read from there."""
    if not page.exists or page.user == ctx.bot or is_staff(ctx, page.user):
        return None
    return latest_revision_by(ctx, page, lambda r: (r.get("user") or "") == ctx.bot
                              or is_staff(ctx, r.get("user") or "")) or PageState.missing(page.title)


def with_trusted_time(ctx: Context, session: Session, pages: dict[str, PageState]) -> Session:
    """``session`` with the start its page records (:func:`bot.publish.with_own_time`)
    as staff, an operator or the bot last saved it: a start moved by anyone
    else (``start=…T00:00Z``, six hours early) would end the collecting of
    questions before the session starts.  One history request, and one for
    the text, only when someone else saved the page last."""
    page = pages.get(session.title)
    if page is not None and page.exists and not trusted(ctx, page.user):
        pages = {**pages, session.title: trusted_revision(ctx, page)}
    return publish.with_own_time(session, pages, ctx.series)


def latest_revision_by(ctx: Context, page: PageState, accept: Callable[[dict], bool]) -> PageState | None:
    """``page`` as of its latest revision among the latest 500 that ``accept``
    takes (given the API's ``revid``, ``user`` and ``timestamp`` of each,
    newest first), or None: one light history request, and one for the text
    when that revision is not the latest."""
    for revision in ctx.wiki.recent_revisions(page.title):
        if accept(revision):
            return _as_of(ctx, page, revision)
    return None


def _as_of(ctx: Context, page: PageState, revision: dict) -> PageState:
    revid = revision["revid"]
    if revid == page.revid:
        return page
    return replace(page, text=ctx.wiki.revision_text(revid), revid=revid, user=revision.get("user") or "")


def listed_dates(ctx: Context, index: PageState) -> set[date]:
    """The session dates on the index that staff, an operator or the bot put
    there (one history request of the index, once a run)."""
    key = (index.title, index.revid)
    if key not in ctx._listed:
        if not index.exists:
            ctx._listed[key] = set()
        else:
            ctx._listed[key] = dates_listed_in(ctx, ctx.wiki.history(index.title, latest=index.revid))
    return ctx._listed[key]


def dates_listed_in(ctx: Context, history: list) -> set[date]:
    """The dates staff or the bot listed, from the index's ``history``
    (its latest revisions).  When that does not reach the page's creation
    (a page of more revisions than one read gives), the revisions of staff
    and the bot before it, each with its parent, are read too: else a
    member who saved the index 500 times would push them out of what the
    bot reads, and the dates they listed would be forgotten."""
    def by_trusted(user: str) -> bool:
        return trusted(ctx, user)

    complete = not (history and history[0].parent)
    if not complete:
        earlier, complete = ctx.wiki.revisions_before(ctx.series.index_page, history[0], by_trusted)
        history = [*earlier, *history]
    return publish.dates_listed_by(history, ctx.series, by_trusted, complete=complete)


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
    facts = wikifacts.with_unsigned_templates(ctx.wiki.language_facts(), ctx.series.unsigned_templates)
    result = harvest_mod.harvest(page.text, topic_aliases(ctx.series),
                                 mark_template=ctx.series.mark_template, facts=facts)
    if any(not q.signed or q.timestamp is None for q in result.questions):
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
