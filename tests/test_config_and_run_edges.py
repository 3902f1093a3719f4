"""Issue 25's minor items of configuration, lock, login and tick: a one-line
message instead of an internal error, the on-wiki configuration only on the
bot's own ``.json`` page, no session cookie left on disk after a run with
the environment's secret, and a tick that notices a change of a staff group."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot import config
from bot.errors import ConfigError

NOTESBOT = Path(sys.executable).parent / "notesbot"


def offline(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, HOME=str(tmp_path), HTTP_PROXY="http://127.0.0.1:9", HTTPS_PROXY="http://127.0.0.1:9")
    return subprocess.run([str(NOTESBOT), *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)


def assert_one_line(done: subprocess.CompletedProcess, start: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith(start) and len(line) < 400, line


@pytest.mark.parametrize("deep", ["[" * 100000 + "]" * 100000, '{"a":' * 5000 + "1" + "}" * 5000])
def test_a_deeply_nested_local_configuration_is_one_line(tmp_path, deep):
    path = tmp_path / "notesbot.json"
    path.write_text('{"series": [{"name": ' + deep + "}]}")
    assert_one_line(offline(tmp_path, "--config", str(path), "status"), f"notesbot: {path}: ")


def test_a_value_nested_deep_enough_to_parse_is_shown_in_one_short_line(tmp_path):
    path = tmp_path / "notesbot.json"
    path.write_text('{"series": [{"name": ' + '{"a":' * 900 + "1" + "}" * 900 + "}]}")
    assert_one_line(offline(tmp_path, "--config", str(path), "status"), f"notesbot: {path}: series[0].name")


@pytest.mark.parametrize("days", [10**6, 10**30])
def test_a_huge_archive_after_days_is_refused_naming_the_key(days):
    with pytest.raises(ConfigError, match=r"^series\[0\]\.archive_after_days: expected 0 to 36500"):
        config.from_dict({"series": [{"archive_after_days": days}]})


@pytest.mark.parametrize("title", ["User:{bot}/notesbot", "User:{bot}/notesbot.js", "User:{bot}/notesbot.css",
                                   "Notesbot config.json", "User talk:{bot}/notesbot.json"])
def test_the_on_wiki_configuration_must_be_a_json_page_of_a_user(title):
    with pytest.raises(ConfigError, match=r"^onwiki_config: .* is not a \.json subpage of the bot's own user page"):
        config.from_dict({"onwiki_config": title})


# -- on the local wiki, as a plain account ---------------------------------------------------

def test_a_configuration_page_anyone_can_edit_is_refused(wiki, tmp_path):
    from scenario import Scenario

    s = Scenario(wiki, tmp_path)
    page = f"User:{s.bot_user}/notesbot-{s.uid}"  # a plain subpage: the community can edit it
    s.member.edit(page, json.dumps({"series": [{"name": "test", "staff": ["Community Member"]}]}), "My settings")
    s.extra = {"onwiki_config": "User:{bot}/notesbot-" + s.uid}
    s.write_config()
    done = s.run("new-session", "2024-07-11", "-always")
    assert_one_line(done, f"notesbot: {s.config_path}: onwiki_config: ")
    assert s.reader.text(s.session("2024-07-11")) is None


def test_a_folder_as_the_lock_file_is_one_line(wiki, tmp_path):
    from scenario import Scenario

    s = Scenario(wiki, tmp_path, extra={"lock_file": str(tmp_path)})
    done = s.run("new-session", "2024-07-11", "-always")
    assert done.returncode == 2 and "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith(f"notesbot: lock file {tmp_path}: cannot open it")
    assert s.reader.text(s.session("2024-07-11")) is None


def test_no_session_cookie_is_left_after_a_run_with_the_environment_secret(wiki, tmp_path):
    from faultproxy import route_pywikibot
    from scenario import Scenario

    s = Scenario(wiki, tmp_path)
    folder = route_pywikibot(wiki.pywikibot_dir, tmp_path / "pwb", wiki.port)
    (folder / "user-password.cfg").unlink()  # the secret comes from the environment only
    bot = wiki.accounts["bot"]
    (folder / f"pywikibot-{bot.user}.lwp").write_text("#LWP-Cookies-2.0\n")  # left by an earlier version
    env = dict(s.env(), PYWIKIBOT_DIR=str(folder), NOTESBOT_BOTPASSWORD=bot.password,
               NOTESBOT_BOTPASSWORD_APPID=bot.appid)
    done = subprocess.run([str(NOTESBOT), "--config", str(s.config_path), "new-session", "2024-07-11", "-always"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert s.reader.text(s.session("2024-07-11")) is not None  # it did log in and edit
    assert sorted(p.name for p in folder.glob("*.lwp")) == []


def test_a_user_added_to_a_staff_group_counts_at_the_next_tick(wiki, tmp_path):
    from scenario import Scenario
    from test_publish import ANSWERS
    from wikiclient import Account, WikiClient

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    from localwiki import php

    s = Scenario(wiki, tmp_path, series_extra={"staff": ["group:suppress"]})
    name = f"Staffer {s.uid}"
    php("maintenance/createAndPromote.php", name, os.urandom(12).hex(), dir=wiki.dir)
    out = php("maintenance/createBotPassword.php", "--appid=staff", "--grants=basic,editpage,createeditmovepage",
              name, dir=wiki.dir)
    staffer = WikiClient(wiki.api_url, Account(name, "staff", out.split("password:'", 1)[1].split("'", 1)[0]))
    now = datetime.now(timezone.utc).replace(microsecond=0)
    day = (now - timedelta(days=2)).date().isoformat()
    s.run_ok("new-session", day, "-always")
    s.post_example_questions(day)
    s.run_ok("harvest", "--session", day, "--to-draft", "-always")
    s.staff = staffer  # answers and "ready", saved by someone not (yet) in the group
    s.answer(day, ANSWERS)
    tick = ("run", "--now", now.strftime("%Y-%m-%dT%H:%M:%SZ"), "-always")
    s.run_ok(*tick)
    assert "Nothing changed on the wiki" in s.run_ok(*tick).stdout  # the cache is in place
    answer = "We have public pages with professional resources."
    assert answer not in s.reader.text(s.session(day))
    php("maintenance/createAndPromote.php", "--force", "--custom-groups=suppress", name, dir=wiki.dir)
    done = s.run_ok(*tick)
    assert "Nothing changed on the wiki" not in done.stdout
    assert answer in s.reader.text(s.session(day)), done.stdout + done.stderr
