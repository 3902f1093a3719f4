#!/usr/bin/env python3
"""Generate bot/data/languages.json: each MediaWiki content language's wiki facts.

    scripts/language_facts.py [MEDIAWIKI_DIR] [-o bot/data/languages.json]

Reads MediaWiki's own language files (the Debian package installs them under
/usr/share/mediawiki): ``languages/messages/Messages*.php`` for the namespace
names, their aliases and gendered forms, the Special page aliases of
Contributions and EmailUser, the digits, the default date format and the
date-and-time formats; ``languages/i18n/*.json`` for the month names (full,
genitive, abbreviated) and the localised "UTC".  Each language's fallback
chain is followed, as MediaWiki's localisation cache does, down to English.

The user-namespace names and aliases that the Wikimedia projects set in their
own configuration and core lacks (``Wikipedysta:`` on the Polish Wikipedia,
``Usuário(a):`` on the Portuguese one) are facts of their own, kept in one
place, ``bot/wikifacts/tables.py``'s ``WIKIMEDIA_USER_ALIASES`` with their source,
and merged in when the file is loaded: this script writes only what
MediaWiki's files say.

Names and formats are facts: nothing is translated here.  The file stores,
per language, only what differs from English (the loader merges the two).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

NAMESPACES = {"NS_MEDIA": "file", "NS_SPECIAL": "special", "NS_USER": "user", "NS_USER_TALK": "user_talk",
              "NS_FILE": "file", "NS_IMAGE": "file", "NS_TEMPLATE": "template", "NS_CATEGORY": "category"}
"""The namespaces the bot reads, by their PHP constant, and the key they go under."""

SPECIAL_PAGES = {"Contributions": "contributions", "Emailuser": "user_pages", "Log": "user_pages"}
"""Special pages whose subpage is a user name, and the key they go under."""

MONTH_KEYS = ("january", "february", "march", "april", "may_long", "june", "july", "august", "september",
              "october", "november", "december")
ABBREVIATION_KEYS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

_ARRAY = re.compile(r"^\$(\w+)\s*=\s*\[", re.MULTILINE)
_STRING = r"""(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")"""
_PAIR = re.compile(_STRING + r"\s*=>\s*" + _STRING)
_CONSTANT_TO_STRING = re.compile(r"\b(NS_[A-Z_]+)\s*=>\s*" + _STRING)
_STRING_TO_CONSTANT = re.compile(_STRING + r"\s*=>\s*(NS_[A-Z_]+)")
_GENDER = re.compile(r"\b(NS_[A-Z_]+)\s*=>\s*\[([^\]]*)\]")
_SPECIAL = re.compile(r"'(\w+)'\s*=>\s*\[([^\]]*)\]")
_SCALAR = re.compile(r"^\$(\w+)\s*=\s*" + _STRING + r"\s*;", re.MULTILINE)


def _php_string(match: re.Match, first: int) -> str:
    single, double = match.group(first), match.group(first + 1)
    if single is not None:
        return single.replace("\\'", "'").replace("\\\\", "\\")
    return re.sub(r"\\u\{([0-9A-Fa-f]+)\}", lambda m: chr(int(m.group(1), 16)), double).replace('\\"', '"')


def _arrays(source: str) -> dict[str, str]:
    """The top-level ``$name = [ ... ];`` arrays of a PHP file, as their source text."""
    arrays = {}
    for match in _ARRAY.finditer(source):
        depth, position = 1, match.end()
        while depth and position < len(source):
            char = source[position]
            if char in "'\"":
                end = position + 1
                while end < len(source) and source[end] != char:
                    end += 2 if source[end] == "\\" else 1
                position = end
            elif char == "[":
                depth += 1
            elif char == "]":
                depth -= 1
            position += 1
        arrays[match.group(1)] = re.sub(r"(?m)(?:#|//).*$", "", source[match.end():position - 1])
    return arrays


def read_messages_file(path: Path) -> dict:
    """What one Messages*.php file says itself (its fallback not followed)."""
    source = path.read_text(encoding="utf-8")
    arrays = _arrays(source)
    scalars = {m.group(1): _php_string(m, 2) for m in _SCALAR.finditer(source)}
    facts: dict = {"names": {}, "aliases": {}}
    for match in _CONSTANT_TO_STRING.finditer(arrays.get("namespaceNames", "")):
        if match.group(1) in NAMESPACES:
            facts["names"].setdefault(NAMESPACES[match.group(1)], []).append(_php_string(match, 2))
    for match in _STRING_TO_CONSTANT.finditer(arrays.get("namespaceAliases", "")):
        if match.group(3) in NAMESPACES:
            facts["aliases"].setdefault(NAMESPACES[match.group(3)], []).append(_php_string(match, 1))
    for match in _GENDER.finditer(arrays.get("namespaceGenderAliases", "")):
        if match.group(1) in NAMESPACES:
            for pair in _PAIR.finditer(match.group(2)):
                facts["aliases"].setdefault(NAMESPACES[match.group(1)], []).append(_php_string(pair, 3))
    for match in _SPECIAL.finditer(arrays.get("specialPageAliases", "")):
        if match.group(1) in SPECIAL_PAGES:
            names = [m.group(1) for m in re.finditer(r"'((?:[^'\\]|\\.)*)'", match.group(2))]
            facts["aliases"].setdefault(SPECIAL_PAGES[match.group(1)], []).extend(names)
    digits = {_php_string(m, 1): _php_string(m, 3) for m in _PAIR.finditer(arrays.get("digitTransformTable", ""))}
    if digits:
        facts["digits"] = "".join(digits.get(str(d), str(d)) for d in range(10))
    formats = {_php_string(m, 1): _php_string(m, 3) for m in _PAIR.finditer(arrays.get("dateFormats", ""))}
    if formats:
        facts["date_formats"] = formats
    if "defaultDateFormat" in scalars:
        facts["default_date_format"] = scalars["defaultDateFormat"]
    if "fallback" in scalars:
        facts["fallback"] = [code.strip() for code in scalars["fallback"].split(",") if code.strip()]
    return facts


def read_messages_json(path: Path) -> dict:
    if not path.exists():
        return {}
    messages = json.loads(path.read_text(encoding="utf-8"))
    wanted = (*MONTH_KEYS, *(key + "-gen" for key in MONTH_KEYS[:4] + ("may",) + MONTH_KEYS[5:]),
              *ABBREVIATION_KEYS, "timezone-utc")
    return {key: messages[key] for key in wanted if isinstance(messages.get(key), str)}


def code_of(path: Path) -> str:
    return path.stem[len("Messages"):].lower().replace("_", "-")


def _gen_key(number: int) -> str:
    return ("may" if number == 5 else MONTH_KEYS[number - 1]) + "-gen"


def resolve(code: str, files: dict[str, dict], messages: dict[str, dict]) -> dict:
    """A language's facts with its fallback chain followed down to English."""
    chain, queue = [], [code]
    while queue:
        current = queue.pop(0)
        if current in chain or current not in files:
            continue
        chain.append(current)
        queue.extend(files[current].get("fallback", []))
    if "en" not in chain:
        chain.append("en")

    def first(getter):
        for link in chain:
            value = getter(link)
            if value:
                return value
        return None

    own = files[code]
    facts: dict = {}
    for key in ("user", "user_talk", "special", "template", "category", "file"):
        names = list(own["names"].get(key, [])) or list(first(lambda c: files[c]["names"].get(key)) or [])
        for link in chain:  # aliases are merged along the chain (MediaWiki merges these maps)
            names += files[link]["aliases"].get(key, [])
        names += files["en"]["names"].get(key, [])
        facts[key] = _unique(names)
    for key in ("contributions", "user_pages"):
        names = []
        for link in chain:
            names += files[link]["aliases"].get(key, [])
        facts[key] = _unique(names)
    facts["digits"] = first(lambda c: files[c].get("digits")) or "0123456789"
    formats = first(lambda c: files[c].get("date_formats")) or {}
    default = first(lambda c: files[c].get("default_date_format")) or "dmy or mdy"
    default = "dmy" if default == "dmy or mdy" else default
    both = [formats.get(f"{default} both")] + [formats.get(f"{p} both") for p in ("dmy", "mdy", "ymd")]
    facts["date_formats"] = _unique([f for f in both if f])
    month = lambda number, key: first(lambda c: messages.get(c, {}).get(key)) or ""  # noqa: E731
    facts["months"] = [month(n, MONTH_KEYS[n - 1]) for n in range(1, 13)]
    facts["months_genitive"] = [month(n, _gen_key(n)) for n in range(1, 13)]
    facts["months_short"] = [month(n, ABBREVIATION_KEYS[n - 1]) for n in range(1, 13)]
    facts["utc"] = first(lambda c: messages.get(c, {}).get("timezone-utc")) or "UTC"
    return facts


def _unique(names: list[str]) -> list[str]:
    seen, kept = set(), []
    for name in names:
        name = name.replace("_", " ").strip()
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            kept.append(name)
    return kept


def generate(mediawiki: Path) -> dict:
    files = {code_of(path): read_messages_file(path)
             for path in sorted((mediawiki / "languages" / "messages").glob("Messages*.php"))}
    messages = {code: read_messages_json(mediawiki / "languages" / "i18n" / f"{code}.json") for code in files}
    english = resolve("en", files, messages)
    languages = {"en": english}
    for code in sorted(files):
        if code == "en":
            continue
        facts = resolve(code, files, messages)
        languages[code] = {key: value for key, value in facts.items() if value != english[key]}
    return {"source": "MediaWiki languages/messages/Messages*.php and languages/i18n/*.json; "
                      "generated by scripts/language_facts.py (Wikimedia projects' own aliases: "
                      "bot/wikifacts/tables.py WIKIMEDIA_USER_ALIASES)",
            "languages": languages}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mediawiki", nargs="?", default="/usr/share/mediawiki", type=Path)
    parser.add_argument("-o", "--output", type=Path,
                        default=Path(__file__).resolve().parent.parent / "bot" / "data" / "languages.json")
    args = parser.parse_args(argv)
    if not (args.mediawiki / "languages" / "messages").is_dir():
        print(f"language_facts: {args.mediawiki}/languages/messages: not a MediaWiki folder", file=sys.stderr)
        return 2
    data = generate(args.mediawiki)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n",
                           encoding="utf-8")
    print(f"language_facts: {len(data['languages'])} languages written to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
