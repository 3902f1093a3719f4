"""Is every stage linear on hostile input?

Anyone who can edit the questions page can write anything in it, and each
tick harvests it, updates the draft with it and renders the notes from it.
For each kind of worst input below, the script builds a questions page at
size n and at 10n, times harvest, the draft update (``update_draft`` onto a
draft that holds the page's questions already, plus ``render_draft``) and the
notes rendering (``parse_draft`` + ``render_notes``), and prints the time of
the 10n page over the n page (target: at most 11, i.e. linear; quadratic
would be 100):

* forged id markers (``<span id="q-…"></span>``, hundreds in one question);
* forged answered marks (``{{Conversation hour answered|…}}``);
* nested tags (``<span><span>…`` deep, closed and unclosed);
* unclosed templates (``{{x|{{x|…``);
* tag starts with no ``>`` (``<div style="``, ``<é ``) and external links with no ``]``;
* long lines (one question of many kilobytes);
* many signatures on a line;
* deep lists (replies nested ever deeper under one question);

and for keeping Translate's unit markers when the notes are written again
(``keep_markers``, the marked notes on the wiki and the notes rendered anew),
the worst case of its alignment of a question's answers:

* every answer of one question edited (none kept its text), by one speaker;
* one question's answers all the same text, one more added;
* every heading renamed.

and for imports (``notesbot import``: ``read_messages`` + ``pick_questions``, names made
anonymous), chats and mails at 10n and 100n messages (or lines):

* a Zoom chat, a Telegram export, a YouTube replay: 10n messages from n/2 people who name
  each other (a chat of 10,000 messages took 40 s when every name was one expression);
* a mailbox of n mails; one mail of 10n lines; one HTML mail of ``<a<a<a…``;
* one chat message full of what the anonymiser scans: ``User:`` links never closed, runs of
  spaces, name particles.

It also runs every case of ``tests/data/hostile/`` through the whole
pipeline, as ``tests/test_hostile.py`` does, and prints the slowest (target:
under a second of CPU each; the test checks only a loose five seconds).

Times are the best of several runs of CPU time, the small and the large
input taking turns, each run from a collected heap with the garbage
collector off (as :mod:`timeit` does; see :func:`best_pair`).  With ``--check`` the script
exits non-zero when a ratio is above 15 (a loose bound, so that a busy machine
does not fail it) or when a stage raises; ``--quick`` takes a smaller n and
fewer runs.

    .venv/bin/python benchmarks/hostile.py [--quick] [--check]
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from datetime import date
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.compile import (keep_markers, load_templates, parse_draft, render_draft, render_notes,  # noqa: E402
                         update_draft)
from bot.harvest import harvest  # noqa: E402
from bot.model import Session  # noqa: E402

TARGET_SCALING, LOOSE_SCALING = 11.0, 15.0
SESSION = Session(title="Conversation Hour 2024 07 11", date=date(2024, 7, 11), style="conversation-hour-2024")
TEMPLATES = load_templates("conversation-hour-2024")
SIGN = "[[User:Example Editor|Example Editor]] ([[User talk:Example Editor|talk]]) 10:{m:02d}, 4 July 2024 (UTC)"


def sign(i: int = 0) -> str:
    return SIGN.format(m=i % 60)


def page(*questions: str) -> str:
    return "== Trust and Safety ==\n" + "\n".join(questions) + "\n"


def forged_markers(n: int) -> str:
    return page(*[f"* Question {q}? " + '<span id="q-0000000000"></span>' * (n // 10) + f" {sign(q)}"
                  for q in range(10)])


def forged_marks(n: int) -> str:
    mark = "{{Conversation hour answered|Conversation Hour 2024 07 11#q-0000000000}}"
    return page(*[f"* Question {q}? {mark * (n // 10)} {sign(q)}" for q in range(10)])


def nested_tags(n: int) -> str:
    closed = "<span>" * (n // 2) + "deep" + "</span>" * (n // 2)
    unclosed = "<b><i><span>" * (n // 6)
    return page(f"* Closed? {closed} {sign(1)}", f"* Unclosed? {unclosed} {sign(2)}")


def unclosed_templates(n: int) -> str:
    return page(f"* Templates? {'{{x|' * (n // 2)} {sign(1)}", f"* Links? {'[[a|' * (n // 2)} {sign(2)}")


def unclosed_attributes(n: int) -> str:
    """Tag starts with no ``>`` and external links with no ``]``, in one question each."""
    attribute = '<div style="'
    return page(f"* Attributes? {attribute * (n // 2)} {sign(1)}",
                f"* Links? {'[http://example.org/x ' * (n // 2)} {sign(2)}",
                f"* Tags? {'<é ' * (n // 2)} {sign(3)}")


def long_lines(n: int) -> str:
    words = " ".join(f"word{i % 97}" for i in range(n * 4))
    return page(f"* A long question: {words}? {sign(1)}")


def many_signatures(n: int) -> str:
    return page("* Signed many times? " + " ".join(sign(i) for i in range(n // 4)))


def deep_lists(n: int) -> str:
    lines = [f"* The question? {sign(0)}"]
    lines += [":" * (1 + i % 60) + f" Reply {i}. {sign(i)}" for i in range(n // 2)]
    return page(*lines)


KINDS: dict[str, Callable[[int], str]] = {
    "forged id markers": forged_markers,
    "forged marks": forged_marks,
    "nested tags": nested_tags,
    "unclosed templates": unclosed_templates,
    "unclosed attributes, links": unclosed_attributes,
    "long lines": long_lines,
    "many signatures on a line": many_signatures,
    "deep lists": deep_lists,
}


def marked(lines: list[str]) -> str:
    """``lines`` as Translate's marking leaves them: a marker in each unit."""
    numbers = iter(range(1, len(lines) + 1))
    return "\n".join(line.replace("<translate>", f"<translate><!--T:{next(numbers)}--> ", 1) for line in lines)


def answers_edited(n: int) -> tuple[str, str]:
    question = '* <span id="q-0000000001"></span><translate>Why?</translate>'
    old = [question] + [f": <translate>Maggie: Answer number {k} about the vote.</translate>" for k in range(n)]
    new = [question] + [f": <translate>Maggie: Answer number {k} about the vote, revised.</translate>"
                        for k in range(n)]
    return marked(old), "\n".join(new)


def answers_alike(n: int) -> tuple[str, str]:
    question = '* <span id="q-0000000001"></span><translate>Why?</translate>'
    old = [question] + [": <translate>Maggie: Yes.</translate>"] * n
    return marked(old), "\n".join([question, ": <translate>Maggie: No.</translate>"] + old[1:])


def headings_renamed(n: int) -> tuple[str, str]:
    old = [f"== <translate>Topic {k} of the call</translate> ==" for k in range(n)]
    return marked(old), "\n".join(line.replace(" of the call", " of this call") for line in old)


MARKER_KINDS: dict[str, Callable[[int], tuple[str, str]]] = {
    "answers all edited": answers_edited,
    "answers all alike": answers_alike,
    "headings all renamed": headings_renamed,
}


#: Community pages the bot reads whole (issue 25), each with one appended line
#: of n unclosed openers: what every tick parses of them.
UNCLOSED_UNITS = {"comments": "<!-- ", "templates": "{{x|", "links": "[[x|", "tags": "<span>",
                  "attributes": '<div style="', "ext. links": "[http://x ", "tables": "\n{|x",
                  "tag names": "<é ", "hidden closers": "{{a|<!--}}-->", "nowiki closers": "[[a|<nowiki>]]</nowiki>"}


def community_pages(unit: str, n: int) -> dict[str, Callable[[], object]]:
    from bot.compile.check import check_draft
    from bot.publish import pagetext

    draft = render_draft(harvest(page(*[f"Question {i}? {sign(i)}" for i in range(20)])).questions,
                         SESSION, TEMPLATES).text + unit * n + "\n"
    index = "".join(f"* [[Conversation Hour 2024 0{1 + i % 9} 1{i % 9}]]\n" for i in range(20)) + unit * n + "\n"

    def read_draft() -> object:
        return parse_draft(draft), check_draft(draft)

    def read_index() -> object:
        return pagetext.links_in(index), pagetext.set_template(index, "Conversation hour navigation", {"1": "x"})

    return {"draft": read_draft, "index / session page": read_index}


def calendar_feed(n: int) -> Callable[[], object]:
    """``notesbot ical``'s pure part over an index of ``n`` published sessions (issue 25, item 5)."""
    from bot.config import SeriesConfig
    from bot.model import PageState
    from bot.publish import ical

    series = SeriesConfig()
    days = [date(2000, 1, 1).fromordinal(date(2000, 1, 1).toordinal() + 7 * i) for i in range(n)]
    titles = [series.session_title_for(d) for d in days]
    index = "".join(f"* [[{t}|{d}]] – [[{t}#Notes|notes]]\n" for t, d in zip(titles, days))
    pages = {t: PageState(t, True, f"{{{{Conversation hour navigation|start={d}T17:00Z}}}}") for t, d in zip(titles, days)}
    return lambda: ical.sessions(index, series, pages, set(days))


_FIRST = "Amara Lukas Priya Tomás Hiroshi Sofia Nadia Kwame Ingrid Olena Mateo Grace Fatima Henrik Jan Piotr".split()
_LAST = "Okafor Brenner Raman Ibarra Tanaka Lindqvist Haddad Asante Solberg Kovalenko Rossi Mwangi Dahl Nowak".split()


def _person(k: int) -> str:
    return f"{_FIRST[k % len(_FIRST)]} {_LAST[(k // len(_FIRST)) % len(_LAST)]}{k // 224 or ''}"


def _said(k: int, people: int) -> str:
    return (f"Question {k} for {_FIRST[(k * 3) % len(_FIRST)]}: what about the grace period of the Trust and "
            f"Safety policy, as {_person((k * 7) % people)} asked?")


def zoom_chat(n: int) -> tuple[str, bytes]:
    people = max(2, n // 20)
    lines = []
    for k in range(n):
        lines += [f"{k // 3600 % 24:02d}:{k // 60 % 60:02d}:{k % 60:02d} From {_person(k % people)} to Everyone:",
                  "\t" + _said(k, people)]
    return "chat.txt", ("\n".join(lines) + "\n").encode()


def telegram_export(n: int) -> tuple[str, bytes]:
    import json
    people = max(2, n // 20)
    messages = [{"id": k, "type": "message", "date": "2024-07-11T21:02:10", "date_unixtime": str(1720720930 + k),
                 "from": _person(k % people), "from_id": f"user{k % people}",
                 "text": [_said(k, people), {"type": "mention", "text": f"@user{(k + 1) % people}"}]}
                for k in range(n)]
    return "result.json", json.dumps({"name": "Chat", "type": "public_supergroup", "messages": messages}).encode()


def youtube_replay(n: int) -> tuple[str, bytes]:
    import json
    people = max(2, n // 20)
    return "chat.jsonl", "".join(json.dumps({
        "author": {"name": _person(k % people), "id": f"UC{k % people:08d}"}, "message": _said(k, people),
        "message_type": "text_message", "time_in_seconds": k * 61.0, "timestamp": 1720720802100000 + k * 61_000_000,
    }) + "\n" for k in range(n)).encode()


def _mail(k: int, body: str, people: int = 1, html: bool = False) -> str:
    kind = "html" if html else "plain"
    return (f"From: {_person(k % people)} <p{k % people}@example.org>\nSubject: Question {k}\n"
            f"Date: Thu, 11 Jul 2024 20:{k % 60:02d}:00 +0000\nContent-Type: text/{kind}; charset=utf-8\n\n{body}\n")


def mailbox(n: int) -> tuple[str, bytes]:
    people = max(2, n // 10)
    return "mails.mbox", "".join(f"From p{k}@example.org Thu Jul 11 20:00:00 2024\n"
                                 + _mail(k, _said(k, people) + f"\n\nBest,\n{_person(k % people)}\n", people)
                                 for k in range(n)).encode()


def long_mail(n: int) -> tuple[str, bytes]:
    return "long.eml", _mail(0, "\n".join(f"Line {k} of the mail, and why?" for k in range(n))).encode()


def html_mail(n: int) -> tuple[str, bytes]:
    return "html.eml", _mail(0, "<p>Why?</p>" + "<a" * n + "</" * n, html=True).encode()


def scanned_message(n: int) -> tuple[str, bytes]:
    n //= 20  # within the longest message read (MAX_MESSAGE_CHARS)
    text = ("Why [[User:A " * n + " " * n + "van " * n + "User:B " * n + "another participant " * (n // 10)
            + "{{ping| " + " " * n + "x")
    return "chat.txt", f"00:00:01 From Ann Lee to Everyone:\n\t{text}?\n".encode()


#: Import files at n and 10n (each called with 10n and 100n of the benchmark's n).
IMPORT_KINDS: dict[str, Callable[[int], tuple[str, bytes]]] = {
    "zoom chat": zoom_chat, "telegram export": telegram_export, "youtube replay": youtube_replay,
    "mailbox": lambda n: mailbox(n // 10), "mail of many lines": long_mail, "html mail <a<a": html_mail,
    "message the anonymiser scans": scanned_message,
}


def import_stage(name: str, data: bytes) -> Callable[[], object]:
    import tempfile

    from bot.harvest.channels import pick_questions, read_messages
    folder = Path(tempfile.mkdtemp(prefix="hostile-import-"))
    (folder / name).write_bytes(data)

    def run() -> object:
        return pick_questions(read_messages(folder / name)[1], hosts=("Maggie Dennis",))
    return run


def stages(text: str) -> dict[str, Callable[[], object]]:
    result = harvest(text)
    draft = render_draft(result.questions, SESSION, TEMPLATES).text

    def update() -> object:
        render_draft(result.questions, SESSION, TEMPLATES)
        return update_draft(draft, result.questions, SESSION, TEMPLATES)

    def notes() -> object:
        return render_notes(parse_draft(draft), SESSION, TEMPLATES)

    return {"harvest": lambda: harvest(text), "draft update": update, "notes": notes}


def best(fn: Callable[[], object], runs: int) -> float:
    """The best CPU time of ``runs`` runs of ``fn``, each timed as :func:`best_pair` times them."""
    return max(min(_timed(fn) for _ in range(runs)), 1e-4)


def _timed(fn: Callable[[], object]) -> float:
    from bot.compile import draft as draft_mod

    draft_mod._parsed.cache_clear()
    gc.collect()
    gc.disable()
    try:
        start = time.process_time()
        fn()
        return time.process_time() - start
    finally:
        gc.enable()


def best_pair(small: Callable[[], object], large: Callable[[], object], runs: int) -> tuple[float, float]:
    """The best CPU times of ``runs`` runs of ``small`` and of ``large``, taking
    turns so that both meet the same machine (``benchmarks/harvest.py`` does
    the same), and each run alike:

    * cold: the drafts a run keeps parsed (``parse_draft``'s cache) are
      forgotten first, as a new tick starts without them (a second run
      would time a copy, not a parse);
    * from a collected heap, with the cyclic garbage collector off while it
      runs, as :mod:`timeit` times by default: a collection that falls in
      one run and not in another moved single ratios by 3-5 (11.8 with it,
      7.1-8.7 without, for the same unclosed links).  Its cost is
      proportional to the objects made, so it does not hide a quadratic
      algorithm."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        times[0].append(_timed(small))
        times[1].append(_timed(large))
    return max(min(times[0]), 1e-4), min(times[1])


class Ratios:
    """The ratios printed so far, and the worst."""

    def __init__(self) -> None:
        self.worst = 0.0

    def report(self, label: str, stage: str, small: Callable[[], object], large: Callable[[], object],
               runs: int) -> None:
        t_small, t_large = best_pair(small, large, runs)
        ratio = t_large / t_small
        self.worst = max(self.worst, ratio)
        flag = "" if ratio <= TARGET_SCALING else "  over target" if ratio <= LOOSE_SCALING else "  FAIL"
        print(f"{label:28} {stage[:14]:14} {t_small:8.4f}s {t_large:8.4f}s {ratio:6.1f}{flag}")


def slowest_case(runs: int) -> tuple[str, float]:
    """The case of ``tests/data/hostile/`` that takes longest through the pipeline, and its best time."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from test_hostile import CASES, run_case  # the test's own pipeline, not a copy
    timed = {stem: best(lambda: run_case(stem), max(1, runs // 2)) for stem in CASES}
    stem = max(timed, key=timed.get)
    return stem, timed[stem]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="n = 200 and fewer runs")
    parser.add_argument("--check", action="store_true", help="exit 1 when a ratio is above the loose bound")
    args = parser.parse_args()
    n, runs = (200, 3) if args.quick else (400, 5)
    ratios = Ratios()
    print(f"time at 10n / time at n (n = {n}; target <= {TARGET_SCALING:g}, loose check <= {LOOSE_SCALING:g})")
    print(f"{'input':28} {'stage':14} {'n':>9} {'10n':>9} {'ratio':>6}")
    for kind, make in KINDS.items():
        small, large = stages(make(n)), stages(make(10 * n))
        for stage in small:
            ratios.report(kind, stage, small[stage], large[stage], runs)
    for kind, pair in MARKER_KINDS.items():
        (small_old, small_new), (large_old, large_new) = pair(n), pair(10 * n)
        ratios.report(kind, "keep markers", lambda: keep_markers(small_old, small_new),
                      lambda: keep_markers(large_old, large_new), runs)
    for kind, unit in UNCLOSED_UNITS.items():
        small, large = community_pages(unit, 10 * n), community_pages(unit, 100 * n)
        for stage in small:
            ratios.report("unclosed " + kind, stage, small[stage], large[stage], runs)
    ratios.report("sessions on the index", "calendar feed", calendar_feed(n), calendar_feed(10 * n), runs)
    for kind, make in IMPORT_KINDS.items():
        ratios.report("import: " + kind, "read + pick", import_stage(*make(10 * n)), import_stage(*make(100 * n)),
                      runs)
    worst = ratios.worst
    print(f"worst ratio: {worst:.1f}")
    slowest, seconds = slowest_case(runs)
    print(f"slowest case of tests/data/hostile/: {slowest} {seconds:.3f} s (target < 1 s)"
          + ("" if seconds < 1.0 else "  over target"))
    if args.check and worst > LOOSE_SCALING:
        print(f"FAIL: a ratio above {LOOSE_SCALING:g} (quadratic or worse)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
