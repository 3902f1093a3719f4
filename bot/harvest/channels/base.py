"""What every channel reader gives: the messages of a saved chat or of emails, as plain data.

A reader turns one file (or a folder of emails) into :class:`Message` values
and nothing more; :mod:`bot.harvest.channels.questions` then picks the
questions from them, the same way for every channel.  A file a reader cannot
read raises :class:`ChannelError`, whose message names the file and the line.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import accumulate

__all__ = ["CHANNELS", "LIVE_CHAT", "MAX_FILE_BYTES", "MAX_JSON_DEPTH", "MAX_MESSAGE_CHARS", "MAX_NAME_CHARS",
           "ChannelError", "LeftOut", "Message", "check_length", "load_json", "plain_text", "short",
           "timestamp_of"]

MAX_FILE_BYTES = 20_000_000
"""The largest file (or mail of a mailbox) read: a session's chat of 10,000 messages is about 2 MB."""
MAX_MESSAGE_CHARS = 100_000
"""The longest message (or mail text) read: a chat message, or a question by email, is a few kilobytes."""
MAX_NAME_CHARS = 300
"""The longest sender name read: Zoom, YouTube and Telegram allow 64 to 128 characters."""
MAX_JSON_DEPTH = 64
"""The deepest nesting of a JSON export read: Telegram's and YouTube's are six levels deep."""
MAX_NUMBER_CHARS = 30
"""The longest number of a JSON export read: ids and times have up to 20 digits."""

CHANNELS = ("zoom", "youtube", "telegram", "irc", "email")
LIVE_CHAT = frozenset({"zoom", "youtube", "telegram", "irc"})
"""The channels that are chats during the session (the rest came by email)."""


class ChannelError(ValueError):
    """A file a reader cannot read; the message names the file and the line, for a person."""


def check_length(value: str, limit: int, source: str, where: str, what: str) -> str:
    """``value``, or a refusal naming the file, the place and what is too long."""
    if len(value) > limit:
        raise ChannelError(f"{source}: {where}: {what} of {len(value):,} characters is too long "
                           f"(at most {limit:,} are read)")
    return value


def short(value: object, limit: int = 60) -> str:
    """A value for a one-line message: ``repr`` cut to ``limit`` characters."""
    text = value if isinstance(value, str) else repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain_text(value: str) -> str:
    """A message's text without control characters (NUL bytes and the like are no text, and a wiki
    page cannot hold them); tabs and line ends are kept."""
    return _CONTROL.sub("", value)


def timestamp_of(seconds: float, source: str, where: str, what: str) -> datetime:
    """A time in seconds since 1970 as a date (UTC), or a refusal naming the field."""
    try:
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise ChannelError(f"{source}: {where}: {what} {short(seconds)} is not a time") from None


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def load_json(text: str, source: str, line: int = 0) -> object:
    """JSON text, bounded before it is parsed: no nesting deeper than :data:`MAX_JSON_DEPTH`
    (Python's parser recurses), no number longer than :data:`MAX_NUMBER_CHARS` characters
    (huge integers cost quadratic time to convert), no ``NaN`` or ``Infinity``.  ``line``: the line
    of a JSON-lines file the text is.  A refusal names the file, the line and what is wrong."""
    at = f"line {line}" if line else "line 1"
    brackets = _BRACKETS.sub("", _STRING.sub("", text))
    if brackets and max(accumulate(_STEP[c] for c in brackets)) > MAX_JSON_DEPTH:
        raise ChannelError(f"{source}: {at}: JSON nested more than {MAX_JSON_DEPTH} levels deep (an export has 6)")

    def number(value: str) -> object:
        if len(value) > MAX_NUMBER_CHARS:
            raise ChannelError(f"{source}: {at}: a number of {len(value):,} digits is too long "
                               f"(at most {MAX_NUMBER_CHARS})")
        if not any(c in value for c in ".eE"):
            return int(value)
        if not math.isfinite(float(value)):
            raise ChannelError(f"{source}: {at}: the number {short(value)} is too large")
        return float(value)

    def constant(value: str) -> object:
        raise ChannelError(f"{source}: {at}: {value} is not a number a chat export holds")

    try:
        return json.loads(text, parse_int=number, parse_float=number, parse_constant=constant)
    except json.JSONDecodeError as e:
        raise ChannelError(f"{source}: line {(line or 1) + e.lineno - 1}: not valid JSON ({e.msg}); "
                           f"is the file complete?") from None
    except RecursionError:  # the bound above keeps this from happening; never a traceback
        raise ChannelError(f"{source}: {at}: JSON nested too deeply") from None


@dataclass
class Message:
    """One message of a chat, or one email."""

    channel: str
    """One of :data:`CHANNELS`."""
    source: str
    """The file it was read from."""
    where: str
    """Where in the file, for people: 'line 12', 'message 345', 'message 3 (line 40)'."""
    sender: str
    """Who sent it, as the channel names them (display name, e-mail address, user id); '' if nobody."""
    time: str
    """When, as the channel writes it (part of the question's id)."""
    text: str
    seconds: float | None = None
    """When, in seconds on one clock for the whole file (to join one sender's messages), or None."""
    timestamp: datetime | None = None
    """When, as a date and time (UTC), when the channel says it."""
    kind: str = "message"
    """'message', 'action' (IRC's /me), 'reaction', 'service' (joins, pinned messages…), 'sticker', 'private' (a direct message)."""
    names: tuple[str, ...] = ()
    """Every name the sender goes by in the file (display name, address, handle): never in the draft."""
    others: tuple[str, ...] = ()
    """Names of other people the file gives with the message (a direct message's addressee, the
    author of a forwarded message, the people a service message adds): never in the draft either."""
    host: bool = False
    """The channel marks the sender as the host (YouTube's "Owner" badge)."""
    subject: str = ""
    """An email's subject (helps find its topic)."""
    reply: bool = False
    """A reply to another message (Zoom's "Replying to", Telegram's reply_to)."""


@dataclass
class LeftOut:
    """A message that did not become a question, and why (``--verbose`` lists them)."""

    source: str
    where: str
    reason: str
    excerpt: str = ""
    """The message's text, anonymised, cut short."""

    def __str__(self) -> str:
        text = self.excerpt if len(self.excerpt) <= 70 else self.excerpt[:67] + "..."
        return f"{self.source} {self.where}: left out ({self.reason})" + (f": {text!r}" if text else "")


@dataclass
class Picked:
    """What picking the questions from the messages gives."""

    questions: list = field(default_factory=list)
    """:class:`bot.model.Question` values, anonymous, in the order of the files."""
    left_out: list[LeftOut] = field(default_factory=list)
