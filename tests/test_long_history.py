"""A page of more revisions than the bot reads (the index of years of
sessions, or a member who saves it hundreds of times): the bot works from
its latest revisions, never from its first ones."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from bot.model import Revision
from bot.publish.series import dates_listed_by

MAY, JUNE = "* [[S/2025 05 15|15 May]]\n", "* [[S/2025 06 12|12 June]]\n"


def _series():
    from bot.config import from_dict
    return from_dict({"series": [{"name": "t", "session_title": "S/{date:%Y %m %d}", "index_page": "S"}]}).series[0]


def _history(edits: list[tuple[str, str]], first_parent: int) -> list[Revision]:
    return [Revision(100 + n, user, datetime(2025, 5, 1, tzinfo=timezone.utc), text,
                     parent=first_parent if n == 0 else 99 + n) for n, (user, text) in enumerate(edits)]


def test_a_history_cut_short_starts_at_its_first_trusted_revision():
    trusted = ("Bot", "Staff").__contains__
    # The page's creation is past the window: May's line is older than it.
    cut = _history([("Member", MAY), ("Member", MAY + "x\n"), ("Bot", MAY + "x\n" + JUNE), ("Member", MAY + JUNE)],
                   first_parent=42)
    assert dates_listed_by(cut, _series(), trusted) == {date(2025, 5, 15), date(2025, 6, 12)}
    # The same revisions from the page's creation: the member's May counts for nothing.
    whole = _history([(u, t) for u, t in ((r.user, r.text) for r in cut)], first_parent=0)
    assert dates_listed_by(whole, _series(), trusted) == {date(2025, 6, 12)}
    # A window holding no trusted revision lists nothing.
    assert dates_listed_by(_history([("Member", MAY)], first_parent=42), _series(), trusted) == set()


@pytest.mark.wiki
def test_the_history_read_is_the_latest_revisions(site, admin):
    import pywikibot

    from bot.wiki.pages import Shutoff, Wiki
    from wikiclient import unique_title

    title = unique_title("Long history")
    for n in range(7):
        admin.edit(title, f"revision {n}", f"edit {n}")
    wiki = Wiki(site=site, _pywikibot=pywikibot, shutoff=Shutoff(unique_title("User:NotesBot/Run")))
    latest = wiki.history(title, limit=3)
    assert [r.text for r in latest] == ["revision 4", "revision 5", "revision 6"]
    assert latest[0].parent and latest[-1].revid == wiki.read([title])[title].revid
    whole = Wiki(site=site, _pywikibot=pywikibot, shutoff=Shutoff(unique_title("User:NotesBot/Run"))
                 ).history(title, limit=50)
    assert [r.text for r in whole] == [f"revision {n}" for n in range(7)] and whole[0].parent == 0
