"""Harvest a Conversation Hour questions page: wikitext in, questions out.

The community asks its questions on a talk-style page before the call: signed
bullets under topic sections, a section per question, or the
{{Conversation hour question}} template, with replies indented below.  This
module turns that page into :class:`bot.model.Question` objects, and accounts
for every other line: it is a comment on a question, a known non-question
(the header template, instructions, blank lines, comments, text in
``<nowiki>``, horizontal rules), a withdrawn (struck-out) question, or a
:class:`bot.model.Problem` the bot operator should look at.

How a page is read, in one pass and in page order:

1. Comments, the contents of ``<nowiki>`` and ``<pre>``, and the bot's own
   {{Conversation hour answered}} marks are hidden, keeping every offset, so
   that nothing in them is taken for structure.
2. The page is cut into lines.  A template spanning lines keeps its lines
   together, as MediaWiki's preprocessor does before lists are read.
3. Each line is sorted (heading, list item, template, prose, ...) and its
   signature read from its end (:mod:`bot.harvest.signatures`).
4. Sections are read one by one.  A section with bullets or question
   templates is a topic section; a section of prose ending in a signature is
   one question titled by its heading.
5. Questions get stable ids (see :func:`_identity`), and duplicates are merged.

Each step has its module: :mod:`bot.harvest.lines` (steps 1-3),
:mod:`bot.harvest.posts` (what a line says), :mod:`bot.harvest.sections` (step 4),
:mod:`bot.harvest.replies` (the lines under a question), :mod:`bot.harvest.entries`
(entries and problems, every line accounted for).  This module holds the public
functions.

It is a line scanner with regular expressions, and reads the few templates it
needs itself: this keeps harvesting linear in the size of the page and well
below the cost of parsing it whole with mwparserfromhell.

Nothing here talks to a wiki.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Mapping
from datetime import timezone

from bot import wikifacts
from bot.model import HarvestResult, Question, Revision
from bot.wikifacts import MARK_TEMPLATE
from bot.harvest.entries import _Entry
from bot.harvest.ids import assign_ids, comparable, merge_duplicates
from bot.harvest.lines import _hidden_pattern, _hide, _lines
from bot.harvest.sections import _PageReader
from bot.harvest.signatures import normalise_user

DEFAULT_TOPIC_ALIASES: dict[str, str] = {
    "Human rights": "Human Rights",
    "Universal Code of Conduct": "UCoC",
    "T&S": "Trust and Safety",
    "Trust & Safety": "Trust and Safety",
}
"""Other ways of writing a topic, and the topic's name.  Matched case-insensitively,
ignoring extra white space; a topic's own name always matches too."""

_INVALID = re.compile("[\x00\ud800-\udfff]")
"""NUL bytes and lone surrogates, which no saved wiki page can hold."""
_REDIRECT = re.compile(r"\s*#REDIRECT\s*:?\s*\[\[([^\[\]|\n]*)(?:\|[^\[\]\n]*)?\]\]", re.IGNORECASE)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Characters that would move a terminal's cursor, colour it or turn its text around."""


# --- Public functions -------------------------------------------------------

def harvest(text: str, aliases: Mapping[str, str] | None = None, *,
            mark_template: str = MARK_TEMPLATE, facts: wikifacts.LanguageFacts | None = None) -> HarvestResult:
    """Harvest the questions of a questions page, in page order.

    ``aliases`` maps other ways of writing a topic to its name; it replaces
    :data:`DEFAULT_TOPIC_ALIASES` when given.  ``mark_template`` names the
    template of the answered marks the bot adds after questions: they are
    not part of a question (and would hide its signature).  Any text
    harvests without an exception: what cannot be read becomes a Problem.
    A redirect harvests to nothing but a notice; follow it with
    :func:`redirect_target`.  ``facts`` are the wiki's language facts
    (:func:`bot.wikifacts.facts_for`, :func:`bot.wikifacts.site_facts`):
    Meta-wiki's (English, UTC) by default.
    """
    target = redirect_target(text)
    if target is not None:
        return HarvestResult(notices=[
            f"the questions page is a redirect to [[{target}]]: nothing harvested"])
    source, replaced = _INVALID.subn("\ufffd", text.replace("\r\n", "\n"))
    page = _hide(source, _hidden_pattern(mark_template))
    reader = _PageReader(_Topics(DEFAULT_TOPIC_ALIASES if aliases is None else aliases),
                         facts or wikifacts.ENGLISH)
    reader.read(_lines(page))
    assign_ids(reader.entries)
    questions = [_question(entry) for entry in reader.entries if not entry.withdrawn]
    withdrawn = [_question(entry) for entry in reader.entries if entry.withdrawn]
    questions, notices = merge_duplicates(questions, withdrawn)
    if replaced:
        notices.insert(0, f"{replaced} NUL byte(s) or invalid character(s) replaced by U+FFFD")
    problems = sorted(page.problems + reader.problems, key=lambda problem: problem.line)
    return HarvestResult(questions=questions, problems=problems, withdrawn=withdrawn, notices=notices)


def normalise_topic(heading: str, aliases: Mapping[str, str]) -> str:
    """The topic a section heading names: an alias's topic, or the heading as written."""
    return _Topics(aliases).name(heading)


def redirect_target(text: str) -> str | None:
    """The page a redirect (``#REDIRECT [[X]]``) points to, or None if the text is no redirect."""
    match = _REDIRECT.match(text)
    if match is None:
        return None
    return match.group(1).strip() or None


def attribute_from_history(questions: list[Question], revisions: list[Revision], *,
                           facts: wikifacts.LanguageFacts | None = None) -> list[Question]:
    """Give each unsigned question the user and time of the revision that added it, and each
    signed question without a time (its zone ambiguous or unknown) that revision's time.

    ``revisions`` come oldest first, each with its full text.  A question was
    added by the first revision whose harvest holds the same question
    (compared as duplicates are).  Each revision is harvested at most once
    and the walk stops when every unsigned question is placed, so the cost is
    at most the size of the history.  Ids do not change; new Question objects
    are returned for the questions that change, the others are returned as
    they are.
    """
    wanted = {comparable(question.question) for question in questions
              if not question.signed or question.timestamp is None}
    added_by: dict[str, Revision] = {}
    for revision in revisions:
        if len(added_by) == len(wanted):
            break
        result = harvest(revision.text, facts=facts)
        for question in [*result.questions, *result.withdrawn]:
            key = comparable(question.question)
            if key in wanted:
                added_by.setdefault(key, revision)
    return [_attributed(question, added_by.get(comparable(question.question)))
            for question in questions]


def format_table(questions: list[Question]) -> str:
    """A plain-text table of questions for a terminal, with a count at the end.

    Cells are cleaned of control characters, so that a question cannot move
    the cursor or change the terminal's colours.
    """
    header = ("ID", "TOPIC", "ASKER", "TIME (UTC)", "QUESTION")
    rows = [header] + [(
        question.id,
        question.topic or "-",
        question.asker or "(unsigned)",
        question.timestamp.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M") if question.timestamp else "-",
        ("↳ " if question.followup_of else "") + _cell(question.question, 60),
    ) for question in questions]
    rows = [tuple(_cell(value, 20) for value in row[:4]) + row[4:] for row in rows]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    lines = ["  ".join([*(value.ljust(width) for value, width in zip(row, widths)), row[4]]).rstrip()
             for row in rows]
    followups = sum(1 for question in questions if question.followup_of)
    count = f"{len(questions)} question{'' if len(questions) == 1 else 's'}"
    if followups:
        count += f" ({followups} follow-up{'' if followups == 1 else 's'})"
    return "\n".join([*lines, count])


# --- Topics ------------------------------------------------------------------

class _Topics:
    """Topic names by the ways of writing them, compared case-insensitively."""

    def __init__(self, aliases: Mapping[str, str]):
        self._names = {_topic_key(name): name for name in aliases.values()}
        self._names.update({_topic_key(alias): name for alias, name in aliases.items()})

    def name(self, heading: str) -> str:
        written = heading.strip()
        return self._names.get(_topic_key(written), written)


def _topic_key(text: str) -> str:
    return " ".join(html.unescape(text).split()).casefold()



def _question(entry: _Entry) -> Question:
    asker = entry.asker
    return Question(
        id=entry.id,
        question=entry.text,
        title=entry.title,
        asker=asker,
        askers=[asker] if asker else [],
        timestamp=entry.signature.timestamp if entry.signature else None,
        topic=entry.topic,
        followup_of=entry.parent.id if entry.parent else None,
        comments=list(entry.comments),
        line=entry.line,
        lines=[entry.line],
        signed=asker is not None,
    )


# --- Helpers of the public functions -------------------------------------------------

def _attributed(question: Question, revision: Revision | None) -> Question:
    if revision is None or (question.signed and question.timestamp is not None):
        return question
    timestamp = revision.timestamp
    if timestamp.tzinfo is None:
        timestamp = timestamp.replace(tzinfo=timezone.utc)
    if question.signed:  # the signer is known; the time its signature could not give
        return dataclasses.replace(question, timestamp=timestamp.astimezone(timezone.utc))
    user = normalise_user(revision.user)
    askers = [user, *(asker for asker in question.askers if asker != user)]
    return dataclasses.replace(question, asker=user, askers=askers, timestamp=timestamp.astimezone(timezone.utc))


def _cell(value: str, width: int) -> str:
    """One table cell: on one line, without control characters, at most ``width`` long."""
    value = " ".join(_CONTROL.sub(" ", value).split())
    return value if len(value) <= width else value[:width - 3] + "..."
