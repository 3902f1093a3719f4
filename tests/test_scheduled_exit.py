"""A scheduled run (``notesbot run``, the Toolforge job) that did its job
exits 0, also when a page refused it: the refusal is on the status page,
and Toolforge's retry and email (``toolforge/jobs.yaml``) are kept for runs
that could not do their job."""

from __future__ import annotations

import re

import pytest

from scenario import Scenario
from test_publish import ANSWERS, DAY

pytestmark = [pytest.mark.wiki]


def test_a_tick_that_only_meets_nobots_exits_0_and_says_so_on_the_status_page(wiki, tmp_path):
    s = Scenario(wiki, tmp_path)
    s.run_ok("new-session", DAY, "--time", "17:00", "-always")
    s.post_example_questions(DAY)
    s.run_ok("harvest", "--session", DAY, "--to-draft", "-always")
    s.answer(DAY, ANSWERS)
    q = s.questions(DAY)
    s.member.edit(q, "{{nobots}}\n" + s.member.text(q), "No bots on my questions")
    result = s.run("run", "--now", "2024-07-12T12:00:00Z", "-always")
    assert result.returncode == 0, result.stdout + result.stderr
    # The notes were published; the questions page (no marks) was not touched.
    assert s.reader.text(s.notes(DAY)), result.stdout + result.stderr
    assert "{{Conversation hour answered|" not in s.reader.text(q)
    status = s.reader.text(s.status)
    assert re.search(r"refused: \[\[" + re.escape(q) + r"\]\] \(\{\{nobots\}\}", status), status
    assert ", done." in status.split("Last run that changed this page:")[1], status
    # The same refusal by hand is still exit 1: the person at the terminal is told.
    assert s.run("publish", DAY, "-always", "--force").returncode == 1
