"""Issue 21's seams on the real wiki: a session's own start time wherever a
start time is used, and a new-session stopped half way that the next tick
(or the same command again) finishes, the status saying what is missing
meanwhile."""

from __future__ import annotations

import re
import signal
import subprocess
from datetime import datetime, timedelta, timezone

import pytest
from faultproxy import NO_FAULTS
from scenario import ProxiedScenario, Scenario

pytestmark = pytest.mark.wiki

DAY = "2025-03-13"  # the series starts at 18:00 UTC; this session was set to 16:00


def status_row(text: str, session: str) -> str:
    rows = [line for line in text.split("\n") if session in line]
    assert rows, text
    return rows[0]


def test_the_session_s_own_start_decides_its_state_and_what_the_status_says(wiki, tmp_path):
    s = Scenario(wiki, tmp_path, series_extra={"time": "18:00"})
    s.run_ok("new-session", DAY, "--time", "16:00", "-always")
    session = s.session(DAY)

    # Before its own start: collecting, and the start shown is its own.
    before = s.run_ok("status", "--now", f"{DAY}T15:00:00Z").stdout
    assert "collecting" in status_row(before, session) and "16:00 UTC" in status_row(before, session), before
    s.run_ok("run", "--now", f"{DAY}T15:00:00Z", "-always")
    assert "16:00 UTC" in s.reader.text(s.status) and "18:00 UTC" not in s.reader.text(s.status)

    # 17:00: past its own start (16:00), before the series' (18:00): the
    # session took place, its notes are to come.
    after = s.run_ok("status", "--now", f"{DAY}T17:00:00Z").stdout
    assert "awaiting answers" in status_row(after, session), after
    s.run_ok("run", "--now", f"{DAY}T17:00:00Z", "-always")
    assert "awaiting answers" in status_row(s.reader.text(s.status), session)
    assert "notes to come" in s.reader.text(s.index)

    # The tick's shortcut keeps the session's own start: at 17:30 nothing
    # changed, and the state is still the same.
    edits = len(s.bot_edits())
    s.run_ok("run", "--now", f"{DAY}T17:30:00Z", "-always")
    assert len(s.bot_edits()) == edits


def test_a_manual_publish_is_allowed_from_the_session_s_own_start(wiki, tmp_path):
    now = datetime.now(timezone.utc)
    if now.hour >= 22 or now.hour < 1:
        pytest.skip("needs an hour before and after now on the same UTC day")
    day = now.date().isoformat()
    own = (now - timedelta(minutes=30)).strftime("%H:%M")  # started half an hour ago
    default = (now + timedelta(hours=1)).strftime("%H:%M")  # the series' time: not yet
    s = Scenario(wiki, tmp_path, series_extra={"time": default})
    s.run_ok("new-session", day, "--time", own, "-always")
    s.post_example_questions(day)
    s.run_ok("harvest", "--session", day, "--to-draft", "-always")
    draft = s.staff.text(s.draft(day))
    first = next(line for line in draft.split("\n") if line.startswith("* "))
    s.staff.edit(s.draft(day), draft.replace("status = collecting", "status = ready")
                 .replace(first, first + "\n: Maggie: Answered live.", 1), "Answers")
    result = s.run("publish", day, "-always")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "has not started" not in result.stdout + result.stderr
    assert "Answered live." in s.reader.text(s.notes(day))


def test_a_new_session_stopped_after_its_first_save_is_finished_by_the_next_tick(wiki, tmp_path, proxy):
    s = ProxiedScenario(wiki, tmp_path, proxy=proxy, series_extra={"time": "18:00"})
    session, questions = s.session(DAY), s.questions(DAY)
    proxy.use(NO_FAULTS)
    bot: list[subprocess.Popen] = []
    kill = proxy.on_write(lambda request: bot[0].kill(), number=1, after=True)
    bot.append(s.start("new-session", DAY, "--time", "16:30", "-always"))
    out, err = bot[0].communicate(timeout=300)
    assert kill.done and bot[0].returncode == -signal.SIGKILL, out + err
    # The first save is the index line: the session is known, its pages are not there.
    assert session in s.reader.text(s.index)
    assert s.reader.text(session) is None and s.reader.text(questions) is None

    # Meanwhile the status says what is missing.
    status = s.run_ok("status", "--now", f"{DAY}T10:00:00Z").stdout
    row = status_row(status, session)
    assert "to be created" in row and questions in row, status

    # The next tick makes the pages that are missing, once.
    s.run_ok("run", "--now", f"{DAY}T10:00:00Z", "-always")
    assert s.reader.text(session) is not None and s.reader.text(questions) is not None
    assert "to be created" not in s.reader.text(s.status)
    assert s.reader.text(s.index).count(f"[[{session}") == 1
    titles = [e["title"] for e in s.bot_edits()]
    assert titles.count(session) >= 1 and titles.count(questions) == 1

    # A run of the same command again changes nothing; a tick later neither.
    edits = len(s.bot_edits())
    s.run_ok("new-session", DAY, "-always")
    s.run_ok("run", "--now", f"{DAY}T11:00:00Z", "-always")
    assert len(s.bot_edits()) == edits


def test_a_new_session_stopped_after_each_save_ends_whole_after_a_rerun_or_a_tick(wiki, tmp_path, proxy):
    s = ProxiedScenario(wiki, tmp_path, proxy=proxy)
    # Killed right after the wiki took its k-th save (index line, session
    # page, questions page), then finished by the command again or a tick.
    for k, finisher, day in ((1, "rerun", "2025-04-10"), (2, "tick", "2025-05-15"), (3, "rerun", "2025-06-12"),
                             (2, "rerun", "2025-07-10"), (3, "tick", "2025-08-14")):
        session, questions = s.session(day), s.questions(day)
        proxy.use(NO_FAULTS)
        bot: list[subprocess.Popen] = []
        kill = proxy.on_write(lambda request: bot[0].kill(), number=k, after=True)
        bot.append(s.start("new-session", day, "-always"))
        out, err = bot[0].communicate(timeout=300)
        assert kill.done, out + err
        if finisher == "rerun":
            s.run_ok("new-session", day, "-always")
        else:
            s.run_ok("run", "--now", f"{day}T10:00:00Z", "-always")
        for title in (session, questions):
            assert s.reader.text(title) is not None, (k, finisher, title)
        index = s.reader.text(s.index)
        assert len(re.findall(re.escape(f"[[{session}"), index)) == 1, (k, finisher, index)
