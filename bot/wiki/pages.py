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

A :class:`Wiki` is made only by :func:`bot.wiki.connection.connect`, with
its :class:`Shutoff`: there is no way to save without the check.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable

from bot import wikifacts
from bot.errors import OutOfTime, StopRun, WikiError
from bot.model import PageState, Revision, SaveStatus
from bot.wiki.budget import Budget
from bot.wiki import internals

#: pywikibot errors meaning the bot itself must stop (exit 3).
_STOP_CODES = {"blocked", "autoblocked", "assertuserfailed", "assertbotfailed",
               "assertnameduserfailed", "readonly", "notloggedin"}


class Unreachable(WikiError):
    """The wiki did not answer the run's first request (see
    :func:`bot.wiki.connection.unreachable`)."""


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
    """The page that must say ``word`` for the bot to edit, checked before every write."""

    title: str
    word: str = "yes"

    def allows(self, state: PageState) -> bool:
        """The page says the word, its comments aside: so that staff can start
        the bot again after a non-staff ``yes`` with a real edit (``yes
        <!-- started again by … -->``; saving ``yes`` again makes no revision)."""
        text = re.sub(r"<!--.*?(?:-->|$)", "", state.text, flags=re.S)
        return state.exists and text.strip().lower() == self.word.strip().lower()


@dataclass
class Wiki:
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

    # -- reading --------------------------------------------------------------
    def language_facts(self):
        """The wiki's language facts (:class:`bot.wikifacts.LanguageFacts`) from the site itself:
        namespaces and their aliases, the time zone, and the month names and "UTC" in
        its content language, in one ``meta=siteinfo|allmessages`` request (once per run)."""
        if self._facts is None:
            self._keep_facts(self._request(action="query", **_FACTS_QUERY, formatversion="2"))
        return self._facts

    def _keep_facts(self, answer: dict) -> None:
        query = answer.get("query", {})
        messages = {m["name"]: m.get("content", m.get("*", "")) for m in query.get("allmessages", [])
                    if "missing" not in m}
        self._facts = wikifacts.site_facts(query, messages)

    def read(self, titles: Iterable[str], *, fresh: bool = False) -> dict[str, PageState]:
        """Every title, the pages not read yet in one batched request
        (``preloadpages``, with the templates used, so that ``{{nobots}}``
        needs no further request).  A page read earlier in the run is served
        as read then, until the bot saves it; ``fresh`` reads every title
        anew (a save checks its base revision anyway, so a page read a little
        earlier is never saved over a newer revision).
        Past the run's deadline, raises :class:`~bot.errors.OutOfTime`."""
        self._starting("read a page")
        wanted = list(dict.fromkeys(titles))
        rest = wanted if fresh else [t for t in wanted if t not in self._cache]
        if rest:
            self._read(rest)
        return {t: self._cache[t] for t in wanted}

    def read_saved(self, also: Iterable[str] = ()) -> None:
        """Read again, in one batch, every page this run saved since it was
        last read (its state as read was dropped by the save), with ``also``
        where not read yet: what a use case reads after its edits costs one
        request, not one a page."""
        titles = [t for t in dict.fromkeys([*self._saved, *also]) if t not in self._cache]
        if titles:
            self.read(titles)

    def known_revids(self, titles: Iterable[str]) -> dict[str, int | None]:
        """The revision of each title as this run last read it, the titles
        not read yet asked in one request (:meth:`latest_revids`)."""
        wanted = list(dict.fromkeys(titles))
        rest = [t for t in wanted if t not in self._cache]
        asked = self.latest_revids(rest) if rest else {}
        return {t: asked[t] if t in asked else self._cache[t].revid for t in wanted}

    def forget_pages(self) -> None:
        """Forget every page and history read (the end of a run)."""
        self._cache.clear()
        self._histories.clear()
        self._latest.clear()

    def _read(self, titles: Iterable[str], *, keep: bool = True) -> dict[str, PageState]:
        """A fresh read of ``titles`` into the cache, also past the deadline
        (for an edit in progress).  ``keep=False``: not into the cache (a
        save's re-read after a conflict, which goes back to its caller in the
        :class:`SaveResult`; someone may edit the page again before the
        caller's next read, which must then ask the wiki)."""
        pwb = self._pywikibot
        wanted = list(dict.fromkeys(titles))
        pages: list = []
        read_at = _now()
        states = {}
        try:
            # (Making a Page may ask the wiki its namespaces, the first time
            # on a new pywikibot folder: inside the ``try`` too.)
            pages = [pwb.Page(self.site, t) for t in wanted]
            if pages:
                self._preload(pages)
            clock = time.monotonic()
            # Inside the ``try``: should a page need one more request (one
            # that preloading did not fill in), its failure is a WikiError
            # too, not a traceback.
            for title, page in zip(wanted, pages):
                states[title] = self._state(page, read_at)
                self._keep_latest(title, page)
                if keep:
                    self._cache[title] = states[title]
                self._read_clock[title] = clock
                self._loaded[title] = page
        except pwb.exceptions.Error as e:
            raise self._failure(e, f"could not read {len(wanted)} page(s): {_one_line(e)}") from None
        return states

    def _preload(self, pages: list) -> None:
        """pywikibot's ``preloadpages`` (with the templates used), 50 pages a
        request, and the run's pending ``meta`` queries (the login check, the
        edit token) in the first: ``preloadpages`` cannot carry them, which
        would cost a request each.  Written with pywikibot's own
        ``PropertyGenerator`` and ``update_page``, as ``preloadpages`` is."""
        from pywikibot.data import api

        for chunk in _chunks(pages, 50):
            by_title = {p.title(with_section=False): p for p in chunk}
            gen = api.PropertyGenerator("revisions|info|categoryinfo|templates", site=self.site)
            gen.set_maximum_items(-1)  # no "rvlimit": the latest revision of each page
            gen.request["titles"] = list(by_title)
            gen.request["rvprop"] = _RVPROPS
            riders = self._riders()
            if riders:
                for key, value in riders.items():
                    gen.request[key] = value
                submit = gen.request.submit

                def first_submit(submit=submit, request=gen.request):
                    answer = submit()
                    request.submit = submit  # the continuations (if any) as they are
                    self._took(answer)
                    return answer
                gen.request.submit = first_submit
            for data in gen:
                title = data.get("title")
                page = by_title.get(title) or next((p for t, p in by_title.items()
                                                    if self.site.sametitle(t, title or "")), None)
                if page is not None:
                    api.update_page(page, data, gen.props)

    def _state(self, page: Any, read_at: str) -> PageState:
        title = page.title()
        if not page.exists():
            return PageState(title=title, exists=False, read_at=read_at,
                             bots_allowed=True)
        rev = page.latest_revision
        redirect = None
        if page.isRedirectPage():
            try:
                redirect = page.getRedirectTarget().title()
            except self._pywikibot.exceptions.Error:
                redirect = None
        return PageState(
            title=title, exists=True, text=page.text, revid=rev.revid,
            timestamp=rev.timestamp.isoformat(),
            read_at=read_at, bots_allowed=self._bots_allowed(page), redirect_target=redirect,
            user=rev.user or None,
        )

    def _keep_latest(self, title: str, page: Any) -> None:
        if not page.exists():
            self._latest.pop(title, None)
            return
        rev = page.latest_revision
        stamp = datetime.fromisoformat(rev.timestamp.isoformat().replace("Z", "+00:00"))
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=timezone.utc)
        self._latest[title] = (rev.get("parentid"), Revision(
            revid=rev.revid, user=rev.get("user") or "", comment=rev.get("comment") or "", text=page.text,
            timestamp=stamp))

    def _bots_allowed(self, page: Any) -> bool:
        """pywikibot's ``botMayEdit``, which parses the whole page; skipped
        when the page uses none of the templates it looks for (the batch read
        already listed the page's templates), with the same answer."""
        used = {t.title(with_ns=False) for t in page.templates()}
        watched = {"Bots", "Nobots", *self.site.get_edit_restricted_templates(),
                   *self.site.get_archived_page_templates()}
        return True if not used & watched else page.botMayEdit()

    def latest_revids(self, titles: Iterable[str]) -> dict[str, int | None]:
        """The latest revision id of each title, in one request (no content)."""
        self._starting("check the pages' revisions")
        return self._latest_revids(titles)

    def _latest_revids(self, titles: Iterable[str], *, token: bool = False) -> dict[str, int | None]:
        """:meth:`latest_revids`; with ``token``, the first request also
        fetches the edit token and gives it to pywikibot's token cache."""
        wanted = list(dict.fromkeys(titles))
        result: dict[str, int | None] = {t: None for t in wanted}
        for chunk in _chunks(wanted, 50):
            params: dict[str, Any] = dict(action="query", prop="info", titles="|".join(chunk), formatversion=2)
            if token and not self._token_asked and not self._has_csrf_token():
                params.update(meta="tokens", type="csrf")
            data = self._request(**params)
            token = False
            normalized = {n["to"]: n["from"] for n in data["query"].get("normalized", [])}
            for page in data["query"].get("pages", []):
                title = normalized.get(page["title"], page["title"])
                result[title] = None if page.get("missing") else page.get("lastrevid")
        return result

    def history(self, title: str, limit: int = 500, *, latest: int | None = None) -> list[Revision]:
        """The page's revisions with their text, oldest first, in as few
        requests as the API allows (a bot gets 500 revisions with content per
        request).  A history read earlier in the run is served again, unless
        the bot saved the page since or ``latest`` (the page's revision as
        read) is not its last revision.  The run's first history request
        also brings the wiki's language facts (:meth:`language_facts`)."""
        known = self._histories.get(title)
        if known and latest is not None and known[-1].revid != latest:
            parent, revision = self._latest.get(title, (None, None))
            if revision is not None and revision.revid == latest and parent == known[-1].revid:
                # The page's one new revision, as its last read gave it
                # (its parent is the last one known): no request.
                known = self._histories[title] = [*known, revision]
        if known is not None and len(known) <= limit and (latest is None or (known and known[-1].revid == latest)):
            return known
        self._starting("read a history")
        revisions = self._histories[title] = self._history(title, limit, facts=self._facts is None)
        return revisions

    def _history(self, title: str, limit: int, *, facts: bool = False) -> list[Revision]:
        """The revisions of ``title`` (``prop=revisions``, oldest first, up to
        ``limit``, continued as the API says); with ``facts``, the first
        request also asks for the language facts (``meta=siteinfo|allmessages``)."""
        params: dict[str, Any] = dict(action="query", prop="revisions", titles=title, rvdir="newer",
                                      rvprop="ids|user|timestamp|comment|content", rvslots="main",
                                      rvlimit=min(limit, 500), formatversion="2")
        if facts:
            params.update(_FACTS_QUERY)
        revisions: list[Revision] = []
        while True:
            try:
                answer = self._request(**params)
            except Unreachable:
                raise
            except WikiError as e:
                raise WikiError(f"[[{title}]]: could not read the history: {e}") from None
            if facts:
                self._keep_facts(answer)
                facts = False
                for key in _FACTS_QUERY:
                    params.pop(key)
            pages = answer.get("query", {}).get("pages", [])
            if not pages or pages[0].get("missing") or pages[0].get("invalid"):
                return []
            for rev in pages[0].get("revisions", []):
                revisions.append(Revision(
                    revid=rev["revid"], user=rev.get("user") or "", comment=rev.get("comment") or "",
                    text=rev.get("slots", {}).get("main", {}).get("content") or "",
                    timestamp=datetime.fromisoformat(rev["timestamp"].replace("Z", "+00:00")),
                ))
            more = answer.get("continue")
            if not more or len(revisions) >= limit:
                return revisions[:limit]
            params.update(more, rvlimit=min(limit - len(revisions), 500))

    def edit_protection(self, titles: Iterable[str]) -> dict[str, frozenset[str]]:
        """The levels (``sysop``, ``editinterface``…) protecting each page from
        editing, in one request for up to 50."""
        wanted = list(dict.fromkeys(titles))
        result: dict[str, frozenset[str]] = {t: frozenset() for t in wanted}
        for chunk in _chunks(wanted, 50):
            data = self._request(action="query", prop="info", inprop="protection", titles="|".join(chunk),
                                 formatversion=2)
            normalized = {n["to"]: n["from"] for n in data["query"].get("normalized", [])}
            for page in data["query"].get("pages", []):
                title = normalized.get(page["title"], page["title"])
                result[title] = frozenset(p["level"] for p in page.get("protection", [])
                                          if p.get("type") == "edit")
        return result

    def recent_revisions(self, title: str, limit: int = 500) -> list[dict]:
        """The page's latest revisions, newest first, without their text (one
        light request), each as the API gives it: ``revid``, ``parentid``,
        ``user``, ``timestamp``, ``sha1``, ``comment`` (what
        :mod:`bot.publish.approval` needs to see a page move)."""
        data = self._request(action="query", prop="revisions", titles=title,
                             rvprop="ids|user|timestamp|sha1|comment", rvlimit=limit, formatversion=2)
        pages = data["query"].get("pages", [])
        if not pages or pages[0].get("missing"):
            return []
        return list(pages[0].get("revisions", []))

    def moved_here(self, title: str, mover: str, timestamp: str) -> bool:
        """Whether the move log has a move by ``mover`` at ``timestamp`` (ISO,
        give or take a few seconds) whose target is ``title`` (one request:
        ``list=logevents&letype=move&leuser=…&lestart=…&leend=…``)."""
        at = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
        data = self._request(action="query", list="logevents", letype="move", leuser=mover,
                             lestart=(at + _MOVE_SLACK).strftime(_API_TIME), leend=(at - _MOVE_SLACK).strftime(_API_TIME),
                             leprop="title|details|timestamp", lelimit=50, formatversion=2)
        want = wikifacts.normalise_title(title)
        return any(wikifacts.normalise_title(event.get("params", {}).get("target_title", "")) == want
                   for event in data.get("query", {}).get("logevents", []))

    def revision_text(self, revid: int) -> str:
        """The text of one revision."""
        data = self._request(action="query", prop="revisions", revids=revid, rvprop="content",
                             rvslots="main", formatversion=2)
        pages = data["query"].get("pages", [])
        try:
            return pages[0]["revisions"][0]["slots"]["main"]["content"]
        except (IndexError, KeyError):
            raise WikiError(f"revision {revid}: its text could not be read (deleted or hidden?)") from None

    def user_groups(self, users: Iterable[str]) -> dict[str, frozenset[str]]:
        """The groups of each user (one request for up to 50; remembered)."""
        wanted = [u for u in dict.fromkeys(users) if u and u not in self._groups]
        for chunk in _chunks(wanted, 50):
            data = self._request(action="query", list="users", ususers="|".join(chunk), usprop="groups",
                                 formatversion=2)
            for entry in data["query"].get("users", []):
                self._groups[entry.get("name", "")] = frozenset(entry.get("groups", []))
            for user in chunk:
                self._groups.setdefault(user, frozenset())
        return {u: self._groups.get(u, frozenset()) for u in users if u}

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
            now = self._read([title], keep=False)[title]
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

    # -- plumbing -------------------------------------------------------------
    def _request(self, **params: Any) -> dict:
        """One API request; a query also carries the run's pending ``meta``
        queries (:meth:`_riders`)."""
        pwb = self._pywikibot
        riders = self._riders() if params.get("action") == "query" else {}
        if riders:
            meta = [*str(params.get("meta") or "").split("|"), *riders["meta"].split("|")]
            params = {**params, **riders, "meta": "|".join(dict.fromkeys(filter(None, meta)))}
        try:
            answer = self.site.simple_request(**params).submit()
        except pwb.exceptions.Error as e:
            raise self._failure(e, f"the wiki did not answer: {_one_line(e)}") from None
        if params.get("action") == "query":
            self._took(answer)
        return answer

    def _failure(self, error: Exception, message: str) -> WikiError:
        """The error of a failed request: :class:`Unreachable`'s one line for
        the run's first (the login is still unchecked, and pywikibot gave
        up on the wiki, not on an API error), else ``message``."""
        if (self.log_in is not None and self.unreachable is not None
                and not isinstance(error, self._pywikibot.exceptions.APIError)):
            return self.unreachable(error)
        return WikiError(message)

    def _riders(self) -> dict[str, str]:
        """What the next query asks besides its own: ``meta=userinfo`` while
        the login is unchecked, ``meta=tokens`` for a writing run without
        its edit token."""
        meta, params = [], {}
        if self.log_in is not None:
            meta.append("userinfo")
            params["uiprop"] = internals.USERINFO_PROPS
        if self.want_token and not self.simulate and not self._token_asked and (
                self.log_in is not None or not self._has_csrf_token()):
            meta.append("tokens")
            params["type"] = "csrf"
        return {"meta": "|".join(meta), **params} if meta else {}

    def _took(self, answer: dict) -> None:
        """Keep what the riders brought: the user (or log in, if the wiki
        did not answer with the bot logged in) and the edit token."""
        query = answer.get("query", {}) if isinstance(answer, dict) else {}
        tokens = query.get("tokens")
        if tokens is not None:
            self._token_asked = True
        if self.log_in is not None and "userinfo" in query:
            log_in, self.log_in = self.log_in, None
            if not internals.keep_userinfo(self.site, query["userinfo"]):
                log_in()
                return  # a token asked before the login is not the bot's
        if tokens is not None:
            self._keep_csrf_token(tokens.get("csrftoken"))


#: What ``preloadpages`` asks of each page's latest revision (pywikibot's
#: ``_rvprops(content=True)`` on MediaWiki 1.32 and later).
_RVPROPS = "comment|contentmodel|flags|ids|parsedcomment|sha1|size|tags|timestamp|user|userid|content|roles"

#: How far apart a move's null revision and its log entry may be timed.
_MOVE_SLACK = timedelta(seconds=5)
_API_TIME = "%Y-%m-%dT%H:%M:%SZ"

#: The parameters of the language facts' query (:meth:`Wiki.language_facts`).
_FACTS_QUERY = dict(meta="siteinfo|allmessages", siprop="general|namespaces|namespacealiases",
                    ammessages="|".join(wikifacts.SITE_MESSAGES), amenableparser="")


def _applied(now: PageState, text: str) -> bool:
    """Whether the page as read ``now`` holds ``text`` (MediaWiki trims
    trailing white space on save, so a saved text may differ there)."""
    return now.exists and now.text.rstrip() == text.rstrip()


def _has_heading(now: PageState, heading: str) -> bool:
    """Whether the page as read ``now`` has a section called ``heading`` (a
    ``section=new`` edit that was applied)."""
    from bot.wikifacts import heading_text

    return now.exists and any(heading_text(line) == heading.strip() for line in now.text.split("\n"))


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _one_line(error: object) -> str:
    return " ".join(str(error).split())[:300]


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


