"""A series of sessions of its own for each test, on the shared local wiki.

Each test gets titles under a prefix no other test uses, its own shutoff page
and on-wiki configuration page, and a local configuration file pointing at
them, so tests never see each other's pages.  The bot is run as users run it:
the ``notesbot`` command, in a subprocess.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from faultproxy import FaultProxy, WriteHook, route_pywikibot
from wikiclient import WikiClient

EXAMPLES = Path(__file__).resolve().parent / "data" / "examples"
NOTESBOT = Path(sys.executable).parent / "notesbot"


@dataclass
class Scenario:
    wiki: object
    tmp: Path
    style: str = "conversation-hour-2024"
    extra: dict = field(default_factory=dict)
    series_extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.uid = f"T{time.time_ns() % 10**12}"
        self.prefix = f"Notesbot test {self.uid}"
        self.index = f"{self.prefix}/Conversation Hour"
        self.shutoff = f"User:{{bot}}/Run {self.uid}"
        self.onwiki = f"User:{{bot}}/notesbot-{self.uid}.json"
        self.status_page = f"User:{{bot}}/Status {self.uid}"
        self.config_path = self.tmp / f"notesbot-{self.uid}.json"
        self.write_config()
        self.admin: WikiClient = self.wiki.client("admin")
        self.member: WikiClient = self.wiki.client("member")
        self.staff: WikiClient = self.wiki.client("staff")
        self.reader: WikiClient = self.wiki.client()
        self.bot_user = self.wiki.accounts["bot"].user
        self.status = self.title(self.status_page)
        self.admin.edit(self.title(self.shutoff), "yes", "Test shutoff page")

    def title(self, configured: str) -> str:
        return configured.replace("{bot}", self.bot_user if hasattr(self, "bot_user") else "NotesBot")

    def write_config(self) -> None:
        series = {
            "name": "test",
            "style": self.style,
            "session_title": self.prefix + "/Conversation Hour {date:%Y %m %d}",
            "index_page": self.index,
            "allowed_prefixes": [self.prefix + "/"],
            "staff": [self.wiki.accounts["staff"].user],
            **self.series_extra,
        }
        if self.style == "office-hours-2022":
            series.setdefault("notes_subpage", "Notes")
        data = {"series": [series], "shutoff_page": self.shutoff, "onwiki_config": self.onwiki,
                "status_page": self.status_page, "lock_wait": 1,
                # Named, not as a group: the shutoff page's last editor is then
                # trusted without asking the wiki for the user's groups.
                "operators": [self.wiki.accounts["admin"].user], **self.extra}
        self.config_path.write_text(json.dumps(data, indent=1))

    # -- titles ----------------------------------------------------------------
    def session(self, day: str) -> str:
        return f"{self.prefix}/Conversation Hour {day.replace('-', ' ')}"

    def questions(self, day: str) -> str:
        return self.session(day) + "/Questions"

    def draft(self, day: str) -> str:
        return self.session(day) + "/Notes draft"

    def notes(self, day: str) -> str:
        return self.session(day) + ("/Notes" if self.style == "office-hours-2022" else "")

    # -- running the bot ---------------------------------------------------------
    def env(self) -> dict[str, str]:
        env = dict(os.environ, PYWIKIBOT_DIR=str(self.wiki.pywikibot_dir))
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as in production: the bot's .pyc kept between runs
        return env

    def run(self, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
        return subprocess.run([str(NOTESBOT), "--config", str(self.config_path), *args],
                              capture_output=True, text=True, env=self.env(), timeout=timeout)

    def run_ok(self, *args: str) -> subprocess.CompletedProcess:
        result = self.run(*args)
        assert result.returncode == 0, f"notesbot {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
        return result

    # -- what people do -----------------------------------------------------------
    def post_example_questions(self, day: str) -> str:
        text = (EXAMPLES / "questions-2024-07-11.wiki").read_text()
        text = text.replace(
            "Wikimedia Foundation/Legal/Community Resilience and Sustainability/Conversation Hour 2024 07 11",
            self.session(day))
        self.member.edit(self.questions(day), text, "My questions")
        return text

    def answer(self, day: str, answers: dict[str, list[str]], ready: bool = True) -> str:
        """As staff: write answer lines under the draft's questions whose text
        contains each key, and set the draft's status to ready."""
        text = self.staff.text(self.draft(day))
        assert text is not None, "no draft to answer in"
        lines = text.split("\n")
        for needle, answer_lines in answers.items():
            hits = [i for i, l in enumerate(lines) if l.startswith("*") and needle in l]
            assert hits, f"no question with {needle!r} in the draft"
            i = hits[0] + 1
            while i < len(lines) and lines[i].startswith(":"):
                i += 1
            lines[i:i] = answer_lines
        text = "\n".join(lines)
        if ready:
            text = re.sub(r"(\|\s*status\s*=\s*)[^|\n}]*", r"\1ready", text, count=1)
        self.staff.edit(self.draft(day), text, "Answers")
        return text

    def bot_edits(self) -> list[dict]:
        return [c for c in self.reader.contributions(self.bot_user) if c["title"].startswith(self.prefix)]


@dataclass
class ProxiedScenario(Scenario):
    """A :class:`Scenario` whose bot reaches the wiki through ``proxy``
    (``tests/faultproxy.py``): its own copy of the wiki's pywikibot folder,
    pointing at the proxy's port, with ``settings`` appended to its
    ``user-config.py``.  The people (member, staff, admin, reader) edit the
    wiki directly, so a test can make one of them act at the moment a write
    of the bot passes the proxy (:meth:`when_saving`)."""

    proxy: FaultProxy | None = None
    settings: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__post_init__()
        assert self.proxy is not None, "a ProxiedScenario needs its proxy"
        self.pywikibot_dir = route_pywikibot(self.wiki.pywikibot_dir, self.tmp / f"pywikibot-{self.uid}",
                                             self.proxy.port, settings=self.settings)

    def env(self) -> dict[str, str]:
        return dict(super().env(), PYWIKIBOT_DIR=str(self.pywikibot_dir))

    def start(self, *args: str) -> subprocess.Popen:
        """The ``notesbot`` command, started and not waited for."""
        return subprocess.Popen([str(NOTESBOT), "--config", str(self.config_path), *args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env())

    def when_saving(self, page: str, action) -> WriteHook:
        """Run ``action()`` once, when the bot's first save of ``page``
        reaches the proxy, before the wiki gets it."""
        return self.proxy.on_write(lambda request: action(), title=page)

    def add_when_saving(self, page: str, line: str, who: str = "member") -> WriteHook:
        """The community member (or ``who``) appends ``line`` to ``page``
        just before the bot's first save of it reaches the wiki: an edit
        between the bot's read and its write."""
        client: WikiClient = getattr(self, who)
        return self.when_saving(page, lambda: client.edit(page, (client.text(page) or "") + "\n" + line,
                                                          "Added while the bot was saving"))


def anchors(html: str) -> set[str]:
    return set(re.findall(r'id="(q-[0-9a-f]+)"', html))


def mark_targets(html: str) -> list[tuple[str, str]]:
    """(page, anchor) of every "answered" mark link on a rendered page."""
    out = []
    for href in re.findall(r'<sup class="conversation-hour-mark"><a href="([^"]+)"', html):
        m = re.search(r"title=([^&#]+)(?:&[^#]*)?#(q-[0-9a-f]+)", href)
        if m:
            from urllib.parse import unquote
            out.append((unquote(m[1]).replace("_", " "), m[2]))
    return out



def benchmark(name: str):
    """The module ``benchmarks/NAME.py``: a test that checks a bound the
    benchmark enforces calls the benchmark's own measure and bound."""
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "benchmarks" / f"{name}.py"
    sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location(f"benchmark_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
