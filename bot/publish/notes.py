"""The notes: their part of the session page, or a page of their own."""

from __future__ import annotations

from bot import compile as compile_mod
from bot.model import Session
from bot.publish import pagetext
from bot.publish.plan import Edit


def notes_edit(session: Session, notes_text: str, tset, summary: str, *, translate: bool = False,
               previous: str | None = None) -> Edit:
    """The notes: between the bot's markers in the session page's notes
    section, or on a page of their own.  Whatever others wrote outside the
    markers (a sub-section, a note under the notes) is kept byte for byte; a
    first publish replaces only the placeholder the session template wrote.
    Translatable notes keep the unit markers of the text the change is
    applied to (:func:`bot.compile.keep_markers`), so that a republish, or
    its recompute after a conflict, keeps their translations.  ``previous``:
    what the bot wrote between its markers in its own last revision of the
    page (:func:`bot.publish.pagetext.own_part`), which decides where its
    part is when the markers were moved, copied or deleted."""
    def kept(current: str) -> str:
        return compile_mod.keep_markers(current, notes_text) if translate else notes_text

    if session.notes_section:
        empty = compile_mod.render_session_page(session, tset)
        where = pagetext.find_section(empty, session.notes_section)
        placeholder = empty[where[1]:where[2]] if where else ""

        def change(text: str, exists: bool) -> str:
            if not exists:
                return compile_mod.render_session_page(session, tset, notes=pagetext.wrap_own(notes_text))
            if pagetext.own_part(text, previous=previous) is not None:
                # The bot's markers, wherever the heading went (renamed, a comment or
                # <translate> in it, another "Notes" higher up): never a second copy.
                return pagetext.set_own_part(text, kept(pagetext.own_text(text, previous)), previous=previous)
            where = pagetext.find_section(text, session.notes_section)
            body = text[where[1]:where[2]] if where else ""
            mine = pagetext.own_text(body)
            return pagetext.set_section_part(text, session.notes_section, kept(body if mine is None else mine),
                                             placeholder=placeholder)
    else:
        def change(text: str, exists: bool) -> str:
            if not exists:
                return pagetext.wrap_own(notes_text)
            mine = pagetext.own_text(text, previous)
            # A page of their own without markers was written whole by an earlier version.
            return pagetext.set_own_part(text, kept(text if mine is None else mine), owned=True,
                                         previous=previous)
    return Edit(title=session.notes_page, kind="notes", summary=summary, change=change)
