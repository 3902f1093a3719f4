"""The one module that talks to the wiki, through pywikibot.

Everything else in the bot is pure: it reads :class:`PageState` values and
returns text.  This module reads pages in batches, saves with conflict
detection, and applies the rules that make the bot safe to run on a wiki that
people edit at the same time:

* every save sends ``basetimestamp`` and ``starttimestamp`` (pywikibot sends
  only the first) and ``assertuser``, so a community edit made after the bot
  read the page is never overwritten: the save fails with a conflict, and the
  caller recomputes its change on the new text;
* since the API ignores conflicts between two edits of the same account, the
  latest revision is checked once more just before each save;
* a save that timed out is not simply sent again: the page is re-read first,
  and if the wiki applied the edit after all, it counts as done;
* ``{{bots}}``/``{{nobots}}`` (pywikibot's ``botMayEdit``) and the shutoff
  page are checked before every write.

``PYWIKIBOT_DIR`` must be set before :func:`connect` (pywikibot reads its
configuration when it is first imported); ``-dir:`` on the command line does
that.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable

from bot import logs
from bot.errors import StopRun, UsageError, WikiError
from bot.model import Revision

#: pywikibot errors meaning the bot itself must stop (exit 3).
_STOP_CODES = {"blocked", "autoblocked", "assertuserfailed", "assertbotfailed",
               "assertnameduserfailed", "readonly", "notloggedin"}


@dataclass
class PageState:
    """A page as the bot read it: what it says, and at which revision."""

    title: str
    exists: bool
    text: str = ""
    revid: int | None = None
    timestamp: str | None = None
    """Timestamp of the revision read (the edit's ``basetimestamp``)."""
    read_at: str = ""
    """When the page was read (the edit's ``starttimestamp``)."""
    bots_allowed: bool = True
    redirect_target: str | None = None
    protected: bool = False


@dataclass
class SaveResult:
    """What happened to one save."""

    title: str
    status: str
    """'saved', 'created', 'unchanged', 'conflict', 'refused' or 'failed'."""
    revid: int | None = None
    message: str = ""
    state: PageState | None = None
    """After a conflict: the page as it is now."""

    @property
    def ok(self) -> bool:
        return self.status in ("saved", "created", "unchanged")


@dataclass
class Wiki:
    """A logged-in connection to one wiki."""

    site: Any
    simulate: bool = False
    shutoff_title: str | None = None
    """The page that must say ``shutoff_word`` for the bot to edit (checked before every write)."""
    shutoff_word: str = "yes"
    _shutoff_seen: tuple[int | None, bool] | None = field(default=None, repr=False)
    _loaded: dict[str, Any] = field(default_factory=dict, repr=False)
    """The pywikibot pages of the last reads, by title: a save reuses the one
    it read, so that pywikibot need not fetch the page again."""
    _pywikibot: Any = field(default=None, repr=False)

    # -- identity -------------------------------------------------------------
    @property
    def username(self) -> str:
        return self.site.username() or ""

    def page_url(self, title: str) -> str:
        return self._pywikibot.Page(self.site, title).full_url()

    def revision_url(self, revid: int) -> str:
        info = self.site.siteinfo
        return f"{info['server']}{info['script']}?oldid={revid}"

    # -- reading --------------------------------------------------------------
    def read(self, titles: Iterable[str]) -> dict[str, PageState]:
        """Read every title in one batched request (``preloadpages``, with the
        templates used, so that ``{{nobots}}`` needs no further request)."""
        pwb = self._pywikibot
        wanted = list(dict.fromkeys(titles))
        pages = [pwb.Page(self.site, t) for t in wanted]
        read_at = _now()
        states = {}
        try:
            if pages:
                for _ in self.site.preloadpages(pages, templates=True, groupsize=50):
                    pass
            # Inside the ``try``: should a page need one more request (one
            # that preloading did not fill in), its failure is a WikiError
            # too, not a traceback.
            for title, page in zip(wanted, pages):
                states[title] = self._state(page, read_at)
                self._loaded[title] = page
        except pwb.exceptions.Error as e:
            raise WikiError(f"could not read {len(pages)} page(s): {_one_line(e)}") from None
        return states

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
        )

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
        wanted = list(dict.fromkeys(titles))
        result: dict[str, int | None] = {t: None for t in wanted}
        for chunk in _chunks(wanted, 50):
            data = self._request(action="query", prop="info", titles="|".join(chunk), formatversion=2)
            normalized = {n["to"]: n["from"] for n in data["query"].get("normalized", [])}
            for page in data["query"].get("pages", []):
                title = normalized.get(page["title"], page["title"])
                result[title] = None if page.get("missing") else page.get("lastrevid")
        return result

    def history(self, title: str, limit: int = 500) -> list[Revision]:
        """The page's revisions with their text, oldest first, in as few
        requests as the API allows (a bot gets 500 revisions with content per
        request)."""
        pwb = self._pywikibot
        page = pwb.Page(self.site, title)
        revisions = []
        try:
            for rev in page.revisions(content=True, reverse=True, total=limit):
                revisions.append(Revision(
                    revid=rev.revid, user=rev.user or "", text=rev.text or "",
                    timestamp=rev.timestamp.replace(tzinfo=timezone.utc), comment=rev.comment or "",
                ))
        except pwb.exceptions.NoPageError:
            return []
        except pwb.exceptions.Error as e:
            raise WikiError(f"[[{title}]]: could not read the history: {_one_line(e)}") from None
        return revisions

    def shutoff_allows(self, state: PageState | None = None) -> bool:
        """Whether the shutoff page exists and says the word (read now, unless
        ``state`` is the page as just read)."""
        if self.shutoff_title is None:
            return True
        if state is None:
            state = self.read([self.shutoff_title])[self.shutoff_title]
        ok = state.exists and state.text.strip().lower() == self.shutoff_word.strip().lower()
        self._shutoff_seen = (state.revid, ok)
        return ok

    def _preflight(self, title: str) -> int | None:
        """Just before a write, in one request: the latest revision of
        ``title``, and whether the shutoff page changed since it was last read
        (it is read again only then).  Raises :class:`StopRun` if it no longer
        says the word."""
        titles = [title] + ([self.shutoff_title] if self.shutoff_title else [])
        revids = self.latest_revids(titles)
        if self.shutoff_title:
            seen = self._shutoff_seen
            if seen is None or seen[0] != revids[self.shutoff_title]:
                self.shutoff_allows()
            if not self._shutoff_seen or not self._shutoff_seen[1]:
                raise StopRun(f"[[{self.shutoff_title}]] no longer says {self.shutoff_word!r}: "
                              "stopping before any further edit")
        return revids[title]

    # -- writing --------------------------------------------------------------
    def save(self, state: PageState, text: str, summary: str, *, retries: int = 2) -> SaveResult:
        """Save ``text`` over the page read as ``state``.

        Returns a :class:`SaveResult`; raises :class:`StopRun` for a block, a
        lost login, or a shutoff page that no longer says the word.  A conflict is returned, not retried: only the caller can
        recompute its change on the new text.
        """
        pwb = self._pywikibot
        title = state.title
        if text == state.text and state.exists:
            return SaveResult(title, "unchanged", state.revid)
        if not state.bots_allowed:
            return SaveResult(title, "refused", message="{{bots}}/{{nobots}} on the page excludes this bot")
        # The API ignores conflicts between edits of one account: check that no
        # other run of this bot saved the page since it was read.
        latest = self._preflight(title)
        if latest != state.revid:
            return SaveResult(title, "conflict", message="the page changed since it was read",
                              state=self.read([title])[title])
        page = self._loaded.get(title)
        if page is None or page.exists() != state.exists or (
                state.exists and getattr(page, "_revid", None) != state.revid):
            page = pwb.Page(self.site, title)
        params: dict[str, Any] = dict(
            text=text, minor=False, bot=True, assertuser=self.username,
            starttimestamp=state.read_at,
        )
        if state.exists:
            params.update(basetimestamp=state.timestamp, nocreate=True)
        else:
            params.update(createonly=True)
        for attempt in range(retries + 1):
            try:
                self.site.editpage(page, summary=summary, **params)
            except pwb.exceptions.EditConflictError:
                now = self.read([title])[title]
                if _applied(now, text):
                    # Our own attempt was applied after all and its answer
                    # lost, and pywikibot sent it once more (a creation then
                    # comes back as "articleexists"): it counts as done.
                    return SaveResult(title, "saved" if state.exists else "created", now.revid)
                return SaveResult(title, "conflict", message="edit conflict", state=now)
            except (pwb.exceptions.LockedPageError, pwb.exceptions.SpamblacklistError,
                    pwb.exceptions.AbuseFilterDisallowedError, pwb.exceptions.TitleblacklistError,
                    pwb.exceptions.NoCreateError) as e:
                return SaveResult(title, "refused", message=_refusal(e))
            except pwb.exceptions.APIError as e:
                if e.code in _STOP_CODES:
                    raise StopRun(f"[[{title}]]: the wiki refused the edit ({e.code}): stopping") from None
                return SaveResult(title, "refused", message=f"{e.code}: {_one_line(e.info)}")
            except (pwb.exceptions.ServerError, pwb.exceptions.ApiTimeoutError, ConnectionError, OSError) as e:
                # (ApiTimeoutError includes MaxlagTimeoutError; pywikibot
                # gives up with it after its own ``max_retries``.)  The wiki
                # may have applied the edit without our hearing it: look
                # before sending it again.
                now = self.read([title])[title]
                if _applied(now, text):
                    return SaveResult(title, "saved" if state.exists else "created", now.revid)
                if now.revid != state.revid:
                    return SaveResult(title, "conflict", message="the page changed during a failed save", state=now)
                if attempt == retries:
                    return SaveResult(title, "failed", message=f"no answer from the wiki: {_one_line(e)}")
                time.sleep(_retry_delay(attempt))
                continue
            except pwb.exceptions.Error as e:
                text_ = _one_line(e)
                if "blocked" in text_.lower():
                    raise StopRun(f"[[{title}]]: {text_}") from None
                return SaveResult(title, "failed", message=text_)
            return SaveResult(title, "saved" if state.exists else "created", getattr(page, "_revid", None))
        raise AssertionError("unreachable")  # pragma: no cover

    # -- plumbing -------------------------------------------------------------
    def _request(self, **params: Any) -> dict:
        pwb = self._pywikibot
        try:
            return self.site.simple_request(**params).submit()
        except pwb.exceptions.Error as e:
            raise WikiError(f"the wiki did not answer: {_one_line(e)}") from None


def _applied(now: PageState, text: str) -> bool:
    """Whether the page as read ``now`` holds ``text`` (MediaWiki trims
    trailing white space on save, so a saved text may differ there)."""
    return now.exists and now.text.rstrip() == text.rstrip()


def _retry_delay(attempt: int) -> float:
    """Seconds to wait before sending a save again: pywikibot's own
    ``retry_wait``, doubled each time, at most ``retry_max`` (its
    configuration, so that a test can make it short)."""
    from pywikibot import config as pwb_config

    return min(float(pwb_config.retry_wait) * 2 ** attempt, float(pwb_config.retry_max))


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


def _password_file_from_env(site: Any) -> None:
    """On Toolforge the BotPassword secret comes from the environment
    (``toolforge envvars``), never from a file of the repository: write
    pywikibot's one-line password file into a private temporary folder for
    this run, and remove it at exit."""
    secret = os.environ.get("NOTESBOT_BOTPASSWORD", "").strip()
    if not secret or not site.username():
        return
    import atexit
    import shutil
    import tempfile

    from pywikibot import config as pwb_config

    logs.register_secret(secret)
    appid = os.environ.get("NOTESBOT_BOTPASSWORD_APPID", "notesbot")
    folder = tempfile.mkdtemp(prefix="notesbot-")
    path = os.path.join(folder, "user-password.cfg")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(f"({site.username()!r}, BotPassword({appid!r}, {secret!r}))\n")
    atexit.register(shutil.rmtree, folder, True)
    pwb_config.password_file = path


class _OneLineRetryReport(logging.Filter):
    """pywikibot reports each failed HTTP request it is about to retry (a
    dropped connection, an HTTP 500...) by logging the whole traceback of the
    ``requests`` error as an ERROR, although it handles the error itself and
    the run goes on.  On the bot's terminal and in its log, that is one line
    (the error's last line, which names it), as a warning."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # pragma: no cover - a broken record is left alone
            return True
        if message.startswith("Traceback (most recent call last):") and record.levelno >= logging.ERROR:
            last = [line for line in message.strip().splitlines() if line.strip()][-1]
            record.msg, record.args = f"the wiki did not answer a request, retrying: {_one_line(last)}", ()
            record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        return True


def _quiet_retry_tracebacks() -> None:
    logger = logging.getLogger("pywiki")
    if not any(isinstance(f, _OneLineRetryReport) for f in logger.filters):
        logger.addFilter(_OneLineRetryReport())


def connect(global_args: list[str], *, login: bool = True) -> Wiki:
    """Set pywikibot up from its global options and log in.

    ``global_args`` are the pywikibot options from the command line
    (``-simulate``, ``-site:``, ``-user:``, ``-dir:``…), passed explicitly so
    that pywikibot never reads ``sys.argv`` itself.  An option pywikibot does
    not know is a usage error.
    """
    args = list(global_args)
    for arg in list(args):
        if arg.startswith("-dir:"):
            os.environ["PYWIKIBOT_DIR"] = arg[len("-dir:"):]
            args.remove(arg)
    try:
        import pywikibot
        import pywikibot.exceptions  # noqa: F401
    except RuntimeError as e:  # no user-config.py in PYWIKIBOT_DIR
        raise UsageError(f"pywikibot is not configured: {_one_line(e)}") from None
    # handle_args reads sys.argv when given an empty list: make what it would
    # read the same explicit list, so the bot's own options never reach it.
    pywikibot.argvu = ["notesbot", *args]
    _quiet_retry_tracebacks()
    try:
        # handle_args also makes the Site, which asks the wiki who it is
        # logged in as: a wiki that does not answer fails here already.
        rest = pywikibot.handle_args(args, do_help=False)
    except (ValueError, TypeError) as e:  # e.g. -putthrottle:abc
        raise UsageError(f"bad pywikibot option: {_one_line(e)}") from None
    except pywikibot.exceptions.SiteDefinitionError as e:
        raise UsageError(f"unknown site: {_one_line(e)}") from None
    except pywikibot.exceptions.Error as e:
        raise WikiError(f"cannot reach the wiki: {_one_line(e)}") from None
    if rest:
        raise UsageError(f"unknown option {rest[0]!r} (see 'notesbot --help')")
    logs.protect_all_handlers()
    try:
        site = pywikibot.Site()
        _password_file_from_env(site)
        if login:
            site.login()
    except (FileNotFoundError, ValueError) as e:
        raise UsageError(f"cannot log in: {_one_line(e)}") from None
    except pywikibot.exceptions.NoUsernameError as e:
        raise UsageError(f"cannot log in: {_one_line(e)}") from None
    except pywikibot.exceptions.SiteDefinitionError as e:
        raise UsageError(f"unknown site: {_one_line(e)}") from None
    except pywikibot.exceptions.Error as e:
        raise WikiError(f"cannot reach the wiki: {_one_line(e)}") from None
    from pywikibot import config as pwb_config

    return Wiki(site=site, simulate=bool(pwb_config.simulate), _pywikibot=pywikibot)
