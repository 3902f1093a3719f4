"""Who answers: the speaker an answer line of the draft starts with, and
when two names are one person's (``Maggie`` and ``Maggie Dennis``).

Staff type speakers the way they naturally do (``: Maggie: …``, bold or
italic names, ``Name —``, a user link ``[[User:…|Maggie]]:``); the draft
reader (:mod:`bot.compile.draft`), the check and the transcripts' proposals
read them here.  Pure: lines in, names out.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

from bot import wikifacts

__all__ = ["person_key", "same_person", "speaker_of", "without_speaker"]

_LIST_MARKERS = re.compile(r"^[*#:;]+\s*")
_WORD = r"[^\W\d_][^\s:：()\[\]{}|<>—–,;!?\"=*#/\\]*"
_NAME = _WORD + r"(?:[ \u00a0]+" + _WORD + r"){0,5}"
_COLON = r"[:：]"
_SPEAKER = re.compile(
    r"(?:(?P<q1>'''|'')\s*(?P<n1>" + _NAME + r")\s*" + _COLON + r"\s*(?P=q1)"   # '''Name:''' text
    r"|(?P<q2>'''|'')\s*(?P<n2>" + _NAME + r")\s*(?P=q2)\s*" + _COLON +          # ''Name'': text
    r"|(?P<n3>" + _NAME + r")(?:\s*\([^()\n]{1,40}\))?\s*(?:" + _COLON + r"|[—–]|\s-\s))"  # Name (role): text
    r"(?!//)")
"""A speaker at the start of an answer line, in the ways staff write one."""

_USER_LABEL = re.compile(
    r"(?P<q>'''|'')?\s*\[\[\s*(?P<target>[^\[\]|\n]+?)\s*(?:\|(?P<label>[^\[\]\n]*))?\]\]"
    r"(?:\s*\([^()\n]{1,40}\))?\s*(?:(?P=q)\s*" + _COLON + r"|" + _COLON + r"\s*(?P=q)|" + _COLON + r"|[—–]|\s-\s)")
"""A user link as the speaker's label: ``[[User:Maggie Dennis (WMF)|Maggie]]: text`` (bold or not)."""

_PARTICLES = frozenset({"a", "af", "al", "am", "auf", "av", "bin", "bint", "da", "das", "de", "degli", "dei", "del",
                        "della", "den", "der", "des", "di", "do", "dos", "du", "e", "el", "im", "la", "las", "le",
                        "les", "lo", "los", "op", "van", "ver", "von", "y", "zu", "zum", "zur", "ibn", "te", "ten",
                        "ter", "het", "'t", "ben", "ap"})
"""Lower-case words inside a name (``Jan van der Berg``, ``María José de la Cruz``)."""

_PARTICLE_PREFIX = re.compile(r"(?:d|l|al|el|ad|ar|as|ash|at|az|ud|ul)['’-]", re.IGNORECASE)
"""A lower-case prefix glued to a name's word (``d'Alembert``, ``al-Hassan``)."""

_ROLE_SUFFIX = re.compile(r"\s*\([^()]*\)\s*$")


def speaker_of(line: str) -> str | None:
    """The speaker an answer line starts with (``Maggie: …``, ``'''Jan
    Eissfeldt:''' …``, ``''Kaarel'': …``, ``Jack — …``, ``[[User:Maggie
    Dennis (WMF)|Maggie]]: …``), list markers skipped, or None.  A name has at
    most six words; the first and the last do not start with a lower-case
    letter (a letter of a script without case is fine: ``マギー``), the others
    may be particles (``Jan van der Berg``)."""
    label = _label(line)
    return label[0] if label else None


def without_speaker(line: str) -> str:
    """``line`` without its list markers and the speaker it starts with (as
    :func:`speaker_of` finds it): the words of the answer."""
    label = _label(line)
    return label[3].lstrip() if label else _LIST_MARKERS.sub("", line.strip())


def _label(line: str) -> tuple[str, frozenset[str], str, str] | None:
    """The speaker's label an answer line starts with: the name as written,
    every name it gives (normalised: a user link gives its label and the
    user), how it is written ('bold', 'link' or 'plain'), and the rest of the
    line after the label; or None."""
    text = unicodedata.normalize("NFC", _LIST_MARKERS.sub("", line.strip()))
    link = _USER_LABEL.match(text)
    if link:
        user = wikifacts.user_of_link(link["target"])
        if user is None:
            return None
        label = (link["label"] or "").strip()
        shown = " ".join(re.sub(r"'{2,}", "", label).split()) or " ".join(user.replace("_", " ").split())
        return (shown, frozenset(filter(None, (person_key(shown), person_key(user)))), "link",
                text[link.end():])
    match = _SPEAKER.match(text)
    if not match:
        return None
    name = " ".join((match["n1"] or match["n2"] or match["n3"]).split())
    if not _is_name(name):
        return None
    return name, frozenset({person_key(name)}), "bold" if (match["n1"] or match["n2"]) else "plain", \
        text[match.end():]


def _is_name(name: str) -> bool:
    words = name.split()
    if not words or len(words) > 6:
        return False
    for index, word in enumerate(words):
        if not all(unicodedata.category(char)[0] in "LM" or char in ".'’-" for char in word):
            return False
        if not word[0].islower():
            continue
        inner = 0 < index < len(words) - 1
        if inner and word in _PARTICLES:
            continue
        prefix = _PARTICLE_PREFIX.match(word)
        if prefix and word[prefix.end():prefix.end() + 1].isupper():
            continue
        return False
    return True


def person_key(name: str) -> str:
    """A speaker's name as the draft compares them: entities decoded,
    underscores and runs of space as one space, a trailing ``(WMF)`` or
    other parenthesis dropped, case-folded."""
    name = unicodedata.normalize("NFC", html.unescape(name)).replace("_", " ")
    return " ".join(_ROLE_SUFFIX.sub("", name).split()).casefold()


def same_person(a: str, b: str) -> bool:
    """Whether two :func:`person_key` names are one speaker's: the same, or
    one a single word that is the other's first name."""
    if a == b:
        return True
    a_words, b_words = a.split(), b.split()
    if not a_words or not b_words:
        return False
    return (len(a_words) == 1 and a == b_words[0]) or (len(b_words) == 1 and b == a_words[0])


def _speakers(visible_lines: list[str], configured: Iterable[str]) -> list[frozenset[str]]:
    """Each speaker's names: the configured speakers (an entry may give
    aliases after ``|``: ``Maggie Dennis|MDennis``), and everyone who answers
    as ``: Name:``, ``** Name:``, with a bold or an italic name or as a user
    link somewhere in the draft, each as :func:`person_key`."""
    people: dict[frozenset[str], None] = {}
    for entry in configured:
        names = frozenset(filter(None, (person_key(name) for name in entry.split("|"))))
        if names:
            people[names] = None
    for line in visible_lines:
        stripped = line.lstrip()
        if not stripped.startswith((":", "*", "'", ";", "#")):
            continue
        label = _label(line)
        if label is None:
            continue
        if stripped.startswith(":") or stripped.startswith("**") or label[2] == "bold":
            people[label[1]] = None
    return list(people)


class _People:
    """The speakers' names, indexed for :func:`same_person`."""

    def __init__(self, people: list[frozenset[str]]):
        self.names = {name for person in people for name in person}
        self.singles = {name for name in self.names if " " not in name}
        self.first_words = {name.split()[0] for name in self.names if " " in name}

    def __contains__(self, name: str) -> bool:
        if name in self.names:
            return True
        words = name.split()
        return bool(words) and ((len(words) == 1 and name in self.first_words) or words[0] in self.singles)
