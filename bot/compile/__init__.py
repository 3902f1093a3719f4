"""Compile: questions into the notes draft, the filled draft into the notes,
and a session into its session page and questions page.

* :mod:`bot.compile.templates`: the style's templates, in the wiki's ``{{{placeholder}}}`` syntax;
* :mod:`bot.compile.draft`: the draft's format, read back as staff left it;
* :mod:`bot.compile.draft_writer`: questions into the draft;
* :mod:`bot.compile.check`: every problem of a draft, graded;
* :mod:`bot.compile.notes`: the draft into the notes;
* :mod:`bot.compile.pages`: the session page and the questions page;
* :mod:`bot.compile.sanitize`: community text made inert before it is placed;
* :mod:`bot.compile.translation`: the Translate unit markers kept when the notes are written again.

Pure text in, text out: nothing here talks to a wiki.
"""

from bot.compile.draft import (Draft, DraftError, DraftQuestion, DraftSection, parse_draft, record_harvested,
                               set_draft_problems, set_draft_status, set_untrusted, untrusted_note)
from bot.compile.draft_writer import DraftUpdate, render_draft, update_draft
from bot.compile.notes import Notes, render_notes
from bot.compile.pages import english_list, render_questions_page, render_session_page, session_values
from bot.compile.templates import STYLES, TemplateError, TemplateSet, load_templates
from bot.compile.translation import keep_markers

__all__ = ["STYLES", "Draft", "DraftError", "DraftQuestion", "DraftSection", "DraftUpdate", "Notes",
           "TemplateError", "TemplateSet", "english_list", "keep_markers", "load_templates", "parse_draft", "record_harvested",
           "render_draft", "render_notes", "render_questions_page", "render_session_page", "session_values",
           "set_draft_problems", "set_draft_status", "set_untrusted", "untrusted_note", "update_draft"]
