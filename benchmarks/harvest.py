"""How fast is harvesting a questions page, next to parsing it with mwparserfromhell?

Generates a questions page of 5,000 questions in every form the harvester
reads (seeded, so every run measures the same page), then prints:

* questions harvested per second;
* harvest time / ``mwparserfromhell.parse`` time on the same page (target: at most 2);
* harvest time for 5,000 questions / for 500 (target: at most 11, i.e. linear).

Times are the best of several runs of CPU time, measured in the same process,
the large page, its parse and the small page taking turns.  With
``--check`` the script exits non-zero when a target is missed by a wide margin
(ratio above 3, scaling above 15) or when the page does not harvest to the
questions it was generated with, so a test can run it.  ``--quick`` takes
fewer runs.

    .venv/bin/python benchmarks/harvest.py [--quick] [--check]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import mwparserfromhell  # noqa: E402

from bot.harvest import harvest  # noqa: E402
from bot.wikifacts import MONTHS  # noqa: E402  (English, as Meta-wiki signs; %B follows the locale)

TARGET_RATIO, LOOSE_RATIO = 2.0, 3.0
TARGET_SCALING, LOOSE_SCALING = 11.0, 15.0

TOPICS = ["Trust and Safety", "T&S", "Human rights", "Universal Code of Conduct", "Movement Charter",
          "Other", "Community Development", "  universal   code of conduct "]
NAMES = ["Example Editor", "Sample-Wikimedian", "Пример Участник", "مستخدم مثال", "Third_Example",
         "Fourth Example", "例子用户", "Fifth Example"]
WORDS = ("the foundation community board committee charter safety process policy election "
         "volunteers affiliates funding research movement strategy trust conduct enforcement "
         "language wiki editors readers support review").split()


@dataclass
class Page:
    text: str
    questions: int
    """How many distinct questions the page holds (withdrawn ones and duplicates not counted)."""


class PageWriter:
    """Writes a questions page with questions in every form, counting them."""

    def __init__(self, seed: int):
        self.random = random.Random(seed)
        self.time = datetime(2024, 7, 1, 8, 0)
        self.number = 0
        self.asked: list[str] = []

    def question(self) -> str:
        self.number += 1
        words = self.random.choices(WORDS, k=self.random.randint(8, 40))
        return f"Question {self.number}: why does the {' '.join(words)}?"

    def signature(self) -> str:
        self.time += timedelta(minutes=self.random.randint(1, 7))
        stamp = f"{self.time:%H:%M}, {self.time.day} {MONTHS[self.time.month - 1]} {self.time.year} (UTC)"
        kind = self.random.randrange(8)
        name = self.random.choice(NAMES)
        if kind == 0:
            return f"<span class=\"signature\">[[User:{name}|{name}]]</span> {stamp}"
        if kind == 1:
            return f"--[[User:{name}|{name}]] ([[User talk:{name}|talk]]) {stamp}"
        if kind == 2:
            return (f"— [[User:{name}|<font color=\"#036\">{name}</font>]] "
                    f"<sup>[[User talk:{name}|talk]]</sup> {stamp}")
        if kind == 3:
            ip = f"198.51.{self.random.randrange(256)}.{self.random.randrange(256)}"
            return f"[[Special:Contributions/{ip}|{ip}]] {stamp}"
        if kind == 4:
            ip = f"2001:db8::{self.random.randrange(65536):x}"
            return f"[[Special:Contributions/{ip}|{ip}]] ([[User talk:{ip}|talk]]) {stamp}"
        if kind == 5:
            return f"{{{{unsigned|{name}|{stamp}}}}}"
        return f"[[User:{name}|{name}]] ([[User talk:{name}|talk]]) {stamp}"

    def topic_section(self, count: int) -> tuple[str, int]:
        lines = [f"== {self.random.choice(TOPICS)} =="]
        asked = 0
        while asked < count:
            form = self.random.randrange(10)
            text = self.question()
            if form == 0:
                lines.append(f"* {text}")  # unsigned
            elif form == 1:
                lines += [f"* {text} {self.signature()}", f"*: Thank you, a comment. {self.signature()}"]
            elif form == 2:
                lines += [f"* {text} {self.signature()}", f"** Follow-up: {self.question()} {self.signature()}"]
                asked += 1
            elif form == 3:
                lines += ["{{Conversation hour question", f"| topic = {self.random.choice(TOPICS)}",
                          f"| question = {text}", f"}}}} {self.signature()}"]
            elif form == 4:
                lines.append(f"* <s>{text}</s> {self.signature()}")  # withdrawn
                continue
            elif form == 5:
                text += " <nowiki>[[not a link]]</nowiki>"
                lines += ["<!-- a note for the hosts -->", f"* {text} {self.signature()}"]
            elif form == 6 and self.asked:
                lines.append(f"* {self.random.choice(self.asked)} {self.signature()}")  # a duplicate
                continue
            else:
                lines.append(f"* {text} {self.signature()}")
            self.asked.append(text)
            asked += 1
        return "\n".join(lines) + "\n", asked

    def prose_section(self) -> str:
        title = f"Question {self.number + 1} as a section"
        return (f"== {title} ==\n{self.question()}\n\nSome context for it. {self.signature()}\n"
                f":Seconded. {self.signature()}\n")

    def page(self, questions: int) -> Page:
        parts = ["{{Conversation hour questions header\n| session = Conversation Hour\n}}\n"
                 "Please add your question below and sign it with <nowiki>~~~~</nowiki>.\n"]
        asked = 0
        while asked < questions:
            if self.random.randrange(10) == 0:
                parts.append(self.prose_section())
                asked += 1
            else:
                text, count = self.topic_section(min(questions - asked, self.random.randint(1, 40)))
                parts.append(text)
                asked += count
        return Page("\n".join(parts), asked)


def cpu_time(work: Callable[[], object]) -> float:
    """CPU time one call takes: unlike wall time, it does not count the time other
    processes on the machine have the processor."""
    start = time.process_time()
    work()
    return time.process_time() - start


@dataclass
class Timings:
    """Best CPU times, in seconds."""

    harvest_large: float
    harvest_small: float
    parse_large: float
    parse_small: float


def best_times(rounds: int, parse_rounds: int, large: Page, small: Page) -> Timings:
    """Best times of harvesting and parsing the large page and the small one.

    They take turns in every round, so that they run under the same
    conditions (a busy machine slows them all down, not just one of them).
    """
    times: dict[str, list[float]] = {"harvest_large": [], "harvest_small": [], "parse_large": [], "parse_small": []}
    for number in range(rounds):
        times["harvest_large"].append(cpu_time(lambda: harvest(large.text)))
        times["harvest_small"].extend(cpu_time(lambda: harvest(small.text)) for _ in range(3))
        if number < parse_rounds:
            times["parse_large"].append(cpu_time(lambda: mwparserfromhell.parse(large.text)))
            times["parse_small"].extend(cpu_time(lambda: mwparserfromhell.parse(small.text)) for _ in range(3))
    return Timings(**{name: min(values) for name, values in times.items()})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed by a wide margin")
    args = parser.parse_args(argv)
    rounds, parse_rounds = (4, 2) if args.quick else (12, 4)

    large, small = PageWriter(seed=2024).page(5000), PageWriter(seed=2024).page(500)
    failures = []
    for page in (large, small):
        result = harvest(page.text)
        if len(result.questions) != page.questions or result.problems:
            failures.append(f"a page of {page.questions} questions harvested to {len(result.questions)} "
                            f"questions and {len(result.problems)} problems")

    best = best_times(rounds, parse_rounds, large, small)
    ratio = best.harvest_large / best.parse_large
    scaling = best.harvest_large / best.harvest_small

    print(f"page: {large.questions:,} questions, {len(large.text):,} characters, "
          f"{large.text.count(chr(10)) + 1:,} lines")
    print(f"harvest:                {best.harvest_large:.3f} s  "
          f"({large.questions / best.harvest_large:,.0f} questions/s)")
    print(f"mwparserfromhell.parse: {best.parse_large:.3f} s")
    print(f"harvest / parse:        {ratio:.2f}  (target <= {TARGET_RATIO:g})")
    print(f"{small.questions:,} questions: {best.harvest_small:.4f} s; {large.questions:,} questions: "
          f"{best.harvest_large:.3f} s; ratio {scaling:.1f}  (target <= {TARGET_SCALING:g}; "
          f"mwparserfromhell.parse: {best.parse_large / best.parse_small:.1f})")

    if ratio > LOOSE_RATIO:
        failures.append(f"harvest takes {ratio:.2f} times a parse (more than {LOOSE_RATIO:g})")
    if scaling > LOOSE_SCALING:
        failures.append(f"10 times the questions take {scaling:.1f} times as long (more than {LOOSE_SCALING:g})")
    for failure in failures:
        print(f"missed: {failure}", file=sys.stderr)
    return 1 if args.check and failures else 0


if __name__ == "__main__":
    sys.exit(main())
