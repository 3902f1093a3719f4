"""What one line of a questions page says: its text, the signature that signs
it, its struck-out parts, and the {{Conversation hour question}} template it may hold.

A post's signature is read by :mod:`bot.harvest.signatures`; the lines a post is
cut into by :mod:`bot.harvest.lines`.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from bot import wikifacts
from bot.wikifacts import QUESTION_TEMPLATE
from bot.harvest.lines import _BRACES, _QUESTION_TEMPLATE_NAME, _shown
from bot.harvest.signatures import Signature, find_signature, links_to_user, signatures_within, without_mentions

_TEMPLATE_TOKEN = re.compile(r"\{\{|\}\}|\[\[|\]\]|\||=")
_STRIKE = re.compile(r"<(s|del|strike)\b[^<>]*>", re.IGNORECASE)
_STRIKE_CLOSING = re.compile(r"</(?:s|del|strike)\s*>", re.IGNORECASE)
_STRIKE_END = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in ("s", "del", "strike")}
_ASKS = re.compile(r"[？؟¿]|\?(?![\w=&/%.-])")
"""A question mark that ends a question, not one inside a URL (``index.php?title=``)."""
_OPENING_TAG = re.compile(r"<(?!/)[a-z]+\b[^<>]*(?<!/)>", re.IGNORECASE)
_CLOSING_TAG_ANY = re.compile(r"\s*</[a-z]+\s*>", re.IGNORECASE)


# --- What a line says ---------------------------------------------------------

@dataclass
class _Said:
    """What a list item, a line of prose or a template submission says."""

    text: str
    """Its wikitext without signature, struck-out parts and comments."""
    struck: str
    """Its struck-out parts."""
    signature: Signature | None
    topic: str | None = None
    """The topic parameter of a question template, as written."""
    problems: list[str] = field(default_factory=list)
    unreadable: bool = False
    """Whether it holds a question template that cannot be read, so it gives no question."""

    @property
    def asks(self) -> bool:
        return _asks(self.text)

    @property
    def withdrawn(self) -> bool:
        """Whether the question is struck out: nothing is left, or what is left asks nothing
        while the struck part did (a note such as "withdrawn")."""
        return bool(self.struck) and (not self.text or (not self.asks and _asks(self.struck)))


def _read(structure: str, display: str, facts: wikifacts.LanguageFacts, *, struck: str = "") -> _Said:
    """What a line says: its text without any signature in it, and the signature that signs it.

    The signature at its end signs it; when the asker signed it more than once (a re-signed
    edit, ``Edit:`` or ``PS`` added, two questions on one line), every other signature is cut
    too, the words between kept, and the question's time is its first signature's.  A
    signature inside a {{Conversation hour question}}'s parameter signs the template.  A line
    ``struck`` from its start (by a strike tag opened above it and not yet closed) reads as if it
    began with that tag.
    """
    if struck:
        structure, display = f"<{struck}>" + structure, f"<{struck}>" + display
    signature = find_signature(structure, facts)
    end = signature.start if signature else len(structure)
    if signature is not None and signature.end is not None and _inside_question_template(structure, signature):
        structure, display = _cut(structure, display, [(signature.start, signature.end)])
        end = len(structure)
    head, shown = structure[:end], display[:end]
    inner = signatures_within(head, facts)
    cut = bool(inner)
    if inner:
        head, shown = _cut(head, shown, [(part.start, part.end or part.start) for part in inner])
        if signature is None:
            signature = inner[-1]  # words after a signature, unsigned: still its signer's line
        earliest = min((part.timestamp for part in inner if part.user == signature.user and part.timestamp),
                       default=None)
        if earliest is not None and (signature.timestamp is None or earliest < signature.timestamp):
            signature = dataclasses.replace(signature, timestamp=earliest, problem=None)
    if signature is not None and signature.user and (links := links_to_user(head, signature.user, facts)):
        head, shown = _cut(head, shown, links)  # the asker's signatures without a time (three tildes)
        cut = True
    kept, struck = (_wikitext(*part) for part in _strike_out(head, shown))
    if signature is not None and signature.user:  # the asker's links inside a sentence keep their words
        kept.text, struck.text = (without_mentions(part.text, signature.user, facts) for part in (kept, struck))
    said = _Said(kept.text, struck.text, signature, topic=kept.topic or struck.topic)
    if signature and signature.problem:
        said.problems.append(signature.problem)
    for problem in filter(None, (kept.problem, struck.problem)):
        said.problems.append(problem)
        said.unreadable = True
    if said.struck or cut:
        said.text = re.sub(r"[ \t]{2,}", " ", said.text)  # where struck words or signatures were
    return said


def _inside_question_template(structure: str, signature: Signature) -> bool:
    """Whether a signature stands inside a {{Conversation hour question}} that closes after it."""
    if not _QUESTION_TEMPLATE_NAME.search(structure, 0, signature.start):
        return False
    template = _question_template(structure, structure)
    return template is not None and template.start < signature.start < template.end


def _cut(structure: str, display: str, spans: list[tuple[int, int]]) -> tuple[str, str]:
    """Structure and display without the given (start, end) spans, in order, and without the
    closing tags right after a span that close opening tags inside it (a ``<small>`` signature)."""
    kept_structure: list[str] = []
    kept_display: list[str] = []
    position = 0
    for start, end in spans:
        opened = len(_OPENING_TAG.findall(structure, start, end)) - len(_CLOSING_TAG_ANY.findall(structure, start, end))
        while opened > 0 and (closing := _CLOSING_TAG_ANY.match(structure, end)) is not None:
            end, opened = closing.end(), opened - 1
        kept_structure.append(structure[position:start])
        kept_display.append(display[position:start])
        position = end
    kept_structure.append(structure[position:])
    kept_display.append(display[position:])
    return " ".join(kept_structure), " ".join(kept_display)


@dataclass
class _Wikitext:
    """What a reader sees of part of a line: a question template gives its question and topic."""

    text: str
    topic: str | None = None
    problem: str | None = None
    """Why a question template in it cannot be read."""


def _wikitext(structure: str, display: str) -> _Wikitext:
    template = _question_template(structure, display)
    if template is None:
        if _QUESTION_TEMPLATE_NAME.search(structure):
            return _Wikitext(_shown(display).strip(), problem=f"a {{{{{QUESTION_TEMPLATE}}}}} that is not closed")
        return _Wikitext(_shown(display).strip())
    question = template.get("question", "1")
    if not question:
        return _Wikitext("", problem=f"a {{{{{QUESTION_TEMPLATE}}}}} without a question")
    rest = _shown(display[:template.start] + display[template.end:]).strip()
    return _Wikitext(f"{question} {rest}".strip(), template.get("topic", "2") or None)


def _strike_out(structure: str, display: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """Split text into what is kept and what is struck out (``<s>``, ``<del>``, ``<strike>``),
    each as its structure and display.

    An unclosed strike tag strikes to the end of the line, as a browser shows it; a closing
    tag before any opening one closes a strike opened on a line above, so what precedes it
    is struck too.
    """
    kept: list[tuple[str, str]] = []
    struck: list[tuple[str, str]] = []
    position = 0
    stray = _STRIKE_CLOSING.search(structure)
    if stray is not None and ((first := _STRIKE.search(structure)) is None or stray.start() < first.start()):
        # a strike opened on a line above closes here: what comes before it is struck too
        struck.append((structure[:stray.start()], display[:stray.start()]))
        position = stray.end()
    while (opening := _STRIKE.search(structure, position)) is not None:
        kept.append((structure[position:opening.start()], display[position:opening.start()]))
        closing = _STRIKE_END[opening.group(1).lower()].search(structure, opening.end())
        stop = closing.start() if closing else len(structure)
        struck.append((structure[opening.end():stop], display[opening.end():stop]))
        position = closing.end() if closing else len(structure)
    kept.append((structure[position:], display[position:]))
    return _joined(kept, ""), _joined(struck, " ")


def _joined(pieces: list[tuple[str, str]], separator: str) -> tuple[str, str]:
    return (separator.join(structure for structure, _ in pieces),
            separator.join(display for _, display in pieces))


@dataclass
class _Template:
    """A template found in a text: where it is and its parameters."""

    start: int
    end: int
    parameters: dict[str, str]

    def get(self, *names: str) -> str:
        """The first of the named parameters that is given, else an empty string."""
        return next((self.parameters[name] for name in names if self.parameters.get(name)), "")


def _question_template(structure: str, display: str) -> _Template | None:
    """The first closed {{Conversation hour question}} in a text, or None.

    Parameters are split the way MediaWiki's preprocessor splits them: at
    pipes outside nested templates and links, a name before the first such
    ``=``.  Reading it here, in one linear scan, rather than with
    mwparserfromhell keeps a page full of unclosed templates from taking
    quadratic time (mwparserfromhell's tokenizer retries each one).
    """
    name = _QUESTION_TEMPLATE_NAME.search(structure)
    if name is None:
        return None
    braces, links = 1, 0
    pieces: list[tuple[int, int | None, int]] = []  # (start, first top-level "=", end)
    piece_start, equals = name.start() + 2, None
    for token in _TEMPLATE_TOKEN.finditer(structure, name.start() + 2):
        mark = token.group()
        if mark == "{{":
            braces += 1
        elif mark == "}}":
            braces -= 1
            if braces == 0:
                pieces.append((piece_start, equals, token.start()))
                return _Template(name.start(), token.end(), _parameters(display, pieces[1:]))
        elif mark == "[[":
            links += 1
        elif mark == "]]":
            links = max(0, links - 1)
        elif braces > 1 or links:
            continue
        elif mark == "|":
            pieces.append((piece_start, equals, token.start()))
            piece_start, equals = token.end(), None
        elif equals is None:
            equals = token.start()
    return None


def _parameters(display: str, pieces: list[tuple[int, int | None, int]]) -> dict[str, str]:
    parameters: dict[str, str] = {}
    position = 0
    for start, equals, end in pieces:
        if equals is None:
            position += 1
            parameters[str(position)] = _shown(display[start:end]).strip()
        else:
            parameters[_shown(display[start:equals]).strip()] = _shown(display[equals + 1:end]).strip()
    return parameters


def _asks(text: str) -> bool:
    return _ASKS.search(text) is not None


def _only_templates(structure: str) -> bool:
    """Whether a line is nothing but closed templates (a header), and no other text."""
    depth = 0
    position = 0
    for brace in _BRACES.finditer(structure):
        if depth == 0 and structure[position:brace.start()].strip():
            return False
        if brace.group() == "{{":
            depth += 1
        elif depth:
            depth -= 1
        else:
            return False
        position = brace.end()
    return depth == 0 and not structure[position:].strip()


