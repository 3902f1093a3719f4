"""Local changes to shared pages: each touches its own part only, and is idempotent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.publish import pagetext

lines = st.lists(st.sampled_from([
    "Some prose by a community member.", "* a bullet [[User:X|X]]", ":a reply", "",
    "== Other section ==", "=== Sub ===", "{{Some template|a=b}}", "<!-- hidden -->",
    "Text with ünïcödé and עברית", "----",
]), max_size=12).map("\n".join)


@settings(max_examples=150, deadline=None)
@given(before=lines, after=lines, body=st.sampled_from(["* q\n: A: answer", "nothing yet", "* x\n** y"]))
def test_section_replacement_keeps_the_rest_and_is_idempotent(before, after, body):
    after = re.sub(r"^== Notes ==$", "", after, flags=re.M)
    text = before + "\n== Notes ==\nold notes\n== Next ==\n" + after
    new = pagetext.replace_section_body(text, "Notes", body)
    assert new.startswith(text.split("== Notes ==")[0])
    assert new.endswith("== Next ==\n" + after)
    assert body in new and "old notes" not in new
    assert pagetext.replace_section_body(new, "Notes", body) == new


def test_section_is_added_when_missing():
    assert pagetext.replace_section_body("Intro.\n", "Notes", "* q") == "Intro.\n\n== Notes ==\n* q\n"


def date_key(line: str) -> str | None:
    m = re.search(r"Session (\d{4}-\d\d-\d\d)", line)
    return m[1] if m else None


@settings(max_examples=150, deadline=None)
@given(days=st.lists(st.dates().map(lambda d: d.isoformat()), min_size=0, max_size=8, unique=True),
       new=st.dates().map(lambda d: d.isoformat()), descending=st.booleans())
def test_index_line_is_inserted_once_in_the_existing_order(days, new, descending):
    days = sorted(set(days) - {new}, reverse=descending)
    text = "Intro\n" + "".join(f"* [[Session {d}]]\n" for d in days) + "Footer"
    line = f"* [[Session {new}]] – notes <!-- notesbot:session Session {new} -->"

    def own(l: str) -> bool:
        return f"notesbot:session Session {new} " in l

    once = pagetext.ensure_line(text, line, own=own, order_key=date_key, key=new)
    assert once.count(line) == 1
    assert pagetext.ensure_line(once, line, own=own, order_key=date_key, key=new) == once
    found = [date_key(l) for l in once.split("\n") if date_key(l)]
    if len(days) >= 2:
        assert found == sorted(found, reverse=descending)
    assert once.startswith("Intro") and "Footer" in once


def test_duplicate_own_lines_are_healed_and_other_lines_linking_the_session_kept():
    tag = "<!-- notesbot:session Session 2024-07-11 -->"
    text = (f"* [[Session 2024-07-11]] old {tag}\n* The [[Session 2024-07-11|recording]] is on Commons.\n"
            f"* [[Other]]\n* [[Session 2024-07-11]] old again {tag}\n")
    out = pagetext.ensure_line(text, f"* [[Session 2024-07-11]] new {tag}", own=lambda l: tag in l)
    assert out == (f"* [[Session 2024-07-11]] new {tag}\n* The [[Session 2024-07-11|recording]] is on Commons.\n"
                   "* [[Other]]\n")


NOTES = "* <span id=\"q-1\"></span>Why?\n: Maggie: Because."


@settings(max_examples=150, deadline=None)
@given(before=lines, inside=lines, after=lines)
def test_the_notes_part_changes_and_every_line_around_it_is_kept(before, inside, after):
    """Community text before the notes, a sub-section under them, a note after:
    a republish changes only what is between the bot's markers."""
    after = re.sub(r"^== .* ==$", "", after, flags=re.M)
    before = re.sub(r"^== .* ==$", "", before, flags=re.M)
    page = "Intro\n== Notes ==\nPlaceholder.\n" + after
    first = pagetext.set_section_part(page, "Notes", "old notes", placeholder="Placeholder.")
    assert "Placeholder." not in first and first.endswith("\n" + after)
    edited = first.replace("== Notes ==\n", "== Notes ==\n" + before + "\n", 1) + "\n=== Sub ===\n" + inside
    again = pagetext.set_section_part(edited, "Notes", NOTES, placeholder="Placeholder.")
    assert again == edited.replace("\nold notes\n", "\n" + NOTES + "\n")
    assert pagetext.set_section_part(again, "Notes", NOTES, placeholder="Placeholder.") == again


def test_notes_without_markers_go_above_what_others_wrote():
    page = "== Notes ==\nA volunteer's note.\n== Next ==\nx"
    out = pagetext.set_section_part(page, "Notes", NOTES, placeholder="Placeholder.")
    assert out == f"== Notes ==\n{pagetext.wrap_own(NOTES)}\nA volunteer's note.\n== Next ==\nx"
    empty = pagetext.set_section_part("== Notes ==\n== Next ==\n", "Notes", NOTES)
    assert empty == f"== Notes ==\n{pagetext.wrap_own(NOTES)}\n== Next ==\n"


def test_template_parameters_change_in_place():
    text = "Top text\n{{Conversation hour navigation|previous=A|custom=kept}}\nRest"
    out = pagetext.set_template(text, "conversation hour navigation", {"previous": "A", "next": "B"})
    assert out == "Top text\n{{Conversation hour navigation|previous=A|custom=kept|next=B}}\nRest"
    assert pagetext.set_template(out, "Conversation hour navigation", {"next": "B"}) == out
    assert pagetext.template_params(out, "Conversation_hour_navigation") == {
        "previous": "A", "custom": "kept", "next": "B"}


def test_mark_is_added_once_and_replaced_not_repeated():
    line = "* Why? [[User:X|X]] 10:00, 1 July 2024 (UTC)"
    call = "{{Conversation hour answered|Notes#q-1}}"
    once = pagetext.set_mark(line, "Conversation hour answered", call)
    assert once == line + " " + call
    assert pagetext.set_mark(once, "Conversation hour answered", call) == once
    moved = pagetext.set_mark(once, "Conversation hour answered", "{{Conversation hour answered|Notes#q-1|status=written}}")
    assert moved.count("Conversation hour answered") == 1 and moved.endswith("status=written}}")


def test_a_mark_never_goes_past_the_next_bullet():
    from bot.publish.pagetext import mark_line

    lines = ["* An unsigned question?", "* A signed one? [[User:A|A]] 10:00, 1 July 2024 (UTC)",
             "* Another? [[User:B|B]] 10:01, 1 July 2024 (UTC)"]
    assert mark_line(lines, 0) == 0
    assert mark_line(lines, 1) == 1
    # A signed reply under an unsigned question is someone else's comment (harvest
    # reads it so): the mark stays on the question's own line.
    for reply in (": continued", "*: I agree, good question", "** Same here", "#: +1", ":: me too", ";Note"):
        lines = ["* Why is the sky blue?", f"{reply} [[User:Bob|Bob]] 10:00, 1 July 2024 (UTC)", "* Next"]
        assert mark_line(lines, 0) == 0, reply
    # A follow-up written as a reply over two lines of one depth, signed on its last.
    lines = ["* Q? [[User:A|A]] 10:00, 1 July 2024 (UTC)", "*: And a follow-up", "*: on two lines?"
             " [[User:B|B]] 10:05, 1 July 2024 (UTC)", "*:: A reply [[User:C|C]] 10:06, 1 July 2024 (UTC)"]
    assert mark_line(lines, 1) == 2
    # An unsigned follow-up: not onto the deeper reply under it.
    lines = ["* Q? [[User:A|A]] 10:00, 1 July 2024 (UTC)", "*: And what about X?",
             "*:: A reply [[User:C|C]] 10:06, 1 July 2024 (UTC)"]
    assert mark_line(lines, 1) == 1
    # A question posted as a section: its first signed line.
    lines = ["== My question ==", "Some text", "* point [[User:A|A]] 10:00, 1 July 2024 (UTC)"]
    assert mark_line(lines, 0) == 2


_EXAMPLES = Path(__file__).resolve().parent / "data" / "examples"
_THREADS = """== Trust and Safety ==
* Why is the sky blue?
*: I agree, good question [[User:Bob|Bob]] 10:00, 1 July 2024 (UTC)
* A signed one? [[User:Ann|Ann]] 10:01, 1 July 2024 (UTC)
*: And a follow-up
*: on two lines? [[User:Cy|Cy]] 10:05, 1 July 2024 (UTC)
*:: A reply to it [[User:Dee|Dee]] 10:06, 1 July 2024 (UTC)
# Numbered, unsigned?
#: +1 [[User:Eve|Eve]] 10:07, 1 July 2024 (UTC)
== A question of my own ==
Some context first.

And then the question? [[User:Fay|Fay]] 10:08, 1 July 2024 (UTC)
: A reply [[User:Gus|Gus]] 10:09, 1 July 2024 (UTC)
"""


@pytest.mark.parametrize("name", ["threads", "questions-2024-07-11.wiki"])
def test_every_mark_goes_on_its_own_questions_line_never_on_a_reply(name):
    """As harvest reads the page: a signed question's mark on its asker's
    signature line, an unsigned one's on its own line; never on a line that
    harvest reads as someone else's comment."""
    from bot.config import SeriesConfig
    from bot.harvest import harvest
    from bot.publish.marks import add_marks

    text = _THREADS if name == "threads" else (_EXAMPLES / name).read_text(encoding="utf-8")
    series = SeriesConfig()
    questions = harvest(text).questions
    assert questions
    marked = add_marks(text, {q.id: (f"Notes#{q.id}", False) for q in questions}, series).split("\n")
    for q in questions:
        on = [i for i, line in enumerate(marked) if f"Notes#{q.id}" in line]
        askings = q.lines or [q.line]
        assert len(on) == len(askings), (q.question, on)  # one after each asking of a merged duplicate
        for i in on:
            signed_by_asker = any(f"[[User:{a}" in marked[i].replace("_", " ") for a in q.askers)
            assert signed_by_asker or i + 1 in askings, (q.question, marked[i])
            if not q.askers:
                assert i + 1 in askings, (q.question, marked[i])


@pytest.mark.parametrize("after", ["=== Community sub-section ===\nTheirs.", "== Next ==", "==Tight==\n"])
def test_a_deleted_end_marker_still_keeps_the_next_heading_on_its_own_line(after):
    text = f"Intro.\n{pagetext.NOTES_BEGIN}\nnew notes\n{after}"
    new = pagetext.set_own_part(text, "new notes")
    assert new == f"Intro.\n{pagetext.wrap_own('new notes')}\n{after}"
    # A line the bot does not write now is not provably its own: it stays (issue 25).
    text = f"Intro.\n{pagetext.NOTES_BEGIN}\nold notes\n{after}"
    assert pagetext.set_own_part(text, "new notes") == f"Intro.\n{pagetext.wrap_own('new notes')}\nold notes\n{after}"
    assert pagetext.set_own_part(new, "new notes") == new  # and the next run changes nothing


# -- which marked part is the bot's: its own last revision decides (issue 25) --

BEGIN, END = pagetext.NOTES_BEGIN, pagetext.NOTES_END
OLD = "* <span id=\"q-1\"></span>What is the plan?\n: Maggie: Soon."
NEW = "* <span id=\"q-1\"></span>What is the plan?\n: Maggie: Soon, and in writing."
OTHERS = st.lists(st.sampled_from(["Intro line.", "== Talk ==", "A member's note.", "[[Category:X]]", ""]),
                  max_size=4).map("\n".join)


@given(OTHERS, OTHERS, OTHERS)
def test_a_marker_pair_around_someone_elses_line_takes_nothing(top, middle, bottom):
    forged = f"{BEGIN}\nMy community text, please keep.\n{END}"
    text = f"{top}\n{forged}\n{middle}\n{pagetext.wrap_own(OLD)}\n{bottom}"
    out = pagetext.set_own_part(text, NEW, previous=OLD)
    assert out.count("Maggie") == 1 and NEW in out
    assert forged in out and out.replace(pagetext.wrap_own(NEW), "") == text.replace(pagetext.wrap_own(OLD), "")


@given(OTHERS, OTHERS)
def test_a_deleted_begin_or_end_marker_gives_no_second_copy(before, after):
    for damaged in (f"{OLD}\n{END}", f"{BEGIN}\n{OLD}", OLD):
        text = f"{before}\n{damaged}\n{after}"
        out = pagetext.set_own_part(text, NEW, previous=OLD)
        assert out.count("Maggie") == 1, out
        assert out.startswith(f"{before}\n") and out.endswith(f"\n{after}"), out


def test_the_bots_part_edited_by_someone_is_still_the_bots():
    edited = OLD.replace("Soon.", "Soon (typo fixed).")
    text = f"Intro.\n{pagetext.wrap_own(edited)}\nAfter."
    assert pagetext.set_own_part(text, NEW, previous=OLD) == f"Intro.\n{pagetext.wrap_own(NEW)}\nAfter."
