"""A run is bounded in time on pywikibot's production retry settings.

The local wiki's pywikibot folder sets ``max_retries = 3`` and short waits;
here the bot's folder says what ``user-config.py.example`` keeps on Meta-wiki
(pywikibot's defaults: 15 retries, waits of 5 s doubling up to 120 s, a socket
timeout of 6 + 45 s: about 1,350 s for one request to a wiki that stays
down).  The bot lowers them to its own limits (``max_retries`` 3, waits of 5
up to 20 s, a timeout of 30 s) and keeps a run-wide deadline
(``run_budget_seconds``): the run ends inside its budget, lists the edits it
did not make, and the next run completes the plan with nothing twice.
"""

from __future__ import annotations

import re
import time

import pytest

from faultproxy import NO_FAULTS, FaultPlan
from test_faults import (PUBLISH_DAY, PUBLISH_LATE, FaultyScenario, _differences, assert_late_question_kept,
                         assert_no_duplicates, pages_of, references)  # noqa: F401 - fixtures (proxy: conftest)
from test_publish import ANSWERS as PUBLISH_ANSWERS

pytestmark = pytest.mark.wiki

#: pywikibot's own defaults (pywikibot/config.py), which Meta-wiki's
#: user-config.py keeps, over the local wiki's short ones.
PRODUCTION_RETRIES = {"max_retries": 15, "retry_wait": 5, "retry_max": 120, "socket_timeout": (6.05, 45),
                      "put_throttle": 10, "minthrottle": 0.1}


def _ready_to_publish(s: FaultyScenario) -> None:
    s.post_example_questions(PUBLISH_DAY)
    s.step(NO_FAULTS, "harvest", "--session", PUBLISH_DAY, "--to-draft", "-always")
    s.answer(PUBLISH_DAY, PUBLISH_ANSWERS)


def _rows(stdout: str) -> dict[str, str]:
    return {line.split("  ")[0]: line for line in stdout.splitlines()}


def _completes(s: FaultyScenario, references) -> None:
    s.step(NO_FAULTS, "publish", PUBLISH_DAY, "-always")
    assert_no_duplicates(s, PUBLISH_DAY)
    expected = references("publish")
    pages = pages_of(s, PUBLISH_DAY)
    assert pages == expected, _differences(expected, pages)


def test_a_wiki_that_stays_down_on_production_retries_ends_inside_the_budget(wiki, tmp_path, proxy, references):
    """The wiki answers 503 to everything after the first save.  Unbounded,
    pywikibot would wait about 1,350 s on the next request; the bot's limits
    make it 5 + 10 + 20 s, then one line, the table with what was not done,
    and the next run finishes the plan."""
    s = FaultyScenario(wiki, tmp_path, proxy=proxy, settings=dict(PRODUCTION_RETRIES))
    _ready_to_publish(s)
    late = s.late_question_when_saving(s.questions(PUBLISH_DAY), PUBLISH_LATE)
    run = s.faulty(FaultPlan(always="503", after_writes=1, name="503 after the first write"),
                   "publish", PUBLISH_DAY, "-always", timeout=1500)
    assert run.returncode == 1, run
    # Waits of 5 + 10 + 20 s (3 retries) for the one failing request, and the
    # put throttle of 10 s before each write: far inside the default budget
    # (1,200 s), and far from pywikibot's own 1,350 s for that one request.
    assert run.seconds < 120, run
    rows = _rows(run.stdout)
    assert re.search(r"\s(created|updated)\s", rows[s.session(PUBLISH_DAY)]), run
    assert re.search(r"\sfailed\s", rows[s.index]), run
    assert re.search(r"\sskipped\s+not tried", rows[s.questions(PUBLISH_DAY)]), run
    # The 503s: the edit's first attempt and three retries; then one read,
    # with its own retries, to see whether the wiki applied the edit all the
    # same (bot/wiki/pages.py); then the bot stops.
    faults = proxy.faults()
    assert [f.action for f in faults[:4]] == ["edit"] * 4, s.history()
    assert len(faults) <= 8 and all(f.action == "query" for f in faults[4:]), s.history()
    _completes(s, references)
    assert late()
    assert_late_question_kept(s, PUBLISH_DAY, PUBLISH_LATE)


def test_past_the_run_deadline_the_bot_stops_between_two_edits_and_the_next_run_finishes(
        wiki, tmp_path, proxy, references):
    """A wiki that answers, slowly (4 s a request after the first save): the
    run's deadline (``run_budget_seconds`` 40, less three worst requests of
    5 + 5 s: no new request after 10 s) passes during the plan; the bot
    finishes the edit in progress, lists those it did not start, exits 1
    within its budget, and the next run does them.  The first save itself
    takes 3 s more (the proxy holds it back), so that the deadline falls in
    the second edit (its check and its save, 8 s) however fast the bot
    reaches its first save: a publish makes few requests before it."""
    limits = {"run_budget_seconds": 40, "max_retries": 0, "retry_wait_seconds": 0, "retry_max_seconds": 0,
              "request_timeout_seconds": 5}
    s = FaultyScenario(wiki, tmp_path, proxy=proxy, settings=dict(PRODUCTION_RETRIES, put_throttle=0),
                       extra=limits)
    _ready_to_publish(s)
    slow = s.when_saving(s.session(PUBLISH_DAY), lambda: time.sleep(3))
    # The second save held 3 s too: with its 4 s it ends past the 10 s mark
    # however few requests the bot needs between its saves.
    slower = s.when_saving(s.index, lambda: time.sleep(3))
    late = s.late_question_when_saving(s.questions(PUBLISH_DAY), PUBLISH_LATE)
    run = s.faulty(FaultPlan(always="delay", after_writes=1, delay=4.0, name="4 s a request after the first write"),
                   "publish", PUBLISH_DAY, "-always", timeout=300)
    assert slow.done and slower.done, (slow, slower)
    assert run.returncode == 1, run
    assert run.seconds < 40, run
    rows = _rows(run.stdout)
    assert re.search(r"\s(created|updated)\s", rows[s.session(PUBLISH_DAY)]), run
    skipped = [title for title, row in rows.items() if re.search(r"\sskipped\s+not started: the run's time budget", row)]
    assert s.questions(PUBLISH_DAY) in skipped, run
    listed = [line for line in run.stderr.splitlines() if "not started, for the next run" in line]
    assert len(listed) == 1 and all(f"[[{t}]]" in listed[0] for t in skipped), run
    _completes(s, references)
    assert late()
    assert_late_question_kept(s, PUBLISH_DAY, PUBLISH_LATE)
