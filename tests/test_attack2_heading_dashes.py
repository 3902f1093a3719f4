"""Attack (held-out): a section heading ending in a run of dashes.

``without_signer`` (bot/harvest/signatures.py) strips a connecting
``from``/``by`` and punctuation off the end of a question's section title
with ``(?:\\s+(?:from|by)|\\s*[-–—:,;·|(]+)*\\s*\\Z``: a run of ``-`` can
be split between the group's repetitions in 2^n ways, and with anything
but a space after the run the regex tries them all.  The time doubles with
each dash: ``harvest`` of ``== Why the plan ----------------------x ==``
(22 dashes) takes 0.9 s, 20 dashes 0.2 s; 40 dashes (a 60-byte heading) would
take days.  One community edit of a heading stops the harvest for good."""

from __future__ import annotations

import time

import pytest
from attack import DAY, SIGNED, collecting, timed_tick

from bot.harvest import harvest



def page(dashes: int) -> str:
    return f"== Why the plan {'-' * dashes}x ==\nWhat is the plan for the grants? {SIGNED.format(m=1)}\n"


def test_harvest_of_a_heading_ending_in_dashes_is_linear():
    start = time.perf_counter()
    harvest(page(12))
    small = time.perf_counter() - start
    start = time.perf_counter()
    harvest(page(24))
    large = time.perf_counter() - start
    assert large < max(0.5, 30 * small), f"12 dashes {small:.3f} s, 24 dashes {large:.1f} s"




@pytest.mark.wiki
def test_a_tick_after_a_heading_of_dashes_takes_seconds(wiki, tmp_path):
    s = collecting(wiki, tmp_path)
    questions = s.questions(DAY)
    usual, _ = timed_tick(s)
    s.member.append(questions, f"\n== Travel {'-' * 27}x ==\nWill the travel fund open again? {SIGNED.format(m=2)}\n",
                    "A question of my own")
    took, result = timed_tick(s)
    print(f"\nusual tick {usual:.1f} s, after a heading of 27 dashes {took:.1f} s\n{result.stderr[-2000:]}")
    assert took < max(15.0, 8 * usual), f"the tick took {took:.0f} s (a usual one {usual:.1f} s)"
    assert "Will the travel fund open again?" in s.reader.text(s.draft(DAY))
