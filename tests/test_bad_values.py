"""Every value checked where it enters: a one-line message naming the key or
option, exit 2, no traceback, and never a request to a wiki the bot was not
configured for.

The commands run as a user runs them (the ``notesbot`` command, in a fresh
working directory, with ``HOME`` there too), offline: ``HTTP_PROXY`` and
``HTTPS_PROXY`` point at a socket that records every connection, so a
command that reached for any wiki (pywikibot's fallback is
test.wikipedia.org, a live wiki) is caught.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot import config
from bot.errors import ConfigError
from lanes import first_fast

NOTESBOT = Path(sys.executable).parent / "notesbot"


class RecordingProxy:
    """A TCP listener that counts connections and answers none."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.running = False
        try:  # wakes the accept() at once, rather than at its timeout
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.thread.join()
        self.sock.close()


@pytest.fixture
def offline(tmp_path):
    proxy = RecordingProxy()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYWIKIBOT", "NOTESBOT")) and k.lower() not in ("http_proxy", "https_proxy",
                                                                               "all_proxy", "no_proxy")}
    env.update(HOME=str(tmp_path), HTTP_PROXY=proxy.url, HTTPS_PROXY=proxy.url, http_proxy=proxy.url,
               https_proxy=proxy.url)

    def run(*args: str, cwd: Path = tmp_path, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(NOTESBOT), *args], capture_output=True, text=True, cwd=cwd,
                              env=dict(env, **extra), timeout=120)

    run.proxy = proxy
    yield run
    proxy.close()


ONLINE = [("status",), ("publish", "2024-07-11"), ("run",), ("new-session", "2025-04-10"),
          ("harvest", "--session", "2024-07-11"), ("harvest", "--page", "Main Page")]


def assert_one_line(done: subprocess.CompletedProcess, start: str) -> None:
    assert done.returncode == 2, done
    assert "Traceback" not in done.stderr + done.stdout, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(start), done


@pytest.mark.parametrize("args", first_fast(ONLINE), ids=lambda a: " ".join(a))
def test_online_commands_without_pywikibot_configuration_stop_before_any_request(offline, args):
    done = offline(*args, "-always")
    assert_one_line(done, "notesbot: pywikibot is not configured: no user-config.py in ")
    assert "PYWIKIBOT_DIR" in done.stderr and "-dir:" in done.stderr
    assert offline.proxy.connections == 0


def test_a_pywikibot_folder_without_user_config_or_family_is_not_configured(offline, tmp_path):
    empty = tmp_path / "pwb"
    empty.mkdir()
    done = offline("status", PYWIKIBOT_DIR=str(empty))
    assert_one_line(done, f"notesbot: pywikibot is not configured: no user-config.py in {empty} (PYWIKIBOT_DIR)")
    done = offline("status", f"-dir:{empty}")
    assert_one_line(done, f"notesbot: pywikibot is not configured: no user-config.py in {empty} (-dir:)")
    (empty / "user-config.py").write_text("usernames['meta']['meta'] = 'NotesBot'\n")
    done = offline("status", f"-dir:{empty}")
    assert_one_line(done, "notesbot: pywikibot is not configured: ")
    assert "sets no family" in done.stderr
    assert offline.proxy.connections == 0


def test_an_unknown_site_is_a_usage_error(offline, tmp_path):
    folder = tmp_path / "pwb"
    folder.mkdir()
    (folder / "user-config.py").write_text("family = 'meta'\nmylang = 'meta'\n")
    done = offline("status", f"-dir:{folder}", "-site:nosuch:xx")
    assert_one_line(done, "notesbot: ")
    assert "nosuch" in done.stderr
    assert offline.proxy.connections == 0


@pytest.mark.parametrize("args, option", first_fast(unpack=True, values=[
    (("run", "--now", "garbage"), "--now 'garbage'"),
    (("run", "--now", "2024-13-45T99:99"), "--now"),
    (("new-session", "2025-02-30"), "DATE '2025-02-30': no such day in the calendar"),
    (("new-session", "garbage"), "DATE 'garbage': expected a date YYYY-MM-DD"),
    (("schedule", "--max-ticks", "x"), "--max-ticks"),
]))
def test_bad_command_options_are_one_line_and_exit_2(offline, args, option):
    done = offline(*args)
    assert_one_line(done, "notesbot: ")
    assert option in done.stderr, done
    assert offline.proxy.connections == 0


@pytest.mark.parametrize("questions, message", first_fast(unpack=True, values=[
    ([{"id": 5, "question": "x"}], "item 0"),
    ([{"id": "q-0123456789", "question": ["not", "text"]}], "item 0"),
    ([{"id": "not an id", "question": "x"}], "item 0"),
    ([{"id": "q-0123456789", "question": "x", "asker": {"a": 1}}], "item 0"),
    ({"id": "q-0123456789"}, "expected a JSON array"),
    (["x"], "item 0 is not an object"),
]))
def test_bad_question_files_are_one_line_and_exit_2(offline, tmp_path, questions, message):
    path = tmp_path / "questions.json"
    path.write_text(json.dumps(questions))
    done = offline("compile", "--questions", str(path))
    assert_one_line(done, f"notesbot: {path}: ")
    assert message in done.stderr, done


SERIES_BAD = [
    ({"time": "99:99"}, "series[0].time"),
    ({"time": "24:00"}, "series[0].time"),
    ({"session_title": "X/Conversation Hour {date:%Y"}, "series[0].session_title"),
    ({"session_title": "X/Conversation Hour {date:%Y %m %d} {foo}"}, "series[0].session_title"),
    ({"session_title": "X/../Conversation Hour {date:%Y %m %d}"}, "series[0].session_title"),
    ({"index_page": "Main/%2E%2E/Index"}, "series[0].index_page"),
    ({"index_page": "mw:Conversation Hour"}, "series[0].index_page"),
    ({"index_page": "en:Conversation Hour"}, "series[0].index_page"),
    ({"allowed_prefixes": ["w:Conversation Hour"]}, "series[0].allowed_prefixes[0]"),
    ({"questions_subpage": "../Questions"}, "series[0].questions_subpage"),
    ({"templates": {"notes": "mw:User:X/notes"}}, "series[0].templates.notes"),
    ({"navigation_template": ""}, "series[0].navigation_template"),
    ({"mark_template": "  "}, "series[0].mark_template"),
]


@pytest.mark.parametrize("series, key", SERIES_BAD, ids=lambda v: str(v))
def test_bad_series_values_name_the_key(series, key):
    with pytest.raises(ConfigError) as e:
        config.from_dict({"series": [series]})
    assert str(e.value).startswith(key), e.value


@pytest.mark.parametrize("data, key", [
    ({"shutoff_page": "mw:User:{bot}/Run"}, "shutoff_page"),
    ({"status_page": "User:{bot}/../Status"}, "status_page"),
    ({"run_budget_seconds": 60}, "run_budget_seconds"),
    ({"max_retries": 50}, "max_retries"),
    ({"request_timeout_seconds": 0}, "request_timeout_seconds"),
])
def test_bad_top_level_values_name_the_key(data, key):
    with pytest.raises(ConfigError) as e:
        config.from_dict(data)
    assert str(e.value).startswith(key), e.value


@pytest.mark.parametrize("series, key", first_fast(SERIES_BAD[:4], unpack=True), ids=lambda v: str(v))
def test_a_bad_configured_value_stops_a_command_with_one_line(offline, tmp_path, series, key):
    path = tmp_path / "notesbot.json"
    path.write_text(json.dumps({"series": [series]}))
    done = offline("--config", str(path), "status")
    assert_one_line(done, f"notesbot: {path}: {key}")
    assert offline.proxy.connections == 0


def test_the_defaults_and_the_test_titles_still_pass():
    config.from_dict({"series": [{"session_title": "Notesbot test T1/Conversation Hour {date:%Y %m %d}",
                                  "index_page": "Notesbot test T1/Conversation Hour",
                                  "allowed_prefixes": ["Notesbot test T1/"],
                                  "templates": {"notes": "User:NotesBot/templates/notes"}}],
                      "shutoff_page": "User:{bot}/Run T1"})
