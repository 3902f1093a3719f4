"""Measure the transcript matcher's threshold on the cases we wrote.

For each question of ``tests/data/transcripts/threshold-cases.json`` the
score of its best window in its transcript (:func:`bot.compile.transcript.
score_windows`), then the least score of the questions the host took up,
the greatest of those nobody took up, the margin between them, and where
:data:`bot.compile.transcript.THRESHOLD` sits.  ``--check`` exits 1 when the
threshold does not separate them, or a question taken up is found more than
20 s from where it was.

    .venv/bin/python benchmarks/transcript_threshold.py [--check] [--quick]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.compile import transcript  # noqa: E402
from bot.harvest.transcripts import read_transcript  # noqa: E402

CASES = ROOT / "tests" / "data" / "transcripts" / "threshold-cases.json"


def scores() -> list[tuple[str, str, float | None, float, float | None]]:
    """(transcript, case, expected seconds or None, score, found seconds) of every case."""
    data = json.loads(CASES.read_text(encoding="utf-8"))
    out = []
    for call in data["calls"]:
        stream = transcript.Stream.of(read_transcript(CASES.parent / call["transcript"]))
        for question in call["questions"]:
            score, first, _ = transcript.score_windows(question["text"], stream, call.get("topics", ()))
            found = stream.transcript.cues[stream.words[first].cue].start if first >= 0 else None
            out.append((call["transcript"], question["case"], question["at"], score, found))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--quick", action="store_true", help="(the same: the cases are few)")
    args = parser.parse_args(argv)
    rows = scores()
    for name, case, at, score, found in rows:
        where = "-" if at is None else f"at {at:g}s, found {found:g}s" if found is not None else "at {at:g}s, not found"
        print(f"{score:5.2f}  {name:22} {case:40} {where}")
    taken = [score for _, _, at, score, _ in rows if at is not None]
    skipped = [score for _, _, at, score, _ in rows if at is None]
    low, high = min(taken), max(skipped)
    print(f"taken up: least {low:.2f} of {len(taken)}; nobody took up: greatest {high:.2f} of {len(skipped)}; "
          f"margin {low - high:.2f}; THRESHOLD {transcript.THRESHOLD:.2f} "
          f"(midpoint {(low + high) / 2:.2f})")
    far = [(name, case) for name, case, at, score, found in rows
           if at is not None and (found is None or abs(found - at) > 20)]
    for name, case in far:
        print(f"more than 20 s off: {name}: {case}")
    ok = high < transcript.THRESHOLD <= low and not far
    if args.check and not ok:
        print("the threshold does not separate the cases", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
