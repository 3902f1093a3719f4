"""The ground everything stands on: a real MediaWiki, the bot's login, the CLI."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from wikiclient import LocalWiki, start_wiki, stop_wiki
from wikiclient import WikiClient, unique_title


def test_bot_logs_in_with_its_botpassword_and_saves_with_the_bot_flag(wiki: LocalWiki, site, reader: WikiClient):
    import pywikibot

    title = unique_title("Notesbot login check")
    page = pywikibot.Page(site, title)
    page.text = "Saved by the bot through pywikibot."
    page.save("notesbot: login check", asynchronous=False)

    assert reader.text(title) == "Saved by the bot through pywikibot."
    [rev] = reader.revisions(title)
    assert rev["user"] == wiki.accounts["bot"].user
    changes = [c for c in reader.recent_changes(user=wiki.accounts["bot"].user) if c["title"] == title]
    assert changes and changes[0]["bot"] is True


def test_password_file_is_private_and_holds_no_main_password(wiki: LocalWiki):
    cfg = wiki.pywikibot_dir / "user-password.cfg"
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o600
    assert "BotPassword(" in cfg.read_text()
    config = (wiki.pywikibot_dir / "user-config.py").read_text()
    assert f"127.0.0.1:{wiki.port}/api.php" in config
    assert wiki.accounts["bot"].password not in config


def test_a_second_wiki_in_another_directory_is_independent(wiki: LocalWiki, tmp_path: Path):
    other = start_wiki(tmp_path / "second", seed=None)
    try:
        assert other.port != wiki.port
        title = unique_title("Only on the second wiki")
        other.client("member").edit(title, "second wiki")
        assert other.client().text(title) == "second wiki"
        assert wiki.client().text(title) is None
        # Starting it again is harmless: same wiki, same port, page still there.
        again = start_wiki(tmp_path / "second", seed=None)
        assert again.port == other.port
        assert again.client().text(title) == "second wiki"
    finally:
        stop_wiki(tmp_path / "second")
    status = subprocess.run([str(ROOT / "scripts" / "localwiki"), "status", str(tmp_path / "second")],
                            capture_output=True, text=True)
    assert status.stdout.startswith("stopped")
    # The first wiki is untouched by stopping the second.
    assert wiki.client().get(action="query", meta="siteinfo")["query"]["general"]["sitename"]


def test_localwiki_env_prints_the_pywikibot_dir(wiki: LocalWiki):
    out = subprocess.run([str(ROOT / "scripts" / "localwiki"), "env", str(wiki.dir)],
                         capture_output=True, text=True, check=True).stdout
    assert f"PYWIKIBOT_DIR={wiki.pywikibot_dir}" in out
    assert wiki.accounts["bot"].password not in out


def test_seeded_templates_render(wiki: LocalWiki, reader: WikiClient):
    html = reader.parse_html(text="x{{Conversation hour answered|Main Page#q-0123456789}}")
    assert 'href="/index.php?title=Main_Page#q-0123456789"' in html
    assert "answered" in html


def notesbot(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "notesbot"
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=120,
                          env=env or dict(os.environ))


@pytest.mark.slow
def test_help_answers_for_the_command_and_every_subcommand():
    top = notesbot("--help")
    assert top.returncode == 0
    for sub in ("harvest", "compile", "publish", "run", "schedule", "new-session", "status"):
        assert sub in top.stdout
        result = notesbot(sub, "--help")
        assert result.returncode == 0, result.stderr
        assert "-simulate" in result.stdout


@pytest.mark.parametrize("args", [
    ["harvest", "--bogus"],
    ["frobnicate"],
    ["publish"],
    ["compile", "--questions", "x.json", "--draft", "y.wiki"],
])
def test_bad_usage_is_one_line_and_exit_2(args):
    result = notesbot(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("notesbot: "), result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_pywikibot_option_is_one_line_and_exit_2(wiki: LocalWiki):
    env = dict(os.environ, PYWIKIBOT_DIR=str(wiki.pywikibot_dir))
    result = notesbot("status", "-frobnicate", env=env)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines()[-1] == \
        "notesbot: unknown option '-frobnicate' (see 'notesbot --help')"
    assert "Traceback" not in result.stderr
