"""The records an earlier notesbot wrote as comments on the session page, for
tests that forge them or play an upgrade (:mod:`bot.publish.records` reads them
only from the bot's own revision)."""

from __future__ import annotations

from bot.model import Session
from bot.publish import pagetext
from bot.wikifacts import normalise_title


def announcement_record(session: Session, event: str, target: str, *, massmessage: bool = False,
                        sent: bool = True) -> str:
    """The comment that said ``event`` of ``session`` was announced on the page
    ``target`` (or, with ``massmessage``, sent to the delivery list ``target``;
    ``sent=False``: about to be sent)."""
    key = f"{event} {'massmessage ' if massmessage else ''}{normalise_title(target)}"
    return pagetext.marker("announced" if sent else "announcing", key)
