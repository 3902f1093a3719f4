"""Date formats of signatures, from MediaWiki's PHP date codes.

A wiki's signature timestamp is written with ``Language::sprintfDate`` in the
format its language file (``languages/messages/Messages*.php``, ``$dateFormats``)
gives for "both" (time and date).  This module turns such a format into a regular
expression that reads it back.
"""

from __future__ import annotations

import re
import unicodedata


def _format_pattern(php: str, month: str) -> str:
    """A regular expression for a PHP date format (``H:i, j M Y``), as MediaWiki's
    Language::sprintfDate writes it; literal punctuation and spaces are optional, except a mark
    between two numbers (``j.n.Y``, ``H:i``): without it ``1122025`` would read as a date."""
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
            elif code == "k" and php.startswith("Y", index):  # the Thai solar year: 543 after the Gregorian
                parts.append(group("thaiyear", "[0-9]{4}"))
                seen.add("year")
                index += 1
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
            parts.append("[\u200e\u200f\u061c]*")
        elif char.isalpha():
            parts.append(re.escape(char))
        elif index < len(php) and php[index] in _NUMBERS and index >= 2 and php[index - 2] in _NUMBERS \
                and php[index - 3:index - 2] != "\\":
            parts.append(r"\s*" + re.escape(char) + r"\s*")  # between two numbers: needed to tell them apart
        else:
            parts.append(r"\s*" + re.escape(char) + r"?\s*")
    return "".join(parts)


_NUMBERS = "HGijdnmY"
"""The PHP date codes written as numbers."""
