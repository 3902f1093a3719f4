"""Cross-links across Meta: the central listing, categories, announcements.

Pure functions over a page's text, like :mod:`bot.publish.pagetext`; the
planners (``plan.py``) wrap them in edits.  Every one changes only the bot's
own part of a page that other people edit too, and returns the rest byte for
byte:

* **The central listing** (Meta's ``IRC office hours``): a table of upcoming
  sessions of every team, in hCalendar markup, and a list (or table) of past
  ones.  The table is read with mwparserfromhell, rows as ``tr`` tags, its
  columns from its header cells.  The bot's row is the one that carries its
  marker (``<!-- notesbot:listing <session title> -->``, on a line of its own
  after ``|-``; at the end of the line in a bulleted list), never a row that
  merely links the session page: another team's row "after the CR&S
  conversation hour" links it too, and so does a row a person copied from the
  bot's.  A row written by an earlier version, without the marker, is the
  bot's only when it is exactly what that version wrote (and no row carries
  the marker).  Only the bot's row is added, replaced or removed:
  mwparserfromhell gives the page back as it read it, so every other row,
  comment and space stays as it was.  A table whose columns the bot does not
  know, or a page with two rows carrying the bot's marker for one session,
  is a :class:`ListingError`, never a guess.
* **Categories**: ``[[Category:…]]`` added at the end of a page, once.
* **Announcements**: a message posted as a new section, or the request to
  MassMessage that posts it to a delivery list; the bot records each one it
  made on its own records page (:mod:`bot.publish.records`, which the
  community cannot edit), where the next run reads it back before planning,
  so that each is made once per session, event and page, whatever became of
  it since (a talk page archived, a heading renamed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Mapping

import mwparserfromhell

from bot import wikitext
from mwparserfromhell.nodes import Tag
from mwparserfromhell.wikicode import Wikicode

from bot import wikifacts
from bot.model import LISTING_FIELDS, Session
from bot.publish import pagetext

if TYPE_CHECKING:
    from bot.config import CentralListing

FIELDS = LISTING_FIELDS
"""What the bot can write in a column of the listing (kept in ``bot.model``, which the configuration reads)."""

HEADERS: Mapping[str, str] = {
    "day": "day", "weekday": "day",
    "date": "date",
    "time": "time", "time utc": "time", "utc": "time",
    "who": "host", "host": "host", "hosts": "host", "hosted by": "host", "speaker": "host", "speakers": "host",
    "topic": "summary", "topics": "summary", "subject": "summary", "what": "summary", "title": "summary",
    "description": "summary", "about": "summary",
    "link": "link", "links": "link", "where": "link", "page": "link", "details": "link", "more": "link",
    "notes": "notes", "logs": "notes", "log": "notes", "minutes": "notes", "notes/logs": "notes",
    "logs/notes": "notes", "recording": "blank",
}
"""Header texts (lower case, without a parenthesised part) the bot knows by itself."""

_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


class ListingError(ValueError):
    """A central page the bot cannot read safely; the message says why, for a person."""


# -- the central listing ------------------------------------------------------------

@dataclass
class Table:
    """A wikitable of the listing: its tag, its data rows and what each column holds."""

    tag: Tag
    fields: list[str]
    rows: list[Tag]
    header_end: object
    """The last node of the header (a data row is inserted after it when there is none)."""


def short_name(session: Session) -> str:
    """The session's name without its parent pages (``Conversation Hour 2024 07 11``)."""
    return session.title.rsplit("/", 1)[-1]


def start_of(session: Session) -> datetime:
    hour, minute = (int(x) for x in session.time.split(":"))
    return datetime(session.date.year, session.date.month, session.date.day, hour, minute, tzinfo=timezone.utc)


def _header_key(text: str) -> str:
    text = re.sub(r"\([^)]*\)", " ", text.lower())
    return " ".join(re.sub(r"[^\w/ ]", " ", text).split())


def _heading_matches(section: Wikicode, heading: str) -> bool:
    heads = section.filter_headings(recursive=False)
    return bool(heads) and heads[0].title.strip_code().strip().casefold() == heading.strip().casefold()


def _section(code: Wikicode, heading: str) -> Wikicode | None:
    for section in code.get_sections(include_lead=False):
        if _heading_matches(section, heading):
            return section
    return None


def _is_caption(node: Tag) -> bool:
    return node.wiki_markup == "|+"


def _cells(row: Tag) -> list[Tag]:
    return [n for n in row.contents.nodes if isinstance(n, Tag) and n.tag in ("th", "td")]


def read_table(code: Wikicode, heading: str, columns: Mapping[str, str], page: str) -> Table | None:
    """The first wikitable under the section ``heading``; None if the section
    has no table.  Raises :class:`ListingError` for a missing section, an HTML
    table, a table without a header or a column the bot does not know."""
    section = _section(code, heading)
    if section is None:
        raise ListingError(f"[[{page}]] has no section '{heading}'")
    tables = [t for t in section.filter_tags(recursive=True) if t.tag.lower() == "table"]
    if not tables:
        return None
    table = tables[0]
    if table.wiki_markup != "{|":
        raise ListingError(f"[[{page}]], section '{heading}': the table is an HTML <table>, which the bot "
                           "does not edit")
    nodes = [n for n in table.contents.nodes if isinstance(n, Tag)]
    loose = []  # cells before the first |- : an implicit first row
    rows = []
    for node in nodes:
        if node.tag == "tr":
            rows.append(node)
        elif node.tag in ("th", "td") and not _is_caption(node):
            if rows:
                raise ListingError(f"[[{page}]], section '{heading}': a cell outside any row")
            loose.append(node)
    if loose:
        header_cells, header_end, data = loose, loose[-1], rows
    elif rows:
        header_cells, header_end, data = _cells(rows[0]), rows[0], rows[1:]
    else:
        raise ListingError(f"[[{page}]], section '{heading}': the table has no header row")
    if not header_cells or any(c.tag != "th" for c in header_cells):
        raise ListingError(f"[[{page}]], section '{heading}': the table's first row is not a header (! cells)")
    wanted = {_header_key(k): v for k, v in columns.items()}
    fields = []
    for cell in header_cells:
        if any(str(a.name).strip().lower() in ("colspan", "rowspan") for a in cell.attributes):
            raise ListingError(f"[[{page}]], section '{heading}': a merged header cell ({str(cell).strip()!r})")
        text = cell.contents.strip_code().strip()
        key = _header_key(text)
        field = wanted.get(key) or HEADERS.get(key)
        if field is None:
            raise ListingError(f"[[{page}]], section '{heading}': the bot does not know the column {text!r}; "
                               "name it in the configuration's central_listing.columns")
        fields.append(field)
    if "summary" not in fields and "link" not in fields:
        raise ListingError(f"[[{page}]], section '{heading}': no column for the topics or a link "
                           "to the session page")
    return Table(table, fields, data, header_end)


def _cell_value(value: str) -> str:
    """Text safe inside a table cell: no line break, no cell separator."""
    return " ".join(value.split()).replace("||", "&#124;&#124;").replace("!!", "&#33;&#33;")


def cell_text(field: str, session: Session, fields: list[str], *, duration: int, notes: str | None) -> str:
    """What the bot writes in a column, with the hCalendar classes."""
    start = start_of(session)
    end = start + timedelta(minutes=duration)
    topics = ", ".join(session.topics)
    name = short_name(session)
    if field == "day":
        return wikifacts.weekday_name(session.date)
    if field == "date":
        shown = session.date.isoformat() if "time" in fields else f"{session.date.isoformat()} {session.time} UTC"
        return f'<abbr class="dtstart" title="{start:%Y-%m-%dT%H:%MZ}">{shown}</abbr>'
    if field == "time":
        return f'{start:%H:%M}–<abbr class="dtend" title="{end:%Y-%m-%dT%H:%MZ}">{end:%H:%M}</abbr>'
    if field == "host":
        return _cell_value(session.host)
    if field == "summary":
        text = f'<span class="summary">{_cell_value(name + (": " + topics if topics else ""))}</span>'
        if "link" not in fields:
            text += f' (<span class="url">[[{session.title}|session page]]</span>)'
        if notes and "notes" not in fields:
            text += f" – [[{notes}|notes]]"
        return text
    if field == "link":
        return f'<span class="url">[[{session.title}|{name}]]</span>'
    if field == "notes":
        return f"[[{notes}|notes]]" if notes else ""
    return ""


def listing_marker(session: Session) -> str:
    """What tells the bot's own row (or line) of the listing from every other."""
    return pagetext.marker("listing", session.title)


def row_text(session: Session, fields: list[str], *, duration: int, notes: str | None = None,
             marked: bool = True) -> str:
    """The bot's row, its marker on a line of its own (MediaWiki drops a
    comment line, and mwparserfromhell keeps it inside the row), then one
    cell a line, in the table's column order.  ``marked=False``: the row as
    an earlier version wrote it."""
    cells = [cell_text(f, session, fields, duration=duration, notes=notes) for f in fields]
    return ('|- class="vevent"\n' + (listing_marker(session) + "\n" if marked else "")
            + "".join(f"| {c}\n" if c else "|\n" for c in cells))


def list_line(session: Session, *, notes: str | None, marked: bool = True) -> str:
    """The bot's line in a bulleted list of past sessions, its marker at the end."""
    start = start_of(session)
    topics = ", ".join(session.topics)
    line = (f'* <span class="vevent"><abbr class="dtstart" title="{start:%Y-%m-%dT%H:%MZ}">'
            f'{session.date.isoformat()}</abbr>: <span class="summary">'
            f'{_cell_value(short_name(session) + (": " + topics if topics else ""))}</span> '
            f'(<span class="url">[[{session.title}|session page]]</span>)</span>')
    line += f" – [[{notes}|notes]]" if notes else ""
    return f"{line} {listing_marker(session)}" if marked else line


def _day_of(node) -> str | None:
    m = _ISO_DAY.search(str(node))
    return m.group(0) if m else None


def _put_row(table: Table, row: str, day: str) -> None:
    """Insert ``row`` among the data rows, in their date order (ascending or
    descending, as they are), or after the last one."""
    dated = [(r, d) for r in table.rows if (d := _day_of(r))]
    descending = len(dated) > 1 and dated[0][1] > dated[-1][1]
    for r, d in dated:
        if (d < day) if descending else (d > day):
            table.tag.contents.insert_before(r, row)
            return
    last = table.rows[-1] if table.rows else table.header_end
    text = str(last)
    table.tag.contents.insert_after(last, row if text.endswith("\n") else "\n" + row)


@dataclass
class _Own:
    """Which of the listing's rows and lines are the bot's, for one session."""

    marker: str
    legacy: frozenset[str]
    """The texts (stripped) an earlier version wrote without the marker."""
    legacy_allowed: bool = True
    """False once any row or line carries the marker: then only the marker counts."""
    exact: frozenset[str] = frozenset()
    """The texts (stripped) the bot writes now, with its marker or without."""
    exact_only: bool = False
    """True once any row or line is exactly one of those: a marker copied or moved
    onto another team's row then takes nothing."""

    def __call__(self, text: str) -> bool:
        if self.exact_only:
            return text.strip() in self.exact and (self.marker in text or self.legacy_allowed)
        if self.marker in text:
            return True
        return self.legacy_allowed and text.strip() in self.legacy


def _ensure_row(table: Table, row: str, day: str, own: _Own) -> None:
    """Make the table hold ``row`` once, as the bot's row: in place of the
    bot's own row if it has one (never of another row), else in date order."""
    ours = [r for r in table.rows if own(str(r))]
    if ours:
        [first] = ours  # update_listing has refused two
        if str(first) != row:
            if not str(first).endswith("\n"):
                row = row.rstrip("\n")
            table.tag.contents.replace(first, row)
        return
    _put_row(table, row, day)


def _section_lines(text: str, heading: str) -> tuple[int, int, list[str]]:
    where = pagetext.find_section(text, heading)
    if where is None:  # read_table has already checked the section is there
        raise ListingError(f"no section '{heading}'")
    _, start, end = where
    content = text[start:end].rstrip()
    return start, end, content.split("\n") if content else []


def _ensure_list_line(text: str, heading: str, session: Session, line: str, own: _Own) -> str:
    """Make the section ``heading`` hold ``line`` once, in place of the bot's
    own line (never of another line, whatever it links to)."""
    start, end, lines = _section_lines(text, heading)
    body = text[start:end]
    tail = body[len(body.rstrip()):]
    hits = [i for i, l in enumerate(lines) if own(l)]
    if hits:
        [first] = hits  # update_listing has refused two
        lines[first] = line
    else:
        bullets = [i for i, l in enumerate(lines) if l.startswith("*")]
        day = session.date.isoformat()
        dated = [(i, d) for i in bullets if (d := _day_of(lines[i]))]
        descending = len(dated) > 1 and dated[0][1] > dated[-1][1]
        at = next((i for i, d in dated if ((d < day) if descending else (d > day))), None)
        if at is None:
            at = bullets[-1] + 1 if bullets else len(lines)
        lines.insert(at, line)
    new_content = "\n".join(lines)
    if not tail:
        tail = "\n" if text[end:] else ""
    return text[:start] + new_content + tail + text[end:]


def update_listing(text: str, session: Session, listing: "CentralListing", *, duration: int,
                   notes: str | None, notes_link: str | None = None) -> str:
    """The central page with the bot's row for ``session``: in the upcoming
    table (``notes`` None), or moved to the past sessions with the notes link.
    ``notes_link`` (the notes' link even before they are out) lets a row an
    earlier version wrote among the past ones be known as the bot's.

    The bot's row is the one with its marker (see the module docstring); a
    row that only links the session page is another's, never changed or
    removed, and the bot adds its own beside it.  A session whose row is
    already among the past ones is never put back among the upcoming.
    Raises :class:`ListingError` for a page it cannot read, and for two rows
    (or lines) with the bot's marker for the session: which is the bot's is
    for a person to say."""
    code = wikitext.parse(text)
    upcoming = read_table(code, listing.upcoming_section, listing.columns, listing.page)
    if upcoming is None:
        raise ListingError(f"[[{listing.page}]], section '{listing.upcoming_section}': no table")
    past = read_table(code, listing.past_section, listing.columns, listing.page)
    linked = notes or notes_link
    legacy = {row_text(session, upcoming.fields, duration=duration, marked=False).strip()}
    if linked:
        legacy.add(row_text(session, past.fields, duration=duration, notes=linked, marked=False).strip()
                   if past is not None else list_line(session, notes=linked, marked=False).strip())
    written = {row_text(session, upcoming.fields, duration=duration).strip()}
    for link in dict.fromkeys(filter(None, (notes, notes_link))):
        written.add(row_text(session, past.fields, duration=duration, notes=link).strip() if past is not None
                    else list_line(session, notes=link).strip())
    own = _Own(listing_marker(session), frozenset(legacy), exact=frozenset(written | legacy))
    past_lines = [] if past is not None else _section_lines(text, listing.past_section)[2]
    candidates = [str(r) for r in upcoming.rows] + [str(r) for r in (past.rows if past is not None else [])] \
        + past_lines
    marked = [c for c in candidates if own.marker in c]
    own.legacy_allowed = not marked
    if len(marked) < 2 and any(c.strip() in own.exact for c in candidates):
        # One marked row that is not exactly the bot's (a marker moved onto another
        # team's row) beside the bot's own row: the exact one is the bot's.
        own.exact_only = True
        own.legacy_allowed = not any(c.strip() in own.exact for c in marked)
    mine = [c for c in candidates if own(c)]
    if len(mine) > 1:
        raise ListingError(f"[[{listing.page}]]: {len(mine)} rows are the bot's for [[{session.title}]]"
                           + (f" (they carry {own.marker})" if marked else " (the same row twice)")
                           + ": a person copied one? The bot does not guess which is its own: remove the extra one")
    if notes is None:
        if mine:
            return text
        _put_row(upcoming, row_text(session, upcoming.fields, duration=duration), session.date.isoformat())
        return str(code)
    for r in [r for r in upcoming.rows if own(str(r))]:
        upcoming.tag.contents.remove(r)
    if past is not None:
        _ensure_row(past, row_text(session, past.fields, duration=duration, notes=notes),
                    session.date.isoformat(), own)
        return str(code)
    return _ensure_list_line(str(code), listing.past_section, session, list_line(session, notes=notes), own)


# -- categories ------------------------------------------------------------------------

def _category_key(title: str) -> str | None:
    """A category link's name as MediaWiki compares it; None if not a category."""
    title = title.split("|")[0].strip()
    if title.startswith(":") or ":" not in title:
        return None
    namespace, name = title.split(":", 1)
    if namespace.strip().casefold() not in wikifacts.CATEGORY_NAMESPACES:
        return None
    return wikifacts.normalise_title(name)


def has_category(text: str, category: str) -> bool:
    """Whether the page itself is in ``category``: a link MediaWiki always
    renders, at the page's top level or in ``<noinclude>``/``<onlyinclude>``.
    One inside a template's or parser function's call (``{{#if:…}}``), in
    ``<includeonly>``, ``<nowiki>`` or any other tag may never categorise
    the page: it does not count, and the real link is added."""
    wanted = _category_key(category)
    return any(_category_key(str(link.title)) == wanted for link in _rendered_links(wikitext.parse(text)))


_RENDERED_TAGS = frozenset({"noinclude", "onlyinclude"})


def _rendered_links(code: Wikicode):
    for node in code.nodes:
        if isinstance(node, mwparserfromhell.nodes.Wikilink):
            yield node
        elif isinstance(node, Tag) and str(node.tag).strip().lower() in _RENDERED_TAGS and node.contents:
            yield from _rendered_links(node.contents)


def ensure_categories(text: str, exists: bool, categories: tuple[str, ...]) -> str:
    """``text`` with each of ``categories`` linked once, at the end of the
    page; a missing page is not created for them."""
    if not exists and not text.strip():
        return text
    missing = [c for c in dict.fromkeys(categories) if not has_category(text, c)]
    if not missing:
        return text
    body = text.rstrip()
    last = body.rsplit("\n", 1)[-1]
    joiner = "\n" if _category_key(last.strip("[]")) is not None and last.startswith("[[") else "\n\n"
    return body + (joiner if body else "") + "\n".join(f"[[{c}]]" for c in missing)


# -- announcements ----------------------------------------------------------------------

EVENTS: Mapping[str, str] = {"created": "upcoming session", "published": "notes published"}
"""The two moments a session is announced, and the end of its section heading."""


def announcement_heading(session: Session, event: str) -> str:
    """The section heading of an announcement, unique per session and event:
    how a rerun finds it again."""
    return f"{short_name(session)}: {EVENTS[event]}"


def announcement_values(session: Session, event: str, notes: str) -> dict[str, str]:
    """The placeholders of the ``announcement`` template.  ``if_upcoming`` and
    ``if_notes`` are emptied for the other event, so that one template holds
    both messages as the defaults of ``{{{if_upcoming|…}}}`` and ``{{{if_notes|…}}}``."""
    values = {
        "event": event, "session": session.title, "name": short_name(session),
        "date": wikifacts.human_date(session.date), "time": session.time, "host": session.host,
        "topics": ", ".join(session.topics), "questions_page": session.questions_page, "notes": notes,
    }
    values["if_notes" if event == "created" else "if_upcoming"] = ""
    return values


def has_section(text: str, heading: str) -> bool:
    want = heading.strip()
    return any(wikifacts.heading_text(line) == want for line in text.split("\n") if line.startswith("="))


def with_section(text: str, heading: str, body: str) -> str:
    """The page as MediaWiki makes it from a ``section=new`` edit; unchanged
    if a section with that heading is already on it."""
    if has_section(text, heading):
        return text
    section = f"== {heading} ==\n\n{body.strip()}"
    return f"{text.rstrip()}\n\n{section}" if text.strip() else section


def massmessage_request(delivery_list: str, heading: str, body: str) -> dict[str, str]:
    """The ``action=massmessage`` request (without its token) that posts the
    announcement to every page of ``delivery_list``."""
    return {"action": "massmessage", "spamlist": delivery_list, "subject": heading, "message": body.strip()}
