"""What a reader sees of a bit of wikitext, and what leads a signature.

A signature starts at its first link, or before it at the signer's name as written,
a dash (``--~~~~``), a separator, styling tags or the text a substituted {{unsigned}}
leaves ("Preceding unsigned comment added by").  :func:`_lead_start` walks back over
them; :func:`visible` measures gaps in visible characters.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator

_LINK_TEXT = re.compile(r"\[\[([^\[\]|\n]*)(?:\|((?:[^\[\]\n]|\[(?!\[)|\](?!\]))*))?(\]*)\]\]")
_EXTERNAL_LINK = re.compile(r"\[(?:https?:)?//[^\s\]]*\s*([^\]]*)\]")
_TAG = re.compile(r"<[^<>]*>")
_SMALL_TEMPLATE = re.compile(r"\{\{[^{}]*\}\}")
_OPENING_TAG = re.compile(r"<[a-z][a-z0-9]*(?:\s(?:[^<>\"']|\"[^\"<]*\"|'[^'<]*')*)?>", re.IGNORECASE)
"""An opening tag before a signature (``<span title="a>b">``, ``<div style=…>``, ``<kbd>``): what it
wraps is the signature, whatever the tag."""
_DASHES = ("--", "—", "–", "&mdash;", "&ndash;", "&#8212;", "&#8211;", "&#x2014;", "&#x2013;", "~")
"""What people put before a signature (``--~~~~``); a lone hyphen counts after white space."""
_SEPARATORS = ("&nbsp;", "&#160;", "&#xa0;", "&#xA0;", "&thinsp;", "&#x2009;", "&#8201;", "·", "•", "&bull;",
               "&middot;", "|", "&#124;", "&#x7C;", "&#x7c;", "(")
"""Separators and spaces written before a signature's first link."""

_EMPTY_WRAPPER = re.compile(r"<(?P<tag>span|small|sup|sub|font|b|i|u|em|strong|big|bdi)\b[^<>]*>"
                            r"(?P<inside>\s*[^\s<>][^<>]{0,40})</(?P=tag)\s*>\Z", re.IGNORECASE)
"""A tag wrapping a few characters, ending where a signature's links start."""
_DIRECTION_MARKS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""Invisible marks that turn text around (U+061C ARABIC LETTER MARK too): right-to-left names pick
them up around a signature."""
_ENTITY_TEMPLATE = re.compile(r"(?:&#123;|&#x7[bB];){2}[^{}|\[\]<>&\n]{1,40}&#(?:124|x7[cC]);\Z")
"""A template call written with character references, up to its first ``|``: what a signature
pasted from a page's source leaves before its link."""

_AUTOSIGNED_JUNK = (r"(?:\s|&nbsp;|&#160;|<[^<>\n]{0,80}>|'{2,}|\[\[[^\[\]|\n]{0,60}\||\[\[|\]\]"
                    r"|[(),:–—-]|&[mn]dash;)*")
"""What may stand between the words of a substituted {{unsigned}}'s text: markup, a link around a
word (``nicht [[Hilfe:Signatur|signierter]] Beitrag``), brackets and dashes."""


_AUTOSIGNED_WORD = re.compile(r"[^\W_](?:[\w'’:.-]*[^\W_])?|[^\w\s]")
"""A word of a substituted text, or a mark of punctuation on its own (a link may close before it)."""


def autosigned_pattern(texts: tuple[str, ...]) -> re.Pattern[str] | None:
    """What substituted {{unsigned}} templates write before the user's links ("Preceding unsigned
    comment added by", "nicht signierter Beitrag von"), each text's words in order with any markup
    between them, up to where the links start."""
    alternatives = [_AUTOSIGNED_JUNK.join(re.escape(word) for word in words)
                    for text in texts if (words := _AUTOSIGNED_WORD.findall(text))]
    if not alternatives:
        return None
    # a link may open before the first word too: ``[[Hilfe:Signatur|nicht signierter]] Beitrag von``
    return re.compile(r"(?:—|--|&mdash;)?\s*(?:\[\[[^\[\]|\n]{0,60}\|)?(?:" + "|".join(alternatives) + ")"
                      + _AUTOSIGNED_JUNK + r"\Z", re.IGNORECASE)


def _autosigned_ends(texts: tuple[str, ...]) -> tuple[str, ...]:
    """The last words of the substituted texts, case-folded: what must stand right before the links."""
    return tuple({text.split()[-1].casefold() for text in texts if text.split()})


def visible(text: str) -> str:
    """What a reader sees of a bit of wikitext: tags and small templates dropped, links
    shown by their text, entities decoded."""
    text = _SMALL_TEMPLATE.sub("", _TAG.sub("", text))
    text = _LINK_TEXT.sub(lambda m: (m.group(2) if m.group(2) is not None else m.group(1)) + m.group(3), text)
    text = _EXTERNAL_LINK.sub(lambda m: m.group(1), text)
    return html.unescape(text).replace("\u00a0", " ").strip()



def links_labels(text: str) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, target, visible label) of each wiki link in a text."""
    for match in _LINK_TEXT.finditer(text):
        label = match.group(2) if match.group(2) is not None else match.group(1)
        yield match.start(), match.end(), match.group(1), label + match.group(3)


_LAST_WORD = re.compile(r"([^\W\d_]+)(?:['\s]|</?[a-z]+\s*>|\]\])*\Z", re.IGNORECASE)
"""The last word before a point, with the quotes, tags and link end that close it."""
_NAME_WORD = re.compile(r"(?<![^\W_])([^\W_]+)(?:[\s_'.]|</[a-z]+\s*>)*\Z", re.IGNORECASE)
"""A word of a name, and the closing tags and quotes of its styling (``<span …>Ann</span>``)."""
_NAME_WORDS = 6
"""The most words of a name written before a signature's links."""


def _name_words(user: str, signature: str) -> set[str]:
    """The words (case-folded) of the signer's name: of the user name (its initials too), and
    the capitalised words of the signature's links' labels (``Rosie's talk``) that are not
    words of the link's namespace (``Talk``)."""
    words = {word.casefold() for word in _WORDS.findall(user)
             if not word.isdigit() and (len(word) > 1 or word.isupper())}
    for _, _, target, label in links_labels(signature):
        namespace = {word.casefold() for word in _WORDS.findall(target.rpartition(":")[0])}
        words |= {word.casefold() for word in _WORDS.findall(visible(label))
                  if len(word) > 1 and word[:1].isupper() and word.casefold() not in namespace}
    return words


_WORDS = re.compile(r"[^\W_]+")

_WORD_AFTER = re.compile(r"[ \t]+'*[^\W\d_]{2,}")
"""A word after a link: ``my [[User:Ex/Notes|notes]] there`` goes on as a sentence; a signature's
link to a subpage (``[[User:Ex/Sig|Ex]]``) is followed by its timestamp, a bracket or its end."""

_IN_SENTENCE = re.compile(r"[^\W_]'*[ \t]+'*\Z|,[ \t]*\Z")
"""What a link in the middle of a sentence follows: a word and a space (``on my``; a signature
is often glued to the text before it) or a comma (not a ``;``, which ends the entities signatures
are separated with: ``&#124;``)."""


def mention_label(text: str, start: int, end: int, user: str) -> str | None:
    """The label to keep of the link ``text[start:end]`` to ``user``'s pages when it is part of a
    sentence (``write on my [[User talk:Ex|talk page]].``), not a signature: it follows a word,
    and its label, shown, is words (two or more) none of which is the name's.  None for any other
    link."""
    if not _IN_SENTENCE.search(text, max(0, start - 20), start):
        return None
    label = next((label for _, _, _, label in links_labels(text[start:end])), None)
    if label is None or "|" not in text[start:end]:
        return None  # a bare link shows its target: the name
    shown = visible(label)
    name = {word.casefold() for word in _WORDS.findall(user) if len(word) > 1 or word.isupper()}
    before = _WORDS.findall(visible(text[max(0, start - 40):start]))
    words = _WORDS.findall(shown)
    target = text[start:end].partition("|")[0]
    subpage_in_sentence = "/" in target.partition(":")[2] and _WORD_AFTER.match(text, end) is not None
    if (len(words) < 2 and not subpage_in_sentence) or \
            any(word.casefold() in name for word in [*words, *before[-1:]]):
        # one word is how a signature labels its links (``talk``, ``contribs``, ``💬``); the name
        # shown, or written just before (``Ann Example [[User talk:…|talk]]``), is a signature's
        return None
    return label


def _lead_start(text: str, start: int, user: str | None = None, signature: str = "",
                autosigned: re.Pattern[str] | None = None, ends: tuple[str, ...] = ()) -> int:
    """Move a signature's start back over its styling, its dash, the signer's name written
    before its links (``Ann Example ([[User talk:Ann Example|talk]])``: words of the user
    name or of a link's label), and a substituted {{unsigned}}'s "Preceding unsigned comment
    added by"."""
    start = _skip_lead(text, start)
    if user:  # the whole name, as written (an IP address too)
        lowest = max(0, start - len(user) - 8)
        before = text[lowest:start].replace("_", " ").rstrip("'. \t")
        name_start = lowest + len(before) - len(user)
        if before.casefold().endswith(user.casefold()) and (
                name_start == 0 or not text[name_start - 1].isalnum()):
            start = _skip_lead(text, name_start)
    words: set[str] | None = None
    for _ in range(_NAME_WORDS if user else 0):
        name = _NAME_WORD.search(text, max(0, start - 60), start)
        if name is None:
            break
        if words is None:
            words = _name_words(user, signature)  # only when a word stands before the links
        if name.group(1).casefold() not in words:
            break
        start = _skip_lead(text, name.start())
    last = _LAST_WORD.search(text, max(0, start - 40), start) if autosigned is not None else None
    if last is not None and last.group(1).casefold() in ends:  # a cheap test before the pattern's
        lead = autosigned.search(text, max(0, start - 300), start)
        if lead:
            start = _skip_lead(text, lead.start())
    return start


def _skip_lead(text: str, start: int) -> int:
    """Move back over white space, opening styling tags, bold or italic quotes and
    dashes, one at a time: the cost is the length of what is skipped."""
    while start > 0:
        if text[start - 1].isspace() or text[start - 1] in _DIRECTION_MARKS:
            start -= 1
        elif text.endswith(("&#124;", "&#x7C;", "&#x7c;"), 0, start) and (
                written := _ENTITY_TEMPLATE.search(text, max(0, start - 60), start)) is not None:
            start = written.start()  # ``&#123;&#123;U&#124;[[User:Ex|Ex]]&#125;&#125;``: a template shown as text
        elif not text[start - 1].isascii() and unicodedata.category(text[start - 1]) in ("So", "Sm"):
            start -= 1  # a symbol a signature is decorated with: ``↔``, ``★``, ``✉``
        elif text.endswith(">", 0, start) and (wrapper := _EMPTY_WRAPPER.search(text, max(0, start - 200), start)) \
                and not visible(wrapper["inside"]).strip("-–—·•|~ \u2190-\u21ff\u2600-\u27bf"):
            start = wrapper.start()  # ``<span>—</span>``: a wrapper of nothing but a dash or symbol
        elif text.endswith("''", 0, start):
            quotes = start - 2
            while quotes > 0 and text[quotes - 1] == "'":
                quotes -= 1
            if quotes > 0 and text[quotes - 1].isalnum():
                break  # they close the question's own bold or italics
            start = quotes
        elif (tag := _tag_before(text, start, _OPENING_TAG)) is not None:
            start = tag
        elif (dash := next((dash for dash in _DASHES + _SEPARATORS if text.endswith(dash, 0, start)),
                            None)) is not None:
            start -= len(dash)
        elif text.endswith("-", 0, start) and (start == 1 or text[start - 2].isspace()):
            start -= 1
        else:
            break
    return start


def _tag_before(text: str, end: int, tag: re.Pattern[str]) -> int | None:
    """Where a tag of the given kind that ends at ``end`` starts, if one does."""
    if not text.endswith(">", 0, end):
        return None
    lowest = max(0, end - 200)
    opening = text.rfind("<", lowest, end)
    while opening >= 0:
        if tag.fullmatch(text, opening, end):
            return opening
        opening = text.rfind("<", lowest, opening)  # the "<" was inside a quoted attribute value
    return None
