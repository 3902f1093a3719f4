"""Publishing on the real local wiki, with the community editing alongside."""

from __future__ import annotations

import json
import re
import signal
import subprocess
from pathlib import Path

import pytest

from faultproxy import NO_FAULTS
from scenario import ProxiedScenario, Scenario, anchors, benchmark, mark_targets

DAY = "2024-07-11"
ANSWERS = {
    "users who may cause self-harm": [": Maggie: We have public pages with professional resources.",
                                      ": In these situations, it is important to listen without judgment.",
                                      ": Jan Eissfeldt: Some affiliates have done great work."],
    "wasted your time": [": Maggie: No, it was an important process.", ": Kaarel: We have made progress."],
    "edited Draft Charter": [": Maggie: Of course, you can ask the Board anything."],
    "dispute resolution": [": Kaarel: Many of these materials are in the supplementary documentation."],
    "implement the Movement Charter in pieces": [": Maggie: Yes, I imagine that is the plan."],
    "human rights principles": [": Maggie: Advance planning is helpful."],
    "U4C vote": [": Maggie: It is constituted as a very large committee.", ": Jack: The Charter was an obstacle."],
    "made any difference": [": Maggie: Yes, we tend to be a precedence-based community."],
    "Board candidates were asked": [": Maggie: Disinformation, misinformation, political conflict."],
    "good committee member": [": Maggie: Listen first."],
    "start the MCDC process over": [": Kaarel: There are plenty of things that could have been done differently."],
}
UNANSWERED = ["Anyone can propose amendments", "What exactly was your role"]


def full_cycle(s: Scenario) -> None:
    s.post_example_questions(DAY)
    s.run_ok("harvest", "--session", DAY, "--to-draft", "-always")
    s.answer(DAY, ANSWERS)
    s.run_ok("publish", DAY, "-always")


@pytest.fixture
def scenario(wiki, tmp_path) -> Scenario:
    return Scenario(wiki, tmp_path)


def test_full_cycle_publishes_notes_index_navigation_and_marks(scenario: Scenario):
    s = scenario
    full_cycle(s)

    session = s.reader.text(s.session(DAY))
    notes_part = session.split("== Notes ==", 1)[1]
    assert "Maggie: We have public pages with professional resources." in notes_part
    assert "Example Editor" not in notes_part and "Sample-Wikimedian" not in notes_part  # anonymous
    written = notes_part.split("To be answered in writing", 1)[1]
    for needle in UNANSWERED:
        assert needle in written
    assert "{{Conversation hour navigation" in session

    index = s.reader.text(s.index)
    [line] = [l for l in index.split("\n") if s.session(DAY) in l]
    assert "11 July 2024" in line and "#Notes" in line

    questions = s.reader.text(s.questions(DAY))
    # 13 questions; the UCoC question asked twice (merged) is marked after both askings
    assert questions.count("{{Conversation hour answered|") == 14
    [first, again] = [l for l in questions.split("\n") if "UCoC has made any difference?" in l]
    assert first.split("#q-")[1][:10] == again.split("#q-")[1][:10]
    assert questions.count("status=written") == 2

    notes_html = s.reader.parse_html(title=s.session(DAY))
    targets = mark_targets(s.reader.parse_html(title=s.questions(DAY)))
    assert len(targets) == 14
    ids = anchors(notes_html)
    for page, anchor in targets:
        assert page == s.session(DAY)
        assert anchor in ids, f"mark links to #{anchor}, which the notes page does not have"


def test_a_second_publish_makes_no_edit(scenario: Scenario):
    s = scenario
    full_cycle(s)
    before = len(s.bot_edits())
    result = s.run_ok("publish", DAY, "-always")
    assert len(s.bot_edits()) == before
    assert "unchanged" in result.stdout and "updated" not in result.stdout


def test_one_edit_per_changed_page(scenario: Scenario):
    s = scenario
    s.post_example_questions(DAY)
    s.run_ok("harvest", "--session", DAY, "--to-draft", "-always")
    s.answer(DAY, ANSWERS)
    before = {c["revid"] for c in s.bot_edits()}
    s.run_ok("publish", DAY, "-always")
    new = [c for c in s.bot_edits() if c["revid"] not in before]
    titles = [c["title"] for c in new]
    assert sorted(titles) == sorted(set(titles)) == sorted([s.session(DAY), s.index, s.questions(DAY)])


def ready_after_a_previous_session(s: Scenario) -> str:
    """An index with one earlier session, that session's page, and the draft
    of DAY harvested and answered; the earlier session's title."""
    previous = s.session("2024-04-11")
    s.admin.edit(s.index, f"* [[{previous}|11 April 2024]] – [[{previous}#Notes|notes]]\n", "The series so far")
    s.admin.edit(previous, f"{{{{Conversation hour navigation|previous=|next=|index={s.index}}}}}\n"
                           "The previous session.\n", "The previous session")
    s.post_example_questions(DAY)
    s.run_ok("harvest", "--session", DAY, "--to-draft", "-always")
    s.answer(DAY, ANSWERS)
    return previous


def test_a_publish_of_n_changed_pages_makes_at_most_n_plus_2_requests(scenario: Scenario, wiki):
    """The bound of ``benchmarks/publish.py --check`` (its
    ``request_limit``), measured as it measures it: an edit for each changed
    page, and two requests more (the index's history, with the login check
    and the edit token; one batch for the configuration, the shutoff page and
    every page the plan reads, the neighbour's too)."""
    bench = benchmark("publish")
    s = scenario
    previous = ready_after_a_previous_session(s)
    # pywikibot's cache of the API's parameters (paraminfo, kept in the
    # pywikibot folder for weeks) filled as on any run but a folder's first.
    s.run_ok("publish", DAY, "-simulate")

    requests, edited = bench.measure(wiki, s.bot_edits, lambda: s.run_ok("publish", DAY, "-always"))
    assert sorted(edited) == sorted([s.session(DAY), s.index, s.questions(DAY), previous])
    print(f"publish: {requests} requests for {len(edited)} edits")
    assert bench.over_limit(requests, len(edited)) is None, bench.over_limit(requests, len(edited))

    # Later answers: fewer pages change, and the bound follows them.
    s.answer(DAY, {"U4C vote": [": Kaarel: One more answer, later."]})
    requests, edited = bench.measure(wiki, s.bot_edits, lambda: s.run_ok("publish", DAY, "-always"))
    assert s.session(DAY) in edited and previous not in edited and s.index not in edited
    print(f"publish: {requests} requests for {len(edited)} edits")
    assert bench.over_limit(requests, len(edited)) is None, bench.over_limit(requests, len(edited))


def test_a_page_created_by_somebody_while_the_bot_creates_it_is_kept(wiki, tmp_path, proxy):
    """The bot creates the session page without reading it first (it read
    it missing in its first batch); somebody creates it just before the
    bot's creation reaches the wiki: ``createonly`` refuses the bot's save,
    and the bot puts its notes on the page as that person left it."""
    s = ProxiedScenario(wiki, tmp_path, proxy=proxy)
    s.post_example_questions(DAY)
    s.run_ok("harvest", "--session", DAY, "--to-draft", "-always")
    s.answer(DAY, ANSWERS)
    mine = "A welcome written by a member while the bot was saving."
    created = f"{{{{Conversation hour navigation|previous=|next=|index={s.index}}}}}\n{mine}\n"
    hook = s.when_saving(s.session(DAY), lambda: s.member.edit(s.session(DAY), created, "Created meanwhile"))
    s.run_ok("publish", DAY, "-always")
    assert hook.done, hook
    page = s.reader.text(s.session(DAY))
    assert page.count(mine) == 1, page
    # Computed over the member's page (its navigation box updated), not added after it.
    assert page.count("{{Conversation hour navigation") == 1, page
    assert page.count("== Notes ==") == 1 and "Maggie: We have public pages with professional resources." in page


def test_a_community_edit_to_a_page_read_in_the_first_batch_is_kept(wiki, tmp_path, proxy):
    """The previous session's page is read in the run's first batch and saved
    last; the member edits it while the bot saves the first page: the check
    before its save finds the new revision, and the bot's change is made on
    the member's text."""
    s = ProxiedScenario(wiki, tmp_path, proxy=proxy)
    previous = ready_after_a_previous_session(s)
    late = "A line the member added while the bot was publishing."
    hook = s.when_saving(s.session(DAY), lambda: s.member.edit(previous, s.member.text(previous) + "\n" + late,
                                                               "Added meanwhile"))
    s.run_ok("publish", DAY, "-always")
    assert hook.done, hook
    page = s.reader.text(previous)
    assert late in page and f"next={s.session(DAY)}" in page.replace(" |", "|"), page


def test_simulate_prints_the_plan_and_writes_nothing(scenario: Scenario):
    s = scenario
    s.post_example_questions(DAY)
    s.run_ok("harvest", "--session", DAY, "--to-draft", "-always")
    s.answer(DAY, ANSWERS)
    before = len(s.bot_edits())
    result = s.run_ok("publish", DAY, "-simulate")
    assert len(s.bot_edits()) == before
    assert "+* <span id=\"q-" in result.stdout or "+:" in result.stdout
    assert "would create" in result.stdout or "would update" in result.stdout


def test_a_community_edit_between_read_and_write_is_kept(wiki, tmp_path, proxy):
    """The member adds a question to the questions page after the bot read it
    and just before the bot's save of its marks reaches the wiki (the proxy
    holds that save back meanwhile): both changes end up on the page."""
    s = ProxiedScenario(wiki, tmp_path, proxy=proxy)
    s.post_example_questions(DAY)
    s.run_ok("harvest", "--session", DAY, "--to-draft", "-always")
    s.answer(DAY, ANSWERS)
    late = "* A late question, added while the bot was working? [[User:Community Member|Community Member]] 10:00, 11 July 2024 (UTC)"
    hook = s.add_when_saving(s.questions(DAY), late)
    s.run_ok("publish", DAY, "-always")
    assert hook.done, hook
    final = s.reader.text(s.questions(DAY))
    assert late in final
    assert final.count("{{Conversation hour answered|") == 14  # the merged duplicate is marked after both askings


def pages_of(s: Scenario) -> dict[str, str]:
    titles = [s.session(DAY), s.index, s.questions(DAY), s.draft(DAY)]
    return {t.replace(s.prefix, "PREFIX"): (s.reader.text(t) or "").replace(s.prefix, "PREFIX") for t in titles}


def test_killed_after_each_edit_then_rerun_ends_as_an_uninterrupted_run(wiki, tmp_path, proxy):
    """The bot's process is killed (SIGKILL) right after the wiki applied its
    k-th edit, before the answer reaches it, for each k of the plan; the
    same command run again ends with the pages of a run never interrupted."""
    reference = Scenario(wiki, tmp_path)
    reference.post_example_questions(DAY)
    reference.run_ok("harvest", "--session", DAY, "--to-draft", "-always")
    reference.answer(DAY, ANSWERS)
    edits_before = len(reference.bot_edits())
    reference.run_ok("publish", DAY, "-always")
    plan_size = len(reference.bot_edits()) - edits_before
    assert plan_size >= 3
    expected = pages_of(reference)

    for k in range(1, plan_size + 1):
        s = ProxiedScenario(wiki, tmp_path, proxy=proxy)
        s.post_example_questions(DAY)
        s.run_ok("harvest", "--session", DAY, "--to-draft", "-always")
        s.answer(DAY, ANSWERS)
        proxy.use(NO_FAULTS)  # write numbers count from 1 again
        bot: list[subprocess.Popen] = []
        kill = proxy.on_write(lambda request: bot[0].kill(), number=k, after=True)
        bot.append(s.start("publish", DAY, "-always"))
        out, err = bot[0].communicate(timeout=300)
        assert kill.done, f"{kill}\n{out}\n{err}"
        assert bot[0].returncode == -signal.SIGKILL, err
        s.run_ok("publish", DAY, "-always")
        assert pages_of(s) == expected, f"after a kill following edit {k}"


def test_shutoff_page_stops_every_edit(scenario: Scenario):
    s = scenario
    s.post_example_questions(DAY)
    s.admin.edit(s.title(s.shutoff), "no", "Stop the bot")
    result = s.run("harvest", "--session", DAY, "--to-draft", "-always")
    assert result.returncode == 3
    assert "does not say 'yes'" in result.stderr
    assert s.bot_edits() == []
    assert s.reader.text(s.draft(DAY)) is None


def test_nobots_on_the_index_is_respected(scenario: Scenario):
    s = scenario
    s.admin.edit(s.index, "{{nobots}}\nSessions:\n", "No bots here")
    s.post_example_questions(DAY)
    s.run_ok("harvest", "--session", DAY, "--to-draft", "-always")
    s.answer(DAY, ANSWERS)
    result = s.run("publish", DAY, "-always")
    assert result.returncode == 1
    assert re.search(r"Conversation Hour\s+refused\s+\{\{nobots\}\}", result.stdout)
    assert s.reader.text(s.index) == "{{nobots}}\nSessions:"
    assert all(c["title"] != s.index for c in s.bot_edits())
    # The marks point at the notes, which were saved: the index refusal does not hold them back.
    assert s.reader.text(s.questions(DAY)).count("{{Conversation hour answered|") == 14


def test_a_target_outside_the_allowed_prefixes_is_refused(wiki, tmp_path):
    s = Scenario(wiki, tmp_path, series_extra={"index_page": "Main Page"})
    s.post_example_questions(DAY)
    s.run_ok("harvest", "--session", DAY, "--to-draft", "-always")
    s.answer(DAY, ANSWERS)
    main_before = s.reader.text("Main Page")
    result = s.run("publish", DAY, "-always")
    assert result.returncode == 1
    assert re.search(r"Main Page\s+refused\s+outside the allowed prefixes", result.stdout)
    assert s.reader.text("Main Page") == main_before


def test_a_hostile_onwiki_config_stops_before_any_edit(scenario: Scenario):
    s = scenario
    s.post_example_questions(DAY)
    s.admin.edit(s.title(s.onwiki), '{"series": [{"name": "test", "allowed_prefixes": ["Main"], "evil": true}]}',
                 "Hostile config", contentmodel="json")
    result = s.run("harvest", "--session", DAY, "--to-draft", "-always")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        f"notesbot: [[{s.title(s.onwiki)}]]: series[0].evil: unknown key")
    assert s.bot_edits() == []


def test_new_session_creates_pages_links_index_and_previous(scenario: Scenario):
    s = scenario
    full_cycle(s)
    result = s.run_ok("new-session", "2024-10-17", "--time", "17:00", "-always")
    new = s.session("2024-10-17")
    page = s.reader.text(new)
    assert "17 October 2024" in page and "17:00" in page
    assert "{{Conversation hour questions header" in s.reader.text(new + "/Questions")
    index = s.reader.text(s.index)
    lines = [l for l in index.split("\n") if "Conversation Hour 2024" in l]
    assert len(lines) == 2 and "upcoming" in lines[-1] and new in lines[-1]
    previous = s.reader.text(s.session(DAY))
    assert f"next={new}" in previous.replace(" |", "|")
    assert f"previous={s.session(DAY)}" in page
    # Never overwrites: a second call changes nothing.
    again = s.run_ok("new-session", "2024-10-17", "-always")
    assert "created" not in again.stdout and "updated" not in again.stdout, result.stdout


def test_shutoff_switched_off_mid_run_stops_the_next_edit(wiki, tmp_path, proxy):
    """With ``shutoff_recheck_seconds: 0`` (the shutoff page read again
    before every edit), an administrator switches the bot off while its
    first save (the session page) is on its way: that save lands, the next
    one is not made."""
    s = ProxiedScenario(wiki, tmp_path, proxy=proxy, extra={"shutoff_recheck_seconds": 0})
    s.post_example_questions(DAY)
    s.run_ok("harvest", "--session", DAY, "--to-draft", "-always")
    s.answer(DAY, ANSWERS)
    off = s.when_saving(s.session(DAY), lambda: s.admin.edit(s.title(s.shutoff), "no", "Stop the bot now"))
    result = s.run("publish", DAY, "-always")
    assert off.done, off
    assert result.returncode == 3, result.stdout + result.stderr
    assert "no longer says 'yes'" in result.stderr
    assert "Traceback" not in result.stderr
    assert [c["title"] for c in s.bot_edits() if c["title"] != s.draft(DAY)] == [s.session(DAY)]


def test_shutoff_switched_off_mid_run_stops_the_next_run_and_the_next_edit_after_a_failure(wiki, tmp_path, proxy):
    """With the production default (the shutoff page read once a run, again
    only after a minute or a save that did not go through): switched off
    during the first save, a short publish finishes its edits, unless one
    of them conflicts (a member edits the previous session's page at the
    same moment, on the line the bot changes): from then on the bot reads the shutoff page again before
    its next edit, and stops.  The next run makes no edit."""
    s = ProxiedScenario(wiki, tmp_path, proxy=proxy)
    previous = ready_after_a_previous_session(s)

    def meanwhile() -> None:
        s.admin.edit(s.title(s.shutoff), "no", "Stop the bot now")
        first, rest = s.member.text(previous).split("\n", 1)
        s.member.edit(previous, f"{first} <!-- added meanwhile -->\n{rest}", "Added meanwhile")

    off = s.when_saving(s.session(DAY), meanwhile)
    result = s.run("publish", DAY, "-always")
    assert off.done, off
    assert result.returncode == 3, result.stdout + result.stderr
    assert "no longer says 'yes'" in result.stderr and "Traceback" not in result.stderr
    edited = [c["title"] for c in s.bot_edits() if c["title"] != s.draft(DAY)]
    assert previous not in edited and s.session(DAY) in edited, edited
    assert "<!-- added meanwhile -->" in s.reader.text(previous)
    before = len(s.bot_edits())
    again = s.run("publish", DAY, "-always")
    assert again.returncode == 3 and "does not say 'yes'" in again.stderr, again.stderr
    assert len(s.bot_edits()) == before


def test_a_protected_page_is_refused_with_a_clear_message(scenario: Scenario):
    s = scenario
    s.post_example_questions(DAY)
    s.run_ok("harvest", "--session", DAY, "--to-draft", "-always")
    s.answer(DAY, ANSWERS)
    s.admin.edit(s.index, "Sessions:\n", "Index")
    s.admin.protect(s.index)
    result = s.run("publish", DAY, "-always")
    assert result.returncode == 1
    assert re.search(r"Conversation Hour\s+refused\s+the page is protected", result.stdout), result.stdout
    assert "Traceback" not in result.stderr
    assert s.reader.text(s.index) == "Sessions:"
    # The rest of the plan went on: notes and marks are there.
    assert "== Notes ==" in s.reader.text(s.session(DAY))
    assert s.reader.text(s.questions(DAY)).count("{{Conversation hour answered|") == 14


def test_a_spam_blacklist_hit_is_refused_and_the_run_exits_non_zero(scenario: Scenario):
    s = scenario
    text = s.post_example_questions(DAY)
    s.member.edit(s.questions(DAY), text + "\n== Links ==\n* Have you read [http://spam.example/offer this]? "
                  "[[User:Community Member|Community Member]] 10:00, 9 July 2024 (UTC)\n", "Link")
    s.admin.edit("MediaWiki:Spam-blacklist", "\\bspam\\.example\\b\n", "Test blacklist")
    try:
        result = s.run("harvest", "--session", DAY, "--to-draft", "-always")
    finally:
        s.admin.edit("MediaWiki:Spam-blacklist", "", "End of test blacklist")
    assert result.returncode == 1
    assert re.search(r"Notes draft\s+refused\s+a link is on the spam blacklist", result.stdout), result.stdout
    assert s.reader.text(s.draft(DAY)) is None


def test_a_block_stops_the_run(scenario: Scenario):
    s = scenario
    s.post_example_questions(DAY)
    s.admin.post(action="block", user=s.bot_user, expiry="1 hour", reason="Test block", token=s.admin.csrf)
    try:
        result = s.run("harvest", "--session", DAY, "--to-draft", "-always")
    finally:
        s.admin.post(action="unblock", user=s.bot_user, token=s.admin.csrf, reason="End of test")
    assert result.returncode == 3, result.stdout + result.stderr
    assert "blocked" in result.stderr.strip().splitlines()[-1]
    assert "Traceback" not in result.stderr
    assert s.reader.text(s.draft(DAY)) is None


def test_the_2022_style_publishes_the_notes_on_a_page_of_their_own(wiki, tmp_path):
    s = Scenario(wiki, tmp_path, style="office-hours-2022")
    full_cycle(s)
    notes = s.reader.text(s.notes(DAY))
    assert notes is not None and "== Trust and Safety ==" in notes
    assert "** Maggie: We have public pages with professional resources." in notes
    assert "{{Conversation hour navigation" in s.reader.text(s.session(DAY))
    [line] = [l for l in s.reader.text(s.index).split("\n") if s.session(DAY) in l]
    assert f"[[{s.notes(DAY)}|notes]]" in line
    targets = mark_targets(s.reader.parse_html(title=s.questions(DAY)))
    ids = anchors(s.reader.parse_html(title=s.notes(DAY)))
    assert len(targets) == 14 and all(page == s.notes(DAY) and a in ids for page, a in targets)


FORMS = json.loads((Path(__file__).resolve().parent / "data" / "template-name-forms.json").read_text())
MARK_CALL = re.compile(r"\{\{Conversation hour answered\|")
NAVIGATION_ANY_FORM = re.compile(r"\{\{[^|{}]*onversation[ _]hour[ _]navigation[^|{}]*\|")


def new_edits(s: Scenario, before: set[int]) -> list[str]:
    return sorted(c["title"] for c in s.bot_edits() if c["revid"] not in before)


def navigation_boxes(s: Scenario, title: str) -> int:
    return s.reader.parse_html(title=title).count('class="conversation-hour-navigation"')


def test_marks_and_navigation_written_in_any_form_of_the_template_name_are_recognised(scenario: Scenario):
    """After a publish, the community rewrites the 14 marks on the questions
    page and the navigation box on the session page in the other forms
    MediaWiki reads as the same templates (tests/data/template-name-forms.json);
    the wiki renders each form as the template.  Publishing again (once with a
    new answer, then with one navigation form after another) recognises every
    form: never a second mark or a second box, at most one edit a page."""
    s = scenario
    full_cycle(s)
    questions, session = s.questions(DAY), s.session(DAY)
    marks = iter(FORMS["mark"] * 2)
    text = MARK_CALL.sub(lambda m: next(marks), s.reader.text(questions))
    assert not MARK_CALL.search(text)
    s.member.edit(questions, text, "Marks written by hand")
    rendered = mark_targets(s.reader.parse_html(title=questions))
    assert len(rendered) == 14, "each form is a call of the mark template on the wiki"
    s.answer(DAY, {UNANSWERED[0]: [": Maggie: Anyone can, through the amendment process."]})

    for number, form in enumerate(FORMS["navigation"]):
        page = s.reader.text(session)
        calls = NAVIGATION_ANY_FORM.findall(page)
        assert len(calls) == 1, f"{form}: navigation calls {calls}"
        page = NAVIGATION_ANY_FORM.sub(lambda m: form, page, count=1)
        assert form in page
        s.admin.edit(session, page, "Navigation written by hand")
        assert navigation_boxes(s, session) == 1
        before = {c["revid"] for c in s.bot_edits()}
        s.run_ok("publish", DAY, "-always")
        edits = new_edits(s, before)
        assert len(edits) == len(set(edits)), f"{form}: more than one edit of a page: {edits}"
        if number == 0:  # the new answer: the notes on the session page, its mark on the questions page
            assert set(edits) <= {session, questions, s.index}, edits
        else:
            assert session not in edits, f"{form}: the navigation box was not recognised"
        assert navigation_boxes(s, session) == 1, f"{form}: a second navigation box"
        rendered = mark_targets(s.reader.parse_html(title=questions))
        # 13 questions, the one asked twice marked after both askings
        assert len(rendered) == 14 and len(set(rendered)) == 13, f"{form}: marks {rendered}"
        final = s.reader.text(questions)
        assert final.count("status=written") == 1, "the newly answered question's mark changed once"

    before = {c["revid"] for c in s.bot_edits()}
    s.run_ok("publish", DAY, "-always")
    assert new_edits(s, before) == []
