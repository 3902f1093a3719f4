"""The wikis' own "unsigned" templates: what bot/data/unsigned.json says of each language
(its templates and their parameters, the text they leave once substituted, the date formats
people write in them, the zone of a date written without one), and a configuration's own.

Facts only, as the rest of :mod:`bot.wikifacts`; the functions of the package it needs
(:func:`bot.wikifacts.template_key`, :func:`bot.wikifacts.facts_for`) are imported when
called, since the package imports this module.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.wikifacts import LanguageFacts


def template_key(name: str) -> str:
    from bot.wikifacts import template_key as key
    return key(name)


def facts_for(code: str) -> "LanguageFacts":
    from bot.wikifacts import facts_for as facts
    return facts(code)


@dataclass(frozen=True)
class UnsignedTemplate:
    """A wiki's template that signs a comment for its author after the fact (``{{unsigned|Ex|date}}``):
    its name and the parameters, by name or position, that hold the user, the date and, for a
    template that takes it apart from the date, the date's zone (bg's ``{{неподписано|U|D|oldid|TZ}}``)."""

    name: str
    user: tuple[str, ...] = ("1",)
    date: tuple[str, ...] = ("2",)
    zone: tuple[str, ...] = ()

    @classmethod
    def written(cls, spec: str) -> "UnsignedTemplate":
        """A template as a configuration writes it: ``Name`` (the user first, then the date) or
        ``Name|USER|DATE``, the parameters holding the user and the date (``Unsigned2|2|1``)."""
        name, *slots = [part.strip() for part in spec.split("|")]
        if not name or len(slots) not in (0, 2) or not all(slots):
            raise ValueError(f"an unsigned template is written Name or Name|USER|DATE, not {spec!r}")
        return cls(name, (slots[0],), (slots[1],)) if slots else cls(name)


@functools.lru_cache(maxsize=1)
def _unsigned_data() -> dict[str, dict]:
    """bot/data/unsigned.json: each language's unsigned templates, substituted texts, date formats, zone."""
    text = resources.files("bot").joinpath("data/unsigned.json").read_text(encoding="utf-8")
    return json.loads(text)["languages"]


def _unsigned_facts(code: str) -> dict:
    """The unsigned-template facts of language ``code`` and English's (Meta-wiki's own, used everywhere)."""
    data = _unsigned_data()
    own, english = data.get(code.split("-")[0], {}), data["en"]
    templates: dict[str, UnsignedTemplate] = {}
    for source in (own, english):
        for entry in source.get("templates", []):
            templates.setdefault(template_key(entry["name"]),
                                 UnsignedTemplate(entry["name"], tuple(entry["user"]), tuple(entry["date"]),
                                                  tuple(entry.get("zone", ()))))
    return dict(
        unsigned_templates=tuple(templates.values()),
        unsigned_texts=tuple(dict.fromkeys([*own.get("substituted", []), *english["substituted"]])),
        unsigned_date_formats=tuple(dict.fromkeys([*own.get("date_formats", []), *english["date_formats"]])),
        home_zone=own.get("zone"),
    )


UNSIGNED_LANGUAGE = "lang:"
"""In a configuration's unsigned templates, ``lang:CODE`` selects a language's whole entry of
bot/data/unsigned.json (its templates, substituted texts and date formats)."""


def unsigned_spec_problem(spec: str) -> str | None:
    """Why a configuration's unsigned-template entry cannot be read, or None."""
    if spec.startswith(UNSIGNED_LANGUAGE):
        code = spec[len(UNSIGNED_LANGUAGE):].strip()
        return None if code in _unsigned_data() else (
            f"{spec!r}: no such language in bot/data/unsigned.json (known: {', '.join(sorted(_unsigned_data()))})")
    try:
        UnsignedTemplate.written(spec)
    except ValueError as error:
        return str(error)
    return None


def with_unsigned_templates(facts: "LanguageFacts", specs) -> "LanguageFacts":
    """``facts`` with more unsigned templates (a series' configuration, a wiki's redirects read online),
    each a :class:`UnsignedTemplate`, a spec :meth:`UnsignedTemplate.written` reads, or ``lang:CODE``
    (that language's entry of the data file: a series on Meta-wiki whose askers come from de.wikipedia)."""
    added: list[UnsignedTemplate] = []
    texts, formats = list(facts.unsigned_texts), list(facts.unsigned_date_formats)
    months = list(facts.months)
    for spec in specs:
        if isinstance(spec, UnsignedTemplate):
            added.append(spec)
        elif spec.startswith(UNSIGNED_LANGUAGE):
            language = _unsigned_facts(spec[len(UNSIGNED_LANGUAGE):].strip())
            added += language["unsigned_templates"]
            texts += language["unsigned_texts"]
            formats += language["unsigned_date_formats"]
            months += facts_for(spec[len(UNSIGNED_LANGUAGE):].strip()).months  # its dates' month names
        else:
            added.append(UnsignedTemplate.written(spec))
    if not added:
        return facts
    known = {template_key(t.name) for t in added}
    kept = tuple(t for t in facts.unsigned_templates if template_key(t.name) not in known)
    return dataclasses.replace(facts, unsigned_templates=tuple({template_key(t.name): t for t in added}.values())
                               + kept, unsigned_texts=tuple(dict.fromkeys(texts)),
                               unsigned_date_formats=tuple(dict.fromkeys(formats)), months=tuple(dict.fromkeys(months)))
