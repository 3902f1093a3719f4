"""A fault-injecting HTTP proxy between the bot and the local wiki.

The bot talks to ``http://127.0.0.1:PORT/api.php`` of this proxy instead of
the wiki's; the proxy forwards each request (method, path, body, headers,
cookies included) to the wiki with :mod:`http.client` and returns the wiki's
answer (status, headers, ``Set-Cookie`` included, body), unless its
:class:`FaultPlan` says to inject a fault instead:

``drop``
    close the connection without answering (the wiki never sees the request);
``500`` / ``503``
    answer an HTTP error (``503`` with ``Retry-After: 0``), without forwarding;
``maxlag``
    answer HTTP 200 with the action API's ``maxlag`` error, as a lagged
    replica makes MediaWiki do (``Retry-After: 0``, ``X-Database-Lag: 5``);
``delay``
    wait a little, then forward;
``apply-then-drop``
    forward the request, let the wiki do it, then close the connection
    without answering: for a write, the wiki applied the edit but the bot
    never heard so.

Besides faults, the proxy lets a test act on the wiki at the very moment a
write of the bot passes through it (:meth:`FaultProxy.on_write`): a
community member's edit of the page the bot is about to save, an
administrator switching the bot off, or the bot's process killed once the
wiki applied its k-th edit.  The real ``notesbot`` runs unchanged; only the
timing is the test's.

Standard library only.  It binds and connects to 127.0.0.1 only, and it runs
in a daemon thread that :meth:`FaultProxy.stop` (a fixture's teardown) ends.
Every request is logged (:attr:`FaultProxy.log`) with the fault injected, if
any, for assertions and failure messages.
"""

from __future__ import annotations

import http.client
import json
import random
import shutil
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

LOCALHOST = "127.0.0.1"

FAULTS = ("drop", "500", "503", "maxlag", "delay", "apply-then-drop")

#: The action API's answer when a replica lags more than the request's ``maxlag``.
MAXLAG_BODY = json.dumps({"error": {"code": "maxlag", "info": "Waiting for 127.0.0.1: 5 seconds lagged",
                                    "host": "127.0.0.1", "lag": 5}}).encode()

#: Headers that belong to one connection, not to the message (RFC 9110, 7.6.1).
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailer", "trailers", "transfer-encoding", "upgrade", "proxy-connection"}


@dataclass
class Request:
    """One request as the proxy saw it."""

    number: int
    """1 for the first request since the current plan was set, and so on."""
    method: str
    action: str
    """The API's ``action`` parameter (query string or form body), '' if none."""
    title: str
    write: bool
    """A POST with ``action=edit``."""
    write_number: int | None = None
    fault: str | None = None
    status: int | None = None
    """What the wiki answered (None if the request was not forwarded or failed)."""
    plan: int = 0
    """Which plan (counted from 1 by :meth:`FaultProxy.use`) decided its fault."""
    at: float = field(default_factory=time.monotonic)
    seconds: float | None = None
    """How long the proxy took over it (None while it is being handled)."""

    def __str__(self) -> str:
        what = f"plan {self.plan} #{self.number} {self.method} action={self.action or '-'}"
        if self.title:
            what += f" title={self.title!r}"
        if self.write:
            what += f" (write {self.write_number})"
        took = f" [{self.seconds:.2f} s]" if self.seconds is not None else ""
        return what + (f": {self.fault}" if self.fault else "") + took


@dataclass
class FaultPlan:
    """Decides, request by request, which fault to inject (None: none).

    In order of precedence: ``always`` (every request, or those after the
    first ``after`` requests and ``after_writes`` forwarded writes),
    ``script`` (by request number), ``writes`` (by write number: the n-th
    ``action=edit``), then at random from a :class:`random.Random` seeded
    with ``seed``: a write gets a fault from ``write_faults`` with
    probability ``write_rate``, any other request one from ``read_faults``
    with probability ``rate``.  The random draws happen in the order the
    requests arrive, so a run that makes the same requests gets the same
    faults.  Request and write numbers count from 1 from the moment the
    plan is given to the proxy (:meth:`FaultProxy.use`).
    """

    seed: int | None = None
    rate: float = 0.0
    name: str = ""
    """How failure messages call the plan (e.g. "seed 11, step 2")."""
    write_rate: float = 0.0
    read_faults: tuple[str, ...] = ("drop", "500", "503", "maxlag", "delay", "apply-then-drop")
    write_faults: tuple[str, ...] = ("apply-then-drop", "drop", "503", "maxlag", "delay")
    script: dict[int, str] = field(default_factory=dict)
    writes: dict[int, str] = field(default_factory=dict)
    always: str | None = None
    after: int = 0
    """``always`` applies only to the requests after this many (the wiki goes
    down in the middle of a run)."""
    after_writes: int = 0
    """... or only once this many writes were forwarded."""
    delay: float = 0.3
    """Seconds a ``delay`` fault waits before forwarding."""
    _rng: random.Random = field(init=False, repr=False)
    _writes_done: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        for kind in (*self.read_faults, *self.write_faults, *self.script.values(), *self.writes.values(),
                     *([self.always] if self.always else [])):
            if kind not in FAULTS:
                raise ValueError(f"unknown fault {kind!r} (one of {', '.join(FAULTS)})")
        self._rng = random.Random(self.seed)

    def forwarded(self, request: Request) -> None:
        """Told by the proxy once the wiki got ``request``."""
        if request.write:
            self._writes_done += 1

    def choose(self, request: Request) -> str | None:
        if self.always and request.number > self.after and self._writes_done >= self.after_writes:
            return self.always
        if request.number in self.script:
            return self.script[request.number]
        if request.write and request.write_number in self.writes:
            return self.writes[request.write_number]
        # Two draws for every request that gets here, read or write, so that
        # the random sequence does not depend on which kind each one is.
        hit, pick = self._rng.random(), self._rng.random()
        rate, kinds = (self.write_rate, self.write_faults) if request.write else (self.rate, self.read_faults)
        if kinds and hit < rate:
            return kinds[int(pick * len(kinds))]
        return None


NO_FAULTS = FaultPlan()


@dataclass
class WriteHook:
    """What somebody does when a write of the bot (``action=edit``) passes
    the proxy: the first one of ``title`` (or the ``number``-th write since
    the current plan, or simply the first), once.  Before the proxy forwards
    it (``after=False``: the wiki gets the other person's edit first), or
    once the wiki applied it and before its answer goes back (``after=True``).
    ``action`` runs in the proxy's thread; an exception it raises is kept in
    :attr:`error` (the write is then forwarded as if nothing happened)."""

    action: Callable[[Request], None]
    title: str | None = None
    number: int | None = None
    after: bool = False
    request: Request | None = None
    """The write it fired on (None while it has not)."""
    error: BaseException | None = None

    def matches(self, request: Request, after: bool) -> bool:
        return (self.request is None and request.write and after == self.after
                and (self.title is None or request.title == self.title)
                and (self.number is None or request.write_number == self.number))

    @property
    def done(self) -> bool:
        """It fired, and its action did not fail."""
        return self.request is not None and self.error is None

    def __str__(self) -> str:
        what = f"write {self.number}" if self.number else f"write of {self.title!r}" if self.title else "first write"
        state = ("not fired" if self.request is None else f"fired on {self.request}"
                 + (f", failed: {self.error!r}" if self.error else ""))
        return f"hook {'after' if self.after else 'before'} {what}: {state}"


def _params(method: str, path: str, headers, body: bytes) -> dict[str, str]:
    """The API parameters of a request: its query string, and its form body
    (URL-encoded or multipart)."""
    params = {k: v[-1] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(path).query).items()}
    if method == "POST" and body:
        ctype = headers.get("Content-Type", "")
        if ctype.startswith("application/x-www-form-urlencoded"):
            params.update({k: v[-1] for k, v in urllib.parse.parse_qs(body.decode("utf-8", "replace")).items()})
        elif ctype.startswith("multipart/form-data"):
            for name in ("action", "title"):
                marker = f'name="{name}"'.encode()
                if marker in body:
                    rest = body.split(marker, 1)[1]
                    value = rest.split(b"\r\n\r\n", 1)[-1].split(b"\r\n", 1)[0]
                    params[name] = value.decode("utf-8", "replace")
    return params


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_Server"

    def log_message(self, format: str, *args) -> None:  # quiet: the proxy keeps its own log
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def _handle(self) -> None:
        proxy = self.server.proxy
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        params = _params(self.command, self.path, self.headers, body)
        request = proxy._record(self.command, params)
        try:
            self._act(request, body)
        finally:
            request.seconds = time.monotonic() - request.at

    def _act(self, request: Request, body: bytes) -> None:
        proxy = self.server.proxy
        fault = request.fault
        if fault == "drop":
            return self._drop()
        if fault in ("500", "503"):
            extra = {"Retry-After": "0"} if fault == "503" else {}
            reason = "Internal Server Error" if fault == "500" else "Service Unavailable"
            return self._answer(int(fault), reason, [("Content-Type", "text/html; charset=utf-8"), *extra.items()],
                                f"<html><body><h1>{fault} {reason}</h1>(fault injected by the test proxy)"
                                f"</body></html>".encode())
        if fault == "maxlag":
            return self._answer(200, "OK", [("Content-Type", "application/json; charset=utf-8"),
                                            ("Retry-After", "0"), ("X-Database-Lag", "5"),
                                            ("MediaWiki-API-Error", "maxlag")], MAXLAG_BODY)
        if fault == "delay":
            time.sleep(proxy.plan.delay)
        proxy._run_hooks(request, after=False)
        try:
            status, reason, headers, answer = proxy._forward(self.command, self.path, self.headers, body)
        except OSError:
            return self._drop()  # the wiki itself did not answer: neither does the proxy
        request.status = status
        proxy._forwarded(request)
        proxy._run_hooks(request, after=True)
        if fault == "apply-then-drop":
            return self._drop()
        try:
            self._answer(status, reason, headers, answer)
        except OSError:
            pass  # the client is gone (a hook killed it): nobody to answer

    def setup(self) -> None:
        super().setup()
        # Small answers at once: no wait for the client's delayed ACK.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _answer(self, status: int, reason: str, headers: list[tuple[str, str]], body: bytes) -> None:
        """Send the answer, status line, headers and body, in one write."""
        lines = [f"HTTP/1.1 {status} {reason}"]
        lines += [f"{name}: {value}" for name, value in headers
                  if name.lower() not in HOP_BY_HOP and name.lower() != "content-length"]
        lines += [f"Content-Length: {len(body)}", "", ""]
        self.wfile.write("\r\n".join(lines).encode("latin-1") + (body if self.command != "HEAD" else b""))

    def _drop(self) -> None:
        """Close the connection without a byte of answer."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    proxy: "FaultProxy"


class FaultProxy:
    """The proxy: ``FaultProxy(upstream).start()``, then ``.url``; ``.stop()``."""

    def __init__(self, upstream: str, plan: FaultPlan = NO_FAULTS, timeout: float = 60):
        parts = urllib.parse.urlsplit(upstream)
        if parts.scheme != "http" or parts.hostname != LOCALHOST or not parts.port:
            raise ValueError(f"the fault proxy forwards only to http://{LOCALHOST}:PORT, not {upstream!r}")
        self.upstream = (LOCALHOST, parts.port)
        self.plan = plan
        self.timeout = timeout
        self.log: list[Request] = []
        self.hooks: list[WriteHook] = []
        self._lock = threading.Lock()
        self._writes = 0
        self._count = 0
        self._plans = 1
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- life ----------------------------------------------------------------
    def start(self) -> "FaultProxy":
        self._server = _Server((LOCALHOST, 0), _Handler)
        self._server.proxy = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="faultproxy", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=10)
            self._server = None

    def __enter__(self) -> "FaultProxy":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "the proxy is not running"
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{LOCALHOST}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api.php"

    # -- somebody else, at the moment of a write ------------------------------
    def on_write(self, action: Callable[[Request], None], *, title: str | None = None,
                 number: int | None = None, after: bool = False) -> WriteHook:
        """Run ``action`` once, when the bot's first write of ``title`` (or its
        ``number``-th write) passes: before it reaches the wiki, or with
        ``after`` once the wiki applied it.  Returns the hook (``.done``)."""
        hook = WriteHook(action, title=title, number=number, after=after)
        with self._lock:
            self.hooks.append(hook)
        return hook

    def _run_hooks(self, request: Request, after: bool) -> None:
        with self._lock:  # each hook fires once, even with writes in parallel
            due = [h for h in self.hooks if h.matches(request, after)]
            for hook in due:
                hook.request = request
        for hook in due:
            try:
                hook.action(request)
            except BaseException as e:  # noqa: BLE001 - kept for the test to report
                hook.error = e

    # -- faults ------------------------------------------------------------------
    def use(self, plan: FaultPlan) -> None:
        """Decide the next requests' faults with ``plan`` (their numbers, and
        their writes', start again from 1)."""
        with self._lock:
            self.plan = plan
            self._count = self._writes = 0
            self._plans += 1

    def _forwarded(self, request: Request) -> None:
        with self._lock:
            self.plan.forwarded(request)

    def faults(self) -> list[Request]:
        """The requests that got a fault, in order."""
        with self._lock:
            return [r for r in self.log if r.fault]

    def _record(self, method: str, params: dict[str, str]) -> Request:
        action = params.get("action", "")
        write = method == "POST" and action == "edit"
        with self._lock:
            self._count += 1
            if write:
                self._writes += 1
            request = Request(number=self._count, method=method, action=action,
                              title=params.get("title", ""), write=write,
                              write_number=self._writes if write else None, plan=self._plans)
            request.fault = self.plan.choose(request)
            self.log.append(request)
        return request

    def _forward(self, method: str, path: str, headers, body: bytes):
        conn = http.client.HTTPConnection(*self.upstream, timeout=self.timeout)
        try:
            out = {k: v for k, v in headers.items() if k.lower() not in HOP_BY_HOP}
            out["Host"] = f"{self.upstream[0]}:{self.upstream[1]}"
            if body or method == "POST":
                out["Content-Length"] = str(len(body))
            conn.request(method, path, body=body or None, headers=out)
            response = conn.getresponse()
            answer = response.read()
            return response.status, response.reason, response.getheaders(), answer
        finally:
            conn.close()


def route_pywikibot(source: Path, target: Path, proxy_port: int, *, family: str = "localwiki",
                    settings: dict[str, object] | None = None) -> Path:
    """Copy the pywikibot folder ``source`` to ``target`` with its family's
    API URL pointing at the proxy, nothing cached from the old address, and
    ``settings`` (e.g. ``max_retries``) appended to its ``user-config.py``."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("apicache*", "*.lwp", "logs",
                                                                   "throttle.ctrl", "notesbot-tick.json"))
    config = target / "user-config.py"
    lines = []
    prefix = f"family_files[{family!r}]"
    found = False
    for line in config.read_text().splitlines():
        if line.replace('"', "'").startswith(prefix):
            line = f"{prefix} = 'http://{LOCALHOST}:{proxy_port}/api.php'"
            found = True
        lines.append(line)
    if not found:
        raise ValueError(f"{config}: no {prefix} line to point at the proxy")
    for name, value in (settings or {}).items():
        lines.append(f"{name} = {value!r}")
    config.write_text("\n".join(lines) + "\n")
    password = target / "user-password.cfg"
    if password.exists():
        password.chmod(0o600)
    return target
