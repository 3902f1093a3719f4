"""Step 4 of reading a questions page: sections.

A section with bullets or question templates is a topic section; a section of
prose ending in a signature is one question titled by its heading.  Replies are
read by :mod:`bot.harvest.replies`, what each line says by :mod:`bot.harvest.posts`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator

from bot import wikifacts
from bot.wikifacts import TOP_LEVEL_LIST_PREFIXES as _TOP_LEVEL_PREFIXES
from bot.harvest.entries import _Accounts, _Entry
from bot.harvest.lines import _heading, _Line
from bot.harvest.posts import _only_templates, _read, _Said
from bot.harvest.replies import _Replies
from bot.harvest.signatures import find_signature, without_signer


class _PageReader(_Accounts):
    """Reads a questions page section by section, keeping every line accounted for."""

    def read(self, lines: Iterable[_Line]) -> None:
        for title, body in _sections(lines):
            section = _SectionReader(self, title, body)
            for line in body:
                self.guarded(line, section.read)
            if body:
                self.guarded(body[-1], lambda _: section.end())


def _sections(lines: Iterable[_Line]) -> Iterator[tuple[str | None, list[_Line]]]:
    """(heading text, lines) of each section; the lines before the first heading have None."""
    title: str | None = None
    body: list[_Line] = []
    for line in lines:
        if line.kind == "heading":
            yield title, body
            title, body = _heading(line), []
        else:
            body.append(line)
    yield title, body


class _SectionReader(_Replies):
    """Reads the lines of one section.

    A section is one of three kinds:

    * the lines before the first heading: the header and instructions, where
      only signed bullets and question templates are questions;
    * a topic section, with bullets or question templates: each is a
      question on the section's topic;
    * a section of prose: its prose up to a signature is one question titled
      by the heading; what follows replies to it.

    Replies (indented lines) belong to the question above them: one that asks
    something is a follow-up, anything else a comment.
    """

    def __init__(self, page: _PageReader, title: str | None, body: list[_Line]):
        self.page = page
        self.title = title
        self.preamble = title is None
        self.topical = _topical(body, page.facts)
        self.topic = page.topics.name(title) if title is not None and self.topical else None
        self.thread: list[tuple[int, _Entry]] = []
        """The question replies now go to, and its follow-ups, with their depths."""
        self.pending: list[tuple[_Line, _Said] | None] = []
        """Prose waiting for the signature that makes it a question; None between paragraphs."""
        self.section_question: _Entry | None = None
        self.post = not self.preamble and not self.topical and _begins_with_prose(body)
        """A section of its own: everything up to its first signature is one question."""
        self.held: list[tuple[_Line, _Said, int]] = []
        """Unsigned reply lines of one depth, waiting for the line that signs them all."""
        self.unsigned_run: list[tuple[str, str]] | None = None

    def read(self, line: _Line) -> None:
        if self.held and line.kind == "prose" and self.section_question is None and not self.preamble:
            said = _read(line.structure, line.display, self.page.facts, struck=line.struck)
            if said.signature is not None and said.text:  # a reply's last paragraph, its colon forgotten
                self.reply(line, said, self.held[0][2])
                return
        if self.held and line.kind != "blank" and not self.continues_reply(line):
            self.release()
        if self.thread and line.kind in ("list", "prose", "template") and \
                (outdent := _outdent_end(line.content[0])) is not None:
            self.outdented(line, outdent)
            return
        if self.post and self.section_question is None and line.kind == "list":
            self.prose(line, whole=True)  # a list inside the post: part of the question
        elif line.kind == "blank":
            if self.pending:
                self.pending.append(None)
        elif line.kind == "list":
            self.settle_pending()
            self.list_item(line)
        elif line.kind == "submission":
            self.settle_pending()
            self.submission(line)
        elif line.kind == "template" and _only_templates(line.structure) and \
                find_signature(line.structure, self.page.facts) is None:
            self.settle_pending()  # a header or other template: not a question
        elif line.kind in ("template", "prose"):
            self.prose(line)
        elif line.kind == "block" and (self.pending or (self.post and self.section_question is None)):
            self.prose(line)  # a code block, on lines of its own, inside a post
        else:
            self.settle_pending()  # layout: rules, tags, magic words, categories

    def outdented(self, line: _Line, outdent: int) -> None:
        """A line that starts with an outdent template (``{{od}} text``): it starts again at the
        margin, yet replies to the comment above it, as DiscussionTools reads it; the template
        is no part of what it says."""
        self.release()
        self.settle_pending()
        structure, display = line.content
        said = _read(structure[outdent:], display[outdent:], self.page.facts, struck=line.struck)
        if said.text or said.struck or said.signature or said.problems:
            self.reply(line, said, max(depth for depth, _ in self.thread) + 1)

    def end(self) -> None:
        self.release()
        self.settle_pending()

    def list_item(self, line: _Line) -> None:
        depth = len(line.prefix)
        said = _read(*line.content, self.page.facts, struck=line.struck)
        if not (said.text or said.struck or said.signature or said.problems):
            return  # an empty bullet
        if line.prefix not in _TOP_LEVEL_PREFIXES or (self.post and self.section_question is not None):
            self.reply(line, said, depth)
        elif self.preamble and said.signature is None:
            self.thread = []  # a bullet of the instructions
        else:
            entry = self.page.add(line, said, topic=self.topic)
            self.thread = [(depth, entry)] if entry else []
            self.unsigned_run = [("", entry.text)] if entry and said.signature is None else None

    def submission(self, line: _Line) -> None:
        said = _read(line.structure, line.display, self.page.facts, struck=line.struck)
        topic = self.page.topics.name(said.topic) if said.topic else self.topic
        entry = self.page.add(line, said, topic=topic)
        self.thread = [(0, entry)] if entry else []
        self.unsigned_run = None

    def prose(self, line: _Line, *, whole: bool = False) -> None:
        said = _read(line.structure, line.display, self.page.facts, struck=line.struck)
        if self.preamble:
            if said.signature is not None:  # instructions are not signed: say so, never drop it
                self.page.problem(line, "signed prose before the first heading: not read as a question")
            return
        if whole:  # a list line inside a post keeps its markers
            said.text = said.text if said.text.startswith(line.prefix) else f"{line.prefix} {said.text}".strip()
        if self.section_question is not None:
            self.reply(line, said, 1)
        elif said.signature is not None and not said.text and not said.struck and not self.pending \
                and self.sign_above(line, said):
            return  # a signature alone under the question and the list it goes on with
        elif said.signature is None:
            self.pending.append((line, said))
        else:
            self.prose_question(line, said)

    def prose_question(self, line: _Line, said: _Said) -> None:
        """Make the pending paragraphs and this signed line one question."""
        first = next((item[0] for item in self.pending if item is not None), line)
        paragraphs: list[list[_Said]] = [[]]
        for item in self.pending:
            if item is None:
                paragraphs.append([])
            else:
                paragraphs[-1].append(item[1])
        paragraphs[-1].append(said)
        self.pending = []
        texts = ["\n".join(part.text for part in paragraph if part.text) for paragraph in paragraphs]
        parts = [part for paragraph in paragraphs for part in paragraph]
        whole = dataclasses.replace(
            said,
            text="\n\n".join(text for text in texts if text),
            struck=" ".join(part.struck for part in parts if part.struck),
            problems=[reason for part in parts for reason in part.problems],
            unreadable=any(part.unreadable for part in parts))
        if self.topical:
            entry = self.page.add(first, whole, topic=self.topic)
        else:
            title = self.title
            if title and whole.signature and whole.signature.user:
                title = without_signer(title, whole.signature.user, self.page.facts) or None  # the asker's
            entry = self.section_question = self.page.add(first, whole, topic=None, title=title)
        self.thread = [(0, entry)] if entry else []
        self.unsigned_run = None

    def settle_pending(self) -> None:
        """Prose that never got a signature is not a question: each line becomes a problem."""
        for item in self.pending:
            if item is not None:
                self.page.problem(item[0], "prose that is neither a bullet nor a signed question")
        self.pending = []


_OUTDENT = re.compile(r"\s*\{\{\s*([^{}|\n]{1,40}?)\s*(?:\|[^{}\n]{0,40})?\}\}")


def _outdent_end(structure: str) -> int | None:
    """Where an outdent template that starts a line's content ends, if one does."""
    match = _OUTDENT.match(structure) if "{{" in structure[:8] else None
    if match is None or wikifacts.template_key(match.group(1)) not in wikifacts.OUTDENT_TEMPLATES:
        return None
    return match.end()


def _begins_with_prose(body: list[_Line]) -> bool:
    """Whether a section's first line of content is prose (or a ``;`` line)."""
    first = next((line for line in body if line.kind not in ("blank", "layout", "block")
                  and not (line.kind == "template" and _only_templates(line.structure))), None)
    return first is not None and not (first.kind == "list" and not first.prefix.startswith(";"))


def _topical(body: list[_Line], facts: wikifacts.LanguageFacts) -> bool:
    """Whether a section holds questions on its topic (bullets, question templates),
    rather than being one post of its own.

    A section with bullets is a topic section, unless it begins with prose and
    its first signature ends a line of prose after them: then it is a post of
    its own, signed at its end, its lists and ``;`` lines included.
    """
    if any(line.kind == "submission" for line in body):
        return True
    if not any(line.prefix in _TOP_LEVEL_PREFIXES for line in body):
        return False
    if not _begins_with_prose(body):
        return True
    for line in body:
        if line.kind in ("list", "prose", "template") and find_signature(line.structure, facts):
            return line.kind == "list" and not line.prefix.startswith(";")
    return True
