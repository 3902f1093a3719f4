"""Attack: "answered" marks put inside the question template's parameter by
one community member (``{{Conversation hour question|question=… {{Conversation
hour answered|…}}}}``), where the page shows them as part of the question.

The publish looked for marks only on the line after the call, where the
bot puts its own: the bot's mark moved inside the call got a second mark
after it (two "answered" marks beside one question), and a forged mark
inside another question's call, naming the notes, stayed ("answered"
beside a question the notes never answer); and so when the call is on
one line with the signature."""

from __future__ import annotations

import re

import pytest
from attack import DAY
from scenario import Scenario, mark_targets

ANSWER = "We will publish the plan in June."
SIG = "[[User:Hostile Reader|Hostile Reader]] ([[User talk:Hostile Reader|talk]]) 10:01, 3 May 2025 (UTC)"
LATE = "[[User:Late Asker|Late Asker]] ([[User talk:Late Asker|talk]]) 19:30, 15 May 2025 (UTC)"
MARK = re.compile(r" ?\{\{Conversation hour answered\|[^}]*\}\}")


def call(topic: str, question: str, sig: str) -> str:
    return f"{{{{Conversation hour question\n| topic = {topic}\n| question = {question} {sig}\n}}}}\n"


@pytest.mark.wiki
def test_marks_inside_the_question_templates_parameter_are_not_doubled_nor_kept(wiki, tmp_path):
    s = Scenario(wiki, tmp_path)
    s.run_ok("new-session", DAY, "-always")
    s.member.append(s.questions(DAY), "\n== Grants ==\n" + call("Grants", "What is the plan for the grants?", SIG),
                    "Q")
    s.run_ok("run", "--now", "2025-05-10T12:00:00Z", "-always")
    s.answer(DAY, {"plan for the grants": [f": Maggie: {ANSWER}"]})
    s.member.append(s.questions(DAY), "\n== Travel ==\n" + call("Travel", "Is the travel fund closed?", LATE), "Late")
    s.run_ok("run", "--now", "2025-05-16T12:00:00Z", "-always")
    page = s.member.text(s.questions(DAY))
    mark = MARK.search(page)[0]
    assert page.count(mark) == 1
    forged = page.replace(mark, "").replace(f"{SIG}\n", f"{SIG}{mark}\n").replace(f"{LATE}\n", f"{LATE}{mark}\n")
    s.member.edit(s.questions(DAY), forged, "marks beside the questions")
    assert len(mark_targets(s.reader.parse_html(s.questions(DAY)))) == 2  # both shown, inside the questions

    draft = s.staff.text(s.draft(DAY))
    s.staff.edit(s.draft(DAY), draft.replace(ANSWER, ANSWER + " More."), "A longer answer")
    result = s.run("run", "--now", "2025-05-16T14:00:00Z", "-always")
    assert "Traceback" not in result.stderr, result.stderr
    assert ANSWER + " More." in s.reader.text(s.session(DAY)), result.stdout + result.stderr
    text = s.reader.text(s.questions(DAY))
    shown = mark_targets(s.reader.parse_html(s.questions(DAY)))
    assert len(shown) == 1, f"{len(shown)} answered marks shown for one answered question:\n{text}"
    assert text.count("{{Conversation hour answered|") == 1, text
    grants = text[text.index("== Grants =="):text.index("== Travel ==")]
    assert MARK.search(grants) and grants.index("{{Conversation hour answered") > grants.index("\n}}"), grants


@pytest.mark.parametrize("answered", [True, False])
def test_a_mark_inside_a_one_line_question_call_is_neither_doubled_nor_kept(answered):
    from bot.harvest import harvest
    from bot.publish.mark_sync import sync_marks
    t = "Conversation hour answered"
    page = "== Other ==\n{{Conversation hour question|question=Is it signed inside? " + SIG + "}}\n"
    [q] = harvest(page, {}, mark_template=t).questions
    mark = "{{" + t + "|N#" + q.id + "}}"
    out = sync_marks(page.replace(SIG + "}}", f"{SIG} {mark}}}}}"), {q.id: (f"N#{q.id}", False)} if answered else {},
                     t, {}, notes_page="N")
    assert out.count(mark) == answered, out
    assert not answered or out.index(mark) > out.index("}}", out.index("question=")), out
