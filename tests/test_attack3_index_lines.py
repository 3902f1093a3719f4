"""Attack: the series' index page, edited by one community member.

The sessions the bot acts on are those whose line on the index staff or the
bot put there (``bot.publish.series.dates_listed_by``): each date was
credited to the author of the revision in which it last appeared.  So a
member who deletes the bot's line of a session, or deletes it and puts it
back byte for byte in a second edit (the page is then exactly as the bot
left it), made the bot forget the session: its notes were never published,
its questions never marked, nothing said."""

from __future__ import annotations

import pytest
from datetime import date, datetime, timezone

from attack import DAY, collecting, timed_tick
from scenario import Scenario

from bot.model import Revision
from bot.publish import pagetext
from bot.publish.series import dates_listed_by

ANSWER = "We will publish the plan in June."


def own_lines(s: Scenario, text: str) -> list[str]:
    return [l for l in text.split("\n") if pagetext.marker("session", s.session(DAY)) in l]


@pytest.mark.wiki
@pytest.mark.parametrize("put_back", [False, True], ids=["deleted", "deleted-and-put-back"])
def test_a_member_deleting_the_bots_index_line_does_not_make_it_forget_the_session(wiki, tmp_path, put_back):
    s = collecting(wiki, tmp_path)
    timed_tick(s)  # harvested into the draft
    index = s.member.text(s.index)
    [line] = own_lines(s, index)
    s.member.edit(s.index, "\n".join(l for l in index.split("\n") if l != line) or "Sessions:", "tidy")
    assert not own_lines(s, s.reader.text(s.index))
    if put_back:
        s.member.edit(s.index, index, "oops, back")
        assert s.reader.text(s.index) == index
    s.answer(DAY, {"plan for the grants": [f": Maggie: {ANSWER}"]})
    result = s.run("run", "--now", "2025-05-16T12:00:00Z", "-always")
    assert ANSWER in (s.reader.text(s.session(DAY)) or ""), \
        f"the notes were not published after a member's edit of the index:\n{result.stdout}{result.stderr}"
    [line] = own_lines(s, s.reader.text(s.index))  # one line of the bot's, linking the notes
    assert len(pagetext.links_in(line)) == 2, line
    assert "{{Conversation hour answered|" in s.reader.text(s.questions(DAY))


def test_only_staff_or_the_bot_take_a_session_off_the_index():
    from bot.config import from_dict
    series = from_dict({"series": [{"name": "t", "session_title": "S/{date:%Y %m %d}", "index_page": "S"}]}
                              ).series[0]
    line = "* [[S/2025 05 15|15 May]]\n"
    history = [Revision(n, user, datetime(2025, 5, 1, n, tzinfo=timezone.utc), text) for n, (user, text) in
               enumerate([("Bot", line), ("Member", ""), ("Member", line), ("Member", "")])]
    assert dates_listed_by(history, series, lambda u: u in ("Bot", "Staff")) == {date(2025, 5, 15)}
    history.append(Revision(9, "Staff", datetime(2025, 5, 2, tzinfo=timezone.utc), ""))
    history.insert(-1, Revision(8, "Member", datetime(2025, 5, 2, tzinfo=timezone.utc), line))
    assert dates_listed_by(history, series, lambda u: u in ("Bot", "Staff")) == set()


@pytest.mark.wiki
def test_a_line_with_the_bots_marker_and_a_fake_notes_link_does_not_stop_its_line(wiki, tmp_path):
    s = collecting(wiki, tmp_path)
    timed_tick(s)
    index = s.member.text(s.index)
    [line] = own_lines(s, index)
    tag = line[line.index("<!--"):]
    forged = f"* [[{s.session(DAY)}|15 May 2025]] – [[{s.prefix}/Fake notes|notes]] {tag}"
    s.member.edit(s.index, index.rstrip("\n") + "\n" + forged + "\n", "notes are out")
    result = s.run("run", "--now", "2025-05-16T12:00:00Z", "-always")  # held, no answers yet
    text = s.reader.text(s.index)
    assert forged in text.split("\n")  # the member's line is left as they wrote it
    [bots] = [l for l in own_lines(s, text) if l != forged]
    assert "notes to come" in bots, f"the bot's line after the session:\n{text}\n{result.stdout}{result.stderr}"
    s.answer(DAY, {"plan for the grants": [f": Maggie: {ANSWER}"]})
    s.run_ok("run", "--now", "2025-05-16T13:00:00Z", "-always")
    text = s.reader.text(s.index)
    assert forged in text.split("\n")
    [bots] = [l for l in own_lines(s, text) if l != forged]
    assert pagetext.links_in(bots)[1] == s.session(DAY), bots  # the real notes
