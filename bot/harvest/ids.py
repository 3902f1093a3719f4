"""Question ids and duplicates: what makes a question the same question across edits.

An id is how the draft, the notes and the "answered" mark follow a question
from the questions page to its answer, so it must not change when the page is
edited around the question, and two questions must never swap ids.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter
from typing import Protocol

from bot.model import Question, iso


class _Signed(Protocol):
    text: str
    signature: object
    id: str


def assign_ids(entries: list) -> None:
    """Give every question its stable id, in page order.

    Entries with the same identity are told apart by their order among
    themselves; withdrawn questions count too, so that striking one out does
    not hand its id to another.
    """
    seen: Counter[tuple[str, ...]] = Counter()
    for entry in entries:
        identity = _identity(entry)
        entry.id = _question_id(*identity, str(seen[identity]))
        seen[identity] += 1


def _identity(entry: _Signed) -> tuple[str, ...]:
    """What a question's id is made from.

    A signed question is its asker's name and its signature's time, neither
    of which changes when the page is edited around it, when the asker fixes
    a typo in it or when it moves to another section.  Without a time, the
    asker and the question's text; unsigned, the text alone.
    """
    signature = entry.signature
    if signature and signature.user and signature.timestamp:
        return ("signed", signature.user, iso(signature.timestamp) or "")
    if signature and signature.user:
        return ("signed without time", signature.user, comparable(entry.text))
    return ("unsigned", comparable(entry.text))


def _question_id(*parts: str) -> str:
    digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8", "surrogatepass"), digest_size=5)
    return "q-" + digest.hexdigest()


def comparable(text: str) -> str:
    """A question's text as duplicates are compared: case, white space and
    trailing punctuation do not count."""
    text = " ".join(unicodedata.normalize("NFC", text).casefold().split())
    end = len(text)
    while end and (text[end - 1].isspace() or unicodedata.category(text[end - 1]).startswith("P")):
        end -= 1
    return text[:end]



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
        merged_into[question.id] = first.id
        notices.append(f"line {question.line}: the same question as line {first.line}, merged into it")
    for question in [*kept, *withdrawn]:
        question.followup_of = merged_into.get(question.followup_of, question.followup_of)
        if question.followup_of == question.id:
            question.followup_of = None
    return kept, notices


