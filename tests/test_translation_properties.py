"""Property: for random drafts and random edits to them, the notes written
again keep Translate's unit markers on the same units, and only those."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.compile import keep_markers, load_templates, parse_draft, render_notes
from bot.compile.translation import markers
from bot.model import Session
from translate_marking import mark, named

HEADINGS = ["Trust and Safety", "Universal Code of Conduct", "Human rights", "Other", "Movement Charter"]
WORDS = ["Maggie:", "Kaarel:", "yes", "no", "the", "Board", "committee", "vote", "charter", "'''why'''",
         "[[Meta:Babel|Babel]]", "{{tl|U}}", "is", "we", "plan", "ч", "مثال", "."]
EDITS = ["add answer", "insert answer", "edit answer", "delete answer", "delete question", "swap questions",
         "move question", "add question", "edit question", "rename heading", "nothing"]

sentence = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join)


@st.composite
def drafts(draw) -> list[tuple[str, list[dict]]]:
    """Sections (heading, questions); a question is {id, text, answers}."""
    headings = draw(st.lists(st.sampled_from(HEADINGS), min_size=1, max_size=4, unique=True))
    number = 0
    sections = []
    for heading in headings:
        questions = []
        for _ in range(draw(st.integers(0, 4))):
            number += 1
            questions.append({"id": number, "text": draw(sentence) + "?",
                              "answers": draw(st.lists(sentence, max_size=3))})
        sections.append((heading, questions))
    return sections


def draft_text(sections) -> str:
    lines = ["{{Conversation hour draft|status=ready}}"]
    for heading, questions in sections:
        lines.append(f"== {heading} ==")
        for q in questions:
            lines.append(f'* <span id="q-{q["id"]:010d}"></span>{q["text"]}')
            lines += [f": {answer}" for answer in q["answers"]]
    return "\n".join(lines)


def edited(sections, edits: list[tuple[str, int, int, str]]):
    """The draft after staff's ``edits`` (what, which, which other, new text)."""
    sections = [(h, [dict(q, answers=list(q["answers"])) for q in qs]) for h, qs in sections]
    for what, a, b, text in edits:
        questions = [q for _, qs in sections for q in qs]
        if what == "add question" or not questions:
            heading, qs = sections[a % len(sections)]
            qs.insert(b % (len(qs) + 1), {"id": 1000 + a * 31 + b, "text": text + "?", "answers": []})
            continue
        q = questions[a % len(questions)]
        if what == "add answer":
            q["answers"].append(text)
        elif what == "insert answer":
            q["answers"].insert(0, text)
        elif what == "edit answer" and q["answers"]:
            q["answers"][b % len(q["answers"])] += " " + text
        elif what == "delete answer" and q["answers"]:
            del q["answers"][b % len(q["answers"])]
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


edits = st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 50), st.integers(0, 50), sentence), max_size=5)


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
    # unit of the same question, or the same heading.
    new_units = named(new)
    assert len(markers(new)) == len(new_units)
    for number, (owner, line) in new_units.items():
        assert number in old_units, f"marker {number} is new"
        old_owner, old_line = old_units[number]
        assert owner == old_owner, f"marker {number} moved: {old_line!r} -> {line!r}"
        if owner == "heading":
            assert line == old_line, f"heading marker {number} moved: {old_line!r} -> {line!r}"
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


def _without_markers(text: str) -> str:
    text = re.sub(r"[ \t]+<!--\s*T:\d+\s*-->(?=[ \t]*$)", "", text, flags=re.M)
    return re.sub(r"<!--\s*T:\d+\s*-->[ \t]*\n?", "", text)
