"""The one place where notesbot touches a pywikibot internal.

pywikibot has no public way to *give* its token cache a token fetched in
another request: ``site.tokens['csrf']`` (public) asks the wiki with a
request of its own when the token is not cached.  The bot asks for the edit
token in the same request as its check before the first write
(``meta=tokens`` beside ``prop=revisions``), one request fewer per run; to
hand that token to pywikibot it has to write into ``TokenWallet._tokens``
(and keep ``_currentuser``, which the wallet compares with the logged-in
user, in step, as ``TokenWallet.__getitem__`` does).

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
