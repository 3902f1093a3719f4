"""The "answered" marks beside each question on the questions page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from bot.model import Session
from bot.publish.plan import Edit
from bot.publish.series import notes_link, topic_aliases

if TYPE_CHECKING:  # the configuration's types, for annotations only
    from bot.config import SeriesConfig


def add_marks(text: str, marks: Mapping[str, tuple[str, bool]], series: "SeriesConfig", facts=None, *,
              notes_page: str = "", given=()) -> str:
    """Every mark of the questions page agreeing with ``marks`` (id → (link
    target, written?)): :func:`bot.publish.mark_sync.sync_marks`."""
    from bot.publish import mark_sync
    return mark_sync.sync_marks(text, marks, series.mark_template, topic_aliases(series), notes_page=notes_page,
                                given=given, facts=facts)


def marks_edit(session: Session, answered: list[str], written: list[str], series: "SeriesConfig",
               facts=None, given=()) -> Edit:
    """The answered marks on the questions page.  ``facts``: the wiki's
    language facts, the same that harvest read the page with: another
    language's signatures read otherwise give other ids, and no mark."""
    target = session.notes_page
    marks = {qid: (f"{target}#{qid}", False) for qid in answered}
    marks.update({qid: (f"{target}#{qid}", True) for qid in written})
    return Edit(
        title=session.questions_page, kind="marks",
        summary=f"Marking the questions answered in [[{notes_link(session)}|the notes]]",
        change=lambda text, exists: add_marks(text, marks, series, facts, notes_page=target,
                                              given=given) if exists else text,
        depends_on=(session.notes_page,),
    )
