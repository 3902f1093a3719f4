"""The notes: a filled draft in, the published notes out.

Questions and answers in the draft's order, its sections as the style shows
them, questions without answer under the unanswered heading.  Askers are never
named (the draft does not have them); every question keeps its anchor.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.compile.draft import Draft, DraftQuestion, recording_url
from bot.compile.draft_writer import anchor
from bot.compile.pages import session_values
from bot.compile.sanitize import neutralise, plain_heading
from bot.compile.templates import TemplateSet, render
from bot.compile.translation import split_markup, translatable_template
from bot.model import Session

__all__ = ["Notes", "render_notes"]


@dataclass
class Notes:
    text: str
    """The notes wikitext: for a style whose notes are a section of the session
    page, the section's body (without its heading line); else the whole page."""
    answered: list[str] = field(default_factory=list)
    """Ids of the questions published with their answers (staff-added ones included)."""
    written: list[str] = field(default_factory=list)
    """Ids of the questions listed as to be answered in writing."""
    neutralised: list[str] = field(default_factory=list)


# -- the notes -------------------------------------------------------------------

def render_notes(draft: Draft, session: Session, templates: TemplateSet, *, translate: bool = False,
                 unanswered_heading: str = "To be answered in writing") -> Notes:
    """The notes from a filled draft: questions and answers in the draft's
    order, its sections as the style shows them; questions without answer
    under ``unanswered_heading``.  Askers are never named (the draft does not
    have them); every question keeps its anchor."""
    writer = _NotesWriter(templates, translate)
    notes = Notes("")
    blocks: list[str] = []
    waiting: list[str] = []
    for section in draft.sections:
        answered = []
        for question in section.questions:
            if question.answered:
                answered.append(writer.question(question, with_answers=True))
                notes.answered.append(question.id)
            else:
                waiting.append(writer.question(question, with_answers=False))
                notes.written.append(question.id)
        if answered:
            body = "\n".join(answered)
            if section.heading is None:
                blocks.append(body)
            else:
                heading = writer.unit(writer.plain(section.heading, f"heading {section.heading!r}"))
                blocks.append(templates.render("section", {"heading": heading, "questions": body}))
    if waiting:
        blocks.append(templates.render("unanswered", {"heading": writer.unit(unanswered_heading),
                                                      "questions": "\n".join(waiting)}))
    url = recording_url(draft)
    values = {**session_values(session), "languages": "<languages/>\n" if translate else "",
              "recording": templates.render("recording", {"recording_url": url}).strip() + "\n\n" if url else "",
              "questions": _join_blocks(blocks)}
    if translate:  # the fixed text a sentence per unit
        notes.text = render(translatable_template(templates["notes"]), values,
                            name=f"'notes' ({templates.sources['notes']})").rstrip()
    else:
        notes.text = templates.render("notes", values).rstrip()
    notes.neutralised = writer.neutralised
    return notes


class _NotesWriter:
    """Renders the draft's questions and answers for the notes, neutralised."""

    def __init__(self, templates: TemplateSet, translate: bool) -> None:
        self.templates = templates
        self.translate = translate
        self.neutralised: list[str] = []

    def question(self, question: DraftQuestion, *, with_answers: bool) -> str:
        text = self.unit(self.clean(question.text, question.id))
        lines = [self.templates.render("question", {"id": anchor(question.id), "question": text})]
        if with_answers:
            for answer in question.answers:
                own = self.translate and any(kept for _, kept in split_markup(answer))
                answer = self.clean(answer, f"{question.id} (answer)", markup=own)
                answer = answer if own else self.unit(answer)
                lines.append(self.templates.render("answer", {"answer": answer}))
        return "\n".join(lines)

    def clean(self, text: str, where: str, *, markup: bool = False) -> str:
        """``text`` made inert; with ``markup``, staff's own ``<translate>`` and
        ``<tvar>`` tags are kept (the text between them is made inert)."""
        pieces = split_markup(text) if markup else [(text, False)]
        out = []
        for piece, kept in pieces:
            core = piece.strip() if markup else piece
            if not kept and core:
                cleaned, changes = neutralise(core)
                self.neutralised += [f"{where}: {change}" for change in changes]
                # between two tags, the spaces around the text are the answer's own
                piece = piece.replace(core, cleaned, 1) if markup else cleaned
            out.append(piece)
        return "".join(out)

    def plain(self, text: str, where: str) -> str:
        text, changes = plain_heading(text)
        self.neutralised += [f"{where}: {change}" for change in changes]
        return text

    def unit(self, text: str) -> str:
        """One translatable unit, marked for the Translate extension when asked."""
        return f"<translate>{text}</translate>" if self.translate else text


def _join_blocks(blocks: list[str]) -> str:
    """Blocks one after another, a blank line before each that starts with a heading."""
    out = ""
    for block in blocks:
        if out:
            out += "\n\n" if block.startswith("=") else "\n"
        out += block
    return out
