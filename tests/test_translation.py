"""Translatable notes on the real local wiki: a republish keeps every unit
marker a translation administrator's marking gave the notes.

The local wiki has no Translate extension: the admin puts the markers into
the page as Translate's marking leaves them (``translate_marking.mark``).
"""

from __future__ import annotations

import pytest

from scenario import ProxiedScenario, Scenario
from test_publish import ANSWERS, DAY
from translate_marking import MARKER, mark, named

LATE = "good committee member"
EDITED = ("Maggie: Advance planning is helpful.", "Maggie: Advance planning is always helpful.")
SWAPPED = ("wasted your time", "edited Draft Charter")
DELETED = "Board candidates were asked"


def notes_of(s: Scenario, text: str) -> str:
    """The notes part of the page: the Notes section, or the notes page."""
    return text.split("== Notes ==", 1)[1] if s.style == "conversation-hour-2024" else text


def draft_edits(text: str) -> str:
    """As staff: a late answer, an edited answer, two questions swapped, one deleted."""
    lines = text.split("\n")
    blocks: list[list[str]] = []
    for line in lines:
        if line.startswith("*") or not blocks or not line.startswith(":"):
            blocks.append([line])
        else:
            blocks[-1].append(line)

    def find(needle: str) -> int:
        [k] = [k for k, b in enumerate(blocks) if b[0].startswith("*") and needle in b[0]]
        return k

    blocks[find(LATE)].append(": Maggie: Listen first, then ask.")
    k = next(k for k, b in enumerate(blocks) if ": " + EDITED[0] in b)
    blocks[k] = [line.replace(EDITED[0], EDITED[1]) for line in blocks[k]]
    a, b = find(SWAPPED[0]), find(SWAPPED[1])
    blocks[a], blocks[b] = blocks[b], blocks[a]
    del blocks[find(DELETED)]
    return "\n".join(line for block in blocks for line in block)


@pytest.mark.parametrize("style", ["conversation-hour-2024", "office-hours-2022"])
def test_a_republish_keeps_every_units_marker(wiki, tmp_path, style):
    s = Scenario(wiki, tmp_path, style=style, series_extra={"translate": True})
    s.post_example_questions(DAY)
    s.run_ok("harvest", "--session", DAY, "--to-draft", "-always")
    s.answer(DAY, {k: v for k, v in ANSWERS.items() if k != LATE})
    s.run_ok("publish", DAY, "-always")

    # The translation administrator marks the page for translation.
    published = s.reader.text(s.notes(DAY))
    s.admin.edit(s.notes(DAY), mark(published), "Marked this version for translation")
    marked = s.reader.text(s.notes(DAY))
    before = named(notes_of(s, marked))
    assert len(before) >= 25, marked
    by_line = {line: number for number, (_, line) in before.items()}

    draft = s.staff.text(s.draft(DAY))
    s.staff.edit(s.draft(DAY), draft_edits(draft), "A late answer, a correction, a new order")
    simulated = s.run_ok("publish", DAY, "-simulate").stdout
    s.run_ok("publish", DAY, "-always")
    after_text = s.reader.text(s.notes(DAY))
    after = named(notes_of(s, after_text))

    # No marker added, none duplicated (named() checks), none moved to another unit.
    assert set(after) <= set(before)
    for number, (owner, line) in after.items():
        assert owner == before[number][0], f"marker {number} moved from {before[number]} to {(owner, line)}"
    # Every surviving unit kept its marker; the deleted question's units took theirs away.
    deleted_id = next(owner for owner, line in before.values() if DELETED in line)
    gone = {n for n, (owner, _) in before.items() if owner == deleted_id}
    assert gone and set(after) == set(before) - gone
    assert not any(DELETED in line for _, line in after.values())
    # The edited answer kept its marker (its translations now outdated); the late answer has none.
    [edited] = [n for n, (_, line) in before.items() if EDITED[0] in line]
    assert EDITED[1] in after[edited][1]
    assert "Listen first, then ask." in after_text
    assert not any("Listen first, then ask." in line for _, line in after.values())
    # The moved units (the written question answered late, the swapped pair) are where they belong.
    for needle in (LATE, *SWAPPED):
        [number] = [n for n, (_, line) in before.items() if needle in line and "<span id=" in line]
        assert needle in after[number][1]
    # Each unchanged unit is byte for byte as marked.
    for line in after_text.split("\n"):
        if MARKER.search(line) and line in by_line:
            assert by_line[line] in MARKER.findall(line)

    # The -simulate diff shows only real changes: no line changed in its markers alone
    # (a moved line is removed and added as it was).
    removed = [l[1:] for l in simulated.splitlines() if l.startswith("-") and not l.startswith("---")]
    added = [l[1:] for l in simulated.splitlines() if l.startswith("+") and not l.startswith("+++")]
    assert removed and added
    bare_removed = {MARKER.sub("", l).replace("<translate> ", "<translate>"): l for l in removed}
    for line in added:
        bare = MARKER.sub("", line).replace("<translate> ", "<translate>")
        assert bare_removed.get(bare, line) == line, f"only its markers changed: {bare_removed[bare]!r} -> {line!r}"

    # A second republish changes nothing; nor does one after the next marking.
    edits = len(s.bot_edits())
    again = s.run_ok("publish", DAY, "-always")
    assert len(s.bot_edits()) == edits, again.stdout
    s.admin.edit(s.notes(DAY), mark(after_text), "Marked this version for translation")
    remarked = s.reader.text(s.notes(DAY))
    assert len(named(notes_of(s, remarked))) == len(after) + 1  # the late answer's unit
    s.run_ok("publish", DAY, "-always")
    assert len(s.bot_edits()) == edits
    assert s.reader.text(s.notes(DAY)) == remarked


def test_a_marking_between_read_and_write_is_kept(wiki, tmp_path, proxy):
    """The translation administrator marks the notes after the bot read them
    and just before its save of the republish reaches the wiki (through the
    proxy): the edit conflict's recompute keeps every marker, on the same units."""
    s = ProxiedScenario(wiki, tmp_path, proxy=proxy, series_extra={"translate": True})
    s.post_example_questions(DAY)
    s.run_ok("harvest", "--session", DAY, "--to-draft", "-always")
    s.answer(DAY, {k: v for k, v in ANSWERS.items() if k != LATE})
    s.run_ok("publish", DAY, "-always")
    draft = s.staff.text(s.draft(DAY))
    s.staff.edit(s.draft(DAY), draft_edits(draft), "A late answer, a correction, a new order")
    marked = []

    def mark_now() -> None:
        current = s.admin.text(s.session(DAY))
        marked.append(named(notes_of(s, mark(current))))
        s.admin.edit(s.session(DAY), mark(current), "Marked this version for translation")

    hook = s.when_saving(s.session(DAY), mark_now)
    s.run_ok("publish", DAY, "-always")
    assert hook.done, hook
    [before] = marked
    after = named(notes_of(s, s.reader.text(s.session(DAY))))
    assert EDITED[1] in s.reader.text(s.session(DAY))  # the republish was saved
    deleted_id = next(owner for owner, line in before.values() if DELETED in line)
    assert set(after) == {n for n, (owner, _) in before.items() if owner != deleted_id}
    assert all(after[n][0] == before[n][0] for n in after)
