"""Questions asked in the live chat and by email: saved chats and mails in,
:class:`bot.model.Question` values out.

* :mod:`~bot.harvest.channels.zoom`, :mod:`~bot.harvest.channels.youtube`,
  :mod:`~bot.harvest.channels.telegram`, :mod:`~bot.harvest.channels.irc`, :mod:`~bot.harvest.channels.mail`:
  one reader per channel, a file into :class:`Message` values;
* :mod:`~bot.harvest.channels.questions`: which messages are questions, made anonymous;
* :func:`read_messages` here: the channel of a file guessed from its name and
  its first bytes (or given), and the file read.

Files in, plain data out: nothing here talks to a wiki.
"""

from __future__ import annotations

from pathlib import Path

from bot.harvest.channels import irc, mail, telegram, youtube, zoom
from bot.harvest.channels.base import CHANNELS, LIVE_CHAT, ChannelError, LeftOut, Message, Picked
from bot.harvest.channels.questions import (BY_EMAIL, FROM_LIVE_CHAT, channel_note, channel_section,
                                            pick_questions, without_note)

__all__ = ["BY_EMAIL", "CHANNELS", "FROM_LIVE_CHAT", "LIVE_CHAT", "ChannelError", "LeftOut", "Message", "Picked",
           "channel_note", "channel_section", "guess_channel", "pick_questions", "read_messages", "without_note"]


def guess_channel(path: Path) -> str:
    """The channel a file comes from: a folder or ``.eml``/``.mbox`` is email; a
    JSON file is Telegram's export (one object with ``messages``) or a YouTube
    replay (messages with ``message_type`` and ``author``); a text file is a
    Zoom chat, an IRC log or a mail, by its first lines."""
    if path.is_dir():
        return "email"
    suffix = path.suffix.lower()
    if suffix in (".eml", ".mbox", ".mbx"):
        return "email"
    head = _read(path)[:65536]
    text = head.decode("utf-8", errors="replace")
    stripped = text.lstrip("\ufeff").lstrip()
    if stripped.startswith("{") or stripped.startswith("["):
        if stripped.startswith("{") and ('"messages"' in text or '"chats"' in text) and '"message_type"' not in text:
            return "telegram"
        if '"message_type"' in text or '"author"' in text:
            return "youtube"
    if zoom.looks_like_zoom(text):
        return "zoom"
    if irc.looks_like_irc(text):
        return "irc"
    if mail.looks_like_mail(head):
        return "email"
    raise ChannelError(f"{path}: cannot tell which channel this file comes from; "
                       f"say it with --channel ({'|'.join(CHANNELS)})")


def read_messages(path: Path, channel: str | None = None) -> tuple[str, list[Message]]:
    """The channel and the messages of one file (or folder of mails)."""
    if not path.exists():
        raise ChannelError(f"{path}: no such file or folder")
    channel = channel or guess_channel(path)
    if channel not in CHANNELS:
        raise ChannelError(f"--channel {channel!r}: not one of {', '.join(CHANNELS)}")
    if channel == "email":
        if path.is_dir():
            return channel, mail.read_mail_folder(path)
        if _read(path).lstrip().startswith(b"From "):
            return channel, mail.read_mbox(path)
        return channel, mail.read_mail_bytes(_read(path), str(path))
    if path.is_dir():
        raise ChannelError(f"{path}: a folder is read only as emails (--channel email)")
    text = _text(_read(path), path)
    reader = {"zoom": zoom.read_zoom, "youtube": youtube.read_youtube, "telegram": telegram.read_telegram,
              "irc": irc.read_irc}[channel]
    return channel, reader(text, str(path))


def _text(data: bytes, path: Path) -> str:
    """A chat file's text: UTF-8 (or UTF-16 with its byte-order mark, as Windows' Notepad saves it);
    a byte that is neither is refused with its line, not read as "\ufffd"."""
    encoding = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1 if encoding == "utf-8" else 1
        raise ChannelError(f"{path}: line {line}: not {encoding.upper()} text (byte 0x{data[e.start]:02x}); "
                           f"save the file as UTF-8") from None


def _read(path: Path) -> bytes:
    """The file's bytes, refused unread when it is larger than :data:`~bot.harvest.channels.base.MAX_FILE_BYTES`."""
    return mail.read_file(path)
