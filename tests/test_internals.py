"""pywikibot conventions: ``-help`` exits 0, and pywikibot's internals are
touched only in ``bot/wiki/internals.py``, whose assumptions are checked here
against the installed pywikibot (these fail when pywikibot changes them)."""

from __future__ import annotations

import ast
import inspect
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def notesbot(*args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "notesbot"
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=60, env=dict(os.environ))


@pytest.mark.parametrize("args, usage", [
    (["-help"], "usage: notesbot [-h]"),
    (["publish", "-help"], "usage: notesbot publish"),
    (["-help", "run"], "usage: notesbot run"),
    (["help"], "usage: notesbot [-h]"),
])
def test_dash_help_prints_the_help_and_exits_0(args, usage):
    result = notesbot(*args)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(usage), result.stdout
    assert "-simulate" in result.stdout and result.stderr == ""


def test_no_command_is_still_bad_usage():
    result = notesbot()
    assert result.returncode == 2 and result.stdout == "" and "usage: notesbot" in result.stderr


PYWIKIBOT_INTERNALS = {"argvu", "_tokens", "_currentuser", "_revid", "_sites", "_userinfo", "_loginstatus"}


def test_no_pywikibot_internal_outside_its_one_place():
    """No module of bot/ but bot/wiki/internals.py names an internal of
    pywikibot's objects (an attribute or a string given to getattr)."""
    found = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        if path == ROOT / "bot" / "wiki" / "internals.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = node.attr if isinstance(node, ast.Attribute) else (
                node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None)
            if name in PYWIKIBOT_INTERNALS:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}")
    assert found == []


@pytest.fixture
def wallet_class():
    from pywikibot.site._tokenwallet import TokenWallet

    return TokenWallet


class _Site:
    """What TokenWallet asks of its site: who is logged in, and tokens."""

    def __init__(self, user):
        self.name, self.asked = user, []

    def user(self):
        return self.name

    def get_tokens(self, types):
        self.asked.append(list(types))
        return {t: f"{t}-from-a-request" for t in types}


def test_the_token_cache_is_where_internals_looks(wallet_class):
    """TokenWallet keeps its tokens in the dict ``_tokens``, compares
    ``_currentuser`` with ``site.user()``, and answers a cached token without
    a request: what bot.wiki.internals relies on."""
    from bot.wiki import internals

    site = _Site("NotesBot")
    site.tokens = wallet_class(site)
    assert internals.csrf_cache(site) == {}
    assert not internals.has_csrf_token(site)
    internals.keep_csrf_token(site, "abc+\\")
    assert internals.has_csrf_token(site)
    assert site.tokens["csrf"] == "abc+\\" and site.asked == [], "pywikibot used the token it was given"
    internals.keep_csrf_token(site, "+\\")  # a logged-out token is never kept
    assert site.tokens["csrf"] == "abc+\\"
    site.name = "Another"  # another login: the wallet's tokens are not theirs
    assert internals.csrf_cache(site) == {}
    assert site.tokens["csrf"] == "csrf-from-a-request"


def test_a_page_keeps_its_revision_id_where_internals_looks():
    """``Page.latest_revision_id`` answers ``_revid`` when it is set (no
    request) and asks the wiki only when it is not: internals.saved_revid
    reads it only when set."""
    from pywikibot.page import BasePage

    source = inspect.getsource(BasePage.latest_revision_id.fget)
    assert "hasattr(self, '_revid')" in source and "return self._revid" in source, source
    setter = inspect.getsource(BasePage.latest_revision_id.fset)
    assert "self._revid" in setter, setter


def test_handle_args_reads_sys_argv_only_for_an_empty_list_and_takes_dir():
    """bot/wiki/connection.py gives handle_args a list that is never empty
    (it starts with -dir:, which handle_args takes and leaves to config.py)."""
    from pywikibot import bot as pwb_bot

    source = inspect.getsource(pwb_bot.handle_args)
    assert "if not args:" in source and "argvu" in source
    assert "elif option in ('-config', '-dir'):\n            pass" in source


def test_the_login_check_rides_where_internals_expects_it():
    """``APISite.__init__`` checks the login with ``login(cookie_only=True)``,
    ``pywikibot.Site`` takes ``config.site_interface`` as a class too, and
    ``site.userinfo`` / ``logged_in`` answer the cached ``_userinfo``:
    what ``internals.lazy_login_site`` and ``keep_userinfo`` rely on."""
    import pywikibot
    from pywikibot.site import APISite

    init = inspect.getsource(APISite.__init__)
    assert "self.login(cookie_only=True)" in init, init
    site_function = inspect.getsource(pywikibot.Site)
    assert "interface or fam.interface(code)" in site_function and "isinstance(interface, type)" in site_function
    userinfo = inspect.getsource(APISite.userinfo.fget)
    assert "if not hasattr(self, '_userinfo'):" in userinfo and "return self._userinfo" in userinfo
    assert "hasattr(self, '_userinfo')" in inspect.getsource(APISite.logged_in)


def test_keep_userinfo_keeps_only_the_bot_logged_in():
    from bot.wiki import internals

    class Site:
        _loginstatus = None

        def username(self):
            return "NotesBot"

    site = Site()
    assert not internals.keep_userinfo(site, {"id": 0, "name": "127.0.0.1", "anon": True})
    assert not internals.keep_userinfo(site, {"id": 7, "name": "Somebody"})
    assert not hasattr(site, "_userinfo")
    info = {"id": 7, "name": "NotesBot", "rights": ["edit"]}
    assert internals.keep_userinfo(site, info) and site._userinfo is info


def test_pywikibot_writes_its_log_header_where_internals_wraps_it():
    """``init_handlers`` (each ``handle_args``) calls the module's
    ``writelogheader`` by name, and that header lists every imported module:
    what internals.log_header_only_with_log_file replaces and why."""
    from pywikibot import bot as pwb_bot

    init = inspect.getsource(pwb_bot._init_handlers)
    assert "writelogheader()" in init, init
    assert "sys.modules" in inspect.getsource(pwb_bot.writelogheader)


def test_the_log_header_is_written_only_with_a_log_file_or_verbose(monkeypatch):
    import pywikibot
    from pywikibot import bot as pwb_bot
    from pywikibot import config as pwb_config

    from bot.wiki import internals

    written = []
    monkeypatch.setattr(pwb_bot, "writelogheader", lambda: written.append(list(pwb_config.log)))
    internals.log_header_only_with_log_file(pywikibot)
    internals.log_header_only_with_log_file(pywikibot)  # once wrapped, not twice
    monkeypatch.setattr(pwb_config, "verbose_output", 0)
    monkeypatch.setattr(pwb_config, "log", [])
    pwb_bot.writelogheader()
    assert written == []
    monkeypatch.setattr(pwb_config, "log", ["*"])
    pwb_bot.writelogheader()
    assert written == [["*"]]
    monkeypatch.setattr(pwb_config, "log", [])
    monkeypatch.setattr(pwb_config, "verbose_output", 1)
    pwb_bot.writelogheader()
    assert written == [["*"], []]
