"""An id, once given, stays with its question: harvests reconciled with the
ids given before (bot.harvest.reconcile), on the issue's examples and as a
property over random sequences of community edits."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings, strategies as st

from bot.harvest import harvest
from bot.harvest.reconcile import Given, given_from_draft, reconcile
from bot.compile import parse_draft

SIG = "[[User:{u}|{u}]] ([[User talk:{u}|talk]]) 10:0{m}, 2 July 2024 (UTC)"


@dataclasses.dataclass
class Q:
    key: int
    words: list[str]
    user: str = "Asker"
    minute: int = 0
    section: int = 0
    reply: bool = False
    signed_again: bool = False

    def text(self) -> str:
        return " ".join(self.words) + f" item{self.key} group{self.key} region{self.key} city{self.key}?"


def page(questions: list[Q]) -> str:
    out = []
    for section in sorted({q.section for q in questions}) or [0]:
        out.append(f"== Topic {section} ==")
        for q in (q for q in questions if q.section == section):
            sig = SIG.format(u=q.user, m=q.minute)
            again = " " + SIG.format(u=q.user, m=q.minute + 1) if q.signed_again else ""
            out.append(f"* {q.text()} {sig}{again}")
            if q.reply:
                out.append(f"*: A reply to it. {SIG.format(u='Replier', m=5)}")
        out.append("")
    return "\n".join(out)


def key_of(question) -> int:
    return int(question.question.rsplit("item", 1)[1].split()[0])


class Season:
    """Harvest after harvest, the ids reconciled with those given, as the draft records them."""

    def __init__(self, with_asker: bool = False):
        self.given: dict[str, Given] = {}
        self.first: dict[int, str] = {}
        self.with_asker = with_asker

    def harvest(self, questions: list[Q]) -> dict[int, str]:
        result = harvest(page(questions))
        kept, _ = reconcile(result.questions, self.given.values())
        ids = {}
        for question in kept:
            key = key_of(question)
            assert key not in ids, f"question {key} harvested twice"
            ids[key] = question.id
            self.given.setdefault(question.id, Given(question.id, question.question,
                                                     question.asker if self.with_asker else None))
        assert len(set(ids.values())) == len(ids), f"two questions share an id: {ids}"
        for key, id_ in ids.items():
            if key in self.first:
                assert id_ == self.first[key], f"question {key} had {self.first[key]}, now {id_}"
            else:
                assert id_ not in self.first.values(), f"new question {key} got an id given before"
                self.first[key] = id_
        return ids


def same_minute(*keys, words=("what", "is", "the", "plan")) -> list[Q]:
    return [Q(k, list(words)) for k in keys]


# -- the examples ------------------------------------------------------

def test_second_question_in_the_same_minute_after_the_draft_keeps_the_first_id():
    season = Season()
    first = season.harvest(same_minute(1))
    after = season.harvest(same_minute(1, 2))
    assert after[1] == first[1]


def test_second_question_in_the_same_minute_before_the_first():
    season = Season()
    first = season.harvest(same_minute(1))
    after = season.harvest(same_minute(2, 1))
    assert after[1] == first[1] and after[2] != first[1]


def test_deleting_one_of_two_same_minute_questions_keeps_the_other_id():
    season = Season()
    both = season.harvest(same_minute(1, 2))
    assert season.harvest(same_minute(2)) == {2: both[2]}
    assert season.harvest(same_minute(1, 2))[2] == both[2]  # 1 back: its own id again


def test_rewording_the_start_of_one_of_two_same_minute_questions():
    season = Season()
    both = season.harvest(same_minute(1, 2))
    questions = same_minute(1, 2)
    questions[0].words[0] = "why"
    assert season.harvest(questions) == both


def test_deleted_and_the_other_reworded_at_once():
    season = Season()
    both = season.harvest(same_minute(1, 2))
    questions = same_minute(2)
    questions[0].words[:2] = ["tell", "us"]
    assert season.harvest(questions) == {2: both[2]}


def test_move_rename_resign_and_reply_keep_ids():
    season = Season()
    questions = same_minute(1, 2, 3)
    ids = season.harvest(questions)
    questions[2].section = 1
    questions[0].reply = True
    questions[1].signed_again = True
    assert season.harvest(questions[::-1]) == ids
    renamed = page(questions).replace("== Topic 0 ==", "== Renamed ==")
    kept, _ = reconcile(harvest(renamed).questions, season.given.values())
    assert {key_of(q): q.id for q in kept} == ids


def test_an_id_from_a_deleted_question_is_never_given_to_a_new_one():
    season = Season()
    season.harvest(same_minute(1))
    season.harvest([])  # deleted: the draft's harvested list keeps its id
    assert season.harvest(same_minute(2))  # alone in the minute: harvest's id is 1's; a new one given


def test_the_mark_beside_a_question_names_it():
    result = harvest(page(same_minute(1, 2)))
    given = [Given("q-aaaaaaaaaa", ""), Given("q-bbbbbbbbbb", "")]
    kept, _ = reconcile(result.questions, given, marked={0: "q-bbbbbbbbbb", 1: "q-aaaaaaaaaa"})
    assert [q.id for q in kept] == ["q-bbbbbbbbbb", "q-aaaaaaaaaa"]


def test_followups_follow_their_parent_new_id():
    text = ("== T ==\n* What is the plan? " + SIG.format(u="A", m=0) + "\n"
            "** And a follow-up question about it? " + SIG.format(u="B", m=1) + "\n")
    result = harvest(text)
    assert any(q.followup_of for q in result.questions), result.questions
    parent = next(q for q in result.questions if not q.followup_of)
    kept, _ = reconcile(result.questions, [Given("q-0123456789", parent.question)])
    assert [q.followup_of for q in kept if q.followup_of] == ["q-0123456789"]


def test_draft_record_reads_questions_and_deleted_ids():
    draft = parse_draft('{{Conversation hour draft\n| status = draft\n| harvested = q-0000000001 q-0000000002\n}}\n'
                        '== T ==\n* <span id="q-0000000001"></span>What is the plan?\n')
    assert given_from_draft(draft) == [Given("q-0000000001", "What is the plan?"), Given("q-0000000002")]


# -- the property --------------------------------------------------------------

WORDS = ["what", "why", "how", "is", "the", "plan", "budget", "who", "when"]
edit = st.tuples(st.sampled_from(["add", "delete", "reword", "move", "reply", "resign", "swap", "harvest"]),
                 st.integers(0, 1000), st.sampled_from(WORDS))


@settings(max_examples=150, deadline=None)
@given(st.lists(edit, min_size=1, max_size=25), st.booleans())
def test_ids_stay_with_their_questions_through_a_season(edits, with_asker):
    season = Season(with_asker)
    questions: list[Q] = []
    next_key = 0
    for op, n, word in edits:
        if op == "add" or not questions:
            q = Q(next_key, [word, "is", "the", "plan"], user=["Asker", "Other"][n % 2], minute=n % 2,
                  section=n % 3)
            questions.insert(n % (len(questions) + 1), q)
            next_key += 1
            continue
        q = questions[n % len(questions)]
        if op == "delete":
            questions.remove(q)
        elif op == "reword":
            q.words[0] = word
        elif op == "move":
            q.section = (q.section + 1) % 3
        elif op == "reply":
            q.reply = True
        elif op == "resign":
            q.signed_again = True
        elif op == "swap":
            questions.reverse()
        season.harvest(questions)
    season.harvest(questions)


# -- a question staff deleted, through the draft the bot writes ------------------

def _draft_after(questions: list[Q], draft: str | None, session, templates) -> str:
    from bot.compile import render_draft, update_draft
    from bot.harvest.reconcile import reconcile_with_draft
    from bot.model import PageState

    found = harvest(page(questions)).questions
    if draft is None:
        return render_draft(found, session, templates).text
    kept = reconcile_with_draft(found, PageState("Draft", True, draft))
    return update_draft(draft, kept, session, templates).text


def _without(draft: str, key: int) -> str:
    return "\n".join(line for line in draft.split("\n") if f"item{key} " not in line)


@pytest.mark.parametrize("then", ["another in its minute", "signed again", "another in its minute, then moved",
                                  "its neighbour in the minute deleted too", "reworded wholly",
                                  "another in its minute, and reworded"])
def test_a_question_staff_deleted_stays_deleted_whatever_its_asker_does(then):
    from datetime import date

    from bot.compile import load_templates
    from bot.config import SeriesConfig

    session = SeriesConfig().session(date(2024, 7, 11))
    templates = load_templates("conversation-hour-2024")
    first, other = Q(1, ["what", "is", "the", "plan"]), Q(2, ["who", "pays", "the", "bill"], minute=4)
    draft = _draft_after([first, other], None, session, templates)
    draft = _without(draft, 1)  # staff: not for this session
    sibling = Q(3, ["when", "does", "it", "start"])  # the same asker, the same minute as the deleted one
    if then == "another in its minute":
        questions = [first, sibling, other]
    elif then == "signed again":
        first.signed_again = True
        questions = [first, other]
    elif then == "another in its minute, then moved":
        first.section = 1
        questions = [sibling, other, first]
    elif then == "reworded wholly":
        first.words = ["could", "you", "tell", "us"]
        questions = [first, other]
    elif then == "another in its minute, and reworded":
        questions = [first, sibling, other]
        draft = _draft_after(questions, draft, session, templates)  # the sibling is added
        first.words = ["could", "you", "tell", "us"]
    else:
        questions = [first, sibling, other]
        draft = _draft_after(questions, draft, session, templates)
        draft = _without(draft, 3)
        questions = [first, other]
    draft = _draft_after(questions, draft, session, templates)
    assert "item1 " not in draft, f"{then}: the deleted question is back:\n{draft}"
    assert ("item3 " in draft) == (then.startswith("another")), draft


def test_a_question_reworded_wholly_keeps_its_id_and_is_not_added_twice():
    from datetime import date

    from bot.compile import load_templates, parse_draft
    from bot.config import SeriesConfig

    session = SeriesConfig().session(date(2024, 7, 11))
    templates = load_templates("conversation-hour-2024")
    first, sibling = Q(1, ["what", "is", "the", "plan"]), Q(2, ["who", "pays", "the", "bill"])  # one minute
    draft = _draft_after([first, sibling], None, session, templates)
    ids = {q.text.split(" item")[1][:1]: q.id for q in parse_draft(draft).questions}
    first.text = lambda: "Could you tell us anything new at all, please?"
    draft = _draft_after([sibling, first], draft, session, templates)  # reworded, and moved below
    questions = parse_draft(draft).questions
    assert len(questions) == 2 and "Could you" not in draft, draft  # the draft keeps staff's copy
    assert {q.id for q in questions} == set(ids.values())


def test_a_deleted_question_reworded_beside_a_new_one_of_its_minute_is_found_in_the_history():
    """Staff deleted a question; before the next harvest its asker rewords its
    start and signs a new one in the same minute: the draft alone cannot tell
    which of the two is the deleted one, its history can (read only then)."""
    from datetime import date, datetime, timezone

    from bot.compile import load_templates
    from bot.config import SeriesConfig
    from bot.harvest.reconcile import reconcile_with_draft
    from bot.model import PageState, Revision

    session = SeriesConfig().session(date(2024, 7, 11))
    templates = load_templates("conversation-hour-2024")
    first, other = Q(1, ["what", "is", "the", "plan"]), Q(2, ["who", "pays", "the", "bill"], minute=4)
    held = _draft_after([first, other], None, session, templates)
    draft = _without(held, 1)
    first.words[0] = "so"  # reworded start
    sibling = Q(3, ["when", "does", "it", "start"])
    found = harvest(page([first, sibling, other])).questions
    asked = []

    def history():
        asked.append(1)
        return [Revision(1, "NotesBot", datetime(2024, 7, 2, tzinfo=timezone.utc), held),
                Revision(2, "Staff", datetime(2024, 7, 3, tzinfo=timezone.utc), draft)]

    without = reconcile_with_draft(found, PageState("Draft", True, draft))
    kept = reconcile_with_draft(found, PageState("Draft", True, draft), history=history)
    deleted = parse_draft(held).questions[0].id
    assert asked == [1]
    assert next(q.id for q in kept if "item1 " in q.question) == deleted
    assert next(q.id for q in without if "item1 " in q.question) != deleted  # the draft alone could not tell
    # Where the draft tells (its text's digest), no history is asked for.
    first.words[0] = "what"
    reconcile_with_draft(harvest(page([first, other])).questions, PageState("Draft", True, draft), history=history)
    assert asked == [1]
