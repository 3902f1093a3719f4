"""Questions from the live chat and by email into a session's draft, on the local wiki."""

from __future__ import annotations

from pathlib import Path

import pytest

from scenario import Scenario
from test_import_channels import PRIVATE

DAY = "2024-07-11"
DATA = Path(__file__).resolve().parent / "data" / "imports"
FILES = [str(DATA / name) for name in ("zoom-chat.txt", "zoom-chat-old.txt", "youtube-replay.jsonl",
                                       "telegram-result.json", "mails", "questions.mbox")]

#: What a person would pick from the files (a piece of each), the questions page's own duplicate left out.
PICKED = ["I have a longer question about the Trust and Safety appeals process",
          "My question is about the U4C. Now that it has enough members",
          "Is there a plan to translate the appeals page",
          "is there a page where volunteers can sign up",
          "what the Foundation does to keep editors in conflict zones safe",
          "which human rights cases to support",
          "timeline of the Committee Support annual report",
          "How can small wikis get help from the Trust and Safety team",
          "When will the Movement Charter be ratified by the affiliates?",
          "Is the Trust and Safety team hiring people who speak Swahili?",
          "how are local enforcement decisions reviewed",
          "what about projects that have no local admins at all?",
          "how can people contact the Human Rights team safely?",
          "How can small wikis get faster help with long-term abuse?",
          "offer training for new functionaries",
          "new Trust and Safety reporting tool works for people who edit on mobile",
          "the timeline for the next Human Rights policy review",
          "in-person Conversation Hour at Wikimania"]


@pytest.fixture
def scenario(wiki, tmp_path) -> Scenario:
    return Scenario(wiki, tmp_path, series_extra={"chat_hosts": ["Jordan Vale (WMF)"]})


def question_lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.startswith("* ")]


def test_import_adds_exactly_the_picked_questions_once_and_anonymously(scenario: Scenario):
    s = scenario
    s.post_example_questions(DAY)
    s.run_ok("harvest", "--session", DAY, "--to-draft", "-always")
    harvested = s.staff.text(s.draft(DAY))
    staff_text = harvested.replace("\n== ", "\n<!-- staff note: keep this -->\n== ", 1)
    s.staff.edit(s.draft(DAY), staff_text, "Staff note")

    result = s.run_ok("import", DAY, *FILES, "--verbose", "-always")
    assert "left out (the host's own message)" in result.stderr  # --verbose lists what was left out
    assert "not added (already in the draft)" in result.stderr
    draft = s.reader.text(s.draft(DAY))
    new = [line for line in question_lines(draft) if line not in question_lines(harvested)]
    for piece in PICKED:
        assert sum(piece in line for line in new) == 1, f"{piece!r} not added exactly once:\n" + "\n".join(new)
    assert len(new) == len(PICKED), "\n".join(new)
    assert all(line.endswith("(from the live chat)") or line.endswith("(by email)") for line in new)
    assert draft.count("Do you think the UCoC has made any difference?") == 1  # harvested once; not again from the chats
    assert "<!-- staff note: keep this -->" in draft
    assert "== From the live chat ==" in draft and "== By email ==" in draft
    # staff's text is all still there, in order, with the new lines between
    old_lines = [l for l in staff_text.split("\n") if "harvested" not in l]
    it = iter(l for l in draft.split("\n") if "harvested" not in l)
    assert all(any(l == m for m in it) for l in old_lines)
    # a question about a topic of the session goes to the end of that section
    lines = draft.split("\n")
    ratify = next(i for i, l in enumerate(lines) if "ratified by the affiliates" in l)
    heading = next(l for l in reversed(lines[:ratify]) if l.startswith("=="))
    assert "Movement Charter" in heading

    # A second import (in another order) adds nothing; a question staff deleted does not come back.
    lines = [l for l in draft.split("\n") if "Wikimania" not in l]
    s.staff.edit(s.draft(DAY), "\n".join(lines), "Not for the notes")
    before = len(s.bot_edits())
    s.run_ok("import", DAY, *reversed(FILES), "-always")
    assert len(s.bot_edits()) == before
    assert "Wikimania" not in s.reader.text(s.draft(DAY))

    # No sender's name, address, handle or number anywhere: the draft, its history, the edit summaries.
    revisions = s.reader.get(action="query", prop="revisions", titles=s.draft(DAY), rvlimit="max",
                             rvprop="content|comment|user", rvslots="main")["query"]["pages"][0]["revisions"]
    assert len(revisions) >= 3
    for rev in revisions:
        for word in PRIVATE:
            if word == "@":
                continue
            assert word not in rev["slots"]["main"]["content"], word
            assert word not in rev["comment"], word
    html = s.reader.parse_html(s.draft(DAY))
    assert not any(word in html for word in PRIVATE if word != "@")


def test_import_simulate_shows_the_diff_and_saves_nothing(scenario: Scenario):
    s = scenario
    s.post_example_questions(DAY)
    s.run_ok("harvest", "--session", DAY, "--to-draft", "-always")
    before = s.reader.revisions(s.draft(DAY))
    result = s.run_ok("import", DAY, str(DATA / "zoom-chat.txt"), "-simulate")
    assert "+* <span id=\"q-" in result.stdout and "(from the live chat)" in result.stdout
    assert "would update" in result.stdout
    assert s.reader.revisions(s.draft(DAY)) == before


def test_a_bad_file_writes_nothing(scenario: Scenario):
    s = scenario
    for bad, message in (("broken.mbox", "broken.mbox: message 2 (line 9): a broken mail"),
                         ("youtube-truncated.jsonl", "youtube-truncated.jsonl: line 7: not valid JSON")):
        result = s.run("import", DAY, str(DATA / "zoom-chat.txt"), str(DATA / bad), "-always")
        assert result.returncode == 2, result.stdout + result.stderr
        assert message in result.stderr and "Traceback" not in result.stderr
    assert s.reader.text(s.draft(DAY)) is None
    assert s.bot_edits() == []


def test_import_creates_the_draft_when_there_is_none(scenario: Scenario):
    s = scenario
    s.member.edit(s.questions(DAY), "No questions yet.", "The session's questions page")  # a session, no draft
    s.run_ok("import", DAY, str(DATA / "mails" / "html-only.eml"), "--channel", "email", "-always")
    draft = s.reader.text(s.draft(DAY))
    assert "{{Conversation hour draft" in draft
    assert sorted(l.split("</span>")[1] for l in question_lines(draft)) == [
        "How can small wikis get faster help with long-term abuse? (by email)",
        "Will the Committee Support team offer training for new functionaries & stewards? (by email)"]
    assert "== Committee Support ==" in draft and "== By email ==" in draft
