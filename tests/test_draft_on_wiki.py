"""The draft as staff use it on the wiki, and hostile questions on their way to the notes."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from scenario import Scenario
from wikiclient import html_to_lines

DAY = "2024-07-11"
SIG = "[[User:Community Member|Community Member]] ([[User talk:Community Member|talk]]) {t}, 8 July 2024 (UTC)"


@pytest.fixture
def scenario(wiki, tmp_path) -> Scenario:
    return Scenario(wiki, tmp_path)


def without_harvested(text: str) -> str:
    """The draft without the bot's record of the ids it added (which grows)."""
    return re.sub(r"\|\s*harvested\s*=[^|}]*", "|harvested=", text)


def test_staff_changes_survive_an_update_of_the_draft(scenario: Scenario):
    s = scenario
    s.post_example_questions(DAY)
    s.run_ok("harvest", "--session", DAY, "--to-draft", "-always")
    draft = s.staff.text(s.draft(DAY))
    lines = draft.split("\n")

    def find(needle: str) -> int:
        return next(i for i, l in enumerate(lines) if l.startswith("*") and needle in l)

    # Staff: answer two, edit one, move one to another section, delete one, add one from the chat.
    lines.insert(find("users who may cause self-harm") + 1, ": Maggie: We have resources.")
    lines.insert(find("U4C vote") + 1, ": Jack: The charter made it hard.")
    i = find("wasted your time")
    lines[i] = lines[i].replace("do you feel like you wasted your time?", "was it worth it?")
    moved = lines.pop(find("good committee member"))
    lines.insert(find("U4C vote") + 2, moved)
    deleted = lines.pop(find("What exactly was your role"))
    lines.insert(find("U4C vote") + 3, "* A question from the live chat: when is the next session?")
    staff_version = "\n".join(lines)
    s.staff.edit(s.draft(DAY), staff_version, "Staff work")

    # The community adds questions; the bot updates the draft.
    page = s.member.text(s.questions(DAY))
    page = page.replace("== Human rights ==",
                        "* Will the Charter come back? " + SIG.format(t="09:00") + "\n\n== Human rights ==")
    page += "\n== Budget ==\n* How big is the translation budget? " + SIG.format(t="09:30") + "\n"
    s.member.edit(s.questions(DAY), page, "More questions")
    result = s.run_ok("harvest", "--session", DAY, "--to-draft", "-always")
    assert "updated" in result.stdout

    updated = s.reader.text(s.draft(DAY))
    new_lines = updated.split("\n")
    inserted = [l for l in new_lines if "Will the Charter come back?" in l or "translation budget" in l]
    assert len(inserted) == 2
    # Outside the inserted lines (and the bot's record of ids), the page is the staff's, byte for byte.
    rest = "\n".join(l for l in new_lines if l not in inserted and l != "== Budget ==").strip()
    assert without_harvested(rest) == without_harvested(staff_version).strip()
    assert "What exactly was your role" not in updated, "a question staff deleted came back"
    assert deleted not in updated
    # The question from an existing topic went to the end of its section; the new topic got a section.
    charter = new_lines.index(next(l for l in new_lines if "Will the Charter come back?" in l))
    assert new_lines[charter + 1] == "" or new_lines[charter + 1].startswith("==")
    assert "== Budget ==" in updated

    # A second update with nothing new changes nothing.
    before = len(s.bot_edits())
    s.run_ok("harvest", "--session", DAY, "--to-draft", "-always")
    assert len(s.bot_edits()) == before


HOSTILE = [
    "Is this [[Category:Hijacked]] a category?",
    "What about <nowiki>~~~~</nowiki> and <nowiki>~~~~~</nowiki> in a question?",
    "Does <nowiki>{{subst:CURRENTYEAR}}</nowiki> or <nowiki>{{safesubst:CURRENTMONTHNAME}}</nowiki> expand?",
    "Will __NOTOC__ and __NOINDEX__ hide things?",
    "Can {{DISPLAYTITLE:Hijacked title}} and {{DEFAULTSORT:Zzz}} change the page?",
    "Is a <ref>reference left open a problem?",
    "Is a <pre>pre left open a problem?",
    "Do <includeonly>included</includeonly> or <noinclude>unclosed tags matter?",
    "Is <onlyinclude>this open a problem?",
    "Is {{Some unknown template}} or {{#if:x|parser function}} shown?",
    "#REDIRECT [[Main Page]] at the start?",
    "Can [[File:Example.png]] or [[de:Beispiel]] sneak in?",
    "Is <span id=\"q-0000000000\"></span> a forged anchor?",
]


def test_hostile_questions_cannot_change_the_notes_page(scenario: Scenario):
    s = scenario
    lines = ["== Hostile ==", *(f"* {q} {SIG.format(t=f'10:{i:02d}')}" for i, q in enumerate(HOSTILE)),
             "== Normal ==",
             "{{Conversation hour question", "| topic = Normal",
             "| question = A question over lines", "= with a heading-like line =", "and more?",
             "}} " + SIG.format(t="10:59"),
             f"* Is this ordinary question still rendered? {SIG.format(t='11:00')}",
             f"* An open comment <!-- in the last question? {SIG.format(t='11:30')}"]
    s.member.edit(s.questions(DAY), "\n".join(lines) + "\n", "Hostile questions")
    drafted = s.run_ok("harvest", "--session", DAY, "--to-draft", "-always")
    assert "neutralised in [[" in drafted.stderr  # staff are told what was changed
    s.answer(DAY, {"ordinary question": [": Maggie: Yes."]})
    result = s.run("publish", DAY, "-always")
    assert result.returncode == 0, result.stdout + result.stderr

    parsed = s.reader.parse(s.session(DAY))
    assert [c["category"] for c in parsed["categories"]] == ["CR&S_meetings"]  # the series' own, no other
    assert re.sub(r"<[^>]+>", "", parsed["displaytitle"]) == s.session(DAY)
    props = {p["name"] if isinstance(p, dict) else p for p in parsed.get("properties", [])}
    assert not props & {"notoc", "noindex", "defaultsort", "displaytitle"}
    headings = [sec["line"] for sec in parsed["sections"]]
    assert headings == ["Notes", "To be answered in writing"]
    text = "\n".join(html_to_lines(parsed["text"]))
    assert "NotesBot" not in text
    today = datetime.now(timezone.utc)
    assert str(today.year) not in text and today.strftime("%B") not in text
    assert "Is this ordinary question still rendered?" in text and "Yes." in text
    assert "~~~~" in text and "subst:CURRENTYEAR" in text
    for question in HOSTILE[:3]:
        assert question.split()[0] in text
    wikitext = s.reader.text(s.session(DAY))
    assert "[[Category:Hijacked]]" not in wikitext and "[[:Category:Hijacked]]" in wikitext
    assert wikitext.count('<span id="q-0000000000">') == 0
