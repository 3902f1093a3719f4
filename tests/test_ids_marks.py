"""Marks follow the notes (bot.publish.mark_sync): pure cases."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from bot.harvest import harvest
from bot.harvest.reconcile import Given
from bot.publish.mark_sync import drop_marks, sync_marks

T = "Conversation hour answered"
SIG = "[[User:A|A]] ([[User talk:A|talk]]) 10:00, 2 July 2024 (UTC)"
SIG_B = "[[User:B|B]] ([[User talk:B|talk]]) 10:01, 2 July 2024 (UTC)"


def ids(text):
    return {q.question: q.id for q in harvest(text, {}).questions}


def test_a_question_that_left_the_notes_loses_its_mark_and_only_it():
    text = f"== T ==\n* First question here? {SIG} {{{{{T}|N#q-0000000001}}}}\n* Second one there? {SIG_B}\n"
    assert sync_marks(text, {}, T, {}, notes_page="N") == text.replace(" {{" + T + "|N#q-0000000001}}", "")


def test_a_mark_to_another_sessions_notes_is_left():
    text = f"== T ==\n* First question here? {SIG} {{{{{T}|Other#q-0000000001}}}}\n"
    assert sync_marks(text, {}, T, {}, notes_page="N") == text


def test_status_follows_the_notes():
    text = f"== T ==\n* First question here? {SIG} {{{{{T}|N#q-1}}}}\n"
    qid = ids(text)["First question here?"]
    out = sync_marks(text, {qid: (f"N#{qid}", True)}, T, {}, notes_page="N")
    assert out == f"== T ==\n* First question here? {SIG} {{{{{T}|N#{qid}|status=written}}}}\n"


def test_every_asker_of_a_merged_duplicate_keeps_a_mark():
    text = f"== T ==\n* Same question? {SIG}\n* Same question? {SIG_B}\n"
    qid = ids(text)["Same question?"]
    out = sync_marks(text, {qid: (f"N#{qid}", False)}, T, {}, notes_page="N")
    assert out.count(f"{{{{{T}|N#{qid}}}}}") == 2


def test_a_mark_is_kept_by_the_id_it_names_when_the_harvest_id_changed():
    text = (f"== T ==\n* First question here? {SIG} {{{{{T}|N#q-00000000aa}}}}\n"
            f"* Another question same minute? {SIG}\n")
    given = [Given("q-00000000aa", "First question here?"), Given("q-00000000bb", "Another question same minute?")]
    out = sync_marks(text, {"q-00000000aa": ("N#q-00000000aa", False), "q-00000000bb": ("N#q-00000000bb", True)},
                     T, {}, notes_page="N", given=given)
    assert out == (f"== T ==\n* First question here? {SIG} {{{{{T}|N#q-00000000aa}}}}\n"
                   f"* Another question same minute? {SIG} {{{{{T}|N#q-00000000bb|status=written}}}}\n")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab {}|[]<>=:*'#\n", max_size=30), st.text(alphabet="ab {}|[]<>'", max_size=20))
def test_dropping_a_mark_keeps_every_other_character(before, after):
    line = f"{before} {{{{{T}|N#q-0000000001}}}}{after}"
    out = drop_marks(line, T, "N")
    if out != line:
        assert out == f"{before}{after}"
