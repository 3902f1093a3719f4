"""Say what it waits for: a lock held by another run, the saves of a
publish (page N of M, the throttle), a wiki that does not answer, Ctrl-C,
and a shutoff page a non-staff user set back to yes."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from faultproxy import FaultPlan, NO_FAULTS
from scenario import ProxiedScenario, Scenario
from test_budget import PRODUCTION_RETRIES
from test_publish import ANSWERS, DAY

ROOT = Path(__file__).resolve().parent.parent

HOLDER = """
import sys, time
from pathlib import Path
from bot.run.lock import writer_lock
with writer_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(30)
"""


@pytest.mark.slow
def test_a_lock_wait_names_the_other_run_and_how_long_it_has_held_the_lock(tmp_path, caplog):
    from bot.errors import LockBusy
    from bot.run.lock import writer_lock

    path = tmp_path / "notesbot.lock"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), "publish", "2024-07-11"],
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout.readline().strip() == "held"
        time.sleep(1.1)
        caplog.set_level(logging.WARNING, logger="notesbot")
        with pytest.raises(LockBusy) as busy:
            with writer_lock(path, wait=0.6):
                pass
        said = [r.getMessage() for r in caplog.records if r.name == "notesbot.lock"]
        assert len(said) == 1, said  # said once, at once, not every 0.2 s
        for text in (said[0], str(busy.value)):
            assert f"pid {holder.pid}" in text and "publish 2024-07-11" in text, text
            assert "holding the lock for 1 s" in text or "holding the lock for 2 s" in text, text
        assert said[0].startswith("waiting up to 1 s for another run of notesbot to finish")
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.wiki
def test_saves_show_page_n_of_m(wiki, tmp_path, proxy):
    s = ProxiedScenario(wiki, tmp_path, proxy=proxy, settings={"put_throttle": 2})
    s.post_example_questions(DAY)
    s.run_ok("harvest", "--session", DAY, "--to-draft", "-always")
    s.answer(DAY, ANSWERS)
    result = s.run_ok("publish", DAY, "-always")
    lines = [l for l in result.stderr.splitlines() if "saving page " in l]
    assert len(lines) >= 3, result.stderr
    total = int(lines[0].split(" of ")[1].split(":")[0])
    assert [int(l.split("saving page ")[1].split(" of ")[0]) for l in lines] == sorted(
        int(l.split("saving page ")[1].split(" of ")[0]) for l in lines)
    assert all(f" of {total}: [[" in l for l in lines)


@pytest.mark.wiki
def test_an_unreachable_wiki_is_one_line_per_retry_and_one_at_the_end(wiki, tmp_path, proxy):
    """With pywikibot's own default retry settings (a wiki that answers no
    request: every request dropped), the run is cut short by the bot's own
    limits; each retry is one line naming the wiki and the next try, and
    the end is one line naming the wiki and what to check."""
    s = ProxiedScenario(wiki, tmp_path, proxy=proxy, settings=dict(PRODUCTION_RETRIES))
    proxy.use(FaultPlan(always="drop", name="drop everything"))
    result = s.run("status")
    proxy.use(NO_FAULTS)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "An error occurred for uri" not in result.stderr
    retries, last = lines[:-1], lines[-1]
    assert retries and all("did not answer" in l and "next try in" in l and "127.0.0.1" in l
                           for l in retries), lines
    assert last.startswith("notesbot: cannot reach the wiki: localwiki:localwiki (http://127.0.0.1:"), last
    assert "check the network" in last and "user-config.py" in last, last


@pytest.mark.wiki
def test_ctrl_c_says_what_was_saved_and_what_was_not(wiki, tmp_path, proxy):
    s = ProxiedScenario(wiki, tmp_path, proxy=proxy)
    s.post_example_questions(DAY)
    s.run_ok("harvest", "--session", DAY, "--to-draft", "-always")
    s.answer(DAY, ANSWERS)
    proxy.use(NO_FAULTS)
    bot: list[subprocess.Popen] = []
    hook = proxy.on_write(lambda request: bot[0].send_signal(signal.SIGINT), number=2, after=True)
    bot.append(s.start("publish", DAY, "-always"))
    out, err = bot[0].communicate(timeout=300)
    assert hook.done, err
    assert bot[0].returncode == 130, out + err
    assert "Traceback" not in err
    said = err[err.index("interrupted: "):]
    saved = int(said.split("interrupted: ")[1].split(" ")[0])
    assert saved >= 1, said
    assert said.count(" updated ") + said.count(" created ") == saved, said
    assert "not saved: interrupted (Ctrl-C)" in said or "interrupted while saving it" in said, said
    # and the next run finishes the job
    s.run_ok("publish", DAY, "-always")


@pytest.mark.wiki
def test_staff_start_the_bot_again_by_saving_what_the_message_says(wiki, tmp_path):
    s = Scenario(wiki, tmp_path)
    shutoff = s.title(s.shutoff)
    s.admin.edit(shutoff, "no", "Stop")
    s.member.edit(shutoff, "yes", "Start again")
    refused = s.run("new-session", DAY, "-always")
    assert refused.returncode == 3, refused.stderr
    line = refused.stderr.strip().splitlines()[-1]
    assert "Community Member" in line and "saves the page as 'yes <!-- started again by NAME -->'" in line, line
    # Saving "yes" again is no edit at all: the bot still refuses.
    s.staff.edit(shutoff, "yes", "Start again")
    assert s.run("new-session", DAY, "-always").returncode == 3
    # What the message says, with a name: the bot starts.
    s.staff.edit(shutoff, "yes <!-- started again by Staff Member -->", "Start again")
    s.run_ok("new-session", DAY, "-always")
    assert s.reader.text(s.session(DAY)) is not None
