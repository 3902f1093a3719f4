"""The layout keeps its one direction of imports (README, "The layout").

Every module of ``bot/`` is read with :mod:`ast` (not imported): each
``import`` and ``from ... import`` counts, at module level or inside a
function, except those under ``if TYPE_CHECKING:`` (annotations only, never
run).  On that graph:

* no import circle, of any length;
* pywikibot is imported only in ``bot/wiki``;
* ``bot/harvest``, ``bot/compile`` and ``bot/publish`` never import
  ``bot.wiki``, ``bot.run``, ``bot.commands`` or ``bot.cli``;
* ``bot.wiki`` is imported only by ``bot.commands``, ``bot/run`` and itself;
* the plain data and the wiki facts (``bot.model``, ``bot.wikifacts``,
  ``bot.errors``) import no stage.

An import names the module it loads: ``from bot import compile`` is
``bot.compile`` (a submodule), ``from bot.model import Session`` is
``bot.model``.  The parent packages Python loads on the way are not edges:
a package's ``__init__`` re-exporting its submodules is not a circle.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

STAGES = ("bot.harvest", "bot.compile", "bot.publish")
ABOVE_STAGES = ("bot.wiki", "bot.run", "bot.commands", "bot.cli")
WIKI_USERS = ("bot.commands", "bot.run", "bot.wiki")
GROUND = ("bot.model", "bot.wikifacts", "bot.wikitext", "bot.errors")


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int

    def __str__(self) -> str:
        return f"{self.importer} (line {self.line}) imports {self.imported}"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
           (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _nodes_that_run(tree: ast.AST):
    """Every node, except the bodies of ``if TYPE_CHECKING:``."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            todo.extend(node.orelse)
            continue
        todo.extend(ast.iter_child_nodes(node))


def imports_of(path: Path, root: Path, modules: set[str]) -> list[Import]:
    """The modules ``path`` imports (absolute names; submodules of ``modules`` resolved)."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in _nodes_that_run(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out += [Import(name, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                out.append(Import(name, sub if sub in modules else source, node.lineno))
    return out


def import_graph(root: Path, top: str = "bot") -> dict[str, list[Import]]:
    """Each module under ``root/top`` and its imports."""
    paths = sorted((root / top).rglob("*.py"))
    modules = {module_name(p, root) for p in paths}
    return {module_name(p, root): imports_of(p, root, modules) for p in paths}


def circles(graph: dict[str, list[Import]]) -> list[list[str]]:
    """The import circles: each strongly connected set of modules (Tarjan),
    as one circle through it, ``[a, b, ..., a]``."""
    edges = {m: sorted({i.imported for i in imports if i.imported in graph}) for m, imports in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(start: str) -> None:
        # Iterative, so that a long chain cannot hit the recursion limit.
        work = [(start, iter(edges[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges[node]:
                    found.append(_circle_through(sorted(component), edges))

    for module in sorted(edges):
        if module not in index:
            visit(module)
    return found


def _circle_through(component: list[str], edges: dict[str, list[str]]) -> list[str]:
    """A shortest path from the component's first module back to itself."""
    members, start = set(component), component[0]
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in edges[node]:
                if child == start:
                    return paths[node] + [start]
                if child in members and child not in paths:
                    paths[child] = paths[node] + [child]
                    following.append(child)
        frontier = following
    raise AssertionError(f"no circle through {component}")


def _within(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def direction_errors(graph: dict[str, list[Import]]) -> list[str]:
    errors = []
    for imports in graph.values():
        for i in imports:
            if _within(i.imported, ("pywikibot",)) and not _within(i.importer, ("bot.wiki",)):
                errors.append(f"{i}: pywikibot is imported only in bot/wiki")
            if _within(i.importer, STAGES) and _within(i.imported, ABOVE_STAGES):
                errors.append(f"{i}: harvest, compile and publish never import {', '.join(ABOVE_STAGES)}")
            if _within(i.imported, ("bot.wiki",)) and not _within(i.importer, WIKI_USERS):
                errors.append(f"{i}: bot.wiki is imported only by {', '.join(WIKI_USERS)}")
            if _within(i.importer, GROUND) and _within(i.imported, ("bot",)) and not _within(i.imported, GROUND):
                errors.append(f"{i}: {', '.join(GROUND)} import no stage")
    return errors


# -- the tests -----------------------------------------------------------------------

def test_bot_has_no_import_circle():
    graph = import_graph(ROOT)
    assert "bot.wiki.pages" in graph and "bot.run.tick" in graph, sorted(graph)
    assert circles(graph) == []


def test_imports_go_one_way_and_only_bot_wiki_imports_pywikibot():
    graph = import_graph(ROOT)
    assert any(i.imported.startswith("pywikibot") for i in graph["bot.wiki.connection"]), \
        "the checker no longer sees pywikibot's import in bot/wiki/connection.py"
    assert direction_errors(graph) == []


def _tree(tmp_path: Path, files: dict[str, str]) -> dict[str, list[Import]]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return import_graph(tmp_path)


def test_the_checker_finds_circles_through_functions_and_relative_imports(tmp_path):
    graph = _tree(tmp_path, {
        "bot/__init__.py": "",
        "bot/a.py": "from bot import b\n",
        "bot/b.py": "def f():\n    from bot.c import x\n",
        "bot/c.py": "from . import a\n",
        "bot/d.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from bot import e\n",
        "bot/e.py": "import bot.d\n",
        "bot/p/__init__.py": "from bot.p.q import y\n",
        "bot/p/q.py": "from bot.model import Session\n",
        "bot/model.py": "",
    })
    assert circles(graph) == [["bot.a", "bot.b", "bot.c", "bot.a"]]


def test_the_checker_finds_each_wrong_direction(tmp_path):
    graph = _tree(tmp_path, {
        "bot/__init__.py": "",
        "bot/wiki/__init__.py": "import pywikibot\n",
        "bot/publish/plan.py": "def f():\n    from bot.wiki import Wiki\n",
        "bot/compile/notes.py": "import pywikibot.config\n",
        "bot/harvest/page.py": "from bot.run import tick\n",
        "bot/config.py": "from bot import wiki\n",
        "bot/model.py": "from bot.compile import notes\n",
        "bot/run/tick.py": "from bot.wiki import Wiki\n",
        "bot/commands.py": "from bot import wiki\n",
    })
    errors = direction_errors(graph)
    expected = [
        "bot.compile.notes (line 1) imports pywikibot.config: pywikibot is imported only in bot/wiki",
        "bot.config (line 1) imports bot.wiki: bot.wiki is imported only by",
        "bot.harvest.page (line 1) imports bot.run.tick: harvest, compile and publish never import",
        "bot.model (line 1) imports bot.compile.notes: bot.model, bot.wikifacts, bot.wikitext, bot.errors import no stage",
        "bot.publish.plan (line 2) imports bot.wiki: harvest, compile and publish never import",
        "bot.publish.plan (line 2) imports bot.wiki: bot.wiki is imported only by",
    ]
    assert sorted(e for e in errors if any(e.startswith(x) for x in expected)) == sorted(errors)
    for start in expected:
        assert any(e.startswith(start) for e in errors), (start, errors)
