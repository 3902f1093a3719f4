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
               logging.getLogger("pywiki.test"), logging.getLogger("notesbot.output"),
               logging.getLogger("notesbot.crash")]
    saved = [(lg, list(lg.handlers), lg.level, lg.propagate) for lg in watched]
    factory = logging.getLogRecordFactory()
    logs.forget_secrets()
    yield
    logs.teardown()
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



# -- every line through logging: the bot's messages, results, rotation -----------------------

NOTESBOT = Path(sys.executable).parent / "notesbot"
DRAFTS = Path(__file__).resolve().parent / "data" / "drafts"
EXAMPLE_QUESTIONS = Path(__file__).resolve().parent / "data" / "examples" / "questions-2024-07-11.wiki"


def _offline(tmp_path: Path, *args: str, log_file: Path | None = None, config: dict | None = None,
             extra_env: dict | None = None) -> subprocess.CompletedProcess:
    """The real ``notesbot`` command, offline, with its log file in ``log_file``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOTESBOT_")}
    env["NOTESBOT_LOCK_DIR"] = str(tmp_path / "locks")
    if log_file is not None:
        env["NOTESBOT_LOG_FILE"] = str(log_file)
    env.update(extra_env or {})
    if config is not None:
        (tmp_path / "notesbot.json").write_text(json.dumps(config))
        args = ("--config", str(tmp_path / "notesbot.json"), *args)
    return subprocess.run([str(NOTESBOT), *args], capture_output=True, text=True, env=env, cwd=tmp_path,
                          timeout=120)


def test_the_bots_own_messages_and_results_reach_the_log_file(tmp_path):
    """Not only pywikibot's records: the bot's warnings and notices (on
    stderr) and a command's results (on stdout) are in the log file too."""
    log_file = tmp_path / "notesbot.log"
    draft = DRAFTS / "check-duplicate-id.wiki"
    compiled = _offline(tmp_path, "compile", "--draft", str(draft), "--session", "2024-07-11", log_file=log_file)
    assert compiled.returncode == 0, compiled.stderr
    pinged = _offline(tmp_path, "compile", "--draft", str(DRAFTS / "check-names-ping.wiki"), "--session",
                      "2024-07-11", log_file=log_file)
    assert "notesbot: neutralised: q-00000000c1: template {{ping|Example Editor}} shown as text" in pinged.stderr
    checked = _offline(tmp_path, "check", "--draft", str(draft), log_file=log_file)
    harvested = _offline(tmp_path, "harvest", "--file", str(EXAMPLE_QUESTIONS), log_file=log_file)
    assert harvested.returncode == 0, harvested.stderr
    text = log_file.read_text()

    # stderr: the same lines as ever, and each of them in the log file.
    problem = f"notesbot: {draft}: line 9: question id q-00000000c1 used twice"
    assert problem in compiled.stderr, compiled.stderr
    for line in (compiled.stderr + pinged.stderr).splitlines():
        assert line.startswith("notesbot: ") and line[len("notesbot: "):] in text, line
    assert re.search(r"^\S+Z WARNING +notesbot\.commands: " + re.escape(problem[len("notesbot: "):]), text, re.M)
    assert re.search(r"^\S+Z INFO +notesbot\.commands: neutralised: ", text, re.M)
    # stdout: the results, bare, and in the log file too.
    finding = [line for line in checked.stdout.splitlines() if "used twice" in line]
    assert finding and finding[0].startswith(f"{draft}: line 9: ")
    assert re.search(r"^\S+Z INFO +notesbot\.output: " + re.escape(finding[0]) + "$", text, re.M)
    assert harvested.stdout.startswith("ID ") and harvested.stdout.splitlines()[1] in text
    assert log_file.stat().st_mode & 0o777 == 0o600


@pytest.mark.slow
def test_the_log_file_rotates_by_size_and_stays_private(tmp_path):
    """The long-running ``notesbot schedule`` must not fill the disk: the log
    file is rotated at ``log_file_max_bytes``, ``log_file_backups`` old files
    kept, every one of them readable by its owner only."""
    log_file = tmp_path / "logs" / "notesbot.log"
    config = {"log_file_max_bytes": 2048, "log_file_backups": 2}
    runs = []
    for _ in range(6):  # each run logs a table of about 1.5 KB
        result = _offline(tmp_path, "harvest", "--file", str(EXAMPLE_QUESTIONS), log_file=log_file, config=config)
        assert result.returncode == 0, result.stderr
        runs.append(result.stdout)
    files = sorted(p.name for p in log_file.parent.iterdir())
    assert files == ["notesbot.log", "notesbot.log.1", "notesbot.log.2"], files
    for path in log_file.parent.iterdir():
        assert path.stat().st_mode & 0o777 == 0o600, path
        assert path.stat().st_size < 2048 + len(runs[0]) + 200, path
        assert "notesbot.output: ID " in path.read_text(), path

    # Without the setting, the default (5 MiB) keeps one file.
    (tmp_path / "notesbot.json").unlink()
    other = tmp_path / "other.log"
    for _ in range(3):
        assert _offline(tmp_path, "harvest", "--file", str(EXAMPLE_QUESTIONS), log_file=other).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("other")) == ["other.log"]


def test_the_log_file_is_never_opened_through_a_link(tmp_path):
    target = tmp_path / "someone-elses-file"
    target.write_text("theirs\n")
    link = tmp_path / "notesbot.log"
    link.symlink_to(target)
    result = _offline(tmp_path, "harvest", "--file", str(EXAMPLE_QUESTIONS), log_file=link)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (f"notesbot: log file {str(link)!r}: cannot open it (it is a symbolic link: "
                                     "refused (the bot does not follow links for its log file))")
    assert target.read_text() == "theirs\n"


@pytest.mark.parametrize("settings, message", [
    ({"log_file_max_bytes": 100}, "log_file_max_bytes: expected 1024 to 1073741824, got 100"),
    ({"log_file_backups": 0}, "log_file_backups: expected 1 to 100, got 0"),
    ({"log_file_backups": "3"}, 'log_file_backups: expected a whole number, got "3"'),
])
def test_log_rotation_settings_are_checked(tmp_path, settings, message):
    result = _offline(tmp_path, "harvest", "--file", str(EXAMPLE_QUESTIONS), config=settings,
                      log_file=tmp_path / "n.log")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == f"notesbot: {tmp_path / 'notesbot.json'}: {message}"


def test_the_wiki_may_not_set_the_log_files_rotation():
    from bot import config
    from bot.errors import ConfigError

    with pytest.raises(ConfigError, match="log_file_max_bytes: a local setting"):
        config.merge({}, {"log_file_max_bytes": 1024})
    assert config.from_dict({}).log_file_max_bytes == logs.DEFAULT_MAX_BYTES


# -- the planted secret: a failed tick, a scheduler error, a crash ------------------------------

PLANTED = "planted-access-secret-5e1f0c"

_WRAPPER = """\
import os
import sys

SECRET = " and ".join(os.environ["TEST_PLANTED"].split("\\n"))
{patch}
from bot import cli
sys.exit(cli.main(sys.argv[1:]))
"""

#: Faults planted in the real command, each holding the secrets in its message.
FAULTS = {
    # A session's step fails with a NotesbotError (the failed tick).
    "tick": """
from bot.errors import WikiError
from bot.run import harvesting

def harvest_into_draft(ctx, session):
    raise WikiError("the wiki refused the save of " + SECRET)

harvesting.harvest_into_draft = harvest_into_draft
""",
    # The scheduler's tick: first a bug, then a NotesbotError, after the login.
    "schedule": """
from bot.errors import WikiError
from bot.run import tick as tick_mod

calls = []

def tick(ctx, moment):
    calls.append(1)
    if len(calls) == 1:
        raise RuntimeError("tick bug near " + SECRET)
    raise WikiError("wiki error near " + SECRET)

tick_mod.tick = tick
""",
    # A bug after the login: a traceback whose message, and the message of
    # the exception it was raised from, hold the secrets.
    "crash": """
from bot.run import tick as tick_mod

def survey(ctx, moment, seen=None):
    try:
        {}["lookup " + SECRET]
    except KeyError as e:
        raise RuntimeError("a bug with " + SECRET) from e

tick_mod.survey = survey
""",
    # A bug before pywikibot is even imported (its configuration, which
    # names the password file, not read yet).
    "early crash": """
from bot import commands

def parse_moment(value, option="--now"):
    raise ValueError("cannot parse " + SECRET)

commands.parse_moment = parse_moment
""",
}


def _run_with_fault(fault: str, pywikibot_dir: Path, tmp_path: Path, secrets: list[str], *args: str,
                    log_file: Path | None, env_secret: bool = True, timeout: int = 300):
    """The real command (``bot.cli.main`` in a process of its own) with one
    of :data:`FAULTS` planted; every output it made, by name: stdout, stderr,
    the log file and its backups, pywikibot's logs, crash files."""
    wrapper = tmp_path / "notesbot_with_fault.py"
    wrapper.write_text(_WRAPPER.format(patch=FAULTS[fault]))
    temp = tmp_path / "tmp"
    temp.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOTESBOT_")}
    env.update(PYWIKIBOT_DIR=str(pywikibot_dir), NOTESBOT_LOCK_DIR=str(tmp_path / "locks"), TMPDIR=str(temp),
               TEST_PLANTED="\n".join(secrets))
    if env_secret:
        env["NOTESBOT_ACCESS_SECRET"] = PLANTED
    if log_file is not None:
        env["NOTESBOT_LOG_FILE"] = str(log_file)
    proc = subprocess.run([sys.executable, str(wrapper), *args], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=timeout)
    outputs = {"stdout": proc.stdout, "stderr": proc.stderr}
    files = [*(log_file.parent.glob(log_file.name + "*") if log_file is not None else []),
             *(pywikibot_dir / "logs").rglob("*"), *temp.rglob("*")]
    for path in sorted(p for p in files if p.is_file()):
        outputs[str(path.relative_to(tmp_path))] = path.read_text(encoding="utf-8", errors="replace")
    return proc, outputs


def _secret_leaks(secrets: list[str], outputs: dict[str, str]) -> list[str]:
    return [f"secret {i} in {name}" for i, secret in enumerate(secrets) for name, text in outputs.items()
            if any(form in text for form in _forms(secret))]


def _password_file_secret(pywikibot_dir: Path) -> str:
    for line in (pywikibot_dir / "user-password.cfg").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            entry = ast.literal_eval(line.replace("BotPassword", ""))
            return entry[-1][1] if isinstance(entry[-1], tuple) else entry[-1]
    raise AssertionError("no secret in the password file")


def test_a_crash_before_pywikibot_starts_leaks_no_password_file_secret(tmp_path):
    """A bug before pywikibot has read its configuration: the secret of the
    password file (no environment variable names it) is not in the one
    line on stderr, nor in the traceback, written to a private file of its
    own when there is no log file."""
    folder = tmp_path / "pywikibot"
    folder.mkdir()
    (folder / "user-config.py").write_text("family = 'meta'\nmylang = 'meta'\n"
                                           "password_file = 'user-password.cfg'\n")
    secret = "pwfile-only-secret-93ac1d77"
    (folder / "user-password.cfg").write_text(f"('NotesBot', BotPassword('notesbot', {secret!r}))\n")
    proc, outputs = _run_with_fault("early crash", folder, tmp_path, [secret], "run", "--now", "x",
                                    log_file=None, env_secret=False, timeout=60)
    assert proc.returncode == 1, proc.stderr
    [line] = proc.stderr.splitlines()
    assert line.startswith("notesbot: internal error (a bug in notesbot, not in what you typed): "
                           "ValueError: cannot parse <redacted>; the traceback is in ")
    crash_files = [name for name in outputs if name.startswith("tmp/notesbot-crash-")]
    assert len(crash_files) == 1, sorted(outputs)
    crash = outputs[crash_files[0]]
    assert "Traceback (most recent call last)" in crash and "ValueError: cannot parse <redacted>" in crash
    assert (tmp_path / crash_files[0]).stat().st_mode & 0o777 == 0o600
    assert _secret_leaks([secret], outputs) == []


@pytest.mark.slow
def test_the_scheduler_logs_a_failed_ticks_error_redacted(tmp_path, clean_logging):
    """In-process: the scheduler meets a bug and an error holding the secret;
    its lines (stderr and log file) and the bug's traceback say <redacted>."""
    from bot.errors import WikiError
    from bot.run import scheduling

    stream = io.StringIO()
    log_file = tmp_path / "notesbot.log"
    logs.setup(log_file, stream=stream, secrets=[PLANTED])
    calls = []

    def tick() -> int:
        calls.append(1)
        if len(calls) == 1:
            raise KeyError(f"bug near {PLANTED}")
        raise WikiError(f"wiki error near {PLANTED}")

    assert scheduling.run_schedule("* * * * * *", tick, max_ticks=2) == 1
    err, text = stream.getvalue(), log_file.read_text()
    assert f"notesbot: tick failed: KeyError: 'bug near <redacted>'; the traceback is in {log_file}\n" in err
    assert "notesbot: wiki error near <redacted>\n" in err
    assert "notesbot schedule: stopped after 2 tick(s)" in err and "Traceback" not in err
    assert "Traceback (most recent call last)" in text and "KeyError: 'bug near <redacted>'" in text
    assert "notesbot.schedule: tick 2 at" in text
    assert PLANTED not in err + text


@pytest.fixture
def planted(wiki, tmp_path):
    """A scenario with one session, and a copy of the wiki's pywikibot folder
    (no session cookies: each run logs in with its password) for runs with
    ``-debug``; the secrets: the BotPassword (in the copy's password file)
    and the planted environment secret."""
    from scenario import Scenario

    s = Scenario(wiki, tmp_path)
    s.run_ok("new-session", "2031-05-15", "-always")
    copy = tmp_path / "pywikibot"
    shutil.copytree(wiki.pywikibot_dir, copy,
                    ignore=shutil.ignore_patterns("logs", "apicache*", "*.lwp", "throttle.ctrl"))
    secrets = [_password_file_secret(copy), PLANTED]
    assert secrets[0] == wiki.accounts["bot"].password
    return s, copy, secrets


@pytest.mark.wiki
def test_no_secret_in_any_output_when_a_tick_fails(planted, tmp_path):
    """(a) A session's step fails with an error whose message holds the
    secrets: its line on stderr, the log file, pywikibot's -debug log and the
    status page (a page everyone can read) say <redacted>."""
    s, copy, secrets = planted
    log_file = tmp_path / "logs" / "notesbot.log"
    proc, outputs = _run_with_fault("tick", copy, tmp_path, secrets, "--config", str(s.config_path), "-debug",
                                    f"-dir:{copy}", "run", "--now", "2031-05-01T12:00:00Z", "-always",
                                    log_file=log_file)
    assert proc.returncode == 1, redact(proc.stderr)[-3000:]
    line = f"notesbot: [[{s.session('2031-05-15')}]]: the wiki refused the save of <redacted> and <redacted>"
    assert line in proc.stderr.splitlines(), redact(proc.stderr)[-3000:]
    assert re.search(r"ERROR +notesbot\.tick: " + re.escape(line[len("notesbot: "):]), outputs["logs/notesbot.log"])
    assert any("lgpassword=<redacted>" in text for name, text in outputs.items() if name.startswith("pywikibot/logs"))
    status = s.reader.text(s.status)
    assert "error: the wiki refused the save of &lt;redacted> and &lt;redacted>" in status, status
    outputs["the status page"] = status
    assert _secret_leaks(secrets, outputs) == []


@pytest.mark.wiki
def test_no_secret_in_any_output_when_the_scheduler_meets_errors(planted, tmp_path):
    """(b) ``notesbot schedule``: a tick that meets a bug and one that fails,
    both after the login, with the secrets in their messages."""
    s, copy, secrets = planted
    log_file = tmp_path / "notesbot.log"
    proc, outputs = _run_with_fault("schedule", copy, tmp_path, secrets, "--config", str(s.config_path),
                                    "-debug", f"-dir:{copy}", "schedule", "--cron", "* * * * * *",
                                    "--max-ticks", "2", log_file=log_file)
    assert proc.returncode == 1, redact(proc.stderr)[-3000:]
    err = proc.stderr
    assert "notesbot: tick failed: RuntimeError: tick bug near <redacted> and <redacted>; the traceback is in" in err
    assert "notesbot: wiki error near <redacted> and <redacted>\n" in err
    assert "notesbot schedule: stopped after 2 tick(s)" in err
    text = outputs["notesbot.log"]
    assert "Traceback (most recent call last)" in text and "RuntimeError: tick bug near <redacted>" in text
    assert "notesbot.schedule: tick 1 at" in text
    assert _secret_leaks(secrets, outputs) == []


@pytest.mark.wiki
def test_no_secret_in_any_output_of_a_crash(planted, tmp_path):
    """(c) A bug after the login (exit 1): one line on stderr, the traceback
    in the log file; the secrets are in its message and in the message of
    the exception it was raised from, and nowhere in any output."""
    s, copy, secrets = planted
    log_file = tmp_path / "notesbot.log"
    proc, outputs = _run_with_fault("crash", copy, tmp_path, secrets, "--config", str(s.config_path), "-debug",
                                    f"-dir:{copy}", "run", "-always", log_file=log_file)
    assert proc.returncode == 1, redact(proc.stderr)[-3000:]
    last = proc.stderr.strip().splitlines()[-1]
    assert last == ("notesbot: internal error (a bug in notesbot, not in what you typed): RuntimeError: "
                    f"a bug with <redacted> and <redacted>; the traceback is in {log_file}")
    assert "Traceback" not in proc.stderr
    text = outputs["notesbot.log"]
    assert "ERROR    notesbot.crash: internal error: RuntimeError" in text
    assert "KeyError: 'lookup <redacted> and <redacted>'" in text
    assert "RuntimeError: a bug with <redacted> and <redacted>" in text
    assert not list(tmp_path.glob("tmp/notesbot-crash-*")), "with a log file, no crash file of its own"
    assert _secret_leaks(secrets, outputs) == []
