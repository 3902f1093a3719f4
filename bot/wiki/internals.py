"""The one place where notesbot touches a pywikibot internal.

pywikibot has no public way to *give* its token cache a token fetched in
another request: ``site.tokens['csrf']`` (public) asks the wiki with a
request of its own when the token is not cached.  The bot asks for the edit
token in the same request as its check before the first write
(``meta=tokens`` beside ``prop=revisions``), one request fewer per run; to
hand that token to pywikibot it has to write into ``TokenWallet._tokens``
(and keep ``_currentuser``, which the wallet compares with the logged-in
user, in step, as ``TokenWallet.__getitem__`` does).

pywikibot also writes a header into its own log file when its handlers are
set up (``bot.writelogheader``: the version and every imported module with
its time stamp, 0.08 s, a tenth of a publish); it does so even when it keeps
no log file.  :func:`log_header_only_with_log_file` has it written only then.

Everything here degrades: if the wallet does not have the shape known here,
:func:`csrf_cache` answers None and the bot leaves the token to pywikibot
(``site.tokens['csrf']``), at the cost of its one request.  The test
``tests/test_internals.py`` fails when pywikibot changes that shape, so the
pin in pyproject.toml is raised knowingly.
"""

from __future__ import annotations

from typing import Any


def csrf_cache(site: Any) -> dict | None:
    """pywikibot's cache of the logged-in account's tokens (``site.tokens``'
    ``_tokens``), emptied first if it holds another user's (what the wallet
    itself does on its next use); None if its shape is not the one known here."""
    user = site.user()
    wallet = getattr(site, "tokens", None)
    tokens = getattr(wallet, "_tokens", None)
    if user is None or not isinstance(tokens, dict) or not hasattr(wallet, "_currentuser"):
        return None
    if wallet._currentuser != user:
        wallet._currentuser = user
        wallet.clear()
        tokens = wallet._tokens
    return tokens if isinstance(tokens, dict) else None


def has_csrf_token(site: Any) -> bool:
    """Whether pywikibot holds the edit token already (or the cache is not
    one known here: then pywikibot fetches it itself)."""
    tokens = csrf_cache(site)
    return tokens is None or "csrf" in tokens


def keep_csrf_token(site: Any, token: str | None) -> None:
    """Give pywikibot the edit token fetched with another request ("+\\\\"
    alone, a logged-out user's token, is never kept)."""
    tokens = csrf_cache(site)
    if tokens is not None and token and token != "+\\":
        tokens["csrf"] = token


def saved_revid(page: Any) -> int | None:
    """The revision id pywikibot recorded on ``page`` when it saved it,
    without a request: ``Page.latest_revision_id`` (public) asks the wiki
    when it is not set; after ``site.editpage`` it is set."""
    try:
        return page.latest_revision_id if hasattr(page, "_revid") else None
    except Exception:  # pragma: no cover - pywikibot changed the property
        return None


#: What pywikibot asks of ``meta=userinfo`` itself (``APISite.userinfo``):
#: the login check folded into the run's first query asks the same, so that
#: pywikibot's later questions (``has_right('edit')`` before a save, the
#: user of a write request) are answered from it.
USERINFO_PROPS = "blockinfo|hasmsg|groups|rights|ratelimits"

_LAZY_SITE: dict[str, type] = {}


def log_header_only_with_log_file(pywikibot: Any) -> None:
    """Have pywikibot write its log header (``pywikibot.bot.writelogheader``,
    called by ``init_handlers`` on each ``handle_args``) only where it goes:
    with a pywikibot log file (``config.log``, ``-log``) or ``-verbose``.
    The bot keeps its own log (:mod:`bot.logs`); without either, the header
    is 500 lines formatted for no handler."""
    from pywikibot import bot as pwb_bot
    from pywikibot import config as pwb_config

    header = getattr(pwb_bot, "writelogheader", None)
    if header is None or getattr(header, "notesbot_wrapped", False):
        return

    def writelogheader() -> None:
        if pwb_config.log or pwb_config.verbose_output:
            header()

    writelogheader.notesbot_wrapped = True  # type: ignore[attr-defined]
    pwb_bot.writelogheader = writelogheader


def lazy_login_site(pywikibot: Any) -> None:
    """Have pywikibot make its ``Site`` (``handle_args`` makes it) without
    asking the wiki who is logged in: ``APISite.__init__`` calls
    ``login(cookie_only=True)``, which sends ``meta=userinfo`` on its own.
    Here that first login only loads the cookie file; the bot asks
    ``meta=userinfo`` in its first query (:mod:`bot.wiki.pages`) and gives
    the answer to pywikibot (:func:`keep_userinfo`), or logs in if the
    answer is not the bot.  Done through ``config.site_interface``, which
    may name a class: a subclass of ``APISite`` whose only change is that."""
    from pywikibot import config as pwb_config

    if "class" not in _LAZY_SITE:
        from pywikibot.comms import http
        from pywikibot.login import LoginStatus
        from pywikibot.site import APISite

        class LazyLoginSite(APISite):
            """pywikibot's ``APISite``, whose cookie-only login when it is made asks nothing."""

            def login(self, autocreate: bool = False, user: str | None = None, *,
                      cookie_only: bool = False) -> None:
                if (cookie_only and self._loginstatus == LoginStatus.NOT_ATTEMPTED
                        and not hasattr(self, "_userinfo")):
                    http.cookie_jar.load(self.username(), ignore_discard=True)
                    return
                super().login(autocreate, user, cookie_only=cookie_only)

        LazyLoginSite.__name__ = LazyLoginSite.__qualname__ = "APISite"  # pywikibot's key for its Site cache
        _LAZY_SITE["class"] = LazyLoginSite
    if pwb_config.site_interface == "APISite":
        pwb_config.site_interface = _LAZY_SITE["class"]


def keep_userinfo(site: Any, userinfo: dict) -> bool:
    """Give pywikibot the ``meta=userinfo`` answer of another query (its
    ``site.userinfo`` cache, ``_userinfo``), if it names the configured bot
    logged in; else keep nothing and answer False (the caller logs in)."""
    if userinfo.get("anon") or not userinfo.get("id") or userinfo.get("name") != site.username():
        return False
    if not hasattr(site, "_loginstatus"):  # pragma: no cover - pywikibot changed its site
        return False
    from pywikibot.login import LoginStatus

    site._userinfo = userinfo
    site._loginstatus = LoginStatus.AS_USER
    return True
