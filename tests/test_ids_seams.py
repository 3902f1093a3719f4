"""The seams: each command's file output fed to the command that reads it."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from test_bad_values import offline  # noqa: F401  (the fixture: notesbot with no wiki reachable)

from bot.harvest import harvest
from bot.harvest.question_file import field_problem, field_types
from bot.model import Question

EXAMPLES = Path(__file__).resolve().parent / "data" / "examples"


def test_harvest_json_is_accepted_by_compile_questions(offline, tmp_path):
    harvested = offline("harvest", "--file", str(EXAMPLES / "questions-2024-07-11.wiki"), "--json")
    assert harvested.returncode == 0, harvested.stderr
    questions = json.loads(harvested.stdout)
    assert questions and "lines" in questions[0]
    path = tmp_path / "questions.json"
    path.write_text(harvested.stdout)
    compiled = offline("compile", "--questions", str(path), "--session", "2024-07-11")
    assert compiled.returncode == 0, compiled.stderr
    for question in questions:
        assert f'<span id="{question["id"]}">' in compiled.stdout, question["id"]


def test_the_schema_is_every_field_of_a_question():
    assert list(field_types()) == [f.name for f in dataclasses.fields(Question)]
    text = (EXAMPLES / "questions-2024-07-11.wiki").read_text()
    for question in harvest(text).questions:
        for name, value in question.to_json().items():
            assert field_problem(name, value) is None, (name, value)


def test_wrong_types_are_named():
    assert field_problem("lines", ["1"]) == "'lines' must be a list of integers, got [\"1\"]"
    assert field_problem("line", True).startswith("'line' must be integer")
    assert field_problem("timestamp", 5).startswith("'timestamp' must be string or null")
    assert field_problem("colour", "x") == "unknown field 'colour'"
