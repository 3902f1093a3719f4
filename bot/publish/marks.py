"""The "answered" marks beside each question on the questions page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from bot import harvest as harvest_mod
from bot.model import Session
from bot.publish import pagetext
from bot.publish.plan import Edit
from bot.publish.series import notes_link, topic_aliases

if TYPE_CHECKING:  # the configuration's types, for annotations only
    from bot.config import SeriesConfig


def mark_call(template: str, target: str, written: bool) -> str:
    return "{{" + template + "|" + target + ("|status=written" if written else "") + "}}"


def add_marks(text: str, marks: Mapping[str, tuple[str, bool]], series: "SeriesConfig", facts=None) -> str:
    """Put a mark after each question of ``marks`` (id → (link target, written?)),
    and after each asking of a merged duplicate.  ``facts``: the wiki's language
    facts (Meta-wiki's by default).

    The questions are found by harvesting the page as it is now, so a question
    that moved since the notes were compiled still gets its mark.
    """
    questions = harvest_mod.harvest(text, topic_aliases(series), mark_template=series.mark_template,
                                    facts=facts).questions
    lines = text.split("\n")
    for q in questions:
        if q.id not in marks or not q.line:
            continue
        target, written = marks[q.id]
        for line in q.lines or [q.line]:  # a merged duplicate: after every asker's line
            i = pagetext.mark_line(lines, line - 1)
            lines[i] = pagetext.set_mark(lines[i], series.mark_template,
                                         mark_call(series.mark_template, target, written))
    return "\n".join(lines)


def marks_edit(session: Session, answered: list[str], written: list[str], series: "SeriesConfig",
               facts=None) -> Edit:
    """The answered marks on the questions page.  ``facts``: the wiki's
    language facts, the same that harvest read the page with: another
    language's signatures read otherwise give other ids, and no mark."""
    target = session.notes_page
    marks = {qid: (f"{target}#{qid}", False) for qid in answered}
    marks.update({qid: (f"{target}#{qid}", True) for qid in written})
    return Edit(
        title=session.questions_page, kind="marks",
        summary=f"Marking the questions answered in [[{notes_link(session)}|the notes]]",
        change=lambda text, exists: add_marks(text, marks, series, facts) if exists else text,
        depends_on=(session.notes_page,),
    )
