"""Harvesting a questions page on the wiki: the same questions as offline,
and an unsigned question's asker and time from the revision that added it."""

from __future__ import annotations

import json

from scenario import EXAMPLES, Scenario

from bot import harvest as harvest_mod

UNSIGNED = [
    "* Who decides which questions are answered live?",
    "* Will the recording have subtitles?",
]


def test_harvest_page_gives_the_offline_questions_plus_history_askers(wiki, tmp_path):
    s = Scenario(wiki, tmp_path)
    title = s.questions("2024-07-11")
    text = (EXAMPLES / "questions-2024-07-11.wiki").read_text()
    s.member.edit(title, text, "Questions")
    # Two unsigned questions, each in an edit of its own, by two people.
    s.member.edit(title, s.member.text(title) + "\n" + UNSIGNED[0], "Unsigned question")
    s.staff.edit(title, s.staff.text(title) + "\n" + UNSIGNED[1], "Another unsigned question")
    revisions = s.reader.revisions(title)

    result = s.run_ok("harvest", "--page", title, "--json")
    online = json.loads(result.stdout)
    offline = [q.to_json() for q in harvest_mod.harvest(s.reader.text(title)).questions]

    assert [q["id"] for q in online] == [q["id"] for q in offline]
    assert len(online) == 15
    for got, expected in zip(online, offline):
        if expected["signed"]:
            assert got == expected
    by_text = {q["question"]: q for q in online}
    first = by_text["Who decides which questions are answered live?"]
    second = by_text["Will the recording have subtitles?"]
    assert first["asker"] == "Community Member" and first["askers"] == ["Community Member"]
    assert second["asker"] == "Staff Member"
    assert first["timestamp"] == revisions[1]["timestamp"]
    assert second["timestamp"] == revisions[2]["timestamp"]


def test_harvest_page_follows_a_redirect_once_and_says_so(wiki, tmp_path):
    s = Scenario(wiki, tmp_path)
    target = s.questions("2024-07-11")
    s.member.edit(target, "== Other ==\n* Is this followed? [[User:Community Member|Community Member]] "
                          "10:00, 1 July 2024 (UTC)", "Questions")
    moved = s.prefix + "/Old questions"
    s.member.edit(moved, f"#REDIRECT [[{target}]]", "Moved")
    result = s.run_ok("harvest", "--page", moved, "--json")
    assert [q["question"] for q in json.loads(result.stdout)] == ["Is this followed?"]
    assert f"redirects to [[{target}]]: followed once" in result.stderr


def test_harvest_of_a_missing_page_is_a_clear_message(wiki, tmp_path):
    s = Scenario(wiki, tmp_path)
    result = s.run("harvest", "--page", s.prefix + "/Nothing here")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == f"notesbot: [[{s.prefix}/Nothing here]] does not exist"
