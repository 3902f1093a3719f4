"""``scripts/demo`` twice on one wiki: the second run leaves every page as the first left it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from wikiclient import LocalWiki, stop_wiki

ROOT = Path(__file__).resolve().parent.parent


def bot_pages(wiki: LocalWiki) -> dict[str, str]:
    """Every page the bot ever edited, with its text now."""
    reader = wiki.client()
    titles = {c["title"] for c in reader.contributions(wiki.accounts["bot"].user)}
    return {title: reader.text(title) for title in sorted(titles)}


@pytest.mark.wiki
@pytest.mark.slow
def test_a_second_demo_on_the_same_wiki_leaves_the_same_pages(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYWIKIBOT_DIR", "NOTESBOT_LOCK_DIR")}
    env["NOTESBOT_DEMO_WIKI"] = str(tmp_path / "wiki")
    try:
        first = subprocess.run([str(ROOT / "scripts" / "demo")], capture_output=True, text=True, env=env,
                               timeout=600)
        assert first.returncode == 0, first.stdout + first.stderr
        wiki = LocalWiki(tmp_path / "wiki")
        before = bot_pages(wiki)
        assert any("== Notes ==" in text and ": Maggie:" in text for text in before.values())
        second = subprocess.run([str(ROOT / "scripts" / "demo")], capture_output=True, text=True, env=env,
                                timeout=600)
        assert second.returncode == 0, second.stdout + second.stderr
        after = bot_pages(wiki)
        assert after == before
        for text in after.values():  # no answer written twice
            answers = [line for line in text.split("\n") if line.startswith(": Maggie:")]
            assert len(answers) == len(set(answers))
    finally:
        stop_wiki(tmp_path / "wiki")


def readme_by_hand(readme: str) -> tuple[str, list[str]]:
    """The README's "Running it by hand": the line to paste after the demo,
    and each command of its block, as written (comments and all)."""
    section = readme.split("## Running it by hand", 1)[1].split("\n## ", 1)[0]
    blocks = [b.split("\n```", 1)[0] for b in section.split("```sh\n")[1:]]
    paste = blocks[0].strip()
    commands = [line for line in blocks[1].splitlines() if line.strip()]
    return paste, commands


@pytest.mark.wiki
@pytest.mark.slow
def test_a_newcomer_follows_the_readme_from_a_fresh_clone(tmp_path):
    """A fresh clone of HEAD: ``scripts/demo``, the line it ends with, in a new
    shell (a clean environment: no venv on the PATH, no PYWIKIBOT_DIR), then
    every command of "Running it by hand" exactly as the README writes it.
    Where a command asks before saving (``new-session`` without ``-always``),
    the newcomer answers ``a`` (all)."""
    clone = tmp_path / "notesbot"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=120)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYWIKIBOT", "NOTESBOT", "LOCALWIKI", "VIRTUAL_ENV"))}
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin"
    try:
        demo = subprocess.run([str(clone / "scripts" / "demo")], capture_output=True, text=True, env=env,
                              timeout=900, cwd=clone)
        assert demo.returncode == 0, demo.stdout + demo.stderr
        # The bot's bytecode is written by the install step even where the
        # shell says PYTHONDONTWRITEBYTECODE (each run would compile ~70 modules).
        assert {p.name for p in (clone / "bot" / "__pycache__").glob("cli.*.pyc")}, "no bytecode of bot/cli.py"
        paste, commands = readme_by_hand((clone / "README.md").read_text(encoding="utf-8"))
        last = demo.stdout.strip().splitlines()[-1].strip()
        assert paste.startswith("source ") and last == f"source {clone}/{paste.split(' ', 1)[1]}", (paste, last)
        assert len(commands) >= 10
        for command in commands:
            shell = subprocess.run(["bash", "-c", f"{last}\n{command}"], input="a\n", capture_output=True,
                                   text=True, env={"HOME": env.get("HOME", str(tmp_path)), "PATH": env["PATH"]},
                                   timeout=300, cwd=tmp_path)
            said = f"$ {command}\n{shell.stdout[-2000:]}\n{shell.stderr[-2000:]}"
            assert shell.returncode == 0, said
            assert "command not found" not in shell.stderr and "Traceback" not in shell.stderr, said
        ics = (clone / ".localwiki" / "try" / "crs.ics").read_text(encoding="utf-8")
        assert ics.startswith("BEGIN:VCALENDAR") and "2025" in ics
    finally:
        stop_wiki(clone / ".localwiki")
