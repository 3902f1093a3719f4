"""Replies: the indented lines under a question.  A reply belongs to the question
above it that is less indented; one that asks something is a follow-up, anything
else a comment.  A reply written over several lines and signed on its last is
one reply.
"""

from __future__ import annotations

import dataclasses

from bot.wikifacts import TOP_LEVEL_LIST_PREFIXES as _TOP_LEVEL_PREFIXES
from bot.harvest.entries import _Accounts, _Entry
from bot.harvest.lines import _Line
from bot.harvest.posts import _asks, _Said


class _Replies:
    """The reply reading of a section reader (:class:`bot.harvest.sections._SectionReader`),
    which holds ``page``, ``thread``, ``held``, ``preamble`` and ``section_question``."""

    page: _Accounts
    thread: list[tuple[int, _Entry]]
    held: list[tuple[_Line, _Said, int]]
    preamble: bool
    section_question: _Entry | None

    def continues_reply(self, line: _Line) -> bool:
        """Whether a line may go on the held reply: a reply line at its depth."""
        depth = self.held[0][2]
        if line.kind == "list":
            return len(line.prefix) == depth and line.prefix not in _TOP_LEVEL_PREFIXES
        return line.kind in ("prose", "template") and self.section_question is not None and depth == 1

    def release(self) -> None:
        """Held reply lines that no signature followed: each is read alone."""
        held, self.held = self.held, []
        for line, said, depth in held:
            self.reply_now(line, said, depth)


    def reply(self, line: _Line, said: _Said, depth: int) -> None:
        """A reply line: held while unsigned, so that a reply written over several
        lines and signed on its last is one comment or one follow-up."""
        if said.signature is None and said.text and not said.struck:
            self.held.append((line, said, depth))
            return
        if self.held and said.signature is not None and said.text:
            first = self.held[0][0]
            said = dataclasses.replace(said, text="\n".join([*(held.text for _, held, _ in self.held), said.text]))
            self.held = []
            self.reply_now(first, said, depth)
            return
        self.release()
        self.reply_now(line, said, depth)

    def reply_now(self, line: _Line, said: _Said, depth: int) -> None:
        parent = self.parent(depth)
        if parent is None:
            if not self.preamble:
                self.page.problem(line, "a reply with no question above it")
            return
        if said.asks or (said.withdrawn and (said.text or _asks(said.struck))):
            entry = self.page.add(line, said, topic=parent.topic, parent=parent)
            if entry:
                self.thread.append((depth, entry))
        elif said.text:
            parent.comments.append(said.text)
        elif said.struck and said.signature:
            parent.comments.append(f"<s>{said.struck}</s>")  # a comment its author struck: kept, struck
        elif said.signature and not said.struck:
            self.page.problem(line, "a signature with nothing before it")

    def parent(self, depth: int) -> _Entry | None:
        """The question a reply at ``depth`` answers: the nearest one above it that is less
        indented and not withdrawn, else the question that starts the thread."""
        if not self.thread:
            return None
        while len(self.thread) > 1 and self.thread[-1][0] >= depth:
            self.thread.pop()
        # a struck (withdrawn) follow-up gives its replies to the question it followed: they are
        # the live thread, and a withdrawn question's comments are never shown
        return next((entry for _, entry in reversed(self.thread) if not entry.withdrawn), self.thread[0][1])
