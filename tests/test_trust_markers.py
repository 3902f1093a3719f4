"""The bot finds its own text by its own markers only (issue 25, item 3):
a heading edit never makes a second copy, a deleted end marker or a begin
marker copied onto someone else's text never costs their lines."""

from __future__ import annotations

import pytest

from bot.publish.pagetext import NOTES_BEGIN, NOTES_END, set_own_part, wrap_own
from scenario import Scenario
from test_trust import DAY, collected, tick

NOTES = "* Question one?\n: Maggie: Answer one."


def test_a_begin_marker_copied_above_a_volunteers_intro_takes_none_of_it():
    page = f"{NOTES_BEGIN}\nA volunteer's intro.\n{wrap_own('old notes')}\nA volunteer's note.\n"
    out = set_own_part(page, NOTES)
    assert "A volunteer's intro." in out and "A volunteer's note." in out and "old notes" not in out
    assert out.count(NOTES) == 1


def test_a_deleted_end_marker_replaces_only_the_bots_own_lines():
    page = f"{NOTES_BEGIN}\n{NOTES}\nA volunteer's line.\n[[Category:Meetings]]\n<!-- record -->\n"
    out = set_own_part(page, NOTES)
    assert out.count(NOTES) == 1 and out.count(NOTES_END) == 1
    for kept in ("A volunteer's line.", "[[Category:Meetings]]", "<!-- record -->"):
        assert kept in out


@pytest.fixture
def scenario(wiki, tmp_path) -> Scenario:
    return Scenario(wiki, tmp_path)


@pytest.mark.parametrize("heading", ["== Notes <!-- edited --> ==", "== notes ==", "== Meeting notes ==",
                                     "== <translate>Notes</translate> ==", "=== Notes ===\nA note.\n\n== Notes =="])
def test_a_heading_edit_never_leads_to_a_second_copy(scenario: Scenario, heading):
    s = scenario
    collected(s)
    s.answer(DAY, {"threats": [": Maggie: We work with professionals."]})
    tick(s, "2025-01-17T12:00:00Z")
    page = s.reader.text(s.session(DAY))
    assert page.count("We work with professionals.") == 1
    s.member.edit(s.session(DAY), page.replace("== Notes ==", heading, 1), "Heading")
    text = s.staff.text(s.draft(DAY)).replace("We work with professionals.", "We train our staff.")
    s.staff.edit(s.draft(DAY), text, "Better answer")
    result = tick(s, "2025-01-18T12:00:00Z")
    page = s.reader.text(s.session(DAY))
    assert page.count("We train our staff.") == 1, result.stdout + result.stderr + page
    assert "We work with professionals." not in page
    assert page.count(NOTES_BEGIN) == 1


# -- a marker copied or moved onto someone else's line or row ------------------------

from bot.publish.pagetext import ensure_line, marker  # noqa: E402

TAG = marker("session", "S")
BOT_LINE = f"* [[S|16 January]] {TAG}"


def index_own(line: str) -> bool:
    return TAG in line or line.strip() == "* [[S|16 January]]"


@pytest.mark.parametrize("page", [
    f"* A volunteer's recording of [[S]] {TAG}\n{BOT_LINE}\n",            # copied above the bot's line
    "* A volunteer's recording of [[S]] " + TAG + "\n* [[S|16 January]]\n",  # moved off the bot's line
])
def test_a_forged_marker_on_a_volunteers_index_line_never_replaces_it(page):
    new = f"* [[S|16 January]] – [[S#Notes|notes]] {TAG}"
    out = ensure_line(page, new, own=index_own, exact=lambda l: l.strip() in {BOT_LINE, "* [[S|16 January]]"})
    assert "A volunteer's recording of [[S]]" in out and out.count(new) == 1


def test_a_listing_marker_moved_onto_another_teams_row_never_replaces_it():
    from bot.publish import crosslinks
    from test_crosslinks import DATA, LISTING, another_team, own_rows, session
    s = session()
    listed = crosslinks.update_listing((DATA / "meta-office-hours.wiki").read_text(), s, LISTING, duration=60,
                                       notes=None)
    [ours] = own_rows(listed, s)
    team = another_team(s, "topics")
    forged = team.replace("|-\n", "|-\n" + crosslinks.listing_marker(s) + "\n", 1)
    attacked = listed.replace(ours, ours.replace(crosslinks.listing_marker(s) + "\n", "") + forged)
    published = crosslinks.update_listing(attacked, s, LISTING, duration=60, notes=s.title + "#Notes")
    assert forged in published.split("== Past office hours ==")[0]  # the other team's row stays as it is
    assert "#Notes|notes]]" in published.split("== Past office hours ==")[1]


@pytest.mark.wiki
def test_a_marker_copied_onto_a_volunteers_index_line_never_replaces_it(scenario: Scenario):
    s = scenario
    collected(s)
    s.answer(DAY, {"threats": [": Maggie: We work with professionals."]})
    index = s.member.text(s.index)
    [ours] = [l for l in index.split("\n") if "notesbot:session" in l]
    tag = ours[ours.index("<!--"):]
    volunteer = f"* The recording of [[{s.session(DAY)}|the session]] is on Commons. {tag}"
    s.member.edit(s.index, index.replace(ours, volunteer + "\n" + ours), "Recording")
    result = tick(s, "2025-01-17T12:00:00Z")
    index = s.reader.text(s.index)
    assert volunteer in index, result.stdout + result.stderr + index
    from bot.publish.pagetext import links_in
    [bots] = [l for l in index.split("\n") if tag in l and l != volunteer]
    assert len(links_in(bots)) > 1, bots  # the bot's own line now links the notes


# -- a category copy the page never renders -----------------------------------------

@pytest.mark.parametrize("copy", ["<includeonly>[[Category:CR&S meetings]]</includeonly>",
                                  "{{#if:{{{x|}}}|[[Category:CR&S meetings]]}}",
                                  "<nowiki>[[Category:CR&S meetings]]</nowiki>"])
def test_a_category_copy_the_page_never_renders_does_not_stop_the_real_one(copy):
    from bot.publish.crosslinks import ensure_categories
    out = ensure_categories(f"Body\n{copy}", True, ("Category:CR&S meetings",))
    assert out.endswith("\n[[Category:CR&S meetings]]") and copy in out


def test_a_category_in_noinclude_counts():
    from bot.publish.crosslinks import ensure_categories
    text = "Body\n<noinclude>[[Category:CR&S meetings]]</noinclude>"
    assert ensure_categories(text, True, ("Category:CR&S meetings",)) == text


@pytest.mark.wiki
def test_a_category_hidden_in_includeonly_by_the_community_does_not_stop_the_real_one(scenario: Scenario):
    s = scenario
    collected(s)
    s.answer(DAY, {"threats": [": Maggie: We work with professionals."]})
    page = s.member.text(s.session(DAY))
    assert "[[Category:CR&S meetings]]" in page
    s.member.edit(s.session(DAY), page.replace("[[Category:CR&S meetings]]",
                                               "<includeonly>[[Category:CR&S meetings]]</includeonly>"), "Category")
    assert "CR&S_meetings" not in [c["category"] for c in s.reader.parse(s.session(DAY))["categories"]]
    result = tick(s, "2025-01-17T12:00:00Z")
    categories = [c["category"] for c in s.reader.parse(s.session(DAY))["categories"]]
    assert "CR&S_meetings" in categories, (categories, result.stdout + result.stderr)


# -- a mark never inside the question template's parameter ---------------------------

SIGNED_Q = "[[User:Community Member|Community Member]] 10:00, 10 January 2025 (UTC)"


@pytest.mark.parametrize("page", [
    "== Other ==\n{{Conversation hour question\n| topic = Other\n| question = Is it signed inside? "
    + SIGNED_Q + "\n}}\n",
    "== Other ==\n{{Conversation hour question\n| question = Is it signed inside? " + SIGNED_Q + "}}\n",
])
def test_a_mark_is_never_placed_inside_the_question_templates_parameter(page):
    from bot.harvest import harvest
    from bot.publish.mark_sync import sync_marks
    [q] = harvest(page, {}).questions
    out = sync_marks(page, {q.id: (f"Notes#{q.id}", False)}, "Conversation hour answered", {})
    mark = "{{Conversation hour answered|Notes#" + q.id + "}}"
    assert out.count(mark) == 1
    before = out[:out.index(mark)]
    assert before.count("{{") == before.count("}}"), out  # every call closed before the mark
    [again] = harvest(out, {}, mark_template="Conversation hour answered").questions
    assert again.question == q.question  # the parameter holds the question alone
    assert sync_marks(out, {q.id: (f"Notes#{q.id}", False)}, "Conversation hour answered", {}) == out


@pytest.mark.wiki
def test_a_question_signed_inside_the_template_gets_its_mark_after_the_call(scenario: Scenario):
    s = scenario
    s.run_ok("new-session", DAY, "--time", "18:00", "-always")
    q = s.questions(DAY)
    s.member.edit(q, s.member.text(q) + "\n== Trust and Safety ==\n{{Conversation hour question\n"
                  "| topic = Trust and Safety\n| question = How do you handle threats? " + SIGNED_Q + "\n}}\n",
                  "A question")
    tick(s, "2025-01-10T12:00:00Z")
    s.answer(DAY, {"threats": [": Maggie: We work with professionals."]})
    result = tick(s, "2025-01-17T12:00:00Z")
    page = s.reader.text(q)
    at = page.find("{{Conversation hour answered")
    assert at > 0, result.stdout + result.stderr + page
    before = page[page.index("{{Conversation hour question"):at]
    assert before.count("{{") == before.count("}}"), page  # the mark is outside the question's call
    html = s.reader.parse_html(q)
    question = html[html.index("conversation-hour-question"):]
    assert "How do you handle threats?" in question.split("</div>", 1)[0]
