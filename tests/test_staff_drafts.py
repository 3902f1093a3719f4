"""Drafts as staff really write them, the check, manual runs and the pages, on the local wiki."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import time
from html import unescape
from pathlib import Path

import pytest

from scenario import NOTESBOT, Scenario

DRAFTS = Path(__file__).resolve().parent / "data" / "drafts"
DAY = "2024-07-11"
CRS_SESSION = "Wikimedia Foundation/Legal/Community Resilience and Sustainability/Conversation Hour 2024 07 11"


def write_draft(s: Scenario, name: str, day: str = DAY, **replace: str) -> str:
    text = (DRAFTS / name).read_text().replace(CRS_SESSION, s.session(day))
    for old, new in replace.items():
        text = text.replace(old, new)
    s.staff.edit(s.draft(day), text, "Answers from the call")
    return text


def visible(html: str) -> str:
    """The text a reader sees, on one line."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).replace("\xa0", " ")


@pytest.mark.parametrize("style", ["conversation-hour-2024", "office-hours-2022"])
def test_every_answer_form_is_published_under_its_question(wiki, tmp_path, style):
    s = Scenario(wiki, tmp_path, style=style, series_extra={"speakers": ["Jack"]})
    write_draft(s, "answer-forms.wiki")
    s.run_ok("publish", DAY, "-always")
    parsed = s.reader.parse(s.notes(DAY))
    text = visible(parsed["text"])
    answered, written = text.split("To be answered in writing", 1)
    for needle in ("Jack: The Charter was an obstacle", "Kaarel: Disinformation", "Maggie Dennis: Yes",
                   "Listen first", "It has sixteen members", "Mental Health Resources", "We will write more later",
                   "Jan Eissfeldt: Some affiliates", "Kaarel: Many of these materials"):
        assert needle in answered, needle
        assert needle not in written, needle
    assert "Anyone can propose amendments" in written
    assert written.count("?") == 1


def test_a_draft_with_an_unclosed_comment_is_refused_and_nothing_changes(wiki, tmp_path):
    s = Scenario(wiki, tmp_path)
    write_draft(s, "check-unclosed-comment.wiki")
    checked = s.run("check", DAY)
    assert checked.returncode == 1 and "line 8: unclosed <!--" in checked.stdout
    before = len(s.bot_edits())
    refused = s.run("publish", DAY, "-always")
    assert refused.returncode == 1, refused.stderr
    assert "line 8: unclosed <!--" in refused.stderr and "not published" in refused.stderr
    assert len(s.bot_edits()) == before
    assert s.reader.text(s.session(DAY)) is None


def test_manual_publish_needs_ready_and_a_started_session_unless_forced(wiki, tmp_path):
    s = Scenario(wiki, tmp_path)
    future = "2099-01-15"
    write_draft(s, "check-clean.wiki", day=future)
    early = s.run("publish", future, "-always")
    assert early.returncode == 1 and "has not started" in early.stderr
    write_draft(s, "check-clean.wiki", **{"status = ready": "status = collecting"})
    waiting = s.run("publish", DAY, "-always")
    assert waiting.returncode == 1 and "'collecting', not 'ready'" in waiting.stderr
    assert s.bot_edits() == []
    s.run_ok("publish", DAY, "--force", "-always")
    assert "By a second person." in s.reader.text(s.session(DAY))


def test_a_tick_shows_the_problems_in_the_box_and_on_the_status_page(wiki, tmp_path):
    s = Scenario(wiki, tmp_path, series_extra={"sessions": [DAY]})
    write_draft(s, "check-unclosed-div.wiki", **{"status = ready": "status = redy"})
    s.run_ok("run", "--now", "2024-07-12T10:00:00Z", "-always")
    draft = s.reader.text(s.draft(DAY))
    assert "| problems = line 2&#58; status &#39;redy&#39;" in draft  # the status line is above the new one
    assert "line 9&#58; unclosed &#60;div&#62;" in draft
    box = visible(s.reader.parse_html(title=s.draft(DAY)))
    assert "The notes bot found problems in this draft" in box and "did you mean 'ready'?" in box
    status = visible(s.reader.parse_html(title=s.status))
    assert "did you mean 'ready'?" in status and "line 9: unclosed <div>" in status
    assert "status=ready in …/Notes draft" in status
    index = s.reader.text(s.index)
    assert "notes to come" in index
    # a second tick changes nothing; mending the draft clears its box
    edits = len(s.bot_edits())
    s.run_ok("run", "--now", "2024-07-12T10:30:00Z", "-always")
    assert len(s.bot_edits()) == edits
    text = s.reader.text(s.draft(DAY)).replace("status = redy", "status = ready").replace('<div class="quote">', "")
    s.staff.edit(s.draft(DAY), text, "Fixed")
    s.run_ok("run", "--now", "2024-07-12T11:00:00Z", "-always")
    assert "| problems = \n" in s.reader.text(s.draft(DAY))
    line = [l for l in s.reader.text(s.index).split("\n") if s.session(DAY) in l][0]
    assert "notes" in line and "to come" not in line


@pytest.mark.parametrize("style", ["conversation-hour-2024", "office-hours-2022"])
def test_pages_a_reader_understands(wiki, tmp_path, style):
    s = Scenario(wiki, tmp_path, style=style)
    for day in ("2025-01-16", "2025-04-10", "2025-07-17"):
        s.run_ok("new-session", day, "--time", "17:00", "-always")
    questions = s.reader.parse_html(title=s.questions("2025-04-10"))
    assert "open until 10 April 2025, 17:00 UTC (" in visible(questions)
    assert "timeanddate.com/worldclock/fixedtime.html?iso=20250410T1700" in questions
    middle = visible(s.reader.parse_html(title=s.session("2025-04-10")))
    assert "← Previous session · All sessions · Next session →" in middle
    first = visible(s.reader.parse_html(title=s.session("2025-01-16")))
    assert " All sessions · Next session →" in first and "· All sessions" not in first
    last = visible(s.reader.parse_html(title=s.session("2025-07-17")))
    assert "← Previous session · All sessions " in last and "All sessions ·" not in last
    write_draft(s, "check-clean.wiki", day="2025-01-16",
                **{"| harvested": "| recording = https://www.youtube.com/watch?v=abc123\n| harvested"})
    s.run_ok("publish", "2025-01-16", "-always")
    notes = s.reader.parse_html(title=s.notes("2025-01-16"))
    assert 'href="https://www.youtube.com/watch?v=abc123"' in notes
    assert "The recording of the conversation: watch it here" in visible(notes)
    if style == "office-hours-2022":
        nav = visible(notes)
        assert " All sessions · Next session →" in nav


def test_index_says_notes_to_come_then_links_the_notes(wiki, tmp_path):
    s = Scenario(wiki, tmp_path)
    s.run_ok("new-session", DAY, "-always")
    assert "upcoming" in s.reader.text(s.index)
    write_draft(s, "check-clean.wiki", **{"status = ready": "status = collecting"})
    s.run_ok("run", "--now", "2024-07-12T10:00:00Z", "-always")
    html = visible(s.reader.parse_html(title=s.index))
    assert "11 July 2024 – notes to come" in html
    s.run_ok("publish", DAY, "--force", "-always")
    html = visible(s.reader.parse_html(title=s.index))
    assert "11 July 2024 – notes" in html and "to come" not in html


# -- the confirmation prompt, through a pseudo-terminal -------------------------------------

def publish_in_a_terminal(s: Scenario, answers: list[str]) -> tuple[int, str]:
    """Run ``notesbot publish`` without -always in a pseudo-terminal and answer each prompt."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([str(NOTESBOT), "--config", str(s.config_path), "publish", DAY],
                            stdin=slave, stdout=slave, stderr=slave, env=s.env(), close_fds=True)
    os.close(slave)
    output = b""
    pending = list(answers)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 1)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
            if output.count(b"accept these changes?") > len(answers) - len(pending) and pending:
                os.write(master, pending.pop(0).encode() + b"\r")
        elif proc.poll() is not None:
            break
    proc.wait(timeout=60)
    os.close(master)
    return proc.returncode, output.decode(errors="replace")


def test_without_always_each_save_shows_its_diff_and_asks(wiki, tmp_path):
    s = Scenario(wiki, tmp_path)
    for day in ("2024-04-10", "2024-10-17"):  # neighbours: four saves in all
        s.run_ok("new-session", day, "-always")
    write_draft(s, "check-clean.wiki")
    index_before = s.reader.text(s.index)
    code, out = publish_in_a_terminal(s, ["y", "n", "a"])
    assert out.count("accept these changes?") == 3, out  # "all": the fourth save is not asked about
    assert "By a second person." in out  # the diff of the notes, from pywikibot's showDiff
    assert "By a second person." in s.reader.text(s.session(DAY))  # yes
    assert s.reader.text(s.index) == index_before  # no
    assert s.session(DAY) in s.reader.text(s.session("2024-04-10"))  # all
    assert s.session(DAY) in s.reader.text(s.session("2024-10-17"))  # all, without asking
    assert code == 0, out


def test_quit_at_the_prompt_saves_nothing_more(wiki, tmp_path):
    s = Scenario(wiki, tmp_path)
    write_draft(s, "check-clean.wiki")
    code, out = publish_in_a_terminal(s, ["q"])
    assert out.count("accept these changes?") == 1, out
    assert s.bot_edits() == []
    assert code == 1 and "you chose quit" in out
