"""A whole season on the local wiki, with the clock set by the test."""

from __future__ import annotations

import signal
import subprocess
import time

import pytest

from scenario import NOTESBOT, Scenario, benchmark

DAY = "2025-01-16"


def tick(s: Scenario, when: str) -> subprocess.CompletedProcess:
    return s.run_ok("run", "--now", when, "-always")


@pytest.fixture
def scenario(wiki, tmp_path) -> Scenario:
    return Scenario(wiki, tmp_path)


def draft_questions(text: str) -> list[str]:
    return [l for l in text.split("\n") if l.startswith("* ")]


def test_a_whole_season(scenario: Scenario, wiki):
    s = scenario
    s.run_ok("new-session", DAY, "--time", "18:00", "-always")
    q = s.questions(DAY)
    page = s.member.text(q)
    s.member.edit(q, page + "\n== Trust and Safety ==\n* How do you handle threats? "
                  "[[User:Community Member|Community Member]] 10:00, 10 January 2025 (UTC)\n"
                  "* Will there be training for admins? [[User:Community Member|Community Member]] "
                  "10:05, 10 January 2025 (UTC)\n", "Questions")

    # A week before: the questions go into the draft.
    tick(s, "2025-01-10T12:00:00Z")
    draft = s.reader.text(s.draft(DAY))
    assert len(draft_questions(draft)) == 2

    # More questions arrive; the next tick adds only the new one.
    s.member.append(q, "\n* Why was the U4C vote so low? [[User:Community Member|Community Member]] "
                       "09:00, 12 January 2025 (UTC)\n", "One more")
    tick(s, "2025-01-14T12:00:00Z")
    draft = s.reader.text(s.draft(DAY))
    assert len(draft_questions(draft)) == 3
    assert sum("U4C vote" in l for l in draft_questions(draft)) == 1

    # After the session, before staff are ready: nothing is published; the
    # index says the notes are to come (its one edit).
    before = len(s.bot_edits())
    tick(s, "2025-01-16T20:00:00Z")
    assert [e["title"] for e in s.bot_edits()[:len(s.bot_edits()) - before]] == [s.index]
    assert "notes to come" in s.reader.text(s.index)
    assert "Notes will be published here" in s.reader.text(s.session(DAY))

    # Staff answer two and set ready: published, one left for writing.
    s.answer(DAY, {"threats": [": Maggie: We work with professionals."],
                   "training": [": Patrick: Training is co-created with the community."]})
    tick(s, "2025-01-17T12:00:00Z")
    notes = s.reader.text(s.session(DAY)).split("== Notes ==", 1)[1]
    assert "We work with professionals." in notes
    assert "To be answered in writing" in notes and "U4C vote" in notes.split("To be answered in writing")[1]
    marks = s.reader.text(q)
    assert marks.count("{{Conversation hour answered|") == 3 and marks.count("status=written") == 1
    status = s.reader.text(s.status)
    assert "published" in status and s.session(DAY) in status

    # A written answer later: republished, the question moves up, its mark changes.
    s.answer(DAY, {"U4C vote": [": Jack: The charter made the election hard."]})
    tick(s, "2025-01-20T12:00:00Z")
    notes = s.reader.text(s.session(DAY)).split("== Notes ==", 1)[1]
    assert "The charter made the election hard." in notes and "To be answered in writing" not in notes
    assert "status=written" not in s.reader.text(q)

    # Nothing new: no edit.
    before = len(s.bot_edits())
    tick(s, "2025-01-21T12:00:00Z")
    assert len(s.bot_edits()) == before

    # Archived: nothing more, even when staff change the draft.
    s.answer(DAY, {"threats": [": Maggie: An afterthought."]})
    tick(s, "2025-04-01T12:00:00Z")
    assert "An afterthought." not in s.reader.text(s.session(DAY))
    assert "archived" in s.reader.text(s.status)


def test_a_tick_with_nothing_to_do_makes_one_request(scenario: Scenario, wiki):
    """The bound of ``benchmarks/tick.py --check``, measured as it measures
    it: the watched pages' latest revisions, with the login check."""
    bench = benchmark("tick")
    s = scenario
    s.run_ok("new-session", DAY, "-always")
    tick(s, "2025-01-10T12:00:00Z")
    tick(s, "2025-01-10T12:30:00Z")
    results = []
    requests, edited = bench.measure(wiki, s.bot_edits, lambda: results.append(tick(s, "2025-01-10T13:00:00Z")))
    assert edited == []
    assert "Nothing changed on the wiki" in results[0].stdout, results[0].stdout
    assert bench.over_noop(requests) is None, f"{bench.over_noop(requests)}:\n{results[0].stdout}"


def test_a_working_tick_makes_at_most_edits_plus_three_requests(wiki, tmp_path):
    """The bound of ``benchmarks/tick.py --check`` on its own series (one
    session to publish, the next one's questions to harvest), measured as
    it measures it: the edits, the index's history, one batch of every page
    the tick reads, and one batch of what it saved before the status page."""
    bench = benchmark("tick")
    s, titles = bench.set_up(wiki, tmp_path)
    when = bench.NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
    requests, edited = bench.measure(wiki, lambda: bench.bot_edits(s, set(titles)), lambda: tick(s, when))
    assert s.session(bench.HELD.isoformat()) in edited and s.draft(bench.NEXT.isoformat()) in edited, edited
    assert bench.over_work(requests, len(edited)) is None, bench.over_work(requests, len(edited))


def test_schedule_runs_ticks_and_stops_on_sigterm(scenario: Scenario):
    s = scenario
    s.run_ok("new-session", DAY, "-always")
    done = s.run("schedule", "--cron", "*/2 * * * * *", "--max-ticks", "2", timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("tick ") >= 2 and "stopped after 2 tick(s)" in done.stderr

    proc = subprocess.Popen([str(NOTESBOT), "--config", str(s.config_path), "schedule", "--cron",
                             "* * * * * *"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=s.env())
    try:
        deadline = time.monotonic() + 60
        lines = []
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            lines.append(line)
            if "tick 1 at" in line:
                break
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:  # never leave a scheduler running after the test
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, "".join(lines) + err
    assert "SIGTERM: stopping" in err and "stopped after" in err


def test_a_manual_publish_during_a_tick_exits_with_a_clear_message(scenario: Scenario, wiki, tmp_path):
    from bot.environment import Environment
    from bot.run.lock import lock_path, writer_lock

    s = scenario
    with writer_lock(lock_path(None, Environment.read())):
        result = s.run("new-session", DAY, "-always")
    assert result.returncode == 1
    assert "another run of notesbot is writing" in result.stderr
    assert s.bot_edits() == []
