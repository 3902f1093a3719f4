"""The bot's own records of what it did once: the announcements it made.

What decides that an announcement is not made again lives where the
community cannot edit it: a ``.json`` subpage of the bot's own user page
(:data:`RECORDS_PAGE`).  MediaWiki lets only that user and interface
administrators edit another user's ``.json`` subpages (``customjsonprotected``,
whatever content model the page is given), so a record there can be neither
deleted nor forged by a community member, unlike a comment in the text of a
page anyone can edit.

The page is one JSON object::

    {"since": "2026-12-07T05:00:00Z",
     "announcements": {"<session title>": {"<event> <target>": "sent", ...}}}

``since`` is when the bot first wrote the page.  Before it, the bot kept its
records as comments on the session page (``<!-- notesbot:announced … -->``);
such a record still counts after the upgrade, so that nothing is announced
twice, but only when it is in the text of the bot's own last revision of
the session page saved before ``since`` (a comment someone added later is
not the bot's record), and only until the session has an entry here: the
first plan that relies on it copies it into the page (:func:`with_records`).

Pure functions over text; the run reads the page and the bot's own
revision (``bot/run/records.py``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Mapping

from bot import wikifacts
from bot.model import PageState, Session
from bot.publish.plan import PlanError

RECORDS_PAGE = "User:{bot}/notesbot-records.json"
"""Where the bot keeps its records (``{bot}``: its account name)."""

SENT = "sent"
SENDING = "sending"
"""A MassMessage request about to be sent: recorded before the request."""

_LEGACY = re.compile(r"<!-- notesbot:(announced|announcing) (.+?) -->")


def record_key(event: str, target: str, *, massmessage: bool = False) -> str:
    """The key of one announcement of a session: its event and where it went."""
    return f"{event} {'massmessage ' if massmessage else ''}{wikifacts.normalise_title(target)}"


def legacy_records(text: str) -> dict[str, str]:
    """The records an earlier version wrote as comments in ``text`` (a
    revision of the session page the bot saved), by key."""
    found: dict[str, str] = {}
    for kind, key in _LEGACY.findall(text):
        state = SENT if kind == "announced" else SENDING
        if found.get(key) != SENT:
            found[key] = state
    return found


def has_legacy_records(text: str) -> bool:
    return "<!-- notesbot:announc" in text


def parse(text: str, title: str) -> dict:
    """The records page's data ({} for an empty page); a page that is not
    the bot's JSON object is a :class:`PlanError` naming it."""
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as e:
        raise PlanError(f"[[{title}]] is not valid JSON ({str(e).splitlines()[0][:80]}): "
                        "the bot's records cannot be read; an operator restores its last good revision") from None
    if not isinstance(data, dict) or not isinstance(data.get("announcements", {}), dict):
        raise PlanError(f"[[{title}]] is not the bot's records (a JSON object with 'announcements')")
    return data


@dataclass(frozen=True)
class Ledger:
    """What the bot recorded about one session's announcements, as read."""

    title: str
    """The records page (:data:`RECORDS_PAGE`, the bot's name filled in)."""
    page: PageState
    """The records page as read."""
    now: str
    """The run's time (ISO, UTC): the ``since`` of a records page written first now."""
    legacy: str = ""
    """The session page's text in the bot's own last revision before ``since``
    (only read when the session has no entry on the records page)."""
    data: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    """The records page's JSON, parsed once."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "data", parse(self.page.text if self.page.exists else "", self.title))

    @property
    def since(self) -> str | None:
        since = self.data.get("since")
        return since if isinstance(since, str) else None

    def entry(self, session: Session) -> dict[str, str] | None:
        """The session's records on the page, None if it has no entry yet."""
        entry = self.data.get("announcements", {}).get(wikifacts.normalise_title(session.title))
        return {k: v for k, v in entry.items() if isinstance(v, str)} if isinstance(entry, dict) else None

    def of(self, session: Session) -> dict[str, str]:
        """The records that count for ``session``: its entry, else those the
        bot's own revision of the session page held (see the module docstring)."""
        entry = self.entry(session)
        return entry if entry is not None else legacy_records(self.legacy)

    def migrating(self, session: Session) -> bool:
        """Whether the records of ``session`` come from the session page, to be copied here."""
        return self.entry(session) is None and bool(legacy_records(self.legacy))


def with_records(text: str, exists: bool, session: Session, records: Mapping[str, str], *, now: str,
                 title: str) -> str:
    """The records page with ``records`` set for ``session`` (the others as
    they are), as the bot writes it: sorted keys, one level of indent."""
    data = parse(text if exists else "", title)
    data.setdefault("since", now)
    sessions = data.setdefault("announcements", {})
    key = wikifacts.normalise_title(session.title)
    entry = dict(sessions.get(key) or {})
    entry.update(records)
    sessions[key] = entry
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False)
