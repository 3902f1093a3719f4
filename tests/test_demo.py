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
