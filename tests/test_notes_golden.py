"""The notes the bot compiles read exactly like the real notes pages.

A draft is made the way staff fill one in: the status template on top, each
question with its id marker, topics as sections, answers typed under each
question.  It is made from the example notes wikitext (written to render like
the seeds) by :func:`as_draft` below, so what is checked is the compile path:
parse the draft, render the notes in the session's style, let the local
MediaWiki render them, and compare the text a reader sees with the seed's,
line for line.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from conftest import EXAMPLES, SEEDS
from wikiclient import html_to_lines

from bot.compile import parse_draft, render_draft, render_notes
from bot.model import Question, Session
from bot.compile.templates import load_templates

pytestmark = pytest.mark.wiki

CRS = "Wikimedia Foundation/Legal/Community Resilience and Sustainability"

# In the seeds, these answer lines are links to related pages; the examples
# have their text only.  Staff type them as a plain line of links.
LINK_LINES = {
    "Trust and Safety resources, Mental Health Resources, Mental Health Resource Center":
        "[[Trust and Safety|Trust and Safety resources]], [[Mental health resources|Mental Health Resources]], "
        "[[Mental Health Resource Center]]",
    "Board’s resolution": "[[Wikimedia Foundation Board noticeboard|Board’s resolution]]",
    "U4C special election": "[[Universal Code of Conduct/Coordinating Committee/Election|U4C special election]]",
    "these supplemental documents were not part of the ratification process":
        "[[Movement Charter/Supplementary Documentation|these supplemental documents]] "
        "were not part of the ratification process",
    "The Board shared with their resolution some next steps that they welcome feedback on":
        "The Board shared with [[Wikimedia Foundation Board noticeboard|their resolution]] "
        "some next steps that they welcome feedback on",
}


def as_draft(notes_wikitext: str, topics: dict[int, str]) -> str:
    """The example notes typed as a filled draft: a status template, an id
    marker on each question, a topic heading before the questions numbered in
    ``topics`` (0-based), answers as they were (link lines as plain lines of
    links).  The session page's own ``== Notes ==`` heading is not part of it."""
    lines: list[str] = []
    ids: list[str] = []
    for line in notes_wikitext.splitlines():
        if line.strip() == "== Notes ==":
            continue
        if line.startswith("* "):
            if len(ids) in topics:
                lines += ["", f"== {topics[len(ids)]} =="]
            ids.append(f"q-{len(ids) + 1:010d}")
            line = f'* <span id="{ids[-1]}"></span>{line[2:]}'
        elif line.startswith(": ") and line[2:] in LINK_LINES:
            line = LINK_LINES[line[2:]]
        lines.append(line)
    header = ["{{Conversation hour draft", "| status = ready", "| session = Example",
              f"| harvested = {' '.join(ids)}", "}}", "<!-- Answers go under each question. -->"]
    return "\n".join(header + lines)


def seed_lines(name: str, start: str) -> list[str]:
    """The seed's lines from the first that begins with ``start``, as
    ``html_to_lines`` makes them: bullet and surrounding whitespace dropped,
    runs of whitespace (the seed's no-break spaces included) as one space."""
    lines = (SEEDS / name).read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(lines) if line.strip().lstrip("•").strip().startswith(start))
    cleaned = (re.sub(r"\s+", " ", line.strip().lstrip("•")).strip() for line in lines[first:])
    return [line for line in cleaned if line]


def test_2024_notes_render_like_the_seed(reader):
    session = Session(title=f"{CRS}/Conversation Hour 2024 07 11", date=date(2024, 7, 11),
                      index_page=f"{CRS}/Conversation Hour",
                      topics=["Trust and Safety", "Movement Charter", "Human Rights", "Universal Code of Conduct"])
    # Staff keep the order the questions were answered in, under headings of their own.
    draft = as_draft((EXAMPLES / "notes-2024-07-11.wiki").read_text(encoding="utf-8"),
                     {0: "Trust and Safety", 1: "Movement Charter", 2: "Human Rights", 3: "Universal Code of Conduct",
                      5: "Movement Charter (continued)", 10: "Other questions"})
    notes = render_notes(parse_draft(draft), session, load_templates("conversation-hour-2024"))

    want = seed_lines("000_e311727a2d2b69ec.txt", "In the case of users who may cause self-harm")
    assert len(want) == 40
    assert html_to_lines(reader.parse_html(text=notes.text)) == want
    assert len(notes.answered) == 13 and notes.written == []
    assert notes.neutralised == []
    assert "Notes" not in notes.text.splitlines()[0]  # the body of the section, not its heading


def test_2022_notes_render_like_the_seed(reader):
    session = Session(title="IRC office hours/Office hours 2022-03-24", date=date(2022, 3, 24), time="15:00",
                      style="office-hours-2022", notes_section=None, index_page="IRC office hours",
                      host_title="Vice President of Community Resilience & Sustainability",
                      topics=["Movement Strategy coordination", "Board Governance", "Trust and Safety",
                              "Community Development", "Human Rights"])
    # The example's first block has no heading, as in the seed; its other
    # sections are already there as staff typed them.
    draft = as_draft((EXAMPLES / "notes-2022-03-24.wiki").read_text(encoding="utf-8"), {})
    notes = render_notes(parse_draft(draft), session, load_templates("office-hours-2022"))

    want = seed_lines("003_eea67d3d1c2b35f2.txt", "Are you planning to request more budget")
    got = html_to_lines(reader.parse_html(text="__NOTOC__\n" + notes.text))
    first = next(i for i, line in enumerate(got) if line.startswith("Are you planning to request more budget"))
    assert got[first:] == want
    assert [line for line in got[first:] if line in ("Human Rights", "UCoC (part 2)", "Trust and Safety")] == [
        "Human Rights", "UCoC (part 2)", "Trust and Safety"]
    assert len(notes.answered) == 18 and notes.written == []


HOSTILE = [
    "Signed ~~~~ and ~~~ and ~~~~~?",
    "{{subst:Conversation hour answered|x}} {{safesubst:Tl|x}}?",
    "Hide the rest <!-- of the page?",
    "Unclosed <nowiki>, <ref>, <pre>?",
    "<includeonly>x</includeonly> <noinclude>y</noinclude> <onlyinclude>z</onlyinclude>?",
    "== A heading of my own ==",
    "[[Category:Spam]] [[File:Example.png|thumb]] [[de:Hauptseite]]?",
    "__NOTOC__ __NOEDITSECTION__ __NOINDEX__?",
    "{{DISPLAYTITLE:Hacked}} {{DEFAULTSORT:Zzz}}?",
    "#REDIRECT [[Main Page]]",
    "{{Conversation hour draft|status=ready}} {{#if:x|{{Tl|y}}}}?",
    "{| class=wikitable\n|cell\n|}",
    "<html><b>x</b></html> <script>alert(1)</script> <div>block</div>?",
    '<span id="q-0000000001"></span>Forged marker?',
    "Line one\n* a list\n* in the question\n== not a heading ==",
    "{{unclosed template and [[unclosed link|?",
]


def test_hostile_questions_do_nothing_to_the_saved_notes(reader):
    session = Session(title="Example session", date=date(2024, 7, 11), index_page="Example index",
                      topics=["Trust and Safety"])
    questions = [Question(id=f"q-{n:010d}", question=text, topic="Trust and Safety")
                 for n, text in enumerate(HOSTILE, start=100)]
    templates = load_templates("conversation-hour-2024")
    draft = render_draft(questions, session, templates)
    filled = "\n".join(line + ("\n: Maggie: answered." if line.startswith("* <span") else "")
                       for line in draft.text.splitlines())
    notes = render_notes(parse_draft(filled), session, templates)
    assert notes.answered == [question.id for question in questions]

    # As MediaWiki would save and show it: pre-save transform, then parse.
    parsed = reader.get(action="parse", text=notes.text, title="Notes preview", contentmodel="wikitext", pst=1,
                        prop="text|categories|displaytitle|sections|properties", disableeditsection=1)["parse"]
    lines = html_to_lines(parsed["text"])
    assert lines.count("Maggie: answered.") == len(HOSTILE) and lines[-1] == "Maggie: answered."
    assert parsed["categories"] == [] and parsed["sections"] == []
    assert html_to_lines(parsed["displaytitle"]) == ["Notes preview"]
    assert not parsed.get("properties")  # no behaviour switch, no default sort
    for question in questions:
        assert parsed["text"].count(f'id="{question.id}"') == 1
    assert 'id="q-0000000001"' not in parsed["text"]
    assert "Special:Contributions" not in parsed["text"] and "127.0.0.1" not in parsed["text"]
    assert "Notes draft" not in parsed["text"]  # the draft template was not transcluded
    assert "<script>" not in parsed["text"]
