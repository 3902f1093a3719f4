"""A transcript of our own into a harvested draft on the local wiki: proposals, their review, the notes."""

from __future__ import annotations

import pytest

from scenario import Scenario
from test_staff_drafts import visible
from test_transcripts import DATA, TAKEN_UP, URL, block_under

DAY = "2024-07-11"
pytestmark = pytest.mark.wiki


@pytest.fixture
def scenario(wiki, tmp_path) -> Scenario:
    return Scenario(wiki, tmp_path, series_extra={"sessions": [DAY], "speakers": ["Jan Eissfeldt"],
                                                  "speaker_aliases": {"MDennis": "Maggie Dennis"}})


def test_a_transcript_proposes_answers_that_reach_the_notes_only_once_reviewed(scenario: Scenario):
    s = scenario
    s.post_example_questions(DAY)
    s.run_ok("harvest", "--session", DAY, "--to-draft", "-always")
    harvested = s.reader.text(s.draft(DAY))
    call = str(DATA / "zoom-call.vtt")

    shown = s.run_ok("import", DAY, call, "--recording", URL, "-simulate")
    assert "+{{Conversation hour proposal|t=20}}" in shown.stdout and "would update" in shown.stdout
    assert s.reader.text(s.draft(DAY)) == harvested  # -simulate saves nothing

    done = s.run_ok("import", DAY, call, "--recording", URL, "-always")
    assert "asked live, not in the draft (for staff, not added): " + URL + "&t=198: Will the next election" \
        in done.stdout
    draft = s.reader.text(s.draft(DAY))
    for piece, seconds in TAKEN_UP.items():
        block = block_under(draft, piece)
        if seconds is None:
            assert not any("proposal" in line for line in block), piece
        else:
            assert block[0] == f"{{{{Conversation hour proposal|t={seconds}}}}}", (piece, block)
            assert any(line.startswith(f"[{URL}&t={seconds} ") for line in block), piece
    assert "Will the next election" not in "\n".join(l for l in draft.split("\n") if l.startswith("* "))

    before = len(s.bot_edits())
    s.run_ok("import", DAY, call, "--recording", URL, "-always")
    assert len(s.bot_edits()) == before  # a second import changes nothing

    checked = s.run_ok("check", DAY)
    assert checked.stdout.count("answer proposed from the transcript, not reviewed") == 6
    # the tick lists them in the draft's box and on the status page too
    s.run_ok("run", "--now", "2024-07-12T10:00:00Z", "-always")
    box = visible(s.reader.parse_html(title=s.draft(DAY)))
    assert box.count("answer proposed from the transcript, not reviewed") == 6
    assert "answer proposed from the transcript, not reviewed" in visible(s.reader.parse_html(title=s.status))

    # Staff accept the proposal under the UCoC question and leave the others; the notes get only that one.
    accepted = s.staff.text(s.draft(DAY)).replace("{{Conversation hour proposal|t=20}}\n", "", 1)
    s.staff.edit(s.draft(DAY), accepted, "Accept one proposed answer")
    s.answer(DAY, {}, ready=True)
    s.run_ok("publish", DAY, "-always")
    notes = s.reader.text(s.notes(DAY))
    assert "Maggie Dennis: I do. When I look at the reports we get" in notes
    assert f"{URL}&t=20" in notes
    for unreviewed in ("Our role was to support the committee", "too few candidates", "Nothing was wasted",
                       "anyone can write to the Board", "Conversation hour proposal"):
        assert unreviewed not in notes, unreviewed


def test_a_bad_transcript_or_a_missing_draft_writes_nothing(scenario: Scenario, tmp_path):
    s = scenario
    bad = tmp_path / "broken.vtt"
    bad.write_text("WEBVTT\n\n00:00:01.000 --> soon\nHello\n")
    result = s.run("import", DAY, str(bad), "-always")
    assert result.returncode == 2 and "broken.vtt: not a WebVTT file" in result.stderr
    assert "Traceback" not in result.stderr
    result = s.run("import", DAY, str(DATA / "zoom-call.vtt"), "--recording", "youtube dot com", "-always")
    assert result.returncode == 2 and "--recording 'youtube dot com': not an address" in result.stderr
    s.member.edit(s.questions(DAY), "No questions yet.", "The session's questions page")  # a session, no draft
    result = s.run("import", DAY, str(DATA / "zoom-call.vtt"), "-always")
    assert result.returncode == 2 and "does not exist: harvest the questions into it first" in result.stderr
    assert "Traceback" not in result.stderr
    assert s.reader.text(s.draft(DAY)) is None and s.bot_edits() == []
