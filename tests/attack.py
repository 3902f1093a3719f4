"""What the attack tests (``tests/test_attack*.py``) share: one community
member's session on the local wiki, and a tick timed as the scheduled job
runs it."""

from __future__ import annotations

import subprocess
import time

from scenario import Scenario

DAY = "2025-05-15"
CLOCK = "2025-05-10T12:00:00Z"
"""Five days before the session: the tick harvests into its draft."""
SIGNED = "[[User:Hostile Reader|Hostile Reader]] ([[User talk:Hostile Reader|talk]]) 10:0{m}, 3 May 2025 (UTC)"


def collecting(wiki, tmp_path) -> Scenario:
    """A new session whose questions page holds one signed question, not yet harvested."""
    s = Scenario(wiki, tmp_path)
    s.run_ok("new-session", DAY, "-always")
    s.member.append(s.questions(DAY), f"\n== Grants ==\n* What is the plan for the grants? {SIGNED.format(m=1)}\n",
                    "Q")
    return s


def timed_tick(s: Scenario) -> tuple[float, subprocess.CompletedProcess]:
    """The seconds one tick took, and what it printed (never a traceback)."""
    start = time.perf_counter()
    result = s.run("run", "--now", CLOCK, "-always", timeout=1200)
    assert "Traceback" not in result.stderr, result.stderr
    return time.perf_counter() - start, result


def tick_after_a_draft_line(wiki, tmp_path, hostile: str) -> tuple[float, float, Scenario]:
    """A usual tick (a harmless line of the same size added to the draft) and
    one after ``hostile`` is appended to the draft, each with a new question
    to harvest: their seconds, and the scenario."""
    s = collecting(wiki, tmp_path)
    timed_tick(s)
    s.member.append(s.draft(DAY), "\n" + "plain " * (len(hostile) // 6) + "\n", "harmless, same size")
    s.member.append(s.questions(DAY), f"\n* Will the travel fund open again? {SIGNED.format(m=2)}\n", "Another")
    usual, _ = timed_tick(s)
    s.member.append(s.draft(DAY), "\n" + hostile + "\n", "One more line")
    s.member.append(s.questions(DAY), f"\n* Who reviews the appeals now? {SIGNED.format(m=3)}\n", "And one more")
    took, _ = timed_tick(s)
    return usual, took, s
