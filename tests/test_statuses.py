"""Statuses are enums (issue 20): each compares equal to its word, is written
as its word in JSON and in text, and a misspelt one is an error where it is
made, not a row that silently matches nothing."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from bot.compile.check import Severity, check_draft
from bot.model import EditStatus, SaveStatus, SessionState
from bot.run.tick import state_of
from bot.wiki.apply import Outcome, Report
from bot.wiki.pages import SaveResult


def test_a_status_is_its_word_in_json_and_in_text():
    assert json.loads(json.dumps({"state": SessionState.AWAITING_ANSWERS})) == {"state": "awaiting answers"}
    assert f"{EditStatus.WOULD_CREATE}" == "would create" and str(SaveStatus.CONFLICT) == "conflict"
    assert SessionState("published") is SessionState.PUBLISHED


def test_a_misspelt_status_is_an_error_where_it_is_made():
    with pytest.raises(ValueError):
        Outcome("Page", "notes", "craeted")
    with pytest.raises(ValueError):
        SaveResult("Page", "save")


def test_an_outcome_made_from_a_word_is_the_enum_and_counts():
    report = Report(outcomes=[Outcome("A", "notes", "created"), Outcome("B", "index", "unchanged"),
                              Outcome("C", "marks", SaveStatus.REFUSED, "{{nobots}}")])
    assert [o.status for o in report.outcomes] == [EditStatus.CREATED, EditStatus.UNCHANGED, EditStatus.REFUSED]
    assert report.edits == 1 and [o.title for o in report.refused] == ["C"]
    assert SaveResult("A", "created").ok and not SaveResult("A", "conflict").ok


def test_a_session_goes_through_its_states_in_order():
    at = lambda *t: datetime(*t, tzinfo=timezone.utc)  # noqa: E731
    start = at(2025, 1, 16, 18, 0)
    assert state_of(start, 60, at(2025, 1, 16, 17, 59), None) is SessionState.COLLECTING
    assert state_of(start, 60, at(2025, 1, 16, 18, 0), "collecting") is SessionState.AWAITING_ANSWERS
    assert state_of(start, 60, at(2025, 1, 20), " Ready ") is SessionState.PUBLISHED
    assert state_of(start, 60, at(2025, 3, 17, 18, 0), "ready") is SessionState.ARCHIVED


def test_a_draft_problem_is_graded_with_a_severity():
    findings = check_draft("<!-- an unclosed comment\n== Trust and Safety ==\n")
    assert findings and all(isinstance(f.severity, Severity) for f in findings)
    assert Severity.LOSES_TEXT in [f.severity for f in findings]
