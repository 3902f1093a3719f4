"""Anonymising keeps the sentence (issue 22, kind 5): a link to the asker's own pages inside
a sentence loses the link, not its words; no trace of the signature (a symbol, a dash, an
empty wrapper) is left, and neither is the name.  Pure: no wiki."""

from __future__ import annotations

import pytest

from bot.compile.draft_writer import linked_users
from bot.harvest import harvest

S = "12:05, 9 March 2025 (UTC)"
SIG = f"[[User:Ann Example|Ann Example]] {S}"


@pytest.mark.parametrize("written, kept", [
    ("Can staff write on my [[User talk:Ann Example|talk page]]?", "Can staff write on my talk page?"),
    ("Can staff write on my [[User talk:Ann_Example#Appeal|talk page]] instead?",
     "Can staff write on my talk page instead?"),
    ("I asked on [[User talk:Ann Example|my talk page]] and [[Special:Contributions/Ann Example|my edits]] "
     "show it. Why no answer?", "I asked on my talk page and my edits show it. Why no answer?"),
    ("See [[User:Ann Example/Draft|my draft]]: is it fine?", "See my draft: is it fine?"),
    ("Is it fine to keep notes, [[User:Ann Example/Notes|like these]], on a subpage?",
     "Is it fine to keep notes, like these, on a subpage?"),
])
def test_a_link_to_the_askers_pages_in_a_sentence_keeps_its_words(written, kept):
    [question] = harvest(f"== Topic ==\n* {written} {SIG}\n").questions
    assert question.asker == "Ann Example"
    assert question.question == kept
    assert linked_users(question.question) == []


@pytest.mark.parametrize("written", [
    f"Why? ↔ [[User:Ann Example|Ann Example]] {S}",
    f"Why? ★ [[User:Ann Example|Ann Example]] ★ {S}",
    f"Why? ✉ [[User talk:Ann Example|Ann]] {S}",
    f"Why? <span>—</span>[[User:Ann Example|Ann Example]] {S}",
    f"Why? <span style=\"color:#080\">&mdash;</span> [[User:Ann Example|Ann Example]] {S}",
    f"Why not ask [[User:Ann Example|Ann Example]] instead? {SIG}",
])
def test_no_trace_of_the_signature_nor_the_name_is_left(written):
    [question] = harvest(f"== Topic ==\n* {written}\n").questions
    assert question.asker == "Ann Example"
    assert question.question.startswith("Why")
    assert not any(mark in question.question for mark in ("↔", "★", "✉", "—", "&mdash;", "<span", "Ann"))


def test_a_post_title_keeps_the_words_of_the_askers_link():
    [question] = harvest(f"== Can staff write on my [[User talk:Ann Example|talk page]]? ==\n"
                         f"What is the rule? {SIG}\n").questions
    assert question.title == "Can staff write on my talk page?"


def test_a_signature_without_time_in_the_middle_is_still_cut_whole():
    """The words before ``([[User talk:…|talk]])`` are the name, not a sentence: the run goes."""
    [question] = harvest(f"== Topic ==\n* Why? Ann Example ([[User talk:Ann Example|talk]]) "
                         f"Edit: clarified. {SIG}\n").questions
    assert question.question == "Why? Edit: clarified."


@pytest.mark.parametrize("written, kept", [
    ("I keep [[User:Ann Example/Notes|notes]] there. Is that allowed?", "I keep notes there. Is that allowed?"),
    ("Is my [[User:Ann Example/sandbox|sandbox]] draft fine?", "Is my sandbox draft fine?"),
    ("Can I move my [[Benutzerin:Ann Example/Entwurf|Entwurf]] to the main space?",
     "Can I move my Entwurf to the main space?"),
])
def test_a_one_word_link_to_the_askers_subpage_inside_a_sentence_keeps_its_word(written, kept):
    """One word is how a signature labels its links, but a link to a subpage followed by more of
    the sentence is part of it: its word stays, the link goes."""
    [question] = harvest(f"== Topic ==\n* {written} {SIG}\n").questions
    assert question.asker == "Ann Example"
    assert question.question == kept


def test_a_signature_linking_a_subpage_is_still_cut():
    [question] = harvest(f"== Topic ==\n* Why? [[User:Ann Example/Sig|Ann]] {S}\n").questions
    assert question.asker == "Ann Example" and question.question == "Why?"
