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


@pytest.mark.wiki
def test_the_trusted_revisions_before_a_window_give_the_dates_of_the_whole_history(site, admin, member):
    """A random season of staff and member edits of an index: the window of
    the latest revisions and what ``revisions_before`` reads before it list
    the same dates as the whole history, whatever the window's size."""
    import random

    import pywikibot

    from bot.wiki.pages import Shutoff, Wiki
    from wikiclient import unique_title

    title = unique_title("Index of a season")
    series = _series()
    lines = [f"* [[S/2025 {m:02d} 1{d}|{d} {m}]]\n" for m in (5, 6, 7) for d in (1, 2)]
    rnd, present = random.Random(7), set()
    staff = admin.account.user
    for n in range(24):
        line = rnd.choice(lines)
        present ^= {line}
        account = admin if rnd.random() < 0.35 else member
        account.edit(title, "Sessions:\n" + "".join(sorted(present)) + f"<!-- {n} -->", f"edit {n}")

    def fresh():
        return Wiki(site=site, _pywikibot=pywikibot, shutoff=Shutoff(unique_title("User:NotesBot/Run")))

    keep = {staff}.__contains__
    whole = fresh().history(title, limit=50)
    assert whole[0].parent == 0
    expected = dates_listed_by(whole, series, keep)
    assert expected  # the season leaves some staff dates
    for size in (1, 3, 8, 17):
        wiki = fresh()
        window = wiki.history(title, limit=size)
        assert window[0].parent
        earlier, complete = wiki.revisions_before(title, window[0], keep)
        assert complete
        assert all(r.text == next(w.text for w in whole if w.revid == r.revid) for r in earlier)
        assert dates_listed_by([*earlier, *window], series, keep, complete=True) == expected, size
        # without what came before, the window alone may not
        if dates_listed_by(window, series, keep) != expected:
            assert size < len(whole)


def test_a_gap_of_member_revisions_changes_nothing():
    """Revisions left out between a trusted revision's parent and an older
    one: only the change each trusted revision made counts."""
    trusted = ("Bot",).__contains__
    full = _history([("Bot", MAY), ("Member", MAY + JUNE), ("Member", JUNE), ("Bot", JUNE + "y\n"),
                     ("Member", "")], first_parent=0)
    selected = [full[0], full[2], full[3], full[4]]  # the member's second revision left out
    assert dates_listed_by(full, _series(), trusted) == {date(2025, 5, 15)}
    assert dates_listed_by(selected, _series(), trusted, complete=True) == {date(2025, 5, 15)}
    # read as a history cut short, the first trusted revision's dates would count whole
    assert dates_listed_by(selected[1:], _series(), trusted) == {date(2025, 6, 12)}


@pytest.mark.wiki
@pytest.mark.slow
def test_a_member_saving_the_index_500_times_does_not_make_the_bot_forget_its_sessions(wiki, tmp_path):
    """The bot reads the index's latest 500 revisions with their texts; a
    member who saves it 510 times pushed every staff and bot revision out of
    them, and the session listed was never published."""
    from attack import DAY, collecting, timed_tick

    s = collecting(wiki, tmp_path)
    timed_tick(s)  # harvested into the draft; the bot's line on the index
    index = s.member.text(s.index)
    for n in range(510):
        s.member.edit(s.index, index + f"\n<!-- {n % 2} -->", f"edit {n}")
    answer = "We will publish the plan in June."
    s.answer(DAY, {"plan for the grants": [f": Maggie: {answer}"]})
    result = s.run("run", "--now", "2025-05-16T12:00:00Z", "-always")
    assert answer in (s.reader.text(s.session(DAY)) or ""), \
        f"the notes were not published after 510 member edits of the index:\n{result.stdout}{result.stderr}"
