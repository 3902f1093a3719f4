"""An IRC channel's log, in the forms the common clients and bots write.

* **irssi**: ``15:01 < nick> text`` (``<@nick>``, ``<+nick>`` with the
  nick's mode), ``15:01  * nick waves`` for an action, ``15:02 -!- nick
  [~user@host] has joined #channel`` for joins, parts, quits, nick changes
  and modes; ``--- Log opened …`` and ``--- Day changed …`` between days.
* **WeeChat**: ``2024-07-11 15:01:23<TAB>nick<TAB>text``; the middle
  field is ``-->`` (a join), ``<--`` (a part or quit), ``--`` (a notice of
  the network or a nick change), `` *`` (an action, the nick then in the text).
* **ZNC**'s log module: ``[15:01:23] <nick> text``, ``[15:01:23] * nick
  waves``, ``[15:01:23] *** Joins: nick (~user@host)`` (``Parts``,
  ``Quits``, ``nick is now known as other``, ``nick sets mode: …``).
* The plain ``[HH:MM] <nick> text`` many bouncers and web logs give.
* **MeetBot**'s logs: ``.log.txt`` (``15:00:44 <nick> text``) and
  ``.log.html`` (the same lines in HTML, read after stripping the markup);
  its commands (``#startmeeting``, ``#topic``, ``#info``…) are the
  meeting's bookkeeping, not questions.

Every line becomes one :class:`~bot.harvest.channels.base.Message`: a said
line is a ``message``, an action an ``action``, joins and the other status
lines ``service``, a notice to one person ``private``.  Every nick the log
shows (senders, people joining, both sides of a nick change, and the idents
of their addresses) goes in the messages' names, so that none reaches the
draft; a message addressed to someone (``nick: good question``) loses its
address.  Written with regular expressions: no package reads these logs,
and each line is read once.
"""

from __future__ import annotations

import html
import re

from bot.harvest.channels.base import ChannelError, Message

__all__ = ["looks_like_irc", "read_irc"]

_NICK = r"[A-Za-z\[\]\\`_^{|}][A-Za-z0-9\[\]\\`_^{|}-]*"
_MODES = "~&@%+!"
_TIME = re.compile(r"^\[?(?:(?P<date>\d{4}-\d{2}-\d{2})[ T])?(?P<time>\d{1,2}:\d{2}(?::\d{2})?)\]?(?:\s+|\t|$)")
_SAID = re.compile(rf"^<\s*[{_MODES}]?\s*(?P<nick>{_NICK})>\s?(?P<text>.*)$")
_ACTION = re.compile(rf"^\*\s+[{_MODES}]?(?P<nick>{_NICK})\s+(?P<text>.*)$")
_STATUS = re.compile(r"^(?:-!-|\*\*\*|-->|<--|--|=!=|<->|!)\s*(?P<text>.*)$")
_NOTICE = re.compile(rf"^-(?P<nick>{_NICK})(?:\([^)]*\))?-\s*(?P<text>.*)$")
_STATUS_NICKS = re.compile(
    rf"(?:(?:Joins|Parts|Quits|Kicks):\s*|^)[{_MODES}]?(?P<nick>{_NICK})(?:\s*[\[(](?P<mask>[^\])]*)[\])])?"
    rf"|is now known as\s+(?P<new>{_NICK})|(?:kicked|by)\s+(?P<other>{_NICK})"
    rf"|\[\s*[{_MODES}]?\s*(?P<listed>{_NICK})\s*\]")
_NOT_NICKS = frozenset({"has", "joins", "parts", "quits", "kicks", "mode", "topic", "irssi"})
"""Words at the start of a status line that are no one's nick."""
_HEADER = re.compile(r"^(?:---\s+(?:Log opened|Log closed|Day changed)\b|\*\*\*\*\s+(?:BEGIN|ENDING) LOGGING\b)",
                     re.IGNORECASE)
_MEETBOT = re.compile(r"^#(?:startmeeting|endmeeting|topic|info|idea|link|action|agreed|accepted|rejected|chair|"
                      r"unchair|help|undo|nick|meetingname|save|commands|lurk|unlurk|meetingtopic|restrictlogs)\b",
                      re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_ADDRESS = re.compile(rf"^\s*(?P<nick>{_NICK})\s*[:,]\s+(?=\S)")
_NOT_ADDRESSES = frozenset("""q question questions note also ps edit update re fyi context background followup
follow-up link source example eg ie so well ok okay yes no hi hello hey thanks thank sorry btw and but or
meanwhile anyway first second third finally then""".split())
"""Words people write before a colon that are no nick (``Question: …``, ``Also, …``)."""


def looks_like_irc(text: str) -> bool:
    """Whether the first lines that say something are an IRC log's."""
    is_html = _is_html(text)
    seen = 0
    for line in _lines(text):
        if is_html:
            line = _html_line(line)
        if not line.strip():
            continue
        if _HEADER.match(line.strip()) or _said_line(line) is not None:
            return True
        seen += 1
        if seen >= (20 if is_html else 3):
            break
    return False


def _is_html(text: str) -> bool:
    """A MeetBot log in HTML (its lines are read without their markup)."""
    return bool(re.search(r"<(?:html|span|pre)\b", text[:4096], re.IGNORECASE))


def read_irc(text: str, source: str) -> list[Message]:
    is_html = _is_html(text)
    parsed: list[tuple[int, str, float, str, str, str, tuple[str, ...]]] = []
    nicks: dict[str, None] = {}
    offset = 0.0
    last_seconds = None
    for number, line in enumerate(_lines(text), start=1):
        if is_html:
            line = _html_line(line)
        if not line.strip() or _HEADER.match(line.strip()):
            continue
        read = _said_line(line)
        if read is None:
            if is_html:
                continue  # the page's own markup and headings
            raise ChannelError(f"{source}: line {number}: not a line of an IRC log "
                               f"(expected a time, then '<nick> text'): {line.strip()[:60]!r}")
        clock, kind, nick, body, names = read
        seconds = _seconds(clock)
        if last_seconds is not None and seconds + offset < last_seconds - 12 * 3600:
            offset += 24 * 3600  # past midnight
        last_seconds = seconds + offset
        for name in (nick, *names):
            if name:
                nicks[name] = None
        parsed.append((number, clock, last_seconds, kind, nick, body, names))
    if not parsed:
        raise ChannelError(f"{source}: line 1: no IRC message in the file")
    everyone = tuple(nicks)
    messages = []
    for number, clock, seconds, kind, nick, body, names in parsed:
        if kind == "message" and _MEETBOT.match(body.strip()):
            kind = "service"
        if kind == "message":
            body = _without_address(body, nicks)
        messages.append(Message(channel="irc", source=source, where=f"line {number}", sender=nick, time=clock,
                                text=body, seconds=seconds, kind=kind, names=(nick,) if nick else (),
                                others=tuple(n for n in everyone if n != nick)))
    return messages


def _said_line(line: str) -> tuple[str, str, str, str, tuple[str, ...]] | None:
    """(time, kind, nick, text, other nicks) of one line, or None if it has no time."""
    time = _TIME.match(line)
    if not time:
        return None
    rest = line[time.end():]
    clock = time["time"]
    if "\t" in rest and time["date"]:  # WeeChat: prefix TAB text
        prefix, _, body = rest.partition("\t")
        prefix = prefix.strip()
        if prefix == "*":
            nick, _, body = body.partition(" ")
            return clock, "action", nick.lstrip(_MODES), body, ()
        if prefix in ("-->", "<--", "--", "=!=", "<->", ""):
            return clock, "service", "", body, _status_nicks(body)
        return clock, "message", prefix.lstrip(_MODES), body, ()
    rest = rest.rstrip("\r").strip()
    for pattern, kind in ((_SAID, "message"), (_ACTION, "action"), (_NOTICE, "private")):
        match = pattern.match(rest)
        if match:
            return clock, kind, match["nick"], match["text"], ()
    status = _STATUS.match(rest)
    body = status["text"] if status else rest
    return clock, "service", "", body, _status_nicks(body)


def _status_nicks(text: str) -> tuple[str, ...]:
    """The nicks (and idents) a join, part, quit, nick change or kick names."""
    found = []
    for match in _STATUS_NICKS.finditer(text):
        for group in ("nick", "new", "other", "listed"):
            if match[group]:
                found.append(match[group])
        if match["mask"] and "@" in match["mask"]:
            ident = match["mask"].split("@", 1)[0].lstrip("~")
            if len(ident) >= 3:
                found.append(ident)
    return tuple(n for n in found if n.casefold() not in _NOT_NICKS)


def _without_address(text: str, nicks: dict[str, None]) -> str:
    """``text`` without the nick it starts by addressing (``jdoe: good question``):
    a nick the log knows, or a word that can only be a nick (with digits,
    ``_``, ``|`` or brackets) before a colon."""
    match = _ADDRESS.match(text)
    if not match:
        return text
    nick = match["nick"]
    known = nick in nicks or nick.casefold() in {n.casefold() for n in nicks}
    nicklike = text[match.end("nick"):match.end()].strip().startswith(":") and (
        re.search(r"[\d_|\[\]\\`^{}]", nick) or nick.casefold() not in _NOT_ADDRESSES and not nick[0].isupper())
    if known or nicklike:
        return text[match.end():]
    return text


def _html_line(line: str) -> str:
    """A line of a MeetBot HTML log as its text: tags as spaces, entities decoded."""
    return " ".join(html.unescape(_TAG.sub(" ", line)).split())


def _lines(text: str) -> list[str]:
    return text.lstrip("\ufeff").replace("\r\n", "\n").split("\n")


def _seconds(clock: str) -> float:
    parts = [int(part) for part in clock.split(":")] + [0]
    return float(parts[0] * 3600 + parts[1] * 60 + parts[2])
