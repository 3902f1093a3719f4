"""Cross-links across Meta on the real local wiki: the central listing with
the community editing it at the same time, categories, announcements."""

from __future__ import annotations

import re
import subprocess
from datetime import date, timedelta
from pathlib import Path

import mwparserfromhell
import pytest

import signal

from faultproxy import NO_FAULTS
from scenario import ProxiedScenario, Scenario
from test_crosslinks import links_session
from test_publish import ANSWERS

from bot.model import Session
from bot.publish import crosslinks

DATA = Path(__file__).resolve().parent / "data" / "crosslinks"
DAY = "2024-07-11"


def crosslinked(wiki, tmp_path, central: str | None = "meta-office-hours.wiki", proxy=None, **listing) -> Scenario:
    """A scenario whose series lists its sessions on a central page and
    announces them on a talk page, both outside its prefixes (allowed by name);
    with ``proxy``, its bot reaches the wiki through it."""
    s = ProxiedScenario(wiki, tmp_path, proxy=proxy) if proxy is not None else Scenario(wiki, tmp_path)
    s.central = f"Office hours {s.uid}"
    s.talk = f"Talk:Office hours {s.uid}"
    s.series_extra = {
        "allowed_titles": [s.central, s.talk],
        "central_listing": {"page": s.central, **listing},
        "categories": {"session": ["Category:CR&S meetings"], "questions": ["Category:CR&S questions"],
                       "notes": ["Category:CR&S notes"]},
        "announcements": {"pages": [s.talk]},
    }
    s.write_config()
    if central:
        s.member.edit(s.central, (DATA / central).read_text(), "Office hours of every team")
    s.member.edit(s.talk, "Talk about office hours.\n\n== Earlier ==\nA comment. ~~~~", "Talk")
    return s


def session_of(s: Scenario, day: str) -> Session:
    return Session(title=s.session(day), date=date.fromisoformat(day))


def our_rows(text: str, session: Session) -> list[str]:
    rows = []
    for tag in mwparserfromhell.parse(text).filter_tags(recursive=True):
        if tag.tag == "tr" and links_session(tag.contents, session):
            rows.append(str(tag))
    return rows


def central_edits(s: Scenario, title: str) -> int:
    return sum(1 for c in s.reader.contributions(s.bot_user) if c["title"] == title)


def prepare_for_publish(s: Scenario, day: str) -> None:
    s.post_example_questions(day)
    s.run_ok("harvest", "--session", day, "--to-draft", "-always")
    s.answer(day, ANSWERS)


def categories(s: Scenario, title: str) -> set[str]:
    return {c["category"].replace("_", " ") for c in s.reader.parse(title)["categories"]}


def headings(text: str, heading: str) -> int:
    return sum(1 for line in text.split("\n") if re.fullmatch(rf"==\s*{re.escape(heading)}\s*==", line))


@pytest.fixture
def logging_restored():
    """The handlers of every logger as they were: running ``cli.main`` in
    this process binds the bot's handlers to the test's captured stderr,
    which pytest closes after the test."""
    import logging

    loggers = [logging.getLogger(), *(l for l in logging.Logger.manager.loggerDict.values()
                                     if isinstance(l, logging.Logger))]
    saved = {id(l): (l, list(l.handlers)) for l in loggers}
    yield
    for logger in [logging.getLogger(), *(l for l in logging.Logger.manager.loggerDict.values()
                                         if isinstance(l, logging.Logger))]:
        logger.handlers[:] = saved.get(id(logger), (logger, []))[1]


def test_the_row_is_added_then_moved_with_the_community_editing_the_page(wiki, tmp_path, monkeypatch, capsys,
                                                                          logging_restored):
    from bot import cli
    from bot import wiki as wiki_mod

    s = crosslinked(wiki, tmp_path)
    session = session_of(s, DAY)
    another_row = ('|- class="vevent"\n| Monday || <span class="dtstart">2024-09-02</span> || 15:00 '
                   '|| Community Tech || <span class="summary">Wishlist</span>\n')
    real_save = wiki_mod.Wiki.save
    edited = []

    def save(self, state, text, summary, **kw):
        if state.title == s.central and not edited:  # the community, between the bot's read and save
            edited.append(True)
            current = s.member.text(s.central)
            s.member.edit(s.central, current.replace("|}\n", another_row + "|}\n", 1), "Our session")
        return real_save(self, state, text, summary, **kw)

    monkeypatch.setattr(wiki_mod.Wiki, "save", save)
    code = cli.main(["--config", str(s.config_path), "new-session", DAY, "-always"])
    assert code == 0, capsys.readouterr()
    assert edited
    monkeypatch.setattr(wiki_mod.Wiki, "save", real_save)

    community = s.member.text(s.central)
    [row] = our_rows(community, session)
    others = community.replace(row, "", 1)
    expected_others = (DATA / "meta-office-hours.wiki").read_text().rstrip().replace(
        "|}\n", another_row + "|}\n", 1)
    assert others == expected_others  # every other row, byte for byte
    assert 'class="vevent"' in row and 'class="dtstart" title="2024-07-11T18:00Z"' in row
    html = s.reader.parse_html(title=s.central)
    assert html.count('class="vevent"') == 4 and "Wishlist" in html

    prepare_for_publish(s, DAY)
    s.run_ok("publish", DAY, "-always")
    published = s.reader.text(s.central)
    upcoming, past = published.split("== Past office hours ==")
    assert s.session(DAY) not in upcoming and "Wishlist" in upcoming
    [moved] = our_rows(past, session)
    assert f"[[{s.session(DAY)}#Notes|notes]]" in moved
    assert published.replace(moved, "", 1) == others  # every other row still byte for byte

    before = central_edits(s, s.central), central_edits(s, s.talk)
    again = s.run_ok("publish", DAY, "-always")
    s.run_ok("new-session", DAY, "-always")
    assert (central_edits(s, s.central), central_edits(s, s.talk)) == before, again.stdout
    assert s.reader.text(s.central) == published


def test_categories_show_on_the_pages_and_the_announcements_appear_once(wiki, tmp_path):
    s = crosslinked(wiki, tmp_path)
    s.run_ok("new-session", DAY, "-always")
    s.run_ok("new-session", DAY, "-always")
    assert "CR&S meetings" in categories(s, s.session(DAY))
    assert "CR&S questions" in categories(s, s.questions(DAY))
    talk = s.reader.text(s.talk)
    created = crosslinks.announcement_heading(session_of(s, DAY), "created")
    assert headings(talk, created) == 1 and "Talk about office hours." in talk and "== Earlier ==" in talk
    assert s.session(DAY) in talk

    prepare_for_publish(s, DAY)
    s.run_ok("publish", DAY, "-always")
    s.run_ok("publish", DAY, "-always")
    cats = categories(s, s.session(DAY))
    assert {"CR&S meetings", "CR&S notes"} <= cats
    assert s.reader.text(s.session(DAY)).count("[[Category:CR&S meetings]]") == 1
    talk = s.reader.text(s.talk)
    notes = crosslinks.announcement_heading(session_of(s, DAY), "published")
    assert headings(talk, created) == 1 and headings(talk, notes) == 1
    assert f"{s.session(DAY)}#Notes" in talk.split(notes)[1]
    # Posted as new sections, signed by the wiki; the earlier talk is as it was.
    assert "~~~~" not in talk and f"[[User:{s.bot_user}|" in talk
    assert talk.startswith("Talk about office hours.\n\n== Earlier ==\nA comment. [[User:")
    assert len([r for r in s.reader.revisions(s.talk) if r["user"] == s.bot_user]) == 2


def test_a_central_page_it_cannot_read_is_reported_and_left_alone(wiki, tmp_path):
    s = crosslinked(wiki, tmp_path, central=None)
    text = "== Upcoming office hours ==\n{{Office hours table}}\n\n== Past office hours ==\n* older\n"
    s.member.edit(s.central, text, "A table made by a template")
    result = s.run("new-session", DAY, "-always")
    assert result.returncode == 1
    assert re.search(rf"Office hours {s.uid}\s+refused\s+.*section 'Upcoming office hours': no table",
                     result.stdout), result.stdout
    assert "Traceback" not in result.stderr
    assert s.reader.text(s.central) == text.rstrip()
    assert s.reader.text(s.session(DAY)) is not None  # the rest of the plan went on


def test_a_listing_outside_the_prefixes_and_not_named_is_a_configuration_error(wiki, tmp_path):
    s = Scenario(wiki, tmp_path, series_extra={"central_listing": {"page": "Main Page"}})
    result = s.run("new-session", DAY, "-always")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].endswith(
        "series[0].central_listing.page: 'Main Page' is outside allowed_prefixes: list it by name in allowed_titles")


def test_killed_after_each_edit_then_rerun_ends_with_one_row_and_one_announcement(wiki, tmp_path, proxy):
    s = crosslinked(wiki, tmp_path, proxy=proxy)
    first = date.fromisoformat(DAY)
    for command in ("new-session", "publish"):
        for k in range(1, 7):
            day = (first + timedelta(weeks=k + (10 if command == "publish" else 0))).isoformat()
            session = session_of(s, day)
            if command == "publish":
                s.run_ok("new-session", day, "-always")
                prepare_for_publish(s, day)
            # Each plan has six edits (session, questions, index, central page, talk page, then
            # the announcement's record on the session page): the bot is killed (SIGKILL) right
            # after the wiki applied each of them in turn.
            proxy.use(NO_FAULTS)  # write numbers count from 1 again
            bot: list[subprocess.Popen] = []
            kill = proxy.on_write(lambda request: bot[0].kill(), number=k, after=True)
            bot.append(s.start(command, day, "-always"))
            out, err = bot[0].communicate(timeout=300)
            assert kill.done, f"{kill}\n{out}\n{err}"
            assert bot[0].returncode == -signal.SIGKILL, out + err
            s.run_ok(command, day, "-always")
            central = s.reader.text(s.central)
            rows = our_rows(central, session)
            assert len(rows) == 1, f"{command}, killed after edit {k}: {rows}"
            in_past = central.split("== Past office hours ==")[1]
            assert (rows[0] in in_past) == (command == "publish")
            event = "created" if command == "new-session" else "published"
            talk = s.reader.text(s.talk)
            assert headings(talk, crosslinks.announcement_heading(session, event)) == 1, (command, k)
            record = crosslinks.announcement_record(session, event, s.talk)
            assert s.reader.text(session.title).count(record) == 1, (command, k)
            # Archived now: a further run posts nothing, the record decides.
            s.member.edit(s.talk, "Talk about office hours.\n\n{{Archives}}", "Archiving")
            s.run_ok(command, day, "-always")
            assert headings(s.reader.text(s.talk), crosslinks.announcement_heading(session, event)) == 0


def test_the_ical_feed_parses_back_with_one_event_per_session_and_stable_uids(wiki, tmp_path):
    import icalendar

    s = crosslinked(wiki, tmp_path)
    s.run_ok("new-session", DAY, "-always")
    prepare_for_publish(s, DAY)
    s.run_ok("publish", DAY, "-always")
    s.run_ok("new-session", "2024-10-17", "--time", "17:00", "-always")
    printed = s.run_ok("ical").stdout
    out = tmp_path / "public_html" / "crs.ics"
    out.parent.mkdir()
    s.run_ok("ical", "--output", str(out))
    assert (out.stat().st_mode & 0o777) == 0o644 and not list(out.parent.glob(".crs.ics.*"))
    uids = []
    for data in (printed.encode(), out.read_bytes()):
        events = icalendar.Calendar.from_ical(data).walk("VEVENT")
        assert [str(e["SUMMARY"]).split(" with ")[0] for e in events] == [
            "Conversation Hour 2024 07 11", "Conversation Hour 2024 10 17"]
        uids.append([str(e["UID"]) for e in events])
        past, upcoming = events
        assert past.decoded("DTSTART").isoformat() == "2024-07-11T18:00:00+00:00"
        assert upcoming.decoded("DTSTART").isoformat() == "2024-10-17T17:00:00+00:00"
        assert str(past["URL"]).startswith(wiki.url) and "#Notes" in str(past["ATTACH"])
        assert "ATTACH" not in upcoming
    assert uids[0] == uids[1] and len(set(uids[0])) == 2
    bad = s.run("ical", "--output", str(tmp_path / "no such folder" / "x.ics"))
    assert bad.returncode == 2 and bad.stderr.startswith("notesbot: --output") and "Traceback" not in bad.stderr


def test_without_massmessage_on_the_wiki_the_delivery_list_is_not_used(wiki, tmp_path):
    s = crosslinked(wiki, tmp_path)
    extensions = s.reader.get(action="query", meta="siteinfo", siprop="extensions")["query"]["extensions"]
    names = {e["name"] for e in extensions}
    assert "ParserFunctions" in names and "MassMessage" not in names
    s.series_extra["announcements"] = {"pages": [s.talk], "delivery_list": f"Delivery list {s.uid}"}
    s.write_config()
    result = s.run_ok("new-session", DAY, "-always")
    assert f"the wiki has no MassMessage: [[Delivery list {s.uid}]] is not used" in result.stderr
    talk = s.reader.text(s.talk)
    assert headings(talk, crosslinks.announcement_heading(session_of(s, DAY), "created")) == 1
    assert s.reader.text(f"Delivery list {s.uid}") is None


def test_another_teams_row_that_links_the_session_is_left_and_the_bot_adds_its_own(wiki, tmp_path):
    s = crosslinked(wiki, tmp_path)
    session = session_of(s, DAY)
    theirs = (f"|-\n| Thursday || 2024-07-11 || 20:00 || Product team || Talk pages; after the "
              f"[[{s.session(DAY)}|CR&S conversation hour]]\n")
    s.member.edit(s.central, s.member.text(s.central).replace("|}\n", theirs + "|}\n", 1), "Product team")
    before = s.member.text(s.central)
    s.run_ok("new-session", DAY, "-always")
    created = s.reader.text(s.central)
    [ours] = [r for r in our_rows(created, session) if crosslinks.listing_marker(session) in r]
    assert created.replace(ours, "", 1) == before
    prepare_for_publish(s, DAY)
    s.run_ok("publish", DAY, "-always")
    published = s.reader.text(s.central)
    upcoming, past = published.split("== Past office hours ==")
    assert theirs in upcoming  # byte for byte, still among the upcoming
    [moved] = [r for r in our_rows(past, session) if crosslinks.listing_marker(session) in r]
    assert published.replace(moved, "", 1) == before
    html = s.reader.parse_html(title=s.central)
    assert "notesbot" not in html  # the marker does not show


def test_two_rows_with_the_bots_marker_are_reported_and_the_page_left_alone(wiki, tmp_path):
    s = crosslinked(wiki, tmp_path)
    session = session_of(s, DAY)
    s.run_ok("new-session", DAY, "-always")
    [ours] = [r for r in our_rows(s.reader.text(s.central), session) if crosslinks.listing_marker(session) in r]
    doubled = s.member.text(s.central).replace(ours, ours + ours.replace("Maggie Dennis", "Someone else"), 1)
    s.member.edit(s.central, doubled, "Copied the row")
    prepare_for_publish(s, DAY)
    result = s.run("publish", DAY, "-always")
    assert result.returncode == 1 and "does not guess which is its own" in result.stdout, result.stdout
    assert s.reader.text(s.central) == doubled.rstrip()


def test_publishing_twice_with_the_talk_page_archived_between_announces_once(wiki, tmp_path):
    s = crosslinked(wiki, tmp_path)
    session = session_of(s, DAY)
    notes = crosslinks.announcement_heading(session, "published")
    s.run_ok("new-session", DAY, "-always")
    prepare_for_publish(s, DAY)
    s.run_ok("publish", DAY, "-always")
    assert headings(s.reader.text(s.talk), notes) == 1
    s.member.edit(s.talk, "Talk about office hours.\n\n{{Archives}}", "Archiving to /Archive 1")
    for command in ("publish", "new-session"):
        s.run_ok(command, DAY, "-always")
    talk = s.reader.text(s.talk)
    assert headings(talk, notes) == 0 and headings(talk, crosslinks.announcement_heading(session, "created")) == 0
    # The heading renamed by a person: not posted again either.
    s.member.edit(s.talk, talk + "\n\n== Notes of the July session ==\nMoved here.", "Renamed")
    s.run_ok("publish", DAY, "-always")
    assert headings(s.reader.text(s.talk), notes) == 0
    assert len([r for r in s.reader.revisions(s.talk) if r["user"] == s.bot_user]) == 2
