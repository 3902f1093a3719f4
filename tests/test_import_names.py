"""Names out of imported chats (bot/harvest/channels/anonymous.py): the names people give
themselves, first names that are also words, and matching in one pass (pure: no wiki)."""

from __future__ import annotations

import time

import pytest

from bot.harvest.channels import pick_questions
from bot.harvest.channels.anonymous import MENTION, Names, self_named
from bot.harvest.channels.base import Message


def chat(*lines: tuple[str, str]) -> list[Message]:
    """A Zoom chat of (sender, text), one message every ten minutes (never joined into one question)."""
    return [Message("zoom", "chat.txt", f"line {n}", who, f"{n}", text, seconds=600.0 * n, names=(who,))
            for n, (who, text) in enumerate(lines, start=1)]


def questions(*lines: tuple[str, str]) -> list[str]:
    return [q.question for q in pick_questions(chat(*lines)).questions]


@pytest.mark.parametrize("text, handle", [
    ("Hi, I'm JaneDoe on wiki. Why is the appeal closed?", "JaneDoe"),
    ("I am Jane Doe on Meta: why is the appeal closed?", "Jane Doe"),
    ("I edit as Zz99 on enwiki, why is the appeal closed?", "Zz99"),
    ("my username is jane_doe1; why is the appeal closed?", "jane_doe1"),
    ("My wiki user name: QuietEditor. Why is the appeal closed?", "QuietEditor"),
    ("Mein Benutzername ist Kl_aus. Warum ist der Einspruch geschlossen?", "Kl_aus"),
    ("Je suis Marie_L sur Wikipédia : pourquoi l'appel est-il clos ?", "Marie_L"),
    ("Mi nombre de usuario es PedroSan, ¿por qué se cerró la apelación?", "PedroSan"),
    ("Meu usuário é Joao_P, por que a apelação foi fechada?", "Joao_P"),
    ("Soy AnaLuz en Wikipedia, ¿por qué se cerró?", "AnaLuz"),
])
def test_a_handle_a_sender_gives_themselves_is_not_kept(text, handle):
    got = questions(("Sam Lee", text), ("Sam Lee", f"Also, could {handle} be unblocked?"))
    assert len(got) == 2, got
    for question in got:
        assert handle not in question and handle.split()[0] not in question, question
    assert MENTION in got[0] and MENTION in got[1]  # the other message of the file too


@pytest.mark.parametrize("text", [
    "I'm new on wiki, how do I appeal?", "I'm not on wiki yet: can I still ask?", "my account is blocked, why?",
    "my username is the same as here, is that a problem?", "I am also on Commons: will it apply there?",
])
def test_words_after_i_am_or_my_account_are_no_handle(text):
    assert self_named(text) == []
    assert questions(("Sam Lee", text)) == [f"{text} (from the live chat)"]


def test_a_participants_first_name_that_is_a_word_goes_where_it_is_a_name():
    got = questions(("Grace Mwangi", "Thanks Grace! When does the grace period end?"),
                    ("Lukas Brenner", "I agree with Grace, but what is the Grace period for admins?"),
                    ("Lukas Brenner", "Grace asked about this earlier: is there an answer?"),
                    ("Lukas Brenner", "Grace, do you know whether @Grace got an answer?"),
                    ("Lukas Brenner", "Grace period: how long is it?"),
                    ("Lukas Brenner", "GRACE PERIOD? is it over?"))
    assert got[0] == f"Thanks {MENTION}! When does the grace period end? (from the live chat)"
    assert got[1] == f"I agree with {MENTION}, but what is the {MENTION} period for admins? (from the live chat)"
    assert got[2].startswith(f"{MENTION} asked about this earlier")
    assert "Grace" not in got[3]
    assert got[4] == "Grace period: how long is it? (from the live chat)"
    assert got[5].startswith("GRACE PERIOD?")


def test_a_first_name_that_is_a_word_is_a_word_when_nobody_is_called_so():
    got = questions(("Lukas Brenner", "Thanks Grace! Will the board say when the grace period ends?"),
                    ("Will Turner", "Will the board say when Will can appeal?"))
    assert got[0] == "Thanks Grace! Will the board say when the grace period ends? (from the live chat)"
    assert got[1] == f"Will the board say when {MENTION} can appeal? (from the live chat)"


@pytest.mark.parametrize("people, text, expected", [
    (["Piotr Nowak"], "Czy Piotra Nowaka zapytano?", f"Czy {MENTION} zapytano?"),
    (["Tomás Ibarra"], "Where is Tomas? And tomás?", f"Where is {MENTION}? And tomás?"),  # a word: capitalised
    (["Doe, Jane (she/her)"], "Ask Jane Doe or doe, jane (she/her) here", f"Ask {MENTION} or {MENTION} here"),
    (["Michał Ząb"], "Michal Zab said so", f"{MENTION} said so"),
    (["李伟"], "李伟说的对吗?", f"{MENTION}说的对吗?"),
    (["@JaneDoe"], "as jane said and @JaneDoe", f"as jane said and {MENTION}"),
    (["Jan van der Berg"], "Jan van der Berg asked", f"{MENTION} asked"),
])
def test_name_forms_in_one_pass(people, text, expected):
    assert Names(people).anonymise(text) == expected


@pytest.mark.slow  # a linear-time check at size (the fast lane leaves it out)
def test_names_are_matched_in_linear_time():
    """Ten times the messages (and senders) takes about ten times as long, not a hundred: one
    pass over the words, not one expression of every name over every message."""
    syllables = ["ka", "lo", "mi", "ne", "su", "ra", "ti", "vo", "ze", "bu", "da", "fe", "go", "hi", "ju"]

    def name(k: int) -> str:
        return "".join(syllables[(k // 15 ** d) % 15] for d in range(3)).title()

    def run(n: int) -> float:
        messages = chat(*[(f"{name(k % (n // 10))} {name(k * 7 + 3)}", f"Question {k} for {name(k % 11)} here?")
                          for k in range(n)])
        start = time.process_time()
        pick_questions(messages)
        return time.process_time() - start
    small = min(run(300) for _ in range(3))
    large = min(run(3000) for _ in range(2))
    assert large / max(small, 1e-3) < 25, (small, large)  # loose: quadratic would be ~100
