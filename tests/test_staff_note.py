"""A question that still links to someone's user page (it names a person; the
notes are anonymous) gets a visible note for staff in the draft, and the note
never reaches the notes."""

from __future__ import annotations

from datetime import date

import pytest
from scenario import Scenario
from wikiclient import html_to_lines

from bot.compile import parse_draft, render_draft, render_notes, update_draft
from bot.compile.templates import load_templates
from bot.model import Question, Session

CRS = "Wikimedia Foundation/Legal/Community Resilience and Sustainability"
NOTE = "{{Conversation hour note|"


def session() -> Session:
    return Session(title=f"{CRS}/Conversation Hour 2024 07 11", date=date(2024, 7, 11),
                   style="conversation-hour-2024", index_page=f"{CRS}/Conversation Hour", topics=["Other"])


QUESTIONS = [
    Question(id="q-0000000001", question="Why was [[User:Named Person|this editor]] blocked?", topic="Other",
             asker="A"),
    Question(id="q-0000000002", question="Plain question about grants?", topic="Other", asker="B"),
    Question(id="q-0000000003", question="Did [[:de:Benutzer:Zweite Person]] and {{u|Third Person}} "
                                         "report it, as [[Special:Contributions/Named_Person|these edits]] show?",
             topic="Other", asker="C"),
    Question(id="q-0000000004", question="Is [[Help:Contents]] or [[User talk page guidelines]] updated?",
             topic="Other", asker="D"),
]


def lines_after(text: str, needle: str) -> str:
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if needle in line)
    return lines[at + 1] if at + 1 < len(lines) else ""


def test_a_question_naming_a_person_gets_a_note_under_it_and_the_others_none():
    text = render_draft(QUESTIONS, session(), load_templates("conversation-hour-2024")).text
    assert text.count(NOTE) == 2
    first = lines_after(text, "this editor]] blocked?")
    assert first.startswith(NOTE) and "Named Person" in first
    third = lines_after(text, "report it")
    assert third.startswith(NOTE)
    for name in ("Zweite Person", "Third Person", "Named Person"):
        assert name in third
    assert not lines_after(text, "Plain question").startswith(NOTE)
    assert not lines_after(text, "Help:Contents").startswith(NOTE)


def test_the_note_is_not_an_answer_and_never_reaches_the_notes():
    templates = load_templates("conversation-hour-2024")
    text = render_draft(QUESTIONS[:2], session(), templates).text
    # Staff answer above and below the note, as they would type it.
    text = text.replace("blocked?\n", "blocked?\n: Maggie: We cannot talk about one case.\n")
    text = text.replace("about grants?", "about grants?\n: Kaarel: Yes.")
    draft = parse_draft(text)
    assert [q.answers for q in draft.questions] == [["Maggie: We cannot talk about one case."], ["Kaarel: Yes."]]
    assert draft.problems == []
    notes = render_notes(draft, session(), templates)
    notes_text = notes if isinstance(notes, str) else notes.text
    assert "Conversation hour note" not in notes_text and "Note for staff" not in notes_text
    assert "We cannot talk about one case." in notes_text


def test_a_question_added_later_gets_its_note_too():
    templates = load_templates("conversation-hour-2024")
    text = render_draft(QUESTIONS[1:2], session(), templates).text
    update = update_draft(text, QUESTIONS[:2], session(), templates)
    assert update.added == ["q-0000000001"]
    assert lines_after(update.text, "this editor]] blocked?").startswith(NOTE)
    assert update.text.count(NOTE) == 1


@pytest.mark.wiki
def test_the_note_shows_in_the_draft_on_the_wiki_and_not_in_the_published_notes(wiki, tmp_path):
    s = Scenario(wiki, tmp_path)
    day = "2024-07-11"
    sig = "[[User:Community Member|Community Member]] ([[User talk:Community Member|talk]]) 10:00, 2 July 2024 (UTC)"
    s.member.edit(s.questions(day), "== Other ==\n"
                  f"* Why did [[User:Named Person|this editor]] lose their rights? {sig}\n"
                  f"* Will there be a recording? {sig}\n", "Questions")
    s.run_ok("harvest", "--session", day, "--to-draft", "-always")
    shown = html_to_lines(s.reader.parse_html(title=s.draft(day)))
    [note] = [line for line in shown if line.startswith("Note for staff")]
    assert "Named Person" in note
    s.answer(day, {"lose their rights": [": Maggie: We cannot discuss one case."],
                   "recording": [": Maggie: Yes."]})
    s.run_ok("publish", day, "-always")
    published = s.reader.text(s.session(day))
    assert "We cannot discuss one case." in published and "Yes." in published
    assert "Conversation hour note" not in published
    assert not [line for line in html_to_lines(s.reader.parse_html(title=s.session(day)))
                if "Note for staff" in line]
