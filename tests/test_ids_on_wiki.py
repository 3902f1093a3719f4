"""Issue 21 on the real wiki: a question keeps its id when its asker signs
another in the same minute after the draft exists, and the marks follow the
notes as published (a question staff deleted loses its mark, a question no
longer answered says so), the community's text around them untouched."""

from __future__ import annotations

import re

import pytest
from scenario import Scenario
from test_same_minute_marks import HEADER, SIGNED

pytestmark = pytest.mark.wiki

DAY = "2024-07-11"
FIRST = "What is the plan for the travel grants?"
SECOND = "Who decides on the rapid fund this year?"
MARK = re.compile(r" ?\{\{Conversation hour answered\|([^}|]*)#(q-[0-9a-f]+)(\|status=written)?\}\}")


def marks_by_question(page: str) -> dict[str, list[tuple[str, bool]]]:
    out: dict[str, list[tuple[str, bool]]] = {}
    for line in page.split("\n"):
        for text in (FIRST, SECOND):
            if text in line:
                out[text] = [(m[2], bool(m[3])) for m in MARK.finditer(line)]
    return out


def notes_anchor(notes: str, text: str) -> str | None:
    for line in notes.split("\n"):
        if line.startswith("*") and text in line:
            return re.search(r'<span id="(q-[0-9a-f]+)">', line)[1]
    return None


def test_same_minute_question_after_the_draft_then_deleted_and_unanswered(wiki, tmp_path):
    s = Scenario(wiki, tmp_path)
    title = s.questions(DAY)
    community = HEADER.replace("SESSION", s.session(DAY)) + f"\n== Grants ==\n* {FIRST} {SIGNED}\n"
    s.member.edit(title, community, "Questions")
    s.run_ok("harvest", "--session", DAY, "--to-draft", "-always")
    community += f"* {SECOND} {SIGNED}\n"  # the same asker, the same minute, after the draft exists
    s.member.edit(title, community, "Another one")
    s.run_ok("harvest", "--session", DAY, "--to-draft", "-always")
    draft = s.staff.text(s.draft(DAY))
    assert draft.count(FIRST) == 1 and draft.count(SECOND) == 1, draft

    s.answer(DAY, {FIRST: [": Maggie: Answered live."]})
    s.run_ok("publish", DAY, "-always")
    notes = s.reader.text(s.notes(DAY))
    page = s.reader.text(title)
    marks = marks_by_question(page)
    assert marks[FIRST] == [(notes_anchor(notes, FIRST), False)], marks
    assert marks[SECOND] == [(notes_anchor(notes, SECOND), True)], marks
    assert MARK.sub("", page) == community.rstrip("\n") or MARK.sub("", page).rstrip("\n") == community.rstrip("\n")

    # Staff delete the second question from the draft and take back the first's answer.
    draft = s.staff.text(s.draft(DAY))
    lines = [line for line in draft.split("\n") if SECOND not in line and "Answered live." not in line]
    s.staff.edit(s.draft(DAY), "\n".join(lines), "Not this one; no answer yet")
    s.run_ok("publish", DAY, "-always")
    notes = s.reader.text(s.notes(DAY))
    assert notes_anchor(notes, SECOND) is None
    page = s.reader.text(title)
    marks = marks_by_question(page)
    assert marks[SECOND] == [], f"a mark to an anchor the notes do not hold: {marks}"
    assert marks[FIRST] == [(notes_anchor(notes, FIRST), True)], marks
    assert MARK.sub("", page).rstrip("\n") == community.rstrip("\n")


def test_import_into_an_unknown_session_refuses_as_harvest_does(wiki, tmp_path):
    from pathlib import Path
    s = Scenario(wiki, tmp_path)
    mail = Path(__file__).resolve().parent / "data" / "imports" / "mails" / "html-only.eml"
    harvested = s.run("harvest", "--session", "2031-01-09", "--to-draft", "-always")
    imported = s.run("import", "2031-01-09", str(mail), "--channel", "email", "-always")
    assert harvested.returncode == imported.returncode == 2, (harvested, imported)
    assert imported.stderr.strip().splitlines()[-1] == harvested.stderr.strip().splitlines()[-1], (harvested.stderr,
                                                                                                    imported.stderr)
    assert "does not exist" in imported.stderr
    assert s.reader.text(s.draft("2031-01-09")) is None, "a draft for a session that does not exist"
