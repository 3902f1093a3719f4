"""Logs: readable lines on stderr and a log file, with no secret in either.

Passwords, BotPassword secrets, OAuth values, login and edit tokens must not
appear in any log line, even with ``-debug``, when pywikibot writes every API
request body (the login's ``lgpassword`` and ``lgtoken`` included) to its own
log file.  The end-to-end test runs the real ``notesbot`` command against the
local wiki and routes its HTTP traffic through a small recording proxy: so it
knows the exact token values the wiki handed out and the exact password that
went over the wire, and checks that none of them is in any output.
"""

from __future__ import annotations

import ast
import gzip
import http.client
import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import threading
import types
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot import logs
from bot.logs import REDACTED, redact


# -- isolation ------------------------------------------------------------------------

@pytest.fixture
def clean_logging():
    """Undo what logs.setup() and the tests do to the process-wide logging state."""
    root = logging.getLogger()
    watched = [root, logging.getLogger("notesbot"), logging.getLogger("pywiki"),
               logging.getLogger("pywiki.test")]
    saved = [(lg, list(lg.handlers), lg.level, lg.propagate) for lg in watched]
    factory = logging.getLogRecordFactory()
    logs.forget_secrets()
    yield
    for logger, handlers, level, propagate in saved:
        for handler in list(logger.handlers):
            if handler not in handlers:
                logger.removeHandler(handler)
                handler.close()
        logger.setLevel(level)
        logger.propagate = propagate
    logging.setLogRecordFactory(factory)
    logging.captureWarnings(False)
    logs._stderr_handler = logs._file_handler = None
    logs.forget_secrets()


# -- redact(): each form --------------------------------------------------------------

FORMS = [
    pytest.param(
        "Body: 'action=login&lgname=NotesBot%40notesbot&lgpassword=t3ojf30na5oong09erqq&maxlag=30"
        "&format=json&lgtoken=cc90a36cf9a4a02d6630696e5ed59fea%2B%5C'",
        ["t3ojf30na5oong09erqq", "cc90a36cf9a4a02d6630696e5ed59fea"],
        ["lgpassword=<redacted>", "lgtoken=<redacted>", "lgname=NotesBot%40notesbot", "maxlag=30"],
        id="url-encoded body"),
    pytest.param(
        "URI: 'http://127.0.0.1/api.php?action=query&meta=tokens&type=csrf%7Clogin&token=ab12cd34%2B%5C&x=1'",
        ["ab12cd34"], ["meta=tokens", "type=csrf%7Clogin", "token=<redacted>", "&x=1"],
        id="query string"),
    pytest.param(
        "/api.php?action=edit&title=A&token=0f0f0f0f0f+\\&text=hello",
        ["0f0f0f0f0f"], ["token=<redacted>", "text=hello"],
        id="unquoted request string"),
    pytest.param(
        '{"batchcomplete":true,"query":{"tokens":{"csrftoken":"9a8b7c6d5e4f+\\\\",'
        '"logintoken":"1122334455667788+\\\\","watchtoken":"aabbccddeeff+\\\\"}}}',
        ["9a8b7c6d5e4f", "1122334455667788", "aabbccddeeff"],
        ['"csrftoken":"<redacted>"', '"logintoken":"<redacted>"', '"tokens":{'],
        id="JSON response"),
    pytest.param(
        "{'action': 'login', 'lgname': 'NotesBot@notesbot', 'lgpassword': ['hunter2hunter2'], "
        "'lgtoken': ['feedface+\\\\'], 'oauth_consumer_key': 'ck-0042'}",
        ["hunter2hunter2", "feedface", "ck-0042"],
        ["'lgpassword': ['<redacted>']", "'lgname': 'NotesBot@notesbot'", "'action': 'login'"],
        id="dict repr with list values"),
    pytest.param(
        "{'csrftoken': \"it's-a-token+\\\\\", 'Set-Cookie': 'wiki_session=s3ss10n; path=/'}",
        ["it's-a-token", "s3ss10n"], ["'csrftoken': \"<redacted>\"", "'Set-Cookie': '<redacted>'"],
        id="dict repr, double-quoted value, cookie header"),
    pytest.param(
        "LoginManager(password='p4ss w&rd', consumer_secret=\"c0nsum3r\")",
        ["p4ss w&rd", "c0nsum3r"], ["password='<redacted>'", 'consumer_secret="<redacted>"'],
        id="keyword arguments"),
    pytest.param(
        "Authorization: OAuth oauth_consumer_key=\"ck1234\", oauth_token=\"at5678\", "
        "oauth_signature=\"sig%3D\"\nUser-Agent: notesbot",
        ["ck1234", "at5678", "sig%3D"], ["Authorization: <redacted>", "User-Agent: notesbot"],
        id="Authorization header"),
    pytest.param(
        'OAuth oauth_consumer_key="ck1234", oauth_nonce="n0nce", oauth_token="at5678"',
        ["ck1234", "n0nce", "at5678"], ['oauth_token="<redacted>"'],
        id="OAuth header parameters"),
    pytest.param(
        "Cookie: wiki_session=abcdef0123; wikiUserID=2\nHost: x",
        ["abcdef0123"], ["Cookie: <redacted>", "Host: x"],
        id="Cookie header"),
    pytest.param(
        "('NotesBot', BotPassword('notesbot', 'abcdefghijklmnopqrstuvwxyz123456'))",
        ["abcdefghijklmnopqrstuvwxyz123456"], ["BotPassword('notesbot', '<redacted>')"],
        id="password-file line"),
    pytest.param(
        'Content-Disposition: form-data; name="token"\r\n\r\nbeefcafe+\\\r\n--boundary',
        ["beefcafe"], ['name="token"'],
        id="MIME form field"),
    pytest.param(
        "b'--b\\r\\nContent-Disposition: form-data; name=\"token\"\\r\\n\\r\\nbeefcafe+\\\\\\r\\n--b'",
        ["beefcafe"], ['name="token"'],
        id="MIME body repr"),
]


@pytest.mark.parametrize("text, secrets, kept", FORMS)
def test_redact_removes_values_and_keeps_keys(text, secrets, kept):
    clean = redact(text)
    for secret in secrets:
        assert secret not in clean
    for part in kept:
        assert part in clean
    assert REDACTED in clean
    assert redact(clean) == clean, "redaction is idempotent"


@pytest.mark.parametrize("text", [
    "action=query&meta=tokens&type=csrf|login&format=json",
    "Loaded cookies for user NotesBot from file.",
    "notesbot: [[Questions]]: 3 questions, 1 answered",
    '{"tokens": {}}',
    "the password file is user-password.cfg",
])
def test_redact_leaves_ordinary_text_alone(text):
    assert redact(text) == text


def test_registered_secret_is_redacted_in_every_encoding(clean_logging):
    secret = "s3cr3t p@ss&word+/"
    assert logs.register_secret(secret)
    for form in (secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret),
                 json.dumps(secret)[1:-1], repr(secret)[1:-1]):
        assert form not in redact(f"before {form} after"), form
    try:
        raise ValueError(f"login failed for {secret!r}")
    except ValueError:
        import traceback
        assert secret not in redact(traceback.format_exc())


def test_short_values_are_not_registered(clean_logging):
    assert not logs.register_secret("abc")
    assert not logs.register_secret("")
    assert not logs.register_secret(None)
    assert redact("abc def") == "abc def"


def test_secrets_from_the_password_file(tmp_path, monkeypatch, clean_logging):
    monkeypatch.chdir(tmp_path)
    cfg = tmp_path / "user-password.cfg"
    cfg.write_text(
        "# pywikibot password file\n"
        "('NotesBot', BotPassword('notesbot', 'botsecret-aaaa1111'))\n"
        "('Someone', 'main-password-2222')\n"
        "('meta', 'Other', 'family-pass-3333')\n"
        "(\"meta\", \"meta\", \"Third\", BotPassword(\"app\", \"four-part-4444\"))\n"
        "__import__('os').system('touch PWNED')\n"
        "('broken', \n"
        "\n"
    )
    assert logs.register_secrets_from_password_file(cfg) == 4
    for secret in ("botsecret-aaaa1111", "main-password-2222", "family-pass-3333", "four-part-4444"):
        assert secret not in redact(f"x {secret} y")
    assert "notesbot" in redact("x notesbot y"), "the BotPassword suffix is not a secret"
    assert not (tmp_path / "PWNED").exists(), "lines are parsed as literals, never run"
    assert logs.register_secrets_from_password_file(tmp_path / "missing.cfg") == 0


def test_secrets_from_the_environment(monkeypatch, clean_logging):
    values = {
        "NOTESBOT_BOTPASSWORD": "env-botpassword-1",
        "NOTESBOT_CONSUMER_TOKEN": "env-consumer-token-2",
        "NOTESBOT_CONSUMER_SECRET": "env-consumer-secret-3",
        "NOTESBOT_ACCESS_TOKEN": "env-access-token-4",
        "NOTESBOT_ACCESS_SECRET": "env-access-secret-5",
    }
    from bot.environment import Environment

    for name, value in values.items():
        monkeypatch.setenv(name, value)
    environment = Environment.read()
    assert len(environment.secrets) == 5
    logs.setup(None, secrets=environment.secrets)
    text = redact(" ".join(values.values()))
    assert not any(value in text for value in values.values())


def test_secrets_from_pywikibot_configuration(tmp_path, monkeypatch, clean_logging):
    (tmp_path / "user-password.cfg").write_text("('NotesBot', BotPassword('nb', 'cfg-secret-0001'))\n")
    fake = types.SimpleNamespace(
        base_dir=str(tmp_path), password_file="user-password.cfg",
        authenticate={"meta.wikimedia.org": ("ck-0001", "cs-0002", "at-0003", "as-0004")},
    )
    monkeypatch.setitem(sys.modules, "pywikibot.config", fake)
    assert logs.register_pywikibot_secrets() == 5
    text = redact("cfg-secret-0001 ck-0001 cs-0002 at-0003 as-0004")
    assert text == " ".join([REDACTED] * 5)


# -- setup(): the handlers, and handlers made later --------------------------------------

def test_setup_lines_and_file(tmp_path, clean_logging):
    stream = io.StringIO()
    log_file = tmp_path / "logs" / "notesbot.log"
    logs.setup(log_file, debug=True, stream=stream)
    logs.register_secret("planted-secret-4711")
    log = logging.getLogger("notesbot")
    log.info("logged in with %s", "planted-secret-4711")
    log.warning("API request body: %s", "action=login&lgpassword=hunter2x&lgtoken=abc123%2B%5C")
    log.debug("debug detail: %r", {"csrftoken": "c5rf-t0ken+\\"})
    try:
        raise RuntimeError("refused: password='planted-secret-4711'")
    except RuntimeError:
        log.exception("save failed")
    logging.getLogger("urllib3.connectionpool").info("library chatter stays out of the terminal")
    logging.getLogger("urllib3.connectionpool").warning("Retrying (token=abcdef98765)")
    for handler in logging.getLogger().handlers:
        handler.flush()

    err = stream.getvalue()
    text = log_file.read_text()
    for output in (err, text):
        for secret in ("planted-secret-4711", "hunter2x", "abc123", "c5rf-t0ken", "abcdef98765"):
            assert secret not in output
    assert "notesbot: logged in with <redacted>\n" in err
    assert "notesbot: warning: API request body: action=login&lgpassword=<redacted>" in err
    assert "notesbot: error: save failed" in err
    assert "debug detail" not in err, "DEBUG stays out of the terminal"
    assert "library chatter" not in err
    assert "notesbot: [urllib3.connectionpool] warning: Retrying (token=<redacted>)" in err
    assert re.search(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ DEBUG +notesbot: debug detail: "
                     r"\{'csrftoken': '<redacted>'\}$", text, re.M)
    assert "RuntimeError: refused: password='<redacted>'" in text
    assert log_file.stat().st_mode & 0o777 == 0o600


def test_a_handler_made_after_setup_is_covered(tmp_path, clean_logging):
    """pywikibot makes its handlers (its -debug file among them) in
    handle_args, after setup(): the record factory redacts for them too, and
    protect_all_handlers() puts the filter on them as a second guard."""
    logs.setup("", stream=io.StringIO())
    logs.register_secret("late-secret-0815")
    pywiki = logging.getLogger("pywiki.test")
    pywiki.setLevel(logging.DEBUG)
    pywiki.propagate = False
    late = logging.FileHandler(tmp_path / "pywikibot-bot.log", encoding="utf-8")
    pywiki.addHandler(late)
    pywiki.debug("API request to localwiki:\nBody: %r", "lgpassword=late-secret-0815&lgtoken=tok%2B%5C1")

    assert logs.protect_all_handlers() >= 1
    assert any(isinstance(f, logs.RedactingFilter) for f in late.filters)
    # Even if something replaced the record factory afterwards, the filter redacts.
    logging.setLogRecordFactory(logging.LogRecord)
    pywiki.debug("again: %s", "late-secret-0815 token=tok%2B%5C2")
    late.flush()
    text = (tmp_path / "pywikibot-bot.log").read_text()
    assert "late-secret-0815" not in text and "tok%2B%5C" not in text
    assert "lgpassword=<redacted>" in text and "again: <redacted> token=<redacted>" in text


def test_log_file_from_the_environment(tmp_path, monkeypatch, clean_logging):
    from bot.environment import Environment

    monkeypatch.setenv("NOTESBOT_LOG_FILE", str(tmp_path / "env.log"))
    logs.setup(Environment.read().log_file, stream=io.StringIO())
    logging.getLogger("notesbot").info("hello")
    assert logs.log_file_path() == tmp_path / "env.log"
    logs._file_handler.flush()
    assert "notesbot: hello" in (tmp_path / "env.log").read_text()


def test_captured_warnings_keep_their_shape(clean_logging):
    """A captured warning is redacted; a record logged as ``("%s", text)``
    (as older Pythons log warnings, and as pywikibot's file formatter expects
    of them) keeps its single argument."""
    import warnings

    logs.setup("", stream=io.StringIO())
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logging.getLogger("py.warnings").addHandler(handler)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.warn("retrying with lgtoken=abcd1234%2B%5C")
        logging.getLogger("py.warnings").warning("%s", "retrying with lgtoken=efgh5678%2B%5C")
    finally:
        logging.getLogger("py.warnings").removeHandler(handler)
    assert len(records) == 2
    assert "abcd1234" not in records[0].getMessage()
    assert records[1].msg == "%s" and len(records[1].args) == 1
    assert records[1].getMessage() == "retrying with lgtoken=<redacted>"


def test_a_log_file_that_cannot_be_opened_is_a_usage_error(tmp_path, clean_logging):
    from bot.errors import UsageError

    (tmp_path / "file").write_text("")
    with pytest.raises(UsageError, match="cannot open it"):
        logs.setup(tmp_path / "file" / "notesbot.log", stream=io.StringIO())


# -- the real command, against the local wiki, with -debug ---------------------------------

class _RecordingProxy(BaseHTTPRequestHandler):
    """A forward HTTP proxy that records what goes through it."""

    protocol_version = "HTTP/1.1"
    exchanges: list[dict] = []
    lock = threading.Lock()

    def log_message(self, format, *args):  # no access log on stderr
        pass

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urllib.parse.urlsplit(self.path)
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("proxy-connection", "connection", "keep-alive")}
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
        try:
            conn.request(self.command, url.path + (f"?{url.query}" if url.query else ""),
                         body=body or None, headers=headers)
            response = conn.getresponse()
            data = response.read()
            response_headers = response.getheaders()
        finally:
            conn.close()
        plain = gzip.decompress(data) if response.getheader("Content-Encoding") == "gzip" else data
        with self.lock:
            self.exchanges.append({"url": self.path, "body": body, "response": plain,
                                   "content_type": self.headers.get("Content-Type", "")})
        self.send_response(response.status, response.reason)
        for key, value in response_headers:
            if key.lower() not in ("transfer-encoding", "connection", "content-length", "keep-alive"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_HEAD = _forward


@pytest.fixture
def recording_proxy():
    handler = type("Recorder", (_RecordingProxy,), {"exchanges": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler.exchanges
    server.shutdown()
    server.server_close()


_TOKEN_VALUE = re.compile(r"[0-9a-f]{16,}\+\\")


def _wire_secrets(exchanges: list[dict]) -> dict[str, set[str]]:
    r"""The passwords and tokens that went over the wire: the values of request
    parameters named *password, and every MediaWiki token (hex digits then
    ``+\``) in a *token request parameter or a *token field of a JSON answer.
    The anonymous token (``+\`` alone) is no secret and is left out."""
    found: dict[str, set[str]] = {}

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key.endswith("token") and isinstance(value, str) and _TOKEN_VALUE.fullmatch(value):
                    found.setdefault(key, set()).add(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for exchange in exchanges:
        params = urllib.parse.parse_qsl(urllib.parse.urlsplit(exchange["url"]).query)
        if "x-www-form-urlencoded" in exchange["content_type"] and exchange["body"]:
            params += urllib.parse.parse_qsl(exchange["body"].decode("utf-8", "replace"))
        for key, value in params:
            if key.endswith("password") or (key.endswith("token") and _TOKEN_VALUE.fullmatch(value)):
                found.setdefault(key, set()).add(value)
        try:
            walk(json.loads(exchange["response"]))
        except ValueError:
            pass
    return found


def _forms(secret: str) -> set[str]:
    return {secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret),
            json.dumps(secret)[1:-1], repr(secret)[1:-1]}


def _run_notesbot_with_debug(wiki, tmp_path: Path, proxy_url: str, *args: str):
    """Run the real ``notesbot`` command with ``-debug`` on a copy of the wiki's
    pywikibot folder, its HTTP traffic through the recording proxy, its log
    file in ``NOTESBOT_LOG_FILE``.  Returns the process, the copy, and every
    output by name: stdout, stderr, the log file, each file in the copy's logs/."""
    copy = tmp_path / "pywikibot"
    # Without the session cookies of earlier runs (so that this run logs in
    # with its password) and without their logs.
    shutil.copytree(wiki.pywikibot_dir, copy,
                    ignore=shutil.ignore_patterns("logs", "apicache*", "*.lwp", "throttle.ctrl"))
    log_file = tmp_path / "notesbot.log"
    env = dict(os.environ, PYWIKIBOT_DIR=str(copy), NOTESBOT_LOG_FILE=str(log_file),
               NOTESBOT_LOCK_DIR=str(tmp_path / "locks"),
               HTTP_PROXY=proxy_url, http_proxy=proxy_url, NO_PROXY="", no_proxy="")
    env.pop("NOTESBOT_CONFIG", None)
    exe = Path(sys.executable).parent / "notesbot"
    proc = subprocess.run([str(exe), "-debug", f"-dir:{copy}", *args],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, f"notesbot {' '.join(args)} failed ({proc.returncode}):\n" \
                                 f"{redact(proc.stderr)[-3000:]}"
    outputs = {"stdout": proc.stdout, "stderr": proc.stderr}
    assert log_file.is_file(), "NOTESBOT_LOG_FILE is honoured"
    outputs["the notesbot log file"] = log_file.read_text(encoding="utf-8", errors="replace")
    for path in sorted(p for p in (copy / "logs").rglob("*") if p.is_file()):
        outputs[f"pywikibot's {path.relative_to(copy)}"] = path.read_text(encoding="utf-8", errors="replace")
    return proc, copy, outputs


def _leaks(secrets: dict[str, set[str]], outputs: dict[str, str]) -> list[str]:
    """Which secret is in which output (named, never quoted)."""
    return [f"{kind} in {name}" for kind, values in secrets.items() for value in values
            for name, text in outputs.items() if any(form in text for form in _forms(value))]


def _debug_logs(outputs: dict[str, str]) -> list[str]:
    texts = [text for name, text in outputs.items() if name.startswith("pywikibot's") and name.endswith("bot.log")]
    assert texts, f"pywikibot wrote no -debug log file: {sorted(outputs)}"
    return texts


@pytest.mark.wiki
@pytest.mark.slow
def test_no_password_or_login_token_in_any_log_with_debug(wiki, tmp_path, recording_proxy):
    """A read-only run logs in: its password and login token go over the
    wire, pywikibot logs the login request's body, and neither value is in
    any output."""
    proxy_url, exchanges = recording_proxy
    proc, copy, outputs = _run_notesbot_with_debug(wiki, tmp_path, proxy_url,
                                                   "harvest", "--page", "Main Page", "--json")

    # The planted secret: the BotPassword, as the test knows it and as the
    # copied password file has it.
    secrets = {"the bot's BotPassword": {wiki.accounts["bot"].password}}
    for line in (copy / "user-password.cfg").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            entry = ast.literal_eval(line.replace("BotPassword", ""))
            value = entry[-1][1] if isinstance(entry[-1], tuple) else entry[-1]
            secrets.setdefault("the password file's secret", set()).add(value)
    wire = _wire_secrets(exchanges)
    assert wire.get("lgpassword") == {wiki.accounts["bot"].password}, \
        "the run logged in with its password, through the proxy"
    assert wire.get("lgtoken") and wire.get("logintoken"), "a login token was used"
    for kind, values in wire.items():
        secrets.setdefault(f"the {kind}", set()).update(values)

    # The redaction is what keeps them out: -debug did log the login's body.
    assert any("action=login" in text and "lgpassword=<redacted>" in text and "lgtoken=<redacted>" in text
               for text in _debug_logs(outputs))
    assert "lgpassword=<redacted>" in outputs["the notesbot log file"], \
        "the notesbot log file has pywikibot's records too"
    assert _leaks(secrets, outputs) == []


@pytest.fixture(scope="module")
def own_wiki(tmp_path_factory):
    """A wiki of its own for a run that edits (other tests count the edits on the shared one)."""
    from wikiclient import start_wiki, stop_wiki

    dir = tmp_path_factory.mktemp("logs-wiki") / "wiki"
    lw = start_wiki(dir)
    yield lw
    stop_wiki(dir)


@pytest.mark.wiki
@pytest.mark.slow
def test_no_edit_token_in_any_log_with_debug(own_wiki, tmp_path, recording_proxy):
    """A run that edits gets a csrf token after logging in and sends it with
    every edit; pywikibot logs each edit's body, and the token is in no output."""
    proxy_url, exchanges = recording_proxy
    proc, copy, outputs = _run_notesbot_with_debug(own_wiki, tmp_path, proxy_url,
                                                   "-always", "new-session", "2031-03-13")
    wire = _wire_secrets(exchanges)
    assert wire.get("csrftoken"), "an edit token was handed out after the login"
    assert wire.get("token"), "edits were sent with their token"
    secrets = {f"the {kind}": values for kind, values in wire.items()}
    secrets["the bot's BotPassword"] = {own_wiki.accounts["bot"].password}

    assert any("action=edit" in text and "token=<redacted>" in text for text in _debug_logs(outputs))
    assert _leaks(secrets, outputs) == []

