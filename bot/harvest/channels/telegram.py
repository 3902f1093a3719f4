"""Telegram Desktop's chat export in JSON (``result.json``, "Export chat history", format JSON).

The file is one object: a chat (``name``, ``type``, ``messages``), or the
whole account's export with the chats in ``chats.list``.  Each message has
``id``, ``type`` (``message``, or ``service`` for joins, pins and the like,
with the person's name in ``actor`` and those added in ``members``),
``date`` (local time, ISO 8601) and ``date_unixtime``, ``from`` and
``from_id`` (the sender's display name and ``user123…``), ``text`` (a string,
or a list of plain strings and parts ``{"type": "bold", "text": …}``:
``mention`` for ``@handle``, ``mention_name`` for a named user, ``text_link``
with its ``href``, ``email``, ``phone``…), ``reply_to_message_id``, and
``media_type`` (``sticker``…) for media, ``forwarded_from`` (and
``forwarded_from_id``) for a forwarded message.  Read with :mod:`json`.
"""

from __future__ import annotations

from datetime import datetime, timezone

from bot.harvest.channels.base import (MAX_MESSAGE_CHARS, MAX_NAME_CHARS, ChannelError, Message, check_length,
                                       load_json, plain_text, short, timestamp_of)

__all__ = ["looks_like_telegram", "read_telegram", "text_of"]

MENTION = "another participant"


def looks_like_telegram(data: object) -> bool:
    return isinstance(data, dict) and ("messages" in data or isinstance(data.get("chats"), dict))


def load(text: str, source: str) -> object:
    return load_json(text.lstrip("\ufeff"), source)


def read_telegram(text: str, source: str) -> list[Message]:
    data = load(text, source)
    if not looks_like_telegram(data):
        raise ChannelError(f"{source}: line 1: not a Telegram export (no 'messages')")
    chats = data.get("chats", {}).get("list", []) if "messages" not in data else [data]
    if not isinstance(chats, list):
        raise ChannelError(f"{source}: 'chats' 'list' is not a list of chats")
    messages = []
    for chat in chats:
        if not isinstance(chat, dict) or not isinstance(chat.get("messages", []), list):
            raise ChannelError(f"{source}: 'messages' is not a list")
        for index, item in enumerate(chat.get("messages", []), start=1):
            messages.append(_message(item, index, source))
    if not messages:
        raise ChannelError(f"{source}: line 1: no message in the export")
    return messages


def _message(item: object, index: int, source: str) -> Message:
    if not isinstance(item, dict):
        raise ChannelError(f"{source}: message {index}: not a JSON object")
    number = item.get("id", index)
    where = f"message {number if isinstance(number, (int, str)) and len(str(number)) <= 30 else index}"
    try:
        body = check_length(plain_text(text_of(item.get("text", ""))), MAX_MESSAGE_CHARS, source, where, "a message")
    except ValueError as e:
        raise ChannelError(f"{source}: {where}: {e}") from None
    name = check_length(_text(item.get("from")) or _text(item.get("actor")), MAX_NAME_CHARS, source, where,
                        "a sender name")
    user = check_length(_scalar(item.get("from_id")) or _scalar(item.get("actor_id")), MAX_NAME_CHARS, source,
                        where, "a sender id")
    kind = "message" if item.get("type", "message") == "message" else "service"
    if kind == "message" and item.get("media_type") == "sticker" or (not body.strip() and "sticker_emoji" in item):
        kind = "sticker"
    timestamp = seconds = None
    if _scalar(item.get("date_unixtime")).isdigit():
        seconds = float(item["date_unixtime"])
        timestamp = timestamp_of(seconds, source, where, "'date_unixtime'")
    elif isinstance(item.get("date"), str):
        try:
            local = datetime.fromisoformat(item["date"])
        except ValueError:
            raise ChannelError(f"{source}: {where}: 'date' {short(item['date'])!r} is not a date") from None
        seconds = local.replace(tzinfo=local.tzinfo or timezone.utc).timestamp()
    return Message(channel="telegram", source=source, where=where, sender=user or name,
                   time=_scalar(item.get("date_unixtime")) or _scalar(item.get("date")) or where,
                   text=body, seconds=seconds, timestamp=timestamp, kind=kind,
                   names=tuple(n for n in (name, user, _text(item.get("author"))) if n),
                   others=_others(item), reply="reply_to_message_id" in item)


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _scalar(value: object) -> str:
    """A string or number field as text ('' for anything else: a list where an id belongs)."""
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""


def _others(item: dict) -> tuple[str, ...]:
    """The other people a message names in its fields: who wrote a forwarded
    (or saved) message, who added people and the people added."""
    names = []
    forwarded_id = _scalar(item.get("forwarded_from_id"))
    if not forwarded_id.startswith("channel"):  # a forwarded channel post is no person's
        names.append(_text(item.get("forwarded_from")))
    names += [_text(item.get("saved_from")), _text(item.get("inviter"))]
    members = item.get("members")
    if isinstance(members, list):
        names += [_text(m) for m in members]
    return tuple(n[:MAX_NAME_CHARS] for n in names if n)


def text_of(value: object) -> str:
    """A message's text from a string or a list of parts; mentions of people,
    e-mail addresses and phone numbers do not survive."""
    if isinstance(value, str):
        return value
    if not isinstance(value, list):
        raise ValueError("'text' is neither a string nor a list of parts")
    out = []
    for part in value:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, dict):
            kind, text = part.get("type", "plain"), part.get("text", "")
            if not isinstance(text, str):
                raise ValueError("a part of 'text' has a 'text' that is not a string")
            if kind == "mention_name":
                out.append(MENTION)
            elif kind == "email":
                out.append("(e-mail address removed)")
            elif kind == "phone":
                out.append("(phone number removed)")
            elif kind == "text_link" and isinstance(part.get("href"), str) and part["href"]:
                href = part["href"]
                if href.startswith("tg:"):
                    out.append(MENTION)  # a link to a user: their name
                elif href.startswith("mailto:"):
                    out.append("(e-mail address removed)")
                else:
                    out.append(f"[{href} {text}]")
            else:
                out.append(text)
        else:
            raise ValueError("a part of 'text' is neither a string nor an object")
    return "".join(out)
