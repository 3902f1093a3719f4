"""A signature's timestamp in any language, found without one regex of every month name.

The rule is the one :func:`bot.wikifacts.signature_time` documents: a time
``HH:MM`` and a date (day, month name of any language and year, either order,
or all numbers), then a zone in parentheses.  Written as one regular
expression over the 5,754 month names of MediaWiki's languages, it was a
278 KB pattern that took 0.4-0.9 s to compile and about 10 ms a question to
search, paid by every run whose draft check met a question with a time in it.

Here the month names a text can match are found first, by one pass over the
text's word starts and a dict of the names by their first two characters
(linear in the text); the regular expression is then compiled with only those
names (none, usually), and cached by that set.  Only the names within
160 characters of a time of day are looked for, since a timestamp holds
both.  It matches what the full pattern matched, except a month name glued
to the end of another word (``Xmarch 5, 2025``) and a date spread over more
than about a hundred spaces, neither of which is a signature.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from bot.wikifacts.tables import SIGNATURE_CLOCK

_DAY, _YEAR = r"[0-9]{1,2}\.?", r"[0-9]{4}"
_ZONE = (r"\(\s*(?:[^\W\d_]{1,6}(?:\s[^\W\d_]{1,3}){0,2}(?:\s*[+−-]\s*[0-9]{1,2}(?::?[0-9]{2})?)?"
         r"|[+−-][0-9]{2}(?::?[0-9]{2})?)\s*\)")  # ``(+03)``: a zone without an abbreviation

_WORD_STARTS = re.compile(r"(?:(?<![^\W\d_])|(?<=[年년])|(?![^\W\d_]))\S")
"""Where a month name can begin: any character but a space, and but a letter
that follows a letter (the first letter of a word, a digit: ``2-goe̍h``,
``11 ng.``, a sign: ``’``, a vowel sign of an Indic script...), except after
年 or 년, which are letters and stand right before a month (``2025年三月``)."""

_DOTLESS = str.maketrans({"ı": "i", "İ": "i"})
"""``re.IGNORECASE`` takes i, ı, I and İ for one letter; ``str.casefold`` keeps
ı and makes İ two characters: both sides are folded with this first
(Turkish ``KASIM`` is ``kasım``)."""

_MANY = 32
"""Above this many names in one text, it is searched with fixed groups of
names (each compiled once a run) rather than a pattern of its own set."""

_GROUP = 200


class MonthNames:
    """Every language's month names (case-folded), indexed for :meth:`in_text`."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = frozenset(fold(name) for name in names if name)
        self._by_start: dict[str, list[str]] = {}
        for name in self.names:
            self._by_start.setdefault(name[:2], []).append(name)
        ordered = sorted(self.names)
        self._group_of = {name: i // _GROUP for i, name in enumerate(ordered)}
        self._groups = [frozenset(ordered[i:i + _GROUP]) for i in range(0, len(ordered), _GROUP)]

    def in_text(self, folded: str) -> frozenset[str]:
        """The names that occur in case-folded ``folded`` at a word start: one
        dict look-up or two at each word start."""
        found: set[str] = set()
        get = self._by_start.get
        for start in _WORD_STARTS.finditer(folded):
            i = start.start()
            for key in (folded[i:i + 2], folded[i]):
                for name in get(key, ()):
                    if folded.startswith(name, i):
                        found.add(name)
        return frozenset(found)

    def search(self, text: str) -> re.Match[str] | None:
        """The first signature timestamp in ``text`` (ASCII digits), or None."""
        clocks = [(m.start(), m.end()) for m in SIGNATURE_CLOCK.finditer(text)]
        if not clocks:
            return None
        found = self.in_text(fold(_near(text, clocks)))
        if len(found) <= _MANY:
            return _pattern(found).search(text)
        # A text of very many month names (one of every language): a pattern
        # of its own set would cost seconds to compile for each such text.
        matches = [_pattern(self._groups[group]).search(text)
                   for group in sorted({self._group_of[name] for name in found})]
        return min((m for m in matches if m), key=lambda m: m.start(), default=None)


_NEAR = 160
"""How far from its time of day a timestamp's month name can stand: a time,
12 characters, a day, ``de``, the longest name (40), with room to spare."""


def _near(text: str, clocks: list[tuple[int, int]]) -> str:
    """The parts of ``text`` within :data:`_NEAR` characters of a time of
    day, joined by a new line (which no timestamp crosses)."""
    parts: list[tuple[int, int]] = []
    for start, end in clocks:
        start, end = max(0, start - _NEAR), end + _NEAR
        if parts and start <= parts[-1][1]:
            parts[-1] = (parts[-1][0], max(parts[-1][1], end))
        else:
            parts.append((start, end))
    return "\n".join(text[start:end] for start, end in parts)


def fold(text: str) -> str:
    """``text`` case-folded as the pattern's ``re.IGNORECASE`` compares it."""
    return text.translate(_DOTLESS).casefold()


@functools.lru_cache(maxsize=64)
def _pattern(names: frozenset[str]) -> re.Pattern[str]:
    """The timestamp pattern with these month names (longest first), or with
    only the all-number dates when there are none."""
    if names:
        month = "(?:" + "|".join(re.escape(name) for name in sorted(names, key=lambda n: (-len(n), n))) + r")\.?"
    else:
        month = "(?!)"
    # Possessive (``*+``): no run of spaces is tried again at each length
    # (the same matches; 8,000 spaces after a year took 3.4 s).
    date = (rf"(?:{_DAY}\s*+(?:de\s++)?{month}\s*+(?:de\s++)?,?\s*+{_YEAR}|{month}\s*+{_DAY},?\s*+{_YEAR}"
            rf"|{_YEAR}\s*+(?:[年년.\-/]\s*+)?(?:{month}|[0-9]{{1,2}})\s*+(?:[月월.\-/]\s*+)?[0-9]{{1,2}}\s*+[日일.]?"
            rf"|[0-9]{{1,2}}\s*+[./\-]\s*+[0-9]{{1,2}}\s*+[./\-]\s*+{_YEAR})")
    time = SIGNATURE_CLOCK.pattern
    return re.compile(rf"(?:{time}[^\n()\[\]{{}}]{{0,12}}?{date}"
                      rf"|(?<![0-9]){date}[\s,.،]*+(?:\([^()\n]{{1,6}}\)[\s,.]*+)?{time})"
                      rf"\s*+{_ZONE}", re.IGNORECASE)
