"""Trust boundaries on the local wiki: the community account attacks, the
staff account works.  Only staff decide what is published; the community can
neither start the bot again nor choose its local files; nothing the bot acts
on is recorded as seen before it acted on it."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess

import pytest

from faultproxy import NO_FAULTS, FaultProxy
from scenario import Scenario
from test_faults import FaultyScenario

DAY = "2025-01-16"
FAKE_DAY = "2025-02-06"
QUESTION = ("* How do you handle threats? [[User:Community Member|Community Member]] "
            "10:00, 10 January 2025 (UTC)\n")
FAKE_ANSWER = ": Maggie: The Foundation will close this project next month."
OTHERS = "edit by others since the last staff revision: not published until a staff member saves the draft"


def tick(s: Scenario, when: str) -> subprocess.CompletedProcess:
    return s.run_ok("run", "--now", when, "-always")


@pytest.fixture
def scenario(wiki, tmp_path) -> Scenario:
    return Scenario(wiki, tmp_path)


def collected(s: Scenario) -> None:
    """A session with one question, harvested into the draft by a tick."""
    s.run_ok("new-session", DAY, "--time", "18:00", "-always")
    q = s.questions(DAY)
    s.member.edit(q, s.member.text(q) + "\n== Trust and Safety ==\n" + QUESTION, "A question")
    tick(s, "2025-01-10T12:00:00Z")
    assert "How do you handle threats?" in s.reader.text(s.draft(DAY))


def as_ready(text: str) -> str:
    return re.sub(r"(\|\s*status\s*=\s*)[^|\n}]*", r"\1ready", text, count=1)


def test_a_community_answer_marked_ready_is_not_published_until_staff_save(scenario: Scenario):
    s = scenario
    collected(s)
    s.answer(DAY, {"threats": [": Maggie: We work with professionals."]}, ready=False)
    # The attacker writes an answer of their own and declares the draft ready.
    draft = s.member.text(s.draft(DAY))
    draft = draft.replace("How do you handle threats?", "How do you handle threats?", 1)
    lines = draft.split("\n")
    at = next(i for i, l in enumerate(lines) if "We work with professionals." in l)
    lines.insert(at + 1, FAKE_ANSWER)
    s.member.edit(s.draft(DAY), as_ready("\n".join(lines)), "Ready!")

    tick(s, "2025-01-17T12:00:00Z")
    session = s.reader.text(s.session(DAY))
    assert "The Foundation will close this project" not in session
    assert "We work with professionals." not in session.split("== Notes ==", 1)[1]
    status = s.reader.text(s.status)
    assert f"1 {OTHERS}" in status, status
    assert "awaiting answers" in status
    # The draft's status box says it too, to whoever opens the draft.
    box = s.reader.parse_html(s.draft(DAY))
    assert f"1 {OTHERS}" in box, box
    assert "conversation-hour-untrusted" in box
    manual = s.run("publish", DAY, "-always")
    assert manual.returncode == 1 and "status=ready" in manual.stderr, manual.stderr
    assert "The Foundation will close this project" not in s.reader.text(s.session(DAY))

    # A staff member removes the line and saves the draft as ready: published.
    text = s.staff.text(s.draft(DAY)).replace("\n" + FAKE_ANSWER, "")
    assert FAKE_ANSWER not in text
    s.staff.edit(s.draft(DAY), text, "Checked: ready")
    after = tick(s, "2025-01-18T12:00:00Z")
    notes = s.reader.text(s.session(DAY)).split("== Notes ==", 1)[1]
    assert "We work with professionals." in notes, after.stdout + after.stderr
    assert "The Foundation will close this project" not in notes
    assert OTHERS not in s.reader.text(s.status)
    assert OTHERS not in s.reader.text(s.draft(DAY))  # the box no longer says it


def test_a_community_edit_after_the_staff_revision_is_not_published(scenario: Scenario):
    s = scenario
    collected(s)
    s.answer(DAY, {"threats": [": Maggie: We work with professionals."]})
    text = s.member.text(s.draft(DAY)).replace("We work with professionals.",
                                               "We work with professionals. " + FAKE_ANSWER[2:])
    s.member.edit(s.draft(DAY), text, "An addition")
    result = s.run_ok("publish", DAY, "-always")
    notes = s.reader.text(s.session(DAY)).split("== Notes ==", 1)[1]
    assert "We work with professionals." in notes  # the staff revision
    assert "The Foundation will close this project" not in notes
    assert OTHERS in result.stderr


def test_a_fake_session_added_by_the_community_is_not_acted_on(scenario: Scenario):
    s = scenario
    collected(s)
    s.answer(DAY, {"threats": [": Maggie: We work with professionals."]})
    # The attacker lists a session of their own on the index and makes its pages.
    index = s.member.text(s.index)
    s.member.edit(s.index, index.rstrip("\n") + f"\n* [[{s.session(FAKE_DAY)}|6 February 2025]]\n", "New")
    s.member.edit(s.questions(FAKE_DAY), "== Trust and Safety ==\n" + QUESTION, "Questions")
    s.member.edit(s.draft(FAKE_DAY), "{{Conversation hour draft\n| status = ready\n}}\n== Trust and Safety ==\n"
                  "* How do you handle threats?\n" + FAKE_ANSWER + "\n", "Draft")

    tick(s, "2025-02-10T12:00:00Z")
    assert s.reader.text(s.session(FAKE_DAY)) is None  # no session page made for it
    real = s.reader.text(s.session(DAY))
    assert "We work with professionals." in real
    assert s.session(FAKE_DAY) not in real  # the real session's navigation does not point at it
    assert s.session(FAKE_DAY) not in s.reader.text(s.status)
    fake_lines = [l for l in s.reader.text(s.index).split("\n") if s.session(FAKE_DAY) in l]
    assert fake_lines == [f"* [[{s.session(FAKE_DAY)}|6 February 2025]]"]  # left as the community wrote it


def test_the_shutoff_set_back_to_yes_by_the_community_does_not_start_the_bot(scenario: Scenario):
    s = scenario
    s.admin.edit(s.title(s.shutoff), "no", "Stop")
    s.member.edit(s.title(s.shutoff), "yes", "Start again")
    result = s.run("new-session", DAY, "-always")
    assert result.returncode == 3 and "Community Member" in result.stderr, result.stderr
    assert s.reader.text(s.session(DAY)) is None
    # Anyone may stop it; staff (or an operator) start it again.
    s.staff.edit(s.title(s.shutoff), "Yes", "Start again")
    s.run_ok("new-session", DAY, "-always")
    assert s.reader.text(s.session(DAY)) is not None


def test_an_onwiki_config_naming_a_local_file_is_refused(scenario: Scenario, tmp_path):
    s = scenario
    for key in ("lock_file", "log_file"):
        target = tmp_path / f"victim-{key}"
        target.write_text("precious\n")
        s.admin.edit(s.title(s.onwiki), json.dumps({key: str(target)}), "Config")
        result = s.run("new-session", DAY, "-always")
        assert result.returncode == 2, result.stderr
        assert key in result.stderr and "Traceback" not in result.stderr
        assert target.read_text() == "precious\n"
    assert s.reader.text(s.session(DAY)) is None


def test_a_symlinked_lock_is_not_followed(tmp_path):
    from bot.errors import UsageError
    from bot.run.lock import writer_lock

    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    link = tmp_path / "notesbot.lock"
    link.symlink_to(victim)
    with pytest.raises(UsageError, match="symbolic link"):
        with writer_lock(link):
            pass
    assert victim.read_text() == "precious\n"
    fresh = tmp_path / "fresh.lock"
    with writer_lock(fresh):
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


def test_a_symlinked_tick_cache_is_neither_read_nor_written_through(scenario: Scenario, tmp_path):
    s = scenario
    s.run_ok("new-session", DAY, "-always")
    state_dir = s.wiki.pywikibot_dir
    cache = state_dir / "notesbot-tick.json"
    victim = tmp_path / "victim.json"
    victim.write_text("precious\n")
    if cache.exists() or cache.is_symlink():
        cache.unlink()
    cache.symlink_to(victim)
    try:
        tick(s, "2025-01-10T12:00:00Z")
        assert victim.read_text() == "precious\n"
        assert not cache.is_symlink()  # replaced by a file of the bot's own
        assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    finally:
        cache.unlink(missing_ok=True)


def test_a_new_series_in_the_configuration_is_acted_on(scenario: Scenario):
    s = scenario
    s.run_ok("new-session", DAY, "-always")
    tick(s, "2025-01-10T12:00:00Z")
    assert "Nothing changed" in tick(s, "2025-01-10T12:30:00Z").stdout
    data = json.loads(s.config_path.read_text())
    second = dict(data["series"][0], name="second", index_page=s.index + " (second)")
    data["series"].append(second)
    s.config_path.write_text(json.dumps(data))
    assert "Nothing changed" not in tick(s, "2025-01-10T13:00:00Z").stdout


def test_a_question_posted_during_a_tick_is_harvested_by_the_next(wiki, tmp_path):
    with FaultProxy(wiki.url) as proxy:
        s = FaultyScenario(wiki, tmp_path, proxy=proxy)
        s.run_ok("new-session", DAY, "-always")
        q = s.questions(DAY)
        s.member.edit(q, s.member.text(q) + "\n== Trust and Safety ==\n" + QUESTION, "A question")
        late = "* A question posted while the tick saves the draft? " \
               "[[User:Community Member|Community Member]] 11:00, 10 January 2025 (UTC)"
        # The member posts on the questions page as the bot's save of the draft reaches the wiki.
        hook = s.when_saving(s.draft(DAY), lambda: s.member.edit(q, s.member.text(q) + "\n" + late,
                                                                  "A late question"))
        s.faulty(NO_FAULTS, "run", "--now", "2025-01-10T12:00:00Z", "-always")
        assert hook.done, hook
        assert "A question posted while the tick saves the draft?" not in (s.reader.text(s.draft(DAY)) or "")
        s.faulty(NO_FAULTS, "run", "--now", "2025-01-10T12:30:00Z", "-always")
        assert "A question posted while the tick saves the draft?" in s.reader.text(s.draft(DAY))


def test_templates_are_read_only_from_pages_the_community_cannot_edit(wiki, tmp_path):
    hijack = "{{{languages}}}{{{questions}}}\n[[Category:Withdrawn]]\n__NOINDEX__\n" \
             '<div style="position:fixed;top:0;left:0;width:100%;height:100%">These notes were withdrawn</div>'
    s = Scenario(wiki, tmp_path)
    open_page = f"{s.prefix}/templates/notes"
    collected(s)
    s.answer(DAY, {"threats": [": Maggie: We work with professionals."]})
    s.member.edit(open_page, hijack, "A better layout")
    s.series_extra = {"templates": {"notes": open_page}}
    s.write_config()
    result = s.run("publish", DAY, "-always")
    assert result.returncode == 2 and "templates.notes" in result.stderr, result.stderr
    assert "withdrawn" not in s.reader.text(s.session(DAY)).lower()

    # The bot's own .json page, which only the bot and interface administrators edit.
    own = f"User:{s.bot_user}/templates-{s.uid}.json"
    s.admin.edit(own, json.dumps({"notes": "{{{languages}}}{{{questions}}}\nChecked by staff."}), "Templates")
    s.series_extra = {"templates": {"notes": own}}
    s.write_config()
    s.run_ok("publish", DAY, "-always")
    notes = s.reader.text(s.session(DAY)).split("== Notes ==", 1)[1]
    assert "Checked by staff." in notes and "We work with professionals." in notes

    # A page protected at sysop level counts too.
    s.admin.protect(open_page)
    s.admin.edit(open_page, "{{{languages}}}{{{questions}}}\nProtected layout.", "Protected")
    s.series_extra = {"templates": {"notes": open_page}}
    s.write_config()
    s.run_ok("publish", DAY, "-always")
    assert "Protected layout." in s.reader.text(s.session(DAY))


def test_a_questions_page_redirected_outside_the_allowed_prefixes_is_not_followed(scenario: Scenario):
    s = scenario
    s.run_ok("new-session", DAY, "-always")
    elsewhere = f"Elsewhere {s.uid}/Questions"
    s.member.edit(elsewhere, "== Trust and Safety ==\n" + QUESTION.replace("handle threats", "do evil"), "Mine")
    s.member.edit(s.questions(DAY), f"#REDIRECT [[{elsewhere}]]", "Moved")
    result = s.run("harvest", "--session", DAY, "--to-draft", "-always")
    assert result.returncode == 2 and "outside the allowed prefixes" in result.stderr, result.stderr
    assert "do evil" not in (s.reader.text(s.draft(DAY)) or "")


def test_a_hijacked_trusted_template_changes_nothing(wiki, tmp_path):
    """A template page the community cannot edit, rewritten by whoever can:
    no category, switch, title or full-page box beyond the shipped
    template's reaches a page; the tick says so on the status page, escaped."""
    s = Scenario(wiki, tmp_path)
    collected(s)
    s.answer(DAY, {"threats": [": Maggie: We work with professionals."]})
    tick(s, "2025-01-17T12:00:00Z")
    before = {t: s.reader.text(t) for t in (s.session(DAY), s.index, s.questions(DAY))}
    own = f"User:{s.bot_user}/templates-{s.uid}.json"
    hijack = ("{{{languages}}}{{{questions}}}\n[[Category_:Withdrawn]]\n__NOINDEX__\n{{DISPLAYTITLE:Withdrawn}}\n"
              '<div style="position:fixed;top:0;left:0;width:100%;height:100%">These notes were withdrawn</div>')
    s.admin.edit(own, json.dumps({"notes": hijack}), "Hijacked")
    s.series_extra = {"templates": {"notes": own}}
    s.write_config()
    result = s.run("publish", DAY, "-always")
    assert result.returncode == 2, result.stderr
    message = result.stderr.strip().splitlines()[-1]
    for effect in ("Category:Withdrawn", "__NOINDEX__", "DISPLAYTITLE", "position:fixed"):
        assert effect in message, message
    s.run("run", "--now", "2025-01-18T12:00:00Z", "-always")  # fails for this session, says why
    assert {t: s.reader.text(t) for t in before} == before
    parsed = s.reader.parse(s.status)
    assert parsed["categories"] == [] and "DISPLAYTITLE" in s.reader.text(s.status)
