"""An id, once given, stays with its question: harvests reconciled with the
ids given before (bot.harvest.reconcile), on the issue's examples and as a
property over random sequences of community edits."""

from __future__ import annotations

import dataclasses

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
