"""Local changes to a page's wikitext: a section, a line, a template call, a mark.

The bot shares every page it writes with people.  Each function here changes
one small, well-defined part of a page and returns the rest byte for byte, so
that applying it to a page a community member edited a second ago keeps their
edit.  Each is idempotent: applying it to its own output changes nothing,
which is what makes a second publish a no-op and a rerun after a crash safe.
"""

from __future__ import annotations

import re


from bot import wikitext

from bot import wikifacts
from bot.wikifacts import normalise_title, template_key

_HEADING = wikifacts.HEADING


def find_section(text: str, heading: str) -> tuple[int, int, int] | None:
    """(start of heading line, start of body, end of body) of the first section
    called ``heading``, by character offsets; None if there is none."""
    lines = text.splitlines(keepends=True)
    offset = 0
    found: tuple[int, int, int] | None = None
    level = 0
    for line in lines:
        m = _HEADING.match(line.rstrip("\n"))
        if found is None:
            if m and m.group(2).strip() == heading:
                level = len(m.group(1))
                found = (offset, offset + len(line), -1)
        elif m and len(m.group(1)) <= level:
            return found[0], found[1], offset
        offset += len(line)
    if found is not None:
        return found[0], found[1], len(text)
    return None


def replace_section_body(text: str, heading: str, body: str, level: int = 2) -> str:
    """Make the body of section ``heading`` be ``body``; add the section at the
    end of the page if it is missing."""
    body = body.strip("\n") + "\n"
    where = find_section(text, heading)
    if where is None:
        marks = "=" * level
        head = text.rstrip("\n") + "\n\n" if text.strip() else ""
        return f"{head}{marks} {heading} {marks}\n{body}"
    _, start, end = where
    rest = text[end:]
    new_body = body + ("\n" if rest else "")
    if text[start:end] == new_body:
        return text
    return text[:start] + new_body + rest


def set_template(text: str, name: str, params: dict[str, str], *, at_top: bool = True) -> str:
    """Make the first call of template ``name`` carry ``params`` (added at the
    top of the page if there is none); other parameters and text are kept."""
    code = wikitext.parse(text)
    wanted = template_key(name)
    for tpl in code.filter_templates(recursive=False):
        if template_key(str(tpl.name)) == wanted:
            changed = False
            for key, value in params.items():
                if value is None:
                    if tpl.has(key):
                        tpl.remove(key)
                        changed = True
                elif not tpl.has(key) or str(tpl.get(key).value).strip() != value:
                    tpl.add(key, value)
                    changed = True
            return str(code) if changed else text
    call = "{{" + name + "".join(f"|{k}={v}" for k, v in params.items() if v is not None) + "}}"
    return f"{call}\n{text}" if at_top else f"{text.rstrip()}\n{call}\n"


def template_params(text: str, name: str) -> dict[str, str] | None:
    """The parameters of the first call of template ``name``, or None."""
    wanted = template_key(name)
    for tpl in wikitext.parse(text).filter_templates(recursive=False):
        if template_key(str(tpl.name)) == wanted:
            return {str(p.name).strip(): str(p.value).strip() for p in tpl.params}
    return None


def links_in(text: str) -> list[str]:
    """Targets of the wikilinks on a page, in order (section part dropped)."""
    out = []
    for link in wikitext.parse(text).filter_wikilinks():
        target = str(link.title).split("#")[0].strip()
        if target:
            out.append(normalise_title(target))
    return out


def marker(kind: str, key: str = "") -> str:
    """The bot's signature on a part of a page it wrote: an HTML comment,
    invisible to readers, such as ``<!-- notesbot:session Title -->``.  A page
    title never holds ``>``, so a key never ends the comment early."""
    return f"<!-- notesbot:{kind}{' ' + key if key else ''} -->"


NOTES_BEGIN = marker("notes")
NOTES_END = marker("notes end")
"""Around the notes the bot wrote: a republish changes only what is between them."""


def ensure_line(text: str, line: str, *, own: "callable", order_key: "callable | None" = None,
                key: object = None, exact: "callable | None" = None) -> str:
    """Make the page hold ``line`` exactly once, in place of the bot's own line.

    ``own`` tells the bot's own lines (by its marker, or, for a line an
    earlier version wrote without one, by being exactly what it would have
    written); no other line is ever changed or removed, whatever it links
    to.  The first own line is replaced in place, and any further ones
    removed (a duplicate from an earlier crash is healed).  With ``exact``
    (whether a line is exactly one the bot writes), own lines that are exact
    are the only ones replaced when there are any.  Otherwise the line
    is inserted among the lines that ``order_key`` can place, keeping their
    existing order (ascending or descending), or appended at the end.
    """
    lines = text.split("\n")
    hits = [i for i, l in enumerate(lines) if own(l)]
    if exact is not None and any(exact(lines[i]) for i in hits):
        # A line exactly as the bot writes it wins over one that merely carries
        # its marker: a marker copied or moved onto someone else's line takes nothing.
        hits = [i for i in hits if exact(lines[i])]
    if hits:
        first = hits[0]
        new_lines = [l for i, l in enumerate(lines) if i not in hits[1:]]
        if new_lines[first] == line and len(hits) == 1:
            return text
        new_lines[first] = line
        return "\n".join(new_lines)
    placed = [(i, order_key(l)) for i, l in enumerate(lines)] if order_key else []
    placed = [(i, k) for i, k in placed if k is not None]
    if placed and key is not None:
        descending = len(placed) > 1 and placed[0][1] > placed[-1][1]
        for i, k in placed:
            if (k < key) if descending else (k > key):
                lines.insert(i, line)
                return "\n".join(lines)
        lines.insert(placed[-1][0] + 1, line)
        return "\n".join(lines)
    body = text.rstrip("\n")
    return (body + "\n" if body else "") + line + "\n"


def own_part(text: str, part: str | None = None, previous: str | None = None) -> tuple[int, int] | None:
    """(start, end) of the part of ``text`` between the bot's notes markers,
    markers included; None if there is none.

    ``previous`` is what the bot wrote between its markers in its own last
    revision of the page: the markers are in open text, and only that
    revision says which part is the bot's.  Of several marked parts, the one
    holding most of its lines counts (a pair of markers put around someone
    else's line takes nothing of it); when no marked part holds any, the text
    the bot wrote, found as it wrote it, with whichever of its markers are
    left around it (a begin marker deleted, the notes left as the bot wrote
    them, gives no second copy); then, before an end marker whose begin
    marker was deleted, the bot's lines from the first of them left as it
    wrote it, when at least half of them are (some edited: still one copy).  Without
    ``previous``: of several begin markers, the one nearest the end marker
    (one copied higher up, onto someone else's text, takes nothing of it).
    A begin marker whose end marker was deleted takes only the bot's own
    lines: those after it that are lines of ``part`` (what the bot writes
    there now) or of ``previous``, never everything after."""
    pairs, scan = [], 0
    while (end := text.find(NOTES_END, scan)) >= 0:
        begin = text.rfind(NOTES_BEGIN, scan, end)
        if begin >= 0:
            pairs.append((begin, end + len(NOTES_END)))
        scan = end + len(NOTES_END)
    written = (previous or "").strip("\n")
    if written:
        ours = _lines(written)
        held = [sum(line in ours for line in text[b:e].split("\n")) for b, e in pairs]
        if held and max(held) > 0:
            return pairs[held.index(max(held))]
        found = text.find(written)
        if found >= 0:
            return _with_markers(text, found, found + len(written))
        edited = _begin_less_part(text, written)
        if edited is not None:
            return edited
    if pairs:
        return pairs[0]
    begin = text.find(NOTES_BEGIN)
    if begin < 0:
        return None
    ours = _lines(part or "") | _lines(written)
    stop = begin + len(NOTES_BEGIN)
    at = stop + 1 if text.startswith("\n", stop) else stop
    while at < len(text):
        line_end = text.find("\n", at)
        line_end = len(text) if line_end < 0 else line_end
        line = text[at:line_end]
        if line.strip() and line not in ours:
            break
        if line.strip():
            stop = line_end
        at = line_end + 1
    return begin, stop


def _begin_less_part(text: str, written: str) -> tuple[int, int] | None:
    """The bot's notes before an end marker whose begin marker was deleted,
    with lines of them edited: from the first line of ``written`` (what the
    bot wrote there) that stands whole before the marker (its last
    occurrence there), when at least half of its lines stand between the
    two; None otherwise."""
    ours = [line for line in written.split("\n") if line.strip()]
    known = set(ours)
    floor = 0
    while (end := text.find(NOTES_END, floor)) >= 0:
        if NOTES_BEGIN not in text[floor:end]:
            starts: dict[str, int] = {}
            at = floor
            for line in text[floor:end].split("\n"):
                starts[line] = at  # the last: a copy of a line further up takes nothing between
                at += len(line) + 1
            first = next((starts[line] for line in ours if line in starts), None)
            if first is not None and 2 * sum(l in known for l in text[first:end].split("\n")) >= len(ours):
                return first, end + len(NOTES_END)
        floor = end + len(NOTES_END)
    return None


def _lines(text: str) -> set[str]:
    return {line for line in text.split("\n") if line.strip()}


def _with_markers(text: str, start: int, stop: int) -> tuple[int, int]:
    """``(start, stop)`` widened over a notes marker right before or after it (newlines between)."""
    before = text[:start].rstrip("\n")
    if before.endswith(NOTES_BEGIN):
        start = len(before) - len(NOTES_BEGIN)
    after = text[stop:]
    if after.lstrip("\n").startswith(NOTES_END):
        stop += len(after) - len(after.lstrip("\n")) + len(NOTES_END)
    return start, stop


def own_text(text: str, previous: str | None = None) -> str | None:
    """What the bot wrote between its notes markers, None if there are none
    (``previous``: as for :func:`own_part`)."""
    where = own_part(text, previous=previous)
    if where is None:
        return None
    inner = text[where[0]:where[1]].removeprefix(NOTES_BEGIN)
    return inner.removesuffix(NOTES_END).strip("\n")


def wrap_own(part: str) -> str:
    """``part`` between the bot's notes markers."""
    return f"{NOTES_BEGIN}\n{part.strip(chr(10))}\n{NOTES_END}"


def set_own_part(text: str, part: str, *, placeholder: str = "", owned: bool = False,
                 previous: str | None = None) -> str:
    """Make the bot's marked part of ``text`` be ``part``; the rest is kept byte
    for byte.  Without markers, the part replaces ``placeholder`` (the text
    the page template wrote where the notes go), or a text that is exactly
    ``part`` (notes an earlier version wrote, unmarked); with ``owned`` (a
    page that is wholly the bot's, written by an earlier version) it replaces
    everything; otherwise it goes first, above whatever others wrote."""
    wrapped = wrap_own(part)
    where = own_part(text, part, previous)
    if where is not None:
        return text[:where[0]] + wrapped + text[where[1]:]
    if placeholder.strip() and placeholder.strip() in text:
        return text.replace(placeholder.strip(), wrapped, 1)
    if not text.strip():
        return wrapped + ("\n" if text else "")
    if owned or text.strip() == part.strip():
        return text[:len(text) - len(text.lstrip())] + wrapped + text[len(text.rstrip()):]
    return wrapped + "\n" + text.lstrip("\n")


def set_section_part(text: str, heading: str, part: str, *, placeholder: str = "", level: int = 2) -> str:
    """:func:`set_own_part` within section ``heading`` (its sub-sections
    included); the section is added at the end of the page if it is missing."""
    where = find_section(text, heading)
    if where is None:
        return replace_section_body(text, heading, wrap_own(part), level)
    _, start, end = where
    body = text[start:end]
    new_body = set_own_part(body, part, placeholder=placeholder)
    if end < len(text) and not new_body.endswith("\n"):
        new_body += "\n"  # the next heading stays on a line of its own
    return text if new_body == body else text[:start] + new_body + text[end:]


_SIGNATURE_HINT = re.compile(r"\[\[\s*(?:user|user talk|special:contributions)\s*[:/]|\{\{\s*unsigned|\(UTC\)",
                             re.IGNORECASE)


def mark_line(lines: list[str], start: int) -> int:
    """Index of the line a question's mark goes on: its signature's line, as
    harvest reads the page (:mod:`bot.harvest.page`), never a reply's.

    * A question on a bullet is that one line: a signed line after it is a
      reply (``*:``, ``**``, ``:``), someone else's comment, and the mark of an
      unsigned question stays on its own line.
    * A follow-up written as a reply over several lines of one depth, signed
      on its last: that line.
    * A question posted as a section: its first signed line from its start,
      never past the next heading.
    """
    if start >= len(lines) or _top_bullet(lines[start]):
        return start
    prefix = _LIST_PREFIX.match(lines[start]).group(0)
    for i in range(start, min(len(lines), start + 50)):
        if i > start and (lines[i].startswith("=")
                          or (prefix and _LIST_PREFIX.match(lines[i]).group(0) != prefix)):
            break
        if _SIGNATURE_HINT.search(lines[i]):
            return i
    return start


_LIST_PREFIX = re.compile(r"[*#:;]*")


def _top_bullet(line: str) -> bool:
    """Whether ``line`` starts a new item of the page's list (``*`` or ``#``, not a reply)."""
    return line[:1] in ("*", "#") and line[1:2] not in ("*", "#", ":", ";")


def set_mark(line: str, template: str, call: str) -> str:
    """Put the mark ``call`` (a call of ``template``) at the end of ``line``,
    replacing a mark of the same template already there."""
    quick = _set_mark_quickly(line, template, call)
    return quick if quick is not None else _set_mark_parsed(line, template, call)


def _set_mark_parsed(line: str, template: str, call: str) -> str:
    code = wikitext.parse(line)
    wanted = template_key(template)
    marks = [t for t in code.filter_templates(recursive=False) if template_key(str(t.name)) == wanted]
    if marks:
        if len(marks) == 1 and str(marks[0]) == call:
            return line
        for t in marks[1:]:
            code.remove(t)
        code.replace(marks[0], call)
        return str(code)
    return line.rstrip() + " " + call


def _set_mark_quickly(line: str, template: str, call: str) -> str | None:
    """:func:`set_mark` without parsing, in the two cases that are most of a
    publish (a line without the mark, a line that ends with this very mark);
    None when the line needs the parser.  Parsing each of thousands of lines
    costs about a fifth of a millisecond; this is a regular expression."""
    pattern = wikifacts.template_call_pattern(template)
    found = list(pattern.finditer(line))
    if not found:
        return line.rstrip() + " " + call
    # The line ends with ``call``, the one call of the template on it, and
    # nothing before it can hold it (no braces, tags, comments, bold or italics;
    # a link or URL would have to close after it).  ``call`` itself is one plain
    # call of the template.
    head = line[:len(line) - len(call)]
    if (len(found) == 1 and line.endswith(call) and found[0].start() == len(head)
            and head[-1:] in (" ", "\t") and not any(c in head for c in "{}<") and "''" not in head
            and call.count("{{") == 1 and call.count("}}") == 1 and call.endswith("}}")
            and not any(c in call for c in "<[]") and "''" not in call
            and template_key(re.split(r"\||\}\}", call[2:], maxsplit=1)[0]) == template_key(template)):
        return line
    return None
