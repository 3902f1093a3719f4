"""Plan what publishing a session changes on the wiki, without touching it.

Publishing reads every page it may touch first, then computes the complete
list of edits here, as pure functions of the pages' text, and only then
writes (``bot/apply.py``).  Each :class:`Edit` is a *change*, not a text: a
function from the page's current text to its new text, touching only its own
part of the page (a section, a line, a template call, a mark).  When a
community member saves the page between the bot's read and its write, the
change is simply applied again to their text.

The edits come in a safe order: notes, session page, index, navigation, and
the "answered" marks last, each depending on the edits it points to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Mapping, Protocol

from bot import pagetext
from bot.model import Session

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


class PageLike(Protocol):
    title: str
    exists: bool
    text: str


@dataclass
class Edit:
    """One page edit of a plan."""

    title: str
    kind: str
    """'notes', 'session', 'index', 'navigation', 'marks', 'draft', 'questions', 'status'."""
    summary: str
    change: Callable[[str, bool], str]
    """Current text and whether the page exists → the new text."""
    depends_on: tuple[str, ...] = ()
    """Titles whose edits must be done (or already in place) before this one."""
    create_only: bool = False
    """Create the page if it is missing; never change an existing one."""

    def new_text(self, current: str, exists: bool) -> str:
        if self.create_only and exists:
            return current
        return self.change(current, exists)


@dataclass
class Plan:
    edits: list[Edit] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    """Things worth telling staff (neutralised text, draft problems)."""
    answered: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)

    def titles(self) -> list[str]:
        return list(dict.fromkeys(e.title for e in self.edits))


def human_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def series_dates(index_text: str, session_date: Callable[[str], date | None]) -> list[date]:
    """Dates of the sessions the index page links to."""
    found = {d for d in (session_date(t) for t in pagetext.links_in(index_text)) if d}
    return sorted(found)


def neighbours(day: date, dates: list[date]) -> tuple[date | None, date | None]:
    earlier = [d for d in dates if d < day]
    later = [d for d in dates if d > day]
    return (max(earlier) if earlier else None, min(later) if later else None)


def notes_link(session: Session) -> str:
    if session.notes_section:
        return f"{session.notes_page}#{session.notes_section}"
    return session.notes_page


def index_line(session: Session, tset, *, published: bool) -> str:
    values = {"session": session.title, "date": human_date(session.date), "notes": notes_link(session)}
    return tset.render("index_line" if published else "index_upcoming", values).strip()


def index_edit(session: Session, tset, session_date: Callable[[str], date | None], *,
               published: bool) -> Edit:
    line = index_line(session, tset, published=published)

    def order_key(l: str) -> str | None:
        for target in pagetext.links_in(l) if "[[" in l else []:
            d = session_date(target)
            if d:
                return d.isoformat()
        return None

    return Edit(
        title=session.index_page, kind="index",
        summary=f"Index: {'notes of' if published else 'upcoming session'} [[{session.title}]]",
        change=lambda text, exists: pagetext.ensure_line(
            text, line, match=session.title, order_key=order_key, key=session.date.isoformat()),
        depends_on=(session.notes_page,) if published else (),
    )


def navigation_edits(session: Session, template: str, dates: list[date],
                     title_for: Callable[[date], str], pages: Mapping[str, PageLike]) -> list[Edit]:
    """The navigation template on this session's page and on its neighbours'."""
    prev_day, next_day = neighbours(session.date, dates)
    prev_title = title_for(prev_day) if prev_day else None
    next_title = title_for(next_day) if next_day else None
    edits = [Edit(
        title=session.title, kind="navigation",
        summary="Navigation between sessions",
        change=lambda text, exists: pagetext.set_template(
            text, template, {"previous": prev_title or "", "next": next_title or "", "index": session.index_page}),
    )]
    for other, key in ((prev_title, "next"), (next_title, "previous")):
        page = pages.get(other) if other else None
        if other and page is not None and page.exists:
            edits.append(Edit(
                title=other, kind="navigation",
                summary=f"Navigation: link to [[{session.title}]]",
                change=lambda text, exists, key=key: pagetext.set_template(
                    text, template, {key: session.title, "index": session.index_page}),
                depends_on=(session.title,),
            ))
    return edits


def mark_call(template: str, target: str, written: bool) -> str:
    return "{{" + template + "|" + target + ("|status=written" if written else "") + "}}"


_SIGNATURE_HINT = re.compile(r"\[\[\s*(?:user|user talk|special:contributions)\s*[:/]|\{\{\s*unsigned|\(UTC\)",
                             re.IGNORECASE)


def mark_line(lines: list[str], start: int) -> int:
    """Index of the line a question's mark goes on: its signature line (for a
    question posted as a section, the first signed line from its start)."""
    for i in range(start, min(len(lines), start + 50)):
        if _SIGNATURE_HINT.search(lines[i]):
            return i
        if i > start and lines[i].startswith("="):
            break
    return start


def add_marks(text: str, marks: Mapping[str, tuple[str, bool]], template: str,
              harvest: Callable[[str], list]) -> str:
    """Put a mark after each question of ``marks`` (id → (link target, written?)).

    The questions are found by harvesting the page as it is now, so a question
    that moved since the notes were compiled still gets its mark.
    """
    questions = harvest(text)
    lines = text.split("\n")
    for q in questions:
        if q.id not in marks or not q.line:
            continue
        target, written = marks[q.id]
        i = mark_line(lines, q.line - 1)
        lines[i] = pagetext.set_mark(lines[i], template, mark_call(template, target, written))
    return "\n".join(lines)


def marks_edit(session: Session, answered: list[str], written: list[str], template: str,
               harvest: Callable[[str], list]) -> Edit:
    target = session.notes_page
    marks = {qid: (f"{target}#{qid}", False) for qid in answered}
    marks.update({qid: (f"{target}#{qid}", True) for qid in written})
    return Edit(
        title=session.questions_page, kind="marks",
        summary=f"Marking the questions answered in [[{notes_link(session)}|the notes]]",
        change=lambda text, exists: add_marks(text, marks, template, harvest) if exists else text,
        depends_on=(session.notes_page,),
    )


def notes_edit(session: Session, notes_text: str, tset, summary: str) -> Edit:
    """The notes: the session page's notes section, or a page of their own."""
    if session.notes_section:
        def change(text: str, exists: bool) -> str:
            if not exists:
                return tset_session_page(session, tset, notes_text)
            return pagetext.replace_section_body(text, session.notes_section, notes_text)
    else:
        def change(text: str, exists: bool) -> str:
            return notes_text
    return Edit(title=session.notes_page, kind="notes", summary=summary, change=change)


def tset_session_page(session: Session, tset, notes: str | None) -> str:
    from bot import compile as compile_mod

    return compile_mod.render_session_page(session, tset, notes=notes)


def merge_edits(edits: list[Edit]) -> list[Edit]:
    """One edit per page: the changes to one title, composed in plan order, so
    that a publish makes exactly one edit to each page that changes.  A page
    keeps the place of its first edit."""
    by_title: dict[str, list[Edit]] = {}
    for edit in edits:
        by_title.setdefault(edit.title, []).append(edit)
    merged = []
    for title, group in by_title.items():
        if len(group) == 1:
            merged.append(group[0])
            continue

        def change(text: str, exists: bool, group=group) -> str:
            for e in group:
                new = e.new_text(text, exists)
                exists = exists or new != text
                text = new
            return text

        deps = tuple(dict.fromkeys(d for e in group for d in e.depends_on if d != title))
        merged.append(Edit(
            title=title, kind="+".join(dict.fromkeys(e.kind for e in group)),
            summary="; ".join(dict.fromkeys(e.summary for e in group)),
            change=change, depends_on=deps,
        ))
    return merged
