"""The layout's import rules are import-linter contracts (``pyproject.toml``,
``[tool.importlinter]``); ``lint-imports`` checks them here.

The first test runs it on the project.  The second shows that each contract
can fail: it copies ``bot/`` and ``pyproject.toml`` to a temporary folder,
breaks every contract there once (an import inside a function, as a lazy
import would be), and expects each contract reported broken, naming the
import, while an import under ``if TYPE_CHECKING:`` (annotations only, never
run) still counts for nothing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
CONTRACTS = [
    "bot: each layer imports only the layers below it",
    "pywikibot is imported only in bot.wiki",
    "harvest, compile and publish reach no network",
    "bot.wiki is used by bot.commands and bot.run, not by the CLI",
    "harvest and compile are independent stages",
    "no import circle among the modules of a package",
]


def lint_imports(folder: Path) -> subprocess.CompletedProcess:
    # cwd first on sys.path: the folder's own bot/, not the installed one.
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=folder, capture_output=True, text=True,
                          timeout=120)


def verdicts(output: str) -> dict[str, str]:
    return dict(re.findall(r"^(.+?) (KEPT|BROKEN)\b", output, re.MULTILINE))


def test_the_import_contracts_hold():
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert verdicts(done.stdout) == {name: "KEPT" for name in CONTRACTS}, done.stdout


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "\n\n" + text, encoding="utf-8")


def test_each_contract_fails_on_a_forbidden_import(tmp_path):
    shutil.copytree(ROOT / "bot", tmp_path / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    bot = tmp_path / "bot"
    _append(bot / "model.py", "def _up():\n    from bot import config\n")             # a layer upwards
    (bot / "extra.py").write_text("")                                                # a module in no layer
    _append(bot / "publish" / "__init__.py", "def _save():\n    import pywikibot\n")   # pywikibot, network
    _append(bot / "cli.py", "def _wiki():\n    from bot import wiki\n")                # the CLI to the wiki
    _append(bot / "harvest" / "__init__.py", "def _draft():\n    from bot.compile import notes\n")  # stage to stage
    (bot / "publish" / "circle_a.py").write_text("from bot.publish import circle_b\n")
    (bot / "publish" / "circle_b.py").write_text("from bot.publish import circle_a\n")
    _append(bot / "wikitext.py", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from bot import run\n")

    done = lint_imports(tmp_path)
    out = done.stdout
    assert done.returncode == 1, out + done.stderr
    assert verdicts(out) == {name: "BROKEN" for name in CONTRACTS}, out
    for needle in ["bot.model -> bot.config", "bot.extra", "bot.publish -> pywikibot", "bot.cli -> bot.wiki",
                   "bot.harvest -> bot.compile.notes", "No cycles are allowed in bot.publish",
                   ".circle_b -> .circle_a"]:
        assert needle in out, (needle, out)
    assert "bot.wikitext -> bot.run" not in out, out
