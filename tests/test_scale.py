"""Publishing at scale, on the real local wiki: a series with 200 past sessions
on its index and a questions page of 2,000 questions.

The ``notesbot publish`` command must finish, keep the index sorted with one
line per session, mark every question, and stay under 300 MB of memory.  The
memory is the peak resident set size (``ru_maxrss``) of the ``notesbot``
process alone, as the kernel reports it when the process is reaped with
``os.wait4`` (the bot runs as the console script, one process, no child).

Not reaped by pytest itself: Linux keeps a process's peak across ``execve``,
and a child forked (or vforked, as :mod:`subprocess` does) from pytest starts
with pytest's own peak, which after the rest of the suite is itself over
300 MB.  So a small launcher (:data:`LAUNCHER`, a bare Python of about 10 MB)
forks the bot, reaps it and writes its ``ru_maxrss`` to a file.

Times are printed (``pytest -s``), never checked: a busy machine must not
fail a test.  ``benchmarks/`` holds the speed figures.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta

import pytest

from lanes import first_fast
from scenario import NOTESBOT, Scenario

DAY = date(2025, 1, 16)
QUESTIONS = 2000
PAST_SESSIONS = 200
MEMORY_LIMIT_MB = 300
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
TOPICS = ("Trust and Safety", "Universal Code of Conduct", "Committee Support", "Human Rights",
          "Movement Charter", "Other questions")
ASKERS = ("Community Member", "Example Editor", "Sample-Wikimedian", "Пример Участник", "Third Example")
WORDS = ("the foundation community board committee charter safety process policy election volunteers "
         "affiliates funding research movement strategy trust conduct enforcement language editors").split()

def human_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def past_days() -> list[date]:
    """200 past sessions, a fortnight apart: 150 before the session published
    here and 50 after it (notes published late), so that its index line goes
    in the middle of the list."""
    days = [DAY + timedelta(days=14 * k) for k in range(-150, 51) if k != 0]
    assert len(days) == PAST_SESSIONS and all(d < date(2027, 1, 1) for d in days)
    return days


def index_text(s: Scenario, days: list[date]) -> str:
    lines = ["Notes of the past Conversation Hours, oldest first.", ""]
    for day in days:
        title = s.session(day.isoformat())
        lines.append(f"* [[{title}|{human_date(day)}]] – [[{title}#Notes|notes]]")
    return "\n".join(lines + ["", "[[Category:Conversation Hours]]", ""])


def questions_text(count: int) -> str:
    """``count`` signed questions, in topic sections, each one unique."""
    rnd = random.Random(2000)
    clock = DAY - timedelta(days=40)
    minutes = 0
    lines = ["{{Conversation hour questions header\n| session = Conversation Hour\n}}",
             "Please add your question below and sign it with <nowiki>~~~~</nowiki>.", ""]
    per_topic = -(-count // len(TOPICS))
    for number in range(1, count + 1):
        if (number - 1) % per_topic == 0:
            lines += ["", f"== {TOPICS[(number - 1) // per_topic]} =="]
        minutes += rnd.randint(1, 20)
        hour, minute = divmod(minutes % (24 * 60), 60)
        day = clock + timedelta(days=minutes // (24 * 60))
        stamp = f"{hour:02d}:{minute:02d}, {day.day} {MONTHS[day.month - 1]} {day.year} (UTC)"
        who = rnd.choice(ASKERS)
        words = " ".join(rnd.choices(WORDS, k=rnd.randint(8, 30)))
        lines.append(f"* Question {number}: why does the {words}? "
                     f"[[User:{who}|{who}]] ([[User talk:{who}|talk]]) {stamp}")
    return "\n".join(lines) + "\n"


def answered_draft(text: str) -> tuple[str, int]:
    """The draft with an answer under every other question, and status ready."""
    out, number = [], 0
    for line in text.split("\n"):
        out.append(line)
        if line.startswith("* <span id=\"q-"):
            number += 1
            if number % 2:
                out.append(f": Maggie: The answer to question {number}.")
    text = re.sub(r"(\|\s*status\s*=\s*)[^|\n}]*", r"\1ready", "\n".join(out), count=1)
    return text, number


#: Forks the command in ``argv[2:]`` from a small process, reaps it with
#: ``os.wait4`` and writes its ``ru_maxrss`` (kB on Linux) to ``argv[1]``; exits
#: with its exit code.
LAUNCHER = """
import os, signal, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
signal.signal(signal.SIGTERM, lambda *_: os.kill(pid, signal.SIGKILL))
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    f.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status) % 256)
"""


def run_measured(s: Scenario, *args: str) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run ``notesbot`` once; its result, wall time and peak RSS in MB (the
    reaped process's own ``ru_maxrss``, through :data:`LAUNCHER`)."""
    with tempfile.TemporaryDirectory() as tmp, \
            tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        peak_file = os.path.join(tmp, "maxrss")
        command = [str(NOTESBOT), "--config", str(s.config_path), *args]
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-I", "-S", "-c", LAUNCHER, peak_file, *command],
                                stdout=out, stderr=err, text=True, env=s.env())
        try:
            proc.wait()
        except BaseException:
            proc.terminate()
            proc.wait()
            raise
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        result = subprocess.CompletedProcess(command, proc.returncode, out.read(), err.read())
        with open(peak_file) as f:
            peak_kb = int(f.read())
    return result, wall, peak_kb / 1024


@pytest.mark.wiki
@pytest.mark.slow
def test_publish_with_200_sessions_and_2000_questions(wiki, tmp_path):
    s = Scenario(wiki, tmp_path)
    day = DAY.isoformat()
    days = past_days()
    timings: dict[str, float] = {}

    started = time.perf_counter()
    s.admin.edit(s.index, index_text(s, days), "The series so far")
    before, after = max(d for d in days if d < DAY), min(d for d in days if d > DAY)
    for neighbour in (before, after):
        s.admin.edit(s.session(neighbour.isoformat()),
                     f"{{{{Conversation hour navigation|previous=|next=|index={s.index}}}}}\nA past session.\n",
                     "A past session")
    s.member.edit(s.questions(day), questions_text(QUESTIONS), "Our questions")
    timings["set-up"] = time.perf_counter() - started

    result, timings["harvest"], harvest_mb = run_measured(s, "harvest", "--session", day, "--to-draft", "-always")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"({QUESTIONS} questions harvested)" in result.stdout

    draft, count = answered_draft(s.staff.text(s.draft(day)))
    assert count == QUESTIONS
    s.staff.edit(s.draft(day), draft, "The answers")
    edits_before = {c["revid"] for c in s.bot_edits()}

    result, timings["publish"], publish_mb = run_measured(s, "publish", day, "-always")
    print(f"\n{QUESTIONS} questions, {PAST_SESSIONS} past sessions: "
          + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
          + f"; peak RSS: harvest {harvest_mb:.0f} MB, publish {publish_mb:.0f} MB")
    assert result.returncode == 0, result.stdout + result.stderr
    assert publish_mb < MEMORY_LIMIT_MB, f"publish peaked at {publish_mb:.0f} MB"
    assert harvest_mb < MEMORY_LIMIT_MB, f"harvest peaked at {harvest_mb:.0f} MB"

    # The notes: 1,000 answered, 1,000 to be answered in writing.
    notes = s.reader.text(s.session(day)).split("== Notes ==", 1)[1]
    answered_part, written_part = notes.split("To be answered in writing", 1)
    question_line = re.compile(r"^\* <span id=\"q-[0-9a-f]+\"></span>", re.M)
    assert len(question_line.findall(answered_part)) == QUESTIONS // 2
    assert len(question_line.findall(written_part)) == QUESTIONS // 2
    assert answered_part.count(": Maggie: The answer to question") == QUESTIONS // 2
    assert ": Maggie:" not in written_part

    # A mark after every question; the unanswered ones say so.
    questions = s.reader.text(s.questions(day))
    assert questions.count("{{Conversation hour answered|") == QUESTIONS
    assert questions.count("|status=written}}") == QUESTIONS // 2

    # The index: sorted, one line per session, the new one between its neighbours.
    index = s.reader.text(s.index)
    session_lines = [l for l in index.split("\n") if l.startswith("* [[")]
    linked = [re.match(r"\* \[\[([^|\]]+)", l)[1] for l in session_lines]
    assert len(session_lines) == PAST_SESSIONS + 1 and len(set(linked)) == PAST_SESSIONS + 1
    assert linked == sorted(linked)
    expected = f"* [[{s.session(day)}|{human_date(DAY)}]] – [[{s.session(day)}#Notes|notes]]"
    [where] = [i for i, l in enumerate(session_lines) if l.split(" <!--")[0] == expected]  # the bot's marker after it
    assert linked[where - 1] == s.session(before.isoformat()) and linked[where + 1] == s.session(after.isoformat())
    assert index.startswith("Notes of the past Conversation Hours") and "[[Category:Conversation Hours]]" in index

    # Navigation on both neighbours, and one edit per page that changed.
    assert f"next={s.session(day)}" in s.reader.text(s.session(before.isoformat()))
    assert f"previous={s.session(day)}" in s.reader.text(s.session(after.isoformat()))
    titles = [c["title"] for c in s.bot_edits() if c["revid"] not in edits_before]
    assert sorted(titles) == sorted({s.session(day), s.index, s.questions(day),
                                     s.session(before.isoformat()), s.session(after.isoformat())})


# -- the shortcut that keeps marking thousands of lines fast ----------------------

MARK = "Conversation hour answered"
PIECES = [
    "* Why is the sky blue?", "Question 7: don't you think so?", "[[User:X|X]]", "([[User talk:X|talk]])",
    "10:00, 1 July 2024 (UTC)", " ", "  ", "\t", "''italic''", "'''bold", "<span class=\"signature\">X</span>",
    "<!-- note", "-->", "<nowiki>", "</nowiki>", "{{unsigned|X}}", "[http://example.org link]",
    "http://example.org/", "[//example.org x]", "[[Link|", "]]", "{{", "}}", "{{{1}}}",
    "{{Conversation hour answered|P#q-1}}", "{{Conversation hour answered|P#q-1|status=written}}",
    "{{conversation_hour  answered|P#q-1}}", "{{ Conversation hour answered |P#q-2}}",
    "{{Template:Conversation hour answered|P#q-1}}", "{{Conversation hour answered}}",
    "{{Conversation hour answeredx|P#q-1}}", "{{_Conversation hour answered|P#q-1}}",
]
CALLS = ["{{Conversation hour answered|P#q-1}}", "{{Conversation hour answered|P#q-1|status=written}}",
         "{{conversation hour answered|P#q-1}}", "{{Template:Conversation hour answered|P#q-1}}"]


@pytest.mark.parametrize("seed", first_fast(range(3)))
def test_marks_without_the_parser_are_the_marks_with_it(seed):
    """``set_mark`` answers without mwparserfromhell when it safely can: on any
    line it must give exactly what the parser-based version gives."""
    from bot.publish import pagetext

    rnd = random.Random(seed)
    lines = [f"* Why? [[User:X|X]] 10:00, 1 July 2024 (UTC) {call}" for call in CALLS]
    lines += [f"* Why? [[User:X|X]] 10:00, 1 July 2024 (UTC){sep}{call}{end}"
              for call in CALLS for sep in ("", " ", "\t") for end in ("", " ", "\n")]
    for _ in range(300):
        lines.append("".join(rnd.choice(PIECES) for _ in range(rnd.randint(0, 7))))
        lines.append(lines[-1] + " " + rnd.choice(CALLS))
    quick = 0
    for line in lines:
        for call in CALLS:
            assert pagetext.set_mark(line, MARK, call) == pagetext._set_mark_parsed(line, MARK, call), (line, call)
            quick += pagetext._set_mark_quickly(line, MARK, call) is not None
    assert 0 < quick < len(lines) * len(CALLS)
