"""What a questions page gives, line by line: the entries (questions before they
have ids) and the problems, so that every line is accounted for.

:mod:`bot.harvest.sections` decides what each line is; this module records it, and
turns a failure on one line into a problem on that line instead of a failed harvest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot import wikifacts
from bot.model import Problem
from bot.harvest.lines import _Line
from bot.harvest.posts import _Said
from bot.harvest.signatures import Signature

if TYPE_CHECKING:
    from bot.harvest.page import _Topics


@dataclass(eq=False)
class _Entry:
    """A question as the page gives it, before it has an id."""

    line: int
    text: str
    signature: Signature | None
    topic: str | None
    title: str | None = None
    parent: _Entry | None = None
    withdrawn: bool = False
    comments: list[str] = field(default_factory=list)
    id: str = ""

    @property
    def asker(self) -> str | None:
        return self.signature.user if self.signature else None


class _Accounts:
    """The entries and problems of a page, each line accounted for."""

    def __init__(self, topics: _Topics, facts: wikifacts.LanguageFacts):
        self.topics = topics
        self.facts = facts
        self.entries: list[_Entry] = []
        self.problems: list[Problem] = []

    def guarded(self, line: _Line, read: Callable[[_Line], None]) -> None:
        """Read a line so that a bug on it becomes a Problem, not a failed harvest."""
        try:
            read(line)
        except Exception as error:  # noqa: BLE001 - any failure on one line must not lose the page
            self.problem(line, f"could not read this line ({type(error).__name__}: {error})")

    def problem(self, line: _Line, reason: str) -> None:
        self.problems.append(Problem(line.number, reason, line.shown))

    def add(self, line: _Line, said: _Said, *, topic: str | None, title: str | None = None,
            parent: _Entry | None = None) -> _Entry | None:
        """Record a question (or a withdrawn one) from what a line says."""
        for reason in said.problems:
            self.problem(line, reason)
        if said.unreadable:
            return None
        withdrawn = said.withdrawn
        text = said.struck if withdrawn else said.text
        if not text:
            self.problem(line, "a signature with no question before it")
            return None
        entry = _Entry(line.number, text, said.signature, topic, title, parent, withdrawn)
        if withdrawn and said.text:
            entry.comments.append(said.text)  # the note that says why
        self.entries.append(entry)
        return entry
