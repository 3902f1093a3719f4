"""Question ids and duplicates: what makes a question the same question across edits.

An id is how the draft, the notes and the "answered" mark follow a question
from the questions page to its answer, so it must not change when the page is
edited around the question or when its asker edits it, and two questions
must never swap ids.

How an id is made, and why.  Harvest is pure over one text: it cannot
remember the id a question had yesterday, so the id must be computed from
what the question *is*, never from where it stands.  A signed question is
its asker (the signature's user) and its minute (the signature's time): a
signature's minute is in the past once it is saved, so the set of questions
one asker signed in one minute does not grow later.

* Alone in its asker's minute (almost every question), asker and minute are
  its id: whatever its asker does to it afterwards (rewording, adding a
  sentence, fixing a typo) keeps it.
* Several in one asker's minute (a list of questions posted in one edit),
  each also takes the *fingerprint* of its text: the first letter of each
  of its first :data:`FINGERPRINT_WORDS` words, after markup, case, accents
  and punctuation are dropped (``What is teh ''budget''?`` → ``witb``), so
  that inserting, deleting, moving or reordering them keeps every id, and
  so does a typo fixed inside a word.  Where two of them share a
  fingerprint (``What is the budget?``, ``Who is the boss?``), the initials
  of all their words, then their whole text; only a question asked twice at
  once, word for word, is told apart by its order.

Without a time, the asker and the fingerprint (an asker's undated questions
are not a closed set); unsigned, the text alone (compared as duplicates
are).  Withdrawn questions have ids too, so that striking one out does not
hand its id to another.

What this costs: in a minute of several questions, rewording the start of
one gives it a new id, and so does deleting all but one of them (the one
left is then alone in its minute).
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections import Counter
from typing import Protocol

from bot.model import Question, comparable, iso

FINGERPRINT_WORDS = 8
"""How many of a question's first words its fingerprint is made of."""

_MARKUP = re.compile(r"<[^<>]*>|\{\{[^{}]*\}\}|'{2,}|\[\[(?:[^\[\]|]*\|)?|\]\]|\[\S+\s|\[|\]")
_WORDS = re.compile(r"[^\W_]+")


class _Signed(Protocol):
    text: str
    signature: object
    id: str


def assign_ids(entries: list) -> None:
    """Give every question its id (see the module's docstring)."""
    identities = [_identity(entry) for entry in entries]
    for level in (fingerprint, _all_initials, comparable):
        counts = Counter(identities)
        identities = [identity + (level(entry.text),) if counts[identity] > 1 and identity[0] != "unsigned"
                      else identity for identity, entry in zip(identities, entries)]
    seen: Counter[tuple[str, ...]] = Counter()
    for entry, identity in zip(entries, identities):
        entry.id = _question_id(*identity, *((str(seen[identity]),) if seen[identity] else ()))
        seen[identity] += 1


def fingerprint(text: str) -> str:
    """The initials of a question's first words, without markup, case or accents."""
    return "".join(word[0] for word in _words(text)[:FINGERPRINT_WORDS])


def _all_initials(text: str) -> str:
    return "".join(word[0] for word in _words(text))


def _words(text: str) -> list[str]:
    plain = _MARKUP.sub(" ", html.unescape(text))
    plain = "".join(c for c in unicodedata.normalize("NFKD", plain.casefold()) if not unicodedata.combining(c))
    return _WORDS.findall(plain)


def _identity(entry: _Signed) -> tuple[str, ...]:
    """What every question's id is made from: its asker and minute, or its text."""
    signature = entry.signature
    if signature and signature.user and signature.timestamp:
        return ("signed", signature.user, iso(signature.timestamp) or "")
    if signature and signature.user:
        return ("signed without time", signature.user, fingerprint(entry.text))
    return ("unsigned", comparable(entry.text))


def _question_id(*parts: str) -> str:
    digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8", "surrogatepass"), digest_size=5)
    return "q-" + digest.hexdigest()


def merge_duplicates(questions: list[Question], withdrawn: list[Question]) -> tuple[list[Question], list[str]]:
    """Merge questions asked more than once into the first asking.

    The first keeps its id, topic, asker and time; it gains the others'
    askers and comments, and their follow-ups.
    """
    first_asked: dict[str, Question] = {}
    merged_into: dict[str, str] = {}
    kept: list[Question] = []
    notices: list[str] = []
    for question in questions:
        first = first_asked.setdefault(comparable(question.question), question)
        if first is question:
            kept.append(question)
            continue
        for asker in question.askers:
            if asker not in first.askers:
                first.askers.append(asker)
        first.comments.extend(question.comments)
        first.lines.extend(line for line in question.lines or [question.line] if line not in first.lines)
        merged_into[question.id] = first.id
        notices.append(f"line {question.line}: the same question as line {first.line}, merged into it")
    for question in [*kept, *withdrawn]:
        question.followup_of = merged_into.get(question.followup_of, question.followup_of)
        if question.followup_of == question.id:
            question.followup_of = None
    return kept, notices


