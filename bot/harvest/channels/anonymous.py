"""People's names out of a chat's text, in every form the channels give them.

A channel names a person in many ways, and a message names them in others:

* display names as a person sets them: "Jane Doe", "Doe, Jane" (surname
  first, with a comma), "Jane Doe (she/her)", "Jane Doe | Wikimedia Kenya",
  names with particles ("Jan van der Berg") and initials ("J. R. Doe"),
  names in other scripts ("Олена Коваленко", "李伟"), with or without their
  accents ("Tomás", "Tomas"; "Michał", "Michal") and, in languages that
  decline names, with an ending ("Piotra Nowaka");
* handles: "@JaneDoe" (YouTube), "jane_doe" (Telegram), written in a
  message with or without the "@", or as the words they are made of;
* e-mail addresses and their local parts ("jane.doe@…": "jane.doe", "jane",
  "doe");
* wiki user names: ``User:X``, ``[[User:X|label]]``, ``m:User:X``,
  ``Special:Contributions/X``, a link to a user page, ``{{ping|X}}``,
  ``u:X``, ``@X``, in the User namespace of any language
  (:data:`bot.wikifacts.ENGLISH`'s names, from ``bot/data/languages.json``).

:class:`Names` is built once from every name of the file's people and
replaces each form by "another participant"; :func:`wiki_users` finds the
user names a text gives (so that the bare name elsewhere goes too).  The
text is compared without accents (NFD, combining marks ignored) and given
back in NFC, as MediaWiki stores it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import unquote

from bot import wikifacts

__all__ = ["MENTION", "Names", "name_forms", "wiki_users", "without_wiki_users"]

MENTION = "another participant"

_MARK = "\u0300-\u036f"
"""The combining diacritical marks that NFD splits from Latin, Greek and Cyrillic letters."""
_MARKS = f"[{_MARK}]*"
_LETTER = rf"[^\W\d_][{_MARK}]*"
_BEFORE = rf"(?<![\w{_MARK}])"
_AFTER = r"(?!\w)"
_UNSPACED = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
                       "\uac00-\ud7af\u1100-\u11ff\uf900-\ufaff]")
"""Scripts written without spaces between words (or, Korean, with the endings on the name): a name
in them is found inside a longer run of letters."""
#: Letters that NFD does not split, and the letters people write for them.
_PLAIN = {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "ı": "i", "ħ": "h", "ŀ": "l"}
_LIKE: dict[str, str] = {}
for _special, _plain in _PLAIN.items():
    _LIKE[_plain] = _LIKE.get(_plain, _plain) + _special
    _LIKE[_special] = _plain + _special
_LIKE.update({"ß": "(?:ß|ss)", "æ": "(?:æ|ae)", "œ": "(?:œ|oe)"})
_VOWELS = frozenset("aeiouyаеёиоуыэюяіїєѣαεηιουω")

_PARTICLES = frozenset("""van von de der den del della dei degli di da das do dos du la le les lo los las el al
bin binti ibn ben bint ter ten te op zu zur af av""".split())
"""Small words inside names ("Jan van der Berg", "María de los Ángeles"): not a name alone."""
COMMON_WORDS = frozenset("""a an as at be by do he if in is it me my no of on or so to up us we the for will may
can hope grace faith joy mark bill rose page wiki user users channel group admin info contact mail email office
team hello support help answers noreply reply another participant removed address phone number deleted account
y e und and""".split()) | _PARTICLES
"""Words that are part of some people's names (or of handles and addresses) but mostly mean something else:
not replaced alone."""
_INITIALS = re.compile(r"(?<![\w.])((?:[^\W\d_]\.\s?){1,3})(?=" + MENTION + ")")
_JOINED = re.compile(MENTION + r"(?:(?:\s+|\s*[-–]\s*)(?:(?:" + "|".join(sorted(_PARTICLES)) + r")\s+)*"
                     + MENTION + ")+", re.IGNORECASE)
_PARTICLES_BEFORE = re.compile(r"(?<!\w)((?:(?:" + "|".join(sorted(_PARTICLES)) + r")\s+)+)(?=" + MENTION + ")",
                               re.IGNORECASE)
_TRAILING_INITIAL = re.compile(MENTION + r"(\s+[^\W\d_]\.)(?=(\s*\S)?)")

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w+])(?:\+\d[\d ().-]{6,}\d|\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4})(?!\w)")
_HANDLE = re.compile(r"(?<![\w@])@[\w][\w.-]*\w|(?<![\w@])@\w")


def _plain(text: str) -> str:
    """Without accents and with the letters of :data:`_PLAIN` as people type them without."""
    return "".join(_PLAIN.get(c, c) for c in unicodedata.normalize("NFD", text)
                   if not ("\u0300" <= c <= "\u036f"))


def _pattern_of(name: str, *, ending: bool = False) -> str:
    """A regular expression for ``name`` in NFD text: any accents, any space, underscore
    or dot between its words; ``ending`` (a word of five letters or more): an
    ending of up to three letters, as languages that decline names add
    ("Piotra", "Olenu")."""
    plain = _plain(name)
    if ending and len(plain) >= 5 and plain[-1].casefold() in _VOWELS:
        plain = plain[:-1]
    out = []
    for char in plain:
        if char.isspace() or char in "_":
            out.append(r"[\s_.]+" if not out or out[-1] != r"[\s_.]+" else "")
        elif char in "'’":
            out.append("['’]")
        elif char.casefold() in _LIKE:
            like = _LIKE[char.casefold()]
            out.append(like if like.startswith("(") else f"[{like}{like.upper()}]")
            out.append(_MARKS)
        else:
            out.append(re.escape(char) + _MARKS)
    pattern = "".join(out)
    if ending and len(_plain(name)) >= 5 and not _UNSPACED.search(plain):
        pattern += rf"(?:[^\W\d_][{_MARK}]*){{0,3}}"
    return pattern


def _words(name: str) -> list[str]:
    """The words of a name: letters (and apostrophes inside), each hyphenated
    part alone too; a handle written as one word in capitals ("JaneDoe") in its words."""
    words = []
    for word in re.findall(r"[^\W\d_](?:[^\W\d_]|['’](?=[^\W\d_]))*", unicodedata.normalize("NFC", name)):
        words.append(word)
        camel = re.findall(r"[A-ZÀ-ÞА-ЯΑ-Ω][a-zß-ÿа-яα-ω]+|[a-zß-ÿа-яα-ω]+", word)
        if len(camel) > 1 and "".join(camel) == word:
            words += camel
    hyphenated = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)+", name)
    return words + hyphenated


def name_forms(name: str) -> tuple[set[str], set[str]]:
    """The full forms of one name as a channel gives it (matched in any case),
    and its single words (matched capitalised, or as written).

    "Doe, Jane (she/her)" gives "Doe, Jane (she/her)", "Doe, Jane", "Jane Doe"
    and "Jane", "Doe"; "@JaneDoe" gives "@JaneDoe", "JaneDoe" and "Jane",
    "Doe"; "jane.doe+wiki@example.org" gives the address, "jane.doe+wiki",
    "jane.doe" and "jane", "doe", "wiki" (a generic word such as "info" or
    "user" is not taken alone).
    """
    name = " ".join(unicodedata.normalize("NFC", name).split())
    full: set[str] = set()
    words: set[str] = set()
    if not name:
        return full, words
    full.add(name)
    handle = name.lstrip("@")
    full.add(handle)
    if "@" in handle:  # an e-mail address
        local = handle.split("@", 1)[0]
        full.update({local, local.split("+", 1)[0]})
        words.update(w for w in re.split(r"[\W\d_]+", local) if len(w) >= 3)
    else:
        base = re.sub(r"\s*[(\[].*?[)\]]\s*|\s+[-|–—/·•].*$", " ", handle).strip()
        if base:
            full.add(base)
            first_last = re.fullmatch(r"([^,]+),\s*([^,]+)", base)
            if first_last and len(base.split()) <= 6:
                full.add(f"{first_last[2]} {first_last[1]}")  # "Doe, Jane" is Jane Doe
                base = base.replace(",", " ")
            full.add(" ".join(w for w in re.split(r"[\s._]+", base) if w))
            words.update(_words(base))
    words = {w for w in words if (len(w) >= 2 or _UNSPACED.search(w)) and w.casefold() not in COMMON_WORDS}
    full = {f for f in full if f.strip("@").casefold() not in COMMON_WORDS and not f.isdigit()
            and (len(f) >= 3 or " " in f or _UNSPACED.search(f))}
    return full, words - full


class Names:
    """Every name of some people, found in a text in any of their forms and
    replaced by :data:`MENTION`."""

    def __init__(self, people: Iterable[str]) -> None:
        people = [p for p in people if p]
        full: set[str] = set()
        words: set[str] = set()
        for person in people:
            f, w = name_forms(person)
            full |= f
            words |= w
        # a name of one word is found in any case, and also with an ending
        words |= {f for f in full if not re.search(r"[\s@.,_]", f) and not _UNSPACED.search(f)}
        self.full = sorted(full, key=len, reverse=True)
        self.words = sorted(words, key=len, reverse=True)
        self._lower = {_plain(w).casefold() for w in self.words if w[:1].islower() or not w[:1].isalpha()}
        self.initials = {_plain(w)[:1].upper() for person in people for w in re.findall(r"[^\W\d_]+", person)}
        self._full = self._compile(self.full, ending=False)
        self._words = self._compile(self.words, ending=True)

    @staticmethod
    def _compile(names: list[str], *, ending: bool) -> re.Pattern[str] | None:
        if not names:
            return None
        spaced = [_pattern_of(n, ending=ending) for n in names if not _UNSPACED.search(n)]
        unspaced = [_pattern_of(n) for n in names if _UNSPACED.search(n)]
        alternatives = []
        if spaced:
            alternatives.append(rf"@?{_BEFORE}(?:{'|'.join(spaced)}){_AFTER}")
        if unspaced:
            alternatives.append(rf"@?(?:{'|'.join(unspaced)})")
        return re.compile("|".join(alternatives), re.IGNORECASE)

    def _word(self, match: re.Match[str]) -> str:
        found = match[0].lstrip("@")
        if found[:1].isupper() or not found[:1].isalpha() or match[0].startswith("@"):
            return MENTION
        if _plain(found).casefold() in self._lower:
            return MENTION  # a handle's word, written in small letters as in the handle
        return match[0]

    def found_in(self, text: str) -> bool:
        """Whether ``text`` names one of the people."""
        return self.anonymise(text) != unicodedata.normalize("NFC", text)

    def anonymise(self, text: str) -> str:
        """``text`` with no name of these people, no wiki user name, ``@handle``,
        e-mail address or phone number."""
        text = unicodedata.normalize("NFD", text)
        text = without_wiki_users(text)
        text = _EMAIL.sub("(e-mail address removed)", text)
        text = _PHONE.sub("(phone number removed)", text)
        if self._full:
            text = self._full.sub(MENTION, text)
        if self._words:
            text = self._words.sub(self._word, text)
        text = _HANDLE.sub(MENTION, text)
        if MENTION in text:
            text = self._tidy(text)
        return unicodedata.normalize("NFC", text)

    def _tidy(self, text: str) -> str:
        """One mention for a name in pieces: "J. R. another participant", "another
        participant another participant", "another participant van another participant",
        "Van der another participant"."""
        text = _INITIALS.sub(lambda m: "" if {c for c in m[1] if c.isalpha()} <= self.initials else m[0], text)
        text = _JOINED.sub(MENTION, text)
        # "Van der another participant", "van der another participant": the particles are the name's
        text = _PARTICLES_BEFORE.sub(lambda m: "" if m[1][:1].isupper() or len(m[1].split()) >= 2 else m[0], text)

        def trailing(match: re.Match[str]) -> str:
            if match[1].strip()[0] not in self.initials:
                return match[0]
            ends = match[2] is None or match[2].strip()[:1].isupper()
            return MENTION + ("." if ends else "")
        return _TRAILING_INITIAL.sub(trailing, text)


# -- wiki user names -----------------------------------------------------------------------

_SHORT_USER = frozenset({"u", "ut"})
"""Short forms of the User namespace that people write (``u:Jane``)."""
_NAME_CHARS = r"[^\s\[\]{}|#<>/:,;()?!\"“”«»]"
_COLON = re.compile(r"[ _]*:(?=[^\s:])")
"""The colon of ``User:X`` (none of "a new user: how…")."""
_WORD_BEFORE = re.compile(rf"([\w{_MARK}'’‐-]+)$")
_INTERWIKI_BEFORE = re.compile(r"(?:\[\[[ _]*)?:?(?:(?<![\w-])[a-z][a-z0-9-]{0,19}:)*$", re.IGNORECASE)
_URL_BEFORE = re.compile(r"(?:(?:https?://)?[\w.-]+\.[a-z]{2,}(?::\d+)?)?/(?:wiki/|w/index\.php\?(?:\S*&)?title=)$",
                         re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\]|]+", re.IGNORECASE)
_LINK = re.compile(r"\[\[([^\[\]|\n]+)(?:\|[^\[\]\n]*)?\]\]")
_TEMPLATE = re.compile(r"\{\{\s*([^{}|]+?)\s*\|([^{}]*)\}\}")


def _namespace_index() -> dict[str, list[str]]:
    """The User (and User talk) namespace names of every language, by their last word (case-folded, NFD)."""
    index: dict[str, list[str]] = {}
    for name in (*wikifacts.ENGLISH.user_namespaces, *_SHORT_USER):
        name = unicodedata.normalize("NFD", name)
        index.setdefault(name.split()[-1], []).append(name)
    return index


def _special_index() -> tuple[frozenset[str], frozenset[str]]:
    facts = wikifacts.ENGLISH
    return (frozenset(unicodedata.normalize("NFD", n) for n in facts.special_namespaces),
            frozenset(unicodedata.normalize("NFD", n) for n in facts.user_pages))


_INDEX: dict[str, list[str]] | None = None
_SPECIAL: tuple[frozenset[str], frozenset[str]] | None = None


def _user_mentions(text: str) -> list[tuple[int, int, str]]:
    """(start, end, user name) of each wiki user name in ``text`` (NFD)."""
    global _INDEX, _SPECIAL
    if ":" not in text and "{{" not in text:
        return []
    if _INDEX is None:
        _INDEX, _SPECIAL = _namespace_index(), _special_index()
    found: list[tuple[int, int, str]] = []
    for match in _TEMPLATE.finditer(text):
        if wikifacts.template_key(match[1]) in wikifacts.PERSON_TEMPLATES:
            users = [p.strip() for p in match[2].split("|") if p.strip() and "=" not in p]
            found.append((match.start(), match.end(), users[0] if users else ""))
            found += [(match.end(), match.end(), u) for u in users[1:]]
    for link in _LINK.finditer(text):  # [[User: X|…]], spaces and all, as MediaWiki reads it
        user = wikifacts.user_of_link(unicodedata.normalize("NFC", link[1]))
        if user:
            found.append((link.start(), link.end(), user))
    for colon in _COLON.finditer(text):
        before = text[max(0, colon.start() - 80):colon.start()]
        word = _WORD_BEFORE.search(before)
        if not word:
            continue
        folded = " ".join(before.replace("_", " ").casefold().split())
        last = word[1].replace("_", " ").split()[-1].casefold() if word[1].strip("_") else ""
        namespace = next((ns for ns in sorted(_INDEX.get(last, ()), key=len, reverse=True)
                          if folded.endswith(ns) and (len(folded) == len(ns) or not folded[-len(ns) - 1].isalnum())),
                         None)
        after = colon.end()
        if namespace is None:
            if last not in _SPECIAL[0]:
                continue
            page = re.match(r"([^/\]|\n]{1,60})/", text[after:])
            if not page or " ".join(page[1].replace("_", " ").casefold().split()) not in _SPECIAL[1]:
                continue
            start_ns, after = colon.start() - len(last), after + page.end()
        else:
            start_ns = colon.start() - _start_of(before, namespace)
        start = start_ns - len(_INTERWIKI_BEFORE.search(text[max(0, start_ns - 60):start_ns])[0])
        url = _URL_BEFORE.search(text[max(0, start - 200):start])
        if url:
            start -= len(url[0])
        linked = text[start:start_ns].lstrip(":").startswith("[[")
        if linked:
            close = text.find("]]", after)
            end = close + 2 if close != -1 and "\n" not in text[after:close] else after
            name = re.split(r"[|#/\]]", text[after:end], maxsplit=1)[0]
        else:
            name_match = re.match(rf"{_NAME_CHARS}+(?:[ _]+[A-ZÀ-ÞА-ЯΑ-Ω]{_NAME_CHARS}*){{0,3}}", text[after:])
            if not name_match:
                continue
            name = name_match[0].rstrip(".'’")
            end = after + len(name)
            if url:
                rest = re.match(r"[^\s<>\]|]*", text[end:])
                end += len(rest[0]) if rest else 0
        name = unquote(html.unescape(name)).replace("_", " ").strip()
        if name:
            found.append((start, end, name))
    return found


def _start_of(before: str, namespace: str) -> int:
    """How many characters at the end of ``before`` the namespace name (with spaces or underscores) takes."""
    words = namespace.split()
    match = re.search(r"[ _]+".join(re.escape(w) for w in words) + r"[ _]*$", before, re.IGNORECASE)
    return len(match[0]) if match else len(words[-1])


def wiki_users(text: str) -> list[str]:
    """The wiki user names ``text`` gives: ``User:X``, ``[[Benutzer:X|…]]``,
    ``Special:Contributions/X``, a link to a user page, ``{{ping|X}}``, ``u:X``."""
    text = unicodedata.normalize("NFD", text)
    names = [name for _, _, name in _user_mentions(text)]
    for url in _URL.finditer(text):
        user = _user_of_url(url[0])
        if user:
            names.append(user)
    return [unicodedata.normalize("NFC", n) for n in names if n]


def without_wiki_users(text: str) -> str:
    """``text`` with each wiki user name form, and each link to a user page, as :data:`MENTION`."""
    text = _URL.sub(lambda m: MENTION if _user_of_url(m[0]) else m[0], text)
    mentions = _user_mentions(text)
    if not mentions:
        return text
    out, last = [], 0
    for start, end, _ in sorted(mentions):
        if start < last or start == end:
            continue
        out += [text[last:start], MENTION]
        last = end
    return "".join(out) + text[last:]


def _user_of_url(url: str) -> str | None:
    url = unicodedata.normalize("NFC", unquote(url))
    match = re.search(r"/wiki/([^?#\s]+)|[?&]title=([^&#\s]+)", url)
    if not match:
        return None
    return wikifacts.user_of_link(match[1] or match[2])
