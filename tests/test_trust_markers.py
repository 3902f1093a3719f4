"""The bot finds its own text by its own markers only (issue 25, item 3):
a heading edit never makes a second copy, a deleted end marker or a begin
marker copied onto someone else's text never costs their lines."""

from __future__ import annotations

import pytest

from bot.publish.pagetext import NOTES_BEGIN, NOTES_END, set_own_part, wrap_own
from scenario import Scenario
from test_trust import DAY, collected, tick

NOTES = "* Question one?\n: Maggie: Answer one."


def test_a_begin_marker_copied_above_a_volunteers_intro_takes_none_of_it():
    page = f"{NOTES_BEGIN}\nA volunteer's intro.\n{wrap_own('old notes')}\nA volunteer's note.\n"
    out = set_own_part(page, NOTES)
    assert "A volunteer's intro." in out and "A volunteer's note." in out and "old notes" not in out
    assert out.count(NOTES) == 1


def test_a_deleted_end_marker_replaces_only_the_bots_own_lines():
    page = f"{NOTES_BEGIN}\n{NOTES}\nA volunteer's line.\n[[Category:Meetings]]\n<!-- record -->\n"
    out = set_own_part(page, NOTES)
    assert out.count(NOTES) == 1 and out.count(NOTES_END) == 1
    for kept in ("A volunteer's line.", "[[Category:Meetings]]", "<!-- record -->"):
        assert kept in out


@pytest.fixture
def scenario(wiki, tmp_path) -> Scenario:
    return Scenario(wiki, tmp_path)


@pytest.mark.parametrize("heading", ["== Notes <!-- edited --> ==", "== notes ==", "== Meeting notes ==",
                                     "== <translate>Notes</translate> ==", "=== Notes ===\nA note.\n\n== Notes =="])
def test_a_heading_edit_never_leads_to_a_second_copy(scenario: Scenario, heading):
    s = scenario
    collected(s)
    s.answer(DAY, {"threats": [": Maggie: We work with professionals."]})
    tick(s, "2025-01-17T12:00:00Z")
    page = s.reader.text(s.session(DAY))
    assert page.count("We work with professionals.") == 1
    s.member.edit(s.session(DAY), page.replace("== Notes ==", heading, 1), "Heading")
    text = s.staff.text(s.draft(DAY)).replace("We work with professionals.", "We train our staff.")
    s.staff.edit(s.draft(DAY), text, "Better answer")
    result = tick(s, "2025-01-18T12:00:00Z")
    page = s.reader.text(s.session(DAY))
    assert page.count("We train our staff.") == 1, result.stdout + result.stderr + page
    assert "We work with professionals." not in page
    assert page.count(NOTES_BEGIN) == 1
