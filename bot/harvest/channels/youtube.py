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

import re

from bot.harvest.channels.base import (MAX_MESSAGE_CHARS, MAX_NAME_CHARS, ChannelError, Message, check_length,
                                       load_json, plain_text, timestamp_of)

__all__ = ["looks_like_youtube", "read_youtube"]

_MESSAGES = {"text_message", "paid_message"}
_STICKERS = {"paid_sticker"}


def looks_like_youtube(items: list) -> bool:
    return any(isinstance(item, dict) and "message_type" in item and "author" in item for item in items[:20])


def parse(text: str, source: str) -> list[tuple[int, object]]:
    """(line, item) of a JSON array or of JSON lines; a bad line is an error naming it."""
    stripped = text.lstrip("\ufeff").lstrip()
    if stripped.startswith("["):
        data = load_json(stripped, source, line=1 + text[:len(text) - len(stripped)].count("\n"))
        if not isinstance(data, list):
            raise ChannelError(f"{source}: line 1: expected a JSON array of chat messages")
        return [(0, item) for item in data]
    items = []
    for number, line in enumerate(text.lstrip("\ufeff").split("\n"), start=1):
        if not line.strip():
            continue
        items.append((number, load_json(line, source, line=number)))
    return items


def read_youtube(text: str, source: str) -> list[Message]:
    messages = []
    for index, (number, item) in enumerate(parse(text, source), start=1):
        where = f"line {number}" if number else f"message {index}"
        if not isinstance(item, dict):
            raise ChannelError(f"{source}: {where}: expected a chat message (a JSON object)")
        author = item.get("author") if isinstance(item.get("author"), dict) else {}
        name = check_length(_string(author.get("name")), MAX_NAME_CHARS, source, where, "an author name")
        author_id = check_length(_string(author.get("id")), MAX_NAME_CHARS, source, where, "an author id")
        badges = [str(b.get("title", "")) for b in _list(author.get("badges")) if isinstance(b, dict)]
        kind_in = item.get("message_type", "text_message")
        kind = "message" if kind_in in _MESSAGES else "sticker" if kind_in in _STICKERS else "service"
        body = item.get("message")
        if body is not None and not isinstance(body, str):
            raise ChannelError(f"{source}: {where}: 'message' is not a string")
        body = check_length(plain_text(body or ""), MAX_MESSAGE_CHARS, source, where, "a message")
        body = _without_emotes(body, _list(item.get("emotes")))
        seconds = item.get("time_in_seconds")
        micros = item.get("timestamp")
        timestamp = None
        if isinstance(micros, (int, float)) and not isinstance(micros, bool):
            timestamp = timestamp_of(micros / 1_000_000, source, where, "'timestamp' (microseconds)")
            if not isinstance(seconds, (int, float)):
                seconds = micros / 1_000_000
        if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
            seconds = None
        time = str(micros if isinstance(micros, (int, float)) else _string(item.get("time_text"))[:40] or seconds
                   or index)
        messages.append(Message(
            channel="youtube", source=source, where=where, sender=author_id or name, time=time,
            text=" ".join(body.split()), seconds=float(seconds) if seconds is not None else None,
            timestamp=timestamp, kind=kind, names=tuple(n for n in (name, author_id) if n),
            host="Owner" in badges,
        ))
    if not messages:
        raise ChannelError(f"{source}: line 1: no chat message in the file")
    return messages


_EMOTE = re.compile(r":[^\s:]{1,100}:")


def _without_emotes(body: str, emotes: list) -> str:
    """The text without its custom emoji (``:name:``, listed in ``emotes``), in one pass over it."""
    names = {e["name"] for e in emotes
             if isinstance(e, dict) and e.get("is_custom_emoji") and isinstance(e.get("name"), str) and e["name"]}
    if not names:
        return body
    body = _EMOTE.sub(lambda m: " " if m[0] in names else m[0], body)
    for name in sorted(n for n in names if not _EMOTE.fullmatch(n))[:20]:  # not written :name:
        body = body.replace(name, " ")
    return body


def _string(value: object) -> str:
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""


def _list(value: object) -> list:
    return value if isinstance(value, list) else []
