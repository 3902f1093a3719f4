"""How long does a publish take, next to making the same edits with plain API calls?

Starts a local wiki of its own (``scripts/localwiki start <tmpdir>
--seed=templates``, no throttle: see ``benchmarks/common.py``) and, on it, a
series ready to publish: the example questions page of the 2024-07-11 session
(or ``--questions N`` generated questions), harvested into the draft, every
other question answered, the draft's status ``ready``, an index of past
sessions and the previous session's page.  Each repetition sets up two such
series with the same content under different title prefixes and measures, in
alternating order:

* ``notesbot publish DATE -always``, end to end: a separate process, from its
  start to its exit, as staff and the scheduled job run it (Python start-up,
  imports, login, reads, planning, checks, saves);
* ``benchmarks/baseline_publish.py``, also a separate process: ``requests``,
  ``action=login`` with the BotPassword, an edit token, and one
  ``action=edit`` of each page's final text (taken from a first, untimed
  publish), nothing else.

It prints both medians and their ratio (target: at most 1.5), the requests
each made (from the wiki's access log), and the edits of each publish against
the pages that changed (target: exactly one edit per changed page, none
elsewhere), and checks that both ended with the same pages.  With ``--check``
it exits 1 when the ratio is above the loose bound of 3 (the target stays
1.5, printed and reported as missed; a busy machine moves the ratio between
1.7 and 2.2, and the check must not fail for that), an edit count is off, or a publish made
more than edits + 2 requests (:func:`request_limit`: the edits, the index's
history with the login check and the edit token, and one batched read;
``tests/test_publish.py`` checks the same bound with :func:`measure`); ``--quick``
takes 3 repetitions instead of 7.  ``--explain`` runs one more publish with
every HTTP request timed, and prints where its time went.

    .venv/bin/python benchmarks/publish.py [--quick] [--check] [--questions N] [--explain]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import textwrap
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (NOTESBOT, PYTHON, LocalWiki, check_ok, local_wiki, measure, median,  # noqa: E402,F401
                    notesbot_env, spread, timed)
from scenario import Scenario  # noqa: E402

from bot.wikifacts import human_date  # noqa: E402

TARGET_RATIO, LOOSE_RATIO = 1.5, 3.0
DAY = date(2024, 7, 11)
PAST = 11
"""Past sessions on the index: quarterly, the three years before."""
WORDS = ("the foundation community board committee charter safety process policy election volunteers "
         "affiliates funding research movement strategy trust conduct enforcement language editors").split()
BASELINE = Path(__file__).resolve().parent / "baseline_publish.py"


def generated_questions(count: int) -> str:
    rnd = random.Random(count)
    topics = ("Trust and Safety", "Universal Code of Conduct", "Human Rights", "Movement Charter")
    lines = ["Please add your question below and sign it with <nowiki>~~~~</nowiki>."]
    for number in range(1, count + 1):
        if (number - 1) % max(1, count // len(topics)) == 0:
            lines += ["", f"== {topics[min(len(topics) - 1, (number - 1) // max(1, count // len(topics)))]} =="]
        words = " ".join(rnd.choices(WORDS, k=rnd.randint(8, 30)))
        minute = number % 60
        lines.append(f"* Question {number}: why does the {words}? [[User:Community Member|Community Member]] "
                     f"([[User talk:Community Member|talk]]) 10:{minute:02d}, {1 + number % 28} June 2024 (UTC)")
    return "\n".join(lines) + "\n"


class Series:
    """A series ready to publish ``DAY``, on its own title prefix."""

    def __init__(self, wiki: LocalWiki, tmp: Path, questions: int | None):
        self.s = s = Scenario(wiki, tmp)
        day = DAY.isoformat()
        past = [DAY - timedelta(weeks=13 * k) for k in range(PAST, 0, -1)]
        self.previous = s.session(past[-1].isoformat())
        lines = ["Notes of the past Conversation Hours.", ""]
        lines += [f"* [[{s.session(d.isoformat())}|{human_date(d)}]] – [[{s.session(d.isoformat())}#Notes|notes]]"
                  for d in past]
        s.admin.edit(s.index, "\n".join(lines) + "\n", "The series so far")
        s.admin.edit(self.previous, f"{{{{Conversation hour navigation|previous=|next=|index={s.index}}}}}\n"
                                    "The previous session.\n", "The previous session")
        if questions is None:
            s.post_example_questions(day)
        else:
            s.member.edit(s.questions(day), generated_questions(questions), "Our questions")
        check_ok(s.run("harvest", "--session", day, "--to-draft", "-always"), "notesbot harvest")
        out, number = [], 0
        for line in s.staff.text(s.draft(day)).split("\n"):
            out.append(line)
            if line.startswith("* <span id=\"q-"):
                number += 1
                if number % 2:
                    out.append(f": Maggie: The answer to question {number}.")
        self.questions = number
        text = re.sub(r"(\|\s*status\s*=\s*)[^|\n}]*", r"\1ready", "\n".join(out), count=1)
        s.staff.edit(s.draft(day), text, "The answers")
        self.titles = [s.session(day), s.questions(day), s.draft(day), s.index, self.previous]

    @property
    def prefix(self) -> str:
        return self.s.prefix + "/"

    def pages(self) -> dict[str, str | None]:
        return {t: self.s.reader.text(t) for t in self.titles}

    def generic(self, pages: dict[str, str | None]) -> dict[str, str | None]:
        """The pages with this series' prefix replaced by a placeholder."""
        return {t.replace(self.prefix, "PREFIX/"): None if v is None else v.replace(self.prefix, "PREFIX/")
                for t, v in pages.items()}

    def own(self, text: str) -> str:
        return text.replace("PREFIX/", self.prefix)


def request_limit(edits: int) -> int:
    """The most requests a publish of ``edits`` edits may make: the edits, and
    two more: the index's history (with the login check, the edit token and
    the wiki's language facts) and one batch of every page read (the
    configuration, the shutoff page, the session's pages, the neighbours).
    The one place of this bound: ``--check`` and ``tests/test_publish.py``."""
    return edits + 2


def over_limit(requests: int, edits: int) -> str | None:
    """What is wrong when a publish of ``edits`` edits made ``requests`` requests (None: within the bound)."""
    if requests > request_limit(edits):
        return f"{requests} requests for {edits} edits (more than edits + 2 = {request_limit(edits)})"
    return None


def run_bot(wiki: LocalWiki, series: Series) -> dict:
    before_pages, before_edits = series.pages(), {c["revid"] for c in series.s.bot_edits()}
    position = wiki.log_position()
    wall, proc = timed([str(NOTESBOT), "--config", str(series.s.config_path), "publish", DAY.isoformat(),
                        "-always"], env=series.s.env())
    check_ok(proc, "notesbot publish")
    requests = wiki.requests_since(position)
    after_pages = series.pages()
    new = sorted((c for c in series.s.bot_edits() if c["revid"] not in before_edits), key=lambda c: c["revid"])
    changed = {t for t in series.titles if before_pages[t] != after_pages[t]}
    edits = Counter(c["title"] for c in new)
    return {"wall": wall, "requests": requests, "changed": changed, "edits": edits, "new": new,
            "pages": after_pages}


def run_baseline(wiki: LocalWiki, series: Series, final: list[dict], tmp: Path) -> dict:
    edits_file = tmp / f"edits-{series.s.uid}.json"
    edits_file.write_text(json.dumps([{"title": series.own(e["title"]), "text": series.own(e["text"]),
                                       "summary": series.own(e["summary"])} for e in final]))
    position = wiki.log_position()
    wall, proc = timed([PYTHON, str(BASELINE), wiki.api_url, str(wiki.dir / "accounts.json"), str(edits_file)],
                       env=notesbot_env(wiki))
    check_ok(proc, "the baseline")
    return {"wall": wall, "requests": wiki.requests_since(position), "pages": series.pages()}


EXPLAIN = textwrap.dedent("""
    import sys, time, atexit
    from urllib.parse import parse_qs
    import requests
    start = time.perf_counter()
    log = []
    real = requests.Session.request
    def request(self, method, url, *a, **k):
        t = time.perf_counter()
        r = real(self, method, url, *a, **k)
        data = k.get("data") or k.get("params") or {}
        if isinstance(data, (bytes, str)):
            data = {key: v[0] for key, v in parse_qs(data if isinstance(data, str) else data.decode()).items()}
        what = " ".join(f"{key}={data[key]}" for key in ("action", "prop", "list", "meta") if key in data)
        log.append((t - start, time.perf_counter() - t, len(r.content), what))
        return r
    requests.Session.request = request
    def report():
        total = time.perf_counter() - start
        print(f"{'at':>7} {'took':>7} {'bytes':>9}  request", file=sys.stderr)
        for at, took, size, what in log:
            print(f"{at:7.3f} {took:7.3f} {size:9,}  {what}", file=sys.stderr)
        http = sum(e[1] for e in log)
        edits = sum(e[1] for e in log if e[3].startswith("action=edit"))
        print(f"EXPLAIN total={total:.3f} first_request={log[0][0] if log else 0:.3f} http={http:.3f} "
              f"edits={edits:.3f} requests={len(log)}", file=sys.stderr)
    atexit.register(report)
    from bot import cli
    sys.exit(cli.main(sys.argv[1:]))
""")


def explain(wiki: LocalWiki, series: Series) -> None:
    """One more publish, in a process that times each HTTP request (the
    wrapper adds nothing to the bot but the bookkeeping)."""
    proc = timed([PYTHON, "-c", EXPLAIN, "--config", str(series.s.config_path), "publish", DAY.isoformat(),
                  "-always"], env=series.s.env())[1]
    check_ok(proc, "notesbot publish (explained)")
    lines = proc.stderr.strip().splitlines()
    table = [l for l in lines if re.match(r"^\s*(at|\d+\.\d+)\s", l)]
    summary = dict(kv.split("=") for kv in next(l for l in lines if l.startswith("EXPLAIN")).split()[1:])
    print("\none more publish, each request timed (seconds from the start of the bot's code):")
    print("\n".join("  " + l for l in table))
    total, first, http, edits = (float(summary[k]) for k in ("total", "first_request", "http", "edits"))
    print(f"  in the bot's process: {total:.3f} s after its imports; {first:.3f} s before the first request "
          f"(pywikibot's start-up); {http:.3f} s waiting for {summary['requests']} requests, "
          f"{edits:.3f} s of it for the edits; {total - http:.3f} s computing")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 repetitions instead of 7")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed by a wide margin")
    parser.add_argument("--questions", type=int, metavar="N",
                        help="a generated questions page of N questions instead of the example page")
    parser.add_argument("--explain", action="store_true", help="time each request of one more publish")
    args = parser.parse_args(argv)
    repetitions = 3 if args.quick else 7
    failures: list[str] = []

    with local_wiki() as wiki, tempfile.TemporaryDirectory(prefix="notesbot-bench-") as tmpdir:
        tmp = Path(tmpdir)
        # A first, untimed publish: the final texts the baseline saves, the
        # pages every later run must end with, and a warm wiki and login.
        reference = Series(wiki, tmp, args.questions)
        first = run_bot(wiki, reference)
        expected = reference.generic(first["pages"])
        final = []
        for edit in first["new"]:
            title = edit["title"].replace(reference.prefix, "PREFIX/")
            final.append({"title": title, "text": expected[title],
                          "summary": edit["comment"].replace(reference.prefix, "PREFIX/")})

        bot_runs, base_runs = [], []
        for number in range(repetitions):
            a, b = Series(wiki, tmp, args.questions), Series(wiki, tmp, args.questions)
            if number % 2 == 0:
                bot, base = run_bot(wiki, a), run_baseline(wiki, b, final, tmp)
            else:
                base, bot = run_baseline(wiki, b, final, tmp), run_bot(wiki, a)
            bot_runs.append(bot)
            base_runs.append(base)
            if a.generic(bot["pages"]) != expected:
                failures.append(f"run {number + 1}: the bot's pages differ from the first publish's")
            if b.generic(base["pages"]) != expected:
                failures.append(f"run {number + 1}: the baseline's pages differ from the bot's")
        if args.explain:
            explain(wiki, Series(wiki, tmp, args.questions))

    bot_times = [r["wall"] for r in bot_runs]
    base_times = [r["wall"] for r in base_runs]
    ratio = median(bot_times) / median(base_times)
    paired = median([b / a for a, b in zip(base_times, bot_times)])
    changed = len(first["changed"])
    page = "the example questions page" if args.questions is None else "a generated questions page"
    print(f"publish: {page}, {reference.questions} questions ({(reference.questions + 1) // 2} answered), "
          f"index of {PAST} past sessions; {changed} pages change")
    print(f"notesbot publish (own process, end to end): {spread(bot_times)}")
    print(f"baseline (own process, login + {len(final)} edits): {spread(base_times)}")
    print(f"publish / baseline: {ratio:.2f}  (target <= {TARGET_RATIO:g}; median of the "
          f"{repetitions} paired ratios: {paired:.2f})")
    print(f"requests per publish: notesbot {sorted(Counter(r['requests'] for r in bot_runs).elements())}, "
          f"baseline {sorted(Counter(r['requests'] for r in base_runs).elements())} "
          f"(target: notesbot <= edits + 2 = {request_limit(sum(first['edits'].values()))})")

    for number, run in enumerate([first, *bot_runs]):
        wrong = {t: n for t, n in run["edits"].items() if n != 1 or t not in run["changed"]}
        missing = run["changed"] - set(run["edits"])
        if wrong or missing or not run["changed"]:
            failures.append(f"publish {number + 1}: {sum(run['edits'].values())} edits for "
                            f"{len(run['changed'])} changed pages ({wrong or ''}{missing or ''})")
    counts = sorted({sum(r["edits"].values()) for r in [first, *bot_runs]})
    print(f"edits per publish: {', '.join(map(str, counts))} for {changed} changed pages "
          f"({'one each' if not any('edits for' in f for f in failures) else 'NOT one each'}; "
          f"{repetitions + 1} publishes)")

    # The timed publishes (the first one also fills pywikibot's cache of the
    # API's parameters, as the first run on a new pywikibot folder does).
    for number, run in enumerate(bot_runs):
        wrong = over_limit(run["requests"], sum(run["edits"].values()))
        if wrong:
            failures.append(f"run {number + 1}: {wrong}")
    if ratio > TARGET_RATIO:
        print(f"over target: a publish takes {ratio:.2f} times the baseline (target {TARGET_RATIO:g}, "
              f"the check fails above {LOOSE_RATIO:g})", file=sys.stderr)
    if ratio > LOOSE_RATIO:
        failures.append(f"a publish takes {ratio:.2f} times the baseline (more than {LOOSE_RATIO:g})")
    for failure in failures:
        print(f"missed: {failure}", file=sys.stderr)
    return 1 if args.check and failures else 0


if __name__ == "__main__":
    sys.exit(main())
