"""Reading and saving pages, through pywikibot.

Everything else in the bot is pure: it reads :class:`PageState` values and
returns text.  This module reads pages in batches, saves with conflict
detection, and applies the rules that make the bot safe to run on a wiki that
people edit at the same time:

* every save sends ``baserevid`` (the revision its text was computed from)
  and ``starttimestamp``, not ``basetimestamp`` (see :meth:`Wiki.save`), and
  ``assertuser``, so a community edit made after the bot
  read the page is never overwritten: the save fails with a conflict, and the
  caller recomputes its change on the new text;
* since the API ignores conflicts between two edits of the same account,
  two runs never write at once (the writers' lock of ``bot.run.lock``), and
  a page this run saved already is checked once more before its next save;
  the revision the run's batched read gave is otherwise the one sent as
  ``baserevid``, with no read of its own before the save;
* a save that timed out is not sent again (pywikibot has retried it
  already): the page is re-read, and if the wiki applied the edit after
  all, it counts as done, else it failed and the next run does it;
* past the run's deadline (:mod:`bot.wiki.budget`) no new request starts:
  a read raises :class:`~bot.errors.OutOfTime`, and an edit in progress is
  finished;
* ``{{bots}}``/``{{nobots}}`` (pywikibot's ``botMayEdit``) are checked
  before every write, and the shutoff page as read in the run's first batch:
  it is read again before a write only when the run has lasted longer than
  ``shutoff_recheck_seconds`` since it was read, or after a save that did not
  go through (a conflict, a refusal, a failure);
* the login check (``meta=userinfo``) and, for a writing run, the edit token
  (``meta=tokens``) ride on the run's first query, whatever it is: pywikibot
  asks neither on its own (:func:`bot.wiki.internals.lazy_login_site`).

The reading half of :class:`Wiki` is :class:`bot.wiki.reads.Reads`.

A :class:`Wiki` is made only by :func:`bot.wiki.connection.connect`, with
its :class:`Shutoff`: there is no way to save without the check.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from bot import wikifacts
from bot.errors import OutOfTime, StopRun, WikiError
from bot.model import PageState, Revision, SaveStatus
from bot.wiki.budget import Budget
from bot.wiki import internals
from bot.wiki.reads import Reads, Unreachable, _one_line

__all__ = ["SaveResult", "Shutoff", "Unreachable", "Wiki"]

#: pywikibot errors meaning the bot itself must stop (exit 3).
_STOP_CODES = {"blocked", "autoblocked", "assertuserfailed", "assertbotfailed",
               "assertnameduserfailed", "readonly", "notloggedin"}


@dataclass
class SaveResult:
    """What happened to one save."""

    title: str
    status: SaveStatus
    revid: int | None = None
    message: str = ""
    state: PageState | None = None
    """After a conflict: the page as it is now."""

    def __post_init__(self) -> None:
        self.status = SaveStatus(self.status)

    @property
    def ok(self) -> bool:
        return self.status in (SaveStatus.SAVED, SaveStatus.CREATED, SaveStatus.UNCHANGED)


@dataclass(frozen=True)
class Shutoff:
    """The page that must say ``word`` for the bot to edit, read in the run's first batch (see :meth:`Wiki._preflight`)."""

    title: str
    word: str = "yes"

    def allows(self, state: PageState) -> bool:
        """The page says the word, its comments aside: so that staff can start
        the bot again after a non-staff ``yes`` with a real edit (``yes
        <!-- started again by … -->``; saving ``yes`` again makes no revision)."""
        text = re.sub(r"<!--.*?(?:-->|$)", "", state.text, flags=re.S)
        return state.exists and text.strip().lower() == self.word.strip().lower()


@dataclass
class Wiki(Reads):
    """A logged-in connection to one wiki, and the checks every save passes."""

    site: Any
    _pywikibot: Any = field(repr=False)
    shutoff: Shutoff
    simulate: bool = False
    _shutoff_seen: tuple[int | None, bool] | None = field(default=None, repr=False)
    _facts: Any = field(default=None, repr=False)
    shutoff_editors: tuple[str, ...] | None = None
    """Who may set the shutoff page to the word (None: anyone; set from the
    configuration by ``Context.open``)."""
    untrusted_shutoff: str | None = None
    """The user whose ``yes`` on the shutoff page did not count, if any."""
    _groups: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    _loaded: dict[str, Any] = field(default_factory=dict, repr=False)
    """The pywikibot pages of the last reads, by title: a save reuses the one
    it read, so that pywikibot need not fetch the page again."""
    budget: Budget | None = None
    """The run's deadline; None: no limit (a test's or a tool's own Wiki)."""
    _cache: dict[str, PageState] = field(default_factory=dict, repr=False)
    """Every page read in this run, by title: :meth:`read` serves it from
    here until the bot saves that page (:meth:`save` drops it) or a fresh
    read replaces it (``read(fresh=True)``, and the re-reads after a
    conflict or a failed save)."""
    _histories: dict[str, list[Revision]] = field(default_factory=dict, repr=False)
    """Histories read in this run (:meth:`history`), with the same freshness."""
    _token_asked: bool = field(default=False, repr=False)
    """Whether a query has asked for the edit token already."""
    want_token: bool = False
    """A writing run: its first query also asks for the edit token (set by ``Context.open``)."""
    log_in: Callable[[], None] | None = field(default=None, repr=False)
    """The login still to check (set by :func:`~bot.wiki.connection.connect`):
    the next query asks ``meta=userinfo``, and calls this (a full login) if
    the wiki does not answer with the bot logged in."""
    unreachable: Callable[[Exception], WikiError] | None = field(default=None, repr=False)
    """The one line for a wiki that did not answer the run's first request
    (:func:`bot.wiki.connection.unreachable`)."""
    shutoff_recheck_seconds: float = 0.0
    """How long the shutoff page as read stays good for a write (0: it is
    checked again before every write; ``Context.open`` sets the configuration's)."""
    _shutoff_at: float = field(default=0.0, repr=False)
    """When (``time.monotonic``) the shutoff page last checked was read."""
    _doubt: bool = field(default=False, repr=False)
    """A save did not go through since the shutoff page was last checked."""
    _read_clock: dict[str, float] = field(default_factory=dict, repr=False)
    _latest: dict[str, tuple[int | None, Revision]] = field(default_factory=dict, repr=False)
    """The latest revision of each page read, with its parent's id: what
    extends a history known up to that parent (:meth:`history`)."""
    _saved: dict[str, int | None] = field(default_factory=dict, repr=False)
    """The revisions this run saved, by title."""
    _recent: dict[tuple[str, int | None], list[dict]] = field(default_factory=dict, repr=False)
    """Light histories read in this run (:meth:`recent_revisions`), by title and the revision this run
    saved of it (a save makes the next one a new read)."""
    _texts: dict[int, str] = field(default_factory=dict, repr=False)
    """Revision texts read in this run, by revision id (a revision's text never changes)."""

    # -- the run's budget ---------------------------------------------------------
    def out_of_time(self) -> bool:
        """Whether the run's deadline for starting a request has passed."""
        return self.budget is not None and self.budget.spent()

    def _starting(self, what: str) -> None:
        if self.out_of_time():
            raise OutOfTime(f"{self.budget.message()}: not starting to {what}; the next run does the rest")

    # -- identity -------------------------------------------------------------
    @property
    def username(self) -> str:
        return self.site.username() or ""

    def page_url(self, title: str) -> str:
        return self._pywikibot.Page(self.site, title).full_url()

    def confirm(self, title: str, old: str, new: str) -> str:
        """Show the diff of a save and ask, as pywikibot's ``BaseBot.userPut``
        does: its ``showDiff`` and ``input_choice`` (yes / no / all / quit).
        Returns 'y', 'n', 'a' or 'q' (also when nobody can answer: stdin closed)."""
        pwb = self._pywikibot
        pwb.info(f"\n\n>>> <<lightpurple>>{title}<<default>> <<<")
        pwb.showDiff(old, new)
        try:
            return pwb.input_choice("Do you want to accept these changes?",
                                    [("Yes", "y"), ("No", "n"), ("All", "a")], default="N")
        except (KeyboardInterrupt, EOFError):  # pywikibot's QuitKeyboardInterrupt is one
            return "q"

    def revision_url(self, revid: int) -> str:
        info = self.site.siteinfo
        return f"{info['server']}{info['script']}?oldid={revid}"

    # -- who may start it again ------------------------------------------------
    def group_members(self, groups: Iterable[str]) -> dict[str, list[str]]:
        """The members of ``groups`` (``list=allusers&augroup``), each with
        the ones of ``groups`` it is in, sorted: one request for up to 500
        members, as few more as the API says."""
        wanted = sorted(set(groups))
        members: dict[str, list[str]] = {}
        params: dict[str, Any] = dict(action="query", list="allusers", augroup="|".join(wanted), auprop="groups",
                                      aulimit="max", formatversion=2)
        while wanted:
            data = self._request(**params)
            for entry in data.get("query", {}).get("allusers", []):
                members[entry.get("name", "")] = sorted(set(entry.get("groups", [])) & set(wanted))
            if not data.get("continue"):
                break
            params.update(data["continue"])
        return dict(sorted(members.items()))

    def is_trusted(self, user: str | None, names: Iterable[str]) -> bool:
        """Whether ``user`` is the bot itself or one of ``names`` (accounts or
        ``group:NAME``; groups are asked for only when needed)."""
        return self.is_listed(user, (self.username, *names))

    def is_listed(self, user: str | None, names: Iterable[str]) -> bool:
        """Whether ``user`` is one of ``names`` (accounts, or ``group:NAME``
        for the members of a group, asked of the wiki only when needed)."""
        names = tuple(names)
        if not user or not names:
            return False
        if wikifacts.listed_user(user, (), names):
            return True
        return wikifacts.names_groups(names) and wikifacts.listed_user(user, self.user_groups([user])[user], names)

    def shutoff_allows(self, state: PageState | None = None) -> bool:
        """Whether the shutoff page exists and says the word (read now, unless
        ``state`` is the page as just read), in a last edit made by the bot,
        staff or an operator (``shutoff_editors``): anyone may stop the bot,
        not everyone may start it again."""
        if state is None:
            state = self._read([self.shutoff.title])[self.shutoff.title]
        self._shutoff_at = self._read_clock.get(state.title, time.monotonic())
        self._doubt = False
        ok = self.shutoff.allows(state)
        if ok and self.shutoff_editors is not None and not self.is_trusted(state.user, self.shutoff_editors):
            self.untrusted_shutoff = state.user
            ok = False
        self._shutoff_seen = (state.revid, ok)
        return ok

    def _preflight(self, title: str) -> int | None:
        """Just before a write: whether the shutoff page still says the word
        (raises :class:`StopRun` if not), and the latest revision of
        ``title`` when the run asked the wiki for it now (else None: the save's
        ``baserevid`` is the check).

        The shutoff page as read (in the run's first batch) is good for
        ``shutoff_recheck_seconds``, until a save does not go through; then,
        and before a save over a page this run saved already from a state read
        before that save, one request asks the latest revision of ``title`` and of the shutoff page
        (the shutoff page is read again only if it changed), with the edit
        token if no query has brought it yet."""
        seen = self._shutoff_seen
        fresh = (seen is not None and not self._doubt
                 and time.monotonic() - self._shutoff_at < self.shutoff_recheck_seconds)
        if not fresh:
            revids = self._latest_revids([title, self.shutoff.title], token=True)
            if seen is None or seen[0] != revids[self.shutoff.title]:
                self.shutoff_allows()
            else:
                self._shutoff_at, self._doubt = time.monotonic(), False
        if not self._shutoff_seen or not self._shutoff_seen[1]:
            raise StopRun(f"[[{self.shutoff.title}]] no longer says {self.shutoff.word!r}: "
                          "stopping before any further edit")
        return None if fresh else revids[title]

    def _has_csrf_token(self) -> bool:
        return internals.has_csrf_token(self.site)

    def _keep_csrf_token(self, token: str | None) -> None:
        internals.keep_csrf_token(self.site, token)

    # -- writing --------------------------------------------------------------
    def save(self, state: PageState, text: str, summary: str, *,
             new_section: str | None = None) -> SaveResult:
        """Save ``text`` over the page read as ``state``; with ``new_section``
        (a heading), add ``text`` as a new section under it (``section=new``).

        Returns a :class:`SaveResult`; raises :class:`StopRun` for a block, a
        lost login, or a shutoff page that no longer says the word, and
        :class:`~bot.errors.OutOfTime` past the run's deadline (before any
        request).  A conflict is returned, not retried: only the caller can
        recompute its change on the new text.  A save pywikibot gave up on
        is not sent again (that would multiply pywikibot's own retries).
        """
        if state.title in self._saved and self._saved[state.title] != state.revid:
            self._doubt = True  # a state read before this run's own save: ask the wiki
        result = self._save(state, text, summary, new_section=new_section)
        if result.status in (SaveStatus.SAVED, SaveStatus.CREATED):
            self._saved[state.title] = result.revid
        elif result.status in (SaveStatus.CONFLICT, SaveStatus.FAILED) or (
                result.status == SaveStatus.REFUSED and not result.message.startswith("{{bots}}")):
            self._doubt = True  # the next write checks the shutoff page and its page again
        return result

    def _save(self, state: PageState, text: str, summary: str, *,
              new_section: str | None = None) -> SaveResult:
        self._starting(f"save [[{state.title}]]")
        pwb = self._pywikibot
        title = state.title
        self._cache.pop(title, None)  # whatever happens now, the page as read is stale
        # (Its history as known stays a true beginning: ``history(latest=…)``
        # extends it, or reads it again.)
        if text == state.text and state.exists and new_section is None:
            return SaveResult(title, SaveStatus.UNCHANGED, state.revid)
        if new_section is None:
            def applied(now: PageState) -> bool:
                return _applied(now, text)
        else:
            def applied(now: PageState) -> bool:
                return _has_heading(now, new_section)
        if not state.bots_allowed:
            return SaveResult(title, SaveStatus.REFUSED, message="{{bots}}/{{nobots}} on the page excludes this bot")
        # The API ignores conflicts between edits of one account: check that no
        # other run of this bot saved the page since it was read.
        latest = self._preflight(title)
        if latest is not None and latest != state.revid:
            return SaveResult(title, SaveStatus.CONFLICT, message="the page changed since it was read",
                              state=self._read([title], keep=False)[title])
        page = self._loaded.get(title)
        if page is None or page.exists() != state.exists or (
                state.exists and internals.saved_revid(page) != state.revid):
            page = pwb.Page(self.site, title)
        params: dict[str, Any] = dict(
            text=text, minor=False, bot=True, assertuser=self.username,
            starttimestamp=state.read_at,
        )
        if state.exists:
            # ``baserevid``, and no ``basetimestamp``: MediaWiki (1.39's
            # EditPage) takes a conflict for a conflict with oneself when every
            # revision *after* ``basetimestamp`` is the saver's, and "after" is
            # to the second, so a community edit saved in the same second as
            # the revision read was overwritten.  With ``baserevid`` alone the
            # API compares revision ids (its own ApiEditPage says so).
            # pywikibot's ``editpage`` adds ``basetimestamp`` itself unless it
            # is given: ``None`` leaves it out of the request.
            params.update(baserevid=state.revid, basetimestamp=None, nocreate=True)
        else:
            params.update(createonly=True)
        if new_section is not None:
            params.update(section="new", sectiontitle=new_section)
        elif not state.exists and not title.endswith(".json"):
            # (A JSON page's empty content is ``{}``: appended to, it would be
            # invalid JSON, so its creation sends ``text``.)
            # A creation sends its text as ``appendtext`` (to an empty page:
            # the same page): with ``text``, pywikibot's ``editpage`` would
            # first ask for the latest revision of a page the batch read
            # found missing, one request for nothing; ``createonly`` still
            # refuses the save if somebody created the page meanwhile.
            params["appendtext"] = params.pop("text")
        try:
            saved = self.site.editpage(page, summary=summary, **params)
        except pwb.exceptions.EditConflictError:
            now = self._read([title], keep=False)[title]
            if applied(now):
                # Our own attempt was applied after all and its answer
                # lost, and pywikibot sent it once more (a creation then
                # comes back as "articleexists"): it counts as done.
                return SaveResult(title, SaveStatus.SAVED if state.exists else SaveStatus.CREATED, now.revid)
            return SaveResult(title, SaveStatus.CONFLICT, message="edit conflict", state=now)
        except (pwb.exceptions.LockedPageError, pwb.exceptions.SpamblacklistError,
                pwb.exceptions.AbuseFilterDisallowedError, pwb.exceptions.TitleblacklistError,
                pwb.exceptions.NoCreateError) as e:
            return SaveResult(title, SaveStatus.REFUSED, message=_refusal(e))
        except pwb.exceptions.APIError as e:
            if e.code in _STOP_CODES:
                raise StopRun(f"[[{title}]]: the wiki refused the edit ({e.code}): stopping") from None
            return SaveResult(title, SaveStatus.REFUSED, message=f"{e.code}: {_one_line(e.info)}")
        except (pwb.exceptions.ServerError, pwb.exceptions.ApiTimeoutError, ConnectionError, OSError) as e:
            # (ApiTimeoutError includes MaxlagTimeoutError; pywikibot
            # gives up with it after its own ``max_retries``.)  The wiki
            # may have applied the edit without our hearing it: look.
            # Not sent again: pywikibot retried it already, and the next
            # run does it (its plan finds the edit still to do).
            try:
                now = self._read([title], keep=False)[title]
            except WikiError:
                # The wiki stopped answering: no further edit is tried
                # (``apply_plan``); whether this one was applied, the next
                # run finds out.
                raise WikiError(f"the wiki did not answer: {_one_line(e)}") from None
            if applied(now):
                return SaveResult(title, SaveStatus.SAVED if state.exists else SaveStatus.CREATED, now.revid)
            if now.revid != state.revid:
                return SaveResult(title, SaveStatus.CONFLICT, message="the page changed during a failed save",
                                  state=now)
            return SaveResult(title, SaveStatus.FAILED, message=f"no answer from the wiki: {_one_line(e)}")
        except pwb.exceptions.Error as e:
            text_ = _one_line(e)
            if "blocked" in text_.lower():
                raise StopRun(f"[[{title}]]: {text_}") from None
            return SaveResult(title, SaveStatus.FAILED, message=text_)
        if saved is False:
            # pywikibot's editpage answers False, having only logged it, when
            # the wiki's result is not Success (a captcha, an extension's
            # own refusal): nothing was saved.
            return SaveResult(title, SaveStatus.FAILED, message="the wiki did not save the edit (a captcha or another "
                                                       "refusal without an error code); see the log")
        return SaveResult(title, SaveStatus.SAVED if state.exists else SaveStatus.CREATED, internals.saved_revid(page))

    def has_extension(self, name: str) -> bool:
        """Whether the wiki runs the extension ``name`` (``meta=siteinfo&siprop=extensions``)."""
        pwb = self._pywikibot
        try:
            return bool(self.site.has_extension(name))
        except pwb.exceptions.Error as e:
            raise WikiError(f"the wiki did not say its extensions: {_one_line(e)}") from None

    def massmessage(self, params: dict[str, str]) -> SaveResult:
        """Send one ``action=massmessage`` request (``params`` without the token)."""
        self._starting(f"MassMessage to [[{params['spamlist']}]]")
        pwb = self._pywikibot
        self._preflight(params["spamlist"])  # the shutoff check, as before every write
        try:
            self.site.simple_request(**params, token=self.site.tokens["csrf"],
                                     assertuser=self.username).submit()
        except pwb.exceptions.APIError as e:
            if e.code in _STOP_CODES:
                raise StopRun(f"[[{params['spamlist']}]]: the wiki refused the message ({e.code}): stopping") from None
            return SaveResult(params["spamlist"], SaveStatus.REFUSED, message=f"{e.code}: {_one_line(e.info)}")
        except pwb.exceptions.Error as e:
            return SaveResult(params["spamlist"], SaveStatus.FAILED, message=_one_line(e))
        return SaveResult(params["spamlist"], SaveStatus.SAVED)


def _applied(now: PageState, text: str) -> bool:
    """Whether the page as read ``now`` holds ``text`` (MediaWiki trims
    trailing white space on save, so a saved text may differ there)."""
    return now.exists and now.text.rstrip() == text.rstrip()


def _has_heading(now: PageState, heading: str) -> bool:
    """Whether the page as read ``now`` has a section called ``heading`` (a
    ``section=new`` edit that was applied)."""
    from bot.wikifacts import heading_text

    return now.exists and any(heading_text(line) == heading.strip() for line in now.text.split("\n"))


def _refusal(error: Exception) -> str:
    name = type(error).__name__.replace("Error", "")
    kinds = {
        "LockedPage": "the page is protected", "LockedNoPage": "the title is protected",
        "CascadeLockedPage": "the page is cascade-protected",
        "Spamblacklist": "a link is on the spam blacklist",
        "AbuseFilterDisallowed": "an abuse filter refused the edit",
        "Titleblacklist": "the title is blacklisted", "NoCreate": "the page was deleted",
    }
    return f"{kinds.get(name, name)}: {_one_line(error)}"
