"""Every problem of a notes draft, with its line, graded by what it would do.

``notesbot check`` prints these; each tick writes them on the status page and
into the draft's own status box; publishing refuses a draft with a problem
that would lose text.  Pure: the draft's text in, findings out.

What is looked for:

* markup that would swallow text: an unclosed ``<!--``, ``<nowiki>``,
  ``<ref>``, ``<pre>`` or ``<div>``, or a ``{{`` never closed (everything
  after it would be hidden, shown raw or pulled into a template);
* a status box the bot cannot read: a status that is none of
  :data:`~bot.wikifacts.DRAFT_STATUSES`, a misspelled parameter (both with
  "did you mean", from :mod:`difflib`), or no box at all;
* what :func:`~bot.compile.draft.parse_draft` could not place: a line that may
  be an answer typed as a question, text not under a question, two questions
  with one id, a question without text;
* answers whose first line names no speaker;
* two questions with the same text (the notes would hold it twice);
* a question whose text names or links a person (a user link, a ping, an
  ``@name``, a signature left in it): the notes are anonymous;
* answers the bot proposed from the recording's transcript that staff have
  not reviewed yet (:mod:`bot.compile.proposals`): left out of the notes.

The scan of the markup is one pass over the text with a search for each
closing tag; a tag known to be unclosed is not searched for again, so the
check stays linear in the size of the draft.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


from bot import wikitext

from bot import wikifacts
from bot.compile import proposals
from bot.compile.draft import Draft, parse_draft, recording_url, speaker_of
from bot.model import DraftProblemKind

__all__ = ["BLOCKING", "Finding", "LOSES_TEXT", "NAMES_SOMEONE", "STALLS", "Severity", "WARNING", "check_draft",
           "exit_code", "losing_text"]


class Severity(StrEnum):
    """What a problem of a draft would do (the words ``notesbot check`` prints)."""

    LOSES_TEXT = "loses text"
    STALLS = "stalls"
    NAMES_SOMEONE = "names someone"
    WARNING = "warning"


LOSES_TEXT, STALLS, NAMES_SOMEONE, WARNING = (Severity.LOSES_TEXT, Severity.STALLS, Severity.NAMES_SOMEONE,
                                              Severity.WARNING)
BLOCKING = frozenset({LOSES_TEXT, STALLS, NAMES_SOMEONE})
"""The severities that make ``notesbot check`` exit 1."""

_SEVERITY_OF_KIND = {
    DraftProblemKind.OUTSIDE_QUESTION: LOSES_TEXT,
    DraftProblemKind.NO_STATUS_BOX: STALLS,
    DraftProblemKind.DUPLICATE_ID: WARNING,
    DraftProblemKind.EMPTY_QUESTION: WARNING,
    DraftProblemKind.ANSWER_AS_QUESTION: WARNING,
}

_SWALLOWING = ("nowiki", "ref", "pre")
"""Tags whose content is not wikitext, and which swallow the rest of the page when left open."""
_LITERAL = ("syntaxhighlight", "source", "math", "chem", "ce", "score", "code")
"""Tags whose content is shown as text (code, formulas): brackets in them open or close nothing."""
_TOKEN = re.compile(r"<!--|<(?P<close>/?)(?P<tag>" + "|".join(("div", *_SWALLOWING, *_LITERAL)) +
                    r")(?=[\s/>])(?P<attrs>[^<>]*)>|\{\{|\}\}", re.IGNORECASE)
_CLOSING = {tag: re.compile(rf"</{tag}\s*>", re.IGNORECASE) for tag in (*_SWALLOWING, *_LITERAL)}
_MENTION = re.compile(r"(?<![\w@.])@[^\W\d_][\w.-]*")


@dataclass(frozen=True)
class Finding:
    """One problem of a draft."""

    line: int
    severity: Severity
    reason: str
    text: str = ""

    @property
    def blocking(self) -> bool:
        return self.severity in BLOCKING

    def __str__(self) -> str:
        excerpt = self.text if len(self.text) <= 60 else self.text[:57] + "..."
        return f"line {self.line}: {self.reason}" + (f": {excerpt!r}" if excerpt else "") + f" ({self.severity})"

    def to_json(self) -> dict[str, object]:
        return {"line": self.line, "severity": self.severity, "reason": self.reason, "text": self.text}


def check_draft(text: str, speakers: Iterable[str] = ()) -> list[Finding]:
    """Every problem of the draft ``text``, in line order.  ``speakers`` as
    for :func:`~bot.compile.draft.parse_draft` (the series' host and speakers)."""
    draft = parse_draft(text, speakers)
    findings = (_markup(text) + _status_box(draft) + _placing(draft) + _speakers(draft) + _people(draft)
                + _duplicates(draft) + _proposals(text))
    return sorted(findings, key=lambda f: (f.line, f.severity not in BLOCKING))


def exit_code(findings: Iterable[Finding]) -> int:
    """0 when nothing would lose text, stall the session or name someone, else 1."""
    return 1 if any(f.blocking for f in findings) else 0


def losing_text(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == LOSES_TEXT]


# -- markup ---------------------------------------------------------------------

def _markup(text: str) -> list[Finding]:
    lines = _Lines(text)
    findings: list[Finding] = []
    unclosed: set[str] = set()
    divs: list[int] = []
    braces: list[int] = []
    position = 0
    literal_until = 0
    while (match := _TOKEN.search(text, position)) is not None:
        start, position = match.start(), match.end()
        token = match.group()
        if token == "<!--":
            close = text.find("-->", position)
            if close < 0:
                findings.append(Finding(lines.at(start), LOSES_TEXT,
                                        "unclosed <!--: everything after it is hidden", lines.text(start)))
                break
            position = close + 3
            continue
        if token in ("{{", "}}") and start < literal_until:
            continue
        if token == "{{":
            braces.append(start)
            continue
        if token == "}}":
            if braces:
                braces.pop()
            continue
        tag = match["tag"].lower()
        self_closing = match["attrs"].rstrip().endswith("/")
        if tag == "div":
            if match["close"]:
                if divs:
                    divs.pop()
            elif not self_closing:
                divs.append(start)
            continue
        if match["close"] or self_closing:
            continue
        if tag in unclosed:
            continue
        close_match = _CLOSING[tag].search(text, position)
        if tag in _LITERAL:
            if close_match is None:
                unclosed.add(tag)  # an unclosed <code> formats to the end; its text is still shown
            elif tag == "code":  # HTML, not an extension tag: its brackets are text, its comments comments
                literal_until = max(literal_until, close_match.start())
            else:
                position = close_match.end()
            continue
        if close_match is None:
            unclosed.add(tag)
            what = {"nowiki": "the rest is shown as raw wikitext", "ref": "the rest becomes a footnote",
                    "pre": "the rest is shown as raw preformatted text"}[tag]
            findings.append(Finding(lines.at(start), LOSES_TEXT, f"unclosed <{tag}>: {what}", lines.text(start)))
            continue
        position = close_match.end()
    for start in divs:
        findings.append(Finding(lines.at(start), LOSES_TEXT,
                                "unclosed <div>: the rest of the page ends up inside it", lines.text(start)))
    if braces:
        start = braces[0]
        findings.append(Finding(lines.at(start), LOSES_TEXT,
                                "unclosed {{: the rest of the draft becomes part of a template", lines.text(start)))
    return findings


class _Lines:
    """Line numbers and line texts of offsets, found by bisection over the line starts."""

    def __init__(self, text: str) -> None:
        self.text_ = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def at(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def text(self, offset: int) -> str:
        number = self.at(offset)
        start = self.starts[number - 1]
        end = self.text_.find("\n", start)
        return self.text_[start:end if end >= 0 else len(self.text_)].strip()


# -- the status box -------------------------------------------------------------------

def _did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word.strip().lower(), list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def _status_box(draft: Draft) -> list[Finding]:
    if not draft.status_line:
        return []  # parse_draft's own problem says so
    findings = []
    lines = dict((name, line) for name, line in draft.parameters)
    status = draft.status.strip()
    statuses = wikifacts.DRAFT_STATUSES
    if status.lower() not in statuses:
        guess = _did_you_mean(status, statuses)
        hint = f"did you mean {guess!r}? " if guess else ""
        findings.append(Finding(lines.get("status", draft.status_line), STALLS,
                                f"status {status!r} is none of {', '.join(statuses)}: {hint}the notes wait "
                                f"until it says 'ready'"))
    if draft.recording and recording_url(draft) is None:
        findings.append(Finding(lines.get("recording", draft.status_line), WARNING,
                                f"recording {draft.recording!r} is not an address (https://…): not shown"))
    named_status = any(name == "status" for name, _ in draft.parameters)
    for value, line in draft.positional:
        # The box (bot/wikipages/draft-status.wiki) reads only named parameters: {{{status|collecting}}}.
        meant = _did_you_mean(value, statuses) if value else None
        stalls = meant is not None and not named_status
        findings.append(Finding(line, STALLS if stalls else WARNING,
                                f"value {value!r} without a parameter name in the status box is not read"
                                + (f" (the status stays {draft.status!r}): write 'status = {meant}'" if stalls
                                   else "")))
    for name, line in draft.parameters:
        if not name or name.isdigit():
            continue
        if name.lower() in wikifacts.DRAFT_PARAMETERS:
            if name != name.lower():
                findings.append(Finding(line, STALLS if name.lower() == "status" else WARNING,
                                        f"parameter {name!r} is not read (names are lower case): "
                                        f"did you mean {name.lower()!r}?"))
            continue
        guess = _did_you_mean(name, wikifacts.DRAFT_PARAMETERS)
        severity = STALLS if guess == "status" else WARNING
        hint = f": did you mean {guess!r}?" if guess else f" (known: {', '.join(wikifacts.DRAFT_PARAMETERS)})"
        findings.append(Finding(line, severity, f"unknown parameter {name!r} in the status box{hint}"))
    return findings


# -- what the draft reader could not place ------------------------------------------

def _proposals(text: str) -> list[Finding]:
    """Answers the bot proposed from the transcript that staff have not reviewed (left out of the notes)."""
    return [Finding(block.line, WARNING, PROPOSAL_REASON, block.text) for block in proposals.unreviewed(text)]


PROPOSAL_REASON = ("answer proposed from the transcript, not reviewed (left out of the notes): delete its "
                   "{{Conversation hour proposal}} line to accept it, the whole block to reject it")


def _placing(draft: Draft) -> list[Finding]:
    return [Finding(p.line, _SEVERITY_OF_KIND.get(getattr(p, "kind", ""), WARNING), p.reason, p.text)
            for p in draft.problems]


def _speakers(draft: Draft) -> list[Finding]:
    findings = []
    for question in draft.questions:
        if question.answers and speaker_of(question.answers[0]) is None:
            findings.append(Finding(question.answer_lines[0], WARNING,
                                    "answer without a speaker (write ': Name: answer')", question.answers[0]))
    return findings


def _duplicates(draft: Draft) -> list[Finding]:
    """Questions that say the same thing as an earlier one (case, spacing and
    end punctuation aside): the notes would hold it twice.  Staff merge them
    (the harvest keeps one id for each: the marks of both askers follow it)."""
    first: dict[str, int] = {}
    findings = []
    for question in draft.questions:
        key = " ".join(question.text.casefold().split()).rstrip(" ?.!…:;,")
        if not key:
            continue
        if key in first:
            findings.append(Finding(question.line, WARNING,
                                    f"the same question as line {first[key]}: keep one (merge the answers)",
                                    question.text))
        else:
            first[key] = question.line
    return findings


def _people(draft: Draft) -> list[Finding]:
    """Questions whose text names or links a person: the notes publish questions anonymously."""
    findings = []
    for question in draft.questions:
        reason = _person_in(question.text)
        if reason:
            findings.append(Finding(question.line, NAMES_SOMEONE,
                                    f"the question {reason}: the notes are anonymous", question.text))
    return findings


def _person_in(text: str) -> str | None:
    code = wikitext.parse(text)
    for link in code.filter_wikilinks():
        user = wikifacts.user_of_link(str(link.title))
        if user:
            return f"links the user {user!r}"
    for template in code.filter_templates():
        if wikifacts.template_key(str(template.name)) in wikifacts.PERSON_TEMPLATES:
            return f"pings or names a user with {{{{{str(template.name).strip()}}}}}"
    for link in code.filter_external_links():
        user = wikifacts.user_of_link(str(link.url).split("title=", 1)[-1].split("/wiki/", 1)[-1])
        if user:
            return f"links the user {user!r}"
    ascii_digits = text.translate(wikifacts.every_digit())
    # A signature's timestamp in any language (``08:23, 29 wrz 2018 (CEST)``), anywhere in the question.
    if wikifacts.signature_time(ascii_digits):
        return "still has a signature in it"
    mention = _MENTION.search(text)
    if mention:
        return f"mentions {mention.group()}"
    return None
