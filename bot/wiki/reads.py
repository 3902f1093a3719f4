"""Reading from the wiki, through pywikibot: the half of :class:`bot.wiki.pages.Wiki` that asks.

Pages are read in batches (:meth:`Reads.read`) and kept for the run, with
their histories; every query carries what the run still needs to ask besides
(:meth:`Reads._riders`): the login check (``meta=userinfo``) while it is
unchecked, and for a writing run the edit token (``meta=tokens``), so that
neither costs a request of its own.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable

from bot import wikifacts
from bot.errors import WikiError
from bot.model import PageState, Revision
from bot.wiki import internals


class Unreachable(WikiError):
    """The wiki did not answer the run's first request (see
    :func:`bot.wiki.connection.unreachable`)."""


class Reads:
    """The reading methods of :class:`bot.wiki.pages.Wiki` (whose fields they use)."""

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
            timestamp=stamp, parent=rev.get("parentid")))

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
        if latest is None and title in self._saved:
            latest = self._saved[title]  # saved since: the history must reach that revision
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
        """The latest ``limit`` revisions of ``title`` (``prop=revisions``,
        asked newest first and continued as the API says), given oldest
        first; the first one's ``parent`` is 0 when they reach the page's
        creation.  With ``facts``, the first request also asks for the
        language facts (``meta=siteinfo|allmessages``).  Once a page passes
        ``limit`` revisions, these are its latest, never its first ones:
        asked oldest first, the index's last revision read was then its
        500th, and every session listed after it was never acted on."""
        params: dict[str, Any] = dict(action="query", prop="revisions", titles=title,
                                      rvprop="ids|user|timestamp|comment|content", rvslots="main",
                                      rvlimit=min(limit, 500), formatversion="2")
        if facts:
            params.update(_FACTS_QUERY)
        revisions: list[Revision] = []
        while True:
            answer = self._history_request(title, params)
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
                    parent=rev.get("parentid"),
                ))
            more = answer.get("continue")
            if not more or len(revisions) >= limit:
                return revisions[:limit][::-1]
            params.update(more, rvlimit=min(limit - len(revisions), 500))

    def revisions_before(self, title: str, first: Revision, keep: Callable[[str], bool], *,
                         limit: int = 50_000) -> tuple[list[Revision], bool]:
        """What a history cut short (``first``, its oldest revision read,
        has a parent) needs from before it: the revisions whose user ``keep``
        answers True for, each with the revision before it, with their texts,
        oldest first; and whether the walk reached the page's creation.

        The walk is light (``rvprop=ids|user|timestamp|sha1``, 500 or, for a
        bot, 5,000 revisions a request, up to ``limit``), and only the texts
        kept are read (50 a request, one per distinct text): a member who
        saves the index thousands of times costs a few light requests, not
        thousands of texts, and no longer pushes the staff's revisions out
        of what the bot reads."""
        light: list[dict] = []  # newest first: light[0] is the parent of ``first``
        params: dict[str, Any] = dict(action="query", prop="revisions", titles=title, rvprop="ids|user|timestamp|sha1",
                                      rvstartid=first.parent, rvlimit="max", formatversion="2")
        self._starting("read a history")
        while first.parent and len(light) < limit:
            answer = self._history_request(title, params)
            pages = answer.get("query", {}).get("pages", [])
            if not pages or pages[0].get("missing") or pages[0].get("invalid"):
                break
            light += pages[0].get("revisions", [])
            more = answer.get("continue")
            if not more:
                break
            params.update(more)
        light = light[:limit]
        complete = not first.parent or bool(light and light[-1].get("parentid") == 0)
        wanted: set[int] = set()
        if keep(first.user) and light:
            wanted.add(light[0]["revid"])
        for number, entry in enumerate(light):
            if keep(entry.get("user") or ""):
                wanted.add(entry["revid"])
                if number + 1 < len(light):
                    wanted.add(light[number + 1]["revid"])
        chosen = [entry for entry in reversed(light) if entry["revid"] in wanted]
        def key(entry: dict) -> str:
            return entry.get("sha1") or f"revid {entry['revid']}"

        read_as: dict[str, int] = {}  # a text's key: the revision whose text is read for it
        for entry in chosen:
            read_as.setdefault(key(entry), entry["revid"])
        for chunk in _chunks([r for r in dict.fromkeys(read_as.values()) if r not in self._texts], 50):
            data = self._request(action="query", prop="revisions", revids="|".join(map(str, chunk)),
                                 rvprop="ids|content", rvslots="main", formatversion="2")
            for page in data.get("query", {}).get("pages", []):
                for rev in page.get("revisions", []):
                    content = rev.get("slots", {}).get("main", {}).get("content")
                    if content is not None:
                        self._texts[rev["revid"]] = content
        revisions = []
        for entry in chosen:
            text = self._texts.get(entry["revid"], self._texts.get(read_as[key(entry)]))
            if text is None:  # deleted or hidden: what it listed is not known
                continue
            revisions.append(Revision(
                revid=entry["revid"], user=entry.get("user") or "", text=text,
                timestamp=datetime.fromisoformat(entry["timestamp"].replace("Z", "+00:00")),
                parent=entry.get("parentid")))
        return revisions, complete

    def _history_request(self, title: str, params: dict[str, Any]) -> dict:
        try:
            return self._request(**params)
        except Unreachable:
            raise
        except WikiError as e:
            raise WikiError(f"[[{title}]]: could not read the history: {e}") from None

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
        :mod:`bot.publish.approval` needs to see a page move).  Served again
        within the run until the bot saves the page (the start time, the
        notes' own part and the records each walk it)."""
        key = (title, self._saved.get(title))
        if key not in self._recent:
            data = self._request(action="query", prop="revisions", titles=title,
                                 rvprop="ids|user|timestamp|sha1|comment", rvlimit=limit, formatversion=2)
            pages = data["query"].get("pages", [])
            self._recent[key] = [] if not pages or pages[0].get("missing") else list(pages[0].get("revisions", []))
        return list(self._recent[key])

    def moved_here(self, title: str, mover: str, timestamp: str) -> bool:
        """Whether the move log has a move by ``mover`` at ``timestamp`` (ISO,
        give or take a few seconds) whose target is ``title`` (one request:
        ``list=logevents&letype=move&leuser=…&lestart=…&leend=…``)."""
        at = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
        data = self._request(action="query", list="logevents", letype="move", leuser=mover,
                             lestart=(at + _MOVE_SLACK).strftime(_API_TIME),
                             leend=(at - _MOVE_SLACK).strftime(_API_TIME),
                             leprop="title|details|timestamp", lelimit=50, formatversion=2)
        want = wikifacts.normalise_title(title)
        return any(wikifacts.normalise_title(event.get("params", {}).get("target_title", "")) == want
                   for event in data.get("query", {}).get("logevents", []))

    def revision_text(self, revid: int) -> str:
        """The text of one revision (read once a run)."""
        if revid in self._texts:
            return self._texts[revid]
        data = self._request(action="query", prop="revisions", revids=revid, rvprop="content",
                             rvslots="main", formatversion=2)
        pages = data["query"].get("pages", [])
        try:
            text = self._texts[revid] = pages[0]["revisions"][0]["slots"]["main"]["content"]
        except (IndexError, KeyError):
            raise WikiError(f"revision {revid}: its text could not be read (deleted or hidden?)") from None
        return text

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

#: The parameters of the language facts' query (:meth:`Wiki.language_facts`).
_FACTS_QUERY = dict(meta="siteinfo|allmessages", siprop="general|namespaces|namespacealiases",
                    ammessages="|".join(wikifacts.SITE_MESSAGES), amenableparser="")


#: How far apart a move's null revision and its log entry may be timed.
_MOVE_SLACK = timedelta(seconds=5)
_API_TIME = "%Y-%m-%dT%H:%M:%SZ"


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _chunks(items: list, size: int) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _one_line(error: object) -> str:
    return " ".join(str(error).split())[:300]
