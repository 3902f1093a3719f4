"""The calendar feed attacked through the API by a plain account on the real
local wiki: only sessions staff or the bot listed, only times staff or the
bot wrote, a bad time skipped with a message (issue 25, item 5)."""

from __future__ import annotations

import re

from scenario import Scenario


def events_of(feed: str) -> list[tuple[str, str]]:
    import icalendar

    return [(str(e["SUMMARY"]).split(" with ")[0], e.decoded("DTSTART").isoformat())
            for e in icalendar.Calendar.from_ical(feed.encode()).walk("VEVENT")]


def with_start(text: str, value: str) -> str:
    changed, n = re.subn(r"start=\d{4}-\d\d-\d\dT[^|}\n]*", f"start={value}", text, count=1)
    assert n == 1, text
    return changed


def test_the_feed_shows_only_what_staff_or_the_bot_wrote_and_skips_a_bad_time(wiki, tmp_path):
    s = Scenario(wiki, tmp_path)
    s.run_ok("new-session", "2024-07-11", "-always")
    s.run_ok("new-session", "2024-10-17", "--time", "17:00", "-always")
    # A community member lists a session of their own, with its page and time...
    fake = s.session("2024-09-05")
    s.member.edit(s.index, s.member.text(s.index) + f"\n* [[{fake}|5 September 2024]]", "One more session")
    s.member.edit(fake, "{{Conversation hour navigation|start=2024-09-05T12:00Z}}\nCome along.", "My session")
    # ... and moves a real session's time.
    october = s.session("2024-10-17")
    s.member.edit(october, with_start(s.member.text(october), "2024-10-17T03:00Z"), "Earlier")
    # Staff write a time that is no time.
    july = s.session("2024-07-11")
    s.staff.edit(july, with_start(s.staff.text(july), "2024-07-11T99:00Z"), "Typo")
    result = s.run("ical")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert events_of(result.stdout) == [("Conversation Hour 2024 07 11", "2024-07-11T18:00:00+00:00"),
                                        ("Conversation Hour 2024 10 17", "2024-10-17T17:00:00+00:00")]
    [line] = [l for l in result.stderr.splitlines() if "99:00" in l]
    assert july in line and "is not a time of day on 2024-07-11" in line and "18:00 is used" in line
