"""Habits of real wikis that the harvest once misread (issue 22): each case
is a kind, with cases of our own beyond the issue's example.  Pure: no wiki."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.harvest import harvest
from bot.wikifacts import facts_for

STAMP = "14:20, 9 March 2025"


def questions(text: str, lang: str = "en"):
    return harvest(f"== Question ==\n{text}\n", facts=facts_for(lang))


@pytest.mark.parametrize("lang, line", [
    ("fr", "* How do I appeal? See [[Wikipédia:Administrators|the admins' page]]."),
    ("fr", "* Who decides this? Read [[Wikipédia:Bureaucrates|the bureaucrats]]."),
    ("en", "* Who decides this? Read [[Wikipédia:Administrators|the admins' page]]."),
])
def test_a_project_page_of_another_wiki_is_no_signature(lang, line):
    """One wiki's own namespace aliases never make a link on another page a
    user link: the project page's name is not an asker."""
    result = questions(line, lang)
    assert [q.asker for q in result.questions] == [None]
    assert "the" in result.questions[0].question  # the words stay in the question


@pytest.mark.parametrize("zone", ["IST", "CST", "AST"])
def test_an_ambiguous_zone_gives_no_time_and_says_so(zone):
    """IST is Indian for most signatures reaching Meta, Irish for some: no
    time is better than a wrong one (the page history gives it)."""
    result = questions(f"* How do I appeal? [[User:Ex|Ex]] {STAMP} ({zone})")
    [q] = result.questions
    assert q.asker == "Ex" and q.timestamp is None
    assert any(zone in str(p) for p in result.problems)


@pytest.mark.parametrize("zone, hours", [("UTC", 0), ("CET", 1), ("MST", -7)])
def test_an_unambiguous_zone_is_read(zone, hours):
    [q] = questions(f"* How do I appeal? [[User:Ex|Ex]] {STAMP} ({zone})").questions
    assert q.timestamp == datetime(2025, 3, 9, 14 - hours, 20, tzinfo=timezone.utc)


@pytest.mark.parametrize("signature", [
    "[[User&#58;Ex|Ex]]",
    "[[User&#x3A;Ex|Ex]]",
    "[https://meta.wikimedia.org/wiki/User:Ex Regards]",
    "[https://meta.wikimedia.org/wiki/User_talk:Ex talk]",
])
def test_a_signature_in_unusual_dress_is_read(signature):
    """Entities in the link and external links to one's user page sign as
    well as a plain link, and leave nothing of the signature behind."""
    [q] = questions(f"* Is the policy clear? {signature} {STAMP} (UTC)").questions
    assert q.asker == "Ex"
    assert q.question == "Is the policy clear?"
