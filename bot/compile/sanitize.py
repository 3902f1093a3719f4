"""Making community text safe to copy into a page the bot saves.

Anyone can write on the questions page; the bot copies the questions, under
its own account, into the draft and the notes.  Wikitext does more than
format: some of it acts when a page is saved (the pre-save transform turns
``~~~~`` into the saver's signature and expands ``{{subst:…}}``), some acts on
the page as a whole (an unclosed comment or tag swallows the rest of the page,
a category, a behaviour switch like ``__NOTOC__``, ``{{DISPLAYTITLE:…}}``, a
redirect, a heading), and the bot's own id markers must not be forged.

:func:`neutralise` makes all of that inert, mostly by showing it as text in
``<nowiki>``, and leaves ordinary formatting alone: links, bold and italics,
inline HTML formatting, closed ``<nowiki>``, and an allow-list of
harmless templates.  The result is a single line (line breaks become
``<br />``, list lines an inline HTML list), so it stays inside the bullet it is
put in.  Neutralising is idempotent: neutralised text comes back unchanged,
so a question can pass through the draft and then the notes.
"""

from __future__ import annotations

import re
from collections.abc import Collection

import mwparserfromhell
from mwparserfromhell.nodes import Argument, ExternalLink, HTMLEntity, Node, Tag, Template, Text, Wikilink
from mwparserfromhell.nodes.extras import Attribute
from mwparserfromhell.wikicode import Wikicode

from bot import wikifacts, wikitext
from bot.wikifacts import template_key

__all__ = ["DEFAULT_ALLOWED_TEMPLATES", "neutralise", "page_effects", "plain_heading"]

DEFAULT_ALLOWED_TEMPLATES: frozenset[str] = frozenset({"Tl", "Tlx", "U"})
"""Templates kept in community text: inline, harmless, common on Meta-wiki."""

INLINE_TAGS = frozenset({
    "abbr", "b", "bdi", "big", "br", "code", "del", "em", "i", "ins", "kbd", "mark", "nowiki",
    "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "tt", "u", "var", "ul", "ol",
})
"""HTML tags kept in community text (``li`` too, inside ``ul``/``ol``); any other is shown as text.
Not ``<ref>``: a footnote adds a reference list to the page, and a faulty one a
tracking category."""

KEPT_ATTRIBUTES = frozenset({"title", "lang", "dir"})
"""The attributes a kept tag keeps.  Not ``style`` (a ``position:fixed`` box
covers the page, ``display:none`` hides what follows), not ``class`` (the
skin's classes, or the bot's own mark's), not ``id`` (the bot's anchors)."""

SELF_CLOSING_TAGS = frozenset({"br", "nowiki"})
"""The kept tags that may be written self-closed (``<span/>`` puts the page in a tracking category)."""

def link_kind(prefix: str) -> str | None:
    """What a link with this prefix does to the page rather than link: 'category',
    'file' or 'interlanguage' (a language code such as ``de`` or ``zh-yue``), else None."""
    name = wikifacts.link_target(prefix).casefold()
    if name in wikifacts.CATEGORY_NAMESPACES:
        return "category"
    if name in wikifacts.FILE_NAMESPACES:
        return "file"
    if name == "simple" or wikifacts.LANGUAGE_CODE.fullmatch(name):
        return "interlanguage"
    return None


PAGE_MAGIC_WORDS = frozenset({"DISPLAYTITLE", "DEFAULTSORT", "DEFAULTSORTKEY", "DEFAULTCATEGORYSORT"})
"""Magic words that set something of the whole page (``{{DISPLAYTITLE:…}}``)."""

PAGE_TAGS = frozenset({"templatestyles", "indicator", "style", "ref", "references"})
"""Tags whose effect reaches past where they are written: a style sheet, an
indicator at the top of the page, footnotes and their list."""

_PAGE_STYLE = re.compile(r"(?:position\s*:\s*(?:fixed|absolute|sticky)|z-index\s*:|transform\s*:|"
                         r"(?:top|left|right|bottom)\s*:\s*-)", re.IGNORECASE)


def page_effects(text: str) -> set[str]:
    """What ``text`` does to the page as a whole rather than where it is
    written: categories, interlanguage links, behaviour switches, page-wide
    magic words, redirects, tags that reach past their place, and styles that
    take an element out of the page's flow (``position:fixed``…), each as a
    short description.  Used on templates read from the wiki, which may have
    no effect the shipped templates do not have."""
    effects: set[str] = set()
    if _REDIRECT.match(text.lstrip()):
        effects.add("a redirect")
    effects.update(f"the behaviour switch {m.upper()}" for m in re.findall(r"__[A-Za-z][A-Za-z_]*?__", text))
    code = wikitext.parse(text)
    for link in code.filter_wikilinks():
        title = wikifacts.link_target(str(link.title))
        m = _LINK_PREFIX.match(title)
        if m and not title.startswith(":"):
            kind = link_kind(m.group(1))
            if kind in ("category", "interlanguage"):
                title = f"{m.group(1).strip()}:{title[m.end():].strip()}"
                effects.add(f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} link [[{title}]]")
    for template in code.filter_templates():
        name = str(template.name).strip()
        word = name.split(":", 1)[0].strip().upper()
        if ":" in name and word in PAGE_MAGIC_WORDS:
            effects.add("{{" + word + ":…}}")
    for tag in code.filter_tags():
        name = str(tag.tag).strip().lower()
        if name in PAGE_TAGS:
            effects.add(f"a <{name}> tag")
        style = _PAGE_STYLE.search(mediawiki_attributes(tag).get("style", ""))
        if style:
            effects.add(f"the style {style.group(0).strip()!r}")
    return effects


_LINK_PREFIX = re.compile(r"\s*([^:\[\]|{}<>]+?)\s*:")
_REDIRECT = re.compile(r"#\s*redirect", re.IGNORECASE)
_LIST_MARKERS = re.compile(r"[*#:;][*#:;\s]*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NOWIKI_END = re.compile(r"</(?=\s*nowiki)", re.IGNORECASE)
_TEXT_HAZARDS = re.compile(
    r"(?P<tildes>~{3,})"
    r"|(?P<switch>__[A-Za-z][A-Za-z_]*?__)"
    r"|(?P<tag><(?=[A-Za-z/!?]))"
    r"|(?P<brackets>\{\{+|\}\}+|\[\[+|\]\]+)"
)
_TAG_NAME = re.compile(r"</?(?:!--|[A-Za-z][A-Za-z0-9-]*)|<[!?]")
_ENTITIES = {"{": "&#123;", "}": "&#125;", "[": "&#91;", "]": "&#93;"}


def neutralise(text: str, allowed_templates: Collection[str] = DEFAULT_ALLOWED_TEMPLATES
               ) -> tuple[str, list[str]]:
    """``text`` made safe to save inside a bullet, and what was changed.

    The changes are short descriptions ("signature tildes ~~~~ shown as text"),
    each once, in the order met; the caller adds which question they concern.
    """
    changes = _Changes()
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _without_hidden(text, changes)
    text = _one_line(text, changes)
    text = _unclosed_escaped(text, changes)
    code = mwparserfromhell.parse(text, skip_style_tags=True)
    _Cleaner({template_key(name) for name in allowed_templates}, changes).clean(code, parent=None)
    return str(code), changes.items


class _Changes:
    """What neutralising changed, each description once, in order."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, description: str) -> None:
        if description not in self.items:
            self.items.append(description)


def _without_hidden(text: str, changes: _Changes) -> str:
    """Remove comments (a signature in one would still be expanded on save) and
    forged id markers (empty ``<span id=…></span>``: only the bot places those).

    Removing one can join what was around it into a new one (``<!<!-- -->--
    x -->``, ``<span id=a><span id=b></span></span>``), so a removal must be
    followed by another look at the text around it.  Parsing the whole text
    again after each removal, as mwparserfromhell would need, is quadratic
    (800 forged markers in one question took 33 s); instead the text is read
    once, left to right, into an output buffer, and each removal only cuts the
    buffer's end, where the next characters then meet what came before the
    removed part: linear time (each character is appended once and cut at
    most once).  mwparserfromhell still decides what a marker is, on the
    candidate tag alone.

    As with mwparserfromhell, a comment needs its ``-->``: an unclosed
    ``<!--`` stays (the cleaner escapes it) and markers after it are still
    removed.  Unlike it, a comment or marker inside ``<nowiki>`` is removed
    too (harmless: it showed nothing).
    """
    if "<!--" not in text and "span" not in text.lower():
        return text
    out = _Hidden(changes)
    for char in text:
        out.append(char)
    return out.finish()


class _Hidden:
    """The output buffer of :func:`_without_hidden`."""

    def __init__(self, changes: _Changes) -> None:
        self.changes = changes
        self.chars: list[str] = []
        self.comment_at: int | None = None
        """Where the comment being read starts in :attr:`chars` (its ``<!--``), if one is open."""
        self.comments = True
        """False after an unclosed comment: only markers are looked for."""

    def append(self, char: str) -> None:
        chars = self.chars
        chars.append(char)
        if char == "-" and self.comment_at is None and self.comments and len(chars) >= 4 and \
                chars[-4] == "<" and chars[-3] == "!" and chars[-2] == "-":
            self.comment_at = len(chars) - 4
        elif char == ">":
            if self.comment_at is not None:
                if len(chars) - self.comment_at >= 7 and chars[-2] == "-" and chars[-3] == "-":
                    del chars[self.comment_at:]
                    self.comment_at = None
                    self.changes.add("hidden comment removed")
            else:
                self._marker_at_end()

    def _marker_at_end(self) -> None:
        """If the buffer ends with an empty ``<span id=…>…</span>``, cut it."""
        chars = self.chars
        end = len(chars) - 1  # the '>' just appended
        k = end - 1
        while k >= 0 and chars[k].isspace():
            k -= 1
        if k < 6 or "".join(chars[k - 5:k + 1]).lower() != "</span":
            return
        close = k - 5
        k = close - 1
        while k >= 0 and chars[k].isspace():
            k -= 1
        if k < 0 or chars[k] != ">":
            return
        k -= 1
        while k >= 0 and chars[k] not in "<>":
            k -= 1
        if k < 0 or chars[k] != "<" or "".join(chars[k:k + 5]).lower() != "<span":
            return
        candidate = "".join(chars[k:])
        code = mwparserfromhell.parse(candidate, skip_style_tags=True)
        if len(code.nodes) == 1 and isinstance(code.nodes[0], Tag) and _is_marker(code.nodes[0]):
            del chars[k:]
            self.changes.add(f"id marker {_excerpt(candidate)} removed")

    def finish(self) -> str:
        if self.comment_at is None:
            return "".join(self.chars)
        # An unclosed comment is text: what follows it is read again, for
        # markers only (no ``-->`` follows, so no comment can close there).
        head, rest = self.chars[:self.comment_at + 4], self.chars[self.comment_at + 4:]
        tail = _Hidden(self.changes)
        tail.comments = False
        for char in rest:
            tail.append(char)
        return "".join(head) + "".join(tail.chars)


#: Up to this many unclosed openers (:func:`bot.wikitext.unclosed`: ``{{``, ``[[``,
#: tags and tag starts, external links' ``[``), mwparserfromhell reads the text as
#: it is (and the cleaner escapes them); beyond, they are escaped first.
UNCLOSED_LIMIT = wikitext.UNCLOSED_LIMIT


def _unclosed_escaped(text: str, changes: _Changes) -> str:
    """Escape the ``{{``, ``[[``, external links' ``[``, opening tags and tag
    starts that nothing closes (:func:`bot.wikitext.unclosed`), when there are
    more than :data:`UNCLOSED_LIMIT` of them.

    mwparserfromhell backtracks over each unclosed one to the end of the text:
    quadratic (10,000 ``{{x|`` take 30 s, 10,000 ``<span>`` 4 s).  One
    left-to-right pass with a stack per kind finds them; they are shown as
    text, as the cleaner would show them (``&#123;&#123;``, ``&#91;&#91;``,
    ``&#91;``, ``&lt;``).  Below the limit nothing changes, so ordinary text is read
    exactly as before.

    Every ``<!--`` left here is unclosed (:func:`_without_hidden` removed the
    closed comments); beyond the limit they are escaped the same way first, as
    the tokenizer backtracks over each to the end too (upstream
    earwig/mwparserfromhell#364: 20,000 ``<!-- `` took 4.8 s, 2,000 0.05 s)."""
    if text.count("<!--") > UNCLOSED_LIMIT:
        text = text.replace("<!--", "&lt;!--")
        changes.add("unclosed or stray tag <!-- escaped")
    if wikitext.openers_at_most(text) <= UNCLOSED_LIMIT:
        return text
    unclosed = [(start, text[start:end]) for start, end in wikitext.unclosed(text)
                if not text.startswith("<!--", start)]
    if len(unclosed) <= UNCLOSED_LIMIT:
        return text
    escaped = {"{{": "&#123;&#123;", "[[": "&#91;&#91;", "[": "&#91;", "{|": "&#123;|"}
    out, last = [], 0
    for start, kind in sorted(unclosed):
        out.append(text[last:start])
        if kind in escaped:
            out.append(escaped[kind])
            last = start + len(kind)
        else:
            out.append("&lt;")
            last = start + 1
    out.append(text[last:])
    changes.add(f"{len(unclosed)} unclosed brackets or tags escaped")
    return "".join(out)


def _is_marker(tag: Tag) -> bool:
    return (str(tag.tag).strip().lower() == "span" and _has_id(tag)
            and not (tag.contents and str(tag.contents).strip()))


def _has_id(tag: Tag) -> bool:
    return any(_is_id(attribute) for attribute in tag.attributes) or "id" in mediawiki_attributes(tag)


_SPACE = "\t\n\f\r "
_MW_ATTRIBUTE = re.compile(
    rf"""((?:[^{_SPACE}/>=]|=)[^{_SPACE}/>=]*)"""
    rf"""(?:[{_SPACE}]*=[{_SPACE}]*(?:"([^"]*)(?:"|$)|'([^']*)(?:'|$)|((?:(?![{_SPACE}]|>).)*)))?""",
    re.DOTALL)
_MW_ATTRIBUTE_NAME = re.compile(r"[:\w][:\w.-]*")


def mediawiki_attributes(tag: Tag) -> dict[str, str]:
    """A tag's attributes as MediaWiki reads them (lower-case name → value).

    Written here because mwparserfromhell reads some attributes otherwise:
    MediaWiki needs no space between two attributes (``Sanitizer::
    getAttribsRegex``), so ``<span title="x"style="position:fixed">`` has a
    live ``style`` for MediaWiki and only a ``title`` whose value is
    ``"x"style="position:fixed"`` for mwparserfromhell.  Names MediaWiki
    drops (``Sanitizer::getAttribNameRegex``) are left out; of a name given
    twice, the last counts, as in ``Sanitizer::decodeTagAttributes``.
    """
    raw = "".join(str(attribute) for attribute in tag.attributes)
    attributes: dict[str, str] = {}
    for match in _MW_ATTRIBUTE.finditer(raw):
        name = match.group(1).lower()
        if not _MW_ATTRIBUTE_NAME.fullmatch(name):
            continue
        value = next((v for v in match.groups()[1:] if v is not None), "")
        attributes.pop(name, None)
        attributes[name] = " ".join(value.split(None))
    return attributes


def _as_parsed(tag: Tag) -> dict[str, str]:
    """A tag's attributes as mwparserfromhell reads them, in the form of :func:`mediawiki_attributes`."""
    attributes: dict[str, str] = {}
    for attribute in tag.attributes:
        name = str(attribute.name).strip().lower()
        attributes.pop(name, None)
        attributes[name] = " ".join(str(attribute.value if attribute.value is not None else "").split(None))
    return attributes


def _is_id(attribute: Attribute) -> bool:
    return str(attribute.name).strip().lower() == "id"


def _one_line(text: str, changes: _Changes) -> str:
    """Join the lines into one: line breaks become ``<br />``, runs of list lines
    an inline ``<ul>``/``<ol>``; what would act at the start of a line (a
    heading, a table, a redirect) is escaped."""
    blocks: list[tuple[str, list[str]]] = []  # ("line", [text]) or ("ul"/"ol", [items])
    for number, line in enumerate(line.strip() for line in text.split("\n") if line.strip()):
        if number == 0 and _REDIRECT.match(line):
            line = "&#35;" + line[1:]
            changes.add("#REDIRECT escaped")
        markers = _LIST_MARKERS.match(line)
        marker_text = markers.group() if markers else ""
        rest = _line_start(line[len(marker_text):], changes)
        list_char = next((c for c in marker_text if c in "*#"), None)
        kind = "line" if list_char is None else "ol" if list_char == "#" else "ul"
        if kind != "line" and blocks and blocks[-1][0] == kind:
            blocks[-1][1].append(rest)
        elif kind != "line" or rest:
            blocks.append((kind, [rest]))
    out: list[str] = []
    for index, (kind, items) in enumerate(blocks):
        if kind == "line":
            if index and blocks[index - 1][0] == "line":
                out.append("<br />")
            out.append(items[0])
        else:
            out.append(f"<{kind}>" + "".join(f"<li>{item}</li>" for item in items) + f"</{kind}>")
    return "".join(out)


def _line_start(line: str, changes: _Changes) -> str:
    if line.startswith("="):
        changes.add("heading markup (=) escaped")
        return "&#61;" + line[1:]
    if line.startswith("{|"):
        changes.add("table start ({|) escaped")
        return "&#123;" + line[1:]
    return line


class _Cleaner:
    """Walks the parsed text and replaces what may not stay, in place."""

    def __init__(self, allowed: set[str], changes: _Changes) -> None:
        self.allowed = allowed
        self.changes = changes

    def clean(self, code: Wikicode, parent: str | None) -> None:
        for index, node in enumerate(code.nodes):
            replacement = self.node(node, parent)
            if replacement is not None:
                code.nodes[index] = Text(replacement)

    def node(self, node: Node, parent: str | None) -> str | None:
        """The text replacing ``node``, or None when it stays (its parts cleaned)."""
        if isinstance(node, Text):
            value = _TEXT_HAZARDS.sub(self.text_hazard, node.value)
            return value if value != node.value else None
        if isinstance(node, HTMLEntity):
            return None
        if isinstance(node, Template):
            return self.template(node)
        if isinstance(node, Wikilink):
            return self.wikilink(node)
        if isinstance(node, ExternalLink):
            original = str(node)
            if self.changed(node.url, parent):
                return self.literal(original, "link")
            if node.title is not None:
                self.clean(node.title, parent)
            return None
        if isinstance(node, Tag):
            return self.tag(node, parent)
        if isinstance(node, Argument):
            self.changes.add(f"template parameter {_excerpt(str(node))} shown as text")
        else:  # a heading or anything else the single line should not hold
            self.changes.add(f"{_excerpt(str(node))} shown as text")
        return _literal(str(node))

    def changed(self, code: Wikicode, parent: str | None) -> bool:
        """Clean ``code``; whether that changed it."""
        before = str(code)
        self.clean(code, parent)
        return str(code) != before

    def literal(self, original: str, what: str) -> str:
        """A node whose target or attribute needed neutralising, shown as text:
        what is left would be no valid link or tag anyway."""
        self.changes.add(f"{what} {_excerpt(original)} shown as text")
        return _literal(original)

    def text_hazard(self, match: re.Match[str]) -> str:
        found = match.group()
        if match["tildes"]:
            self.changes.add(f"signature tildes {found} shown as text")
            return f"<nowiki>{found}</nowiki>"
        if match["switch"]:
            self.changes.add(f"behaviour switch {found} shown as text")
            return f"<nowiki>{found}</nowiki>"
        if match["tag"] is not None:
            name = _TAG_NAME.match(match.string, match.start())
            self.changes.add(f"unclosed or stray tag {name.group() if name else '<'} escaped")
            return "&lt;"
        self.changes.add(f"unmatched brackets {found} escaped")
        return "".join(_ENTITIES[c] for c in found)

    def template(self, node: Template) -> str | None:
        key = template_key(str(node.name))
        names = [str(parameter.name).strip() for parameter in node.params]
        # A repeated parameter puts the page in a tracking category.
        if key in self.allowed and ":" not in key and len(set(names)) == len(names):
            original = str(node)
            for parameter in node.params:
                if self.changed(parameter.name, None):
                    return self.literal(original, "template")
                self.clean(parameter.value, None)
            return None
        lower = key.lower()
        if lower.startswith(("subst:", "safesubst:")):
            kind = "substitution"
        elif key.startswith("#"):
            kind = "parser function"
        elif ":" in key:
            kind = "magic word or transclusion"
        else:
            kind = "template"
        self.changes.add(f"{kind} {_excerpt(str(node))} shown as text")
        return _literal(str(node))

    def wikilink(self, node: Wikilink) -> str | None:
        original = str(node)
        if self.changed(node.title, None):
            return self.literal(original, "link")
        if node.text is not None:
            self.clean(node.text, None)
        title = str(node.title)
        # Judged as MediaWiki reads it: [[Category_:X]], [[_Category:X]],
        # [[Category%3AX]], [[Category&#58;X]] and a direction mark before
        # the colon are all categories.
        target = wikifacts.link_target(title)
        prefix = _LINK_PREFIX.match(target)
        if prefix and not target.startswith(":"):
            kind = link_kind(prefix.group(1))
            if kind:
                node.title = ":" + title.lstrip()
                self.changes.add(f"{kind} link {_excerpt(str(node))} made a plain link")
        return None

    def tag(self, node: Tag, parent: str | None) -> str | None:
        original = str(node)
        name = str(node.tag).strip().lower()
        allowed = name in INLINE_TAGS or (name == "li" and parent in ("ul", "ol"))
        if (not allowed or node.wiki_markup or node.invalid
                or (node.self_closing and name not in SELF_CLOSING_TAGS)):
            self.changes.add(f"<{name}> tag shown as text")
            return _literal(str(node))
        for attribute in node.attributes:
            if not _is_id(attribute) and attribute.value is not None and self.changed(attribute.value, name):
                return self.literal(original, f"<{name}> tag")
        read = mediawiki_attributes(node)
        if read != _as_parsed(node):
            # What MediaWiki would read is not what the tag shows: written again
            # from MediaWiki's reading, one quoted attribute after another.
            for attribute in list(node.attributes):
                node.attributes.remove(attribute)
            for key, value in read.items():
                if key in KEPT_ATTRIBUTES:
                    node.add(key, value.replace('"', "&quot;"))  # raw wikitext: entities stay as written
            self.changes.add(f"attributes of <{name}> written as MediaWiki reads them")
        for attribute in [attribute for attribute in node.attributes if _is_id(attribute)]:
            node.attributes.remove(attribute)
            self.changes.add(f"id attribute removed from <{name}>")
        for key in read.keys() - KEPT_ATTRIBUTES - {"id"}:
            self.changes.add(f"{key} attribute removed from <{name}>")
        for attribute in [a for a in node.attributes if str(a.name).strip().lower() not in KEPT_ATTRIBUTES]:
            node.attributes.remove(attribute)
        if name != "nowiki" and node.contents is not None:
            self.clean(node.contents, name)
        return None


_HEADING_MARKUP = re.compile(r"[<>\[\]{}~=]|''|__|&(?=[#A-Za-z])")


def plain_heading(text: str) -> tuple[str, list[str]]:
    """A heading's text from community text, as plain text: no markup of any
    kind (a styled heading would be live in the draft, the notes and the
    table of contents), and never an anchor of the bot's form
    (``== q-0123456789 ==`` gives the page an element with a question's id)."""
    changes = _Changes()
    cleaned, found = neutralise(text)
    plain = " ".join(wikitext.parse(cleaned).strip_code(normalize=True, collapse=True).split())
    plain = _HEADING_MARKUP.sub(lambda m: f"&#{ord(m.group()[0])};" + m.group()[1:], plain)
    if plain != " ".join(text.split()):
        changes.add("heading made plain text")
    if wikifacts.BOT_ID.fullmatch(plain.replace("&#95;", "_")):
        plain = plain.replace("-", "\u2011", 1)
        changes.add("heading in the form of a question id changed")
    for change in found:
        changes.add(change)
    return plain, changes.items


def _literal(wikitext: str) -> str:
    """``wikitext`` shown as it is written, doing nothing."""
    return "<nowiki>" + _NOWIKI_END.sub("&lt;/", wikitext) + "</nowiki>"


def _excerpt(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"
