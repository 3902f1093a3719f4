"""What a translation administrator's "mark this version for translation"
leaves in a page, for the local wiki that has no Translate extension.

Written from Translate's own rules, apart from the bot's code, so that the
tests check the bot against Translate rather than against itself: a
``<translate>`` block on one line is one unit, marked inline after the open
tag; a block over several lines is split at blank lines, and each paragraph
is marked on a line of its own before it, or at the end of its first line
when that line is a heading.  Units that have a marker keep it; new ones get
the next free numbers.
"""

from __future__ import annotations

import random
import re

BLOCK = re.compile(r"(<translate(?:\s[^>]*)?>)(.*?)(</translate>)", re.S)
MARKER = re.compile(r"<!--\s*T:(\d+)\s*-->")
HEADING = re.compile(r"^(=+)[^=].*\1\s*$")


def mark(text: str, rng: random.Random | None = None) -> str:
    """``text`` as Translate's marking leaves it.  With ``rng``, some markers
    get spaces inside (``<!-- T:3 -->``), as hand-edited pages have."""
    numbers = [int(n) for n in MARKER.findall(text)]
    state = {"next": max(numbers, default=0) + 1}

    def marker() -> str:
        n = state["next"]
        state["next"] += 1
        return f"<!-- T:{n} -->" if rng is not None and rng.random() < 0.3 else f"<!--T:{n}-->"

    def block(m: re.Match) -> str:
        open_, content, close = m.groups()
        if "\n" not in content:
            if not content.strip() or MARKER.match(content.lstrip()):
                return m.group(0)
            return f"{open_}{marker()} {content}{close}"
        parts = re.split(r"(\n[ \t]*\n\s*)", content)
        out = []
        for k, part in enumerate(parts):
            if k % 2 or not part.strip() or MARKER.search(part):
                out.append(part)
                continue
            lead = part[:len(part) - len(part.lstrip())]
            body = part.lstrip()
            first, newline, rest = body.partition("\n")
            if HEADING.match(first):
                out.append(f"{lead}{first} {marker()}{newline}{rest}")
            else:
                out.append(f"{lead}{marker()}\n{body}")
        return open_ + "".join(out) + close

    return BLOCK.sub(block, text)


def named(notes: str) -> dict[str, tuple[str, str]]:
    """Marker → (what its unit belongs to: the question's id on its line or
    above it, "heading" or "text"; the unit's line without markers), and
    every marker once."""
    out: dict[str, tuple[str, str]] = {}
    owner = ""
    for line in notes.split("\n"):
        anchor = re.search(r'<span id="([^"]+)"></span>', line)
        if not line.strip() or line.startswith("="):
            owner = ""
        if anchor:
            owner = anchor.group(1)
        for number in MARKER.findall(line):
            assert number not in out, f"marker {number} twice in the notes"
            bare = MARKER.sub("", line).replace("<translate> ", "<translate>").strip()
            out[number] = (owner or ("heading" if line.startswith("=") else "text"), bare)
    return out
