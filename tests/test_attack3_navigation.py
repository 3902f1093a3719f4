"""Attack: the navigation template's ``previous=`` and ``next=`` on the
session pages, pointed by one community member at a fake page of theirs.

Held: the bot never reads them back; the neighbours come from the sessions
staff or the bot listed on the index, so a republish puts both pages'
links back, and the fake page reaches neither the index nor the
calendar."""

from __future__ import annotations

import pytest
from attack import DAY, collecting, timed_tick

from bot.publish import pagetext

pytestmark = pytest.mark.wiki

NEXT = "2025-08-14"
ANSWER = "We will publish the plan in June."
NAV = "Conversation hour navigation"


def test_forged_previous_and_next_are_not_propagated_and_a_republish_restores_them(wiki, tmp_path):
    s = collecting(wiki, tmp_path)
    timed_tick(s)
    s.run_ok("new-session", NEXT, "-always")
    fake = f"{s.prefix}/Conversation Hour 2025 06 01"  # a page of the member's, in the series' form
    s.member.edit(fake, "A session that never was.", "new")
    for day, key in ((DAY, "next"), (NEXT, "previous")):
        page = s.member.text(s.session(day))
        assert pagetext.template_params(page, NAV)[key] == s.session(NEXT if key == "next" else DAY)
        s.member.edit(s.session(day), pagetext.set_template(page, NAV, {key: fake}), "navigation")
    s.answer(DAY, {"plan for the grants": [f": Maggie: {ANSWER}"]})
    s.run_ok("run", "--now", "2025-05-16T12:00:00Z", "-always")
    assert ANSWER in s.reader.text(s.session(DAY))
    assert pagetext.template_params(s.reader.text(s.session(DAY)), NAV)["next"] == s.session(NEXT)
    assert pagetext.template_params(s.reader.text(s.session(NEXT)), NAV)["previous"] == s.session(DAY)
    assert fake not in s.reader.text(s.index)
    feed = s.run_ok("ical").stdout
    assert "2025 06 01" not in feed and "20250601" not in feed and "20250515" in feed
