"""Attack (held-out): a long run of spaces inside a value of the draft's
status box.

``_with_param`` (bot/compile/draft.py) keeps a comment after a value with
``re.search(r"(?:\\s|<!--.*?-->)*\\Z", old)``: on ``x`` + spaces + ``y`` the
search starts again at each space and reads the run to its end: quadratic.
The bot rewrites the box's ``untrusted`` note after any edit by someone
not staff, and its ``problems`` whenever they differ, so one member edit of
the box that puts 50 KB of spaces inside either value makes every tick
slow.  Measured: ``set_untrusted`` with 5,000 spaces 0.33 s, 20,000 spaces
5.1 s (``draft_with_problems`` 0.32 s, 4.8 s)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from attack import DAY, SIGNED, collecting, timed_tick

from bot.compile import set_untrusted
from bot.publish.draft import draft_with_problems

DRAFT = (Path(__file__).resolve().parent / "data" / "drafts" / "check-clean.wiki").read_text()


def boxed(name: str, spaces: int) -> str:
    return DRAFT.replace("| status = ready", f"| status = ready\n| {name} = x{' ' * spaces}y", 1)


@pytest.mark.parametrize("name", ["untrusted", "problems"])
def test_rewriting_a_box_value_full_of_spaces_is_linear(name):
    def write(text):
        return set_untrusted(text, "edited by someone") if name == "untrusted" else draft_with_problems(text, ())

    start = time.perf_counter()
    write(boxed(name, 2_000))
    small = time.perf_counter() - start
    start = time.perf_counter()
    write(boxed(name, 20_000))
    large = time.perf_counter() - start
    assert large < max(0.5, 30 * small), f"{name}: 2,000 spaces {small:.3f} s, 20,000 spaces {large:.1f} s"




@pytest.mark.wiki
def test_a_tick_after_spaces_in_the_box_takes_seconds(wiki, tmp_path):
    s = collecting(wiki, tmp_path)
    questions = s.questions(DAY)
    timed_tick(s)
    draft = s.member.text(s.draft(DAY))
    assert "| status" in draft or "|status" in draft, draft[:500]
    hostile = "| problems = x" + " " * 50_000 + "y"
    if re.search(r"(?m)^\|\s*problems\s*=.*$", draft):
        draft = re.sub(r"(?m)^\|\s*problems\s*=.*$", lambda m: hostile, draft, count=1)
    else:
        draft = draft.replace("\n}}", "\n" + hostile + "\n}}", 1)
    s.member.edit(s.draft(DAY), draft, "box")
    s.member.append(questions, f"\n* Will the travel fund open again? {SIGNED.format(m=2)}\n", "Another")
    took, result = timed_tick(s)
    print(f"\nafter 50,000 spaces in the box's problems value: {took:.1f} s\n{result.stderr[-1500:]}")
    assert took < 15.0, f"the tick took {took:.0f} s"
    assert "Will the travel fund open again?" in s.reader.text(s.draft(DAY))
