"""Marks follow the notes: the questions page's marks made to agree with the notes as published.

A mark (``{{Conversation hour answered|Notes page#q-…}}``, with
``|status=written`` for a question to be answered in writing) promises
that the notes it links to hold, at that anchor, the question it stands
beside, with the status it says.  Each publish therefore:

* finds the page's questions as harvest reads them, with the ids the bot
  gave them (:func:`bot.harvest.reconcile.reconcile`: the draft's record
  and the marks already beside them), so that a question whose harvest id
  changed keeps its mark;
* puts the right mark beside every asking of every question of the notes
  (the status as the notes say it: answered, or to be answered in writing);
* takes away every mark that links to these notes inside a question's
  template call, on its lines or on the line of its mark (the page shows
  it as part of the question: only someone else puts one there), and
  every one that stands beside a question the notes no longer hold (staff deleted it from the draft, or
  moved it to another session's notes, whose own publish marks it there),
  and every mark beside a question whose anchor is not in ``marks``.

Only the mark call itself (and the space before it) is added, replaced or
taken away: the community's text around it is kept byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import mwparserfromhell

from bot import wikitext

from bot import harvest as harvest_mod
from bot import wikifacts
from bot.harvest.ids import comparable
from bot.harvest.reconcile import SIMILAR, Given, _forms, _similarity, reconcile
from bot.publish import pagetext

_ANCHOR = re.compile(r"#\s*(q-[0-9a-f]+)\s*$")


def mark_call(template: str, target: str, written: bool) -> str:
    return "{{" + template + "|" + target + ("|status=written" if written else "") + "}}"


def marks_on(line: str, template: str) -> list[mwparserfromhell.nodes.Template]:
    """The calls of the mark ``template`` on ``line`` (none without parsing when there is none)."""
    if not wikifacts.template_call_pattern(template).search(line):
        return []
    wanted = wikifacts.template_key(template)
    return [t for t in wikitext.parse(line).filter_templates(recursive=False)
            if wikifacts.template_key(str(t.name)) == wanted]


def mark_target(mark) -> tuple[str, str | None]:
    """(page, anchor id) a mark links to."""
    target = str(mark.get(1).value).strip() if mark.has(1) else ""
    found = _ANCHOR.search(target)
    page = target[:found.start()].strip() if found else target
    return wikifacts.normalise_title(page) if page else "", found[1] if found else None


def sync_marks(text: str, marks: Mapping[str, tuple[str, bool]], template: str, aliases: Mapping[str, str],
               *, notes_page: str = "", given: Iterable[Given] = (), facts=None) -> str:
    """``text`` (a questions page) with every mark agreeing with ``marks``
    (id → (link target, written?)): see the module's docstring.  A mark to
    another page than ``notes_page`` (another session's notes) is left as it is
    unless the question is in ``marks``."""
    result = harvest_mod.harvest(text, aliases, mark_template=template, facts=facts)
    lines = text.split("\n")
    questions = result.questions
    given = list(given)
    depths = _call_depths(lines)
    if given:
        marked = {}
        names = _mark_names(given)
        for index, q in enumerate(questions):
            for line in q.lines or [q.line]:
                for mark in marks_on(lines[_mark_spot(lines, line - 1, depths)], template) if line else ():
                    _, anchor = mark_target(mark)
                    if anchor and names(q, anchor):
                        marked.setdefault(index, anchor)
        questions, _ = reconcile(questions, given, marked=marked, withdrawn=result.withdrawn)
    own_page = wikifacts.normalise_title(notes_page) if notes_page else ""
    for q in questions:
        if not q.line:
            continue
        for line in q.lines or [q.line]:  # a merged duplicate: after every asker's line
            i = _mark_spot(lines, line - 1, depths)
            for j in range(line - 1, i):  # inside the question's call: where only someone else puts one
                lines[j] = drop_marks(lines[j], template, own_page)
            lines[i] = _drop_nested_marks(lines[i], template, own_page)
            if q.id in marks:
                target, written = marks[q.id]
                lines[i] = pagetext.set_mark(lines[i], template, mark_call(template, target, written))
            else:
                lines[i] = drop_marks(lines[i], template, own_page)
    return "\n".join(lines)


def _mark_names(given: list[Given]):
    """Whether a mark naming an id may name the question it stands beside
    (``names(question, id)``): anyone can move or copy a mark, so it names
    only a question that is the one the bot gave the id to, as far as the
    draft knows its text (the same text, or one as similar as a reworded
    question that keeps its id), and whose text the draft does not give
    another id.  A mark moved onto another question's line takes that
    question nothing, nor the answered one its mark."""
    by_id = {g.id: g for g in given if g.text}
    texts: dict[str, set[str]] = {}
    for g in by_id.values():
        texts.setdefault(comparable(g.text), set()).add(g.id)

    def names(question, id_: str) -> bool:
        forms = _forms(question)
        if any(texts.get(form, {id_}) - {id_} for form in forms):
            return False  # the draft gives this text another id
        g = by_id.get(id_)
        return g is None or comparable(g.text) in forms or _similarity(question.question, g.text) >= SIMILAR

    return names


_BRACES = re.compile(r"\{\{|\}\}")


def _call_depths(lines: list[str]) -> list[int]:
    """How many template calls (``{{``) are open at the end of each line: one
    linear pass over the page."""
    depth, out = 0, []
    for line in lines:
        for brace in _BRACES.findall(line):
            depth = depth + 1 if brace == "{{" else max(depth - 1, 0)
        out.append(depth)
    return out


def _mark_spot(lines: list[str], start: int, depths: list[int]) -> int:
    """The line a question's mark goes on (:func:`bot.publish.pagetext.mark_line`),
    moved past the end of a template call the question is written in: a
    signature inside ``{{Conversation hour question|question=…}}`` over
    several lines would otherwise put the mark inside its parameter.  A
    call that does not close within 50 lines leaves the line as it is."""
    i = pagetext.mark_line(lines, start)
    base = depths[start - 1] if start > 0 else 0
    if i >= len(lines) or depths[i] <= base:
        return i
    for j in range(i + 1, min(len(lines), i + 50)):
        if depths[j] <= base:
            return j
    return i


def _drop_nested_marks(line: str, template: str, notes_page: str) -> str:
    """``line`` without the marks linking to ``notes_page`` (or to no page)
    that stand inside another template's call on it (a question template's
    parameter): only someone else puts one there.  A regular expression
    decides whether the line needs the parser."""
    if not any(_open_calls(line[:m.start()]) for m in wikifacts.template_call_pattern(template).finditer(line)):
        return line
    code = wikitext.parse(line)
    top = {id(t) for t in code.filter_templates(recursive=False)}
    wanted = wikifacts.template_key(template)
    nested = [t for t in code.filter_templates(recursive=True) if id(t) not in top
              and wikifacts.template_key(str(t.name)) == wanted and mark_target(t)[0] in ("", notes_page)]
    for mark in nested:
        code.remove(mark)
    return str(code) if nested else line


def _open_calls(text: str) -> int:
    depth = 0
    for brace in _BRACES.findall(text):
        depth = depth + 1 if brace == "{{" else max(depth - 1, 0)
    return depth


def drop_marks(line: str, template: str, notes_page: str) -> str:
    """``line`` without the marks that link to ``notes_page`` (any, when it is ''),
    each with the space before it; nothing else changes."""
    found = [m for m in marks_on(line, template) if not notes_page or mark_target(m)[0] in ("", notes_page)]
    if not found:
        return line
    code = wikitext.parse(line)
    calls = {str(m) for m in found}
    for node in list(code.filter_templates(recursive=False)):
        if str(node) in calls:
            index = code.index(node)
            before = code.nodes[index - 1] if index else None
            code.remove(node)
            if isinstance(before, mwparserfromhell.nodes.Text) and before.value.endswith(" "):
                before.value = before.value[:-1]
    return str(code)
