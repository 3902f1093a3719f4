"""Signatures on a talk page: who signed a line, and when.

Four tildes expand to links to the signer's user page and talk page (or to
their contributions, for an editor without an account), in whatever styling
their preferences add, followed by a timestamp in the wiki's own format.  On
Meta-wiki that format is English: ``09:14, 2 July 2024 (UTC)``; on another
wiki it is the content language's (``08:23, 29 wrz 2018 (CEST)``), read with
a :class:`bot.wikifacts.LanguageFacts`.  This module reads a signature back
from the end of a line the way a reader does: the run of links to one user
near the end (separated by anything short: ``·``, an emoji, ``&nbsp;``,
styling tags, links to other pages), the first timestamp after them, and
whatever short tail follows it (``.``, ``)``, closing tags, a template, a
postscript, a word or two).  Every part of it is cut from the question: the
signature starts at its first link, or at the signer's name written before it.

Gaps are measured in visible characters (tags, templates and link targets
do not count), so a styled signature is not longer than a plain one.

Only the end of a line is looked at.  MediaWiki caps a raw signature at 255
characters, so a window of a few hundred characters holds any real one, and
reading signatures costs the same per line on a 5 MB page as on a small one.

Nothing here depends on the process locale: month names are mapped to numbers
here, and ``datetime.strptime`` only ever sees numbers.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import html
import ipaddress
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from bot import wikifacts

_WINDOW = 600
"""How many characters at the end of a line can hold a signature: MediaWiki caps a raw
signature at 255 characters; the rest is room for the timestamp and what follows it."""

_LINK = re.compile(r"\[\[([^\[\]|\n]*)(?:\|(?:[^\[\]\n]|\[(?!\[)|\](?!\]))*)?\]*\]\]")
"""A wiki link; its text may hold single brackets (``[[User talk:W|[tʰɑk]]]``)."""
_LINK_TEXT = re.compile(r"\[\[([^\[\]|\n]*)(?:\|((?:[^\[\]\n]|\[(?!\[)|\](?!\]))*))?(\]*)\]\]")
_EXTERNAL_LINK = re.compile(r"\[(?:https?:)?//[^\s\]]*\s*([^\]]*)\]")
_TAG = re.compile(r"<[^<>]*>")
_SMALL_TEMPLATE = re.compile(r"\{\{[^{}]*\}\}")
_ZONE = re.compile(r"\(\s*([^()\[\]{}<>|\n]{1,30}?)\s*\)")
_LOOSE_TIME = re.compile(r"(?<!\d)\d{1,2}\s*[:.h]\s*\d{2}(?!\d)")
"""A time in any digits: with a zone after it, the end of a signature whose date cannot be read."""
_POSTSCRIPT = re.compile(r"\s*\((?:[^()\n]{0,40}\([^()\n]{1,30}\)|[^()\n]{1,60})\)")
"""A note in brackets right after a signature: ``(Corrections: 23:46, 8 July 2019 (UTC))``."""
_QUESTION_MARK = re.compile(r"[?？؟]")

_CLOSING_TAG = re.compile(r"</(?:span|small|sup|sub|font|b|i|u|em|strong|big|s|del|strike|div|p|center|bdi)\s*>"
                          r"|<br\s*/?>|</br\s*>", re.IGNORECASE)
"""A closing tag (or line break) that styling or striking out leaves after a signature."""
_OPENING_TAG = re.compile(r"<[a-z][a-z0-9]*(?:\s(?:[^<>\"']|\"[^\"<]*\"|'[^'<]*')*)?>", re.IGNORECASE)
"""An opening tag before a signature (``<span title="a>b">``, ``<div style=…>``, ``<kbd>``): what it
wraps is the signature, whatever the tag."""
_DASHES = ("--", "—", "–", "&mdash;", "&ndash;", "&#8212;", "&#8211;", "&#x2014;", "&#x2013;", "~")
"""What people put before a signature (``--~~~~``); a lone hyphen counts after white space."""
_SEPARATORS = ("&nbsp;", "&#160;", "&#xa0;", "&#xA0;", "&thinsp;", "&#x2009;", "&#8201;", "·", "•", "&bull;",
               "&middot;", "|", "&#124;", "&#x7C;", "&#x7c;", "(")
"""Separators and spaces written before a signature's first link."""

_AUTOSIGNED = re.compile(
    r"(?:<small>\s*)?(?:<span\b[^<>]*>\s*)?(?:—|--|&mdash;)?\s*Preceding\s+"
    r"(?:\[\[[^\[\]]*\]\]|unsigned)\s+comment\s+added\s+by\s*\Z", re.IGNORECASE)
"""What a substituted {{unsigned}} writes before the user's links."""

_UNSIGNED_TEMPLATE = re.compile(
    r"\{\{\s*(?:subst:\s*)?unsigned(?:[ _]?ip)?(?P<date_first>[ _]?2)?\s*(?:\|(?P<params>[^{}]*))?\}\}\Z",
    re.IGNORECASE)
"""{{unsigned|User|time}} and {{unsigned IP|...}}; the "2" variants take the time first."""

_GAP_BEFORE_TIMESTAMP = 48
"""Most visible characters between a signature's last user link and its timestamp:
room for ``(talk)``, ``• contribs`` or links to the signer's projects."""

_GAP_BETWEEN_LINKS = 24
"""Most visible characters between two links of one signature: ``) · (``, an emoji, a word."""

_TAIL = 48
"""Most visible characters after a signature's timestamp: ``.``, ``)``, ``amended!``, a
postscript ``(Corrections: 23:46, 8 July 2019 (UTC))``."""

_GAP_AT_END = 20
"""Most characters (none of them letters or question marks) after a signature without timestamp."""

_TIMESTAMP_LENGTH = 90
"""The most characters a date and time take before their zone."""

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
    end: int | None = None
    """Where its timestamp (or, without one, its last link) ends on the line: what follows
    is its tail (``.``, closing tags, a postscript); None for an {{unsigned}} template."""


def find_signature(line: str, facts: wikifacts.LanguageFacts | None = None) -> Signature | None:
    """Read the signature a line ends with, if it ends with one.

    Recognised: links to a user page, user talk page or contributions (IP
    editors) in any language's namespace names or on another wiki, with any
    styling and separators and a leading dash, followed by a timestamp in
    ``facts``' language or English (Meta-wiki's by default) or by nothing
    (three tildes); and the {{unsigned}} family of templates.
    """
    return _reader(facts or wikifacts.ENGLISH).find(line)


def signatures_within(text: str, facts: wikifacts.LanguageFacts | None = None) -> list[Signature]:
    """Every signature with a timestamp inside a text (not only at its end), in order, each
    with its start and end: the first signature of a re-signed edit
    (``Q? SIG Edit: clarified.``), a line with two questions each signed.

    One pass over the text: only timestamps that follow a user link closely are read,
    each in a window of bounded size, so the cost is linear in the length of the text.
    """
    return _reader(facts or wikifacts.ENGLISH).within(text)


def links_to_user(text: str, user: str, facts: wikifacts.LanguageFacts | None = None) -> list[tuple[int, int]]:
    """(start, end) of each run of links to ``user``'s pages in a text, with what leads them
    (the name written before, a dash, styling) and the brackets and tags they close: the
    asker's signatures without a timestamp (three tildes) left inside a question."""
    facts = facts or wikifacts.ENGLISH
    spans: list[tuple[int, int]] = []
    if "[[" not in text:
        return spans
    for match in _LINK.finditer(text):
        if user_of_link(match.group(1), facts) != user:
            continue
        if spans and len(visible(text[spans[-1][1]:match.start()])) <= 3:
            start = spans.pop()[0]  # the next link of the same run: ``A (talk)``
        else:
            start = _lead_start(text, match.start(), user, match.group())
        spans.append((start, match.end()))
    closed = []
    for start, end in spans:
        part = text[start:end]
        opened = part.count("(") - part.count(")")
        while opened > 0 and (closing := re.match(r"\s*\)", text[end:])) is not None:
            end, opened = end + closing.end(), opened - 1
        closed.append((start, end))
    return closed


def without_signer(text: str, user: str, facts: wikifacts.LanguageFacts | None = None) -> str:
    """``text`` (a heading) without its signature and without links to ``user``'s pages, nor
    the brackets or a connecting ``from``/``by`` they leave: ``Question from [[User:A|A]]``
    gives ``Question``."""
    facts = facts or wikifacts.ENGLISH
    final = find_signature(text, facts)
    if final is not None and final.user == user:
        text = text[:final.start]  # with its tail: what follows a signature at the end is its own
    for signature in reversed(signatures_within(text, facts)):
        if signature.user == user:
            text = text[:signature.start] + " " + text[signature.end or len(text):]
    text = _LINK.sub(lambda m: " " if user_of_link(m.group(1), facts) == user else m.group(), text)
    text = re.sub(r"[(\[{]\s*[)\]}]", " ", text)
    text = re.sub(r"(?:\s+(?:from|by)|\s*[-–—:,;·|(]+)*\s*\Z", "", text, flags=re.IGNORECASE)
    return " ".join(text.split())


def parse_timestamp(text: str, facts: wikifacts.LanguageFacts | None = None) -> datetime:
    """Read a signature timestamp (``HH:MM, D Month YYYY (UTC)``, or ``facts``' formats), the zone optional.

    Raises ValueError for anything else, including dates that do not exist.
    """
    reader = _reader(facts or wikifacts.ENGLISH)
    text = text.strip()
    zone = _ZONE.search(text)
    if zone is not None and zone.end() == len(text):
        stamp = reader.timestamp_before(text, zone)
        if stamp is None:
            raise ValueError(f"not a timestamp: {text!r}")
        moment, problem = reader.moment(stamp, zone.group(1))
    else:
        stamp = reader.timestamp_at_end(text)
        if stamp is None:
            raise ValueError(f"not a timestamp: {text!r}")
        moment, problem = reader.moment(stamp, "UTC")
    if moment is None:
        raise ValueError(problem)
    return moment


def normalise_user(name: str) -> str:
    """A user name as MediaWiki stores it.

    Underscores become spaces, runs of white space one space, the name is
    trimmed and its first letter upper-cased; IP addresses are written the way
    MediaWiki writes them (IPv6 upper-case, in full, without leading zeros).
    """
    name = wikifacts.title_spaces(_INVISIBLE.sub("", html.unescape(name)))
    address = _ip_address(name)
    if address is not None:
        return address
    first = name[:1].upper()
    return first + name[1:] if len(first) == 1 else name


def user_of_link(target: str, facts: wikifacts.LanguageFacts | None = None) -> str | None:
    """The user a link target points at (normalised), or None if it is not a
    user link (see :func:`bot.wikifacts.user_of_link`)."""
    return _user_of_link(target, facts or wikifacts.ENGLISH)


@functools.lru_cache(maxsize=8192)
def _user_of_link(target: str, facts: wikifacts.LanguageFacts) -> str | None:
    name = wikifacts.user_of_link(target, facts)
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


def _unsigned_template(text: str, reader: "_Reader") -> Signature | None:
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
    timestamp, problem = reader.read_timestamp(date) if date else (None, None)
    return Signature(_lead_start(text, match.start()), user, timestamp, problem)


def visible(text: str) -> str:
    """What a reader sees of a bit of wikitext: tags and small templates dropped, links
    shown by their text, entities decoded."""
    text = _SMALL_TEMPLATE.sub("", _TAG.sub("", text))
    text = _LINK_TEXT.sub(lambda m: (m.group(2) if m.group(2) is not None else m.group(1)) + m.group(3), text)
    text = _EXTERNAL_LINK.sub(lambda m: m.group(1), text)
    return html.unescape(text).replace("\u00a0", " ").strip()


@functools.lru_cache(maxsize=16)
def _reader(facts: wikifacts.LanguageFacts) -> "_Reader":
    return _Reader(facts)


class _Reader:
    """Reads signatures with one wiki's facts: its user links, month names, digits and date formats."""

    def __init__(self, facts: wikifacts.LanguageFacts):
        self.facts = facts
        self.digits = facts.digit_table
        months = sorted(facts.month_numbers, key=len, reverse=True)
        month = "(?P<month>" + "|".join(re.escape(name) for name in months) + r")\.?"
        formats = [*facts.date_formats, *wikifacts.ENGLISH.date_formats]
        self.formats = [re.compile(_format_pattern(f, month) + r"[\s\u200e\u200f]*\Z", re.IGNORECASE)
                        for f in dict.fromkeys(formats)]
        number = r"(?P<day>[0-9]{1,2})\.?"
        time = r"(?P<hour>[0-9]{1,2})\s*[:.h]\s*(?P<minute>[0-9]{2})"
        self.formats += [re.compile(pattern + r"[\s\u200e\u200f]*\Z", re.IGNORECASE) for pattern in (
            # the date, then a word or two, then the time: "10 ago 2019 alle 12:34"
            rf"(?<![0-9]){number}\s*{month}\s*,?\s*(?P<year>[0-9]{{4}})[^0-9()\[\]{{}}<>|\n]{{0,16}}?{time}",
            # the time, then the date, in either order of day and month
            rf"(?<![0-9]){time}[\s,،]*{number}\s*{month}\s*,?\s*(?P<year>[0-9]{{4}})",
            rf"(?<![0-9]){time}[\s,،]*{month}\s*{number},?\s*(?P<year>[0-9]{{4}})",
        )]

    def find(self, line: str) -> Signature | None:
        end = _end_of_signature_area(line)
        offset = max(0, end - _WINDOW)
        window = line[offset:end]
        signature = _unsigned_template(window, self) or self.with_links(window)
        if signature is None or offset == 0:
            return signature
        return dataclasses.replace(signature, start=signature.start + offset,
                                   end=None if signature.end is None else signature.end + offset)

    def with_links(self, text: str) -> Signature | None:
        """A signature made of user links, with or without a timestamp after them.

        A timestamp alone (five tildes) is not taken for a signature: a question
        may well end with the time of a meeting.
        """
        links = [(match.start(), match.end(), user) for match in _LINK.finditer(text)
                 if (user := user_of_link(match.group(1), self.facts))]
        if not links:
            return None
        start, end, user = links[-1]
        after = text[end:]
        numeric = after.translate(self.digits) if self.digits else after
        stamp = None
        for zone in _ZONE.finditer(numeric):
            found = self.timestamp_before(numeric, zone)
            if found is None:
                continue
            if len(visible(after[:found.start()])) > _GAP_BEFORE_TIMESTAMP:
                break
            stamp = (found, zone)
            break
        if stamp is not None:
            found, zone = stamp
            signature_end = end + zone.end()
            tail = visible(after[zone.end():])
            if len(tail) > _TAIL or _QUESTION_MARK.search(tail):
                return None  # the line goes on after a signature: it is not signed at its end
            timestamp, problem = self.moment(found, zone.group(1))
        else:
            gap = visible(after)
            if _QUESTION_MARK.search(gap):
                return None  # "Have you asked [[User:X]]?" mentions X, it is not signed by X
            if _LOOSE_TIME.search(gap) and gap.endswith(")") and len(gap) <= _TIMESTAMP_LENGTH + _TAIL:
                timestamp, problem = None, (f"unreadable signature timestamp {gap!r}: the question has no time")
            elif len(gap) > _GAP_AT_END or _WORD.search(gap):
                return None
            else:
                timestamp, problem = None, None
            signature_end = end
        for earlier_start, earlier_end, earlier_user in reversed(links[:-1]):
            between = visible(text[earlier_end:start])
            if earlier_user != user or len(between) > _GAP_BETWEEN_LINKS or _QUESTION_MARK.search(between):
                break
            start = earlier_start
        return Signature(_lead_start(text, start, user, text[start:signature_end]), user, timestamp, problem,
                         signature_end)

    def within(self, text: str) -> list[Signature]:
        found: list[Signature] = []
        if "[[" not in text:
            return found
        link_ends = [match.end() for match in _LINK.finditer(text) if user_of_link(match.group(1), self.facts)]
        if not link_ends:
            return found
        numeric = text.translate(self.digits) if self.digits else text
        lowest = 0
        for zone in _ZONE.finditer(numeric):
            nearest = bisect.bisect_right(link_ends, zone.start()) - 1
            if nearest < 0 or link_ends[nearest] <= lowest or zone.start() - link_ends[nearest] > _WINDOW:
                continue  # no user link of its own just before: a time in the question, not a signature
            if self.timestamp_before(numeric, zone) is None:
                continue
            window = max(lowest, zone.end() - _WINDOW)
            signature = self.with_links(text[window:zone.end()])
            if signature is None or signature.user is None or signature.timestamp is None:
                continue
            end = zone.end()
            postscript = _POSTSCRIPT.match(text, end)
            if postscript is not None and _LOOSE_TIME.search(postscript.group()):
                end = postscript.end()  # "(Corrections: 23:46, 8 July 2019 (UTC))": the signer's too
            found.append(dataclasses.replace(signature, start=signature.start + window, end=end))
            lowest = end
        return found

    def timestamp_before(self, text: str, zone: re.Match) -> re.Match | None:
        """The date and time that end just before a zone in parentheses, in any of the formats."""
        lowest = max(0, zone.start() - _TIMESTAMP_LENGTH)
        for pattern in self.formats:
            match = pattern.search(text, lowest, zone.start())
            if match is not None:
                return match
        return None

    def timestamp_at_end(self, text: str) -> re.Match | None:
        numeric = text.translate(self.digits) if self.digits else text
        for pattern in self.formats:
            match = pattern.search(numeric, max(0, len(numeric) - _TIMESTAMP_LENGTH))
            if match is not None:
                return match
        return None

    def moment(self, stamp: re.Match, zone: str) -> tuple[datetime | None, str | None]:
        """The UTC time a matched timestamp and its zone give, or None and why not."""
        groups = stamp.groupdict()
        written = stamp.group().strip()
        if groups.get("month") is not None:
            month = self.facts.month_numbers.get(groups["month"].casefold().rstrip("."))
        else:
            month = int(groups["monthnum"]) if groups.get("monthnum") else None
        try:
            local = datetime(int(groups["year"]), month or 0, int(groups["day"]), int(groups["hour"]),
                             int(groups["minute"]))
        except (TypeError, ValueError):
            return None, f"unreadable signature timestamp {written!r}: the question has no time"
        offset = self.facts.zone_offset_at(zone, local)
        if offset is None:
            return None, f"signature timestamp {written!r} in an unknown zone ({zone}): the question has no time"
        return (local - timedelta(minutes=offset)).replace(tzinfo=timezone.utc), None

    def read_timestamp(self, text: str) -> tuple[datetime | None, str | None]:
        """The time a written timestamp gives, or None and why it cannot be read."""
        try:
            return parse_timestamp(text, self.facts), None
        except ValueError:
            return None, f"unreadable signature timestamp {text.strip()!r}: the question has no time"


_WORD = re.compile(r"\w")


def _format_pattern(php: str, month: str) -> str:
    """A regular expression for a PHP date format (``H:i, j M Y``), as MediaWiki's
    Language::sprintfDate writes it; literal punctuation and spaces are optional."""
    parts: list[str] = ["(?<![0-9])"]
    index = 0
    seen: set[str] = set()

    def group(name: str, pattern: str) -> str:
        if name in seen:
            return pattern
        seen.add(name)
        return f"(?P<{name}>{pattern})"

    while index < len(php):
        char = php[index]
        if char == "x" and index + 1 < len(php):
            code = php[index + 1]
            index += 2
            if code == "g":  # the genitive month name
                parts.append(month if "month" not in seen else r"[^\W\d_]+\.?")
                seen.add("month")
            continue  # other x-codes are flags (raw digits, other calendars) of the next code
        index += 1
        if char in "HG":
            parts.append(group("hour", "[0-9]{1,2}"))
        elif char == "i":
            parts.append(group("minute", "[0-9]{2}"))
        elif char in "jd":
            parts.append(group("day", "[0-9]{1,2}"))
        elif char in "nm":
            parts.append(group("monthnum", "[0-9]{1,2}"))
        elif char == "Y":
            parts.append(group("year", "[0-9]{4}"))
        elif char in "FM":
            parts.append(month if "month" not in seen else r"[^\W\d_]+\.?")
            seen.add("month")
        elif char in "Dl":
            parts.append(r"[^\s\d()]{1,15}")
        elif char == '"':
            close = php.find('"', index)
            close = len(php) if close < 0 else close
            parts.append(r"\s*" + re.escape(php[index:close]) + r"\s*")
            index = close + 1
        elif char == "\\" and index < len(php):
            parts.append(re.escape(php[index]))
            index += 1
        elif char.isspace() or char in ",،":
            parts.append(r"[\s,،\u00a0]*")
        elif unicodedata.category(char) == "Cf":
            parts.append("[\u200e\u200f]*")
        elif char.isalpha():
            parts.append(re.escape(char))
        else:
            parts.append(r"\s*" + re.escape(char) + r"?\s*")
    return "".join(parts)


def links_labels(text: str) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, target, visible label) of each wiki link in a text."""
    for match in _LINK_TEXT.finditer(text):
        label = match.group(2) if match.group(2) is not None else match.group(1)
        yield match.start(), match.end(), match.group(1), label + match.group(3)


_NAME_WORD = re.compile(r"(?<![^\W_])([^\W_]+)(?:[\s_'.]|</[a-z]+\s*>)*\Z", re.IGNORECASE)
"""A word of a name, and the closing tags and quotes of its styling (``<span …>Ann</span>``)."""
_NAME_WORDS = 6
"""The most words of a name written before a signature's links."""


def _name_words(user: str, signature: str) -> set[str]:
    """The words (case-folded) of the signer's name: of the user name (its initials too), and
    the capitalised words of the signature's links' labels (``Rosie's talk``) that are not
    words of the link's namespace (``Talk``)."""
    words = {word.casefold() for word in _WORDS.findall(user)
             if not word.isdigit() and (len(word) > 1 or word.isupper())}
    for _, _, target, label in links_labels(signature):
        namespace = {word.casefold() for word in _WORDS.findall(target.rpartition(":")[0])}
        words |= {word.casefold() for word in _WORDS.findall(visible(label))
                  if len(word) > 1 and word[:1].isupper() and word.casefold() not in namespace}
    return words


_WORDS = re.compile(r"[^\W_]+")


def _lead_start(text: str, start: int, user: str | None = None, signature: str = "") -> int:
    """Move a signature's start back over its styling, its dash, the signer's name written
    before its links (``Ann Example ([[User talk:Ann Example|talk]])``: words of the user
    name or of a link's label), and a substituted {{unsigned}}'s "Preceding unsigned comment
    added by"."""
    start = _skip_lead(text, start)
    if user:  # the whole name, as written (an IP address too)
        lowest = max(0, start - len(user) - 8)
        before = text[lowest:start].replace("_", " ").rstrip("'. \t")
        name_start = lowest + len(before) - len(user)
        if before.casefold().endswith(user.casefold()) and (
                name_start == 0 or not text[name_start - 1].isalnum()):
            start = _skip_lead(text, name_start)
    words: set[str] | None = None
    for _ in range(_NAME_WORDS if user else 0):
        name = _NAME_WORD.search(text, max(0, start - 60), start)
        if name is None:
            break
        if words is None:
            words = _name_words(user, signature)  # only when a word stands before the links
        if name.group(1).casefold() not in words:
            break
        start = _skip_lead(text, name.start())
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
        elif (dash := next((dash for dash in _DASHES + _SEPARATORS if text.endswith(dash, 0, start)),
                            None)) is not None:
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
    lowest = max(0, end - 200)
    opening = text.rfind("<", lowest, end)
    while opening >= 0:
        if tag.fullmatch(text, opening, end):
            return opening
        opening = text.rfind("<", lowest, opening)  # the "<" was inside a quoted attribute value
    return None
