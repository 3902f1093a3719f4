"""The records that decide what the bot does once, attacked through the API
by a plain account on the real local wiki: the announcements' records live
on the bot's own ``.json`` page, which only the bot and interface
administrators can edit (issue 25, item 4)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest

from test_crosslinks_online import DAY, crosslinked, headings, prepare_for_publish, session_of
from wikiclient import ApiError

from bot.publish import crosslinks
from legacy_records import announcement_record


def records_page(s) -> str:
    return f"User:{s.bot_user}/notesbot-records.json"


def records(s) -> dict:
    text = s.reader.text(records_page(s))
    return json.loads(text)["announcements"] if text else {}


def archive_talk(s) -> None:
    s.member.edit(s.talk, "Talk about office hours.\n\n{{Archives}}", "Archiving")


def test_deleting_the_records_on_the_session_page_does_not_post_again(wiki, tmp_path):
    s = crosslinked(wiki, tmp_path)
    session = session_of(s, DAY)
    s.run_ok("new-session", DAY, "-always")
    # The attacker removes every record the bot may have left on the session page, and archives the talk page.
    text = s.member.text(session.title)
    s.member.edit(session.title, re.sub(r"<!-- notesbot:announc[^>]*-->\n?", "", text) + "\nA comment.",
                  "Tidying up")
    archive_talk(s)
    s.run_ok("new-session", DAY, "-always")
    assert headings(s.reader.text(s.talk), crosslinks.announcement_heading(session, "created")) == 0
    assert records(s)[session.title] == {f"created {s.talk}": "sent"}
    assert "notesbot:announc" not in s.reader.text(session.title)


def test_a_forged_record_on_the_session_page_does_not_stop_the_announcement(wiki, tmp_path):
    s = crosslinked(wiki, tmp_path)
    session = session_of(s, DAY)
    s.run_ok("new-session", DAY, "-always")
    forged = announcement_record(session, "published", s.talk)
    s.member.edit(session.title, s.member.text(session.title) + "\n" + forged, "A record of my own")
    prepare_for_publish(s, DAY)
    s.run_ok("publish", DAY, "-always")
    assert headings(s.reader.text(s.talk), crosslinks.announcement_heading(session, "published")) == 1
    assert records(s)[session.title][f"published {s.talk}"] == "sent"


@pytest.mark.parametrize("how", [{}, {"contentmodel": "wikitext"}], ids=["as json", "as wikitext"])
def test_a_plain_account_can_neither_forge_nor_delete_the_records(wiki, tmp_path, how):
    s = crosslinked(wiki, tmp_path)
    session = session_of(s, DAY)
    s.run_ok("new-session", DAY, "-always")
    before = s.reader.text(records_page(s))
    with pytest.raises(ApiError, match="customjsonprotected"):
        s.member.edit(records_page(s), json.dumps({"announcements": {}}), "Forged", **how)
    assert s.reader.text(records_page(s)) == before
    assert records(s)[session.title] == {f"created {s.talk}": "sent"}


def test_a_record_an_earlier_version_wrote_still_counts_and_moves_to_the_records_page(wiki, tmp_path):
    s = crosslinked(wiki, tmp_path)
    session = session_of(s, DAY)
    bot = wiki.client("bot")
    # What the earlier version left: the post on the talk page, its record in the session page's text.
    s.run_ok("new-session", DAY, "-always")
    legacy = announcement_record(session, "created", s.talk)
    bot.edit(session.title, s.reader.text(session.title) + "\n" + legacy, "Test: an earlier version's record")
    # The records page begins after that revision, without this session's entry (as the bot).
    data = json.loads(s.reader.text(records_page(s)))
    del data["announcements"][session.title]
    data["since"] = (datetime.now(timezone.utc) + timedelta(seconds=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    bot.edit(records_page(s), json.dumps(data), "Test: as at the upgrade")
    archive_talk(s)
    s.run_ok("new-session", DAY, "-always")
    assert headings(s.reader.text(s.talk), crosslinks.announcement_heading(session, "created")) == 0
    assert records(s)[session.title] == {f"created {s.talk}": "sent"}
    # The same record added by a community member to another session does not count.
    other = session_of(s, "2024-07-18")
    s.run_ok("new-session", other.date.isoformat(), "-always")
    s.member.edit(s.talk, "Talk about office hours.\n\n{{Archives}}\n\nMore talk.", "Archiving again")
    s.member.edit(other.title, s.member.text(other.title) + "\n"
                  + announcement_record(other, "published", s.talk), "A record of my own")
    prepare_for_publish(s, other.date.isoformat())
    s.run_ok("publish", other.date.isoformat(), "-always")
    assert headings(s.reader.text(s.talk), crosslinks.announcement_heading(other, "published")) == 1
