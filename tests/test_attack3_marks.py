"""Attack: the "answered" marks on the questions page, moved or copied by one
community member.

Each publish reconciles the page's questions with the ids the bot gave,
and the mark beside a question was taken first as naming it
(:func:`bot.harvest.reconcile.reconcile`, rule 1).  So the bot's mark of an
answered question, moved (or copied, above it) onto another question's
line by a member, made the bot keep the mark beside the wrong question and
take it from the answered one: the page said "answered" beside a question
the notes never answer, and nothing beside the one they do."""

from __future__ import annotations

import re

import pytest
from attack import DAY, collecting, timed_tick
from scenario import Scenario, mark_targets

pytestmark = pytest.mark.wiki

ANSWER = "We will publish the plan in June."
LATE = "[[User:Late Asker|Late Asker]] ([[User talk:Late Asker|talk]]) 19:30, 15 May 2025 (UTC)"
MARK = re.compile(r" ?\{\{Conversation hour answered\|[^}]*\}\}")


def published(wiki, tmp_path) -> Scenario:
    """The session's notes out, its question marked; a second question posted
    during the session (after the last harvest), in the notes of no one."""
    s = collecting(wiki, tmp_path)
    timed_tick(s)
    s.answer(DAY, {"plan for the grants": [f": Maggie: {ANSWER}"]})
    s.member.append(s.questions(DAY), f"\n== Travel ==\n* Is the travel fund closed for good? {LATE}\n", "Late")
    s.run_ok("run", "--now", "2025-05-16T12:00:00Z", "-always")
    assert ANSWER in s.reader.text(s.session(DAY))
    return s


def republish(s: Scenario) -> None:
    draft = s.staff.text(s.draft(DAY))
    s.staff.edit(s.draft(DAY), draft.replace(ANSWER, ANSWER + " More."), "A longer answer")
    result = s.run("run", "--now", "2025-05-16T14:00:00Z", "-always")
    assert "Traceback" not in result.stderr, result.stderr
    assert ANSWER + " More." in s.reader.text(s.session(DAY)), result.stdout + result.stderr


def line_of(text: str, needle: str) -> str:
    [line] = [l for l in text.split("\n") if needle in l]
    return line


@pytest.mark.parametrize("how", ["moved", "copied above"])
def test_a_mark_moved_or_copied_onto_another_question_stays_with_the_answered_one(wiki, tmp_path, how):
    s = published(wiki, tmp_path)
    page = s.member.text(s.questions(DAY))
    answered, other = line_of(page, "plan for the grants"), line_of(page, "travel fund")
    mark = MARK.search(answered)[0]
    assert not MARK.search(other)
    if how == "moved":
        forged = page.replace(answered, answered.replace(mark, "")).replace(other, other + mark)
    else:  # the other question put above, with a copy of the mark
        forged = page.replace(f"\n== Travel ==\n{other}", "", 1)
        forged = forged.replace("== Grants ==", f"== Travel ==\n{other}{mark}\n\n== Grants ==", 1)
    s.member.edit(s.questions(DAY), forged, "marks")
    republish(s)
    text = s.reader.text(s.questions(DAY))
    assert not MARK.search(line_of(text, "travel fund")), f"the bot kept a mark beside a question it never answered:\n{text}"
    assert len(MARK.findall(line_of(text, "plan for the grants"))) == 1, text
    [(page_, anchor)] = mark_targets(s.reader.parse_html(s.questions(DAY)))
    assert anchor in s.reader.parse_html(s.session(DAY))
