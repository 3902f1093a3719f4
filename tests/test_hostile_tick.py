"""Issue 25, item 1, on the real wiki: one appended line of unclosed
constructs (20,000 ``<!-- ``, ``{{x|``, ``[[x|`` or ``<span>``) on the
draft, the index, the session page and the questions page does not stall
the tick.  Before bot/wikitext.py, mwparserfromhell's tokenizer made such a
tick take minutes (218 s for 100 KB of ``<!-- `` in the draft), and every
later tick the same.

Measured, not asserted to the second: the tick after the hostile edits is
compared with a tick after a harmless edit of the same size, in the same
run, and must stay within a loose multiple of it; and it must do its work
(the new question harvested) without losing the community's line."""

from __future__ import annotations

import time

import pytest
from scenario import Scenario

pytestmark = pytest.mark.wiki

DAY = "2025-05-15"
CLOCK = "2025-05-10T12:00:00Z"  # collecting: each tick harvests into the draft
UNITS = {"comments": "<!-- ", "templates": "{{x|", "links": "[[x|", "tags": "<span>"}
COUNT = 20_000
SIGNED = "[[User:Hostile Reader|Hostile Reader]] ([[User talk:Hostile Reader|talk]]) 10:0{m}, 3 May 2025 (UTC)"


def timed_tick(s: Scenario) -> float:
    start = time.perf_counter()
    result = s.run("run", "--now", CLOCK, "-always")
    took = time.perf_counter() - start
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return took


@pytest.mark.parametrize("kind", UNITS)
def test_a_tick_after_a_hostile_line_on_every_page_takes_seconds(wiki, tmp_path, kind):
    s = Scenario(wiki, tmp_path)
    s.run_ok("new-session", DAY, "-always")
    questions = s.questions(DAY)
    s.member.append(questions, f"\n== Grants ==\n* What is the plan for the grants? {SIGNED.format(m=1)}\n",
                    "A question")
    timed_tick(s)
    assert "What is the plan for the grants?" in s.reader.text(s.draft(DAY))

    # A harmless line of the same size on each page: the tick's usual cost.
    pages = [s.draft(DAY), s.index, s.session(DAY)]
    for title in pages:
        s.member.append(title, "\n" + "plain " * COUNT + "\n", "A long but harmless line")
    s.member.append(questions, f"\n* Will the travel fund open again? {SIGNED.format(m=2)}\n", "Another")
    usual = timed_tick(s)
    assert "Will the travel fund open again?" in s.reader.text(s.draft(DAY))

    # The same size of unclosed constructs, on every page the tick reads.
    hostile = UNITS[kind] * COUNT
    for title in pages:
        s.member.append(title, "\n" + hostile + "\n", "One more line")
    s.member.append(questions, f"\n* Who reviews the appeals now? {SIGNED.format(m=3)}\n" + hostile + "\n",
                    "And one more")
    took = timed_tick(s)
    print(f"\n{kind}: usual tick {usual:.1f} s, after the hostile lines {took:.1f} s")
    assert took < max(60.0, 8 * usual), f"{kind}: the tick took {took:.0f} s (a usual one {usual:.1f} s)"
    draft = s.reader.text(s.draft(DAY))
    assert "Who reviews the appeals now?" in draft, "the tick did not go on with its work"
    for title in pages:
        assert hostile.rstrip() in s.reader.text(title), f"[[{title}]]: the community's line was lost"
    # And the next tick is no slower: nothing is left half done.
    assert timed_tick(s) < max(60.0, 8 * usual)
