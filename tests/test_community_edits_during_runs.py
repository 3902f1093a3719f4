"""No community edit lost while the bot works, over a whole season: before
*every* write of the bot to a page people edit (the questions page, the draft,
the index, the session page), somebody saves an edit of that page first, in
the narrowest window there is, between the bot's last read and its save
(usually in the same second as the revision the bot read).  The bot must see
each one as a conflict, read the page again and keep the edit.

The bot reaches the wiki through the fault proxy (``tests/faultproxy.py``),
no fault planned: the proxy only lets the test act when a write passes, on
the real local wiki; the people edit the wiki directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from faultproxy import Request
from scenario import ProxiedScenario
from test_budget import PRODUCTION_RETRIES

pytestmark = pytest.mark.wiki

DAY = "2025-01-16"
WRITES = 80
"""Hooks for the bot's first writes: more than the season below makes."""


@dataclass
class EveryWrite:
    """Before each write of the bot to a page people edit, one of them edits it:
    the member the questions page, the index and the session page, staff the
    draft.  A write of the same page again at once (the bot's retry after the
    conflict) is let through, or a retry could never succeed."""

    s: ProxiedScenario
    landed: list[tuple[str, str]] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)
    last: str | None = None

    def who(self, title: str):
        s = self.s
        if title == s.draft(DAY):
            return s.staff
        if title in (s.questions(DAY), s.index, s.session(DAY)):
            return s.member
        return None  # the bot's own pages (its status page)

    def __call__(self, request: Request) -> None:
        title, again, self.last = request.title, request.title == self.last, request.title
        client = self.who(title)
        if client is None or again:
            return
        current = client.text(title)
        if current is None:
            return  # a page the bot creates: a race to create it is the test below
        number = len(self.landed) + 1
        line = (f": Maggie: A staff note saved while the bot saved, number {number}." if client is self.s.staff
                else f"A community line saved while the bot saved, number {number}.")
        try:
            client.edit(title, current + "\n" + line + "\n", "Saved while the bot was saving")
            self.landed.append((title, line))
        except BaseException as e:  # noqa: BLE001 - reported by the test
            self.errors.append(e)

    def check(self) -> None:
        assert not self.errors, self.errors
        for title, line in self.landed:
            assert line in (self.s.reader.text(title) or ""), f"lost on [[{title}]]: {line}"


def tick(s: ProxiedScenario, when: str) -> None:
    s.run_ok("run", "--now", when, "-always")


def test_an_edit_before_every_write_of_a_season_is_never_lost(wiki, proxy, tmp_path):
    s = ProxiedScenario(wiki, tmp_path, proxy=proxy)
    every = EveryWrite(s)
    for number in range(1, WRITES + 1):
        proxy.on_write(every, number=number)

    s.run_ok("new-session", DAY, "--time", "18:00", "-always")
    q = s.questions(DAY)
    s.member.edit(q, s.member.text(q) + "\n== Trust and Safety ==\n* How do you handle threats? "
                  "[[User:Community Member|Community Member]] 10:00, 10 January 2025 (UTC)\n", "Questions")
    tick(s, "2025-01-10T12:00:00Z")        # the questions into the draft
    every.check()
    s.member.append(q, "\n* Why was the U4C vote so low? [[User:Community Member|Community Member]] "
                       "09:00, 12 January 2025 (UTC)\n", "One more")
    tick(s, "2025-01-14T12:00:00Z")        # the new one into the draft
    tick(s, "2025-01-16T20:00:00Z")        # after the session, not ready: the index says "to come"
    every.check()
    s.answer(DAY, {"threats": [": Maggie: Through the Trust and Safety team."]})
    tick(s, "2025-01-16T21:00:00Z")        # ready: published
    every.check()
    s.answer(DAY, {"U4C vote": [": Maggie: Turnout was low across the movement."]})
    s.run_ok("publish", DAY, "-always")    # republished by hand with a late answer
    every.check()

    pages = {title for title, _ in every.landed}
    assert {s.draft(DAY), q, s.index, s.session(DAY)} <= pages, pages
    # The notes have both answers: the bot kept everybody's edits and did its own.
    notes = s.reader.text(s.session(DAY))
    assert "Through the Trust and Safety team." in notes and "Turnout was low" in notes


def test_staff_creating_the_draft_while_the_bot_creates_it_get_one_line_and_keep_their_text(wiki, proxy, tmp_path):
    """The bot creates the draft only if it is missing (``createonly``); staff
    save one by hand in that very moment, without the bot's status box.  The
    bot's draft edit fails with one line naming the draft (exit 1, no
    traceback), staff's text stays as they wrote it, and the other edits of the
    run go on.  With pywikibot's production defaults (retries, throttle)."""
    s = ProxiedScenario(wiki, tmp_path, proxy=proxy, settings=dict(PRODUCTION_RETRIES))
    s.run_ok("new-session", DAY, "--time", "18:00", "-always")
    q = s.questions(DAY)
    s.member.edit(q, s.member.text(q) + "\n== Trust and Safety ==\n* How do you handle threats? "
                  "[[User:Community Member|Community Member]] 10:00, 10 January 2025 (UTC)\n", "Questions")
    by_hand = "Our own notes, started by hand.\n"
    hook = s.when_saving(s.draft(DAY), lambda: s.staff.edit(s.draft(DAY), by_hand, "Started by hand"))
    result = s.run("run", "--now", "2025-01-10T12:00:00Z", "-always")
    assert hook.done and hook.error is None
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert s.draft(DAY) in result.stdout + result.stderr
    assert s.reader.text(s.draft(DAY)).strip() == by_hand.strip()
