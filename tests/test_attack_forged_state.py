"""Attack: the state the bot keeps on pages anyone can edit, forged by one
community member (not staff).

* The draft box's ``harvested`` list says which questions the bot already
  added (and so which staff deleted).  An id added to it by a community
  member, for a question not yet harvested (ids are computed from the
  public questions page by public code), makes the bot never add that
  question to the draft, silently.  An entry removed from it makes a
  question staff deleted come back, added by the bot.
* The session page's ``start=`` (navigation template) is the session's own
  start for the tick; a community member moving it to 00:00 of the day
  makes the tick treat the session as over hours before it starts:
  questions posted that morning are never harvested and the index says
  "notes to come"."""

from __future__ import annotations

import re

import pytest
from attack import CLOCK, DAY, SIGNED
from scenario import Scenario

from bot import harvest as harvest_mod

pytestmark = pytest.mark.wiki

VICTIM = "[[User:Victim Person|Victim Person]] ([[User talk:Victim Person|talk]]) 11:05, 3 May 2025 (UTC)"


def started(wiki, tmp_path, questions: str) -> Scenario:
    s = Scenario(wiki, tmp_path)
    s.run_ok("new-session", DAY, "-always")
    s.member.append(s.questions(DAY), questions, "Questions")
    s.run_ok("run", "--now", CLOCK, "-always")
    return s


def test_an_id_added_to_harvested_by_a_member_does_not_suppress_a_question(wiki, tmp_path):
    s = started(wiki, tmp_path, f"\n== Grants ==\n* What is the plan for the grants? {SIGNED.format(m=1)}\n")
    s.member.append(s.questions(DAY), f"\n* Why was my grant refused? {VICTIM}\n", "A question")
    page = s.member.text(s.questions(DAY))
    victim = [q.id for q in harvest_mod.harvest(page).questions if "grant refused" in q.question][0]
    draft = s.member.text(s.draft(DAY))
    forged = re.sub(r"(\|\s*harvested\s*=[^\n]*)", lambda m: m.group(1) + " " + victim, draft, count=1)
    assert forged != draft
    s.member.edit(s.draft(DAY), forged, "tidy")
    s.run_ok("run", "--now", CLOCK, "-always")
    assert "Why was my grant refused?" in s.reader.text(s.draft(DAY)), \
        "a member's edit of the harvested list kept another's question out of the draft"


def test_an_entry_removed_from_harvested_by_a_member_does_not_bring_back_a_deleted_question(wiki, tmp_path):
    s = started(wiki, tmp_path, f"\n== Grants ==\n* What is the plan for the grants? {SIGNED.format(m=1)}\n"
                                f"* Spam spam spam? {SIGNED.format(m=2)}\n")
    text = s.staff.text(s.draft(DAY))
    s.staff.edit(s.draft(DAY), "\n".join(l for l in text.split("\n") if "Spam spam" not in l), "Spam removed")
    s.run_ok("run", "--now", CLOCK, "-always")
    assert "Spam spam" not in s.reader.text(s.draft(DAY))
    draft = s.member.text(s.draft(DAY))
    m = re.search(r"\|\s*harvested\s*=\s*([^\n]*)", draft)
    kept = m.group(1).split()[0]
    s.member.edit(s.draft(DAY), draft.replace(m.group(0), "| harvested = " + kept), "tidy")
    s.run_ok("run", "--now", CLOCK, "-always")
    assert "Spam spam" not in s.reader.text(s.draft(DAY)), "the question staff deleted was added again"


def test_a_member_moving_the_start_on_the_session_page_does_not_end_collecting(wiki, tmp_path):
    s = started(wiki, tmp_path, f"\n== Grants ==\n* What is the plan for the grants? {SIGNED.format(m=1)}\n")
    page = s.member.text(s.session(DAY))
    assert "start=2025-05-15T18:00Z" in page
    s.member.edit(s.session(DAY), page.replace("start=2025-05-15T18:00Z", "start=2025-05-15T00:00Z"), "typo")
    late = "[[User:Late Asker|Late Asker]] ([[User talk:Late Asker|talk]]) 11:30, 15 May 2025 (UTC)"
    s.member.append(s.questions(DAY), f"\n* A question posted on the morning of the session? {late}\n", "Late")
    s.run_ok("run", "--now", "2025-05-15T12:00:00Z", "-always")
    assert "morning of the session" in s.reader.text(s.draft(DAY)), \
        "six hours before the session, a member's start= made the tick stop harvesting"
