"""The questions file's schema (``harvest --json`` writes it, ``compile
--questions`` reads it), derived from :class:`bot.model.Question`'s fields, so
that a field added to a question is written and read alike: no hand-copied
table to fall behind (a field ``lines`` once was written and refused)."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import datetime
from functools import lru_cache

from bot.model import Question


@lru_cache(maxsize=None)
def field_types() -> dict[str, tuple[tuple[type, ...], type | None]]:
    """Each field's JSON types, and a list's item type (None for a scalar).
    A time is written as an ISO 8601 string (:meth:`Question.to_json`)."""
    hints = typing.get_type_hints(Question)
    out = {}
    for f in dataclasses.fields(Question):
        hint = hints[f.name]
        options = typing.get_args(hint) if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union \
            else (hint,)
        kinds, item = [], None
        for option in options:
            if typing.get_origin(option) is list:
                kinds.append(list)
                item = typing.get_args(option)[0]
            else:
                kinds.append(str if option is datetime else option)
        out[f.name] = (tuple(kinds), item)
    return out


_NAMES = {str: "string", int: "integer", bool: "boolean", type(None): "null"}


def _name(kind: type) -> str:
    return _NAMES.get(kind, kind.__name__)


def field_problem(name: str, value) -> str | None:
    """What is wrong with ``value`` for field ``name`` of a question, or None."""
    schema = field_types().get(name)
    if schema is None:
        return f"unknown field {name!r}"
    kinds, item = schema
    ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
    if ok and isinstance(value, list):
        ok = all(isinstance(v, item) and not (isinstance(v, bool) and item is not bool) for v in value)
    if ok:
        return None
    wanted = " or ".join(f"a list of {_name(item)}s" if k is list else _name(k) for k in kinds)
    return f"{name!r} must be {wanted}, got {json.dumps(value)[:40]}"
