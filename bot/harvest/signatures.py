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
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from bot import wikifacts
from bot.harvest.dateformats import _format_pattern
from bot.harvest.markup import (_autosigned_ends, _lead_start, _tag_before, autosigned_pattern,  # noqa: F401
                                links_labels, mention_label, visible)  # links_labels: public here
from bot.harvest.users import _user_name, normalise_user, user_of_link  # noqa: F401 - normalise_user: public here

_WINDOW = 600
"""How many characters at the end of a line can hold a signature: MediaWiki caps a raw
signature at 255 characters; the rest is room for the timestamp and what follows it."""

_LINK = re.compile(r"\[\[([^\[\]|\n]*)(?:\|(?:[^\[\]\n]|\[(?!\[)|\](?!\]))*)?\]*\]\]")
"""A wiki link; its text may hold single brackets (``[[User talk:W|[tʰɑk]]]``)."""
_EXTERNAL_USER = re.compile(r"\[(?:https?:)?//[^\s\[\]/]+(?:/wiki/|/w/index\.php\?(?:[^\s\[\]]*&)?title=)"
                            r"([^\s\[\]?&#]+)[^\s\[\]]*(?:\s[^\[\]\n]*)?\]")
"""An external link to a wiki page (``[https://de.wikipedia.org/wiki/Benutzer:Ex Ex]``): a user
link when the page is a user's, as DiscussionTools reads the link's target, not its form."""
_ZONE = re.compile(r"\(\s*([^()\[\]{}<>|\n]{1,30}?)\s*\)")
_LOOSE_TIME = re.compile(r"(?<!\d)\d{1,2}\s*[:.h]\s*\d{2}(?!\d)")
"""A time in any digits: with a zone after it, the end of a signature whose date cannot be read."""
_POSTSCRIPT = re.compile(r"\s*\((?:[^()\n]{0,40}\([^()\n]{1,30}\)|[^()\n]{1,60})\)")
"""A note in brackets right after a signature: ``(Corrections: 23:46, 8 July 2019 (UTC))``."""
_QUESTION_MARK = re.compile(r"[?？؟]")

_CLOSING_TAG = re.compile(r"</(?:span|small|sup|sub|font|b|i|u|em|strong|big|s|del|strike|div|p|center|bdi)\s*>"
                          r"|<br\s*/?>|</br\s*>", re.IGNORECASE)
"""A closing tag (or line break) that styling or striking out leaves after a signature."""

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
    (three tildes); the wiki's own "unsigned" templates (``facts.unsigned_templates``,
    from bot/data/unsigned.json and the configuration) and the text they leave once
    substituted.  Timestamps are read with every script's digits, spaces written as
    entities and direction marks.
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
    links = [match for match in _LINK.finditer(text) if user_of_link(match.group(1), facts) == user]
    # each link and whether it closely follows the one before (``A (talk)``), gaps counted without
    # bold quotes: such a run is a signature, never words of a sentence
    gaps = [visible(text[links[index - 1].end():match.start()]).replace("'", "") if index else None
            for index, match in enumerate(links)]
    near = [gap is not None and len(gap) <= 3 and not _LETTERS.search(gap) for gap in gaps]  # "and": words
    for index, match in enumerate(links):
        in_run = near[index] or (index + 1 < len(links) and near[index + 1])
        if not in_run and mention_label(text, match.start(), match.end(), user) is not None:
            continue  # part of a sentence: :func:`without_mentions` keeps its words
        if near[index] and spans:
            start = spans.pop()[0]  # the next link of the same run
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


def without_mentions(text: str, user: str, facts: wikifacts.LanguageFacts | None = None) -> str:
    """``text`` with each link to ``user``'s pages that is part of a sentence replaced by its label:
    ``write on my [[User talk:Ex|talk page]].`` gives ``write on my talk page.`` (the question keeps
    its words; the notes are anonymous, so the link goes)."""
    if "[[" not in text:
        return text
    facts = facts or wikifacts.ENGLISH
    return _LINK.sub(lambda m: (mention_label(text, m.start(), m.end(), user) or m.group())
                     if user_of_link(m.group(1), facts) == user else m.group(), text)


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
    text = without_mentions(text, user, facts)
    text = _LINK.sub(lambda m: " " if user_of_link(m.group(1), facts) == user else m.group(), text)
    text = re.sub(r"[(\[{]\s*[)\]}]", " ", text)
    return " ".join(_without_signer_tail(text).split())


_TAIL_PUNCTUATION = "-–—:,;·|("


def _without_signer_tail(text: str) -> str:
    """``text`` without what led up to the signature it lost: punctuation
    (``-``, ``—``, ``:``, ``(``…) and the words ``from``/``by`` at its end.
    A scan from the end: the pattern ``(?:\\s+(?:from|by)|\\s*[-–—:,;·|(]+)*\\s*\\Z``
    could split a run of dashes between its repetitions in 2^n ways (a
    heading ``== Travel ---…---x ==`` of 27 dashes made a tick take 39 s)."""
    end = len(text)
    while True:
        while end > 0 and (text[end - 1] in _TAIL_PUNCTUATION or text[end - 1].isspace()):
            end -= 1
        for word in ("by", "from"):
            size = len(word)
            if end > size and text[end - size:end].lower() == word and text[end - size - 1].isspace():
                end -= size
                break
        else:
            return text[:end]


def parse_timestamp(text: str, facts: wikifacts.LanguageFacts | None = None) -> datetime:
    """Read a signature timestamp (``HH:MM, D Month YYYY (UTC)``, ``facts``' formats, or the formats
    people write an unsigned template's date in), the zone optional: without one, the wiki's own
    (``facts.zone``, else its language's Wikipedia's from bot/data/unsigned.json; UTC on Meta-wiki).

    Raises ValueError, saying why, for anything else, including dates that do not exist.
    """
    moment, problem = _reader(facts or wikifacts.ENGLISH).unsigned_date(text)
    if moment is None:
        raise ValueError(problem or f"not a timestamp: {text!r}")
    return moment



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


def _unsigned_pattern(facts: wikifacts.LanguageFacts) -> re.Pattern[str] | None:
    """A call of one of the wiki's unsigned templates ending a text: ``{{unsigniert|IP|date}}``,
    ``{{subst:Unsigned IP|…}}``, ``{{Vorlage:Unsigniert|…}}``."""
    names = sorted({wikifacts.template_key(template.name) for template in facts.unsigned_templates},
                   key=len, reverse=True)
    if not names:
        return None
    space = r"[\s_]+"
    name = "|".join(space.join(re.escape(word) for word in name.split()) for name in names)
    namespaces = "|".join(re.escape(n) for n in sorted(wikifacts.TEMPLATE_NAMESPACES))
    return re.compile(rf"\{{\{{\s*(?:(?:safe)?subst\s*:\s*)?(?:(?:{namespaces})\s*:\s*)?(?P<name>{name})\s*"
                      r"(?:\|(?P<params>[^{}]*))?\}\}[\s.,;!)]{0,3}\Z", re.IGNORECASE)


def _unsigned_template(text: str, reader: "_Reader") -> Signature | None:
    """The wiki's unsigned template someone added after an unsigned comment: it ends the comment
    and names its author.  Its parameters are read as the data file (or the configuration) says;
    when the user's holds a date and the date's does not, the two are read the other way round
    (en's {{unsigned}} takes them in either order)."""
    match = reader.unsigned.search(text) if reader.unsigned is not None else None
    if match is None:
        return None
    template = reader.unsigned_by_key[wikifacts.template_key(match["name"]).casefold()]
    values: dict[str, str] = {}
    position = 0
    for part in _PARAMETER.split(match["params"]) if match["params"] is not None else []:
        key, equals, value = part.partition("=")
        if equals and key.strip():
            values[key.strip()] = value.strip()
        else:
            position += 1
            values.setdefault(str(position), part.strip())
    user = next((values[key] for key in template.user if values.get(key)), "")
    date = next((values[key] for key in template.date if values.get(key)), "")
    if _LOOSE_TIME.search(reader.plain(user)) and not _LOOSE_TIME.search(reader.plain(date)):
        user, date = date, user
    zone = next((values[key] for key in template.zone if values.get(key)), "")
    if zone and date and not date.rstrip().endswith(")"):
        date = f"{date} ({zone})"  # the zone the template takes apart: the date is in it, not the default
    timestamp, problem = None, None
    if date:
        try:
            timestamp = parse_timestamp(date, reader.facts)
        except ValueError as error:
            problem = str(error)
    return Signature(_lead_start(text, match.start()), _unsigned_user(user, reader.facts), timestamp, problem)


_PARAMETER = re.compile(r"\|(?![^\[\]]*\]\])")
"""A pipe between a template's parameters, not one inside a link (``{{unsigned|[[User:Ex|Ex]]}}``)."""


def _unsigned_user(value: str, facts: wikifacts.LanguageFacts) -> str | None:
    """The user an unsigned template's user parameter names: a name, ``User:Ex``, or a link."""
    link = _LINK.search(value)
    if link is not None:
        return user_of_link(link.group(1), facts)
    return user_of_link(value, facts) or _user_name(value) if ":" in value else _user_name(value)


@functools.lru_cache(maxsize=16)
def _reader(facts: wikifacts.LanguageFacts) -> "_Reader":
    return _Reader(facts)


class _Reader:
    """Reads signatures with one wiki's facts: its user links, month names, digits and date formats."""

    def __init__(self, facts: wikifacts.LanguageFacts):
        self.facts = facts
        self.digits = {**wikifacts.every_digit(), **(facts.digit_table or {})}
        """Every script's digits as ASCII: a signature copied from another wiki keeps its own (``١٤:٢٠``)."""
        self.unsigned = _unsigned_pattern(facts)
        self.unsigned_by_key = {wikifacts.template_key(t.name).casefold(): t for t in facts.unsigned_templates}
        """By name case-folded, as the pattern finds them (``{{unsigned ip}}`` for ``{{Unsigned IP}}``)."""
        self.autosigned = autosigned_pattern(facts.unsigned_texts)
        self.autosigned_ends = _autosigned_ends(facts.unsigned_texts)
        months = sorted(facts.month_numbers, key=len, reverse=True)
        month = "(?P<month>" + "|".join(re.escape(name) for name in months) + r")\.?"
        formats = [*facts.date_formats, *wikifacts.ENGLISH.date_formats]
        self.formats = [re.compile(_format_pattern(f, month) + r"[\s\u200e\u200f]*\Z", re.IGNORECASE)
                        for f in dict.fromkeys(formats)]
        self.human_formats = [re.compile(_format_pattern(f, month) + r"[\s\u200e\u200f.]*\Z", re.IGNORECASE)
                              for f in facts.unsigned_date_formats]
        """The formats people write an unsigned template's date in (``12. März 2011, 14:05 Uhr``)."""
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
        if "//" in text:  # ``[https://meta.wikimedia.org/wiki/User:Ex Regards]``: a user link too
            links = sorted(links + [(match.start(), match.end(), user) for match in _EXTERNAL_USER.finditer(text)
                                    if (user := user_of_link(match.group(1), self.facts))])
        if not links:
            return None
        start, end, user = links[-1]
        after = text[end:]
        numeric = self.plain(after)
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
            if earlier_user != user or len(between) > _GAP_BETWEEN_LINKS or _QUESTION_MARK.search(between) \
                    or len(_LETTERS.findall(between)) > 1:  # ``Edit: clarified.``: words of the comment
                break
            start = earlier_start
        return Signature(_lead_start(text, start, user, text[start:signature_end], self.autosigned,
                                     self.autosigned_ends), user, timestamp, problem,
                         signature_end)

    def within(self, text: str) -> list[Signature]:
        found: list[Signature] = []
        if "[[" not in text:
            return found
        link_ends = [match.end() for match in _LINK.finditer(text) if user_of_link(match.group(1), self.facts)]
        if not link_ends:
            return found
        numeric = self.plain(text)
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

    def plain(self, text: str) -> str:
        """``text`` with the same offsets, its digits ASCII, its spaces written as entities
        (``14:20,&nbsp;9&nbsp;March``) and its direction marks blank: what a timestamp is read in."""
        if "&" in text or not text.isascii():
            text = _BLANKS.sub(lambda match: " " * len(match.group()), text).translate(self.digits)
        return text

    def timestamp_before(self, text: str, zone: re.Match) -> re.Match | None:
        """The date and time that end just before a zone in parentheses, in any of the formats."""
        lowest = max(0, zone.start() - _TIMESTAMP_LENGTH)
        for pattern in self.formats:
            match = pattern.search(text, lowest, zone.start())
            if match is not None:
                return match
        return None

    def timestamp_at_end(self, text: str) -> re.Match | None:
        numeric = self.plain(text)
        for pattern in self.formats:
            match = pattern.search(numeric, max(0, len(numeric) - _TIMESTAMP_LENGTH))
            if match is not None:
                return match
        return None

    def unsigned_date(self, text: str) -> tuple[datetime | None, str | None]:
        """The time an unsigned template's date gives (``09:12, 3. Feb. 2016 (CET)``, or without a
        zone in the wiki's own: ``12. März 2011, 14:05 Uhr``), or None and why not."""
        text = text.strip()
        numeric = self.plain(text)
        zone = _ZONE.search(numeric)
        if zone is not None and zone.end() == len(numeric):
            stamp = self.timestamp_before(numeric, zone) or self.human_before(numeric, zone.start())
            if stamp is not None:
                return self.moment(stamp, zone.group(1))
        elif (stamp := self.human_before(numeric, len(numeric)) or self.timestamp_at_end(numeric)) is not None:
            home = self.facts.zone or self.facts.home_zone
            if home is None:
                return None, (f"the date {text!r} of an unsigned template has no zone, and the wiki's is "
                              "unknown: the question has no time (the page history gives it)")
            return self.moment(stamp, "", home=home)
        return None, f"unreadable signature timestamp {text!r}: the question has no time"

    def human_before(self, text: str, end: int) -> re.Match | None:
        lowest = max(0, end - _TIMESTAMP_LENGTH)
        return next((match for pattern in self.human_formats
                     if (match := pattern.search(text, lowest, end)) is not None), None)

    def moment(self, stamp: re.Match, zone: str, *, home: str | None = None) -> tuple[datetime | None, str | None]:
        """The UTC time a matched timestamp and its zone give (or the IANA zone ``home``, for a
        date written without one), or None and why not."""
        groups = stamp.groupdict()
        written = stamp.group().strip()
        if groups.get("month") is not None:
            month = self.facts.month_numbers.get(groups["month"].casefold().rstrip("."))
        else:
            month = int(groups["monthnum"]) if groups.get("monthnum") else None
        year = groups.get("year")
        if year is None and groups.get("thaiyear"):  # th's ``xkY``; a Gregorian year written there stays one
            year = int(groups["thaiyear"]) - (_THAI_YEARS if int(groups["thaiyear"]) > 2300 else 0)
        try:
            local = datetime(int(year or 0), month or 0, int(groups["day"]), int(groups["hour"]),
                             int(groups["minute"]))
        except (TypeError, ValueError):
            return None, f"unreadable signature timestamp {written!r}: the question has no time"
        if home is not None:
            return wikifacts.local_to_utc(local, home), None
        offset = self.facts.zone_offset_at(zone, local)
        if offset is None and self.facts.ambiguous_zone(zone, local):
            return None, (f"signature timestamp {written!r} in an ambiguous zone ({zone}): the question "
                          "has no time (the page history gives it)")
        if offset is None:
            return None, f"signature timestamp {written!r} in an unknown zone ({zone}): the question has no time"
        return (local - timedelta(minutes=offset)).replace(tzinfo=timezone.utc), None


_THAI_YEARS = 543
"""The Thai solar calendar's years are the Gregorian's plus 543 (Language::sprintfDate's ``xk``)."""
_WORD = re.compile(r"\w")
_LETTERS = re.compile(r"[^\W\d_]{2,}")
_BLANKS = re.compile(r"&(?:nbsp|thinsp|ensp|emsp|#160|#x[aA]0|#8201|#x2009|#8239|#x202[fF]);"
                     "|[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\u00a0\u202f\u2009]")
"""Spaces written as entities or no-break spaces, and direction marks: blank in a timestamp."""


