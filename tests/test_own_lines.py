"""Only the bot's own lines, on the local wiki: a volunteer's index line that
links the session, and a community sub-section and note under the notes,
survive a publish and a republish byte for byte; the bot's own index line is
known by its marker, and an unmarked line an earlier version wrote is taken
over once."""

from __future__ import annotations

import pytest

from bot.publish import pagetext
from scenario import Scenario
from test_publish import ANSWERS, DAY, full_cycle


@pytest.fixture
def scenario(wiki, tmp_path) -> Scenario:
    return Scenario(wiki, tmp_path)


def own_lines(s: Scenario, text: str) -> list[str]:
    return [l for l in text.split("\n") if pagetext.marker("session", s.session(DAY)) in l]


def test_a_volunteers_index_line_linking_the_session_survives_publish_and_republish(scenario: Scenario):
    s = scenario
    volunteer = f"* The [[{s.session(DAY)}|recording of 11 July]] is on Commons, with subtitles in three languages."
    s.member.edit(s.index, f"Sessions of the Conversation Hour:\n{volunteer}\nSee also the FAQ.\n", "Recording")
    full_cycle(s)
    index = s.reader.text(s.index)
    assert volunteer in index.split("\n")
    [line] = own_lines(s, index)
    assert "11 July 2024" in line and "#Notes" in line

    s.member.edit(s.index, index.replace("See also the FAQ.", "See also the FAQ and the slides."), "More")
    s.answer(DAY, {"good committee member": [": Kaarel: And read the charter."]})
    s.run_ok("publish", DAY, "-always")
    again = s.reader.text(s.index)
    assert volunteer in again.split("\n") and "See also the FAQ and the slides." in again
    assert len(own_lines(s, again)) == 1
    before = len(s.bot_edits())
    s.run_ok("publish", DAY, "-always")
    assert len(s.bot_edits()) == before  # idempotent


def test_an_unmarked_line_of_an_earlier_version_is_taken_over_once(scenario: Scenario):
    s = scenario
    old = f"* [[{s.session(DAY)}|11 July 2024]] – upcoming"
    s.admin.edit(s.index, f"Sessions:\n{old}\n", "Listed by an earlier version of the bot")
    full_cycle(s)
    index = s.reader.text(s.index)
    assert old not in index
    [line] = [l for l in index.split("\n") if s.session(DAY) in l]
    assert line in own_lines(s, index) and "#Notes" in line


def test_a_community_sub_section_and_note_under_the_notes_survive_a_republish(scenario: Scenario):
    s = scenario
    full_cycle(s)
    page = s.reader.text(s.session(DAY))
    assert "Notes will be published here" not in page
    note = "A volunteer's note: the slides are on Commons."
    sub = "=== Community follow-up ===\n* A community summary in Spanish. [[User:X|X]]"
    lead = "Notes taken by volunteers during the call are welcome below."
    page = page.replace("== Notes ==\n", f"== Notes ==\n{lead}\n", 1) + f"\n{note}\n{sub}\n== Afterwards ==\nMore."
    s.member.edit(s.session(DAY), page, "Community additions")
    community = s.reader.text(s.session(DAY))

    s.answer(DAY, {"good committee member": [": Kaarel: And read the charter."]})
    s.run_ok("publish", DAY, "-always")
    after = s.reader.text(s.session(DAY))
    assert "Kaarel: And read the charter." in after
    start, end = pagetext.own_part(community)
    start2, end2 = pagetext.own_part(after)
    assert after[:start2] == community[:start] and after[end2:] == community[end:]  # byte for byte
    assert after.count(pagetext.NOTES_BEGIN) == 1 and after.count("Kaarel: And read the charter.") == 1
    html = s.reader.parse_html(s.session(DAY))
    assert "notesbot" not in html.replace("<!--", "")  # the markers are invisible
