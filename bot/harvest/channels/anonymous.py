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

__all__ = ["MENTION", "Names", "name_forms", "self_named", "wiki_users", "without_wiki_users"]

MENTION = "another participant"

_MARK = "\u0300-\u036f"
"""The combining diacritical marks that NFD splits from Latin, Greek and Cyrillic letters."""
_UNSPACED = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
                       "\uac00-\ud7af\u1100-\u11ff\uf900-\ufaff]")
"""Scripts written without spaces between words (or, Korean, with the endings on the name): a name
in them is found inside a longer run of letters."""
#: Letters that NFD does not split, and the letters people write for them.
_PLAIN = {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "ı": "i", "ħ": "h", "ŀ": "l"}
_FOLD = str.maketrans({**{c: None for c in map(chr, range(0x300, 0x370))}, **_PLAIN, **{c.upper(): p for c, p in
                       _PLAIN.items() if c.upper() != c}, "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "’": "'"})
_VOWELS = frozenset("aeiouyаеёиоуыэюяіїєѣαεηιουω")
_TOKEN = re.compile("(?:[^\\W_]|[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670"
                    "\u06d6-\u06ed\u0900-\u0963\u0966-\u0dff\u0e31-\u0e3a\u0e47-\u0e4e\u0f18-\u0fbc\u102b-\u103e"
                    "\u17b4-\u17d3\u1ab0-\u1aff\u1dc0-\u1dff\u200c\u200d\u20d0-\u20ff\ufe20-\ufe2f])+|[^\\s_.]")
"""A word (letters and digits, with the marks of any script inside it) or one sign other than a space,
an underscore or a dot, which may come between a name's words."""
_GAP = re.compile(r"[\s_.]*")
MAX_NAME_TOKENS = 12
"""The longest name form matched whole, in words and signs: "Doe, Jane (she/her)" is 8.  A longer
display name is matched by its words alone; the bound keeps matching linear in the text."""

_PARTICLES = frozenset("""van von de der den del della dei degli di da das do dos du la le les lo los las el al
bin binti ibn ben bint ter ten te op zu zur af av""".split())
"""Small words inside names ("Jan van der Berg", "María de los Ángeles"): not a name alone."""
NAME_WORDS = frozenset("""will may can hope grace faith joy mark bill rose page june april august amber dawn ivy
iris lily holly hazel ruby pearl patience charity frank grant carol sunny violet olive penny robin jack pat sue
drew chase hunter miles wade gene guy art dean king summer autumn""".split())
"""First names that are also common words ("Grace" as in "grace period", "Will" as in "Will the board…"):
a participant's such name is replaced only where it reads as a name (:meth:`Names._reads_as_name`)."""
COMMON_WORDS = frozenset("""a an as at be by do he if in is it me my no of on or so to up us we the for wiki
user users channel group admin info contact mail email office team hello support help answers noreply reply
another participant removed address phone number deleted account y e und and""".split()) | _PARTICLES | NAME_WORDS
"""Words that are part of some people's names (or of handles and addresses) but mostly mean something else:
not replaced alone (those of :data:`NAME_WORDS` only where they read as a name)."""
_SENTENCE_END = frozenset(".!?:;\"“”«»()[]-–—>*•")
_REPORTING = frozenset("""said says asked asks mentioned mentions wrote writes noted notes suggested suggests raised
raises pointed points answered answers replied replies thinks thought here and from is was has had just also""".split())
"""Words after a :data:`NAME_WORDS` name at the start of a sentence that make it a person ("Grace asked…")."""
_INITIALS = re.compile(r"(?<![\w.])((?:[^\W\d_]\.\s?){1,3})(?=" + MENTION + ")")
_JOINED = re.compile(MENTION + r"(?:(?:\s+|\s*[-–]\s*)(?:(?:" + "|".join(sorted(_PARTICLES)) + r")\s+){0,4}"
                     + MENTION + ")+", re.IGNORECASE)
_PARTICLES_BEFORE = re.compile(r"(?<!\w)((?:(?:" + "|".join(sorted(_PARTICLES)) + r")\s+){1,4})(?=" + MENTION + ")",
                               re.IGNORECASE)
_TRAILING_INITIAL = re.compile(MENTION + r"(\s+[^\W\d_]\.)(?=(\s*\S)?)")

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w+])(?:\+\d[\d ().-]{6,}\d|\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4})(?!\w)")
_HANDLE = re.compile(r"(?<![\w@])@[\w][\w.-]*\w|(?<![\w@])@\w")


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


def _fold(text: str) -> str:
    """A word as names are compared: without accents (NFD marks), the letters of :data:`_PLAIN` as
    people type them without, "æ" as "ae", in any case."""
    return unicodedata.normalize("NFD", text).translate(_FOLD).casefold()


def _tokens(text: str) -> list[str]:
    return [_fold(t) for t in _TOKEN.findall(unicodedata.normalize("NFD", text))]


class _Trie:
    """Name forms by their words: a dict of dicts, one level a token, ``None`` the end of a form."""

    def __init__(self) -> None:
        self.root: dict = {}

    def add(self, tokens: list[str]) -> None:
        node = self.root
        for token in tokens:
            node = node.setdefault(token, {})
        node[None] = True

    def longest(self, tokens: list[tuple[int, int, str]], text: str, i: int) -> int:
        """The number of ``tokens`` from ``i`` the longest form spans (0: none), with only spaces,
        underscores and dots between them (as between a name's words)."""
        node, best = self.root, 0
        for j in range(i, min(len(tokens), i + MAX_NAME_TOKENS)):
            if j > i and _GAP.fullmatch(text, tokens[j - 1][1], tokens[j][0]) is None:
                break
            node = node.get(tokens[j][2])
            if node is None:
                break
            if None in node:
                best = j - i + 1
        return best


class Names:
    """Every name of some people, found in a text in any of their forms and
    replaced by :data:`MENTION`.

    Matched in one pass over the text's words: the forms are kept in a trie of
    their words (:class:`_Trie`), and from each word of the text the trie is
    walked for at most :data:`MAX_NAME_TOKENS` words, so the time is linear in
    the text whatever the number of people.  (One regular expression of every
    name was linear in the names *times* the text: a chat of 10,000 messages
    took 40 s.)  Written here rather than with an Aho–Corasick package
    (pyahocorasick): names are compared word by word after folding accents,
    case and declension endings, which a character automaton would have to
    spell out for every form; a word trie does it with one dict look-up per word.
    """

    def __init__(self, people: Iterable[str]) -> None:
        people = [p for p in people if p]
        full: set[str] = set()
        words: set[str] = set()
        self.name_words: set[str] = set()
        """Fold of each :data:`NAME_WORDS` word that is a participant's name ("Grace" of "Grace Mwangi")."""
        for person in people:
            f, w = name_forms(person)
            full |= f
            words |= w
            if "@" not in person:
                self.name_words |= {_fold(word) for word in _words(person)
                                    if word[:1].isupper() and word.casefold() in NAME_WORDS}
        # a name of one word is found in any case, and also with an ending
        words |= {f for f in full if not re.search(r"[\s@.,_]", f) and not _UNSPACED.search(f)}
        self.full = sorted(full, key=len, reverse=True)
        self.words = sorted(words, key=len, reverse=True)
        self._lower = {_fold(w) for w in self.words if w[:1].islower() or not w[:1].isalpha()}
        self.initials = {_fold(w)[:1].upper() for person in people for w in re.findall(r"[^\W\d_]+", person)}
        self._full, self._words = _Trie(), _Trie()
        self._stems: set[str] = set()
        """Words of five letters or more, as languages that decline names write them with an ending
        of up to three letters ("Piotra", "Olenu"): without a last vowel."""
        self._unspaced: set[str] = set()
        for form in self.full:
            self._full.add(_tokens(form))
        for form in self.words:
            tokens = _tokens(form)
            self._words.add(tokens)
            if len(tokens) == 1 and len(tokens[0]) >= 5 and not _UNSPACED.search(form):
                stem = tokens[0]
                self._stems.add(stem[:-1] if stem[-1] in _VOWELS else stem)
        for form in (*self.full, *self.words):
            tokens = _tokens(form)
            if len(tokens) == 1 and _UNSPACED.search(form):
                self._unspaced.add(tokens[0])
        self._unspaced_lengths = sorted({len(u) for u in self._unspaced}, reverse=True)

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
        if self.full or self.words or self.name_words:
            text = self._replace_names(text)
        text = _HANDLE.sub(MENTION, text)
        if MENTION in text:
            text = self._tidy(text)
        return unicodedata.normalize("NFC", text)

    def _replace_names(self, text: str) -> str:
        """One pass over the words of ``text`` (NFD): at each, the longest full form (any case), else
        the longest word form (as :meth:`_is_name` says), else a :data:`NAME_WORDS` name in context."""
        tokens = [(m.start(), m.end(), _fold(m[0])) for m in _TOKEN.finditer(text)]
        spans: list[tuple[int, int]] = []
        i = 0
        while i < len(tokens):
            count = self._full.longest(tokens, text, i)
            if not count:
                count = self._words.longest(tokens, text, i) or self._with_ending(tokens[i][2])
                if count and not self._is_name(text, tokens[i][0], tokens[i + count - 1][1]):
                    count = 0
            if not count and tokens[i][2] in self.name_words and self._reads_as_name(text, tokens, i):
                count = 1
            if count:
                start, end = tokens[i][0], tokens[i + count - 1][1]
                spans.append((start - 1 if start and text[start - 1] == "@" else start, end))
                i += count
                continue
            if self._unspaced and _UNSPACED.search(text, tokens[i][0], tokens[i][1]):
                spans += self._inside(text, tokens[i])
            i += 1
        if not spans:
            return text
        out, last = [], 0
        for start, end in spans:
            out += [text[last:start], MENTION]
            last = end
        return "".join(out) + text[last:]

    def _with_ending(self, token: str) -> int:
        """1 if the word is a name of :attr:`_stems` with an ending of up to three letters."""
        if len(token) < 4 or any(c.isdigit() for c in token):
            return 0
        return int(any(token[:len(token) - k] in self._stems for k in range(0, 4) if len(token) - k >= 4))

    def _is_name(self, text: str, start: int, end: int) -> bool:
        """Whether a word form found at ``text[start:end]`` is meant as the name: written capitalised,
        after an "@", or in small letters as a handle's word is."""
        found = text[start:end]
        if found[:1].isupper() or not found[:1].isalpha() or (start and text[start - 1] == "@"):
            return True
        return _fold(found) in self._lower

    @staticmethod
    def _reads_as_name(text: str, tokens: list[tuple[int, int, str]], i: int) -> bool:
        """Whether a participant's name that is also a word (:data:`NAME_WORDS`) reads as the name here:
        after an "@"; capitalised (not all capitals) inside a sentence ("thanks Grace", "as Grace
        said"); at a sentence's start, alone, before a sign ("Grace, …") or before a word that makes
        it a person ("Grace asked…"), not before a lower-case word ("Grace period", "Will the…")."""
        start, end, _ = tokens[i]
        word = text[start:end]
        if start and text[start - 1] == "@":
            return True
        if not word[:1].isupper() or (len(word) > 1 and word.isupper()):
            return False
        before = text[max(0, start - 3):start].rstrip()
        at_start = not before or before[-1] in _SENTENCE_END or "\n" in text[max(0, start - 3):start]
        if not at_start:
            return True
        if i + 1 == len(tokens):
            return True
        following = text[tokens[i + 1][0]:tokens[i + 1][1]]
        if not following[:1].isalpha():
            return following in ",:!?"
        return following[:1].isupper() or tokens[i + 1][2] in _REPORTING

    def _inside(self, text: str, token: tuple[int, int, str]) -> list[tuple[int, int]]:
        """Names of a script written without spaces inside one run of its letters ("李伟说")."""
        start, end, folded = token
        if len(folded) != end - start:
            return []
        spans, i = [], 0
        while i < len(folded):
            length = next((n for n in self._unspaced_lengths if folded[i:i + n] in self._unspaced), 0)
            if length:
                spans.append((start + i, start + i + length))
                i += length
            else:
                i += 1
        return spans

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


# -- names people give themselves in a message ------------------------------------------------

_HANDLE_WORD = r"@?[^\W\d_][\w.'’-]{0,39}"
_WIKIS = (r"(?:the\s+|la\s+|le\s+|der\s+|die\s+|na\s+|no\s+|en\s+|em\s+|de\s+)?(?:[a-z-]{2,12}\.)?"
          r"(?:wiki(?:p[eé]dia|media|data|source|books|news|quote|versity|voyage|tionary|s)?|meta(?:-wiki)?|commons|"
          r"mediawiki(?:\.org)?|phabricator|phab|irc|discord|telegram|github|gerrit|[a-z]{2,3}wiki)\b")
_SELF_NAMED = [re.compile(p, re.IGNORECASE) for p in (
    # "I'm JaneDoe on wiki", "I am Jane Doe on Meta", "ich bin X auf Wikipedia", "je suis X sur…"
    rf"(?<!\w)(?:i['’]?m|i\s+am|i\s+edit\s+as|i\s+go\s+by|ich\s+bin|je\s+suis|soy|sou|sono|ik\s+ben|jestem)\s+"
    rf"(?P<name>{_HANDLE_WORD}(?:\s+[A-ZÀ-ÞА-Я][\w'’-]{{0,30}}){{0,2}})\s+"
    rf"(?:on|in|at|auf|bei|in\s+der|sur|en|no|na|em|su|op|na)\s+{_WIKIS}",
    # "my username is X", "my wiki user name: X", "mein Benutzername ist X", "mi usuario es X"
    r"(?<!\w)(?:my|mein(?:e)?|mon|ma|mi|meu|minha|il\s+mio|mijn|moja|mój|мой|мій)\s+"
    r"(?:(?:wiki|wikipedia|meta|on-?wiki|wikimedia)\s+)?"
    r"(?P<kw>user\s*name|username|user|account|handle|nick(?:name)?|benutzer(?:name|konto)?|nom\s+d['’]utilisateur|"
    r"pseudo|compte|(?:nombre\s+de\s+)?usuario|cuenta|(?:nome\s+de\s+)?usu[áa]rio|conta|nome\s+utente|"
    r"gebruikersnaam|nazwa\s+użytkownika|login|ник|логин|аккаунт|акаунт)"
    r"(?:\s+(?:on|in|auf|sur|en|na|em|su|op)\s+" + _WIKIS + r")?"
    r"(?:\s*[:=—–-]|\s+(?:is|ist|est|es|é|è|to|это)(?!\w))\s*[\"“'«]?(?P<name>" + _HANDLE_WORD + r")",
)]
_LOOSE_KEYWORDS = frozenset("user account compte cuenta conta аккаунт акаунт login".split())
"""Words before a name that also come before other words ("my account is blocked")."""
_NOT_A_HANDLE = frozenset("""the a an same similar different not also just here there below above new active
private secret hidden still very quite mostly only no yes my your this that it der die das le la el mi""".split())


def self_named(text: str) -> list[str]:
    """The user names or handles a message's sender gives as their own: "I'm JaneDoe on wiki",
    "my username is jane_doe", "mein Benutzername ist X", "mi usuario es X" (the usual
    phrasings in a few languages).  "I'm new on wiki" gives nothing: after "I'm", only a name
    with a capital, digit or sign counts."""
    found = []
    for number, pattern in enumerate(_SELF_NAMED):
        for match in pattern.finditer(unicodedata.normalize("NFC", text)):
            name = match["name"].strip(".'’-")
            first = name.split()[0].lstrip("@") if name.split() else ""
            if not first or first.casefold() in _NOT_A_HANDLE:
                continue
            loose = number == 0 or match["kw"].casefold() in _LOOSE_KEYWORDS
            if loose and first.islower() and not re.search(r"[\d_.-]", first):
                continue  # "I'm new on wiki", "my account is blocked"

            found.append(name)
    return found
