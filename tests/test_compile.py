"""Compiling, checked on the text a user would read: the draft staff fill in,
what survives of their work when new questions arrive, and the notes."""

from __future__ import annotations

import difflib
from datetime import date
from pathlib import Path

import pytest

from bot.compile import (english_list, parse_draft, render_draft, render_notes, render_questions_page,
                         render_session_page, set_draft_status, update_draft)
from bot.compile.draft import DraftError, derived_id
from bot.model import Question, Session
from bot.compile.templates import STYLES, TEMPLATE_NAMES, TemplateError, load_templates, render

CRS = "Wikimedia Foundation/Legal/Community Resilience and Sustainability"


def session(style: str = "conversation-hour-2024") -> Session:
    return Session(title=f"{CRS}/Conversation Hour 2024 07 11", date=date(2024, 7, 11), style=style,
                   index_page=f"{CRS}/Conversation Hour", previous=f"{CRS}/Conversation Hour 2024 04 18",
                   topics=["Trust and Safety", "Universal Code of Conduct", "Committee Support", "Human Rights",
                           "Movement Charter"])


def q(number: int, text: str, topic: str | None, asker: str, **kwargs) -> Question:
    return Question(id=f"q-{number:010d}", question=text, topic=topic, asker=asker, askers=[asker], **kwargs)


# The questions of tests/data/examples/questions-2024-07-11.wiki, as harvesting gives them.
HARVESTED = [
    q(1, "In the case of users who may cause self-harm, while Trust and Safety is unable to contact authorities "
         "(e.g., individuals residing in Mainland China), how does the T&S support them?", "Trust and Safety",
      "Example Editor", comments=["Thank you for taking this one. [[User:Second Example|Second Example]]"]),
    q(2, "Your team has been supporting the MCDC since it was formed. Now that the Board has voted no, do you "
         "feel like you wasted your time? Do you feel like you wasted our time?", "Movement Charter",
      "Sample-Wikimedian"),
    q(3, "What exactly was your role in the MC process?", "Movement Charter", "Example Editor"),
    q(4, "Can the community ask the Board to provide an edited Draft Charter which they would support?",
      "Movement Charter", "Sample-Wikimedian"),
    q(5, "In terms of dispute resolution between the Global Council and Board, term limits, and Global Council "
         "composition quotas, does any of the Drafting Committee have or plan to work on such amendments?",
      "Movement Charter", "Fourth Example"),
    q(6, "Follow up question: Is this the plan to implement the Movement Charter in pieces?", "Movement Charter",
      "Fourth Example", followup_of="q-0000000005"),
    q(7, "In the context of Wikimedia communities, how should incidents where individuals' experiences and "
         "perspectives are undermined, dismissed or attacked be addressed?", "Human Rights", "Fifth Example"),
    q(8, "The U4C vote failed to get enough people over the threshold to create a full committee. Why do you "
         "think that happened?", "Universal Code of Conduct", "Sixth Example"),
    q(9, "Do you think the UCoC has made any difference?", "Universal Code of Conduct", "198.51.100.23"),
    q(10, "Board candidates were asked, \"From your perspective, what should the Wikimedia Foundation be "
          "prioritizing over the next 5-10 years?\" I'd like to know your answer to that.", None, "Third Example"),
    q(11, "Anyone can propose amendments and then ask the board to consider a 2nd draft with any or all of "
          "such amendments. I wonder if any of the Drafting Committee members want to do it themselves?", None,
      "Seventh Example"),
    q(12, "You've supported committees for a while. Do you have any advice for somebody who wants to be a good "
          "committee member?", None, "Eighth Example"),
    q(13, "What would you have done differently if you could go back and start the MCDC process over?\n\n"
          "I ask because the process took much longer than planned.", None, "Third Example",
      title="What would you do differently?", comments=["Seconded. [[User:Fifth Example|Fifth Example]]"]),
]
HARVESTED[8].askers.append("Ninth Example")
ASKERS = ["Example Editor", "Second Example", "Sample-Wikimedian", "Fourth Example", "Fifth Example",
          "Sixth Example", "198.51.100.23", "Ninth Example", "Third Example", "Seventh Example", "Eighth Example"]


def marker(number: int) -> str:
    return f'* <span id="q-{number:010d}"></span>'


def headings(text: str) -> list[str]:
    return [line.strip("= ") for line in text.splitlines() if line.startswith("==")]


def line_of(text: str, number: int) -> str:
    return next(line for line in text.splitlines() if line.startswith(marker(number)))


# -- the draft ----------------------------------------------------------------------

def test_draft_groups_questions_by_topic_in_the_sessions_order():
    draft = render_draft(HARVESTED, session(), load_templates("conversation-hour-2024"))
    text = draft.text
    assert headings(text) == ["Trust and Safety", "Universal Code of Conduct", "Human Rights", "Movement Charter",
                              "Other questions"]
    order = [n for line in text.splitlines() for n in range(1, 14) if line.startswith(marker(n))]
    assert order == [1, 8, 9, 7, 2, 3, 4, 5, 6, 10, 11, 12, 13]
    assert draft.added == [f"q-{n:010d}" for n in order]
    assert "| status = collecting" in text
    assert parse_draft(text).harvested == draft.added
    assert draft.neutralised == []


def test_a_followup_goes_right_after_its_parent_even_from_another_topic():
    parent = q(1, "Parent?", "Movement Charter", "A")
    other = q(2, "Other?", "Movement Charter", "B")
    followup = q(3, "And then?", "Trust and Safety", "A", followup_of=parent.id)
    text = render_draft([parent, other, followup], session(), load_templates("conversation-hour-2024")).text
    lines = text.splitlines()
    assert lines[lines.index(line_of(text, 1)) + 1] == line_of(text, 3)
    assert headings(text) == ["Movement Charter"]


def test_the_draft_names_no_asker_and_copies_no_comment():
    text = render_draft(HARVESTED, session(), load_templates("conversation-hour-2024")).text
    for name in ASKERS:
        assert name not in text
    assert "Thank you for taking this one" not in text and "Seconded" not in text


def test_a_multi_line_question_stays_one_bullet_with_its_title():
    text = render_draft(HARVESTED, session(), load_templates("conversation-hour-2024")).text
    assert line_of(text, 13) == (marker(13) + "'''What would you do differently?''' What would you have done "
                                 "differently if you could go back and start the MCDC process over?<br />"
                                 "I ask because the process took much longer than planned.")


def test_community_text_is_neutralised_in_the_draft_and_reported():
    hostile = q(1, "Why? ~~~~ {{subst:Welcome}} [[Category:Spam]] {{{x}}}", "Trust and Safety", "A")
    draft = render_draft([hostile], session(), load_templates("conversation-hour-2024"))
    assert line_of(draft.text, 1) == (marker(1) + "Why? <nowiki>~~~~</nowiki> <nowiki>{{subst:Welcome}}</nowiki> "
                                      "[[:Category:Spam]] <nowiki>{{{x}}}</nowiki>")
    assert draft.neutralised == [
        "q-0000000001: signature tildes ~~~~ shown as text",
        "q-0000000001: substitution {{subst:Welcome}} shown as text",
        "q-0000000001: category link [[:Category:Spam]] made a plain link",
        "q-0000000001: template parameter {{{x}}} shown as text",
    ]


def test_a_new_draft_parses_back_to_its_questions():
    draft = parse_draft(render_draft(HARVESTED, session(), load_templates("office-hours-2022")).text)
    assert draft.status == "collecting" and not draft.ready
    assert draft.harvested == [question.id for question in draft.questions]
    assert sorted(question.id for question in draft.questions) == [question.id for question in HARVESTED]
    assert all(not question.staff_added and not question.answered for question in draft.questions)
    assert draft.problems == []


# -- staff work on the draft, then new questions arrive ------------------------------

def staff_edit(text: str) -> str:
    """What staff do to a draft between two harvests, as text edits."""
    lines = text.splitlines()
    # Answer two questions: several speakers, a continuation paragraph, a plain line of links; the 2022 habit.
    at = lines.index(line_of(text, 1))
    lines[at + 1:at + 1] = [": Maggie: When I first started, it was much more difficult.",
                            ": In these situations, it is important to listen without judgment.",
                            ": Jan Eissfeldt: Some affiliates have done some great work.",
                            "[[Mental health resources|Mental Health Resources]], [[Trust and Safety]]"]
    at = lines.index(line_of(text, 8))
    lines[at + 1:at + 1] = ["** Jack Smith: The Charter itself was an obstacle."]
    # Move a question to another section, edit the text of another, delete a third.
    moved = lines.pop(lines.index(line_of(text, 10)))
    lines.insert(lines.index(line_of(text, 3)) + 1, moved)
    lines[lines.index(line_of(text, 7))] = marker(7) + "How should attacks on people's experiences be addressed?"
    lines.remove(line_of(text, 12))
    # Add a question that came from the live chat, with its answer.
    lines.insert(lines.index(line_of(text, 4)) + 1, "* From the chat: how are the pilots chosen?")
    lines.insert(lines.index(line_of(text, 4)) + 2, ": Kaarel: By the hubs themselves.")
    return "\n".join(lines)


NEW = [
    q(20, "Is there news about the U4C?", "Universal Code of Conduct", "Tenth Example"),
    q(21, "How is Committee Support staffed?", "Committee Support", "Tenth Example"),
    q(22, "Second follow-up: who decides?", "Movement Charter", "Fourth Example", followup_of="q-0000000005"),
    q(23, "Anything else?", None, "Tenth Example"),
    q(24, "Who answers reports on weekends?", "Trust and Safety", "Eleventh Example"),
]


def test_update_adds_only_new_questions_and_keeps_every_staff_change():
    templates = load_templates("conversation-hour-2024")
    staff = staff_edit(render_draft(HARVESTED, session(), templates).text)

    update = update_draft(staff, HARVESTED + NEW, session(), templates)

    assert sorted(update.added) == [question.id for question in NEW]
    old, new = staff.splitlines(), update.text.splitlines()
    inserted = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "replace":  # only the bot's list of harvested ids
            assert old[i1:i2] == [line for line in old if line.startswith("| harvested =")]
            assert new[j1:j2] == [line for line in new if line.startswith("| harvested =")]
        elif op == "insert":
            inserted += new[j1:j2]
        else:
            assert op == "equal", (op, old[i1:i2], new[j1:j2])
    assert sorted(inserted) == sorted(["", "== Committee Support ==", line_of(update.text, 20),
                                       *(line_of(update.text, n) for n in (21, 22, 23, 24))])
    # Each where it belongs: end of its section, after the follow-up before it, a new section at the end.
    assert new[new.index(line_of(update.text, 20)) - 1:][:3] == [line_of(update.text, 9), line_of(update.text, 20),
                                                                  ""]
    assert new[new.index(line_of(update.text, 24)) - 1] == (
        "[[Mental health resources|Mental Health Resources]], [[Trust and Safety]]")
    assert new[new.index(line_of(update.text, 22)) - 1] == line_of(update.text, 6)
    assert new[new.index(line_of(update.text, 23)) - 1] == line_of(update.text, 13)
    assert new[-3:] == ["", "== Committee Support ==", line_of(update.text, 21)]
    # The deleted question is not back; the harvested list has every id ever added.
    assert "You've supported committees" not in update.text
    assert parse_draft(update.text).harvested == [question.id for question in parse_draft(
        render_draft(HARVESTED, session(), templates).text).questions] + update.added

    again = update_draft(update.text, HARVESTED + NEW, session(), templates)
    assert again.text == update.text and again.added == [] and again.neutralised == []


def test_update_without_new_questions_returns_the_text_unchanged():
    templates = load_templates("conversation-hour-2024")
    staff = staff_edit(render_draft(HARVESTED, session(), templates).text) + "\n\n"
    assert update_draft(staff, HARVESTED, session(), templates).text == staff


def test_update_refuses_a_draft_without_its_status_template():
    templates = load_templates("conversation-hour-2024")
    text = "== Trust and Safety ==\n" + marker(1) + "Question?"
    with pytest.raises(DraftError, match="Conversation hour draft"):
        update_draft(text, HARVESTED[:2], session(), templates)


def test_the_staff_work_is_read_back():
    templates = load_templates("conversation-hour-2024")
    draft = parse_draft(staff_edit(render_draft(HARVESTED, session(), templates).text))
    by_id = {question.id: question for question in draft.questions}
    assert by_id["q-0000000001"].answers == [
        "Maggie: When I first started, it was much more difficult.",
        "In these situations, it is important to listen without judgment.",
        "Jan Eissfeldt: Some affiliates have done some great work.",
        "[[Mental health resources|Mental Health Resources]], [[Trust and Safety]]"]
    assert by_id["q-0000000008"].answers == ["Jack Smith: The Charter itself was an obstacle."]
    chat = next(question for question in draft.questions if question.staff_added)
    assert chat.text == "From the chat: how are the pilots chosen?"
    assert chat.id == derived_id(chat.text) and chat.answers == ["Kaarel: By the hubs themselves."]
    assert [s.heading for s in draft.sections if "q-0000000010" in [x.id for x in s.questions]] == [
        "Movement Charter"]


def test_an_id_marker_is_found_wherever_staff_left_it_on_the_line():
    text = ("{{Conversation hour draft}}\n== T ==\n* '''Edited:''' <span id='q-0000000001'></span>Q?\n"
            '* <span id="q-0000000002" />R?')
    assert [(question.id, question.text) for question in parse_draft(text).questions] == [
        ("q-0000000001", "'''Edited:''' Q?"), ("q-0000000002", "R?")]


def test_a_staff_question_keeps_its_anchor_while_its_text_is_unchanged():
    text = "{{Conversation hour draft|status=ready}}\n== Chat ==\n* How are pilots chosen?\n: Kaarel: By hubs."
    first, second = parse_draft(text).questions[0], parse_draft(text + "\n").questions[0]
    assert first.id == second.id and first.id.startswith("q-") and len(first.id) == 12
    assert parse_draft(text.replace("pilots", "the pilots")).questions[0].id != first.id


def test_draft_problems_are_reported():
    text = "\n".join([
        "Intro text staff wrote is the header.",
        "== Trust and Safety ==",
        "A note before any question.",
        marker(1) + "First?",
        marker(1) + "Pasted twice?",
        "* ",
    ])
    draft = parse_draft(text)
    assert [(p.line, p.reason.split(":")[0].split(";")[0]) for p in draft.problems] == [
        (1, "no {{Conversation hour draft}} template"),
        (3, "not under a question, so not in the notes"),
        (5, "question id q-0000000001 used twice"),
        (6, "question without text, so not in the notes"),
    ]
    assert draft.status == "collecting"
    assert [question.staff_added for question in draft.questions] == [False, True]
    assert len({question.id for question in draft.questions}) == 2


def test_comments_and_the_status_template_are_not_questions_or_answers():
    text = "\n".join([
        "== Trust and Safety ==",
        marker(1) + "First? <!-- ask Jan -->",
        "<!-- Jan to answer",
        "* not a question: in a comment -->",
        ": Jan: Yes.",
        "{{Conversation hour draft",
        "| status = Ready",
        "}}",
    ])
    draft = parse_draft(text)
    assert draft.ready and draft.status == "Ready"
    assert [(question.text, question.answers) for question in draft.questions] == [("First?", ["Jan: Yes."])]


def test_set_draft_status_changes_only_the_status():
    templates = load_templates("conversation-hour-2024")
    text = staff_edit(render_draft(HARVESTED, session(), templates).text)
    ready = set_draft_status(text, "ready")
    assert ready == text.replace("| status = collecting\n", "| status = ready\n")
    assert parse_draft(ready).ready
    assert set_draft_status("{{Conversation hour draft}}\nx", "ready") == "{{Conversation hour draft|status=ready}}\nx"
    with pytest.raises(ValueError):
        set_draft_status(text, "ready}}{{Delete")
    with pytest.raises(DraftError):
        set_draft_status("no template here", "ready")


# -- the notes -------------------------------------------------------------------------

def filled_draft(style: str = "conversation-hour-2024") -> str:
    templates = load_templates(style)
    staff = staff_edit(render_draft(HARVESTED, session(style), templates).text)
    return set_draft_status(staff, "ready")


def test_notes_keep_the_drafts_order_and_put_unanswered_questions_under_the_heading():
    notes = render_notes(parse_draft(filled_draft()), session(), load_templates("conversation-hour-2024"))
    lines = notes.text.splitlines()
    assert lines[:6] == [
        marker(1) + HARVESTED[0].question,
        ": Maggie: When I first started, it was much more difficult.",
        ": In these situations, it is important to listen without judgment.",
        ": Jan Eissfeldt: Some affiliates have done some great work.",
        ": [[Mental health resources|Mental Health Resources]], [[Trust and Safety]]",
        marker(8) + HARVESTED[7].question,
    ]
    assert lines[6] == ": Jack Smith: The Charter itself was an obstacle."
    chat = next(line for line in lines if "From the chat" in line)
    assert chat == f'* <span id="{derived_id("From the chat: how are the pilots chosen?")}"></span>' \
                   "From the chat: how are the pilots chosen?"
    assert lines[lines.index(chat) + 1] == ": Kaarel: By the hubs themselves."
    at = lines.index("=== To be answered in writing ===")
    assert lines[at - 1] == ""
    assert lines[at + 1:] == [line for line in lines[at + 1:] if line.startswith("* <span id=")]
    assert notes.answered == ["q-0000000001", "q-0000000008", derived_id("From the chat: how are the pilots chosen?")]
    assert sorted(notes.written) == sorted({f"q-{n:010d}" for n in range(1, 14)} - {
        "q-0000000001", "q-0000000008", "q-0000000012"})
    assert "How should attacks on people's experiences be addressed?" in notes.text


def test_notes_name_no_asker():
    for style in STYLES:
        notes = render_notes(parse_draft(filled_draft(style)), session(style), load_templates(style))
        for name in ASKERS:
            assert name not in notes.text


def test_the_unanswered_heading_is_the_callers():
    notes = render_notes(parse_draft(filled_draft("office-hours-2022")), session("office-hours-2022"),
                         load_templates("office-hours-2022"), unanswered_heading="Answers to follow")
    assert "\n\n== Answers to follow ==\n" + marker(8) not in notes.text  # q8 was answered
    assert "\n\n== Answers to follow ==\n* <span id=" in notes.text
    assert "To be answered in writing" not in notes.text


def test_2022_notes_show_sections_and_nest_answers():
    notes = render_notes(parse_draft(filled_draft("office-hours-2022")), session("office-hours-2022"),
                         load_templates("office-hours-2022"))
    assert "\n\n== Trust and Safety ==\n" + marker(1) in notes.text
    assert "\n** Maggie: When I first started, it was much more difficult.\n" in notes.text
    assert notes.text.startswith("{{Conversation hour navigation|previous=")
    assert "The meeting took place on 11 July 2024 at 18:00 UTC." in notes.text


def test_no_unanswered_heading_when_every_question_is_answered():
    text = "{{Conversation hour draft|status=ready}}\n== T ==\n" + marker(1) + "Q?\n: A: yes."
    notes = render_notes(parse_draft(text), session(), load_templates("conversation-hour-2024"))
    assert notes.text == marker(1) + "Q?\n: A: yes."
    assert notes.answered == ["q-0000000001"] and notes.written == []


def test_translation_markup_only_when_asked():
    text = "{{Conversation hour draft|status=ready}}\n== Topic ==\n" + marker(1) + "Q?\n: A: yes.\n" + marker(2) + "R?"
    for style in STYLES:
        templates = load_templates(style)
        plain = render_notes(parse_draft(text), session(style), templates)
        marked = render_notes(parse_draft(text), session(style), templates, translate=True)
        assert "translate>" not in plain.text and "<languages/>" not in plain.text
        assert marked.text.startswith("<languages/>\n")
        assert marker(1) + "<translate>Q?</translate>" in marked.text
        assert "<translate>A: yes.</translate>" in marked.text
        assert "<translate>To be answered in writing</translate>" in marked.text
    assert "== <translate>Topic</translate> ==" in render_notes(
        parse_draft(text), session(), load_templates("office-hours-2022"), translate=True).text


def test_text_staff_or_anyone_put_in_the_draft_is_neutralised_in_the_notes():
    text = ("{{Conversation hour draft|status=ready}}\n== T ==\n" + marker(1) + "Q? {{subst:x}}\n"
            ": A: yes [[Category:Hidden]]\n* Staff question __NOTOC__\n: B: fine")
    notes = render_notes(parse_draft(text), session(), load_templates("conversation-hour-2024"))
    assert notes.text.splitlines()[:2] == [marker(1) + "Q? <nowiki>{{subst:x}}</nowiki>",
                                           ": A: yes [[:Category:Hidden]]"]
    staff_id = derived_id("Staff question __NOTOC__")
    assert notes.neutralised == [
        "q-0000000001: substitution {{subst:x}} shown as text",
        "q-0000000001 (answer): category link [[:Category:Hidden]] made a plain link",
        f"{staff_id}: behaviour switch __NOTOC__ shown as text",
    ]


# -- session page and questions page ------------------------------------------------

def test_2024_session_page_ends_with_the_notes_section():
    templates = load_templates("conversation-hour-2024")
    page = render_session_page(session(), templates)
    assert ("You are invited to the quarterly Conversation hour led by Maggie Dennis, Vice President of Community "
            "Resilience and Sustainability, on 11 July 2024 at 18:00 UTC.") in page
    assert ("discuss Trust and Safety, Universal Code of Conduct, Committee Support, Human Rights, and Movement "
            "Charter.") in page
    assert f"[[{CRS}/Conversation Hour 2024 07 11/Questions|the questions page]]" in page
    assert page.endswith("\n== Notes ==\nNotes will be published here after the conversation.")
    assert page.startswith(f"{{{{Conversation hour navigation|previous={CRS}/Conversation Hour 2024 04 18|next=|")
    with_notes = render_session_page(session(), templates, notes="* Q?\n: A: yes.")
    assert with_notes.endswith("\n== Notes ==\n* Q?\n: A: yes.")


def test_2022_session_page_has_no_place_for_the_notes():
    templates = load_templates("office-hours-2022")
    assert "The notes will be published at [[" in render_session_page(session("office-hours-2022"), templates)
    with pytest.raises(TemplateError, match="page of their own"):
        render_session_page(session("office-hours-2022"), templates, notes="* Q?")


@pytest.mark.parametrize("style", STYLES)
def test_questions_page_has_the_header_and_a_section_per_topic(style):
    page = render_questions_page(session(style), load_templates(style))
    assert page.startswith("{{Conversation hour questions header\n"
                           f"| session = {CRS}/Conversation Hour 2024 07 11\n"
                           "| deadline = 11 July 2024, 17:00 UTC\n"
                           "| deadline_local = https://www.timeanddate.com/worldclock/fixedtime.html"
                           "?iso=20240711T1700&p1=1440\n}}")
    assert headings(page) == session().topics
    page = render_questions_page(session(style), load_templates(style), deadline="tomorrow")
    assert "| deadline = tomorrow\n" in page


def test_english_lists():
    assert [english_list(items) for items in ([], ["A"], ["A", "B"], ["A", "B", "C"])] == [
        "", "A", "A and B", "A, B, and C"]


# -- templates ---------------------------------------------------------------------------

def test_placeholders_take_values_then_defaults():
    assert render("{{{a}}}, {{{b|two}}}, {{{c|{{{d|four}}}}}}", {"a": "one"}) == "one, two, four"
    assert render("{{{c|{{{d}}}}}}", {"c": ""}) == ""
    assert render("{{T|x={{{a}}}}} '''{{{a}}}'''", {"a": "1"}) == "{{T|x=1}} '''1'''"


def test_values_are_inserted_as_text_never_parsed_again():
    assert render("Q: {{{question}}}", {"question": "{{{question}}} {{{x|y}}}"}) == "Q: {{{question}}} {{{x|y}}}"


def test_a_placeholder_without_value_names_itself_and_the_template():
    with pytest.raises(TemplateError, match=r"\{\{\{missing\}\}\} in template greeting"):
        render("Hello {{{missing}}}", {}, name="greeting")
    templates = load_templates("conversation-hour-2024", overrides={"question": "* {{{id}}} {{{asker}}}"})
    with pytest.raises(TemplateError, match=r"\{\{\{asker\}\}\} in template 'question' \(override\)"):
        render_draft(HARVESTED, session(), templates)


def test_overrides_replace_a_template():
    templates = load_templates("conversation-hour-2024", overrides={"answer": ": ''{{{answer}}}''"})
    text = "{{Conversation hour draft}}\n== T ==\n" + marker(1) + "Q?\n: A: yes."
    assert render_notes(parse_draft(text), session(), templates).text == marker(1) + "Q?\n: ''A: yes.''"
    assert templates["question"] == load_templates("conversation-hour-2024")["question"]


def test_a_template_directory_overrides_the_shipped_files(tmp_path: Path):
    (tmp_path / "heading.wiki").write_text("=== {{{heading|Miscellaneous}}} ===\n", encoding="utf-8")
    templates = load_templates("conversation-hour-2024", override_dir=tmp_path,
                               overrides={"question": "# <span id=\"{{{id}}}\"></span>{{{question}}}"})
    text = render_draft([q(1, "Q?", None, "A")], session(), templates).text
    assert text.endswith("=== Miscellaneous ===\n# <span id=\"q-0000000001\"></span>Q?")
    assert templates.sources["heading"] == str(tmp_path / "heading.wiki")


def test_bad_template_sources_are_errors(tmp_path: Path):
    with pytest.raises(TemplateError, match="conversation-hour-2024, office-hours-2022"):
        load_templates("conversation-hour-2025")
    with pytest.raises(TemplateError, match="does not exist"):
        load_templates("conversation-hour-2024", override_dir=tmp_path / "missing")
    (tmp_path / "note.wiki").write_text("x", encoding="utf-8")
    with pytest.raises(TemplateError, match="unknown template 'note'"):
        load_templates("conversation-hour-2024", override_dir=tmp_path)
    with pytest.raises(TemplateError, match="unknown template 'Notes'"):
        load_templates("conversation-hour-2024", overrides={"Notes": "x"})


@pytest.mark.parametrize("style", STYLES)
def test_every_shipped_template_renders_for_a_plain_session(style):
    templates = load_templates(style)
    assert set(templates) == set(TEMPLATE_NAMES)
    bare = Session(title="Example session", date=date(2025, 1, 9), index_page="Example index", style=style,
                   topics=["Trust and Safety"])
    draft = render_draft([q(1, "Q?", "T", "A")], bare, templates)
    filled = draft.text + "\n: Maggie: yes."
    for text in (render_session_page(bare, templates), render_questions_page(bare, templates), draft.text,
                 render_notes(parse_draft(filled), bare, templates).text):
        assert "{{{" not in text


def test_a_session_page_without_topics_is_an_error_not_a_hole():
    bare = Session(title="Example session", date=date(2025, 1, 9), index_page="Example index")
    with pytest.raises(TemplateError, match=r"\{\{\{topics\}\}\}"):
        render_session_page(bare, load_templates("conversation-hour-2024"))
