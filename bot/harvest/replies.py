"""Replies: the indented lines under a question.  A reply belongs to the question
above it that is less indented; one whose last sentence asks is a follow-up,
anything else a comment.  A reply written over several lines (blank lines between
included) and signed on its last is one reply, as DiscussionTools reads a comment:
from its signature back to the previous one.  So a bullet that asks nothing,
continued by its author in a signed reply line, is the signer's; a signature
alone under an unsigned question and its list signs them; an indented line that
asks, with no question above, opens the thread.  Struck text is kept struck or
named by a problem line, never dropped in silence.
"""

from __future__ import annotations

import dataclasses
import re

from bot.wikifacts import PERSON_TEMPLATES, template_key
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
    topical: bool
    topic: str | None
    title: str | None
    unsigned_run: list[tuple[str, str]] | None
    """The unsigned question the thread starts with and the unsigned lines under it (list markers
    and text), while no signed line has come: a signature alone on the next line signs them all."""

    def continues_reply(self, line: _Line) -> bool:
        """Whether a line may go on the held reply: a reply line at its depth."""
        depth = self.held[0][2]
        if line.kind == "list":  # at its depth, or a list nested in it (``*: Because:`` then ``*:* …``)
            return line.prefix not in _TOP_LEVEL_PREFIXES and (
                len(line.prefix) == depth or line.prefix.startswith(self.held[0][0].prefix))
        return line.kind in ("prose", "template") and self.section_question is not None and depth == 1

    def release(self) -> None:
        """Held reply lines that no signature followed: each is read alone."""
        held, self.held = self.held, []
        for line, said, depth in held:
            self.reply_now(line, said, depth)


    def reply(self, line: _Line, said: _Said, depth: int) -> None:
        """A reply line: held while unsigned, so that a reply written over several
        lines and signed on its last is one comment or one follow-up (struck lines too:
        a strike that spans lines is one struck reply)."""
        if said.signature is None and (said.text or said.struck):
            self.held.append((line, said, depth))
            return
        if self.held and said.signature is not None and (said.text or said.struck or said.signature.user):
            # signed on its last line, or by a signature alone under the reply and its list
            first = self.held[0][0]
            parts = [*(held for _, held, _ in self.held), said]
            said = dataclasses.replace(
                said, text="\n".join(part.text for part in parts if part.text),
                struck=" ".join(part.struck for part in parts if part.struck),
                problems=[reason for part in parts for reason in part.problems])
            self.held = []
            self.reply_now(first, said, depth)
            return
        self.release()
        self.reply_now(line, said, depth)

    def reply_now(self, line: _Line, said: _Said, depth: int) -> None:
        parent = self.parent(depth)
        if parent is None:
            if not self.preamble and said.text and asks_at_end(said.text):
                self.opener(line, said, depth)
            elif not self.preamble or said.signature is not None:
                self.page.problem(line, "a reply with no question above it")
            return
        if said.signature is not None and said.text and self.continues_question(parent, said.text):
            self.sign_above(line, said)  # a bullet (a vote, a statement) its author went on with, then signed
            return
        if asks_at_end(said.text) or (said.withdrawn and (said.text or _asks(said.struck))):
            entry = self.page.add(line, said, topic=parent.topic, parent=parent)
            if entry:
                self.thread.append((depth, entry))
                self.unsigned_run = None
            return
        if said.signature is None and said.text and self.unsigned_run is not None:
            self.unsigned_run.append((line.prefix, said.text))  # may be signed on a line below
        elif said.signature is not None and said.text:
            self.unsigned_run = None
        for reason in said.problems:
            self.page.problem(line, reason)
        if said.text:
            parent.comments.append(said.text)
            if parent.withdrawn and said.signature is not None:  # kept with a question the draft leaves out
                self.page.problem(line, f"a reply to a struck (withdrawn) question: kept with it, {_excerpt(said.text)}")
            if said.struck:
                self.page.problem(line, f"struck words left out of a reply: {_excerpt(said.struck)}")
        elif said.struck and said.signature:
            parent.comments.append(f"<s>{said.struck}</s>")  # a comment its author struck: kept, struck
            self.page.problem(line, f"a reply its author struck: kept struck, {_excerpt(said.struck)}")
        elif said.struck:
            self.page.problem(line, f"struck text that no signature signs: left out, {_excerpt(said.struck)}")
        elif said.signature and not self.sign_above(line, said):
            self.page.problem(line, "a signature with nothing before it")

    def opener(self, line: _Line, said: _Said, depth: int) -> None:
        """A question written as an indented line, with no question above it: the thread's opener."""
        entry = self.page.add(line, said, topic=self.topic)
        if entry is not None and not self.topical:
            entry.title = self.title  # a section of its own, as a post is
            self.section_question = entry
        self.thread = [(depth, entry)] if entry else []
        self.unsigned_run = [("", entry.text)] if entry and said.signature is None else None

    def sign_above(self, line: _Line, said: _Said) -> bool:
        """A signature alone on its line, under an unsigned question and the unsigned lines that
        continue it (a list of links): it signs them all, as one question.  False when a signed
        line stands between, so that the signature cannot be the question's."""
        run = self.unsigned_run
        question = self.thread[0][1] if self.thread else None
        if not run or question is None or question.signature is not None or len(self.thread) > 1:
            return False
        lines = [text if not prefix or prefix.endswith(":") else f"{prefix} {text}" for prefix, text in run]
        question.text = "\n".join([*lines, said.text] if said.text else lines)
        question.comments = question.comments[:len(question.comments) - (len(run) - 1)]
        question.signature = said.signature
        self.unsigned_run = None
        for reason in said.problems:  # an unreadable time, say: named on the signature's line
            self.page.problem(line, reason)
        return True

    def continues_question(self, parent: _Entry, text: str) -> bool:
        """Whether a signed reply goes on with the unsigned bullet above it, which asks nothing
        (a vote, a statement): then the bullet is the signer's, as DiscussionTools reads a comment
        (back to the previous signature).  Under an unsigned question it is an answer, and so is
        a reply that addresses someone (``@Name``, ``{{ping|…}}``)."""
        return (self.unsigned_run is not None and len(self.thread) == 1 and self.thread[0][1] is parent
                and parent.signature is None and not parent.withdrawn and not _asks(parent.text)
                and not _ADDRESSES.match(text) and not _addresses_by_template(text))

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


_ADDRESSES = re.compile(r"\s*(?:'{2,5})?\s*@")
"""A reply that begins by addressing someone: ``@Name``."""


def _addresses_by_template(text: str) -> bool:
    """Whether a reply begins with a template that names or notifies a user (``{{ping|Name}}``)."""
    start = text.lstrip()
    if not start.startswith("{{"):
        return False
    name = re.split(r"[|}]", start[2:], maxsplit=1)[0]
    return template_key(name) in PERSON_TEMPLATES


_SENTENCE_END = re.compile(r"(?<=[.!?？؟。！])\s+")
_COURTESY_WORDS = 3
"""The most words a closing courtesy after a question may have ("Thanks in advance.")."""


def asks_at_end(text: str) -> bool:
    """Whether a reply asks something at its end: its last sentence asks, or a short courtesy
    follows a sentence that does.  A "?" in the middle of a reply that goes on to answer or
    explain does not make it a question."""
    lines = [line for line in text.strip().split("\n") if line.strip()]
    if not lines:
        return False
    sentences = [part for part in _SENTENCE_END.split(lines[-1].strip()) if part.strip()]
    if not sentences:
        return False
    if _asks(sentences[-1]):
        return True
    return len(sentences) > 1 and len(re.findall(r"[^\W_]+", sentences[-1])) <= _COURTESY_WORDS and \
        _asks(sentences[-2])


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= 80 else text[:77] + "...")
