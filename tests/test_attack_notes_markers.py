"""Attack: the notes' begin marker on the session page, edited by one
community member after the notes are out.

* The begin marker ``<!-- notesbot:notes -->`` deleted (the end marker kept):
  the next publish writes a second copy of the notes above the old one, which
  stays, with the same ``<span id="q-…">`` anchors twice on the page.
* A second marker pair added above the Notes section, around a line of the
  member's: the next publish replaces the line with the notes, and the page
  holds the notes twice."""

from __future__ import annotations

import pytest
from scenario import Scenario

pytestmark = pytest.mark.wiki

DAY = "2025-05-15"
SIGNED = "[[User:Hostile Reader|Hostile Reader]] ([[User talk:Hostile Reader|talk]]) 10:01, 3 May 2025 (UTC)"
BEGIN, END = "<!-- notesbot:notes -->", "<!-- notesbot:notes end -->"
ANSWER = "We will publish it soon."


def published(wiki, tmp_path) -> Scenario:
    s = Scenario(wiki, tmp_path)
    s.run_ok("new-session", DAY, "-always")
    s.member.append(s.questions(DAY), f"\n== Grants ==\n* What is the plan for the grants? {SIGNED}\n", "Q")
    s.run_ok("run", "--now", "2025-05-10T12:00:00Z", "-always")
    s.answer(DAY, {"plan for the grants": [f": Maggie: {ANSWER}"]})
    s.run_ok("run", "--now", "2025-05-16T12:00:00Z", "-always")
    assert s.reader.text(s.session(DAY)).count(ANSWER) == 1
    return s


def republish(s: Scenario) -> str:
    s.run("run", "--now", "2025-05-16T13:00:00Z", "-always")
    draft = s.staff.text(s.draft(DAY))
    s.staff.edit(s.draft(DAY), draft.replace(ANSWER, ANSWER + " More."), "A longer answer")
    s.run("run", "--now", "2025-05-16T14:00:00Z", "-always")
    return s.reader.text(s.session(DAY))


def test_a_deleted_begin_marker_does_not_give_a_second_copy_of_the_notes(wiki, tmp_path):
    s = published(wiki, tmp_path)
    page = s.member.text(s.session(DAY))
    s.member.edit(s.session(DAY), page.replace(BEGIN, "") + "\nA comment.\n", "A comment")
    text = republish(s)
    assert "A comment." in text
    assert text.count(ANSWER) == 1, f"the notes are on the page {text.count(ANSWER)} times:\n{text}"


def test_a_second_marker_pair_does_not_take_a_members_line_nor_copy_the_notes(wiki, tmp_path):
    s = published(wiki, tmp_path)
    page = s.member.text(s.session(DAY))
    s.member.edit(s.session(DAY), f"{BEGIN}\nMy community text, please keep.\n{END}\n" + page, "A note on top")
    text = republish(s)
    assert "My community text, please keep." in text, "the bot replaced a member's line"
    assert text.count(ANSWER) == 1, f"the notes are on the page {text.count(ANSWER)} times:\n{text}"
