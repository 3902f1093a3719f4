"""What does a scheduled tick cost the wiki: requests when there is nothing to
do, and edits when there is?

Starts a local wiki of its own (``scripts/localwiki start <tmpdir>
--seed=templates``) and, on it, a series as it is between two sessions: eight
past sessions (archived), one held four days ago whose draft staff have just
set ``ready`` (every other question of the example page answered), and the
next one, collecting questions.  Then it runs ``notesbot run`` (the tick) as
the scheduled job does, with the clock given by ``--now``:

* the first tick publishes the one session and harvests the next one's
  questions into its draft: it must make exactly one edit to each page that
  changes (the status page included) and none to any other;
  and at most edits + 3 requests (:func:`work_limit`);
* every later tick, 30 minutes apart, has nothing to do: it must make no edit
  and exactly 1 request (counted in the wiki's access log: the latest
  revision of every watched page, ``prop=info``, with the login check,
  ``meta=userinfo``, held against the tick cache; :data:`NOOP_REQUESTS`).

With ``--check`` the script exits 1 when a no-op tick makes more than 1
request or any edit, when the working tick makes more than edits + 3
requests, or when its edits are not one per changed page.  These bounds are
the ones ``tests/test_lifecycle.py`` checks, with :func:`measure` and the
functions here.  ``--quick`` measures 3 no-op ticks instead of 7.

    .venv/bin/python benchmarks/tick.py [--quick] [--check]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import LocalWiki, check_ok, local_wiki, measure, spread, timed  # noqa: E402,F401
from scenario import NOTESBOT, Scenario  # noqa: E402

from bot.wikifacts import human_date  # noqa: E402

NOOP_REQUESTS = 1
"""The requests of a tick with nothing to do: one."""


def work_limit(edits: int) -> int:
    """The most requests a tick making ``edits`` edits may make: the edits and
    three reads (the watched pages' revisions with the login check; the
    index's history with the edit token and the language facts; one batch
    of every page the work reads)."""
    return edits + 3


def over_noop(requests: int) -> str | None:
    """What is wrong with a tick with nothing to do that made ``requests`` requests (None: nothing)."""
    if requests > NOOP_REQUESTS:
        return f"a tick with nothing to do made {requests} requests (more than {NOOP_REQUESTS})"
    return None


def over_work(requests: int, edits: int) -> str | None:
    """What is wrong with a working tick of ``edits`` edits that made ``requests`` requests (None: nothing)."""
    if requests > work_limit(edits):
        return f"the working tick made {requests} requests for {edits} edits (more than edits + 3 = {work_limit(edits)})"
    return None

HELD = date(2025, 1, 16)
NEXT = date(2025, 4, 17)
PAST = [HELD - timedelta(weeks=13 * k) for k in range(8, 0, -1)]
NOW = datetime(2025, 1, 20, 12, 0)


def tick(s: Scenario, when: datetime):
    return timed([str(NOTESBOT), "--config", str(s.config_path), "run", "--now",
                  when.strftime("%Y-%m-%dT%H:%M:%SZ"), "-always"], env=s.env())


def bot_edits(s: Scenario, titles: set[str]) -> list[dict]:
    return [c for c in s.reader.contributions(s.bot_user) if c["title"] in titles]


def set_up(wiki: LocalWiki, tmp: Path) -> tuple[Scenario, list[str]]:
    s = Scenario(wiki, tmp)
    lines = ["Notes of the Conversation Hours.", ""]
    lines += [f"* [[{s.session(d.isoformat())}|{human_date(d)}]] – [[{s.session(d.isoformat())}#Notes|notes]]"
              for d in PAST]
    s.admin.edit(s.index, "\n".join(lines) + "\n", "The series so far")
    for day in (HELD, NEXT):
        check_ok(s.run("new-session", day.isoformat(), "-always"), "notesbot new-session")
    s.post_example_questions(HELD.isoformat())
    check_ok(s.run("harvest", "--session", HELD.isoformat(), "--to-draft", "-always"), "notesbot harvest")
    out, number = [], 0
    for line in s.staff.text(s.draft(HELD.isoformat())).split("\n"):
        out.append(line)
        if line.startswith("* <span id=\"q-"):
            number += 1
            if number % 2:
                out.append(f": Maggie: The answer to question {number}.")
    s.staff.edit(s.draft(HELD.isoformat()),
                 re.sub(r"(\|\s*status\s*=\s*)[^|\n}]*", r"\1ready", "\n".join(out), count=1), "The answers")
    questions = s.member.text(s.questions(NEXT.isoformat()))
    s.member.edit(s.questions(NEXT.isoformat()), questions + "\n== Trust and Safety ==\n"
                  "* How do you handle threats? [[User:Community Member|Community Member]] "
                  "10:00, 18 January 2025 (UTC)\n", "A question")
    titles = [s.index, s.status, s.session(PAST[-1].isoformat())]
    for day in (HELD, NEXT):
        titles += [s.session(day.isoformat()), s.questions(day.isoformat()), s.draft(day.isoformat())]
    return s, titles


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 no-op ticks instead of 7")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    quiet_ticks = 3 if args.quick else 7
    failures: list[str] = []

    with local_wiki() as wiki, tempfile.TemporaryDirectory(prefix="notesbot-bench-") as tmpdir:
        s, titles = set_up(wiki, Path(tmpdir))
        before = {t: s.reader.text(t) for t in titles}
        edits_before = {c["revid"] for c in bot_edits(s, set(titles))}
        position = wiki.log_position()
        wall, proc = tick(s, NOW)
        check_ok(proc, "the first tick")
        work_requests = wiki.requests_since(position)
        after = {t: s.reader.text(t) for t in titles}
        changed = {t for t in titles if before[t] != after[t]}
        edits = Counter(c["title"] for c in bot_edits(s, set(titles)) if c["revid"] not in edits_before)
        wrong = {t: n for t, n in edits.items() if n != 1 or t not in changed}
        if wrong or changed - set(edits):
            failures.append(f"the working tick made {sum(edits.values())} edits for {len(changed)} changed pages "
                            f"({wrong or ''}{changed - set(edits) or ''})")
        print(f"working tick (publishes one session, harvests the next): {wall:.3f} s, {work_requests} requests "
              f"(target <= edits + 3 = {work_limit(sum(edits.values()))}), "
              f"{sum(edits.values())} edits for {len(changed)} changed pages"
              f" ({'one each' if not failures else 'NOT one each'})")
        wrong = over_work(work_requests, sum(edits.values()))
        if wrong:
            failures.append(wrong)

        walls, counts = [], []
        edited = {c["revid"] for c in bot_edits(s, set(titles))}
        for number in range(1 + quiet_ticks):
            position = wiki.log_position()
            wall, proc = tick(s, NOW + timedelta(minutes=30 * (number + 1)))
            check_ok(proc, "a tick")
            if number == 0:
                continue  # the tick after the work: the cache is now warm
            counts.append(wiki.requests_since(position))
            walls.append(wall)
            if "Nothing changed on the wiki" not in proc.stdout:
                failures.append(f"no-op tick {number}: did not take the shortcut:\n{proc.stdout}")
        if {c["revid"] for c in bot_edits(s, set(titles))} != edited:
            failures.append("a tick with nothing to do made an edit")

    print(f"no-op tick: requests {counts} (target {NOOP_REQUESTS}); wall time {spread(walls)}")
    wrong = over_noop(max(counts))
    if wrong:
        failures.append(wrong)
    for failure in failures:
        print(f"missed: {failure}", file=sys.stderr)
    return 1 if args.check and failures else 0


if __name__ == "__main__":
    sys.exit(main())
