"""Property: for random drafts and random edits to them, the notes written
again keep Translate's unit markers on the same units, and only those.

Each answer paragraph of the draft carries where it came from (its source:
the paragraph of the first draft it was edited from, or a new one), and each
topic heading the heading it was renamed from, so that the test can tell a
marker kept on its unit from one moved to another unit of the same question."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.compile import keep_markers, load_templates, parse_draft, render_notes
from bot.compile.translation import markers
from bot.model import Session
from translate_marking import MARKER, mark, named

HEADINGS = ["Trust and Safety", "Universal Code of Conduct", "Human rights", "Other", "Movement Charter"]
SPEAKERS = ["Maggie: ", "Kaarel: ", "'\'\'\'Maggie:\'\'\' ", ""]
WORDS = ["Maggie:", "Kaarel:", "yes", "no", "the", "Board", "committee", "vote", "charter", "'''why'''",
         "[[Meta:Babel|Babel]]", "{{tl|U}}", "is", "we", "plan", "ч", "مثال", "."]
EDITS = ["add answer", "insert answer", "edit answer", "delete answer", "swap answers", "split answer",
         "merge answers", "delete question", "swap questions", "move question", "add question", "edit question",
         "rename heading", "nothing"]

sentence = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join)
answer = st.tuples(st.sampled_from(SPEAKERS), sentence).map("".join)
"""An answer paragraph, most often with its speaker first, as staff write them."""
NEW_WORDS = ["ναι", "όχι", "ίσως", "επιτροπή", "ψηφοφορία", "σχέδιο"]
new_sentence = st.lists(st.sampled_from(NEW_WORDS), min_size=1, max_size=6).map(" ".join)
"""The words staff add in an edit: no letter in common with the first draft's,
so that a new paragraph is never like a deleted one (nothing could tell a
new paragraph as alike as that from the old one edited); only the speakers
are the same."""


#: A word of its own for each paragraph of the first draft: two of its
#: paragraphs are never look-alikes, which nothing could tell from an edit.
_TAGS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett", "kilo",
         "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango", "uniform", "victor",
         "whiskey", "xray", "yankee", "zulu")


@st.composite
def drafts(draw) -> list[tuple[str, list[dict]]]:
    """Sections (heading, questions); a question is {id, text, answers}, an
    answer {text, sources}: the set of the first draft's paragraphs it comes from."""
    headings = draw(st.lists(st.sampled_from(HEADINGS), min_size=1, max_size=4, unique=True))
    number = 0
    sections = []
    for heading in headings:
        questions = []
        for _ in range(draw(st.integers(0, 4))):
            number += 1
            questions.append({"id": number, "text": draw(sentence) + "?",
                              "answers": [{"text": f"{text} {_TAGS[(number * 4 + k) % len(_TAGS)]}",
                                           "sources": {f"{number}.{k}"}}
                                          for k, text in enumerate(draw(st.lists(answer, max_size=4)))]})
        sections.append((heading, questions))
    return sections


def draft_text(sections) -> str:
    lines = ["{{Conversation hour draft|status=ready}}"]
    for heading, questions in sections:
        lines.append(f"== {heading} ==")
        for q in questions:
            lines.append(f'* <span id="q-{q["id"]:010d}"></span>{q["text"]}')
            lines += [f": {a['text']}" for a in q["answers"]]
    return "\n".join(lines)


def edited(sections, edits: list[tuple[str, int, int, str]]):
    """The draft after staff's ``edits`` (what, which, which other, new text).
    A heading renamed gets a word added (its source is the heading it starts
    with); an answer keeps its sources when edited, split or merged."""
    sections = [(h, [dict(q, answers=[dict(a) for a in q["answers"]]) for q in qs]) for h, qs in sections]
    for what, a, b, text in edits:
        questions = [q for _, qs in sections for q in qs]
        if what == "add question" or not questions:
            heading, qs = sections[a % len(sections)]
            qs.insert(b % (len(qs) + 1), {"id": 1000 + a * 31 + b, "text": text + "?", "answers": []})
            continue
        q = questions[a % len(questions)]
        answers = q["answers"]
        if what == "add answer":
            answers.append({"text": text, "sources": set()})
        elif what == "insert answer":  # at the start, in the middle or at the end
            answers.insert(b % (len(answers) + 1), {"text": SPEAKERS[b % len(SPEAKERS)] + text, "sources": set()})
        elif what == "edit answer" and answers:
            k = b % len(answers)
            answers[k] = dict(answers[k], text=answers[k]["text"] + " " + text)
        elif what == "delete answer" and answers:
            del answers[b % len(answers)]
        elif what == "swap answers" and len(answers) > 1:
            k = b % (len(answers) - 1)
            answers[k], answers[k + 1] = answers[k + 1], answers[k]
        elif what == "split answer" and answers:
            k = b % len(answers)
            answers.insert(k + 1, {"text": text, "sources": answers[k]["sources"]})
        elif what == "merge answers" and len(answers) > 1:
            k = b % (len(answers) - 1)
            first, second = answers[k], answers.pop(k + 1)
            answers[k] = {"text": first["text"] + " " + second["text"], "sources": first["sources"] | second["sources"]}
        elif what == "edit question":
            q["text"] = text + " " + q["text"]
        elif what in ("delete question", "move question", "swap questions"):
            for _, qs in sections:
                if q in qs:
                    where = qs.index(q)
                    if what == "swap questions" and len(qs) > 1:
                        other = (where + 1 + b % (len(qs) - 1)) % len(qs)
                        qs[where], qs[other] = qs[other], qs[where]
                    elif what != "swap questions":
                        qs.remove(q)
                    break
            if what == "move question":
                sections[b % len(sections)][1].append(q)
        elif what == "rename heading":
            k = a % len(sections)
            sections[k] = (sections[k][0] + " " + text.split()[0], sections[k][1])
    return [(h, [q for q in qs if q["id"] not in {x["id"] for _, xs in sections[:k] for x in xs}])
            for k, (h, qs) in enumerate(sections)]


def session(style: str) -> Session:
    return Session(title="Conversation Hour 2024 07 11", date=date(2024, 7, 11), style=style,
                   index_page="Conversation Hour", topics=["Trust and Safety"])


def notes(sections, style: str) -> str:
    return render_notes(parse_draft(draft_text(sections)), session(style), load_templates(style),
                        translate=True).text


edits = st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 50), st.integers(0, 50), new_sentence),
                 max_size=5)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drafts(), edits, st.sampled_from(["conversation-hour-2024", "office-hours-2022"]), st.randoms())
def test_markers_stay_on_their_units(sections, changes, style, rnd):
    first = notes(sections, style)
    old = mark(first, random.Random(rnd.random()))
    old_units = named(old)
    after = edited(sections, changes)
    rendered = notes(after, style)
    new = keep_markers(old, rendered)

    # The same notes rendered again are the page as marked.
    assert keep_markers(old, first) == old
    # Nothing but markers added to what was rendered.
    assert _without_markers(new) == rendered
    # Every marker was in the old text, none twice (named() checks), each on a
    # unit of the same question, or the same heading; and on a unit whose text
    # comes from the same paragraph of the first draft (the same question, the
    # same answer edited, split or merged, the same heading renamed), unless
    # the two texts are the same, or the old text was there twice (then
    # nothing tells them apart).
    new_units = named(new)
    assert len(markers(new)) == len(new_units)
    old_sources, new_sources = sources(old, sections), sources(new, after)
    for number, unit in old_units.items():  # copies of one text are one source: nothing tells them apart
        old_sources[number] = set().union(*(old_sources[n] for n, other in old_units.items() if other == unit))
    for number, (owner, line) in new_units.items():
        assert number in old_units, f"marker {number} is new"
        old_owner, old_line = old_units[number]
        assert owner == old_owner, f"marker {number} moved: {old_line!r} -> {line!r}"
        assert old_sources[number] & new_sources[number] or line == old_line, (
            f"marker {number} moved to another paragraph: {old_line!r} -> {line!r}")
    # Every question still there kept its marker; so did every answer, heading
    # and fixed text still there with its text (when that text is there once).
    surviving = {f'q-{q["id"]:010d}' for _, qs in after for q in qs}
    new_lines = Counter((owner, line) for owner, line in named(mark(rendered)).values())
    old_lines = Counter(old_units.values())
    for number, (owner, line) in old_units.items():
        if owner in surviving and '<span id="' in line:
            assert number in new_units, f"the question unit {line!r} lost its marker"
        elif new_lines[(owner, line)] == 1 and old_lines[(owner, line)] == 1 and (owner in surviving or owner
                                                                                    in ("heading", "text")):
            assert new_units.get(number) == (owner, line), f"the unit {line!r} lost its marker"
    # A second republish changes nothing.
    assert keep_markers(new, rendered) == new


def sources(notes: str, sections) -> dict[str, set[str]]:
    """Marker → where its unit's text comes from: its question, its answer's
    paragraphs of the first draft (a new one of its own when it is new), the
    first draft's heading a heading was renamed from, else its own line."""
    answers = {f'q-{q["id"]:010d}': q["answers"] for _, qs in sections for q in qs}
    out: dict[str, set[str]] = {}
    owner, count = "", Counter()
    for line in notes.split("\n"):
        anchor = re.search(r'<span id="([^"]+)"></span>', line)
        bare = MARKER.sub("", line).replace("<translate> ", "<translate>").strip()
        if not line.strip() or line.startswith("="):
            owner = ""
        if anchor:
            owner = anchor.group(1)
            source = {"question " + owner}
        elif owner:
            k = count[owner]
            count[owner] += 1
            source = answers[owner][k]["sources"] or {f"new answer {owner} {k}"}
        elif line.startswith("="):
            name = re.sub(r"</?translate>|=", "", bare).strip()
            source = {"heading " + next((h for h in HEADINGS if name == h or name.startswith(h + " ")), name)}
        else:
            source = {"text " + bare}
        for number in MARKER.findall(line):
            out[number] = source
    assert all(count[owner] == len(answers[owner]) for owner in count), "an answer line is not an answer"
    return out


def _without_markers(text: str) -> str:
    text = re.sub(r"[ \t]+<!--\s*T:\d+\s*-->(?=[ \t]*$)", "", text, flags=re.M)
    return re.sub(r"<!--\s*T:\d+\s*-->[ \t]*\n?", "", text)
