"""The draft check and the answer forms staff write, offline: every case in tests/data/drafts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.compile import load_templates, render_notes
from bot.compile.check import check_draft, exit_code
from bot.compile.draft import parse_draft, set_draft_problems
from bot.config import SeriesConfig
from bot.publish.draft import draft_with_problems
from lanes import first_fast

DRAFTS = Path(__file__).resolve().parent / "data" / "drafts"
CASES = sorted(DRAFTS.glob("*.wiki"))
HOST = SeriesConfig().all_speakers
NOTESBOT = Path(sys.executable).parent / "notesbot"


def expected(path: Path) -> dict:
    return json.loads(path.with_suffix(".json").read_text())


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_check_finds_each_problem_on_its_line(path: Path):
    want = expected(path)
    findings = check_draft(path.read_text(), (*HOST, *want.get("speakers", [])))
    assert [(f.line, f.severity) for f in findings] == [(line, severity) for line, severity, _ in want["findings"]]
    for finding, (_, _, words) in zip(findings, want["findings"]):
        assert words in str(finding)
    assert exit_code(findings) == want.get("exit", 0)


@pytest.mark.parametrize("path", [p for p in CASES if "answers" in expected(p)], ids=lambda p: p.stem)
def test_every_answer_form_stays_under_its_question(path: Path):
    want = expected(path)
    draft = parse_draft(path.read_text(), (*HOST, *want.get("speakers", [])))
    answers = {q.id: len(q.answers) for q in draft.questions if not q.staff_added}
    assert {i: n for i, n in answers.items() if n} == want["answers"]
    assert [i for i, n in answers.items() if not n] == want.get("unanswered", [])
    assert sum(q.staff_added for q in draft.questions) == want.get("staff_added", 0)


@pytest.mark.parametrize("style", ["conversation-hour-2024", "office-hours-2022"])
def test_answer_forms_publish_nothing_answered_in_writing(style):
    text = (DRAFTS / "answer-forms.wiki").read_text()
    series = SeriesConfig(style=style, notes_subpage="Notes" if style == "office-hours-2022" else None,
                          speakers=("Jack",))
    draft = parse_draft(text, series.all_speakers)
    from datetime import date
    notes = render_notes(draft, series.session(date(2024, 7, 11)), load_templates(style))
    written = notes.text.split("To be answered in writing", 1)[1]
    assert "q-00000000b2" in written
    for needle in ("Jack: The Charter was an obstacle", "Kaarel: Disinformation", "Maggie Dennis: Yes",
                   "Listen first", "sixteen members", "Mental Health Resources", "We will write more later"):
        assert needle in notes.text and needle not in written
    assert written.count("<span id=") == 1


def test_a_star_line_by_no_speaker_is_reported_not_silently_a_question():
    text = (DRAFTS / "check-answer-as-question-unknown.wiki").read_text()
    draft = parse_draft(text, HOST)
    assert any("answer typed as a question" in p.reason for p in draft.problems)
    # once the person is a configured speaker, the line is the answer
    draft = parse_draft(text, (*HOST, "Selena"))
    assert draft.questions[0].answers == ["Selena: We read each one within a week."]
    assert not draft.problems


def test_problems_in_the_box_keep_their_line_numbers_and_settle():
    text = (DRAFTS / "check-unclosed-div.wiki").read_text()
    once = draft_with_problems(text, HOST)
    assert "problems = line 9&#58; unclosed &#60;div&#62;" in once  # one line lower: the box grew by one
    assert draft_with_problems(once, HOST) == once
    mended = once.replace('<div class="quote">', "")
    cleared = draft_with_problems(mended, HOST)
    assert "| problems = \n" in cleared and draft_with_problems(cleared, HOST) == cleared
    assert [f.severity for f in check_draft(once, HOST)] == ["loses text"]  # the box's own text is inert


def test_set_draft_problems_without_box_changes_nothing():
    assert set_draft_problems("* q?\n: Maggie: a", ["x"]) == "* q?\n: Maggie: a"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(NOTESBOT), *args], capture_output=True, text=True, timeout=60)


def test_check_command_offline_exit_codes():
    bad = run("check", "--draft", str(DRAFTS / "check-unclosed-comment.wiki"))
    assert bad.returncode == 1
    assert "line 8: unclosed <!--" in bad.stdout
    clean = run("check", "--draft", str(DRAFTS / "check-clean.wiki"))
    assert clean.returncode == 0 and clean.stdout == ""
    warned = run("check", "--draft", str(DRAFTS / "check-no-speaker.wiki"))
    assert warned.returncode == 0 and "line 8: answer without a speaker" in warned.stdout
    missing = run("check", "--draft", str(DRAFTS / "nope.wiki"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_compile_takes_the_session_from_the_status_box():
    out = run("compile", "--draft", str(DRAFTS / "answer-forms.wiki"))
    assert out.returncode == 0, out.stderr
    assert "q-00000000a1" in out.stdout
    other = DRAFTS / "answer-forms.wiki"
    text = other.read_text().replace("| session = Wikimedia", "| session = Nowhere/Wikimedia")
    tmp = Path(__import__("tempfile").mkdtemp()) / "d.wiki"
    tmp.write_text(text)
    bad = run("compile", "--draft", str(tmp), "--style", "office-hours-2022")
    assert bad.returncode == 2 and "give --session" in bad.stderr


@pytest.mark.parametrize("value", first_fast(["25:00", "5pm", "7:00", "17:60", "17.00", ""]))
def test_bad_time_is_one_line_and_exit_2(value):
    out = run("new-session", "2025-04-10", "--time", value)
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and "HH:MM" in out.stderr


@pytest.mark.parametrize("value", first_fast(["2025-02-30", "2025-13-01", "10 April 2025", "2025-4-1"]))
def test_bad_date_is_one_line_and_exit_2(value):
    out = run("new-session", value, "--time", "17:00")
    assert out.returncode == 2 and out.stderr.count("\n") == 1
