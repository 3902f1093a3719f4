"""Plain data types shared by every stage of the pipeline.

questions page --harvest--> :class:`Question` list --compile--> draft / notes
text --publish--> plan of page edits.  These types carry no behaviour beyond
conversion to and from JSON, so that each stage can be tested alone and the
command line can hand one stage's output to the next as a file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import unicodedata
from dataclasses import dataclass, field
from datetime import date as date_type, datetime, timezone
from enum import StrEnum
from typing import Any


LISTING_FIELDS: tuple[str, ...] = ("day", "date", "time", "host", "summary", "link", "notes", "blank")
"""What the bot can write in a column of the central listing (the configuration
checks its columns against these, ``bot/publish/crosslinks.py`` writes them)."""


# -- statuses: each a StrEnum, so that it compares equal to its word, is
# -- written as its word in JSON and in f-strings, and a typo is an error.

class SessionState(StrEnum):
    """Where a session is, read from the wiki on each tick (:mod:`bot.run.tick`)."""

    COLLECTING = "collecting"
    """Before the session starts: new questions are harvested into the draft."""
    AWAITING_ANSWERS = "awaiting answers"
    """The session is over; staff are writing the answers (the draft is not ``ready``)."""
    PUBLISHED = "published"
    """The draft is ``ready``: the notes are published, and again when answers are added."""
    ARCHIVED = "archived"
    """``archive_after_days`` after the session: nothing more."""


class SaveStatus(StrEnum):
    """What one save did on the wiki (:class:`bot.wiki.pages.SaveResult`)."""

    SAVED = "saved"
    CREATED = "created"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"
    REFUSED = "refused"
    FAILED = "failed"


class EditStatus(StrEnum):
    """What became of one planned edit (:class:`bot.wiki.apply.Outcome`), as the
    report's table and the status page say it."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    WOULD_CREATE = "would create"
    WOULD_UPDATE = "would update"
    DECLINED = "declined"
    """The person at the prompt said no."""
    SKIPPED = "skipped"
    """Not started: an edit it waits for was not done, the run stopped, or the person quit."""
    REFUSED = "refused"
    FAILED = "failed"

    @property
    def saved(self) -> bool:
        """Whether the wiki now has a new revision of the page."""
        return self in (EditStatus.CREATED, EditStatus.UPDATED)


class DraftProblemKind(StrEnum):
    """What :func:`bot.compile.draft.parse_draft` could not place, which
    :mod:`bot.compile.check` grades."""

    OUTSIDE_QUESTION = "outside-question"
    DUPLICATE_ID = "duplicate-id"
    EMPTY_QUESTION = "empty-question"
    ANSWER_AS_QUESTION = "answer-as-question"
    NO_STATUS_BOX = "no-status-box"
    OTHER = "other"
def comparable(text: str) -> str:
    """A question's text as duplicates are compared: case, white space and
    trailing punctuation do not count."""
    text = " ".join(unicodedata.normalize("NFC", text).casefold().split())
    end = len(text)
    while end and (text[end - 1].isspace() or unicodedata.category(text[end - 1]).startswith("P")):
        end -= 1
    return text[:end]


def text_digest(text: str) -> str:
    """Six hex digits of a question's text (as :func:`comparable`): what the
    draft's ``harvested`` list keeps of each question the bot added, so that
    one staff deleted is still known when its asker signs another in the
    same minute or signs it again (``bot/harvest/reconcile.py``)."""
    return hashlib.blake2b(comparable(text).encode(), digest_size=3).hexdigest()


def signature_key(asker: str | None, timestamp: "datetime | None") -> str:
    """Four hex digits of a question's signature (its asker and minute), '' when
    it has no signed time: the draft's ``harvested`` list keeps it, so that a
    question reworded (or deleted by staff, then reworded) is known again as
    the one post of that signature (``bot/harvest/reconcile.py``).  Too short to
    name anyone: thousands of signatures share each value."""
    if not asker or timestamp is None:
        return ""
    minute = timestamp.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M") if timestamp.tzinfo else \
        timestamp.strftime("%Y-%m-%dT%H:%M")
    return hashlib.blake2b(f"{asker}\x1f{minute}".encode(), digest_size=2).hexdigest()


@dataclass
class Question:
    """One distinct question from a questions page.

    ``id`` is stable across edits of the page around the question, typo fixes
    by its asker and moves between sections; later stages track the question
    through draft, notes and the "answered" mark by it.
    """

    id: str
    question: str
    """The question's wikitext, signature removed."""
    title: str | None = None
    """The heading of a question posted as its own section, else None."""
    asker: str | None = None
    """User name or IP of the first asker, or None when unsigned."""
    askers: list[str] = field(default_factory=list)
    """Everyone who asked it, duplicates of the question included, in page order."""
    timestamp: datetime | None = None
    """Time of the first asker's signature (UTC), or None."""
    topic: str | None = None
    """Topic after alias normalisation, or None."""
    followup_of: str | None = None
    """Id of the question this one follows up, or None."""
    comments: list[str] = field(default_factory=list)
    """Replies to the question that are not questions themselves."""
    line: int = 0
    """1-based line on the questions page where the question starts."""
    lines: list[int] = field(default_factory=list)
    """The line of every asking (a merged duplicate's too), in page order: each gets a mark."""
    signed: bool = False
    """Whether the asker signed it (an unsigned one takes asker and time from the history)."""

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["timestamp"] = iso(self.timestamp)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Question":
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"unknown question field(s): {', '.join(sorted(unknown))}")
        if "id" not in data or "question" not in data:
            raise ValueError("a question needs at least 'id' and 'question'")
        values = dict(data)
        if values.get("timestamp"):
            values["timestamp"] = parse_iso(values["timestamp"])
        return cls(**values)


@dataclass
class Problem:
    """A line of a page that a stage could not place, and why."""

    line: int
    reason: str
    text: str = ""

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def __str__(self) -> str:
        excerpt = self.text if len(self.text) <= 60 else self.text[:57] + "..."
        return f"line {self.line}: {self.reason}" + (f": {excerpt!r}" if excerpt else "")


@dataclass
class HarvestResult:
    """What harvesting a questions page gives: nothing on the page is dropped
    without becoming a question, a comment, a known non-question, a withdrawn
    question or a problem."""

    questions: list[Question] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    withdrawn: list[Question] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    """Things worth saying that are not problems (for example: followed a redirect)."""


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a trailing Z, as the MediaWiki API writes it."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


@dataclass
class Revision:
    """One revision of a page, as the history gives it."""

    revid: int
    user: str
    timestamp: datetime
    text: str = ""
    comment: str = ""
    parent: int | None = None
    """The revision before it (0: it created the page; None: not known)."""


@dataclass(frozen=True)
class PageState:
    """A page as the bot read it: what it says, and at which revision.

    The wiki package makes these; every pure stage takes them as plain data.
    """

    title: str
    exists: bool
    text: str = ""
    revid: int | None = None
    timestamp: str | None = None
    """Timestamp of the revision read (the edit's ``basetimestamp``)."""
    read_at: str = ""
    """When the page was read (the edit's ``starttimestamp``)."""
    bots_allowed: bool = True
    """Whether ``{{bots}}``/``{{nobots}}`` on the page let this bot edit it."""
    redirect_target: str | None = None
    user: str | None = None
    """Who saved the revision read."""

    @classmethod
    def missing(cls, title: str) -> "PageState":
        return cls(title=title, exists=False)


QUESTIONS_SUBPAGE = "Questions"
DRAFT_SUBPAGE = "Notes draft"
NOTES_SUBPAGE = "Notes"
"""A session's subpages, under its title (the series configuration's defaults too)."""


@dataclass
class Session:
    """One Conversation Hour and the pages that belong to it.

    Built from the series configuration (``bot/config.py``); the compile and
    publish stages take it as plain data.  Its defaults are the series
    configuration's (:class:`bot.config.SeriesConfig` reads them from here).
    """

    title: str
    """The session page, e.g. '.../Conversation Hour 2024 07 11'."""
    date: date_type
    time: str = "18:00"
    """Start time in UTC, HH:MM."""
    style: str = "conversation-hour-2024"
    host: str = "Maggie Dennis"
    host_title: str = "Vice President of Community Resilience and Sustainability"
    questions_page: str = ""
    draft_page: str = ""
    notes_page: str = ""
    """Where the notes go: the session page itself (with ``notes_section``) or a subpage."""
    notes_section: str | None = "Notes"
    """Heading of the notes section when the notes are on the session page, else None."""
    index_page: str = ""
    topics: list[str] = field(default_factory=list)
    """Topics in scope, in the order the draft and notes group questions."""
    previous: str | None = None
    next: str | None = None

    def __post_init__(self) -> None:
        self.questions_page = self.questions_page or f"{self.title}/{QUESTIONS_SUBPAGE}"
        self.draft_page = self.draft_page or f"{self.title}/{DRAFT_SUBPAGE}"
        self.notes_page = self.notes_page or (self.title if self.notes_section else f"{self.title}/{NOTES_SUBPAGE}")
