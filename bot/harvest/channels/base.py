"""What every channel reader gives: the messages of a saved chat or of emails, as plain data.

A reader turns one file (or a folder of emails) into :class:`Message` values
and nothing more; :mod:`bot.harvest.channels.questions` then picks the
questions from them, the same way for every channel.  A file a reader cannot
read raises :class:`ChannelError`, whose message names the file and the line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["CHANNELS", "LIVE_CHAT", "ChannelError", "LeftOut", "Message"]

CHANNELS = ("zoom", "youtube", "telegram", "irc", "email")
LIVE_CHAT = frozenset({"zoom", "youtube", "telegram", "irc"})
"""The channels that are chats during the session (the rest came by email)."""


class ChannelError(ValueError):
    """A file a reader cannot read; the message names the file and the line, for a person."""


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
