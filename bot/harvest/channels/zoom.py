"""Zoom's saved meeting chat (the ``.txt`` file "Save chat" writes).

Two shapes, both read here:

* Zoom 5.13 and later: a header line ``HH:MM:SS From Name to Everyone:`` and
  the message on the following lines, indented by a tab.  A reply starts with
  ``Replying to "first words…"`` and a blank line; a reaction is a message
  ``Reacted to "first words…" with 👍`` (or ``Removed a 👍 reaction from "…"``).
  A direct message says ``to Name`` (or ``to Name(Direct Message)``) instead
  of ``to Everyone``.  In a webinar, attendees write ``to All panelists`` (or
  ``to Hosts and panelists``): to the session, like ``to Everyone``.
* Older versions: one line per message, ``HH:MM:SS\\t From  Name : message``
  (or ``… From Name to Everyone : message``); a message over several lines
  continues on the lines after it.

The times are the computer's clock when the chat was saved (or the time into
the recording, for a cloud recording's chat); a chat that goes past midnight
keeps counting.  Written with regular expressions: there is no package for
this format, and each line is read once.
"""

from __future__ import annotations

import re

from bot.harvest.channels.base import MAX_MESSAGE_CHARS, MAX_NAME_CHARS, ChannelError, Message, check_length, plain_text

__all__ = ["looks_like_zoom", "read_zoom"]

_START = re.compile(r"(?P<time>\d{1,2}:\d{2}:\d{2})\s+From\s")
_COLON = re.compile(r":(?=[ \t]|$)")
"""The colon that ends the sender (and addressee) of a header: the first one before a space or the line's end."""
_PRIVATE = re.compile(r"\s*\((?:direct message|privately)\)\s*$", re.IGNORECASE)
_GROUPS = re.compile(r"^(?:everyone\b.*|(?:all\s+)?(?:panelists|attendees)(?:\s+and\s+(?:panelists|attendees))?|"
                     r"(?:all\s+)?(?:hosts?|co-?hosts?)(?:\s*(?:,|and|&)\s*(?:co-?hosts?|panelists))*)\s*$", re.IGNORECASE)
"""Who a message goes to that is the session, not one person: everyone, or in a webinar (where
attendees write to the panelists) the panelists, the hosts and co-hosts."""
_REPLY = re.compile(r'^Replying to "(?P<quoted>.*)"\s*$')
_REACTION = re.compile(r'^(?:Reacted to ".*" with .*|Removed an? .* reaction from ".*")\s*$')


def looks_like_zoom(text: str) -> bool:
    """Whether the first line that says something is a Zoom chat header."""
    for line in text.lstrip("\ufeff").splitlines():
        if line.strip():
            return _header(line.strip()) is not None
    return False


def _header(line: str) -> dict | None:
    """``time``, ``who`` and ``rest`` (the message on the same line, or None) of a header line
    ``HH:MM:SS From Name to Everyone:`` (or ``… From Name : message``), or None.  Read in one
    pass: a regular expression with a lazy sender before ``\\s*:`` backtracked over every space
    of a long run (quadratic)."""
    start = _START.match(line)
    if not start:
        return None
    colon = _COLON.search(line, start.end())
    if not colon:
        return None
    who, rest = line[start.end():colon.start()].strip(), line[colon.end():].strip(" \t")
    return {"time": start["time"], "who": who, "rest": rest or None}


def read_zoom(text: str, source: str) -> list[Message]:
    messages: list[Message] = []
    header: dict | None = None
    body: list[str] = []
    offset = 0.0
    last_seconds = None

    def close() -> None:
        if header is None:
            return
        messages.append(_message(header, body, source))

    for number, raw in enumerate(text.lstrip("\ufeff").split("\n"), start=1):
        line = raw.rstrip("\r")
        match = _header(line.strip()) if line[:1] not in ("\t", " ") or header is None else None
        if match:
            close()
            seconds = _seconds(match["time"])
            if last_seconds is not None and seconds + offset < last_seconds - 12 * 3600:
                offset += 24 * 3600  # past midnight
            last_seconds = seconds + offset
            header = {"time": match["time"], "who": check_length(match["who"], 2 * MAX_NAME_CHARS + 40, source,
                                                                 f"line {number}", "a sender name"),
                      "line": number, "seconds": last_seconds}
            body = [match["rest"]] if match["rest"] else []
        elif header is None:
            if line.strip():
                raise ChannelError(f"{source}: line {number}: not a line of a Zoom chat "
                                   f"(expected 'HH:MM:SS From Name to Everyone:'): {line.strip()[:60]!r}")
        else:
            body.append(line[1:] if line.startswith("\t") else line.strip())
    close()
    if not messages:
        raise ChannelError(f"{source}: line 1: no Zoom chat message in the file")
    return messages


def _message(header: dict, body: list[str], source: str) -> Message:
    where = f"line {header['line']}"
    words = header["who"].split()
    who, to = " ".join(words), None
    last_to = next((i for i in range(len(words) - 2, 0, -1) if words[i].casefold() == "to"), None)
    if last_to is not None:  # "Jane Doe to Everyone", "Jane to Tom to Everyone" (the last "to")
        who, to = " ".join(words[:last_to]), " ".join(words[last_to + 1:])
    check_length(who, MAX_NAME_CHARS, source, where, "a sender name")
    while body and not body[-1].strip():
        body.pop()
    while body and not body[0].strip():
        body.pop(0)
    kind, reply = "message", False
    if body and _REPLY.match(body[0].strip()):
        reply = True
        body = body[1:]
        while body and not body[0].strip():
            body.pop(0)
    text = check_length(plain_text("\n".join(body).strip()), MAX_MESSAGE_CHARS, source, where, "a message")
    if len(text) <= 1000 and "\n" not in text and _REACTION.match(text):
        kind = "reaction"
    others: tuple[str, ...] = ()
    if to is not None and (_PRIVATE.search(to) or not _GROUPS.match(to)):
        kind = "private"
        others = (_PRIVATE.sub("", to).strip(),)  # the person it went to
    return Message(channel="zoom", source=source, where=where, sender=who,
                   time=header["time"], text=text, seconds=header["seconds"], kind=kind,
                   names=(who,), others=tuple(o for o in others if o), reply=reply)


def _seconds(clock: str) -> float:
    h, m, s = (int(part) for part in clock.split(":"))
    return float(h * 3600 + m * 60 + s)
