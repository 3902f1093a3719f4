"""No definition in bot/ without a reader: vulture at 60 % confidence
(``[tool.vulture]`` in pyproject.toml) finds nothing.  ``vulture_whitelist.py``
names only what a framework calls or reads, each with the reason."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VULTURE = Path(sys.executable).parent / "vulture"
WHITELIST = ROOT / "vulture_whitelist.py"


def vulture(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([str(VULTURE), *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_vulture_finds_no_unused_code_in_bot():
    done = vulture()
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def test_each_whitelisted_name_is_still_in_bot():
    names = re.findall(r"^_?\.?(\w+)$", WHITELIST.read_text(encoding="utf-8"), re.MULTILINE)
    assert len(names) >= 5, names
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "bot").rglob("*.py"))
    gone = [name for name in names if not re.search(rf"\b{name}\b", code)]
    assert gone == [], f"take off vulture_whitelist.py: {gone}"


def test_vulture_reports_an_unused_function(tmp_path):
    (tmp_path / "bot").mkdir()
    (tmp_path / "bot" / "m.py").write_text("def used():\n    return 1\n\n\ndef unused():\n    return used()\n")
    done = vulture("bot", str(WHITELIST), "--min-confidence", "60", cwd=tmp_path)
    assert done.returncode == 3 and "unused function 'unused'" in done.stdout, done


def test_pyflakes_finds_no_undefined_name_in_bot():
    """A name used but never imported (what a merge of two branches leaves
    when each moved an import) fails at the first call, often on a rare path:
    pyflakes finds it in every module without running it."""
    done = subprocess.run([sys.executable, "-m", "pyflakes", "bot"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    undefined = [line for line in done.stdout.splitlines() if "undefined name" in line]
    assert undefined == [], "\n".join(undefined)
