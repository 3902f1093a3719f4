"""What the layout asks that an import contract cannot say.

The import rules themselves (layers, pywikibot only in ``bot/wiki``, pure
stages without network, no circle) are import-linter contracts in
``pyproject.toml``, run by ``tests/test_contracts.py``.  Here, read with
:mod:`ast` and the text of ``bot/`` (nothing imported):

* no module over 600 lines (README, issue 20: split by job);
* every plan is built in ``bot/publish``: no ``Plan(`` elsewhere, and
  ``Plan`` is a frozen value;
* the pure stages open no URL: ``urllib.request`` is a submodule of an
  external package, which a contract cannot name.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "bot"
MAX_LINES = 600
PURE = ("harvest", "compile", "publish")
NETWORK = ("urllib.request", "http.client", "ftplib", "smtplib", "xmlrpc.client")


#: Modules still over the limit, each with who splits it; the test fails
#: when one of them is split, so that the list only shrinks.
STILL_OVER = {"bot/logs.py": "issue 20 item 6 (the core helper's split)"}


def modules(under: Path = BOT) -> list[Path]:
    return sorted(under.rglob("*.py"))


def imported_names(tree: ast.AST) -> list[tuple[str, int]]:
    """Every module name an import statement names, with its line: ``from a.b
    import c`` names ``a.b`` and ``a.b.c`` (``c`` may be a submodule)."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            out.append((node.module, node.lineno))
            out += [(f"{node.module}.{alias.name}", node.lineno) for alias in node.names]
    return out


def network_imports(paths: list[Path]) -> list[str]:
    found = []
    for path in paths:
        for name, line in imported_names(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if name in NETWORK or name.startswith(tuple(n + "." for n in NETWORK)):
                found.append(f"{path.name}:{line} imports {name}")
    return found


def test_no_module_is_over_600_lines():
    assert len(modules()) > 50, "the check no longer finds bot/'s modules"
    long = {str(p.relative_to(ROOT)): n for p in modules()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    split = sorted(set(STILL_OVER) - set(long))
    assert split == [], f"{split}: no longer over {MAX_LINES} lines, take it off STILL_OVER"
    over = {m: n for m, n in long.items() if m not in STILL_OVER}
    assert over == {}, f"over {MAX_LINES} lines (split by job, not by line count): {over}"


def test_every_plan_is_built_in_bot_publish():
    from bot.publish.plan import Plan

    assert dataclasses.is_dataclass(Plan) and Plan.__dataclass_params__.frozen, "Plan is a frozen value"
    call = re.compile(r"(?<![\w.])Plan\(")
    outside = [f"{p.relative_to(ROOT)}:{number}"
               for p in modules() if p.relative_to(BOT).parts[0] != "publish"
               for number, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
               if call.search(line)]
    assert outside == [], f"a Plan built outside bot/publish: {outside}"


def test_the_pure_stages_open_no_url():
    assert network_imports([p for stage in PURE for p in modules(BOT / stage)]) == []


def test_the_url_check_sees_each_way_of_importing(tmp_path):
    files = {"a.py": "def f():\n    import urllib.request\n", "b.py": "from urllib.request import urlopen\n",
             "c.py": "from urllib import request\n", "d.py": "from urllib.parse import quote\n",
             "e.py": "import http.client as h\n"}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    found = network_imports(modules(tmp_path))
    assert {f.split(":")[0] for f in found} == {"a.py", "b.py", "c.py", "e.py"}, found
