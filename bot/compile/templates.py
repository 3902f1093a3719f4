"""The bot's page templates, written in the wiki's own placeholder syntax.

Every page the bot writes (session page, questions page, draft, notes) and
every repeated piece of them (a question, an answer, a section) is a template:
wikitext with ``{{{name}}}`` and ``{{{name|default}}}`` placeholders, exactly
as a wiki template takes its parameters, so that staff can read and change
them without learning another language.  One set of templates per style
(``bot/templates/<style>/<name>.wiki``); any of them can be replaced by a file
in an override directory (the command line's ``--template DIR``) or by text the
caller fetched from an on-wiki page (``overrides``).

Placeholders are found by mwparserfromhell, which parses them as ``Argument``
nodes, and each is replaced by a plain text node: a value is inserted as text
and never parsed again, so a community question containing ``{{{x}}}`` stays
literal.  A placeholder with neither a value nor a default is an error naming
the placeholder and the template, never an empty hole in a published page.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from mwparserfromhell.nodes import Text

from bot import wikitext
from bot.compile.sanitize import page_effects

__all__ = ["STYLES", "TEMPLATE_NAMES", "TemplateError", "TemplateSet", "load_templates", "render"]

STYLES: tuple[str, ...] = tuple(sorted(
    folder.name for folder in (resources.files("bot") / "templates").iterdir()
    if folder.is_dir() and not folder.name.startswith((".", "_"))))
"""The shipped template sets, one folder each under ``bot/templates`` (the 2024
Conversation Hour page, ``conversation-hour-2024``, and the 2022 office hour
page, ``office-hours-2022``): a style is shipped by adding its folder."""

TEMPLATE_NAMES: tuple[str, ...] = (
    "session",     # the session page (invitation; for 2024 also the Notes section)
    "questions",   # the questions page
    "draft",       # the notes draft staff fill with answers
    "notes",       # the published notes
    "heading",     # a section heading of the draft and of the questions page
    "question",    # one question bullet, with its anchor
    "answer",      # one answer line of the notes
    "section",     # one topic section of the notes
    "unanswered",  # the notes' list of questions to be answered in writing
    "index_line",  # a session's line on the series' index page, once its notes are out
    "index_upcoming",  # a session's line on the index page before it takes place
    "index_pending",   # a session's line on the index page once it took place, until its notes are out
    "recording",       # the line of the notes that links the recording (the draft box's recording=)
    "announcement",  # the message announcing a session and its notes (bot/publish/crosslinks.py)
    "proposal",  # an answer proposed from the recording's transcript, in the draft (bot/compile/proposals.py)
)


class TemplateError(ValueError):
    """A template that cannot be used: unknown style or name, or a placeholder without value."""


@dataclass(frozen=True)
class TemplateSet(Mapping[str, str]):
    """The templates of one style, name → wikitext, after overrides."""

    style: str
    texts: Mapping[str, str]
    sources: Mapping[str, str]
    """Name → where the text came from (a file, or ``override``), for error messages."""

    def __getitem__(self, name: str) -> str:
        return self.texts[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.texts)

    def __len__(self) -> int:
        return len(self.texts)

    def render(self, name: str, values: Mapping[str, str]) -> str:
        """The template ``name`` with its placeholders filled from ``values``."""
        if name not in self.texts:
            raise TemplateError(f"style {self.style!r} has no template {name!r}")
        return render(self.texts[name], values, name=f"{name!r} ({self.sources[name]})")

    def placeholders(self, name: str) -> set[str]:
        """The placeholder names template ``name`` uses."""
        code = wikitext.parse(self.texts[name])
        return {str(argument.name).strip() for argument in code.filter_arguments(recursive=True)}


def render(text: str, values: Mapping[str, str], name: str = "template") -> str:
    """Fill the ``{{{placeholders}}}`` of ``text`` from ``values``.

    A placeholder without a value takes its default, whose own placeholders are
    filled in turn; one without a value or default raises :class:`TemplateError`.
    """
    code = wikitext.parse(text)
    while arguments := code.filter_arguments(recursive=True):
        # Outermost first: a filled placeholder takes its default (and any
        # placeholders inside it) away with it.
        argument = arguments[0]
        key = str(argument.name).strip()
        if key in values:
            code.replace(argument, Text(values[key]))
        elif argument.default is not None:
            code.replace(argument, argument.default)
        else:
            raise TemplateError(f"placeholder {{{{{{{key}}}}}}} in template {name} has no value and no default")
    return str(code)


def load_templates(style: str, override_dir: Path | None = None,
                   overrides: Mapping[str, str] | None = None) -> TemplateSet:
    """The templates of ``style``: shipped files, then ``override_dir``'s
    ``<name>.wiki`` files, then ``overrides`` (name → wikitext), later ones winning."""
    if style not in STYLES:
        raise TemplateError(f"unknown style {style!r} (known: {', '.join(STYLES)})")
    shipped = resources.files("bot") / "templates" / style
    texts: dict[str, str] = {}
    sources: dict[str, str] = {}
    for name in TEMPLATE_NAMES:
        texts[name] = _clean(shipped.joinpath(f"{name}.wiki").read_text(encoding="utf-8"))
        sources[name] = f"bot/templates/{style}/{name}.wiki"
    if override_dir is not None:
        if not override_dir.is_dir():
            raise TemplateError(f"template directory {override_dir} does not exist")
        for path in sorted(override_dir.glob("*.wiki")):
            _check_name(path.stem, str(path))
            texts[path.stem] = _clean(path.read_text(encoding="utf-8"))
            sources[path.stem] = str(path)
    for name, text in (overrides or {}).items():
        _check_name(name, "overrides")
        added = sorted(page_effects(text) - page_effects(texts[name]))
        if added:
            raise TemplateError(f"template {name!r} from the wiki has page-level effects the shipped one does not "
                                f"({'; '.join(added)}): not used")
        texts[name] = _clean(text)
        sources[name] = "override"
    return TemplateSet(style, texts, sources)


def _check_name(name: str, where: str) -> None:
    if name not in TEMPLATE_NAMES:
        raise TemplateError(f"{where}: unknown template {name!r} (known: {', '.join(TEMPLATE_NAMES)})")


def _clean(text: str) -> str:
    """Unix line ends, no trailing newline: a file's last newline is not part of
    the template (a wiki page never has one either)."""
    return text.replace("\r\n", "\n").rstrip("\n")
