"""Attack: on the session page, a community member deletes the notes' begin
marker and edits one line of the notes.

The bot's notes were found by its markers, or as it wrote them in its own
last revision (``bot.publish.pagetext.own_part``); with the begin marker
gone and a line edited neither finds them, and the next publish wrote a
second copy of the notes above the old one, which stayed (the same
``<span id="q-…">`` anchors twice on the page)."""

from __future__ import annotations

import pytest
from test_attack_notes_markers import BEGIN, DAY, END, published, republish

from bot.publish.pagetext import set_own_part, wrap_own

EDITED = "We will publish the plan in July."


@pytest.mark.wiki
def test_a_deleted_begin_marker_and_an_edited_line_give_one_copy_of_the_notes(wiki, tmp_path):
    s = published(wiki, tmp_path)
    page = s.member.text(s.session(DAY))
    assert page.count(BEGIN) == 1 and "We will publish it soon." in page
    s.member.edit(s.session(DAY), page.replace(BEGIN, "").replace("We will publish it soon.", EDITED)
                  + "\nA comment.\n", "A comment")
    text = republish(s)
    assert "A comment." in text
    assert text.count("What is the plan for the grants?") == 1, f"the notes are on the page twice:\n{text}"
    assert EDITED not in text and text.count(BEGIN) == 1 and text.count(END) == 1, text


@pytest.mark.parametrize("kept", [0, 1])
def test_an_end_marker_alone_takes_no_more_than_the_bots_lines(kept):
    old = "=== Grants ===\n* Question one?\n: Maggie: Answer one.\n* Question two?\n: Maggie: Answer two."
    lines = old.split("\n")
    volunteer = "A volunteer's intro, please keep.\n"
    edited = "\n".join(lines[:kept] + [l + " (edited)" for l in lines[kept:kept + 1]] + lines[kept + 1:])
    page = volunteer + wrap_own(edited).removeprefix(BEGIN).lstrip("\n") + "\nA comment.\n"
    out = set_own_part(page, "=== Grants ===\n* Question one?\n: Maggie: New answer.", previous=old)
    assert out.startswith(volunteer) and out.endswith("\nA comment.\n"), out
    assert out.count("Question one?") == 1 and out.count(BEGIN) == 1, out
    # An edited line among the bot's is the bot's; one above all of them may be anyone's: kept.
    assert ("(edited)" in out) == (kept == 0), out


def test_a_copy_of_the_notes_first_line_above_takes_nothing_between():
    old = "=== Grants ===\n* Question one?\n: Maggie: Answer one."
    page = "=== Grants ===\nA volunteer's summary, please keep.\n" + old.replace("one.", "one (edited).") + "\n" + END
    out = set_own_part(page, "=== Grants ===\n* Question one?\n: Maggie: New answer.", previous=old)
    assert "A volunteer's summary, please keep." in out and out.count("Question one?") == 1, out
