"""Proposed answers in the draft: what the recording's transcript says under a question, until staff review it.

``notesbot import SESSION call.vtt`` puts under each question the host took
up a block from the style's ``proposal`` template (a data file,
``bot/templates/<style>/proposal.wiki``), between two marker lines::

    * <span id="q-…"></span>Do you think the UCoC has made any difference?
    {{Conversation hour proposal|t=20}}
    : Maggie Dennis: I do. When I look at the reports we get, …
    : Jan Eissfeldt: And the enforcement guidelines …
    [https://www.youtube.com/watch?v=…&t=20 The answer in the recording (0:20)]
    {{Conversation hour proposal end}}

What is between the markers is the bot's proposal, never staff's answer: the
draft's reader leaves it out (:func:`hidden_lines`), so it is neither in the
notes nor does it make a question answered.  Staff **accept** it by deleting
the first marker line (and the end marker, which is ignored alone), editing
the lines as they like; they **reject** it by deleting the block.
``notesbot check``, the draft's status box and the status page list each
block still there (:func:`unreviewed`).  The ids of the questions that got a
proposal are kept in the status box's ``proposed`` parameter, so a second
import proposes nothing again, even where staff deleted the block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.compile.templates import TemplateError
from bot.wikifacts import PROPOSAL_END_TEMPLATE, PROPOSAL_TEMPLATE, template_key

__all__ = ["PROPOSED", "Block", "at_time", "blocks", "clock", "hidden_lines", "render_block", "unreviewed"]

PROPOSED = "proposed"
"""The status box's parameter listing the ids of the questions the bot proposed an answer for."""

_CALL = re.compile(r"^\s*\{\{\s*(?P<name>[^|{}\n]+?)\s*(?:\|[^\n]*)?\}\}\s*$")
_QUESTION = re.compile(r"^\*(?![*#:;])")
_HEADING = re.compile(r"^=+.*=+\s*$")


@dataclass(frozen=True)
class Block:
    """One proposal still in the draft."""

    line: int
    """1-based line of its first marker."""
    end: int
    """1-based line of its end marker (or its last line, when staff deleted the end marker)."""
    text: str
    """Its first line of proposed text, for the list of unreviewed proposals."""


def _marker(line: str) -> str | None:
    """'start', 'end' or None: whether ``line`` is one of the proposal's marker lines."""
    match = _CALL.match(line)
    if not match:
        return None
    name = template_key(match["name"])
    if name == template_key(PROPOSAL_TEMPLATE):
        return "start"
    if name == template_key(PROPOSAL_END_TEMPLATE):
        return "end"
    return None


def blocks(text: str) -> list[Block]:
    """The proposals in the draft ``text``: from a start marker line to its end
    marker, or, when staff deleted that, to the line before the next question or
    heading (a proposal never runs past its question)."""
    out = []
    lines = text.split("\n")
    start = None
    first = ""
    for number, line in enumerate(lines, start=1):
        kind = _marker(line)
        if start is not None:
            if kind == "end":
                out.append(Block(start, number, first))
                start = None
                continue
            if kind == "start" or _QUESTION.match(line) or _HEADING.match(line.strip()):
                out.append(Block(start, _last_text_line(lines, start, number - 1), first))
                start = None
            elif not first and line.strip() and not line.lstrip().startswith("{{"):
                first = line.strip()
        if start is None and kind == "start":
            start, first = number, ""
    if start is not None:
        out.append(Block(start, _last_text_line(lines, start, len(lines)), first))
    return out


def _last_text_line(lines: list[str], start: int, end: int) -> int:
    while end > start and not lines[end - 1].strip():
        end -= 1
    return end


def hidden_lines(text: str) -> set[int]:
    """The 1-based lines the draft's reader skips: every line of a proposal, and
    an end marker left alone after staff accepted one."""
    hidden = {number for block in blocks(text) for number in range(block.line, block.end + 1)}
    hidden |= {number for number, line in enumerate(text.split("\n"), start=1) if _marker(line) == "end"}
    return hidden


def unreviewed(text: str) -> list[Block]:
    """The proposals staff have not reviewed yet (all blocks still in the draft)."""
    return blocks(text)


def clock(seconds: float) -> str:
    """``754`` → ``12:34``; ``3754`` → ``1:02:34``."""
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def at_time(url: str, seconds: int) -> str:
    """The recording's address at ``seconds`` (``t=SECONDS``, replacing a ``t`` it has)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "t"]
    query.append(("t", str(int(seconds))))
    return urlunsplit(parts._replace(query=urlencode(query, safe=":/")))


def render_block(templates, *, seconds: int, lines: list[str], link: str | None, notes: list[str]) -> str:
    """The block for one question, from the style's ``proposal`` template:
    ``lines`` the proposed answer lines (``Speaker: text`` or ``text``, made
    inert by the caller), ``link`` the recording at that moment (or None),
    ``notes`` the bot's notes for staff (already made into note calls)."""
    values = {
        "seconds": str(int(seconds)),
        "clock": clock(seconds),
        "answers": "\n".join(f": {line}" for line in lines),
        "link": link or "",
        "notes": "\n".join(notes),
    }
    text = templates.render("proposal", values)
    lines = [line for line in text.split("\n") if line.strip()]
    inner = lines[1:-1]
    if (len(lines) < 2 or _marker(lines[0]) != "start" or _marker(lines[-1]) != "end"
            or any(_marker(line) or _QUESTION.match(line) or _HEADING.match(line.strip()) for line in inner)):
        raise TemplateError(f"template 'proposal' ({templates.sources.get('proposal', 'proposal')}) must start with "
                            f"a {{{{{PROPOSAL_TEMPLATE}}}}} line and end with a {{{{{PROPOSAL_END_TEMPLATE}}}}} line, "
                            f"with no question or heading between: else a proposal would be published unreviewed")
    return "\n".join(lines)
