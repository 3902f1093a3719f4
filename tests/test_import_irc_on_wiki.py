"""An IRC log of our own into a harvested draft, on the local wiki."""

from __future__ import annotations

import pytest

from scenario import Scenario
from test_import_irc import DATA, LOGS, NICKS, QUESTIONS
from test_import_on_wiki import question_lines

DAY = "2024-07-11"
pytestmark = pytest.mark.wiki


@pytest.fixture
def scenario(wiki, tmp_path) -> Scenario:
    return Scenario(wiki, tmp_path, series_extra={"chat_hosts": ["JVale"]})


def test_an_irc_log_gives_exactly_its_questions_once_and_no_nick(scenario: Scenario):
    s = scenario
    s.post_example_questions(DAY)
    s.run_ok("harvest", "--session", DAY, "--to-draft", "-always")
    harvested = s.reader.text(s.draft(DAY))
    files = [str(DATA / name) for name in LOGS]

    shown = s.run_ok("import", DAY, *files, "-simulate")
    assert "would update" in shown.stdout and "+* <span id=\"q-" in shown.stdout
    assert s.reader.text(s.draft(DAY)) == harvested  # -simulate saves nothing

    s.run_ok("import", DAY, *files, "-always")
    draft = s.reader.text(s.draft(DAY))
    new = [line for line in question_lines(draft) if line not in question_lines(harvested)]
    assert len(new) == len(QUESTIONS), "\n".join(new)
    for question in QUESTIONS:
        assert sum(question in line for line in new) == 1, question
    assert "== From the live chat ==" in draft
    for nick in NICKS + ["JVale"]:
        assert nick.casefold() not in draft.casefold(), nick

    before = len(s.bot_edits())
    s.run_ok("import", DAY, *reversed(files), "-always")
    assert len(s.bot_edits()) == before  # a second import changes nothing
    assert s.reader.text(s.draft(DAY)) == draft

    # a question staff deleted does not come back
    kept = "\n".join(line for line in draft.split("\n") if "uploaded to Commons" not in line)
    s.staff.edit(s.draft(DAY), kept, "Not for the notes")
    s.run_ok("import", DAY, *files, "-always")
    assert "uploaded to Commons" not in s.reader.text(s.draft(DAY))
