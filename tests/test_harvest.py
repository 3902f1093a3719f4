"""Harvesting a questions page: what a bot operator would check on the result.

Everything here is pure (no wiki): wikitext in, questions out.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

import bot.harvest
import bot.harvest.page
import bot.harvest.posts
from bot.harvest import (
    DEFAULT_TOPIC_ALIASES,
    attribute_from_history,
    format_table,
    harvest,
    normalise_topic,
    redirect_target,
)
from bot.model import Problem, Question, Revision
from bot.harvest.signatures import find_signature, normalise_user, parse_timestamp

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "tests" / "data" / "examples" / "questions-2024-07-11.wiki"
ID = re.compile(r"q-[0-9a-f]{10}")

SIGNED = "[[User:Example Editor|Example Editor]] ([[User talk:Example Editor|talk]]) 09:14, 2 July 2024 (UTC)"


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=timezone.utc)


def only(text: str, **kwargs) -> Question:
    """The one question a page holds, checking that nothing went wrong on the way."""
    result = harvest(text, **kwargs)
    assert result.problems == []
    assert len(result.questions) == 1, result.questions
    return result.questions[0]


# --- The example page ---------------------------------------------------------

EXPECTED = [
    # line, topic, asker, timestamp, question, comments, follow-up of (index), title
    (8, "Trust and Safety", "Example Editor", utc(2024, 7, 2, 9, 14),
     "In the case of users who may cause self-harm, while Trust and Safety is unable to contact "
     "authorities (e.g., individuals residing in Mainland China), how does the T&S support them? "
     "Apart from reaching out to Trust and Safety, how does the community member offer support to "
     "users who cause self-harm?", ["Thank you for taking this one."], None, None),
    (12, "Movement Charter", "Sample-Wikimedian", utc(2024, 7, 3, 20, 40),
     "Your team has been supporting the MCDC since it was formed. Now that the Board has voted no, "
     "do you feel like you wasted your time? Do you feel like you wasted our time?", [], None, None),
    (13, "Movement Charter", "Example Editor", utc(2024, 7, 4, 8, 0),
     "What exactly was your role in the MC process?", [], None, None),
    (15, "Movement Charter", "Sample-Wikimedian", utc(2024, 7, 4, 15, 0),
     "Can the community ask the Board to provide an edited Draft Charter which they would support?",
     [], None, None),
    (20, "Movement Charter", "Fourth Example", utc(2024, 7, 5, 16, 45),
     "In terms of dispute resolution between the Global Council and Board, term limits, and Global "
     "Council composition quotas, does any of the Drafting Committee have or plan to work on such "
     "amendments?", [], None, None),
    (21, "Movement Charter", "Fourth Example", utc(2024, 7, 5, 16, 47),
     "Follow up question: Is this the plan to implement the Movement Charter in pieces?", [], 4, None),
    (24, "Human Rights", "Fifth Example", utc(2024, 7, 6, 7, 30),
     "In the context of Wikimedia communities, how should incidents where individuals' experiences "
     "and perspectives are undermined, dismissed or attacked, particularly in sensitive situations "
     "like conflict zones, be addressed to ensure compliance with human rights principles and the "
     "promotion of a respectful and inclusive environment?", [], None, None),
    (27, "UCoC", "Sixth Example", utc(2024, 7, 8, 10, 10),
     "The U4C vote failed to get enough people over the threshold to create a full committee. "
     "Why do you think that happened?", [], None, None),
    (28, "UCoC", "198.51.100.23", utc(2024, 7, 8, 12, 0),
     "Do you think the UCoC has made any difference?", [], None, None),
    (31, "Other", "Third Example", utc(2024, 7, 9, 18, 5),
     "Board candidates were asked, \"From your perspective, what should the Wikimedia Foundation be "
     "prioritizing over the next 5-10 years, and why do you see these as the most important "
     "priorities?\" I'd like to know your answer to that. If not for the whole Foundation, at least "
     "for the area where you work.", [], None, None),
    (32, "Other", "Seventh Example", utc(2024, 7, 9, 21, 33),
     "Anyone can propose amendments and then ask the board to consider a 2nd draft with any or all "
     "of such amendments. I wonder if any of the Drafting Committee members want to do it themselves?",
     [], None, None),
    (33, "Other", "Eighth Example", utc(2024, 7, 10, 6, 12),
     "You've supported committees for a while. Do you have any advice for somebody who wants to be a "
     "good committee member? What about who wants to be a good member of the Board of Trustees?",
     [], None, None),
    (37, None, "Third Example", utc(2024, 7, 4, 14, 21),
     "What would you have done differently if you could go back and start the MCDC process over?\n\n"
     "I ask because the process took much longer than planned.", ["Seconded."], None,
     "What would you do differently?"),
]


@pytest.fixture(scope="module")
def example():
    return harvest(EXAMPLE.read_text(encoding="utf-8"))


def test_example_page_gives_exactly_its_13_questions(example):
    assert len(example.questions) == 13
    assert example.problems == []
    assert example.withdrawn == []


@pytest.mark.parametrize("index", range(len(EXPECTED)))
def test_example_page_question_field_by_field(example, index):
    line, topic, asker, timestamp, text, comments, followup, title = EXPECTED[index]
    question = example.questions[index]
    assert question.line == line
    assert question.topic == topic
    assert question.asker == asker
    assert question.timestamp == timestamp
    assert question.question == text
    assert question.comments == comments
    assert question.followup_of == (example.questions[followup].id if followup is not None else None)
    assert question.title == title
    assert question.signed is True
    assert ID.fullmatch(question.id)
    if question.line != 28:
        assert question.askers == [asker]


def test_example_page_duplicate_is_merged_with_both_askers(example):
    merged = [q for q in example.questions if q.question == "Do you think the UCoC has made any difference?"]
    assert len(merged) == 1
    assert merged[0].askers == ["198.51.100.23", "Ninth Example"]
    assert merged[0].asker == "198.51.100.23"
    assert merged[0].topic == "UCoC"  # the first asking's, not "Other"
    assert any("line 34" in notice and "line 28" in notice for notice in example.notices)


def test_example_page_ids_are_distinct(example):
    ids = [q.id for q in example.questions]
    assert len(set(ids)) == len(ids)


def test_harvested_questions_survive_json(example):
    for question in example.questions:
        assert Question.from_json(json.loads(json.dumps(question.to_json()))) == question


# --- Signatures -----------------------------------------------------------------

@pytest.mark.parametrize("signature, asker, timestamp", [
    (SIGNED, "Example Editor", utc(2024, 7, 2, 9, 14)),
    ("[[User:Example Editor]] 09:14, 2 July 2024 (UTC)", "Example Editor", utc(2024, 7, 2, 9, 14)),
    ("[[User:Example Editor]]", "Example Editor", None),
    ("[[User:Example Editor|Example Editor]] ([[User talk:Example Editor|talk]])", "Example Editor", None),
    ('<span class="signature">[[User:Example Editor|Example Editor]]</span> 08:00, 4 July 2024 (UTC)',
     "Example Editor", utc(2024, 7, 4, 8, 0)),
    ("<sup>[[User:Example Editor|EE]]</sup> <sup>[[User talk:Example Editor|talk]]</sup> "
     "08:00, 4 July 2024 (UTC)", "Example Editor", utc(2024, 7, 4, 8, 0)),
    ('<font color="#036">[[User:Example Editor|Example Editor]]</font> 08:00, 4 July 2024 (UTC)',
     "Example Editor", utc(2024, 7, 4, 8, 0)),
    ('[[User:Example Editor|<font color="#036">Example</font> <span style="color:red">Editor</span>]] '
     "08:00, 4 July 2024 (UTC)", "Example Editor", utc(2024, 7, 4, 8, 0)),
    ("'''[[User:Example Editor|Example Editor]]''' 08:00, 4 July 2024 (UTC)",
     "Example Editor", utc(2024, 7, 4, 8, 0)),
    ("--[[User:Example Editor|Example Editor]] 08:00, 4 July 2024 (UTC)", "Example Editor", utc(2024, 7, 4, 8, 0)),
    ("— [[User:Example Editor|Example Editor]] 08:00, 4 July 2024 (UTC)", "Example Editor", utc(2024, 7, 4, 8, 0)),
    ("&mdash;[[User:Example Editor|Example Editor]] 08:00, 4 July 2024 (UTC)",
     "Example Editor", utc(2024, 7, 4, 8, 0)),
    ("[[Special:Contributions/198.51.100.23|198.51.100.23]] 12:00, 8 July 2024 (UTC)",
     "198.51.100.23", utc(2024, 7, 8, 12, 0)),
    ("[[Special:Contributions/2001:db8::1|2001:db8::1]] ([[User talk:2001:db8::1|talk]]) "
     "12:00, 8 July 2024 (UTC)", "2001:DB8:0:0:0:0:0:1", utc(2024, 7, 8, 12, 0)),
    ("{{unsigned|Example Editor|12:00, 8 July 2024 (UTC)}}", "Example Editor", utc(2024, 7, 8, 12, 0)),
    ("{{unsigned|Example Editor}}", "Example Editor", None),
    ("{{Unsigned IP|198.51.100.23|12:00, 8 July 2024}}", "198.51.100.23", utc(2024, 7, 8, 12, 0)),
    ("{{unsigned2|12:00, 8 July 2024 (UTC)|Example Editor}}", "Example Editor", utc(2024, 7, 8, 12, 0)),
    ('<small><span class="autosigned">— Preceding [[w:Wikipedia:Signatures|unsigned]] comment added by '
     "[[User:Example Editor|Example Editor]] ([[User talk:Example Editor#top|talk]] • "
     "[[Special:Contributions/Example Editor|contribs]]) 12:00, 8 July 2024 (UTC)</span></small>",
     "Example Editor", utc(2024, 7, 8, 12, 0)),
    ("[[User:Пример Участник|Пример Участник]] ([[User talk:Пример Участник|обс.]]) 12:00, 8 July 2024 (UTC)",
     "Пример Участник", utc(2024, 7, 8, 12, 0)),
    ("[[User:\u200fمستخدم مثال|مستخدم مثال]]\u200e 12:00, 8 July 2024 (UTC)", "مستخدم مثال", utc(2024, 7, 8, 12, 0)),
    ("[[User talk:Example Editor|talk to me]] 12:00, 8 July 2024 (UTC)", "Example Editor", utc(2024, 7, 8, 12, 0)),
    ("[[User:example_editor|ee]] 12:00, 8 July 2024 (UTC)", "Example editor", utc(2024, 7, 8, 12, 0)),
    ("[[Benutzer:Beispiel|Beispiel]] ([[Benutzer Diskussion:Beispiel|Diskussion]]) 12:00, 8 July 2024 (UTC)",
     "Beispiel", utc(2024, 7, 8, 12, 0)),
    ("[[m:User:Example Editor|Example Editor]] 12:00, 8 Jul 2024 (UTC)", "Example Editor", utc(2024, 7, 8, 12, 0)),
])
def test_signature_forms(signature, asker, timestamp):
    question = only(f"== Other ==\n* What is the plan for next year? {signature}\n")
    assert question.question == "What is the plan for next year?"
    assert question.asker == asker
    assert question.askers == [asker]
    assert question.timestamp == timestamp
    assert question.signed is True


def test_a_user_mentioned_in_the_question_is_not_its_asker():
    question = only(f"== Other ==\n* Did [[User:Jimbo Wales]] agree with the plan? {SIGNED}\n")
    assert question.asker == "Example Editor"
    assert question.question == "Did [[User:Jimbo Wales]] agree with the plan?"


def test_a_question_ending_with_a_user_link_is_not_signed_by_that_user():
    question = only("== Other ==\n* Have you asked [[User:Jimbo Wales]]?\n")
    assert (question.question, question.asker) == ("Have you asked [[User:Jimbo Wales]]?", None)


def test_a_question_about_a_time_keeps_its_time():
    question = only("== Other ==\n* Will the call be at 18:00, 11 July 2024 (UTC)\n")
    assert question.question == "Will the call be at 18:00, 11 July 2024 (UTC)"
    assert question.asker is None


def test_a_signature_in_nowiki_is_no_signature():
    question = only("== Other ==\n* How do I sign? Like <nowiki>[[User:X|X]] 10:00, 1 July 2024 (UTC)</nowiki>\n")
    assert question.asker is None
    assert question.question.endswith("</nowiki>")


def test_unreadable_timestamp_is_a_question_without_time_and_a_problem():
    # a zone no one knows, and a day that does not exist
    result = harvest("== Other ==\n* Why? [[User:Example Editor|EE]] 12:00, 8. Jul. 2024 (XQT)\n"
                     "* And how? [[User:Example Editor|EE]] 12:00, 31 June 2024 (UTC)\n")
    assert [(q.question, q.asker, q.timestamp, q.signed) for q in result.questions] == [
        ("Why?", "Example Editor", None, True), ("And how?", "Example Editor", None, True)]
    assert [problem.line for problem in result.problems] == [2, 3]
    assert all("timestamp" in problem.reason for problem in result.problems)


@pytest.mark.parametrize("name, normalised", [
    ("example_editor", "Example editor"),
    ("  Example   Editor ", "Example Editor"),
    ("ébène", "Ébène"),
    ("пример", "Пример"),
    ("مثال", "مثال"),
    ("2001:db8:0:0::0001", "2001:DB8:0:0:0:0:0:1"),
    ("198.051.100.023", "198.51.100.23"),
    ("Example&#95;Editor", "Example Editor"),
])
def test_user_names_are_normalised_as_mediawiki_does(name, normalised):
    assert normalise_user(name) == normalised


@pytest.mark.parametrize("month, number", [
    ("January", 1), ("February", 2), ("March", 3), ("April", 4), ("May", 5), ("June", 6), ("July", 7),
    ("August", 8), ("September", 9), ("October", 10), ("November", 11), ("December", 12), ("Sep", 9),
])
def test_timestamps_read_every_english_month(month, number):
    assert parse_timestamp(f"09:05, 3 {month} 2024 (UTC)") == utc(2024, number, 3, 9, 5)


@pytest.mark.parametrize("text", ["25:00, 3 July 2024 (UTC)", "09:05, 31 June 2024 (UTC)",
                                  "09:05, 3 Juli 2024 (UTC)", "3 July 2024", ""])
def test_timestamps_that_do_not_exist_are_refused(text):
    with pytest.raises(ValueError):
        parse_timestamp(text)


def test_timestamps_do_not_depend_on_the_locale():
    import locale
    for name in ("de_DE.UTF-8", "fr_FR.UTF-8", "ru_RU.UTF-8"):
        try:
            previous = locale.setlocale(locale.LC_TIME, name)
            break
        except locale.Error:
            continue
    else:
        pytest.skip("no non-English locale installed")
    try:
        assert parse_timestamp("09:14, 2 July 2024 (UTC)") == utc(2024, 7, 2, 9, 14)
    finally:
        locale.setlocale(locale.LC_TIME, previous)


def test_find_signature_tells_where_the_signature_starts():
    line = "Is it? --" + SIGNED
    signature = find_signature(line)
    assert line[:signature.start] == "Is it?"
    assert find_signature("No signature here.") is None


# --- Nesting ----------------------------------------------------------------------

def test_replies_nest_under_their_question():
    result = harvest(
        "== Other ==\n"
        f"* Parent question? {SIGNED}\n"
        "*: A comment. [[User:Second Example]] 10:00, 2 July 2024 (UTC)\n"
        "** A follow-up? [[User:Second Example]] 10:01, 2 July 2024 (UTC)\n"
        "*** A comment on the follow-up.\n"
        "*** And a follow-up to the follow-up?\n"
        "*: Another comment on the parent.\n"
        ": Colon reply on the parent.\n"
        "# Numbered question?\n"
        "#: Numbered comment.\n"
        "#* Numbered follow-up?\n")
    assert result.problems == []
    parent, followup, deeper, numbered, numbered_followup = result.questions
    assert parent.comments == ["A comment.", "Another comment on the parent.", "Colon reply on the parent."]
    assert (followup.question, followup.followup_of, followup.asker) == ("A follow-up?", parent.id, "Second Example")
    assert followup.comments == ["A comment on the follow-up."]
    assert followup.topic == "Other"
    assert (deeper.question, deeper.followup_of) == ("And a follow-up to the follow-up?", followup.id)
    assert numbered.followup_of is None and numbered.comments == ["Numbered comment."]
    assert numbered_followup.followup_of == numbered.id


def test_a_question_mark_in_a_link_does_not_make_a_follow_up():
    result = harvest(f"== Other ==\n* Question? {SIGNED}\n"
                     "*: See https://meta.wikimedia.org/w/index.php?title=Main_Page for this.\n")
    assert len(result.questions) == 1
    assert result.questions[0].comments == ["See https://meta.wikimedia.org/w/index.php?title=Main_Page for this."]


@pytest.mark.parametrize("mark", ["？", "؟"])
def test_other_scripts_question_marks_make_follow_ups(mark):
    result = harvest(f"== Other ==\n* Question? {SIGNED}\n*: 还有一个问题{mark}\n")
    assert result.questions[1].followup_of == result.questions[0].id


def test_a_reply_with_no_question_above_it_is_a_problem():
    result = harvest("== Other ==\n\n*: Orphan comment. [[User:X]]\n")
    assert result.questions == []
    assert result.problems == [Problem(3, "a reply with no question above it", "*: Orphan comment. [[User:X]]")]


def test_replies_do_not_cross_sections():
    result = harvest(f"== One ==\n* Question? {SIGNED}\n== Two ==\n*: Stray comment.\n")
    assert result.questions[0].comments == []
    assert [problem.line for problem in result.problems] == [4]


# --- Sections -------------------------------------------------------------------------

def test_a_section_per_question():
    result = harvest(
        "== How are grants decided? ==\n"
        "I would like to know how it works.\n"
        "Who decides?\n"
        "\n"
        "Second paragraph. " + SIGNED + "\n"
        ":Good question. [[User:Second Example]] 10:00, 2 July 2024 (UTC)\n"
        "::Agreed.\n"
        ":Also, when? [[User:Third Example]] 11:00, 2 July 2024 (UTC)\n")
    assert result.problems == []
    section, followup = result.questions
    assert section.title == "How are grants decided?"
    assert section.topic is None
    assert section.question == "I would like to know how it works.\nWho decides?\n\nSecond paragraph."
    assert section.line == 2
    assert (section.asker, section.timestamp) == ("Example Editor", utc(2024, 7, 2, 9, 14))
    assert section.comments == ["Good question.", "Agreed."]
    assert (followup.question, followup.followup_of, followup.title) == ("Also, when?", section.id, None)


def test_unsigned_prose_is_a_problem_not_a_question():
    result = harvest("== Trust and Safety ==\nQuestions about T&S go here.\n"
                     f"* A question? {SIGNED}\n\n== Notes ==\nThis section is closed.\n")
    assert [q.question for q in result.questions] == ["A question?"]
    assert [(p.line, p.reason) for p in result.problems] == [
        (2, "prose that is neither a bullet nor a signed question"),
        (6, "prose that is neither a bullet nor a signed question")]


def test_signed_prose_in_a_topic_section_is_a_question_on_the_topic():
    question = harvest(f"== UCoC ==\n* First? {SIGNED}\nSecond, without a bullet? [[User:X]]\n").questions[1]
    assert (question.question, question.topic, question.title, question.asker) == (
        "Second, without a bullet?", "UCoC", None, "X")


# --- Topics -----------------------------------------------------------------------------

@pytest.mark.parametrize("heading, topic", [
    ("Human rights", "Human Rights"),
    ("human   RIGHTS ", "Human Rights"),
    ("Universal Code of Conduct", "UCoC"),
    ("universal code of conduct", "UCoC"),
    ("UCoC", "UCoC"),
    ("T&S", "Trust and Safety"),
    ("T&amp;S", "Trust and Safety"),
    ("Trust and safety", "Trust and Safety"),
    ("Movement Charter", "Movement Charter"),
    ("  Something else entirely ", "Something else entirely"),
])
def test_topics_are_normalised_through_aliases(heading, topic):
    assert normalise_topic(heading, DEFAULT_TOPIC_ALIASES) == topic
    assert only(f"== {heading} ==\n* A question?\n").topic == topic


def test_custom_aliases_replace_the_defaults():
    aliases = {"WMF": "Wikimedia Foundation"}
    assert only("== wmf ==\n* A question?\n", aliases=aliases).topic == "Wikimedia Foundation"
    assert only("== Human rights ==\n* A question?\n", aliases=aliases).topic == "Human rights"


# --- Template submissions --------------------------------------------------------------

def test_template_submission_takes_its_topic_from_the_template():
    question = only("== Other ==\n{{Conversation hour question\n| topic = universal code of conduct\n"
                    f"| question = Is the UCoC working?\n}}}} {SIGNED}\n")
    assert (question.question, question.topic, question.asker, question.line) == (
        "Is the UCoC working?", "UCoC", "Example Editor", 2)


def test_template_submission_without_topic_takes_the_sections():
    question = only(f"== T&S ==\n* {{{{conversation_hour_question|question=Who reviews reports?}}}} {SIGNED}\n")
    assert (question.question, question.topic) == ("Who reviews reports?", "Trust and Safety")


def test_template_parameters_keep_nested_links_and_templates_whole():
    question = only("== Other ==\n{{Conversation hour question|topic=Other|question=Is [[Policy|the policy]] "
                    "in {{tl|x|y}} <nowiki>a|b</nowiki> fine?}} " + SIGNED + "\n")
    assert question.question == "Is [[Policy|the policy]] in {{tl|x|y}} <nowiki>a|b</nowiki> fine?"


def test_an_unclosed_question_template_is_a_problem():
    result = harvest(f"== Other ==\n* {{{{Conversation hour question|question=Is it? {SIGNED}\n* Next? {SIGNED}\n")
    assert [q.question for q in result.questions] == ["Next?"]
    assert [(p.line, p.reason) for p in result.problems] == [
        (2, "a {{Conversation hour question}} that is not closed")]


# --- Duplicates ---------------------------------------------------------------------------

def test_duplicates_differing_in_case_space_and_punctuation_are_merged():
    result = harvest(
        "== A ==\n"
        f"* What is the budget? {SIGNED}\n"
        "*: First comment.\n"
        "== B ==\n"
        "* what  is the BUDGET [[User:Second Example]] 10:00, 3 July 2024 (UTC)\n"
        "*: Second comment.\n"
        "* What is the budget?! [[User:Example Editor]] 11:00, 3 July 2024 (UTC)\n")
    assert len(result.questions) == 1
    question = result.questions[0]
    assert question.askers == ["Example Editor", "Second Example"]
    assert (question.topic, question.line, question.timestamp) == ("A", 2, utc(2024, 7, 2, 9, 14))
    assert question.comments == ["First comment.", "Second comment."]
    assert len(result.notices) == 2


def test_a_follow_up_of_a_duplicate_follows_the_merged_question():
    result = harvest(f"== A ==\n* Same? {SIGNED}\n== B ==\n* same [[User:X]] 10:00, 3 July 2024 (UTC)\n"
                     "** Follow-up? [[User:X]] 10:05, 3 July 2024 (UTC)\n")
    first, followup = result.questions
    assert followup.followup_of == first.id


# --- What is not a question ------------------------------------------------------------------

def test_header_instructions_comments_nowiki_and_rules_are_not_questions():
    result = harvest(
        "{{Conversation hour questions header\n| session = X\n| deadline = 2024-07-11\n}}\n"
        "__NOTOC__\n"
        "Please add your question below, and sign it with <nowiki>~~~~</nowiki>.\n"
        "* Be kind.\n"
        "* Keep it short.\n"
        "== Questions ==\n"
        "<!-- * A commented-out question? [[User:X]] 10:00, 1 July 2024 (UTC)\n"
        "* Another one? -->\n"
        "<nowiki>\n* An example question? [[User:X]] 10:00, 1 July 2024 (UTC)\n</nowiki>\n"
        "----\n"
        "\n"
        "{{clear}}\n"
        "<div style=\"clear:both\"></div>\n"
        f"* The real question? <!-- a note --> {SIGNED}\n"
        "[[Category:Conversation Hour]]\n")
    assert result.problems == []
    assert [(q.question, q.line, q.topic) for q in result.questions] == [("The real question?", 19, "Questions")]


def test_a_signed_bullet_before_the_first_heading_is_a_question():
    result = harvest(f"Instructions.\n* An early question? {SIGNED}\n*: A comment.\n== Other ==\n")
    assert [(q.question, q.topic, q.comments) for q in result.questions] == [
        ("An early question?", None, ["A comment."])]


def test_answered_marks_are_not_part_of_the_question():
    question = only("== Other ==\n* Is it answered? " + SIGNED +
                    " {{Conversation hour answered|Notes#q-0123456789}}\n")
    assert (question.question, question.asker) == ("Is it answered?", "Example Editor")


def test_answered_marks_do_not_change_ids():
    section_signature = "[[User:X]] 10:00, 2 July 2024 (UTC)"
    page = (f"== A ==\n* Signed? {SIGNED}\n* Unsigned?\n"
            f"== Section question ==\nWhy?\n\nBecause. {section_signature}\n:Reply.\n")
    mark = " {{Conversation hour answered|Notes#q-0123456789|status=written}}"
    marked = (page.replace(SIGNED, SIGNED + mark).replace("Unsigned?", "Unsigned?" + mark)
              .replace(section_signature, section_signature + mark))
    assert marked.count(mark) == 3
    assert harvest(marked).questions == harvest(page).questions
    assert len(harvest(page).questions) == 3


def test_the_mark_template_can_be_named():
    page = f"== A ==\n* Signed? {SIGNED} {{{{Answered mark|Notes#q-0123456789}}}}\n"
    question = only(page, mark_template="Answered_mark")
    assert (question.question, question.asker) == ("Signed?", "Example Editor")


def test_unsigned_bullets_are_questions():
    question = only("== Other ==\n* An unsigned question?\n")
    assert (question.asker, question.askers, question.timestamp, question.signed) == (None, [], None, False)


# --- Struck out -------------------------------------------------------------------------------

@pytest.mark.parametrize("bullet", [
    f"* <s>Old question?</s> {SIGNED}",
    f"* <s>Old question? {SIGNED}</s>",
    f"* <del>Old question?</del> {SIGNED}",
    f"* <strike>Old question?</strike> {SIGNED}",
])
def test_a_struck_out_question_is_withdrawn(bullet):
    result = harvest(f"== Other ==\n{bullet}\n* Still asked? [[User:X]]\n")
    assert result.problems == []
    assert [q.question for q in result.questions] == ["Still asked?"]
    assert [(q.question, q.asker, q.line) for q in result.withdrawn] == [("Old question?", "Example Editor", 2)]


def test_a_withdrawal_note_is_kept_as_a_comment():
    result = harvest(f"== Other ==\n* <s>Old question?</s> Withdrawn, answered elsewhere. {SIGNED}\n")
    assert result.questions == []
    assert result.withdrawn[0].comments == ["Withdrawn, answered elsewhere."]


def test_struck_words_are_left_out_of_a_question():
    question = only(f"== Other ==\n* What is <s>the old</s> the new plan? {SIGNED}\n")
    assert question.question == "What is the new plan?"


# --- Stable ids --------------------------------------------------------------------------------

def ids(text: str) -> list[str]:
    return [q.id for q in harvest(text).questions]


def test_a_typo_fix_by_the_asker_keeps_the_id():
    assert ids(f"== A ==\n* Waht is the plan? {SIGNED}\n") == ids(f"== A ==\n* What is the plan? {SIGNED}\n")


def test_moving_a_question_to_another_section_keeps_the_id():
    before = harvest(f"== A ==\n* First? [[User:X]] 10:00, 1 July 2024 (UTC)\n== B ==\n* Moving? {SIGNED}\n")
    after = harvest(f"== B ==\n* Moving? {SIGNED}\n* New one? [[User:Y]] 11:00, 1 July 2024 (UTC)\n"
                    "== A ==\n* First? [[User:X]] 10:00, 1 July 2024 (UTC)\n")
    assert {q.question: q.id for q in before.questions}.items() <= {q.question: q.id for q in after.questions}.items()


def test_questions_one_asker_signed_in_the_same_minute_keep_their_ids_in_any_order():
    first, second = ids(f"== A ==\n* One? {SIGNED}\n* Two? {SIGNED}\n")
    assert first != second
    assert ids(f"== A ==\n* Two? {SIGNED}\n* One? {SIGNED}\n") == [second, first]
    assert ids(f"== A ==\n* Zero? {SIGNED}\n* One? {SIGNED}\n* Two? {SIGNED}\n")[1:] == [first, second]
    assert ids(f"== A ==\n* ''Onne'' ? {SIGNED}\n* Two? {SIGNED}\n") == [first, second]


@pytest.mark.parametrize("edited", [
    "What is the budget for 2025?", "Hello! What is the budget?", "What's the budget?",
    "What is the budget? Asking for our chapter.", "Budget: what is it?", "'''What''' is the [[budget]]?"])
def test_an_askers_edit_of_a_question_alone_in_its_minute_keeps_its_id(edited):
    before = ids(f"== A ==\n* What is the budget? {SIGNED}\n* Other? [[User:Y]] 10:00, 1 July 2024 (UTC)\n")
    after = ids(f"== A ==\n* {edited} {SIGNED}\n* Other? [[User:Y]] 10:00, 1 July 2024 (UTC)\n")
    assert after == before


@pytest.mark.parametrize("one, two", [
    ("What is the budget?", "Who is the boss?"),            # the same initials
    ("Will the board act?", "Will the budget arrive?"),
    ("Why?", "Why?!  No, really: why?"),                    # the same first word only
])
def test_same_minute_questions_with_the_same_initials_never_swap_ids(one, two):
    first, second = ids(f"== A ==\n* {one} {SIGNED}\n* {two} {SIGNED}\n")
    assert first != second
    assert ids(f"== A ==\n* {two} {SIGNED}\n* {one} {SIGNED}\n") == [second, first]
    inserted = ids(f"== A ==\n* Zero? {SIGNED}\n* {one} {SIGNED}\n* {two} {SIGNED}\n")
    assert inserted[1:] == [first, second]
    moved = ids(f"== A ==\n* {two} {SIGNED}\n== B ==\n* Zero? {SIGNED}\n* {one} {SIGNED}\n")
    assert moved[0] == second and moved[2] == first


def test_striking_out_a_question_does_not_hand_its_id_to_another():
    second = ids(f"== A ==\n* One? {SIGNED}\n* Two? {SIGNED}\n")[1]
    assert ids(f"== A ==\n* <s>One?</s> {SIGNED}\n* Two? {SIGNED}\n") == [second]


def test_unsigned_questions_take_their_id_from_their_text():
    assert ids("== A ==\n* Unsigned?\n") == ids("== B ==\nIntro.\n\n* unsigned\n")
    assert ids("== A ==\n* Unsigned?\n") != ids("== A ==\n* Another?\n")


def test_ids_do_not_depend_on_the_python_process():
    script = ("import sys; from bot.harvest import harvest; "
              "print([q.id for q in harvest(sys.stdin.read()).questions])")
    text = EXAMPLE.read_text(encoding="utf-8") + "\n== More ==\n* Unsigned question?\n"
    outputs = {subprocess.run([sys.executable, "-c", script], input=text, capture_output=True, text=True, check=True,
                              cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
               for seed in ("1", "2")}
    assert len(outputs) == 1


# --- Problems and bad input ------------------------------------------------------------------------

def test_an_unclosed_comment_hides_the_rest_of_the_page_and_says_so():
    result = harvest(f"== A ==\n* Seen? {SIGNED}\n<!-- forgot to close\n* Hidden? [[User:X]]\n")
    assert [q.question for q in result.questions] == ["Seen?"]
    assert result.problems == [Problem(3, "unclosed comment: <!-- hides the rest of the page", "<!-- forgot to close")]


def test_an_unclosed_nowiki_is_shown_as_written():
    result = harvest("== A ==\n* Why <nowiki>this? [[User:X]]\n")
    assert [(q.question, q.asker) for q in result.questions] == [("Why <nowiki>this?", "X")]
    assert [(p.line, p.reason) for p in result.problems] == [(2, "unclosed <nowiki>: shown as written")]


def test_a_signature_alone_is_a_problem():
    result = harvest(f"== A ==\n* {SIGNED}\n* Real? {SIGNED}\n*: {SIGNED}\n")
    assert [q.question for q in result.questions] == ["Real?"]
    assert [(p.line, p.reason) for p in result.problems] == [
        (2, "a signature with no question before it"), (4, "a signature with nothing before it")]


def test_a_bug_on_one_line_becomes_a_problem(monkeypatch):
    real = bot.harvest.posts.find_signature

    def failing(line, facts=None):
        if "boom" in line:
            raise RuntimeError("boom")
        return real(line, facts)

    monkeypatch.setattr(bot.harvest.posts, "find_signature", failing)
    result = harvest(f"== A ==\n* First? {SIGNED}\n* boom?\n* Third? [[User:X]]\n")
    assert [q.question for q in result.questions] == ["First?", "Third?"]
    assert [(p.line, p.reason) for p in result.problems] == [(3, "could not read this line (RuntimeError: boom)")]


def test_an_empty_page_has_no_questions():
    assert harvest("") == harvest("\n\n") == type(harvest(""))()


@pytest.mark.parametrize("text, target", [
    ("#REDIRECT [[Conversation Hour 2024 07 11/Questions]]", "Conversation Hour 2024 07 11/Questions"),
    ("  #redirect: [[ Other page |label]]\n\nold text", "Other page"),
    ("#REDIRECT[[Page#Section]]", "Page#Section"),
    ("Text first\n#REDIRECT [[X]]", None),
    ("* A question?", None),
])
def test_redirect_target(text, target):
    assert redirect_target(text) == target


def test_a_redirect_harvests_to_nothing_but_a_notice():
    result = harvest("#REDIRECT [[Elsewhere]]\n== A ==\n* Question? [[User:X]]\n")
    assert result.questions == [] and result.problems == []
    assert "[[Elsewhere]]" in result.notices[0]


def test_nul_bytes_and_lone_surrogates_are_replaced():
    result = harvest("== A ==\n* Bad\x00 text\ud800? [[User:X]]\n")
    assert result.questions[0].question == "Bad\ufffd text\ufffd?"
    assert result.notices == ["2 NUL byte(s) or invalid character(s) replaced by U+FFFD"]


def test_windows_line_ends_are_read():
    assert only(f"== A ==\r\n* Question? {SIGNED}\r\n*: Comment.\r\n").comments == ["Comment."]


@pytest.mark.slow
def test_a_5_mb_page_harvests():
    block = "".join(f"* Question {n}? [[User:User {n % 97}]] {n % 24:02d}:{n % 60:02d}, {n % 28 + 1} July 2024 (UTC)\n"
                    f"*: Comment {n}.\n" for n in range(200))
    text = ("== Topic ==\n" + block) * (5_000_000 // (len(block) + 12))
    result = harvest(text)
    assert len(text) > 4_900_000
    assert result.problems == []
    assert len(result.questions) == 200  # every block repeats the same questions: duplicates


# --- attribute_from_history ------------------------------------------------------------------------

def revision(revid: int, user: str, hour: int, text: str) -> Revision:
    return Revision(revid, user, utc(2024, 7, 1, hour, 0), text)


def test_unsigned_questions_are_attributed_to_the_revision_that_added_them():
    page = f"== A ==\n* Signed? {SIGNED}\n* Unsigned one?\n* Unsigned two?\n* Never saved?\n"
    history = [
        revision(1, "Creator", 8, "== A ==\n"),
        revision(2, "Example Editor", 9, f"== A ==\n* Signed? {SIGNED}\n"),
        revision(3, "Asker One", 10, f"== A ==\n* Signed? {SIGNED}\n* unsigned ONE\n"),
        revision(4, "Asker Two", 11, f"== A ==\n* Signed? {SIGNED}\n* Unsigned one?\n* Unsigned two?\n"),
        revision(5, "Vandal", 12, "== A ==\n* Unsigned one?\n* Unsigned two?\n"),
    ]
    questions = harvest(page).questions
    original = [dataclasses.replace(q) for q in questions]
    attributed = attribute_from_history(questions, history)
    assert [(q.asker, q.askers, q.timestamp) for q in attributed] == [
        ("Example Editor", ["Example Editor"], utc(2024, 7, 2, 9, 14)),
        ("Asker One", ["Asker One"], utc(2024, 7, 1, 10, 0)),
        ("Asker Two", ["Asker Two"], utc(2024, 7, 1, 11, 0)),
        (None, [], None),
    ]
    assert [q.id for q in attributed] == [q.id for q in questions]
    assert all(q.signed is False for q in attributed[1:])
    assert questions == original  # nothing mutated


def test_attribution_stops_reading_history_once_every_question_is_placed(monkeypatch):
    calls = []
    real = bot.harvest.page.harvest
    monkeypatch.setattr(bot.harvest.page, "harvest", lambda text, aliases=None, **kw: calls.append(text) or real(text))
    questions = real("== A ==\n* Unsigned?\n").questions
    history = [revision(n, f"User {n}", n, "== A ==\n* Unsigned?\n") for n in range(1, 6)]
    assert attribute_from_history(questions, history)[0].asker == "User 1"
    assert len(calls) == 1


# --- format_table ------------------------------------------------------------------------------------

def test_format_table(example):
    table = format_table(example.questions).splitlines()
    assert table[0].split() == ["ID", "TOPIC", "ASKER", "TIME", "(UTC)", "QUESTION"]
    assert len(table) == 1 + 13 + 1
    assert table[-1] == "13 questions (1 follow-up)"
    first = table[1]
    assert first.startswith(example.questions[0].id)
    assert "Trust and Safety" in first and "Example Editor" in first and "2024-07-02 09:14" in first
    assert first.endswith("...") and len(first.split("  ")[-1]) <= 60
    assert "↳ Follow up question" in table[6]
    assert "What would you have done differently" in table[13] and "\n" not in table[13]


def test_format_table_shows_unsigned_questions_and_strips_control_characters():
    table = format_table(harvest("== A ==\n* Evil \x1b[31mred\x1b[0m question?\n").questions)
    assert "\x1b" not in table
    assert "(unsigned)" in table
    assert table.splitlines()[-1] == "1 question"



# --- Signatures inside the question, blocks spanning lines (issue 11 review) -----------

def test_a_table_in_a_reply_is_one_comment_not_a_bullet_question():
    """A table's lines are one line: its ``* b`` cell line is no bullet question of its own (and
    a code block under a topic's bullets, outside a post, is still layout: no question, no problem)."""
    page = (f"== T ==\n* Why is X? {SIGNED}\n:{{| class=wikitable\n|-\n| a\n* b\n|}}\n"
            f"* Why is Y? {SIGNED.replace('09:14', '09:15')}\n<pre>\n* not a bullet\n</pre>\n")
    result = harvest(page)
    assert [q.question for q in result.questions] == ["Why is X?", "Why is Y?"]
    assert result.questions[0].comments == ["{| class=wikitable\n|-\n| a\n* b\n|}"]
    assert result.problems == []


def test_a_post_title_loses_only_its_askers_links():
    """The asker's user link goes from a post's title; another user's, named in it, stays."""
    asked = only(f"== Question from [[User:Example Editor|Example Editor]] to [[User:Other Person|Other]] ==\n"
                 f"What did you mean? {SIGNED}\n")
    assert asked.title == "Question from to [[User:Other Person|Other]]"
    assert asked.question == "What did you mean?"


@pytest.mark.slow  # a linear-time check at size (the fast lane leaves it out)
def test_reading_the_signatures_inside_a_line_is_linear():
    """A line holding thousands of signatures (one asker re-signing, or a flood) is read in one
    pass: ten times the signatures take about ten times as long, never a hundred."""
    def line(count: int) -> str:
        parts = [f"Q{number}? [[User:Example Editor|E]] {number % 24:02d}:{number % 60:02d}, 2 July 2024 (UTC)"
                 for number in range(count)]
        return "== T ==\n* " + " ".join(parts) + "\n"

    def seconds(text: str) -> float:
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            result = harvest(text)
            best = min(best, time.process_time() - start)
        assert [q.asker for q in result.questions] == ["Example Editor"]
        assert "Example Editor" not in result.questions[0].question and "(UTC)" not in result.questions[0].question
        return best

    small, large = seconds(line(300)), seconds(line(3000))
    assert large < 30 * max(small, 0.002), (small, large)
