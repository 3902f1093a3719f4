"""No community edit lost, even one saved in the same second as the revision
the bot read (``basetimestamp`` has a resolution of one second; ``baserevid``
has none).  On the real local wiki, with pywikibot's own request machinery."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import pytest

from wikiclient import unique_title

TRIALS = 20


@pytest.fixture
def bot_wiki(site, admin):
    import pywikibot

    from bot.wiki.pages import Shutoff, Wiki

    @dataclass
    class RacingWiki(Wiki):
        """The bot's Wiki, with the community's edit landing just after the
        bot's last check and before its save: the narrowest window there is."""

        between: Callable[[], None] | None = None

        def _preflight(self, title: str):
            latest = super()._preflight(title)
            if self.between is not None:
                self.between()
            return latest

    shutoff = unique_title("User:NotesBot/Run same second")
    admin.edit(shutoff, "yes", "Test shutoff page")
    return RacingWiki(site=site, _pywikibot=pywikibot, shutoff=Shutoff(shutoff))


def _second_start() -> None:
    """Wait for the start of a wall-clock second, so that the two edits of a
    trial most likely share one."""
    time.sleep(1 - time.time() % 1 + 0.01)


def test_a_community_edit_in_the_same_second_as_the_base_revision_is_never_lost(bot_wiki, member, reader):
    title = unique_title("Notesbot same second race")
    same_second = trials = 0
    while same_second < TRIALS and trials < 3 * TRIALS:
        trials += 1
        line = f"* Community question {trials}, saved while the bot saves"
        _second_start()
        base = member.edit(title, f"Trial {trials}\n", "base revision")
        state = bot_wiki.read([title])[title]
        assert state.revid == base["newrevid"]
        landed = {}

        def community_edit() -> None:
            landed.update(member.edit(title, f"Trial {trials}\n{line}\n", "community edit"))

        bot_wiki.between = community_edit
        result = bot_wiki.save(state, f"Trial {trials}\n* The bot's line\n", "bot edit")
        bot_wiki.between = None
        text = reader.text(title)
        assert line in text, f"trial {trials}: the community edit was lost ({result.status})"
        assert result.status == "conflict", f"trial {trials}: {result}"
        if landed.get("newtimestamp") == base.get("newtimestamp"):
            same_second += 1
    assert same_second >= TRIALS, f"only {same_second} of {trials} trials raced within one second"
