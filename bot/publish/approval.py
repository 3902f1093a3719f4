"""Which revision of a draft approves the notes: only a staff revision saved
on *this* session's draft.

Anyone can edit the draft, and anyone autoconfirmed can move a page: a move
brings the page's whole history along, so last session's staff-approved
draft moved onto this session's draft title would look approved.  Two rules
keep approval with the page it was given on:

* **Nothing older than a move into this title counts.**  MediaWiki records a
  move as a *null revision* on the moved page, saved by the mover: the same
  text as its parent (the same ``sha1``), with the ``1movedto2`` message as
  its comment.  A revision whose ``sha1`` equals its parent's is therefore a
  move candidate (a protection makes one too); it is confirmed by the move
  log (``list=logevents&letype=move`` by that user at that time, whose
  ``params.target_title`` is this draft).  That revision and every older one
  were saved on another page, or before it was moved here: none approves.
  The comment is not relied on: it is in the wiki's language and the mover
  chooses part of it.
* **A box naming another session is no approval.**  The draft's status box
  names its session (``session=``); a staff revision whose box names another
  session's page is not published here.

Pure functions over the revisions as the API lists them (newest first,
``revid``, ``parentid``, ``user``, ``timestamp``, ``sha1``); the move log is
asked through the ``moved_here`` callable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.wikifacts import normalise_title


@dataclass(frozen=True)
class Approval:
    """What the draft's history says about approval."""

    revision: dict | None
    """The latest staff revision saved on this draft since it was last moved here (None: none)."""
    others: int = 0
    """Revisions since then by anyone but staff and the bot."""
    moved: bool = False
    """The history ends (going back) at a move into this title."""


def null_revisions(revisions: Sequence[dict]) -> set[int]:
    """The ids of the revisions (newest first) whose text is their parent's:
    a move's (or a protection's) null revision."""
    by_id = {r.get("revid"): r for r in revisions}
    found = set()
    for newer, older in zip(revisions, revisions[1:]):
        parent = by_id.get(newer.get("parentid"), older)
        if newer.get("sha1") and newer.get("sha1") == parent.get("sha1"):
            found.add(newer["revid"])
    return found


def approving_revision(revisions: Sequence[dict], is_staff: Callable[[str], bool], bot: str,
                       moved_here: Callable[[dict], bool]) -> Approval:
    """The latest staff revision of ``revisions`` (newest first) that was
    saved on this draft: the walk back stops at the null revision of a move
    into this title (``moved_here`` confirms a candidate from the move log)."""
    nulls = null_revisions(revisions)
    others = 0
    for revision in revisions:
        if revision.get("revid") in nulls and moved_here(revision):
            return Approval(None, others, moved=True)
        user = revision.get("user") or ""
        if is_staff(user):
            return Approval(revision, others)
        # The bot's own revisions (new questions, the status box) are not
        # published either, but are no one's edit to tell staff about.
        others += user != bot
    return Approval(None, others)


def names_other_session(box_session: str, session_title: str) -> bool:
    """Whether the draft box's ``session`` names a page other than
    ``session_title`` (an empty one names none)."""
    named = box_session.strip()
    if named.startswith("[[") and named.endswith("]]"):
        named = named[2:-2].split("|", 1)[0]
    return bool(named) and normalise_title(named) != normalise_title(session_title)
