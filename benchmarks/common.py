"""What the benchmarks that need a wiki share: a throwaway local MediaWiki of
their own, series of sessions on it, and counting what reached it.

Each benchmark starts its wiki with ``scripts/localwiki start <tmpdir>
--seed=templates`` and stops it (and removes the folder) at the end, even when
it fails.  The wiki's pywikibot configuration gets ``minthrottle = 0`` on top
of what ``scripts/localwiki`` writes (``put_throttle = 0``): pywikibot waits
``minthrottle`` seconds (0.1 by default) between two read requests, a courtesy
to a public wiki that would otherwise be most of what is measured here.

The series themselves are :class:`scenario.Scenario` of the tests (titles of
their own under a unique prefix, their own shutoff and configuration pages),
so a benchmark sets pages up exactly as a test does.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Sequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from wikiclient import LocalWiki, start_wiki, stop_wiki  # noqa: E402

PYTHON = sys.executable
NOTESBOT = Path(sys.executable).parent / "notesbot"


@contextmanager
def local_wiki(keep: bool = False) -> Iterator[LocalWiki]:
    """A fresh local wiki in a temporary folder, stopped and removed at the end."""
    base = Path(tempfile.mkdtemp(prefix="notesbot-bench-"))
    dir = base / "wiki"
    try:
        wiki = start_wiki(dir)
        config = dir / "pywikibot" / "user-config.py"
        config.write_text(config.read_text() + "minthrottle = 0\n")
        # The writers' lock of this wiki's runs, not of any other run of the bot.
        os.environ["NOTESBOT_LOCK_DIR"] = str(dir)
        yield wiki
    finally:
        stop_wiki(dir)
        if not keep:
            shutil.rmtree(base, ignore_errors=True)


def notesbot_env(wiki: LocalWiki) -> dict[str, str]:
    env = dict(os.environ, PYWIKIBOT_DIR=str(wiki.pywikibot_dir))
    env.pop("PYWIKIBOT_NO_USER_CONFIG", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as in production: the bot's .pyc kept between runs
    env["NOTESBOT_LOCK_DIR"] = str(wiki.dir)
    return env


def timed(cmd: Sequence[str], env: dict[str, str] | None = None,
          timeout: float = 600) -> tuple[float, subprocess.CompletedProcess]:
    """Wall time of one run of ``cmd`` as a separate process, from start to exit."""
    start = time.perf_counter()
    proc = subprocess.run(list(cmd), capture_output=True, text=True, env=env, timeout=timeout)
    return time.perf_counter() - start, proc


def measure(wiki: LocalWiki, bot_edits: Callable[[], list[dict]], run: Callable[[], object]) -> tuple[int, list[str]]:
    """Run ``run`` (one command of the bot) and return the API requests the
    wiki answered meanwhile (its access log) and the titles the bot edited:
    how the benchmarks and the tests of their bounds count alike."""
    before = {c["revid"] for c in bot_edits()}
    position = wiki.log_position()
    run()
    requests = wiki.requests_since(position)
    return requests, [c["title"] for c in bot_edits() if c["revid"] not in before]


def check_ok(proc: subprocess.CompletedProcess, what: str) -> None:
    if proc.returncode != 0:
        raise SystemExit(f"{what} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def spread(values: Sequence[float]) -> str:
    """'median (min–max)' of a list of seconds."""
    return f"{median(values):.3f} s (min {min(values):.3f}, max {max(values):.3f})"
