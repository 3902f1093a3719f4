"""Test-side access to the local wiki: act as the community, check what the bot did.

The bot talks to the wiki only through pywikibot (``bot/wiki/``).  The tests
need to do what other people do on the same wiki at the same time (a community
member adding a question, staff writing answers) and to check the outcome as a
reader would (the saved text, the rendered page, who made which edit).  They do
it with plain API calls through ``requests``, so that a check never goes
through the code it checks.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Callable

import requests


class ApiError(RuntimeError):
    pass


@dataclass
class Account:
    user: str
    appid: str
    password: str

    @property
    def login_name(self) -> str:
        return f"{self.user}@{self.appid}"


class WikiClient:
    """A logged-in (or anonymous) session on the local wiki's action API."""

    def __init__(self, api_url: str, account: Account | None = None):
        self.api_url = api_url
        self.account = account
        self.http = requests.Session()
        self.http.headers["User-Agent"] = "notesbot-tests/0.1 (local wiki only)"
        self._csrf: str | None = None
        if account is not None:
            self.login()

    # -- plumbing ---------------------------------------------------------
    def get(self, **params: Any) -> dict:
        params.setdefault("format", "json")
        params.setdefault("formatversion", "2")
        r = self.http.get(self.api_url, params=params, timeout=60)
        r.raise_for_status()
        data = r.json()
        if "error" in data:
            raise ApiError(f"{data['error'].get('code')}: {data['error'].get('info')}")
        return data

    def post(self, **params: Any) -> dict:
        params.setdefault("format", "json")
        params.setdefault("formatversion", "2")
        r = self.http.post(self.api_url, data=params, timeout=60)
        r.raise_for_status()
        data = r.json()
        if "error" in data:
            raise ApiError(f"{data['error'].get('code')}: {data['error'].get('info')}")
        return data

    def login(self) -> None:
        assert self.account is not None
        token = self.get(action="query", meta="tokens", type="login")["query"]["tokens"]["logintoken"]
        result = self.post(action="login", lgname=self.account.login_name,
                           lgpassword=self.account.password, lgtoken=token)
        if result["login"]["result"] != "Success":
            raise ApiError(f"login as {self.account.user} failed: {result['login']}")
        self._csrf = None

    @property
    def csrf(self) -> str:
        if self._csrf is None:
            self._csrf = self.get(action="query", meta="tokens")["query"]["tokens"]["csrftoken"]
        return self._csrf

    # -- what people do -----------------------------------------------------
    def edit(self, title: str, text: str, summary: str = "test edit", **extra: Any) -> dict:
        """Save ``text`` as the whole page; returns the API's ``edit`` result."""
        result = self.post(action="edit", title=title, text=text, summary=summary,
                           token=self.csrf, **extra)["edit"]
        if result.get("result") != "Success":
            raise ApiError(f"edit of {title} refused: {result}")
        return result

    def append(self, title: str, text: str, summary: str = "test edit") -> dict:
        result = self.post(action="edit", title=title, appendtext=text, summary=summary,
                           token=self.csrf)["edit"]
        if result.get("result") != "Success":
            raise ApiError(f"edit of {title} refused: {result}")
        return result

    def protect(self, title: str, level: str = "sysop") -> None:
        self.post(action="protect", title=title, protections=f"edit={level}|move={level}",
                  token=self.csrf)

    # -- what readers check ----------------------------------------------
    def text(self, title: str) -> str | None:
        """The page's current wikitext, or None if it does not exist."""
        page = self.get(action="query", prop="revisions", titles=title,
                        rvprop="content", rvslots="main")["query"]["pages"][0]
        if page.get("missing"):
            return None
        return page["revisions"][0]["slots"]["main"]["content"]

    def revisions(self, title: str) -> list[dict]:
        """All revisions of a page, oldest first (user, timestamp, comment, flags)."""
        page = self.get(action="query", prop="revisions", titles=title, rvlimit="max",
                        rvdir="newer", rvprop="ids|user|timestamp|comment|flags|tags")["query"]["pages"][0]
        return page.get("revisions", [])

    def parse_html(self, title: str | None = None, text: str | None = None) -> str:
        params: dict[str, Any] = {"action": "parse", "prop": "text|sections|categories|displaytitle",
                                  "disableeditsection": 1}
        if title is not None:
            params["page"] = title
        else:
            params.update(text=text, contentmodel="wikitext", title="Notes preview")
        return self.get(**params)["parse"]["text"]

    def parse(self, title: str) -> dict:
        return self.get(action="parse", page=title, prop="text|sections|categories|displaytitle|properties",
                        disableeditsection=1)["parse"]

    def contributions(self, user: str) -> list[dict]:
        return self.get(action="query", list="usercontribs", ucuser=user, uclimit="max",
                        ucprop="ids|title|timestamp|comment|flags")["query"]["usercontribs"]

    def recent_changes(self, user: str | None = None) -> list[dict]:
        params: dict[str, Any] = {"action": "query", "list": "recentchanges", "rclimit": "max",
                                  "rcprop": "title|user|flags|ids|timestamp|comment", "rctype": "edit|new"}
        if user:
            params["rcuser"] = user
        return self.get(**params)["query"]["recentchanges"]


ROOT = Path(__file__).resolve().parent.parent
_REQUEST = re.compile(r"\[\d{3}\]: (?:GET|POST|HEAD) /api\.php")


class LocalWiki:
    """One running local wiki: where it is, who can log in to it, and what
    reached it (the tests' fixtures and the benchmarks share it)."""

    def __init__(self, dir: Path):
        self.dir = dir
        self.port = json.loads((dir / "state.json").read_text())["port"]
        self.url = f"http://127.0.0.1:{self.port}"
        self.api_url = f"{self.url}/api.php"
        self.pywikibot_dir = dir / "pywikibot"
        accounts = json.loads((dir / "accounts.json").read_text())
        self.accounts = {key: Account(**value) for key, value in accounts.items()}

    def client(self, who: str | None = None) -> WikiClient:
        """A fresh API session as ``who`` ('admin', 'bot', 'member', 'staff'), or anonymous."""
        return WikiClient(self.api_url, self.accounts[who] if who else None)

    @property
    def access_log(self) -> Path:
        """The PHP server's log: one ``[200]: POST /api.php`` line a request."""
        return self.dir / "server.log"

    def log_position(self) -> int:
        return self.access_log.stat().st_size

    def requests_since(self, position: int) -> int:
        """API requests the wiki answered since ``position`` of its access log."""
        with open(self.access_log, "rb") as f:
            f.seek(position)
            return len(_REQUEST.findall(f.read().decode(errors="replace")))


#: Called with the folder before a wiki is started; the tests' conftest sets
#: it to refuse a wiki to a test that is not marked ``wiki`` (the fast lane).
before_start: Callable[[Path], None] | None = None


def start_wiki(dir: Path, seed: str | None = "templates", lang: str = "en",
               timezone: str | None = None) -> LocalWiki:
    """``scripts/localwiki start DIR`` (with the bot's templates seeded), in content
    language ``lang`` and time zone ``timezone`` for a new wiki."""
    if before_start is not None:
        before_start(dir)
    cmd = [str(ROOT / "scripts" / "localwiki"), "start", str(dir), f"--lang={lang}"]
    if timezone:
        cmd.append(f"--timezone={timezone}")
    if seed:
        cmd.append(f"--seed={seed}")
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"scripts/localwiki start failed:\n{proc.stderr}")
    return LocalWiki(dir)


def stop_wiki(dir: Path) -> None:
    subprocess.run([str(ROOT / "scripts" / "localwiki"), "stop", str(dir)],
                   capture_output=True, text=True, timeout=60)


def unique_title(prefix: str) -> str:
    """A page title no other test uses, so tests can share one wiki."""
    return f"{prefix} {time.time_ns()}"


# -- rendering the way the seeds were made ---------------------------------
VOID = {"br", "img", "hr", "wbr", "input", "meta", "link", "source", "col", "area"}
BLOCKS = {"p", "li", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "div", "pre", "tr"}


class _TextLines(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skip = 0

    def flush(self) -> None:
        line = re.sub(r"\s+", " ", "".join(self.current)).strip()
        if line:
            self.lines.append(line)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        classes = dict(attrs).get("class") or ""
        if self.skip or "mw-editsection" in classes or tag in ("style", "script"):
            if tag not in VOID:
                self.skip += 1
            return
        if tag in BLOCKS or tag in ("ul", "ol", "dl"):
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            self.skip -= 1
            return
        if tag in BLOCKS or tag in ("ul", "ol", "dl"):
            self.flush()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.current.append(data)


def html_to_lines(fragment: str) -> list[str]:
    """One line per paragraph, list item, definition and heading; tags stripped,
    entities decoded, blank lines dropped: how the seeds' text was made."""
    parser = _TextLines()
    parser.feed(fragment)
    parser.close()
    parser.flush()
    return [html.unescape(line) for line in parser.lines]
