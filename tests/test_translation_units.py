"""The translation units of the notes and the markers kept on them, offline."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.compile import keep_markers, load_templates, parse_draft, render_notes
from bot.compile.translation import markers, split_markup, translatable_template, units
from test_compile import marker, session
from translate_marking import mark

CASES = Path(__file__).resolve().parent / "data" / "translation"


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir()))
def test_markers_carried_as_translate_wrote_them(case):
    """Each case: the page as marked (current), the notes rendered anew
    (rendered), and what the bot must save (expected)."""
    current, rendered, expected = ((CASES / case / f"{name}.wiki").read_text() for name in
                                   ("current", "rendered", "expected"))
    assert keep_markers(current, rendered) == expected
    assert keep_markers(expected, rendered) == expected  # a second republish changes nothing


def test_units_are_found_in_every_form_translate_writes():
    text = (CASES / "forms" / "current.wiki").read_text()
    found = [(u.role, u.marker, u.text) for u in units(text)]
    assert found == [
        ("t", "1", 'The meeting took place on <tvar name="date"></tvar>.'),
        ("h", "2", "== Questions == Asked before the call."),
        ("h", "3", "Trust and Safety"),
        ("q", "4", "Why?"),
        ("a", "5", "Maggie: Because."),
        ("a", "6", '<tvar name="link"></tvar> has more.'),
    ]


def test_without_markers_on_the_page_the_rendered_notes_are_saved_as_they_are():
    rendered = (CASES / "forms" / "rendered.wiki").read_text()
    assert keep_markers("", rendered) == rendered
    assert keep_markers(rendered, rendered) == rendered


def test_a_marker_the_rendered_text_brings_is_dropped():
    assert keep_markers("", "<translate><!--T:9--> Hello</translate> <!-- T:8 -->") == "<translate>Hello</translate>"


def test_a_gone_question_takes_its_markers_away_and_no_other_unit_gets_them():
    old = mark('* <span id="q-1"></span><translate>A?</translate>\n: <translate>Yes.</translate>\n'
               '* <span id="q-2"></span><translate>B?</translate>\n: <translate>No.</translate>')
    new = keep_markers(old, '* <span id="q-2"></span><translate>B?</translate>\n: <translate>No.</translate>\n'
                            '* <span id="q-3"></span><translate>C?</translate>\n: <translate>Yes.</translate>')
    assert new == ('* <span id="q-2"></span><translate><!--T:3--> B?</translate>\n: <translate><!--T:4--> No.</translate>\n'
                   '* <span id="q-3"></span><translate>C?</translate>\n: <translate>Yes.</translate>')


# -- the units the notes are written in ---------------------------------------------------

DRAFT = ("{{Conversation hour draft|status=ready}}\n== Topic ==\n" + marker(1) + "Q? <translate>x</translate>\n"
         ': Maggie: <translate>The slides are on <tvar name="1">[[Commons:File:CRS.pdf|Commons]]</tvar>.</translate>'
         " <translate nowrap>See you.</translate> {{subst:x}}\n: A second paragraph.\n" + marker(2) + "R?")


def test_each_question_answer_and_heading_is_a_unit_of_its_own():
    notes = render_notes(parse_draft(DRAFT), session(), load_templates("conversation-hour-2024"), translate=True)
    roles = [(u.role, u.text) for u in units(notes.text)]
    assert roles == [
        ("q", "Q? <nowiki><translate>x</translate></nowiki>"),  # the community's markup is shown as text
        ("a", 'The slides are on <tvar name="1"></tvar>.'),        # staff's own units are kept
        ("a", "See you."),
        ("a", "A second paragraph."),
        ("h", "To be answered in writing"),
        ("q", "R?"),
    ]
    assert (': Maggie: <translate>The slides are on <tvar name="1">[[Commons:File:CRS.pdf|Commons]]</tvar>.'
            '</translate> <translate nowrap>See you.</translate> <nowiki>{{subst:x}}</nowiki>') in notes.text
    assert "=== <translate>To be answered in writing</translate> ===" in notes.text


def test_the_fixed_text_of_the_notes_is_a_unit_a_sentence():
    notes = render_notes(parse_draft(DRAFT), session("office-hours-2022"), load_templates("office-hours-2022"),
                         translate=True)
    fixed = [u.text for u in units(notes.text) if u.role == "t"]
    assert fixed[:3] == [
        "The Community Resilience & Sustainability (CR&S) team at the Wikimedia Foundation hosted a conversation "
        'meeting led by <tvar name="host"></tvar>, <tvar name="host_title"></tvar>.',
        'Topics within scope for this call included <tvar name="topics"></tvar>.',
        'The meeting took place on <tvar name="date"></tvar> at <tvar name="time"></tvar>.',
    ]
    assert "I won't compromise on this." in fixed and len(fixed) == 9
    assert '<tvar name="date">11 July 2024</tvar>' in notes.text
    assert notes.text.startswith("<languages/>\n{{Conversation hour navigation|")
    plain = render_notes(parse_draft(DRAFT), session("office-hours-2022"), load_templates("office-hours-2022"))
    assert "<translate>The meeting" not in plain.text and "<languages/>" not in plain.text
    assert "<nowiki><translate nowrap>See you.</translate></nowiki>" in plain.text  # markup only when translating


def test_staffs_own_markup_in_a_template_is_kept():
    template = "<translate>Our own unit.</translate> More text.\n{{{questions}}}"
    assert translatable_template(template) == template
    assert translatable_template("== Fixed heading ==\n{{{x}}}\n{{Nav|a={{{a}}}}}") == (
        "== <translate>Fixed heading</translate> ==\n{{{x}}}\n{{Nav|a={{{a}}}}}")


def test_markup_that_does_not_nest_is_no_markup():
    assert split_markup("a <translate>b") == [("a <translate>b", False)]
    assert split_markup("<tvar name=x>a</tvar>") == [("<tvar name=x>a</tvar>", False)]
    assert split_markup("<translate><translate>a</translate></translate>")[0][1] is False
    assert [kept for _, kept in split_markup("<translate>a <tvar name=x>b</tvar></translate>")] == [
        True, False, True, False, True, True]


def test_markers_lists_every_number_in_order():
    assert markers("<!--T:2--> a <!-- T:10 --> b <!--T:2-->") == ["2", "10", "2"]


# -- which answer a marker stays on ------------------------------------------------------

def question(qid: str, answers: list[str]) -> str:
    return "\n".join([f'* <span id="q-{qid}"></span><translate>Why {qid}?</translate>',
                      *[f": <translate>{answer}</translate>" for answer in answers]])


def republished(old: str, new: str) -> tuple[dict[str, str], dict[str, str]]:
    """The text of each marked unit → its marker, before (as Translate marks
    ``old``) and after the bot writes ``new`` over it."""
    marked = mark(old)
    kept = keep_markers(marked, new)
    assert keep_markers(kept, new) == kept  # a second republish changes nothing
    return _by_text(marked), _by_text(kept)


def _by_text(text: str) -> dict[str, str]:
    out = {}
    for unit in units(text):
        if unit.marker is not None:
            assert unit.text not in out
            out[unit.text] = unit.marker
    assert sorted(out.values()) == sorted(markers(text))  # none twice
    return out


def test_an_answer_added_first_does_not_take_the_marker_of_the_answer_edited_after_it():
    before, after = republished(question("1", ["Maggie: Because A.", "Maggie: And B."]),
                                question("1", ["Maggie: New first.", "Maggie: Because A, really.", "Maggie: And B."]))
    assert after == {"Why 1?": before["Why 1?"], "Maggie: Because A, really.": before["Maggie: Because A."],
                     "Maggie: And B.": before["Maggie: And B."]}


@pytest.mark.parametrize("speaker", ["Maggie: ", "'''Maggie:''' ", "''Maggie'': ", "Maggie Dennis — "])
@pytest.mark.parametrize("place", [0, 1, 2, 3])
def test_an_inserted_answer_gets_no_marker_wherever_it_is(speaker, place):
    answers = [speaker + text for text in ("Yes.", "No.", "We plan to.")]
    edited = [speaker + "Yes, we did.", speaker + "No.", speaker + "We plan to, later."]
    edited.insert(place, speaker + "First, thanks.")
    before, after = republished(question("1", answers), question("1", edited))
    assert after == {"Why 1?": before["Why 1?"], speaker + "Yes, we did.": before[speaker + "Yes."],
                     speaker + "No.": before[speaker + "No."],
                     speaker + "We plan to, later.": before[speaker + "We plan to."]}


def test_a_deleted_answer_takes_its_marker_away():
    before, after = republished(question("1", ["Maggie: Yes.", "Maggie: No.", "Maggie: We plan to."]),
                                question("1", ["Maggie: Yes.", "Maggie: We plan to, later."]))
    assert after == {"Why 1?": before["Why 1?"], "Maggie: Yes.": before["Maggie: Yes."],
                     "Maggie: We plan to, later.": before["Maggie: We plan to."]}


def test_two_answers_swapped_keep_their_markers_by_text_and_edited_ones_never_take_each_others():
    old = question("1", ["Maggie: The committee meets monthly.", "Kaarel: The vote is in May."])
    before, after = republished(old, question("1", ["Kaarel: The vote is in May.",
                                                    "Maggie: The committee meets monthly."]))
    assert after == before
    before, after = republished(old, question("1", ["Kaarel: The vote is in June.",
                                                    "Maggie: The committee meets weekly."]))
    assert after.get("Kaarel: The vote is in June.") in (None, before["Kaarel: The vote is in May."])
    assert after.get("Maggie: The committee meets weekly.") in (None, before["Maggie: The committee meets monthly."])
    assert len(after) == 2  # the question and one of the two: the order is kept, no two pairs cross


def test_short_answers_by_one_speaker_keep_their_markers_by_place_only_when_nothing_was_added():
    old = question("1", ["Maggie: Yes.", "Maggie: No.", "Maggie: Maybe."])
    before, after = republished(old, question("1", ["Maggie: Yes.", "Maggie: Not yet.", "Maggie: Maybe."]))
    assert after["Maggie: Not yet."] == before["Maggie: No."]  # the same place, close enough
    before, after = republished(old, question("1", ["Maggie: Yes.", "Maggie: Ask Kaarel.", "Maggie: Maybe."]))
    assert "Maggie: Ask Kaarel." not in after and before["Maggie: No."] not in after.values()  # another answer
    before, after = republished(old, question("1", ["Maggie: Sure.", "Maggie: Yes.", "Maggie: Not yet.",
                                                    "Maggie: Maybe."]))
    assert after == {"Why 1?": before["Why 1?"], "Maggie: Yes.": before["Maggie: Yes."],
                     "Maggie: Maybe.": before["Maggie: Maybe."]}  # a place is no longer the same answer


def test_an_answer_split_in_two_keeps_its_marker_on_one_of_them():
    before, after = republished(
        question("1", ["Maggie: The slides are on Commons. The recording follows next week, with captions."]),
        question("1", ["Maggie: The slides are on Commons.",
                       "Maggie: The recording follows next week, with captions."]))
    assert after == {"Why 1?": before["Why 1?"], "Maggie: The recording follows next week, with captions.":
                     before["Maggie: The slides are on Commons. The recording follows next week, with captions."]}


def test_two_answers_merged_keep_the_marker_of_the_one_most_alike():
    before, after = republished(
        question("1", ["Maggie: The slides are on Commons.",
                       "Maggie: The recording follows next week, with captions."]),
        question("1", ["Maggie: The slides are on Commons, and the recording follows next week, with captions."]))
    assert after == {"Why 1?": before["Why 1?"], "Maggie: The slides are on Commons, and the recording follows next "
                     "week, with captions.": before["Maggie: The recording follows next week, with captions."]}


def test_a_renamed_heading_keeps_its_marker_and_a_new_one_gets_none():
    section = "== <translate>{}</translate> ==\n" + question("1", ["Maggie: Yes."])
    other = "\n\n== <translate>{}</translate> ==\n" + question("2", ["Maggie: No."])
    before, after = republished(section.format("Trust and Safety") + other.format("Other"),
                                section.format("Trust and Safety reports") + other.format("Human rights"))
    assert after["Trust and Safety reports"] == before["Trust and Safety"]
    assert "Human rights" not in after and before["Other"] not in after.values()


def test_a_question_moved_to_another_topic_keeps_its_markers_and_its_answers():
    old = ("== <translate>Other</translate> ==\n" + question("1", ["Maggie: Yes.", "Kaarel: We plan to."]) +
           "\n\n== <translate>Human rights</translate> ==\n" + question("2", ["Maggie: No."]))
    new = ("== <translate>Other</translate> ==\n" + "\n\n== <translate>Human rights</translate> ==\n" +
           question("2", ["Maggie: No."]) + "\n" + question("1", ["Maggie: Yes.", "Kaarel: We plan to, in May."]))
    before, after = republished(old, new)
    assert after == {**{k: v for k, v in before.items() if k != "Kaarel: We plan to."},
                     "Kaarel: We plan to, in May.": before["Kaarel: We plan to."]}


def test_answers_of_another_question_never_take_a_marker():
    before, after = republished(question("1", ["Maggie: Yes, we plan to."]) + "\n" + question("2", []),
                                question("1", []) + "\n" + question("2", ["Maggie: Yes, we plan to."]))
    assert after == {"Why 1?": before["Why 1?"], "Why 2?": before["Why 2?"]}
