"""Signatures on a talk page: who signed a line, and when.

Four tildes expand to links to the signer's user page and talk page (or to
their contributions, for an editor without an account), in whatever styling
their preferences add, followed by a timestamp in the wiki's own format.  On
Meta-wiki that format is English: ``09:14, 2 July 2024 (UTC)``.  This module
reads a signature back from the end of a line the way a reader does: the
timestamp the line ends with, and the links to one user just before it.

Only the end of a line is looked at.  MediaWiki caps a raw signature at 255
characters, so a window of a few hundred characters holds any real one, and
reading signatures costs the same per line on a 5 MB page as on a small one.

Nothing here depends on the process locale: month names are mapped to numbers
here, and ``datetime.strptime`` only ever sees numbers.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone

from bot import wikifacts

MONTHS = wikifacts.MONTH_NUMBERS
"""English month names and their usual abbreviations, case-folded, to month numbers."""

_WINDOW = 400
"""How many characters at the end of a line can hold a signature."""

_TIMESTAMP = (r"(?<![0-9])(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2}),?\s*(?P<day>[0-9]{1,2})\s+"
              r"(?P<month>[^\W\d_]+)\.?\s+(?P<year>[0-9]{4})")
_TIMESTAMP_TEXT = re.compile(r"\s*" + _TIMESTAMP + r"\s*(?:\(UTC\))?\s*")
_SIGNATURE_TIMESTAMP = re.compile(_TIMESTAMP + r"\s*\(UTC\)\Z")
_OTHER_TIMESTAMP = re.compile(r"(?<![0-9])[0-9]{1,2}:[0-9]{2}\b[^\[\]{}<>|\n]{1,40}?\(\s*[^\W\d_]{2,6}\s*\)\Z")
"""A time followed by a zone in another format (another wiki's, a hand-written one):
part of a signature when a user link comes before it, but not readable."""

_TIMESTAMP_LENGTH = 80
"""The most characters a timestamp takes at the end of a line (generously)."""

_LINK = re.compile(r"\[\[([^\[\]|\n]*)(?:\|[^\[\]\n]*)?\]\]")
_TAG = re.compile(r"<[^<>]*>")
_WORD = re.compile(r"\w")
_WORD_OR_QUESTION_MARK = re.compile(r"[\w?？؟]")

_CLOSING_TAG = re.compile(r"</(?:span|small|sup|sub|font|b|i|big|s|del|strike)\s*>", re.IGNORECASE)
"""A closing tag that styling (or striking out) leaves after a signature."""
_OPENING_TAG = re.compile(r"<(?:span|small|sup|sub|font|b|i|big)\b[^<>]*>", re.IGNORECASE)
"""An opening styling tag before a signature."""
_DASHES = ("--", "—", "–", "&mdash;", "&ndash;", "&#8212;", "&#8211;")
"""What people put before a signature (``--~~~~``); a lone hyphen counts after white space."""

_AUTOSIGNED = re.compile(
    r"(?:<small>\s*)?(?:<span\b[^<>]*>\s*)?(?:—|--|&mdash;)?\s*Preceding\s+"
    r"(?:\[\[[^\[\]]*\]\]|unsigned)\s+comment\s+added\s+by\s*\Z", re.IGNORECASE)
"""What a substituted {{unsigned}} writes before the user's links."""

_UNSIGNED_TEMPLATE = re.compile(
    r"\{\{\s*(?:subst:\s*)?unsigned(?:[ _]?ip)?(?P<date_first>[ _]?2)?\s*(?:\|(?P<params>[^{}]*))?\}\}\Z",
    re.IGNORECASE)
"""{{unsigned|User|time}} and {{unsigned IP|...}}; the "2" variants take the time first."""

_GAP_BEFORE_TIMESTAMP = 40
"""Most visible characters between a signature's last user link and its
timestamp: room for ``(talk)`` or ``• contribs`` written without a link."""

_GAP_AT_END = 20
"""Most characters (none of them letters or question marks) after a signature without timestamp."""

_INVISIBLE = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Direction marks that right-to-left names pick up, and MediaWiki strips from titles."""

_IPV4 = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")


@dataclass(frozen=True)
class Signature:
    """A signature read from the end of a line."""

    start: int
    """Where the signature begins on the line: what comes before it is what the signer wrote."""
    user: str | None
    """The signer's normalised user name or IP address; None for an {{unsigned}} without a name."""
    timestamp: datetime | None
    """The signature's time in UTC, or None when it has none or it cannot be read."""
    problem: str | None = None
    """Why the signature could only be read in part, else None."""


def find_signature(line: str) -> Signature | None:
    """Read the signature a line ends with, if it ends with one.

    Recognised: links to a user page, user talk page or contributions (IP
    editors) with optional styling and a leading dash, followed by a
    timestamp or by nothing (three tildes); and the {{unsigned}} family of
    templates.
    """
    end = _end_of_signature_area(line)
    offset = max(0, end - _WINDOW)
    window = line[offset:end]
    signature = _unsigned_template(window) or _signature_with_links(window)
    if signature is None or offset == 0:
        return signature
    return dataclasses.replace(signature, start=signature.start + offset)


def parse_timestamp(text: str) -> datetime:
    """Read a timestamp written ``HH:MM, D Month YYYY (UTC)``, the zone optional.

    Raises ValueError for anything else, including dates that do not exist.
    """
    match = _TIMESTAMP_TEXT.fullmatch(text)
    if match is None:
        raise ValueError(f"not a timestamp: {text!r}")
    month = MONTHS.get(match["month"].casefold())
    if month is None:
        raise ValueError(f"not an English month name: {match['month']!r}")
    numeric = f"{match['year']}-{month:02d}-{match['day']} {match['hour']}:{match['minute']}"
    return datetime.strptime(numeric, "%Y-%m-%d %H:%M").replace(tzinfo=timezone.utc)


def normalise_user(name: str) -> str:
    """A user name as MediaWiki stores it.

    Underscores become spaces, runs of white space one space, the name is
    trimmed and its first letter upper-cased; IP addresses are written the way
    MediaWiki writes them (IPv6 upper-case, in full, without leading zeros).
    """
    name = " ".join(_INVISIBLE.sub("", html.unescape(name)).replace("_", " ").split())
    address = _ip_address(name)
    if address is not None:
        return address
    first = name[:1].upper()
    return first + name[1:] if len(first) == 1 else name


@functools.lru_cache(maxsize=4096)
def user_of_link(target: str) -> str | None:
    """The user a link target points at (normalised), or None if it is not a
    user link (see :func:`bot.wikifacts.user_of_link`)."""
    name = wikifacts.user_of_link(target)
    return _user_name(name) if name is not None else None


def _user_name(text: str) -> str | None:
    name = normalise_user(text)
    return name or None


def _ip_address(name: str) -> str | None:
    """``name`` written as MediaWiki writes an IP address, or None if it is not one."""
    if _IPV4.fullmatch(name):
        parts = [int(part) for part in name.split(".")]
        return ".".join(map(str, parts)) if max(parts) <= 255 else None
    if ":" not in name:
        return None
    try:
        address = ipaddress.IPv6Address(name)
    except ValueError:
        return None
    return ":".join(f"{int(group, 16):X}" for group in address.exploded.split(":"))


def _end_of_signature_area(line: str) -> int:
    """Where a signature would end: before trailing white space, invisible
    characters, closing tags and bold or italic quotes."""
    end = len(line)
    while end > 0:
        if line[end - 1].isspace() or unicodedata.category(line[end - 1]) == "Cf":
            end -= 1  # white space, or an invisible character (zero-width space, BOM, bidi mark)
        elif line.endswith("''", 0, end):
            end -= 2
            while end > 0 and line[end - 1] == "'":
                end -= 1
        elif (tag := _tag_before(line, end, _CLOSING_TAG)) is not None:
            end = tag
        else:
            break
    return end


def _unsigned_template(text: str) -> Signature | None:
    """The {{unsigned}} template someone added after an unsigned comment."""
    match = _UNSIGNED_TEMPLATE.search(text)
    if match is None:
        return None
    values: dict[str, str] = {}
    position = 0
    for part in (match["params"] or "").split("|"):
        key, equals, value = part.partition("=")
        if equals and key.strip() in ("1", "2"):
            values[key.strip()] = value.strip()
        else:
            position += 1
            values.setdefault(str(position), part.strip())
    user_key, date_key = ("2", "1") if match["date_first"] else ("1", "2")
    user = _user_name(values.get(user_key, ""))
    date = values.get(date_key, "")
    timestamp, problem = _read_timestamp(date) if date else (None, None)
    return Signature(_lead_start(text, match.start()), user, timestamp, problem)


def _signature_with_links(text: str) -> Signature | None:
    """A signature made of user links, with or without a timestamp after them.

    A timestamp alone (five tildes) is not taken for a signature: a question
    may well end with the time of a meeting.
    """
    near_end = max(0, len(text) - _TIMESTAMP_LENGTH)
    stamp = _SIGNATURE_TIMESTAMP.search(text, near_end) or _OTHER_TIMESTAMP.search(text, near_end)
    if stamp is None:
        signer = _signer_links(text, len(text), timestamp=False)
        if signer is None:
            return None
        start, user = signer
        return Signature(_lead_start(text, start), user, None)
    signer = _signer_links(text, stamp.start(), timestamp=True)
    if signer is None:
        return None  # a time someone wrote (a question about the call's time), not a signature
    start, user = signer
    timestamp, problem = _read_timestamp(stamp.group())
    return Signature(_lead_start(text, start), user, timestamp, problem)


def _signer_links(text: str, limit: int, *, timestamp: bool) -> tuple[int, str] | None:
    """Start and user of the run of links to one user that ends just before ``limit``.

    The last user link must be close to ``limit``; earlier links to the same
    user join the run when only punctuation and tags separate them, as in
    ``[[User:X|X]] ([[User talk:X|talk]])``.  A link to another user ends
    the run, so a user mentioned in the question is not taken for its signer.
    """
    links = [(match.start(), match.end(), user) for match in _LINK.finditer(text, 0, limit)
             if (user := user_of_link(match.group(1)))]
    if not links:
        return None
    start, end, user = links[-1]
    gap = _TAG.sub("", text[end:limit]).strip()
    if timestamp and len(gap) > _GAP_BEFORE_TIMESTAMP:
        return None
    if not timestamp and (len(gap) > _GAP_AT_END or _WORD_OR_QUESTION_MARK.search(gap)):
        return None  # "Have you asked [[User:X]]?" mentions X, it is not signed by X
    for earlier_start, earlier_end, earlier_user in reversed(links[:-1]):
        between = _TAG.sub("", text[earlier_end:start]).strip()
        if earlier_user != user or len(between) > 10 or _WORD.search(between):
            break
        start = earlier_start
    return start, user


def _lead_start(text: str, start: int) -> int:
    """Move a signature's start back over its styling, its dash and a substituted
    {{unsigned}}'s "Preceding unsigned comment added by"."""
    start = _skip_lead(text, start)
    if text.endswith("by", 0, start):
        autosigned = _AUTOSIGNED.search(text, max(0, start - 200), start)
        if autosigned:
            start = _skip_lead(text, autosigned.start())
    return start


def _skip_lead(text: str, start: int) -> int:
    """Move back over white space, opening styling tags, bold or italic quotes and
    dashes, one at a time: the cost is the length of what is skipped."""
    while start > 0:
        if text[start - 1].isspace():
            start -= 1
        elif text.endswith("''", 0, start):
            quotes = start - 2
            while quotes > 0 and text[quotes - 1] == "'":
                quotes -= 1
            if quotes > 0 and text[quotes - 1].isalnum():
                break  # they close the question's own bold or italics
            start = quotes
        elif (tag := _tag_before(text, start, _OPENING_TAG)) is not None:
            start = tag
        elif (dash := next((dash for dash in _DASHES if text.endswith(dash, 0, start)), None)) is not None:
            start -= len(dash)
        elif text.endswith("-", 0, start) and (start == 1 or text[start - 2].isspace()):
            start -= 1
        else:
            break
    return start


def _tag_before(text: str, end: int, tag: re.Pattern[str]) -> int | None:
    """Where a tag of the given kind that ends at ``end`` starts, if one does."""
    if not text.endswith(">", 0, end):
        return None
    opening = text.rfind("<", max(0, end - 200), end)
    return opening if opening >= 0 and tag.fullmatch(text, opening, end) else None


def _read_timestamp(text: str) -> tuple[datetime | None, str | None]:
    """The time a signature gives, or None and why it cannot be read."""
    try:
        return parse_timestamp(text), None
    except ValueError:
        return None, f"unreadable signature timestamp {text.strip()!r}: the question has no time"
