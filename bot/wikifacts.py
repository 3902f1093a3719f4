"""Facts about MediaWiki and Meta-wiki that every stage of the pipeline shares.

One home for each: the names of namespaces and their aliases, how MediaWiki
compares page and template names, the month names and the signature timestamp
format, the patterns of headings and list prefixes, and the names of the bot's
own templates.  Harvest, compile and publish all read wikitext; when they
disagree about what a name or a heading is, the bot edits twice or not at all,
so none of them spells these out itself.

Only facts live here, in the manner of mwparserfromhell's ``definitions``
module: constants and small pure functions, no I/O, nothing that imports
another module of the bot.
"""

from __future__ import annotations

import functools
import html
import re
from datetime import date
from urllib.parse import unquote

# -- the bot's own templates -------------------------------------------------------

QUESTION_TEMPLATE = "Conversation hour question"
"""The template a question can be submitted with: ``topic`` and ``question`` parameters, signed after."""

MARK_TEMPLATE = "Conversation hour answered"
"""The template the bot puts after a question once it is answered in the notes."""

NAVIGATION_TEMPLATE = "Conversation hour navigation"
"""The previous / all sessions / next box on a session page."""

DRAFT_TEMPLATE = "Conversation hour draft"
"""The status box at the top of a notes draft."""

DRAFT_STATUSES: tuple[str, ...] = ("collecting", "ready")
"""The words the status box's ``status`` takes: ``collecting`` (the bot adds
questions, staff write answers) and ``ready`` (the notes may be published)."""

DRAFT_PARAMETERS: tuple[str, ...] = ("status", "session", "harvested", "recording", "problems")
"""The status box's parameters: ``problems`` is written by the bot, the rest by staff or the bot."""

PERSON_TEMPLATES = frozenset({"Ping", "U", "Reply to", "Re", "Replyto", "Yo", "User", "Noping", "Mention",
                              "Ping-multi", "Userlinks", "User link"})
"""Templates that name or notify a user (``{{ping|Name}}``), by their :func:`template_key`."""

# -- namespaces -----------------------------------------------------------------------

TEMPLATE_NAMESPACES = frozenset({"template", "vorlage", "modèle", "szablon", "plantilla", "predefinição",
                                 "шаблон", "قالب"})
"""Names of the Template namespace (case-folded) a transclusion may be written with."""

USER_NAMESPACES = frozenset({"user", "benutzer", "benutzerin", "utilisateur", "utilisatrice",
                             "użytkownik", "użytkowniczka", "wikipedysta", "wikipedystka"})
"""Names and aliases (gendered forms too) of the User namespace, case-folded."""

USER_TALK_NAMESPACES = frozenset({"user talk", "benutzer diskussion", "benutzerin diskussion",
                                  "discussion utilisateur", "discussion utilisatrice",
                                  "dyskusja użytkownika", "dyskusja użytkowniczki",
                                  "dyskusja wikipedysty", "dyskusja wikipedystki"})
"""Names and aliases of the User talk namespace, case-folded."""

SPECIAL_NAMESPACES = frozenset({"special", "spezial", "spécial", "specjalna"})
CONTRIBUTIONS_PAGES = frozenset({"contributions", "contribs", "beiträge", "contributions", "wkład"})
"""Names of Special:Contributions (case-folded), whose subpage is a user name."""

CATEGORY_NAMESPACES = frozenset({"category", "kategorie", "catégorie", "kategoria"})
FILE_NAMESPACES = frozenset({"file", "image", "media", "datei", "bild", "fichier", "plik", "grafika"})
"""Link prefixes that embed a file (``Media:`` links to it, and is caught with them)."""

INTERWIKI_PREFIX = re.compile(r"[a-z][a-z0-9-]{0,19}")
"""A prefix such as ``m`` or ``de`` before the namespace of a link to another wiki."""

LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]+)*")
"""A language code (``de``, ``zh-yue``): as a link prefix, it makes an interlanguage link."""

# -- names ----------------------------------------------------------------------------

_INVISIBLE = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Direction marks that MediaWiki strips from titles."""


def normalise_title(title: str) -> str:
    """A page title as MediaWiki compares them: entities decoded, direction
    marks dropped, underscores as spaces, runs of space as one, trimmed, first
    letter capital (Meta-wiki's ``$wgCapitalLinks``)."""
    title = _INVISIBLE.sub("", html.unescape(title))
    title = " ".join(title.replace("_", " ").split())
    first = title[:1].upper()
    return first + title[1:] if len(first) == 1 else title


def _namespace_part(text: str) -> str:
    return " ".join(_INVISIBLE.sub("", text).replace("_", " ").split()).casefold()


def template_key(name: str) -> str:
    """A template name as MediaWiki resolves a transclusion: ``Template:`` (in
    any case, any language's name, spaces around the colon) dropped, entities
    and underscores decoded, first letter capital.

    ``{{ template : conversation_hour answered }}`` and
    ``{{Conversation hour answered}}`` give the same key.
    """
    name = html.unescape(name)
    prefix, colon, rest = name.partition(":")
    if colon and _namespace_part(prefix) in TEMPLATE_NAMESPACES:
        name = rest
    return normalise_title(name)


def same_template(a: str, b: str) -> bool:
    """Whether two template names call the same template."""
    return template_key(a) == template_key(b)


@functools.lru_cache(maxsize=32)
def template_call_pattern(name: str) -> re.Pattern[str]:
    """Where a call of template ``name`` starts, in any of the ways MediaWiki
    reads as that template: any case of the first letter and of ``Template:``,
    spaces or underscores between the words and around the colon.  (The rest
    of the name is case-sensitive on the wiki, but a look-alike in another case
    is taken for a call here: the bot then leaves it, which is the safe side.)"""
    words = r"[\s_]+".join(re.escape(w) for w in normalise_title(name).split())
    namespaces = "|".join(re.escape(n) for n in sorted(TEMPLATE_NAMESPACES))
    return re.compile(r"\{\{[\s_]*(?:(?:" + namespaces + r")[\s_]*:[\s_]*)?" + words + r"[\s_]*(?=[|}]|\Z)",
                      re.IGNORECASE)


def user_of_link(target: str) -> str | None:
    """The user a link target points at, or None if it is not a user link.

    A user link goes to a user page or user talk page (any subpage or
    section of it), or to Special:Contributions/name, possibly on another
    wiki (``m:User:X``, ``:de:Benutzer:X``).
    """
    title = target.replace("_", " ").strip().lstrip(":")
    if "%" in title:
        title = unquote(title)
    for _ in range(3):
        prefix, colon, rest = title.partition(":")
        if not colon:
            return None
        prefix = _namespace_part(prefix)
        if prefix in USER_NAMESPACES or prefix in USER_TALK_NAMESPACES:
            return rest.split("#", 1)[0].split("/", 1)[0] or None
        if prefix in SPECIAL_NAMESPACES:
            page, slash, name = rest.partition("/")
            if slash and _namespace_part(page) in CONTRIBUTIONS_PAGES:
                return name.split("#", 1)[0] or None
            return None
        if not INTERWIKI_PREFIX.fullmatch(prefix):
            return None
        title = rest.lstrip(": ")
    return None


# -- dates and signatures ------------------------------------------------------------------

MONTHS: tuple[str, ...] = ("January", "February", "March", "April", "May", "June", "July", "August",
                           "September", "October", "November", "December")
"""Meta-wiki's month names (its content language is English)."""

MONTH_NUMBERS: dict[str, int] = {
    **{name.casefold(): number for number, name in enumerate(MONTHS, start=1)},
    **{name[:3].casefold(): number for number, name in enumerate(MONTHS, start=1)},
    "sept": 9,
}
"""English month names and their usual abbreviations, case-folded, to month numbers."""

SIGNATURE_ZONE = "UTC"
"""The zone Meta-wiki's signatures are written in: ``09:14, 2 July 2024 (UTC)``."""


def human_date(day: date) -> str:
    """A date as Meta-wiki writes it in prose: ``11 July 2024``."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def signature_timestamp(moment) -> str:
    """A time as four tildes write it on Meta-wiki: ``09:14, 2 July 2024 (UTC)``."""
    return f"{moment:%H:%M}, {human_date(moment.date())} ({SIGNATURE_ZONE})"


# -- line structure -------------------------------------------------------------------------

HEADING = re.compile(r"^(={1,6})\s*(.+?)\s*\1\s*$")
"""A section heading line, ``== Text ==``: group 1 the equals signs, group 2 the text."""

LIST_PREFIX = re.compile(r"[ \t]*([*#:;]+)")
"""The list markers at the start of a line (``*``, ``*:``, ``::``, ``#``, ``;``)."""

TOP_LEVEL_LIST_PREFIXES = ("*", "#")
"""A line starting with one of these alone is a new item, not a reply."""


def heading_text(line: str) -> str | None:
    """The text of a heading line (``== Text ==``), or None for any other line."""
    match = HEADING.match(line)
    return match.group(2) if match else None


def heading_level(line: str) -> int | None:
    match = HEADING.match(line)
    return len(match.group(1)) if match else None
