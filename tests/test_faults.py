"""The bot under stress: the full publish and a season of ticks through a
proxy that drops connections, answers 500/503 or ``maxlag``, delays, and lets
the wiki apply an edit whose answer it then drops (``tests/faultproxy.py``).

For each seed (fixed, so that a failure can be replayed) the faults fall at
random points of every command; each command is then run again without
faults until it succeeds (at most three times), as an operator or the next
scheduled tick would.  What must hold:

* the faulty runs end with exit code 0, 1 or 3 and one-line messages, never
  a traceback;
* in the end the pages (session page, questions page, draft, index) are
  identical to those of the same steps run without any fault;
* no duplicate anywhere: one index line per session, at most one mark per
  question, each question once in the draft and once in the notes;
* a community edit made while the bot works (a question added to the
  questions page just before the bot's save reaches the wiki) is kept;
* when the wiki stays down, the bot stops within a bounded time with a
  one-line message.

The bot reaches the wiki only through the proxy (``ProxiedScenario`` of
``tests/scenario.py``; the ``proxy`` fixture of ``tests/conftest.py``).  The
community member and staff edit the wiki directly.
"""

from __future__ import annotations

import random
import re
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

import pytest

from faultproxy import FAULTS, NO_FAULTS, FaultPlan, FaultProxy
from scenario import NOTESBOT, ProxiedScenario, Scenario
from test_publish import ANSWERS as PUBLISH_ANSWERS

pytestmark = pytest.mark.wiki

PUBLISH_DAY = "2024-07-11"
SEASON_DAY = "2025-01-16"
SEEDS = [11, 23, 37, 41, 59, 73]

#: pywikibot's retries, short for the faulty runs: one retry per request at
#: once (pywikibot's waits are retry_wait doubled each time, at most retry_max
#: seconds; 0 means no wait), so that a fault now and then also reaches the
#: bot's own handling, and a test takes seconds.  No minimum delay between
#: two requests either (pywikibot's minthrottle, 0.1 s by default, times the
#: number of pywikibot processes that ran from the same folder in the last 10
#: minutes).
FAST_RETRIES = {"max_retries": 1, "retry_wait": 0, "retry_max": 0, "minthrottle": 0}

#: What a tick prints when its cache says that nothing changed.
NOTHING_CHANGED = "Nothing changed on the wiki since the last tick"

#: After a tick whose work failed, the next tick must do the work again, not
#: take the "nothing changed" shortcut of its revision cache.
FAILED_TICK_SKIPPED = "a rerun after a failed tick took the 'nothing changed' shortcut and did not redo the work"

LATE_QUESTION = ("* A question added while the bot was saving? "
                 "[[User:Community Member|Community Member]] 10:00, {when} (UTC)")


# -- running the bot through the proxy ------------------------------------------

@dataclass
class Run:
    args: tuple[str, ...]
    plan: FaultPlan
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    def __str__(self) -> str:
        return (f"notesbot {' '.join(self.args)} ({self.plan.name or 'no faults'}) exited {self.returncode} "
                f"after {self.seconds:.1f} s\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}")


@dataclass
class FaultyScenario(ProxiedScenario):
    """A :class:`ProxiedScenario` whose commands run with faults, with fast retries."""

    settings: dict = field(default_factory=lambda: dict(FAST_RETRIES))
    runs: list[Run] = field(default_factory=list)

    def faulty(self, plan: FaultPlan, *args: str, timeout: int = 120) -> Run:
        """Run the command with ``plan``'s faults; check it ends cleanly."""
        self.proxy.use(plan)
        start = time.monotonic()
        done = subprocess.run([str(NOTESBOT), "--config", str(self.config_path), *args], capture_output=True,
                              text=True, env=self.env(), timeout=timeout)
        run = Run(args, plan, done.returncode, done.stdout, done.stderr, time.monotonic() - start)
        self.proxy.use(NO_FAULTS)
        self.runs.append(run)
        assert_clean_exit(run, self.proxy)
        return run

    def step(self, plan: FaultPlan, *args: str) -> Run:
        """The command with faults, then again without until it succeeds (at
        most three times)."""
        run = self.faulty(plan, *args)
        for _ in range(3):
            if run.returncode == 0:
                break
            run = self.faulty(NO_FAULTS, *args)
            assert not (run.returncode == 0 and NOTHING_CHANGED in run.stdout), \
                FAILED_TICK_SKIPPED + "\n" + self.history()
        assert run.returncode == 0, f"still failing without faults:\n{run}\n{self.history()}"
        return run

    def history(self, output: bool = False) -> str:
        """What ran, and the faults injected; with ``output``, what each run printed."""
        lines = [str(r) if output else
                 f"exit {r.returncode} in {r.seconds:.1f} s: {' '.join(r.args)} ({r.plan.name or 'no faults'})"
                 for r in self.runs]
        return ("runs:\n" + "\n".join(lines) + "\nfaults injected:\n" + "\n".join(map(str, self.proxy.faults()))
                + "\n" + "\n".join(map(str, self.proxy.hooks)))

    def late_question_when_saving(self, page: str, when: str) -> Callable[[], bool]:
        """Arrange for the community member to add a question to ``page`` at
        the moment the bot's first save of it reaches the wiki; returns a
        function telling whether it happened."""
        hook = self.add_when_saving(page, LATE_QUESTION.format(when=when))
        return lambda: hook.done


def assert_clean_exit(run: Run, proxy: FaultProxy) -> None:
    context = f"{run}\nfaults injected:\n" + "\n".join(map(str, proxy.faults()))
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout, context
    assert run.returncode in (0, 1, 3), context
    for line in run.stderr.splitlines():
        # Every line stands alone: no continuation of a multi-line message.
        assert line.startswith(("notesbot: ", "WARNING: ", "ERROR: ", "Logging in to ", "Sleeping ")), \
            f"unexpected stderr line {line!r}\n{context}"


def plan_for(seed: int, step: int) -> FaultPlan:
    """The faults of one command of a scenario: every kind at random, a write
    more often (its answer dropped after the wiki applied it, above all), and
    one fault of a kind that changes from step to step (so that across the
    steps of a seed each kind occurs) at a random request of the command's
    first dozen."""
    rng = random.Random(seed * 1000 + step)
    kind = FAULTS[(seed + step) % len(FAULTS)]
    return FaultPlan(seed=rng.randrange(2**32), name=f"seed {seed}, step {step}", rate=0.15, write_rate=0.5,
                     write_faults=("apply-then-drop", "apply-then-drop", "drop", "503", "maxlag", "delay"),
                     script={rng.randint(1, 12): kind}, delay=0.2)


# -- what the pages must say -----------------------------------------------------

def pages_of(s: Scenario, day: str) -> dict[str, str]:
    """The pages a publish writes, with the scenario's prefix replaced, so
    that two scenarios compare."""
    titles = [s.session(day), s.index, s.questions(day), s.draft(day)]
    return {t.replace(s.prefix, "PREFIX"): (s.reader.text(t) or "").replace(s.prefix, "PREFIX") for t in titles}


def assert_no_duplicates(s: Scenario, day: str) -> None:
    index = s.reader.text(s.index) or ""
    lines = [l for l in index.split("\n") if f"[[{s.session(day)}|" in l or f"[[{s.session(day)}]]" in l]
    assert len(lines) == 1, f"{len(lines)} index lines for the session:\n{index}"
    questions = s.reader.text(s.questions(day)) or ""
    marks = Counter(re.findall(r"\{\{Conversation hour answered\|[^}]*?#(q-[0-9a-f]+)", questions))
    from bot.harvest import harvest
    askings = {q.id: len(q.lines) for q in harvest(questions).questions}  # a merged duplicate: one per asking
    twice = {q: n for q, n in marks.items() if n > askings.get(q, 1)}
    assert not twice, f"marks more than once: {twice}\n{questions}"
    for line in questions.split("\n"):
        assert line.count("{{Conversation hour answered") <= 1, f"two marks on a line: {line}"
    for title in (s.draft(day), s.notes(day)):
        assert_no_duplicates_in(title, s.reader.text(title) or "")


def assert_no_duplicates_in(title: str, text: str) -> None:
    """Each question (its anchor) exactly once in the draft or the notes."""
    anchors = Counter(re.findall(r'<span id="(q-[0-9a-f]+)"', text))
    twice = {q: n for q, n in anchors.items() if n != 1}
    assert anchors and not twice, f"[[{title}]]: questions not exactly once: {twice}\n{text}"


def assert_late_question_kept(s: Scenario, day: str, when: str) -> None:
    questions = s.reader.text(s.questions(day)) or ""
    assert questions.count(LATE_QUESTION.format(when=when)) == 1, questions


# -- the two stories, with or without faults --------------------------------------

PUBLISH_LATE = "11 July 2024"


def publish_story(s: FaultyScenario, seed: int | None) -> dict[str, str]:
    """tests/test_publish.py's full cycle: the member's questions, harvest
    into the draft, staff's answers, publish; while the marks are being
    saved, the member adds a question."""
    plan = (lambda step: plan_for(seed, step)) if seed is not None else (lambda step: NO_FAULTS)
    s.post_example_questions(PUBLISH_DAY)
    s.step(plan(1), "harvest", "--session", PUBLISH_DAY, "--to-draft", "-always")
    s.answer(PUBLISH_DAY, PUBLISH_ANSWERS)
    late = s.late_question_when_saving(s.questions(PUBLISH_DAY), PUBLISH_LATE)
    s.step(plan(2), "publish", PUBLISH_DAY, "-always")
    assert late(), f"the bot never saved the questions page\n{s.history(output=True)}"
    assert_late_question_kept(s, PUBLISH_DAY, PUBLISH_LATE)
    assert_no_duplicates(s, PUBLISH_DAY)
    return pages_of(s, PUBLISH_DAY)


SEASON_LATE = "17 January 2025"


def season_story(s: FaultyScenario, seed: int | None) -> dict[str, str]:
    """A short season as in tests/test_lifecycle.py: a new session, questions
    and two ticks before it (a question more in between), staff's answers
    and a tick after it (the member adds a question while the marks are
    being saved), a late answer and one more tick."""
    plan = (lambda step: plan_for(seed, step)) if seed is not None else (lambda step: NO_FAULTS)
    day = SEASON_DAY
    s.step(plan(1), "new-session", day, "--time", "18:00", "-always")
    q = s.questions(day)
    s.member.edit(q, s.member.text(q) + "\n== Trust and Safety ==\n* How do you handle threats? "
                  "[[User:Community Member|Community Member]] 10:00, 10 January 2025 (UTC)\n"
                  "* Will there be training for admins? [[User:Community Member|Community Member]] "
                  "10:05, 10 January 2025 (UTC)\n", "Questions")
    s.step(plan(2), "run", "--now", "2025-01-10T12:00:00Z", "-always")
    s.member.append(q, "\n* Why was the U4C vote so low? [[User:Community Member|Community Member]] "
                       "09:00, 12 January 2025 (UTC)\n", "One more")
    s.step(plan(3), "run", "--now", "2025-01-14T12:00:00Z", "-always")
    s.answer(day, {"threats": [": Maggie: We work with professionals."],
                   "training": [": Patrick: Training is co-created with the community."]})
    late = s.late_question_when_saving(q, SEASON_LATE)
    s.step(plan(4), "run", "--now", "2025-01-17T12:00:00Z", "-always")
    assert late(), f"the tick never saved the questions page\n{s.history(output=True)}"
    s.answer(day, {"U4C vote": [": Jack: The charter made the election hard."]})
    s.step(plan(5), "run", "--now", "2025-01-20T12:00:00Z", "-always")
    assert_late_question_kept(s, day, SEASON_LATE)
    assert "Why was the U4C vote so low?" in (s.reader.text(q) or "")
    assert_no_duplicates(s, day)
    notes = (s.reader.text(s.session(day)) or "").split("== Notes ==", 1)[-1]
    assert "The charter made the election hard." in notes and "To be answered in writing" not in notes
    return pages_of(s, day)


# -- fixtures ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def references(wiki, tmp_path_factory):
    """Each story once without faults (through the proxy, so that the only
    difference is the faults), computed when first needed."""
    cache: dict[str, dict[str, str]] = {}

    def reference(name: str) -> dict[str, str]:
        if name not in cache:
            story = {"publish": publish_story, "season": season_story}[name]
            with FaultProxy(wiki.url) as p:
                s = FaultyScenario(wiki, tmp_path_factory.mktemp(f"reference-{name}"), proxy=p)
                cache[name] = story(s, None)
                assert not p.faults()
        return cache[name]

    return reference


def _differences(expected: dict[str, str], actual: dict[str, str]) -> str:
    import difflib

    out = []
    for title in expected:
        if expected[title] != actual.get(title):
            out += [f"--- {title}"] + list(difflib.unified_diff(expected[title].splitlines(),
                                                                (actual.get(title) or "").splitlines(),
                                                                "without faults", "with faults", lineterm=""))
    return "\n".join(out)


# -- the tests --------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_full_publish_under_faults_ends_as_without(seed, wiki, tmp_path, proxy, references):
    s = FaultyScenario(wiki, tmp_path, proxy=proxy)
    pages = publish_story(s, seed)
    print(s.history(output=True))  # shown with -rP, or when the test fails
    assert proxy.faults(), "no fault was injected"
    expected = references("publish")
    assert pages == expected, f"seed {seed}:\n{_differences(expected, pages)}\n{s.history()}"


@pytest.mark.parametrize("seed", SEEDS[:5])
def test_a_season_of_ticks_under_faults_ends_as_without(seed, wiki, tmp_path, proxy, references):
    s = FaultyScenario(wiki, tmp_path, proxy=proxy)
    pages = season_story(s, seed)
    print(s.history())
    assert proxy.faults(), "no fault was injected"
    expected = references("season")
    assert pages == expected, f"seed {seed}:\n{_differences(expected, pages)}\n{s.history()}"


@pytest.mark.parametrize("fault,settings", [
    pytest.param("drop", {}, id="drop-local-wiki-retries"),
    pytest.param("503", {}, id="503-local-wiki-retries"),
    pytest.param("500", FAST_RETRIES, id="500-fast-retries"),
    pytest.param("maxlag", FAST_RETRIES, id="maxlag-fast-retries"),
])
def test_a_wiki_that_stays_down_gives_a_clear_exit(fault, settings, wiki, tmp_path, proxy):
    """From the first request on: pywikibot's own retries (with the local
    wiki's configuration, ``{}``: 3 retries, waits of 1 then 2 seconds), then
    one line."""
    s = FaultyScenario(wiki, tmp_path, proxy=proxy, settings=settings)
    run = s.faulty(FaultPlan(always=fault, name=f"{fault} to everything"), "publish", PUBLISH_DAY, "-always")
    assert run.returncode == 1, run
    assert run.seconds < 60, run
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("notesbot: cannot reach the wiki: "), run
    assert len(proxy.log) <= 4, s.history()  # the first request, and pywikibot's 3 retries
    assert s.bot_edits() == []


@pytest.mark.parametrize("fault,settings", [
    pytest.param("drop", {}, id="drop-local-wiki-retries"),
    pytest.param("503", FAST_RETRIES, id="503-fast-retries"),
])
def test_a_wiki_that_goes_down_mid_publish_gives_a_clear_exit_and_a_rerun_finishes(
        fault, settings, wiki, tmp_path, proxy, references):
    """The wiki goes down right after the first save of the publish: the run
    stops within a bounded time, naming the problem; once the wiki is back,
    the same command finishes the job, with nothing twice."""
    s = FaultyScenario(wiki, tmp_path, proxy=proxy, settings=settings)
    s.post_example_questions(PUBLISH_DAY)
    s.step(NO_FAULTS, "harvest", "--session", PUBLISH_DAY, "--to-draft", "-always")
    s.answer(PUBLISH_DAY, PUBLISH_ANSWERS)
    late = s.late_question_when_saving(s.questions(PUBLISH_DAY), PUBLISH_LATE)
    run = s.faulty(FaultPlan(always=fault, after_writes=1, name=f"{fault} after the first write"),
                   "publish", PUBLISH_DAY, "-always")
    assert run.returncode == 1, run
    assert run.seconds < 60, run
    # The table says what was saved before, which page failed and why, and
    # that the rest was not tried.
    rows = {line.split("  ")[0]: line for line in run.stdout.splitlines()}
    assert re.search(r"\s(created|updated)\s", rows[s.session(PUBLISH_DAY)]), run
    assert re.search(r"\sfailed\s+the wiki did not answer", rows[s.index]), run
    assert re.search(r"\sskipped\s+not tried", rows[s.questions(PUBLISH_DAY)]), run
    assert s.proxy.faults(), s.history()
    s.step(NO_FAULTS, "publish", PUBLISH_DAY, "-always")
    print(s.history(output=True))
    assert late()
    assert_late_question_kept(s, PUBLISH_DAY, PUBLISH_LATE)
    assert_no_duplicates(s, PUBLISH_DAY)
    expected = references("publish")
    pages = pages_of(s, PUBLISH_DAY)
    assert pages == expected, _differences(expected, pages)


def test_saves_whose_answers_are_all_lost_count_once(wiki, tmp_path, proxy, references):
    """Every write of the publish reaches the wiki and its answer is lost,
    pywikibot's retry too (a null edit, or "articleexists" for a creation):
    the bot looks, finds its text there, and counts each page as saved,
    once, at the first run."""
    s = FaultyScenario(wiki, tmp_path, proxy=proxy)
    s.post_example_questions(PUBLISH_DAY)
    s.step(NO_FAULTS, "harvest", "--session", PUBLISH_DAY, "--to-draft", "-always")
    s.answer(PUBLISH_DAY, PUBLISH_ANSWERS)
    late = s.late_question_when_saving(s.questions(PUBLISH_DAY), PUBLISH_LATE)
    before = len(s.bot_edits())
    run = s.faulty(FaultPlan(write_rate=1.0, write_faults=("apply-then-drop",), name="every answer to a write lost"),
                   "publish", PUBLISH_DAY, "-always")
    print(s.history(output=True))
    assert run.returncode == 0, run
    rows = {line.split("  ")[0]: line for line in run.stdout.splitlines()}
    assert re.search(r"\screated\s", rows[s.session(PUBLISH_DAY)]), run
    assert re.search(r"\screated\s", rows[s.index]), run
    # The marks: the member's question came in just before them, so the
    # wiki merged the two edits; pywikibot's second send then conflicts with
    # the merged text, which already has the marks: "unchanged".
    assert re.search(r"\s(updated|unchanged)\s", rows[s.questions(PUBLISH_DAY)]), run
    lost = [r for r in proxy.faults() if r.write]
    assert len(lost) >= 6, s.history()  # each save sent twice by pywikibot, at least
    new = [c["title"] for c in s.bot_edits()[:len(s.bot_edits()) - before]]
    assert sorted(new) == sorted({s.session(PUBLISH_DAY), s.index, s.questions(PUBLISH_DAY)}), new
    assert late()
    assert_late_question_kept(s, PUBLISH_DAY, PUBLISH_LATE)
    assert_no_duplicates(s, PUBLISH_DAY)
    expected = references("publish")
    pages = pages_of(s, PUBLISH_DAY)
    assert pages == expected, _differences(expected, pages)


def test_a_wiki_that_goes_down_mid_tick_gives_a_clear_exit_and_the_next_tick_finishes(wiki, tmp_path, proxy):
    s = FaultyScenario(wiki, tmp_path, proxy=proxy)
    day = SEASON_DAY
    s.step(NO_FAULTS, "new-session", day, "--time", "18:00", "-always")
    q = s.questions(day)
    s.member.edit(q, s.member.text(q) + "\n== Trust and Safety ==\n* How do you handle threats? "
                  "[[User:Community Member|Community Member]] 10:00, 10 January 2025 (UTC)\n", "A question")
    run = s.faulty(FaultPlan(always="503", after_writes=1, name="503 after the first write"),
                   "run", "--now", "2025-01-10T12:00:00Z", "-always")
    assert run.returncode == 1, run
    assert run.seconds < 60, run
    assert run.stderr.strip().splitlines()[-1].startswith("notesbot: "), run
    s.step(NO_FAULTS, "run", "--now", "2025-01-10T12:00:00Z", "-always")
    print(s.history(output=True))
    draft = s.reader.text(s.draft(day)) or ""
    assert sum("How do you handle threats?" in line for line in draft.split("\n")) == 1, draft
    assert_no_duplicates_in(s.draft(day), draft)


def test_the_proxy_forwards_cookies_and_logs_each_fault(wiki, tmp_path):
    """The proxy itself: a login through it keeps its session (Set-Cookie
    out, Cookie in), a scripted fault hits the request it names, and the
    log says which."""
    import requests

    from wikiclient import WikiClient

    with FaultProxy(wiki.url, FaultPlan(script={3: "503"})) as p:
        client = WikiClient(p.api_url, wiki.accounts["member"])  # requests 1-2: token, login
        with pytest.raises(requests.HTTPError):
            client.get(action="query", meta="userinfo")  # 3: 503
        assert client.get(action="query", meta="userinfo")["query"]["userinfo"]["name"] == "Community Member"
        assert [(r.number, r.fault) for r in p.faults()] == [(3, "503")]
        p.use(FaultPlan(always="maxlag"))
        with pytest.raises(Exception, match="maxlag"):
            client.get(action="query", meta="userinfo")
        p.use(FaultPlan(always="drop"))
        with pytest.raises(requests.ConnectionError):
            client.get(action="query", meta="userinfo")


def test_the_proxy_runs_a_write_hook_once_before_or_after_the_wiki_applies_the_write(wiki):
    """``on_write``: before forwarding, the wiki does not have the write yet;
    after, it has; each hook fires on its first matching write only."""
    from wikiclient import WikiClient, unique_title

    title, other = unique_title("Proxy hook"), unique_title("Proxy hook other")
    reader = wiki.client()
    with FaultProxy(wiki.url) as p:
        client = WikiClient(p.api_url, wiki.accounts["member"])
        seen: dict[str, list] = {"before": [], "after": []}
        before = p.on_write(lambda r: seen["before"].append(reader.text(title)), title=title)
        after = p.on_write(lambda r: seen["after"].append(reader.text(title)), title=title, after=True)
        second = p.on_write(lambda r: seen.setdefault("second", []).append(r.write_number), number=2)
        client.edit(other, "not this page")
        client.edit(title, "one")
        client.edit(title, "two")
        assert before.done and after.done and second.done, p.hooks
        assert seen == {"before": [None], "after": ["one"], "second": [2]}
        assert before.request.title == title and before.request is after.request
        failing = p.on_write(lambda r: 1 / 0, title=title)
        client.edit(title, "three")
        assert not failing.done and isinstance(failing.error, ZeroDivisionError)
        assert reader.text(title) == "three", "a failing hook does not hold the write back"
