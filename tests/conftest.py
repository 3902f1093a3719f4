"""Fixtures: a real MediaWiki for the whole test session, and the people on it.

The wiki is started by ``scripts/localwiki`` in a temporary directory on a free
port, one for each pytest-xdist worker (``scripts/test`` runs one per core):
each worker is its own pytest session, with its own temporary directory,
``PYWIKIBOT_DIR`` and lock folder.  ``PYWIKIBOT_DIR`` is set here, at configure time, before anything can
import pywikibot (it reads its configuration at import), and it points at a
directory that holds the local wiki's ``user-config.py`` once the wiki is up:
a test can never reach a live wiki, because until then there is no
configuration at all and pywikibot refuses to start.

Test lanes: every test whose fixtures need the ``wiki`` fixture (directly or
through others, as the scenarios do) is marked ``wiki`` at collection.  A test
that starts a wiki of its own must carry ``@pytest.mark.wiki`` itself: any
other test that tries to start one fails, so the fast lane never starts PHP.

``-m "not wiki"``, exactly, is the fast lane: the pure tests without those
marked ``slow`` (seconds each: the linear-time checks at size, the large
property runs, the log rotation...), which are deselected here (one process
reports them as deselected; pytest-xdist's summary leaves the count out).  Every other selection means what pytest says: no ``-m`` (the full
suite) runs the slow tests, ``-m slow`` runs only them, and
``-m "not wiki and (slow or not slow)"`` all the pure tests.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import wikiclient  # noqa: E402
from faultproxy import FaultProxy  # noqa: E402
from wikiclient import LocalWiki, WikiClient, start_wiki, stop_wiki  # noqa: E402

EXAMPLES = ROOT / "tests" / "data" / "examples"
SEEDS = ROOT / "tests" / "data" / "seeds"


# In CI the property tests draw the same examples every run: a submission
# must not pass or fail by the luck of the draw.  By hand they explore anew.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def pytest_configure(config: pytest.Config) -> None:
    base = Path(tempfile.mkdtemp(prefix="notesbot-tests-"))
    config._notesbot_base = base  # type: ignore[attr-defined]
    os.environ["PYWIKIBOT_DIR"] = str(base / "wiki" / "pywikibot")
    os.environ.pop("PYWIKIBOT_NO_USER_CONFIG", None)
    os.environ["NOTESBOT_LOCK_DIR"] = str(base / "locks")


FAST_LANE = "not wiki"


def _fast_lane(config: pytest.Config) -> bool:
    return " ".join(config.getoption("markexpr", "").split()) == FAST_LANE


def pytest_report_header(config: pytest.Config) -> str | None:
    if _fast_lane(config):
        return f'fast lane (-m "{FAST_LANE}"): the tests marked slow are deselected too'
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark ``wiki`` every test whose fixture closure holds the ``wiki`` fixture
    (before ``-m`` selects: this hook runs first); in the fast lane, deselect
    the tests marked ``slow``."""
    for item in items:
        if "wiki" in getattr(item, "fixturenames", ()) and item.get_closest_marker("wiki") is None:
            item.add_marker(pytest.mark.wiki)
    if _fast_lane(config):
        slow = [item for item in items if item.get_closest_marker("slow") is not None]
        if slow:
            config.hook.pytest_deselected(items=slow)
            items[:] = [item for item in items if item.get_closest_marker("slow") is None]


_running: list[pytest.Item] = []


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    _running[:] = [item]


def _only_for_wiki_tests(dir: Path) -> None:
    if _running and _running[0].get_closest_marker("wiki") is None:
        raise RuntimeError(f"{_running[0].nodeid} starts a wiki ({dir}) but is not marked wiki: "
                           f"add @pytest.mark.wiki, or use the wiki fixture")


wikiclient.before_start = _only_for_wiki_tests


@pytest.fixture(scope="session")
def wiki(pytestconfig: pytest.Config):
    """The session's local wiki, with the bot's wiki templates seeded."""
    dir = pytestconfig._notesbot_base / "wiki"  # type: ignore[attr-defined]
    lw = start_wiki(dir)
    yield lw
    stop_wiki(dir)


@pytest.fixture(scope="session")
def site(wiki: LocalWiki):
    """pywikibot's Site for the bot account, logged in with its BotPassword."""
    import pywikibot

    s = pywikibot.Site("localwiki", "localwiki")
    s.login()
    assert s.user() == wiki.accounts["bot"].user
    return s


@pytest.fixture(scope="session")
def member(wiki: LocalWiki) -> WikiClient:
    """A community member editing the wiki at the same time as the bot."""
    return wiki.client("member")


@pytest.fixture(scope="session")
def admin(wiki: LocalWiki) -> WikiClient:
    """A sysop of the wiki (protecting pages, editing another user's pages)."""
    return wiki.client("admin")


@pytest.fixture(scope="session")
def reader(wiki: LocalWiki) -> WikiClient:
    """An anonymous reader, for checking what the pages say."""
    return wiki.client()


@pytest.fixture
def proxy(wiki: LocalWiki):
    """The HTTP proxy of ``tests/faultproxy.py`` in front of the wiki, no fault
    planned: for faults, and for what somebody does while the bot saves."""
    with FaultProxy(wiki.url) as p:
        yield p
