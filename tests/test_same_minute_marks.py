"""Several questions of one asker signed in the same minute, on the real wiki:
a question inserted before them and one moved on the questions page, staff reordering them
and adding one of their own in the draft, and after publishing every answered
mark still links to its own question's answer."""

from __future__ import annotations

import re

import pytest
from scenario import Scenario

pytestmark = pytest.mark.wiki

DAY = "2024-07-11"
SIGNED = "[[User:Same Minute|Same Minute]] ([[User talk:Same Minute|talk]]) 10:00, 2 July 2024 (UTC)"
OTHER = "[[User:Other Asker|Other Asker]] ([[User talk:Other Asker|talk]]) 10:00, 2 July 2024 (UTC)"
HEADER = """{{Conversation hour questions header
| session = SESSION
| deadline = 2024-07-11T17:00:00Z
}}
"""
KEYS = ["Alpha", "Beta", "Gamma", "Zero", "Other"]


def question_text(key: str) -> str:
    return f"What is the plan for the {key} grants?"


def mark_anchors(questions_page: str) -> dict[str, list[str]]:
    """Key -> the anchors of the answered marks on the lines of the questions page holding its question."""
    out: dict[str, list[str]] = {}
    for line in questions_page.split("\n"):
        for key in KEYS:
            if question_text(key) in line:
                out.setdefault(key, []).extend(re.findall(r"\{\{Conversation hour answered\|[^}#]*#(q-[0-9a-f]+)", line))
    return out


def notes_anchors(session_page: str) -> dict[str, str]:
    """Key -> the anchor of the notes bullet holding its question (and the answer written for it)."""
    out: dict[str, str] = {}
    lines = session_page.split("\n")
    for i, line in enumerate(lines):
        for key in KEYS:
            if line.startswith("*") and question_text(key) in line:
                anchor = re.search(r'<span id="(q-[0-9a-f]+)">', line)
                assert anchor, f"no anchor on the notes bullet {line!r}"
                assert f"Answer about {key}." in lines[i + 1], (key, lines[i:i + 2])
                out[key] = anchor[1]
    return out


def test_same_minute_questions_keep_their_marks_through_insert_and_reorder(wiki, tmp_path):
    s = Scenario(wiki, tmp_path)
    title = s.questions(DAY)
    s.member.edit(title, HEADER.replace("SESSION", s.session(DAY)) + "\n== Grants ==\n"
                  + "".join(f"* {question_text(k)} {SIGNED}\n" for k in ("Alpha", "Beta", "Gamma"))
                  + f"\n== More ==\n* {question_text('Other')} {OTHER}\n", "Questions")
    s.run_ok("harvest", "--session", DAY, "--to-draft", "-always")

    # A question of the same asker and minute inserted before the others, harvested too.
    page = s.member.text(title)
    page = page.replace(f"* {question_text('Alpha')}", f"* {question_text('Zero')} {SIGNED}\n* {question_text('Alpha')}")
    s.member.edit(title, page, "One more")
    s.run_ok("harvest", "--session", DAY, "--to-draft", "-always")

    # Staff: Gamma moved first, Alpha and Beta swapped, and a question of their own
    # (from the live chat) put between them.
    draft = s.staff.text(s.draft(DAY))
    lines = draft.split("\n")
    bullet = {k: next(l for l in lines if l.startswith("*") and question_text(k) in l) for k in KEYS[:4]}
    assert all('<span id="q-' in b for b in bullet.values()), bullet
    for b in bullet.values():
        lines.remove(b)
    at = next(i for i, l in enumerate(lines) if l.startswith("=="))
    lines[at + 1:at + 1] = [bullet["Gamma"], bullet["Beta"], "* What is the plan for the Staff grants?",
                            bullet["Zero"], bullet["Alpha"]]
    s.staff.edit(s.draft(DAY), "\n".join(lines), "Reordered")
    s.answer(DAY, {question_text(k): [f": Maggie: Answer about {k}."] for k in KEYS}
             | {"Staff grants": [": Maggie: Answer about Staff."]})
    # And on the questions page, Gamma moved before the others after the last harvest.
    page = s.member.text(title)
    gamma = f"* {question_text('Gamma')} {SIGNED}\n"
    page = page.replace(gamma, "").replace(f"* {question_text('Zero')}", gamma + f"* {question_text('Zero')}")
    s.member.edit(title, page, "Moved")
    s.run_ok("publish", DAY, "-always")

    marks = mark_anchors(s.reader.text(title))
    notes = notes_anchors(s.reader.text(s.session(DAY)).split("== Notes ==", 1)[1])
    assert set(notes) == set(KEYS)
    assert len(set(notes.values())) == len(KEYS)
    for key in KEYS:
        assert marks.get(key) == [notes[key]], f"the mark after {key!r} links to {marks.get(key)}, its answer is #{notes[key]}"
