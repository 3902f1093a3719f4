"""Attack (held-out): the draft box's ``proposed`` and ``recording`` fields,
forged by a community member before staff import the recording's transcript.

The box's ``harvested`` list is now read as the bot or staff last saved it;
``proposed`` and ``recording`` are still read from the draft as it is now
(bot/publish/proposals.py: ``done = set(draft.proposed)``, ``url =
recording or recording_url(draft)``):

* ``| proposed = q-… q-…`` (every question's id) makes ``notesbot import``
  skip every question: no answer is proposed, silently ("0 new proposed
  answers").
* ``| recording = https://evil.example/…`` makes every proposed answer link
  "The answer in the recording" to the member's address."""

from __future__ import annotations

import re

import pytest
from scenario import Scenario
from test_transcripts import DATA, URL

DAY = "2024-07-11"
pytestmark = pytest.mark.wiki


@pytest.fixture
def scenario(wiki, tmp_path) -> Scenario:
    return Scenario(wiki, tmp_path, series_extra={"sessions": [DAY], "speakers": ["Jan Eissfeldt"],
                                                  "speaker_aliases": {"MDennis": "Maggie Dennis"}})


def _forge(s: Scenario, name: str, value: str) -> None:
    draft = s.member.text(s.draft(DAY))
    line = f"| {name} = {value}"
    if re.search(rf"(?m)^\|\s*{name}\s*=.*$", draft):
        draft = re.sub(rf"(?m)^\|\s*{name}\s*=.*$", lambda m: line, draft, count=1)
    else:
        draft = draft.replace("\n}}", "\n" + line + "\n}}", 1)
    s.member.edit(s.draft(DAY), draft, "tidy the box")


def test_a_forged_proposed_list_does_not_stop_the_import(scenario: Scenario):
    s = scenario
    s.post_example_questions(DAY)
    s.run_ok("harvest", "--session", DAY, "--to-draft", "-always")
    ids = re.findall(r'<span id="(q-[0-9a-f]+)"', s.reader.text(s.draft(DAY)))
    assert ids
    _forge(s, "proposed", " ".join(ids))
    done = s.run_ok("import", DAY, str(DATA / "zoom-call.vtt"), "--recording", URL, "-always")
    draft = s.reader.text(s.draft(DAY))
    assert "{{Conversation hour proposal|t=20}}" in draft, \
        f"a member's proposed= list made the import propose nothing:\n{done.stdout[-800:]}"


def test_a_forged_recording_does_not_reach_the_proposed_answers(scenario: Scenario):
    s = scenario
    s.post_example_questions(DAY)
    s.run_ok("harvest", "--session", DAY, "--to-draft", "-always")
    _forge(s, "recording", "https://evil.example/watch?v=phish")
    s.run_ok("import", DAY, str(DATA / "zoom-call.vtt"), "-always")
    draft = s.reader.text(s.draft(DAY))
    assert "evil.example" not in draft.split("}}", 1)[1], "a member's recording= is linked from the answers"
