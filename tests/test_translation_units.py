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
