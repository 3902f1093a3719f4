"""YouTube's live chat replay, as ``chat-downloader`` saves it.

``chat_downloader URL --output chat.json`` writes a JSON array of messages;
``--output chat.jsonl`` (or a capture of its output) one message per line.
Both are read.  Each message is an object with ``message`` (the text, custom
emoji as ``:name:``, listed in ``emotes``), ``message_type``
(``text_message``, ``paid_message`` for a Super Chat, ``paid_sticker``,
``membership_item``…), ``author`` (``name``, ``id``, ``badges`` with the
channel owner's ``Owner``), ``timestamp`` (microseconds since 1970),
``time_in_seconds`` and ``time_text`` (the time into the stream).  Read
with :mod:`json`.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from bot.harvest.channels.base import ChannelError, Message

__all__ = ["looks_like_youtube", "read_youtube"]

_MESSAGES = {"text_message", "paid_message"}
_STICKERS = {"paid_sticker"}


def looks_like_youtube(items: list) -> bool:
    return any(isinstance(item, dict) and "message_type" in item and "author" in item for item in items[:20])


def parse(text: str, source: str) -> list[tuple[int, object]]:
    """(line, item) of a JSON array or of JSON lines; a bad line is an error naming it."""
    stripped = text.lstrip("\ufeff").lstrip()
    if stripped.startswith("["):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as e:
            line = e.lineno + text[:len(text) - len(stripped)].count("\n")
            raise ChannelError(f"{source}: line {line}: not valid JSON ({e.msg}); is the file complete?") from None
        if not isinstance(data, list):
            raise ChannelError(f"{source}: line 1: expected a JSON array of chat messages")
        return [(0, item) for item in data]
    items = []
    for number, line in enumerate(text.lstrip("\ufeff").split("\n"), start=1):
        if not line.strip():
            continue
        try:
            items.append((number, json.loads(line)))
        except json.JSONDecodeError as e:
            raise ChannelError(f"{source}: line {number}: not valid JSON ({e.msg}); is the file complete?") from None
    return items


def read_youtube(text: str, source: str) -> list[Message]:
    messages = []
    for index, (number, item) in enumerate(parse(text, source), start=1):
        where = f"line {number}" if number else f"message {index}"
        if not isinstance(item, dict):
            raise ChannelError(f"{source}: {where}: expected a chat message (a JSON object)")
        author = item.get("author") if isinstance(item.get("author"), dict) else {}
        name = str(author.get("name") or "")
        author_id = str(author.get("id") or "")
        badges = [str(b.get("title", "")) for b in author.get("badges", []) if isinstance(b, dict)]
        kind_in = item.get("message_type", "text_message")
        kind = "message" if kind_in in _MESSAGES else "sticker" if kind_in in _STICKERS else "service"
        body = item.get("message")
        if body is not None and not isinstance(body, str):
            raise ChannelError(f"{source}: {where}: 'message' is not a string")
        body = body or ""
        for emote in item.get("emotes", []) or []:
            if isinstance(emote, dict) and emote.get("is_custom_emoji") and isinstance(emote.get("name"), str):
                body = body.replace(emote["name"], " ")
        seconds = item.get("time_in_seconds")
        micros = item.get("timestamp")
        timestamp = None
        if isinstance(micros, (int, float)) and not isinstance(micros, bool):
            try:
                timestamp = datetime.fromtimestamp(micros / 1_000_000, tz=timezone.utc)
            except (OverflowError, OSError, ValueError):
                raise ChannelError(f"{source}: {where}: 'timestamp' {micros!r} is not a time") from None
            if not isinstance(seconds, (int, float)):
                seconds = micros / 1_000_000
        if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
            seconds = None
        time = str(micros if micros is not None else item.get("time_text") or seconds or index)
        messages.append(Message(
            channel="youtube", source=source, where=where, sender=author_id or name, time=time,
            text=" ".join(body.split()), seconds=float(seconds) if seconds is not None else None,
            timestamp=timestamp, kind=kind, names=tuple(n for n in (name, author_id) if n),
            host="Owner" in badges,
        ))
    if not messages:
        raise ChannelError(f"{source}: line 1: no chat message in the file")
    return messages
