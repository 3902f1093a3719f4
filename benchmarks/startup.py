"""How long does ``notesbot`` take to start, next to importing pywikibot?

Runs ``notesbot --help`` and ``python -c 'import pywikibot'`` as separate
processes, N times each, taking turns (so that a busy machine slows both
down, not just one), and prints the median wall time of each and their ratio
(target: at most 1.5).  The help never imports pywikibot (the commands import
what they need when they run), so it should take a fraction of the import.

Both run with the same environment: ``PYWIKIBOT_NO_USER_CONFIG=2``, so that
pywikibot imports without a ``user-config.py`` and without a warning, and no
wiki is needed.  With ``--check`` the script exits 1 when the ratio is above
2; ``--quick`` takes 7 runs of each instead of 21.  ``--imports`` also
prints, from ``python -X importtime``, what each command's code imports
(``bot.cli`` for the help; ``bot.run.publishing`` and ``bot.run.tick``, the
modules ``notesbot publish`` and ``notesbot run`` import when they run,
besides pywikibot) and the heaviest of those modules: where to look for an
import a command does not use.

    .venv/bin/python benchmarks/startup.py [--quick] [--check] [--imports]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import NOTESBOT, PYTHON, median, spread, timed  # noqa: E402

TARGET_RATIO, LOOSE_RATIO = 1.5, 2.0
IMPORTS = {"notesbot --help": "import bot.cli",
           "notesbot publish": "import bot.cli, bot.commands, bot.run.publishing, bot.wiki.connection",
           "notesbot run": "import bot.cli, bot.commands, bot.run.tick, bot.wiki.connection",
           "pywikibot": "import pywikibot, pywikibot.data.api"}


def import_times(code: str, env: dict[str, str]) -> list[tuple[int, int, str]]:
    """(self, cumulative microseconds, module) of each module ``code`` imports
    (``python -X importtime``, the second of two runs: a warm disk cache)."""
    rows = []
    for _ in range(2):
        proc = timed([PYTHON, "-X", "importtime", "-c", code], env=env, timeout=120)[1]
        rows = []
        for line in proc.stderr.splitlines():
            parts = line.removeprefix("import time:").split("|")
            if len(parts) == 3 and parts[0].strip().isdigit():
                rows.append((int(parts[0]), int(parts[1]), parts[2].strip()))
    return rows


def print_imports(env: dict[str, str]) -> None:
    for name, code in IMPORTS.items():
        rows = import_times(code, env)
        top = [r for r in rows if "." not in r[2] or r[2].startswith("bot.")]
        total = sum(r[0] for r in rows)
        print(f"\n{name} ({code}): {total / 1000:.0f} ms of imports, {len(rows)} modules; the heaviest:")
        for own, cumulative, module in sorted(top, key=lambda r: -r[1])[:8]:
            print(f"  {cumulative / 1000:7.1f} ms  ({own / 1000:5.1f} ms itself)  {module}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="7 runs of each instead of 21")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed by a wide margin")
    parser.add_argument("--imports", action="store_true", help="what each command imports (python -X importtime)")
    args = parser.parse_args(argv)
    runs = 7 if args.quick else 21
    failures: list[str] = []

    with tempfile.TemporaryDirectory(prefix="notesbot-bench-") as tmp:
        env = dict(os.environ, PYWIKIBOT_NO_USER_CONFIG="2", PYWIKIBOT_DIR=tmp)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as in production: the bot's .pyc kept between runs
        commands = {"help": [str(NOTESBOT), "--help"], "import": [PYTHON, "-c", "import pywikibot"]}
        times: dict[str, list[float]] = {name: [] for name in commands}
        for number in range(runs + 1):
            order = list(commands) if number % 2 == 0 else list(reversed(commands))
            for name in order:
                wall, proc = timed(commands[name], env=env, timeout=120)
                if proc.returncode != 0:
                    failures.append(f"{' '.join(commands[name])} exited {proc.returncode}: {proc.stderr[-300:]}")
                if number:  # the first round only fills the disk cache
                    times[name].append(wall)
        if args.imports:
            print_imports(env)

    ratio = median(times["help"]) / median(times["import"])
    print(f"notesbot --help:               {spread(times['help'])}")
    print(f"python -c 'import pywikibot':  {spread(times['import'])}")
    print(f"notesbot --help / import:      {ratio:.2f}  (target <= {TARGET_RATIO:g}; {runs} runs each, "
          "taking turns)")
    if ratio > LOOSE_RATIO:
        failures.append(f"notesbot --help takes {ratio:.2f} times an import of pywikibot (more than {LOOSE_RATIO:g})")
    for failure in failures:
        print(f"missed: {failure}", file=sys.stderr)
    return 1 if args.check and failures else 0


if __name__ == "__main__":
    sys.exit(main())
