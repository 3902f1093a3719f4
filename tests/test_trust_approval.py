"""Approval belongs to this session's draft (issue 25, item 2): the
community account moves last session's staff-approved draft onto the next
session's draft title, through the API, and the bot does not publish it.
The pure rules are tested without a wiki below."""

from __future__ import annotations

import pytest

from bot.publish.approval import approving_revision, names_other_session, null_revisions
from scenario import Scenario
from test_trust import DAY, as_ready, collected, tick

NEXT = "2025-01-30"
OLD_ANSWER = ": Maggie: We work with professionals."


@pytest.fixture
def scenario(wiki, tmp_path) -> Scenario:
    return Scenario(wiki, tmp_path)


def move(client, source: str, target: str, reason: str = "Tidying") -> dict:
    return client.post(action="move", **{"from": source}, to=target, reason=reason, token=client.csrf)["move"]


@pytest.mark.wiki
def test_a_draft_moved_onto_the_next_sessions_title_is_not_published(scenario: Scenario):
    s = scenario
    collected(s)
    s.answer(DAY, {"threats": [OLD_ANSWER]})
    tick(s, "2025-01-17T12:00:00Z")
    assert "We work with professionals." in s.reader.text(s.session(DAY))
    # The next session is opened; before the bot makes its draft, the attacker
    # moves last session's approved draft onto its title.
    s.run_ok("new-session", NEXT, "--time", "18:00", "-always")
    assert s.reader.text(s.draft(NEXT)) is None
    move(s.member, s.draft(DAY), s.draft(NEXT))
    assert "We work with professionals." in s.reader.text(s.draft(NEXT))

    after = tick(s, "2025-01-31T12:00:00Z")
    session = s.reader.text(s.session(NEXT))
    assert "We work with professionals." not in session, after.stdout + after.stderr
    status = s.reader.text(s.status)
    assert "moved here from another page" in status, status
    manual = s.run("publish", NEXT, "-always")
    assert manual.returncode == 1 and "moved here" in manual.stderr, manual.stderr
    assert "We work with professionals." not in s.reader.text(s.session(NEXT))

    # A staff member saving the moved draft makes it this session's draft.
    text = s.staff.text(s.draft(NEXT)).replace("We work with professionals.", "We train our staff.")
    s.staff.edit(s.draft(NEXT), as_ready(text.replace(s.session(DAY), s.session(NEXT))), "Checked for this session")
    tick(s, "2025-01-31T13:00:00Z")
    assert "We train our staff." in s.reader.text(s.session(NEXT))


# -- the pure rules ----------------------------------------------------------------

def rev(revid: int, user: str, sha1: str, parent: int | None = None) -> dict:
    return {"revid": revid, "parentid": revid - 1 if parent is None else parent, "user": user,
            "timestamp": f"2025-01-{revid:02d}T00:00:00Z", "sha1": sha1}


STAFF = {"Staff"}.__contains__


def test_a_staff_revision_older_than_a_move_here_is_no_approval():
    history = [rev(3, "Mover", "b"), rev(2, "Staff", "b"), rev(1, "Bot", "a")]
    asked = []
    found = approving_revision(history, STAFF, "Bot", lambda r: asked.append(r["revid"]) or True)
    assert found.revision is None and found.moved and asked == [3]


def test_a_protection_null_revision_is_no_move():
    history = [rev(3, "Admin", "b"), rev(2, "Staff", "b"), rev(1, "Bot", "a")]
    found = approving_revision(history, STAFF, "Bot", lambda r: False)
    assert found.revision["revid"] == 2 and not found.moved and found.others == 1


def test_a_staff_edit_after_the_move_approves():
    history = [rev(4, "Staff", "c"), rev(3, "Mover", "b"), rev(2, "Staff", "b")]
    found = approving_revision(history, STAFF, "Bot", lambda r: True)
    assert found.revision["revid"] == 4


def test_a_staff_mover_brings_no_approval_either():
    history = [rev(3, "Staff", "b"), rev(2, "Staff", "b")]
    assert approving_revision(history, STAFF, "Bot", lambda r: True).revision is None
    assert null_revisions(history) == {3}


@pytest.mark.parametrize("box, session, other", [
    ("Notes/Conversation Hour 2025 01 16", "Notes/Conversation Hour 2025 01 30", True),
    ("notes/Conversation_Hour 2025 01 30", "Notes/Conversation Hour 2025 01 30", False),
    ("[[Notes/Conversation Hour 2025 01 30]]", "Notes/Conversation Hour 2025 01 30", False),
    ("", "Notes/Conversation Hour 2025 01 30", False),
])
def test_a_box_naming_another_session(box, session, other):
    assert names_other_session(box, session) is other


# -- only staff or the bot drop a question (issue 25, item 7) ---------------------

@pytest.mark.wiki
def test_a_question_the_community_deletes_from_the_draft_is_put_back(scenario: Scenario):
    s = scenario
    collected(s)
    draft = s.member.text(s.draft(DAY))
    kept = "\n".join(l for l in draft.split("\n") if "How do you handle threats?" not in l)
    s.member.edit(s.draft(DAY), kept, "Not a real question")
    assert "How do you handle threats?" not in s.reader.text(s.draft(DAY))
    result = tick(s, "2025-01-10T13:00:00Z")
    assert s.reader.text(s.draft(DAY)).count("How do you handle threats?") == 1, result.stdout + result.stderr
    assert "deleted by Community Member, who is not staff: put back" in result.stderr, result.stderr
    # Staff may drop it: it stays deleted.
    draft = s.staff.text(s.draft(DAY))
    s.staff.edit(s.draft(DAY), "\n".join(l for l in draft.split("\n") if "How do you handle threats?" not in l),
                 "Answered by email")
    q = s.questions(DAY)
    s.member.edit(q, s.member.text(q) + "\n", "Touch")
    tick(s, "2025-01-10T14:00:00Z")
    assert "How do you handle threats?" not in s.reader.text(s.draft(DAY))


def test_the_remover_of_each_missing_id_is_found_going_back():
    from types import SimpleNamespace as R

    from bot.harvest.reconcile import dropped_by_others
    history = [R(user="Bot", text="a b c"), R(user="Staff", text="a b"), R(user="Member", text="b"),
               R(user="Bot", text="b")]
    found = dropped_by_others(history, ["a", "c"], lambda t: set(t.split()), {"Bot", "Staff"}.__contains__)
    assert found == {"a": "Member"}
