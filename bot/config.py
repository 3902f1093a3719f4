"""The bot's configuration: one typed object, validated once.

It is merged from two places: a local JSON file (``notesbot.json``, or the
file named by ``--config`` / ``NOTESBOT_CONFIG``) and the bot's on-wiki JSON
page (``User:<bot>/notesbot.json``), which MediaWiki lets only the bot's own
account and interface administrators edit.  The on-wiki page wins key by key,
so staff can change a series without a release; it is read from no other
page, because every other page is openly editable.

Validation is strict: an unknown key or a value of the wrong type is rejected
with the key's full path named (``series[0].style``), and the command stops
before any edit (exit code 2).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import types
import typing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bot import wikifacts
from bot.environment import Environment
from bot.errors import ConfigError
from bot.model import LISTING_FIELDS as FIELDS, Session

__all__ = ["Announcements", "Categories", "CentralListing", "Config", "ConfigError", "RunOptions", "SeriesConfig", "load", "from_dict", "merge"]

#: Requests an edit in progress may still make past the run's deadline: the
#: check before the write, the write, and a look after a failed write.
REQUESTS_PER_EDIT = 3


def worst_request_seconds(max_retries: int, retry_wait: float, retry_max: float, connect_timeout: float,
                          read_timeout: float) -> float:
    """The longest one request can take through pywikibot: every attempt timing
    out (connecting and reading), with pywikibot's waits between them
    (``retry_wait`` doubled each time, at most ``retry_max``; its ``maxlag``
    wait is capped by ``retry_max`` too)."""
    waits = sum(min(retry_wait * 2 ** k, retry_max) for k in range(max_retries))
    return (max_retries + 1) * (connect_timeout + read_timeout) + waits


CRS = "Wikimedia Foundation/Legal/Community Resilience and Sustainability"


@dataclass(frozen=True)
class CentralListing:
    """Meta's central office-hours listing: the page, the section over the
    table of upcoming sessions, and the section over the past sessions (a
    table or a bulleted list)."""

    page: str = "IRC office hours"
    upcoming_section: str = "Upcoming office hours"
    past_section: str = "Past office hours"
    columns: dict[str, str] = field(default_factory=dict)
    """Header text of a column (any case) → what the bot writes in it: ``day``,
    ``date``, ``time``, ``host``, ``summary``, ``link``, ``notes`` or ``blank``;
    for headers the bot does not know by itself (see ``bot/publish/crosslinks.py``)."""


@dataclass(frozen=True)
class Categories:
    """Categories each page of a session carries (full titles, ``Category:…``)."""

    session: tuple[str, ...] = ("Category:CR&S meetings",)
    questions: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Announcements:
    """Where a session is announced when it is created and when its notes are out."""

    pages: tuple[str, ...] = ()
    """Pages (a talk page, say) that get the announcement as a new section."""
    delivery_list: str | None = None
    """A MassMessage delivery list used instead of ``pages`` when the wiki has MassMessage."""


@dataclass(frozen=True)
class SeriesConfig:
    """One series of sessions (the CR&S Conversation Hours by default)."""

    name: str = "crs"
    style: str = "conversation-hour-2024"
    session_title: str = CRS + "/Conversation Hour {date:%Y %m %d}"
    """Title of a session page; ``{date}`` is the session's date."""
    index_page: str = CRS + "/Conversation Hour"
    questions_subpage: str = "Questions"
    draft_subpage: str = "Notes draft"
    notes_subpage: str | None = None
    """None: the notes go in the session page's ``notes_section``; else a subpage."""
    notes_section: str = "Notes"
    host: str = "Maggie Dennis"
    host_title: str = "Vice President of Community Resilience and Sustainability"
    time: str = "18:00"
    topics: tuple[str, ...] = ("Trust and Safety", "Universal Code of Conduct", "Committee Support",
                               "Human Rights", "Movement Charter")
    topic_aliases: dict[str, str] = field(default_factory=dict)
    """Extra aliases over the harvest defaults, heading → topic."""
    allowed_prefixes: tuple[str, ...] = (CRS + "/Conversation Hour",)
    """The bot writes only to titles that start with one of these."""
    templates: dict[str, str] = field(default_factory=dict)
    """Template name (``notes``, ``draft``…) → on-wiki page that replaces the shipped file."""
    translate: bool = False
    unanswered_heading: str = "To be answered in writing"
    archive_after_days: int = 60
    navigation_template: str = wikifacts.NAVIGATION_TEMPLATE
    mark_template: str = wikifacts.MARK_TEMPLATE
    sessions: tuple[str, ...] = ()
    """Dates (YYYY-MM-DD) of sessions to watch besides those found on the index page."""
    chat_hosts: tuple[str, ...] = ()
    """Names (or e-mail addresses) whose messages in the live chat or by email are the
    hosts', not questions (``notesbot import``); the series' ``host`` always is."""
    unsigned_templates: tuple[str, ...] = ()
    """The questions page's "unsigned" templates besides the wiki's own (bot/data/unsigned.json):
    ``Name`` (its user, then its date), ``Name|USER|DATE`` (the parameters that hold them), or
    ``lang:CODE`` (a language's entry of the data file: ``lang:de`` for askers from de.wikipedia)."""
    staff: tuple[str, ...] = ()
    """Who decides what is published: account names, or ``group:NAME`` for a
    user group (a user name cannot hold a colon).  Only a draft revision saved
    by one of them is published, and only sessions they (or the bot) listed
    are acted on.  Empty: nothing is published."""
    speakers: tuple[str, ...] = ()
    """Staff who answer besides the host: a ``* Name: text`` line under a question in
    the draft is their answer, not a new question."""

    speaker_aliases: dict[str, str] = field(default_factory=dict)
    """Other names a speaker answers under (alias → the host's or a speaker's name,
    ``{"MDennis": "Maggie Dennis"}``): one person with each of them."""

    @property
    def all_speakers(self) -> tuple[str, ...]:
        """The host and the configured speakers: who may answer as ``* Name: text``;
        each with its aliases after ``|`` (``Maggie Dennis|MDennis``), as
        :func:`bot.compile.draft.parse_draft` reads them."""
        people = [self.host, *self.speakers]
        out = []
        for name in people:
            aliases = [alias for alias, whose in self.speaker_aliases.items()
                       if " ".join(whose.split()).casefold() == " ".join(name.split()).casefold()]
            out.append("|".join([name, *aliases]))
        return tuple(out)
    duration_minutes: int = 60
    """How long a session lasts (its end in the calendar feed and the central listing)."""
    allowed_titles: tuple[str, ...] = ()
    """Titles outside ``allowed_prefixes`` the bot may write to, each by its full name
    (the central listing, an announcement page)."""
    central_listing: CentralListing | None = None
    """The central office-hours listing; off until configured."""
    categories: Categories = Categories()
    announcements: Announcements = Announcements()

    def session_title_for(self, day: date) -> str:
        return self.session_title.format(date=day)

    def session_date(self, title: str) -> date | None:
        """The date of a session page title made from ``session_title``, else None."""
        pattern = re.escape(self.session_title).replace(re.escape("{date:%Y %m %d}"),
                                                         r"(\d{4}) (\d{2}) (\d{2})")
        pattern = pattern.replace(re.escape("{date:%Y-%m-%d}"), r"(\d{4})-(\d{2})-(\d{2})")
        m = re.fullmatch(pattern, title.replace("_", " ").strip(), re.ASCII)
        if not m:
            return None
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None

    def session(self, day: date, previous: str | None = None, next: str | None = None) -> Session:
        title = self.session_title_for(day)
        return Session(
            title=title, date=day, time=self.time, style=self.style, host=self.host,
            host_title=self.host_title,
            questions_page=f"{title}/{self.questions_subpage}",
            draft_page=f"{title}/{self.draft_subpage}",
            notes_page=f"{title}/{self.notes_subpage}" if self.notes_subpage else title,
            notes_section=None if self.notes_subpage else self.notes_section,
            index_page=self.index_page, topics=list(self.topics), previous=previous, next=next,
        )

    def allows(self, title: str) -> bool:
        """Whether the bot may write to ``title`` (it starts with an allowed prefix)."""
        title = title.replace("_", " ").strip()
        if any(_same_title(title, allowed) for allowed in self.allowed_titles):
            return True
        return any(title.startswith(prefix) for prefix in self.allowed_prefixes)


def _same_title(a: str, b: str) -> bool:
    """MediaWiki's comparison of two titles (first letter, underscores, spaces)."""
    from bot.wikifacts import normalise_title

    return normalise_title(a) == normalise_title(b.replace("_", " ").strip())


@dataclass(frozen=True)
class Config:
    """Everything the bot can be told, with the defaults for Meta-wiki."""

    series: tuple[SeriesConfig, ...] = (SeriesConfig(),)
    shutoff_page: str = "User:{bot}/Run"
    shutoff_word: str = "yes"
    onwiki_config: str = "User:{bot}/notesbot.json"
    schedule: str = "7,37 * * * *"
    """Cron expression for ``notesbot schedule`` (minute hour day month weekday, UTC)."""
    max_conflict_retries: int = 5
    status_page: str = "User:{bot}/Status"
    log_file_max_bytes: int = 5 * 1024 * 1024
    """The log file (``NOTESBOT_LOG_FILE``) is rotated when it would grow past this
    many bytes: ``notesbot.log`` becomes ``notesbot.log.1``, and so on (a local setting)."""
    log_file_backups: int = 5
    """How many rotated log files are kept besides the current one (a local setting)."""
    lock_file: str | None = None
    lock_wait: int = 30
    """Seconds a writing command waits for another run to finish before giving up."""
    run_budget_seconds: int = 1200
    """Every run ends within this many seconds, its worst case included (Toolforge
    stops the job at 1,500: ``toolforge/jobs.yaml``).  Past ``run_budget_seconds -
    3 x`` the worst request, no new request starts: the bot stops between two
    edits, lists those it did not start, exits 1, and the next run does them."""
    max_retries: int = 3
    """pywikibot's retries of one request, at most (its ``max_retries``, lowered to this)."""
    retry_wait_seconds: int = 5
    """pywikibot's first wait before a retry, at most (``retry_wait``; doubled each retry)."""
    retry_max_seconds: int = 20
    """pywikibot's longest wait before a retry, at most (``retry_max``; also caps a ``maxlag`` wait)."""
    request_timeout_seconds: int = 30
    """pywikibot's socket timeouts (connect, read), at most (``socket_timeout``)."""

    @property
    def worst_request_seconds(self) -> float:
        """The longest one request can take with these limits."""
        return worst_request_seconds(self.max_retries, self.retry_wait_seconds, self.retry_max_seconds,
                                     self.request_timeout_seconds, self.request_timeout_seconds)

    operators: tuple[str, ...] = ("group:interface-admin",)
    """Who, besides the staff of any series and the bot itself, may set the
    shutoff page to the word (accounts, or ``group:NAME``).  Anyone may stop it."""

    def shutoff_editors(self) -> tuple[str, ...]:
        """Accounts and groups whose last edit of the shutoff page lets the bot run."""
        return tuple(dict.fromkeys([*self.operators, *(name for s in self.series for name in s.staff)]))

    def series_named(self, name: str) -> SeriesConfig:
        for s in self.series:
            if s.name == name:
                return s
        raise ConfigError(f"no series named {name!r} (known: {', '.join(s.name for s in self.series)})")


@dataclass(frozen=True)
class RunOptions:
    """What the command line says about a run, besides the command's own arguments."""

    config_file: Path | None = None
    """``--config``: the local configuration file (else ``$NOTESBOT_CONFIG``, else ``./notesbot.json``)."""
    series: str | None = None
    """``--series``: the series to work on (default: the first)."""
    pywikibot_args: tuple[str, ...] = ()
    """pywikibot's global options (``-simulate``, ``-site:``, ``-dir:``…), for ``pywikibot.handle_args``."""
    always: bool = False
    """``-always``: do not ask before saving."""


trusted = wikifacts.listed_user


LOCAL_ONLY = ("lock_file", "log_file_max_bytes", "log_file_backups", "onwiki_config")
"""Keys the on-wiki page may not set: paths on the bot's machine (and where
the on-wiki page itself is).  Whoever can edit a wiki page must not choose
which local file the bot opens or writes."""


# -- loading and validation ------------------------------------------------

def _check(value: Any, hint: Any, path: str) -> Any:
    """Return ``value`` converted to ``hint``'s type, or raise naming ``path``."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _check(value, inner[0], path)
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{path}: expected true or false, got {json.dumps(value)}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{path}: expected a whole number, got {json.dumps(value)}")
        return value
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{path}: expected a string, got {json.dumps(value)}")
        return value
    if origin is tuple:
        if not isinstance(value, list):
            raise ConfigError(f"{path}: expected a list, got {json.dumps(value)[:60]}")
        return tuple(_check(v, args[0], f"{path}[{i}]") for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{path}: expected an object, got {json.dumps(value)[:60]}")
        return {_check(k, str, f"{path} key"): _check(v, args[1], f"{path}.{k}") for k, v in value.items()}
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, path)
    raise ConfigError(f"{path}: unsupported type")  # pragma: no cover - a programming error


def _build(cls: type, data: Any, path: str) -> Any:
    if not isinstance(data, dict):
        raise ConfigError(f"{path or 'configuration'}: expected an object, got {json.dumps(data)[:60]}")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    for key in data:
        if key not in names:
            where = f"{path}.{key}" if path else key
            raise ConfigError(f"{where}: unknown key")
    values = {}
    for key, value in data.items():
        values[key] = _check(value, hints[key], f"{path}.{key}" if path else key)
    return cls(**values)


def _validate(config: Config) -> Config:
    from bot.compile.templates import STYLES  # the shipped template sets

    names = [s.name for s in config.series]
    if len(set(names)) != len(names):
        raise ConfigError("series: two series have the same name")
    if not config.series:
        raise ConfigError("series: at least one series is needed")
    for i, s in enumerate(config.series):
        if s.style not in STYLES:
            raise ConfigError(f"series[{i}].style: unknown style {s.style!r} (known: {', '.join(STYLES)})")
        if "{date" not in s.session_title:
            raise ConfigError(f"series[{i}].session_title: needs a {{date:%Y %m %d}} placeholder")
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", s.time, re.ASCII):
            raise ConfigError(f"series[{i}].time: expected HH:MM in UTC (00:00 to 23:59), got {s.time!r}")
        try:
            sample = s.session_title.format(date=date(2024, 7, 11))
        except (ValueError, KeyError, IndexError, AttributeError) as e:
            raise ConfigError(f"series[{i}].session_title: {s.session_title!r} is not a title pattern with "
                              f"only {{date:%Y %m %d}} in it ({type(e).__name__}: {e})") from None
        for key in ("navigation_template", "mark_template", "questions_subpage", "draft_subpage",
                    "notes_section", "unanswered_heading"):
            if not getattr(s, key).strip():
                raise ConfigError(f"series[{i}].{key}: must not be empty")
        titles = {"session_title": sample, "index_page": s.index_page,
                  "navigation_template": "Template:" + s.navigation_template,
                  "mark_template": "Template:" + s.mark_template,
                  "questions_subpage": sample + "/" + s.questions_subpage,
                  "draft_subpage": sample + "/" + s.draft_subpage}
        if s.notes_subpage:
            titles["notes_subpage"] = sample + "/" + s.notes_subpage
        titles.update({f"allowed_prefixes[{j}]": p for j, p in enumerate(s.allowed_prefixes)})
        titles.update({f"templates.{k}": v for k, v in s.templates.items()})
        for key, title in titles.items():
            _check_title(title, f"series[{i}].{key}")
        if s.style == "office-hours-2022" and not s.notes_subpage:
            raise ConfigError(f"series[{i}].notes_subpage: style office-hours-2022 publishes the notes "
                              "on a page of their own: name it (e.g. \"Notes\")")
        if not s.allowed_prefixes:
            raise ConfigError(f"series[{i}].allowed_prefixes: at least one prefix is needed")
        for day in s.sessions:
            try:
                date.fromisoformat(day)
            except ValueError:
                raise ConfigError(f"series[{i}].sessions: {day!r} is not a date YYYY-MM-DD") from None
        for j, spec in enumerate(s.unsigned_templates):
            if (problem := wikifacts.unsigned_spec_problem(spec)) is not None:
                raise ConfigError(f"series[{i}].unsigned_templates[{j}]: {problem}")
        for j, prefix in enumerate(s.allowed_prefixes):
            if len(prefix.strip()) < 3:
                raise ConfigError(f"series[{i}].allowed_prefixes[{j}]: too short to be safe")
        people = {" ".join(name.split()).casefold() for name in (s.host, *s.speakers)}
        for j, name in enumerate((s.host, *s.speakers)):
            if "|" in name:
                raise ConfigError(f"series[{i}].{'host' if j == 0 else f'speakers[{j - 1}]'}: {name!r} has a '|'")
        for alias, whose in s.speaker_aliases.items():
            if not alias.strip() or "|" in alias:
                raise ConfigError(f"series[{i}].speaker_aliases: {alias!r} is not a name")
            if " ".join(whose.split()).casefold() not in people:
                raise ConfigError(f"series[{i}].speaker_aliases[{alias!r}]: {whose!r} is neither the host "
                                  "nor one of the speakers")
        for j, name in enumerate(s.staff):
            if not name.strip() or (not name.startswith("group:") and re.search(r"[:#<>\[\]|{}/@]", name)):
                raise ConfigError(f"series[{i}].staff[{j}]: {name!r} is neither an account name "
                                  "nor group:NAME")
        if s.archive_after_days < 0:
            raise ConfigError(f"series[{i}].archive_after_days: must not be negative")
        _validate_crosslinks(s, f"series[{i}]")
    for key in ("shutoff_page", "onwiki_config", "status_page"):
        _check_title(getattr(config, key).replace("{bot}", "NotesBot"), key)
    if not 0 <= config.max_conflict_retries <= 20:
        raise ConfigError("max_conflict_retries: expected 0 to 20")
    for key, low, high in (("max_retries", 0, 15), ("retry_wait_seconds", 0, 120), ("retry_max_seconds", 0, 600),
                           ("request_timeout_seconds", 1, 300), ("run_budget_seconds", 10, 86400),
                           ("lock_wait", 0, 3600), ("log_file_max_bytes", 1024, 1 << 30),
                           ("log_file_backups", 1, 100)):
        if not low <= getattr(config, key) <= high:
            raise ConfigError(f"{key}: expected {low} to {high}, got {getattr(config, key)}")
    needed = (REQUESTS_PER_EDIT + 1) * config.worst_request_seconds
    if config.run_budget_seconds < needed:
        raise ConfigError(f"run_budget_seconds: {config.run_budget_seconds} leaves no time for an edit: with "
                          f"max_retries, retry_wait_seconds, retry_max_seconds and request_timeout_seconds as "
                          f"set, one request may take {config.worst_request_seconds:.0f} s; it needs at least "
                          f"{needed:.0f} (or lower those)")
    return config


#: Interwiki and interlanguage prefixes a title could start with on Meta-wiki
#: (its interwiki map is long: any ``word:`` not a namespace is refused below).
_NAMESPACES = {"", "talk", "user", "user talk", "meta", "meta talk", "file", "file talk", "mediawiki",
               "mediawiki talk", "template", "template talk", "help", "help talk", "category", "category talk",
               "project", "project talk", "module", "module talk", "translations", "translations talk",
               "research", "research talk", "grants", "grants talk", "iberocoop", "iberocoop talk"}


def _check_title(title: str, key: str) -> None:
    """A title the bot may read or write: no path tricks (``/../``, ``%2E%2E``,
    percent-escapes at all), no character MediaWiki refuses, and no prefix that
    is not one of Meta-wiki's namespaces (``mw:``, ``en:``, ``w:``… would lead
    the bot to another wiki)."""
    import urllib.parse

    bad = re.search(r"[\[\]{}|#<>\x00-\x1f\x7f]|%[0-9A-Fa-f]{2}", title)
    if bad:
        raise ConfigError(f"{key}: {title!r} holds {bad.group()!r}, which a title may not hold")
    decoded = urllib.parse.unquote(title)
    parts = [p.strip() for p in decoded.replace("_", " ").split("/")]
    if any(p in (".", "..") for p in parts) or decoded.startswith(("./", "../")):
        raise ConfigError(f"{key}: {title!r} holds a relative path (. or ..)")
    if not title.strip():
        raise ConfigError(f"{key}: must not be empty")
    head = title.replace("_", " ").lstrip().lstrip(":")
    if ":" in head:
        prefix = " ".join(head.split(":", 1)[0].split()).casefold()
        if prefix not in _NAMESPACES:
            raise ConfigError(f"{key}: {title!r} starts with {prefix + ':'!r}, not a namespace of this wiki "
                              "(an interwiki prefix would lead the bot to another wiki)")


def _validate_crosslinks(s: SeriesConfig, where: str) -> None:
    """The cross-links' pages must be writable: under the prefixes or named in
    ``allowed_titles``; the central listing's columns must be known ones."""
    if not 1 <= s.duration_minutes <= 24 * 60:
        raise ConfigError(f"{where}.duration_minutes: expected 1 to 1440")
    for j, title in enumerate(s.allowed_titles):
        _check_title(title, f"{where}.allowed_titles[{j}]")
    if s.central_listing is not None:
        _check_title(s.central_listing.page, f"{where}.central_listing.page")
    for j, page in enumerate(s.announcements.pages):
        _check_title(page, f"{where}.announcements.pages[{j}]")
    if s.announcements.delivery_list is not None:
        _check_title(s.announcements.delivery_list, f"{where}.announcements.delivery_list")
    outside = "is outside allowed_prefixes: list it by name in allowed_titles"
    if s.central_listing is not None:
        c = s.central_listing
        if not s.allows(c.page):
            raise ConfigError(f"{where}.central_listing.page: {c.page!r} {outside}")
        for name, value in (("upcoming_section", c.upcoming_section), ("past_section", c.past_section)):
            if not value.strip():
                raise ConfigError(f"{where}.central_listing.{name}: needs a section heading")
        for header, kind in c.columns.items():
            if kind not in FIELDS:
                raise ConfigError(f"{where}.central_listing.columns.{header}: unknown column kind {kind!r} "
                                  f"(known: {', '.join(FIELDS)})")
    for name in ("session", "questions", "notes"):
        for j, category in enumerate(getattr(s.categories, name)):
            if not category.lower().startswith("category:") or len(category) <= len("category:"):
                raise ConfigError(f"{where}.categories.{name}[{j}]: {category!r} is not a Category:… title")
    for j, page in enumerate(s.announcements.pages):
        if not s.allows(page):
            raise ConfigError(f"{where}.announcements.pages[{j}]: {page!r} {outside}")


def from_dict(data: dict[str, Any]) -> Config:
    return _validate(_build(Config, data, ""))


def merge(local: dict[str, Any], onwiki: dict[str, Any]) -> dict[str, Any]:
    """The on-wiki page over the local file, key by key; a series is matched by name."""
    merged = dict(local)
    for key in onwiki:
        if key in LOCAL_ONLY:
            raise ConfigError(f"{key}: a local setting (a path on the bot's machine); "
                              "set it in the local configuration file, not on the wiki")
    for key, value in onwiki.items():
        if key == "series" and isinstance(value, list) and isinstance(local.get("series"), list):
            by_name = {s.get("name", SeriesConfig.name): dict(s) for s in local["series"] if isinstance(s, dict)}
            out = []
            for s in value:
                if isinstance(s, dict):
                    base = by_name.pop(s.get("name", SeriesConfig.name), {})
                    out.append({**base, **s})
                else:
                    out.append(s)
            merged["series"] = out + list(by_name.values())
        else:
            merged[key] = value
    return merged


def parse_json(text: str, source: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ConfigError(f"{source}: not valid JSON (line {e.lineno}: {e.msg})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a JSON object at the top")
    return data


def local_path(explicit: str | os.PathLike | None = None, environment: Environment | None = None) -> Path | None:
    if explicit:
        return Path(explicit)
    if environment is not None and environment.config_file:
        return environment.config_file
    default = Path("notesbot.json")
    return default if default.exists() else None


def load_local(explicit: str | os.PathLike | None = None, environment: Environment | None = None) -> dict[str, Any]:
    path = local_path(explicit, environment)
    if path is None:
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"{path}: cannot read ({e.strerror})") from None
    return parse_json(text, str(path))


def load(explicit: str | os.PathLike | None = None, onwiki_text: str | None = None,
         onwiki_title: str = "on-wiki config", *, environment: Environment | None = None) -> Config:
    """Validate the local file merged with the on-wiki page's text (if any)."""
    local = load_local(explicit, environment)
    try:
        config = from_dict(local)
    except ConfigError as e:
        raise ConfigError(f"{local_path(explicit, environment)}: {e}") from None
    if not onwiki_text or not onwiki_text.strip():
        return config
    onwiki = parse_json(onwiki_text, onwiki_title)
    try:
        return from_dict(merge(local, onwiki))
    except ConfigError as e:
        raise ConfigError(f"{onwiki_title}: {e}") from None
