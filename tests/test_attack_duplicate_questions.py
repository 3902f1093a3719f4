"""Attack: many draft questions with the same text and no id marker.
``bot.compile.draft.derived_id`` tries ``attempt`` 0, 1, 2 … until the
candidate is free, so the k-th copy costs k hashes: n copies cost n²/2.
``parse_draft`` of 1,000 lines ``* x`` 0.27 s, of 10,000 (40 KB) 26 s, and
``check_draft`` as much again.  On the wiki, 5,000 lines ``* x`` (20 KB)
appended to the draft by a community member made a tick take 81 s
(1,000 lines: 4.6 s; 0.5 s before)."""

from __future__ import annotations

import time

import pytest
from attack import CLOCK, DAY, SIGNED, collecting, timed_tick

from bot.compile import parse_draft

BOX = "{{Conversation hour draft\n| status = collecting\n}}\n== Grants ==\n"


def test_parse_draft_of_many_identical_questions_is_linear():
    start = time.perf_counter()
    parse_draft(BOX + "\n* x" * 500)
    small = time.perf_counter() - start
    start = time.perf_counter()
    draft = parse_draft(BOX + "\n* x" * 5_000)
    large = time.perf_counter() - start
    assert len({q.id for q in draft.questions}) == 5_000
    assert large < max(1.0, 20 * small), f"500 questions {small:.2f} s, 5,000 questions {large:.1f} s"




@pytest.mark.wiki
def test_a_tick_after_many_identical_lines_in_the_draft_takes_seconds(wiki, tmp_path):
    s = collecting(wiki, tmp_path)
    s.run_ok("run", "--now", CLOCK, "-always")
    s.member.append(s.draft(DAY), "\n* x" * 3_000 + "\n", "Some lines")
    s.member.append(s.questions(DAY), f"\n* Will the travel fund open again? {SIGNED.format(m=2)}\n", "Another")
    took, _ = timed_tick(s)
    assert took < 15, f"the tick took {took:.0f} s"
    assert "Will the travel fund open again?" in s.reader.text(s.draft(DAY))
