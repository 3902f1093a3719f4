"""Cross-links across Meta, offline: the central listing, categories, announcements."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import mwparserfromhell
import pytest

from bot import config
from bot.compile.templates import load_templates
from bot.errors import ConfigError
from bot.publish import crosslinks
from legacy_records import announcement_record
from bot.wikifacts import normalise_title

DATA = Path(__file__).resolve().parent / "data" / "crosslinks"
LISTING = config.CentralListing()


def session(day="2024-07-11", time="18:00"):
    s = config.SeriesConfig().session(date.fromisoformat(day))
    s.time = time
    return s


def links_session(node, s) -> bool:
    """Whether ``node`` (a row, a line) links the session page, as a reader
    finds the session's row: a link to its title, any section."""
    for link in mwparserfromhell.parse(str(node)).filter_wikilinks(recursive=True):
        title = str(link.title).split("#")[0].strip()
        if title and normalise_title(title) == normalise_title(s.title):
            return True
    return False


def other_rows(text: str, s) -> list[str]:
    """Every row of every table that is not the bot's, as text."""
    out = []
    for table in mwparserfromhell.parse(text).filter_tags(recursive=True):
        if table.tag == "table":
            out += [str(r) for r in table.contents.filter_tags(recursive=False)
                    if r.tag == "tr" and not links_session(r.contents, s)]
    return out


def without(text: str, removed: str) -> str:
    assert text.count(removed) == 1, removed
    return text.replace(removed, "", 1)


@pytest.mark.parametrize("name", ["meta-office-hours.wiki", "bulleted-past.wiki"])
def test_new_session_adds_one_row_and_leaves_the_rest_byte_for_byte(name):
    text = (DATA / name).read_text()
    s = session()
    new = crosslinks.update_listing(text, s, LISTING, duration=60, notes=None)
    code = mwparserfromhell.parse(new)
    table = crosslinks.read_table(code, LISTING.upcoming_section, {}, LISTING.page)
    [ours] = [r for r in table.rows if links_session(r.contents, s)]
    assert without(new, str(ours)) == text
    assert 'class="vevent"' in str(ours) and 'class="dtstart" title="2024-07-11T18:00Z"' in str(ours)
    assert 'class="summary"' in str(ours) and 'class="url"' in str(ours)
    # The cells in the table's column order.
    cells = [str(c.contents).strip() for c in ours.contents.filter_tags(recursive=False) if c.tag == "td"]
    assert len(cells) == len(table.fields)
    assert cells[table.fields.index("host")] == "Maggie Dennis"
    if "day" in table.fields:
        assert cells[table.fields.index("day")] == "Thursday"
    # Sorted by date among the other rows.
    dates = [crosslinks._day_of(r) for r in table.rows]
    assert dates == sorted(dates)
    assert crosslinks.update_listing(new, s, LISTING, duration=60, notes=None) == new


@pytest.mark.parametrize("name", ["meta-office-hours.wiki", "bulleted-past.wiki"])
def test_publishing_moves_the_row_to_the_past_with_the_notes_link(name):
    text = (DATA / name).read_text()
    s = session()
    notes = s.title + "#Notes"
    upcoming = crosslinks.update_listing(text, s, LISTING, duration=60, notes=None)
    published = crosslinks.update_listing(upcoming, s, LISTING, duration=60, notes=notes)
    upcoming_part, past_part = published.split("== Past office hours ==")
    assert s.title not in upcoming_part
    assert past_part.count(f"[[{notes}|notes]]") == 1 and past_part.count(f"[[{s.title}|") == 1
    assert other_rows(published, s) == other_rows(text, s)
    assert crosslinks.update_listing(published, s, LISTING, duration=60, notes=notes) == published
    # A new-session run after publishing does not put it back among the upcoming.
    assert crosslinks.update_listing(published, s, LISTING, duration=60, notes=None) == published
    # Published straight away (never listed as upcoming): the same page.
    assert crosslinks.update_listing(text, s, LISTING, duration=60, notes=notes) == published


def own_rows(text: str, s) -> list[str]:
    """The rows (and bulleted lines) that carry the bot's marker for ``s``."""
    marker = crosslinks.listing_marker(s)
    rows = [str(t) for t in mwparserfromhell.parse(text).filter_tags(recursive=True)
            if t.tag == "tr" and marker in str(t)]
    return rows + [l for l in text.split("\n") if l.startswith("*") and marker in l]


def test_two_rows_with_the_marker_are_reported_not_guessed():
    text = (DATA / "meta-office-hours.wiki").read_text()
    s = session()
    for notes in (None, s.title + "#Notes"):
        listed = crosslinks.update_listing(text, s, LISTING, duration=60, notes=notes)
        [row] = own_rows(listed, s)
        doubled = listed.replace(row, row + row.replace("2024-07-11", "2024-07-18"))
        for again in (None, s.title + "#Notes"):
            with pytest.raises(crosslinks.ListingError, match=r"2 rows are the bot's .*does not guess"):
                crosslinks.update_listing(doubled, s, LISTING, duration=60, notes=again)


def another_team(s, where: str) -> str:
    """An upcoming row of another team that links the session page: in its
    topics cell, in a footnote, or in its link column (a table with one)."""
    link = f"[[{s.title}|CR&S conversation hour]]"
    if where == "topics":
        return f"|-\n| Thursday || 2024-07-11 || 20:00 || Product team || Talk pages; after the {link}\n"
    if where == "footnote":
        return (f"|-\n| Thursday || 2024-07-11 || 20:00 || Product team || Talk pages"
                f"<ref>Right after the {link}.</ref>\n")
    return f"|-\n|2024-07-11||20:00||Product team||Talk pages||{link}\n"


@pytest.mark.parametrize("where", ["topics", "footnote", "link cell"])
def test_another_teams_row_that_links_the_session_is_never_taken_for_the_bots(where):
    name = "bulleted-past.wiki" if where == "link cell" else "meta-office-hours.wiki"
    text = (DATA / name).read_text()
    s = session()
    theirs = another_team(s, where)
    text = text.replace("|}\n", theirs + "|}\n", 1)
    new = crosslinks.update_listing(text, s, LISTING, duration=60, notes=None)
    [ours] = own_rows(new, s)  # the bot adds its own row beside theirs
    assert without(new, ours) == text
    published = crosslinks.update_listing(new, s, LISTING, duration=60, notes=s.title + "#Notes")
    upcoming, past = published.split("== Past office hours ==")
    assert theirs in upcoming  # never changed or removed
    [moved] = own_rows(past, s)
    assert f"[[{s.title}#Notes|notes]]" in moved
    assert without(published, moved + "\n" * moved.startswith("*")) == text
    assert crosslinks.update_listing(published, s, LISTING, duration=60, notes=s.title + "#Notes") == published


def test_another_teams_past_line_that_links_the_session_is_kept():
    text = (DATA / "bulleted-past.wiki").read_text()
    s = session()
    theirs = f"* 2024-07-11: Product team – talk pages, after the [[{s.title}|CR&S conversation hour]]"
    text = text.replace("* 2024-10-01", theirs + "\n* 2024-10-01", 1)
    published = crosslinks.update_listing(text, s, LISTING, duration=60, notes=s.title + "#Notes")
    assert theirs + "\n" in published
    [line] = own_rows(published, s)
    assert without(published, line + "\n") == text
    # Before publishing, their line is not the bot's listing among the past ones.
    assert own_rows(crosslinks.update_listing(text, s, LISTING, duration=60, notes=None), s)


def test_a_row_a_person_copied_from_the_bots_is_not_the_bots():
    text = (DATA / "meta-office-hours.wiki").read_text()
    s = session()
    listed = crosslinks.update_listing(text, s, LISTING, duration=60, notes=None)
    [ours] = own_rows(listed, s)
    unmarked = ours.replace(crosslinks.listing_marker(s) + "\n", "")
    for copy in (unmarked, unmarked.replace("Maggie Dennis", "Product team").replace("2024-07-11", "2024-07-12")):
        with_copy = listed.replace(ours, ours + copy)
        published = crosslinks.update_listing(with_copy, s, LISTING, duration=60, notes=s.title + "#Notes")
        assert copy in published.split("== Past office hours ==")[0]
        [moved] = own_rows(published, s)
        assert "#Notes|notes]]" in moved and published.count(crosslinks.listing_marker(s)) == 1


def test_a_row_an_earlier_version_wrote_without_the_marker_is_still_the_bots():
    text = (DATA / "meta-office-hours.wiki").read_text()
    s = session()
    listed = crosslinks.update_listing(text, s, LISTING, duration=60, notes=None)
    legacy = listed.replace(crosslinks.listing_marker(s) + "\n", "")
    assert crosslinks.update_listing(legacy, s, LISTING, duration=60, notes=None) == legacy
    published = crosslinks.update_listing(legacy, s, LISTING, duration=60, notes=s.title + "#Notes")
    assert s.title not in published.split("== Past office hours ==")[0]
    assert published == crosslinks.update_listing(listed, s, LISTING, duration=60, notes=s.title + "#Notes")
    old_past = published.replace(crosslinks.listing_marker(s) + "\n", "")
    assert crosslinks.update_listing(old_past, s, LISTING, duration=60, notes=None,
                                     notes_link=s.title + "#Notes") == old_past


@pytest.mark.parametrize("case", json.loads((DATA / "unreadable.json").read_text()), ids=lambda c: c["why"])
def test_a_table_it_cannot_read_is_reported(case):
    with pytest.raises(crosslinks.ListingError, match=case["error"].replace("(", r"\(").replace(")", r"\)")):
        crosslinks.update_listing(case["text"], session(), LISTING, duration=60, notes=None)


def test_configured_columns_name_the_headers_it_does_not_know():
    text = "== Upcoming office hours ==\n{|\n! Date !! Flavour !! Topics\n|}\n== Past office hours ==\n"
    listing = config.CentralListing(columns={"flavour": "blank"})
    new = crosslinks.update_listing(text, session(), listing, duration=60, notes=None)
    assert new.startswith(text.split("|}")[0]) and new.count("|- class=\"vevent\"") == 1


def test_categories_are_added_once_and_a_missing_page_is_not_created():
    cats = ("Category:CR&S meetings", "Category:Office hours")
    text = "Hello\n\n[[category:Office_hours|sort key]]"
    once = crosslinks.ensure_categories(text, True, cats)
    assert once == text + "\n[[Category:CR&S meetings]]"
    assert crosslinks.ensure_categories(once, True, cats) == once
    assert crosslinks.ensure_categories("", False, cats) == ""
    assert crosslinks.ensure_categories("Body", True, cats[:1]) == "Body\n\n[[Category:CR&S meetings]]"
    # A link to the category page (leading colon) is not a categorisation.
    assert crosslinks.has_category("See [[:Category:CR&S meetings]]", cats[0]) is False


def test_the_announcement_is_one_section_per_session_and_event():
    tset = load_templates("conversation-hour-2024")
    s = session()
    heads = set()
    for event in ("created", "published"):
        values = crosslinks.announcement_values(s, event, s.title + "#Notes")
        body = tset.render("announcement", values)
        heading = crosslinks.announcement_heading(s, event)
        heads.add(heading)
        page = crosslinks.with_section("Talk text\n", heading, body)
        assert page.startswith("Talk text\n\n== ") and crosslinks.has_section(page, heading)
        assert crosslinks.with_section(page, heading, body) == page
        assert s.title in body
        assert ("notes" in body.lower()) == (event == "published")
    assert len(heads) == 2


def test_the_massmessage_request():
    assert crosslinks.massmessage_request("Global message delivery/Targets/CR&S", "X: notes published", "Hi\n") == {
        "action": "massmessage", "spamlist": "Global message delivery/Targets/CR&S",
        "subject": "X: notes published", "message": "Hi"}


@pytest.mark.parametrize("data, key", [
    ({"central_listing": {}}, "series[0].central_listing.page: 'IRC office hours' is outside allowed_prefixes"),
    ({"central_listing": {"page": "Talk:X"}, "allowed_titles": ["Talk:Y"]}, "central_listing.page"),
    ({"central_listing": {"columns": {"When": "time-ish"}}, "allowed_titles": ["IRC office hours"]},
     "series[0].central_listing.columns.When: unknown column kind"),
    ({"central_listing": {"colour": "red"}}, "series[0].central_listing.colour: unknown key"),
    ({"categories": {"session": ["CR&S meetings"]}}, "series[0].categories.session[0]"),
    ({"announcements": {"pages": ["User talk:Someone"]}}, "series[0].announcements.pages[0]"),
    ({"duration_minutes": 0}, "series[0].duration_minutes"),
])
def test_bad_crosslink_configuration_names_the_key(data, key):
    with pytest.raises(ConfigError, match=key.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(")):
        config.from_dict({"series": [data]})


def test_titles_listed_by_name_are_allowed():
    s = config.from_dict({"series": [{"allowed_titles": ["IRC office hours"], "central_listing": {}}]}).series[0]
    assert s.allows("IRC_office_hours") and not s.allows("IRC office hours/Other")
    assert s.categories.session == ("Category:CR&S meetings",)


def test_the_calendar_has_one_event_per_session_with_stable_uids():
    import icalendar
    from datetime import datetime, timezone

    from bot.publish import ical

    series = config.SeriesConfig()
    one, two = session("2024-07-11"), session("2024-10-17", "17:00")
    index = (f"* [[{one.title}|11 July 2024]] – [[{one.title}#Notes|notes]]\n"
             f"* [[{two.title}|17 October 2024]] – upcoming\n")
    from bot.model import PageState
    from bot.publish.navigation import start_edit

    created = start_edit(two, series).change("{{Conversation hour navigation|index=X}}\nText", True)
    assert "start=2024-10-17T17:00Z" in created
    found = ical.sessions(index, series, {two.title: PageState(two.title, True, created)})
    assert [(s.title, p) for s, p in found] == [(one.title, True), (two.title, False)]
    entries = [ical.FeedEntry(s, f"https://meta.example/wiki/{s.title}", "https://n.example/x#Notes" if p else None)
               for s, p in found]
    feeds = [ical.build(entries, name="CR&S", duration_minutes=90, stamp=datetime(2024, 7, 1, tzinfo=timezone.utc)),
             ical.build(entries, name="CR&S", duration_minutes=90, stamp=datetime(2024, 8, 1, tzinfo=timezone.utc))]
    uids = []
    for data in feeds:
        cal = icalendar.Calendar.from_ical(data)
        events = cal.walk("VEVENT")
        assert len(events) == 2
        uids.append([str(e["UID"]) for e in events])
        first = events[0]
        assert first.decoded("DTSTART") == datetime(2024, 7, 11, 18, 0, tzinfo=timezone.utc)
        assert first.decoded("DTEND") == datetime(2024, 7, 11, 19, 30, tzinfo=timezone.utc)
        assert str(first["URL"]).endswith(one.title) and "https://n.example/x#Notes" in str(first["DESCRIPTION"])
        assert "ATTACH" not in events[1] and "Notes:" not in str(events[1]["DESCRIPTION"])
        assert events[1].decoded("DTSTART").hour == 17
    assert uids[0] == uids[1] and len(set(uids[0])) == 2
    # 2022 style: the notes have a page of their own.
    s22 = config.SeriesConfig(style="office-hours-2022", notes_subpage="Notes").session(date(2022, 3, 24))
    assert ical.is_published(f"* [[{s22.title}|24 March 2022]] – [[{s22.notes_page}|notes]]", s22)
    assert not ical.is_published(f"* [[{s22.title}|24 March 2022]] – upcoming", s22)


RECORDS = "User:NotesBot/notesbot-records.json"
NOW = "2026-12-07T05:00:00Z"


def ledger_of(texts: dict, legacy: str = ""):
    """The bot's records as a run reads them from ``texts`` (the page, if there)."""
    from bot.model import PageState
    from bot.publish.records import Ledger

    page = PageState(RECORDS, RECORDS in texts, texts.get(RECORDS, ""), revid=1)
    return Ledger(RECORDS, page, NOW, legacy=legacy)


def records_in(texts: dict, s) -> dict:
    return json.loads(texts[RECORDS])["announcements"][s.title]


@pytest.mark.parametrize("value", ["2024-10-17T99:00Z", "2024-10-17Tab:cdZ", "2024-10-18T17:00Z", "17:00",
                                   "2024-10-17T17:60Z"])
def test_a_start_that_is_no_time_of_the_day_is_left_out_with_a_message(value):
    from bot.model import PageState
    from bot.publish import ical

    series = config.SeriesConfig()
    two = session("2024-10-17")
    index = f"* [[{two.title}|17 October 2024]]\n* [[{session('2024-11-21').title}|21 November 2024]]\n"
    page = PageState(two.title, True, f"{{{{Conversation hour navigation|start={value}}}}}")
    problems: list[str] = []
    found = ical.sessions(index, series, {two.title: page}, {date(2024, 10, 17)}, problems=problems)
    assert [(s.title, s.time) for s, _ in found] == [(two.title, "18:00")]  # 21 November: not listed by staff
    [problem] = problems
    assert problem.startswith(f"[[{two.title}]]: start='{value}' is not a time of day on 2024-10-17")
    good = PageState(two.title, True, "{{Conversation hour navigation|start=2024-10-17T17:00Z}}")
    assert [s.time for s, _ in ical.sessions(index, series, {two.title: good}, {date(2024, 10, 17)})] == ["17:00"]


def test_with_massmessage_the_announcement_is_one_request_to_the_delivery_list():
    from bot.publish import plan_new_session

    series = config.from_dict({"series": [{"announcements": {
        "delivery_list": "Global message delivery/Targets/CR&S",
        "pages": [config.CRS + "/Conversation Hour/Talk"]}}]}).series[0]
    s = series.session(date(2024, 10, 17))
    tset = load_templates(series.style)
    with_mm = plan_new_session({}, s, series, tset, massmessage=True, ledger=ledger_of({}))
    [delivery] = with_mm.deliveries
    assert delivery.params["action"] == "massmessage"
    assert delivery.params["spamlist"] == "Global message delivery/Targets/CR&S"
    assert delivery.params["subject"] == "Conversation Hour 2024 10 17: upcoming session"
    assert s.title in delivery.params["message"] and delivery.depends_on == (s.title, RECORDS)
    assert not [e for e in with_mm.edits if e.kind == "announcement"]
    without_mm = plan_new_session({}, s, series, tset, massmessage=False, ledger=ledger_of({}))
    assert not without_mm.deliveries
    [edit] = [e for e in without_mm.edits if e.kind == "announcement"]
    assert edit.new_section == (delivery.params["subject"], delivery.params["message"])
    assert any("no MassMessage" in n for n in without_mm.notices)


# -- announcements: exactly once, by the bot's records page (bot.publish.records) ------------

TALK = config.CRS + "/Conversation Hour/Talk"
DELIVERY = "Global message delivery/Targets/CR&S"


def announcing_series(**announcements):
    return config.from_dict({"series": [{"announcements": {"pages": [TALK], **announcements}}]}).series[0]


def pages_of(**texts):
    from bot.model import PageState

    return {title: PageState(title, True, text, revid=i + 1) for i, (title, text) in enumerate(texts.items())}


class FakeWiki:
    """What ``apply_plan`` uses of ``bot.wiki.Wiki``, over a dict of texts;
    ``massmessage`` fails when told, and every request is logged in order."""

    def __init__(self, texts, *, massmessage_fails=False):
        from bot.model import PageState

        self.texts, self.log, self.fails, self.revid = dict(texts), [], massmessage_fails, 100
        self.State = PageState

    def read(self, titles):
        return {t: self.State(t, t in self.texts, self.texts.get(t, ""), revid=self.revid) for t in titles}

    def save(self, state, text, summary, new_section=None):
        from bot.wiki.pages import SaveResult

        self.revid += 1
        if new_section:
            self.texts[state.title] = crosslinks.with_section(self.texts.get(state.title, ""), new_section, text)
        else:
            self.texts[state.title] = text
        self.log.append(("save", state.title, new_section))
        return SaveResult(state.title, "saved", self.revid)

    def massmessage(self, params):
        from bot.wiki.pages import SaveResult

        self.log.append(("massmessage", params["spamlist"], params["subject"]))
        return SaveResult(params["spamlist"], "failed" if self.fails else "saved", message="no answer")

    def page_url(self, title):
        return title

    def revision_url(self, revid):
        return str(revid)

    confirm = None


def run(plan, wiki):
    from bot.wiki import apply_plan

    return apply_plan(plan, wiki, allowed=lambda t: True, simulate=False, max_retries=2)


def plan_on(wiki, s, series, tset, **options):
    """The new session's plan over what ``wiki`` holds now, as a run makes it."""
    from bot.publish import plan_new_session

    pages = wiki.read(list(wiki.texts))
    return plan_new_session(pages, s, series, tset, ledger=ledger_of(wiki.texts), **options)


def test_a_recorded_announcement_is_not_posted_again_even_when_its_section_is_gone():
    series = announcing_series()
    s = series.session(date(2024, 10, 17))
    tset = load_templates(series.style)
    wiki = FakeWiki({TALK: "Talk.\n"})
    first = plan_on(wiki, s, series, tset)
    [post] = [e for e in first.edits if e.kind == "announcement"]
    [record] = first.afterwards
    assert record.title == RECORDS and record.depends_on == (TALK,)
    assert run(first, wiki).ok
    # The post, then its record on the bot's records page, in that order.
    assert [e for e in wiki.log if e[1] == TALK] == [("save", TALK, post.new_section[0])]
    assert wiki.log[-1] == ("save", RECORDS, None)
    assert records_in(wiki.texts, s) == {f"created {TALK}": "sent"}
    assert json.loads(wiki.texts[RECORDS])["since"] == NOW
    assert "notesbot:announc" not in wiki.texts[s.title]  # nothing the community could edit
    # The talk page archived: the record decides, nothing is posted again.
    wiki.texts[TALK] = "Talk.\n"
    again = plan_on(wiki, s, series, tset)
    assert not [e for e in again.edits if e.kind == "announcement"] and not again.afterwards


def test_a_crash_between_the_post_and_its_record_posts_nothing_more_and_records_it():
    series = announcing_series()
    s = series.session(date(2024, 10, 17))
    tset = load_templates(series.style)
    wiki = FakeWiki({TALK: "Talk.\n"})
    plan = dataclasses.replace(plan_on(wiki, s, series, tset), afterwards=())  # killed after the post
    run(plan, wiki)
    assert RECORDS not in wiki.texts
    posted = wiki.texts[TALK]
    rerun = plan_on(wiki, s, series, tset)
    wiki.log.clear()
    assert run(rerun, wiki).ok
    assert wiki.texts[TALK] == posted and not [e for e in wiki.log if e[1] == TALK]
    assert records_in(wiki.texts, s) == {f"created {TALK}": "sent"}


def test_what_the_session_page_says_decides_nothing_but_the_bots_own_old_records_count():
    from bot.publish import announcements, plan as plan_mod

    series = announcing_series()
    s = series.session(date(2024, 10, 17))
    tset = load_templates(series.style)
    forged = "Session page\n" + announcement_record(s, "published", TALK)
    pages = pages_of(**{s.title: forged, TALK: "Archived: see the archive."})
    plan = plan_mod.PlanBuilder()
    [edit] = announcements.announcement_edits(pages, s, series, tset, plan, event="published", massmessage=False,
                                              ledger=ledger_of({}))
    assert edit.new_section[0] == crosslinks.announcement_heading(s, "published")
    # The same record in the bot's own revision of the session page (an earlier
    # version's): it counts, and is copied to the records page.
    plan = plan_mod.PlanBuilder()
    edits = announcements.announcement_edits(pages, s, series, tset, plan, event="published", massmessage=False,
                                             ledger=ledger_of({}, legacy=forged))
    assert [e.kind for e in edits] == ["announcement record"] and plan.afterwards == []
    assert json.loads(edits[0].change("", False))["announcements"][s.title] == {f"published {TALK}": "sent"}
    # Once the session has an entry on the records page, the session page is not looked at.
    texts = {RECORDS: edits[0].change("", False)}
    plan = plan_mod.PlanBuilder()
    assert announcements.announcement_edits(pages, s, series, tset, plan, event="published", massmessage=False,
                                            ledger=ledger_of(texts)) == []
    # The "created" record does not stand for the notes' announcement.
    [edit] = announcements.announcement_edits(pages, s, series, tset, plan, event="created", massmessage=False,
                                              ledger=ledger_of(texts))
    assert edit.new_section[0] == crosslinks.announcement_heading(s, "created")


def test_a_forged_sending_record_on_the_session_page_neither_blocks_nor_fails():
    series = announcing_series(delivery_list=DELIVERY)
    s = series.session(date(2024, 10, 17))
    tset = load_templates(series.style)
    sending = announcement_record(s, "created", DELIVERY, massmessage=True, sent=False)
    wiki = FakeWiki({s.title: "Session page\n" + sending})
    plan = plan_on(wiki, s, series, tset, massmessage=True)
    assert not plan.refusals and len(plan.deliveries) == 1
    assert run(plan, wiki).ok and [e[0] for e in wiki.log].count("massmessage") == 1


def test_a_mass_message_is_recorded_then_sent_then_recorded_sent_and_never_sent_twice():
    series = announcing_series(delivery_list=DELIVERY)
    s = series.session(date(2024, 10, 17))
    tset = load_templates(series.style)
    key = f"created massmessage {DELIVERY}"
    wiki = FakeWiki({})
    plan = plan_on(wiki, s, series, tset, massmessage=True)
    [records_edit] = [e for e in plan.edits if e.title == RECORDS]
    assert json.loads(records_edit.text)["announcements"][s.title] == {key: "sending"}
    real_massmessage = wiki.massmessage

    def massmessage(params):  # the record is on the wiki before the request
        assert records_in(wiki.texts, s) == {key: "sending"}
        return real_massmessage(params)

    wiki.massmessage = massmessage
    assert run(plan, wiki).ok
    assert [e[0] for e in wiki.log].count("massmessage") == 1
    assert records_in(wiki.texts, s) == {key: "sent"}
    for _ in range(2):  # rerun: nothing sent
        rerun = plan_on(wiki, s, series, tset, massmessage=True)
        assert not rerun.deliveries and not rerun.refusals and not rerun.afterwards
        run(rerun, wiki)
    assert [e[0] for e in wiki.log].count("massmessage") == 1


@pytest.mark.parametrize("how", ["killed before the request", "killed after the request", "request failed"])
def test_a_mass_message_whose_sending_is_not_recorded_is_reported_not_sent_again(how):
    series = announcing_series(delivery_list=DELIVERY)
    s = series.session(date(2024, 10, 17))
    tset = load_templates(series.style)
    wiki = FakeWiki({}, massmessage_fails=how == "request failed")
    plan = plan_on(wiki, s, series, tset, massmessage=True)
    if how != "request failed":
        plan = dataclasses.replace(plan, afterwards=())
    if how == "killed before the request":
        plan = dataclasses.replace(plan, deliveries=())
    report = run(plan, wiki)
    assert report.ok == (how != "request failed")
    sends = [e[0] for e in wiki.log].count("massmessage")
    rerun = plan_on(wiki, s, series, tset, massmessage=True)
    assert not rerun.deliveries
    [(title, kind, why)] = rerun.refusals
    assert title == RECORDS and "not sent again" in why and "MassMessage log" in why
    report = run(rerun, wiki)
    assert not report.ok and [e[0] for e in wiki.log].count("massmessage") == sends


def test_a_mass_message_waits_for_its_record_to_be_saved():
    from bot.wiki import apply_plan

    series = announcing_series(delivery_list=DELIVERY)
    s = series.session(date(2024, 10, 17))
    tset = load_templates(series.style)
    wiki = FakeWiki({})
    wiki.confirm = lambda title, old, new: "n" if title == RECORDS else "y"  # the records page declined
    plan = plan_on(wiki, s, series, tset, massmessage=True)
    report = apply_plan(plan, wiki, allowed=lambda t: True, simulate=False, max_retries=2, ask=True)
    assert "massmessage" not in [e[0] for e in wiki.log]
    assert [o.status for o in report.outcomes if o.title == DELIVERY] == ["skipped"]


def test_a_records_page_that_is_not_json_is_a_one_line_refusal():
    from bot.publish import PlanError

    with pytest.raises(PlanError, match=r"notesbot-records.json\]\] is not valid JSON"):
        ledger_of({RECORDS: "{" * 100000})
