"""Logging for notesbot: readable lines on stderr, a log file, and no secret in either.

What is logged goes through Python's :mod:`logging`, and so does everything
pywikibot prints or logs (its logger is ``"pywiki"``; with ``-debug`` it also
writes ``PYWIKIBOT_DIR/logs/<script>-bot.log`` with every API request's URI
and body, login included).  Passwords, BotPassword secrets, OAuth keys and
secrets, login/edit tokens and session cookies must never reach a terminal or
a file, so redaction happens in two places:

1. **When a record is created** (:func:`logging.setLogRecordFactory`).  Every
   record made anywhere in the process, by any logger, whatever handler will
   later receive it, and even through handlers created after :func:`setup`
   (pywikibot builds its handlers inside ``pywikibot.handle_args``), has its
   message, its exception text and its stack text redacted before any handler
   sees it.  This is the part that cannot be forgotten.
2. **On every handler** (:class:`RedactingFilter`).  :func:`setup` puts the
   filter on the bot's own handlers; :func:`protect_all_handlers`, called after
   ``pywikibot.handle_args``, puts it on every handler of every logger that
   exists then (pywikibot's terminal handlers and its ``-debug`` file handler
   included).  It catches records created before the factory was installed or
   by code that replaced the factory.  Redaction is idempotent, so a record
   that went through both is unchanged by the second pass.

What :func:`redact` removes:

* the *value* of sensitive parameters, whatever the notation: URL-encoded
  (``lgpassword=...&``), JSON (``"csrftoken": "..."``), Python reprs of dicts
  (``'token': '...'``), keyword arguments (``password='...'``), MIME form
  fields, and HTTP headers (``Authorization: ...``, ``Cookie: ...``,
  ``Set-Cookie: ...``).  Sensitive parameters: ``password``, ``lgpassword``
  and any ``*password``, ``retype``, ``token`` and any ``*token``
  (``lgtoken``, ``logintoken``, ``csrftoken``...), ``oauth_*``, any
  ``*secret``, ``authorization``, ``cookie``.  The key stays, so the log still
  shows *that* a login was made: ``lgpassword=<redacted>``;
* every string registered with :func:`register_secret` (and its URL-encoded,
  JSON- and repr-escaped forms), wherever it appears, e.g. inside a
  traceback: the BotPassword secret from ``user-password.cfg``
  (:func:`register_secrets_from_password_file`), the OAuth values from the
  environment (:class:`bot.environment.Environment`, given to :func:`setup`) or from pywikibot's
  ``authenticate`` setting (:func:`register_pywikibot_secrets`).

Every line the bot writes goes through logging, so through both guards:

* its messages, warnings and errors: the ``notesbot`` logger and its
  children (:func:`get_logger`), on stderr as ``notesbot: message`` and in the
  log file;
* a command's results (tables, check findings, the diff shown before saving,
  "Nothing changed…"): :func:`output`, the ``notesbot.output`` logger, on
  stdout with a bare format, and in the log file;
* a crash's traceback: :func:`record_crash`, in the log file only (or a
  private file of its own);
* pywikibot's lines: its own terminal handlers (its user interface, with its
  prompts and colours), filtered, and the bot's log file.

The log file rotates by size (:func:`set_rotation`, from the configuration's
``log_file_max_bytes`` and ``log_file_backups``); it and its backups are
readable by their owner only and never opened through a symbolic link.
"""

from __future__ import annotations

import ast
import errno
import json
import logging
import logging.handlers
import os
import re
import stat
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any, Iterable

#: What a secret is replaced with.
REDACTED = "<redacted>"

#: Registered secrets shorter than this are ignored: redacting every "abc" in
#: the logs would make them useless, and no real credential is that short.
MIN_SECRET_LENGTH = 4

_BOT_LOGGER = "notesbot"
_OUTPUT_LOGGER = "notesbot.output"
_CRASH_LOGGER = "notesbot.crash"
_PYWIKIBOT_LOGGER = "pywiki"

#: ``extra=PLAIN``: a warning or an error shown on stderr without the level
#: word (``notesbot: message``, as the bot has always written a user error);
#: the log file still says its level.
PLAIN = {"notesbot_plain": True}

#: The log file's defaults (the configuration's ``log_file_max_bytes`` and
#: ``log_file_backups``, :class:`bot.config.Config`).
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_BACKUPS = 5

# -- the patterns ---------------------------------------------------------------

# A parameter name whose value is a secret.  Matched case-insensitively and
# never in the middle of a longer name (see the look-behinds below).
_KEY = (r"(?:[a-z_]*password|passwd|retype|[a-z_]*token|oauth_[a-z_]+|[a-z_]*secret"
        r"|(?:proxy-)?authorization|(?:set-)?cookie)")

# A quoted value, up to its closing quote (given after it): escapes are
# skipped over, so that 'a\\'b' or "a\\"b" are one value.
_VALUE = r"""(?P<value>(?:\\.|[^\\])*?)"""

# JSON and Python reprs: "key": "value", 'key': 'value', 'key': "value",
# 'key': b'value' (the quotes may be escaped once more inside a repr).
_QUOTED_PAIR = re.compile(
    r"""(?P<kq>\\?["'])(?P<key>""" + _KEY + r""")(?P=kq)(?P<sep>\s*:\s*\[?\s*)(?P<b>b?)(?P<vq>\\?["'])"""
    + _VALUE + r"""(?P=vq)""",
    re.IGNORECASE | re.DOTALL,
)
# Keyword arguments and OAuth header parameters: key='value', key="value".
_KEYWORD = re.compile(
    r"""(?<![\w.-])(?P<key>""" + _KEY + r""")(?P<sep>\s*=\s*\[?\s*)(?P<b>b?)(?P<vq>\\?["'])"""
    + _VALUE + r"""(?P=vq)""",
    re.IGNORECASE | re.DOTALL,
)
# URL-encoded forms and query strings: key=value (up to &, space or a quote).
_URLENCODED = re.compile(
    r"""(?<![\w.-])(?P<key>""" + _KEY + r""")(?P<sep>=)(?!\\?["'])(?P<value>[^&\s'"<>;,)}\]]+)""",
    re.IGNORECASE,
)
# HTTP headers written out: "Authorization: Bearer ...", up to the end of the line.
_HEADER = re.compile(
    r"""(?<![\w'"-])(?P<key>(?:proxy-)?authorization|(?:set-)?cookie)(?P<sep>[ \t]*:[ \t]*)"""
    r"""(?P<value>[^\r\n]+)""",
    re.IGNORECASE,
)
# MIME form fields: name="token" followed by a blank line and the value.
_MIME_FIELD = re.compile(
    r"""(?P<head>name=\\?["'](?P<key>""" + _KEY + r""")\\?["'][^\r\n\\]*"""
    r"""(?:\r\n|\n|\\r\\n|\\n){2})(?P<value>.*?)(?=\r\n|\n|\\r\\n|\\n|$)""",
    re.IGNORECASE | re.DOTALL,
)
# pywikibot's password file notation: BotPassword('suffix', 'secret').
_BOTPASSWORD_CALL = re.compile(
    r"""(?P<head>BotPassword\(\s*(?P<q1>\\?["']).*?(?P=q1)\s*,\s*)(?P<q2>\\?["'])"""
    + _VALUE + r"""(?P=q2)""",
)


def _keep_key(match: re.Match) -> str:
    groups = match.groupdict()
    if "kq" in groups:
        return (f"{groups['kq']}{groups['key']}{groups['kq']}{groups['sep']}"
                f"{groups['b']}{groups['vq']}{REDACTED}{groups['vq']}")
    if "vq" in groups:
        return f"{groups['key']}{groups['sep']}{groups['b']}{groups['vq']}{REDACTED}{groups['vq']}"
    return f"{groups['key']}{groups['sep']}{REDACTED}"


def _keep_head(match: re.Match) -> str:
    quote = match.groupdict().get("q2") or ""
    return f"{match.group('head')}{quote}{REDACTED}{quote}"


# -- registered secrets -----------------------------------------------------------

_lock = threading.Lock()
_secrets: set[str] = set()
_secrets_re: re.Pattern | None = None


def _variants(secret: str) -> set[str]:
    """The forms a secret takes in a log line: as is, URL-encoded (both
    flavours, as in a request body or a query string), JSON-escaped and
    repr-escaped (as in a dict or a traceback)."""
    forms = {
        secret,
        urllib.parse.quote(secret, safe=""),
        urllib.parse.quote_plus(secret, safe=""),
        json.dumps(secret)[1:-1],
        repr(secret)[1:-1],
        secret.encode("unicode_escape").decode("ascii"),
    }
    forms |= {repr(form)[1:-1] for form in list(forms)}
    return {form for form in forms if len(form) >= MIN_SECRET_LENGTH}


def register_secret(value: str | None) -> bool:
    """Redact ``value`` from every log line from now on (and from
    :func:`redact`'s results).  Returns whether it was registered: empty values
    and values shorter than :data:`MIN_SECRET_LENGTH` are not."""
    global _secrets_re
    if not isinstance(value, str):
        return False
    value = value.strip("\r\n")
    if len(value) < MIN_SECRET_LENGTH:
        return False
    with _lock:
        forms = _variants(value)
        if forms <= _secrets:
            return True
        _secrets.update(forms)
        alternatives = sorted(_secrets, key=len, reverse=True)
        _secrets_re = re.compile("|".join(re.escape(s) for s in alternatives))
    return True


def forget_secrets() -> None:
    """Drop every registered secret (for tests)."""
    global _secrets_re
    with _lock:
        _secrets.clear()
        _secrets_re = None


def _password_entries(text: str) -> list[tuple]:
    """The entries of a pywikibot password file, parsed as pywikibot itself
    parses them (``pywikibot.login.LoginManager.readPassword``): each line is a
    Python literal tuple, ``BotPassword(a, b)`` being read as the tuple
    ``(a, b)``.  Nothing is evaluated; a malformed line is skipped without a
    word (its text may be a secret)."""
    entries = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        is_botpassword = "BotPassword" in line
        try:
            entry = ast.literal_eval(line.replace("BotPassword", "") if is_botpassword else line)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            continue
        if isinstance(entry, tuple) and 2 <= len(entry) <= 4:
            entries.append((entry, is_botpassword))
    return entries


def register_secrets_from_password_file(path: str | os.PathLike) -> int:
    """Register the passwords and BotPassword secrets of a pywikibot
    ``user-password.cfg``.  Lines are ``(user, password)``, ``(family, user,
    password)`` or ``(code, family, user, password)``, the password being a
    string or ``BotPassword('suffix', 'secret')``.  A missing or unreadable
    file registers nothing.  Returns how many secrets were registered."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return 0
    count = 0
    for entry, is_botpassword in _password_entries(text):
        password = entry[-1]
        if is_botpassword and isinstance(password, tuple) and len(password) == 2:
            password = password[1]
        if isinstance(password, str):
            count += register_secret(password)
    return count


def register_pywikibot_secrets() -> int:
    """Register what pywikibot's configuration holds: the secrets of its
    ``password_file`` (resolved as pywikibot resolves it, relative to the
    pywikibot directory) and every value of its ``authenticate`` setting (OAuth
    keys and secrets).  Does nothing if pywikibot has not been imported yet:
    importing it here would read its configuration too early."""
    config = sys.modules.get("pywikibot.config")
    if config is None:
        return 0
    count = 0
    password_file = getattr(config, "password_file", None)
    if password_file:
        path = Path(getattr(config, "base_dir", "."), password_file)
        if not path.is_file():
            path = Path(password_file)
        count += register_secrets_from_password_file(path)
    for values in (getattr(config, "authenticate", None) or {}).values():
        if isinstance(values, (tuple, list)):
            count += sum(register_secret(v) for v in values if isinstance(v, str))
    return count


# -- redaction ----------------------------------------------------------------------

def redact(text: str) -> str:
    """``text`` without any secret: sensitive parameter values and registered
    secrets are replaced by :data:`REDACTED`.  Idempotent."""
    if not isinstance(text, str) or not text:
        return text
    pattern = _secrets_re
    if pattern is not None:
        text = pattern.sub(REDACTED, text)
    text = _BOTPASSWORD_CALL.sub(_keep_head, text)
    text = _MIME_FIELD.sub(lambda m: f"{m.group('head')}{REDACTED}", text)
    text = _QUOTED_PAIR.sub(_keep_key, text)
    text = _KEYWORD.sub(_keep_key, text)
    text = _HEADER.sub(_keep_key, text)
    text = _URLENCODED.sub(_keep_key, text)
    return text


def _redact_record(record: logging.LogRecord) -> None:
    """Redact a record in place: its message (merged with its arguments, so
    that a secret passed as an argument is caught too), its exception text and
    its stack text."""
    if getattr(record, "_notesbot_redacted", False):
        return
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: redact the parts
        record.msg = redact(str(record.msg))
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
    else:
        clean = redact(message)
        if clean != message:
            if record.msg == "%s" and isinstance(record.args, tuple) and len(record.args) == 1:
                record.args = (clean,)  # keep the shape of captured warnings
            else:
                record.msg, record.args = clean, ()
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    record._notesbot_redacted = True  # type: ignore[attr-defined]


class RedactingFilter(logging.Filter):
    """A handler filter that redacts every record and lets it through."""

    def filter(self, record: logging.LogRecord) -> bool:
        # A record may have been changed after it was made (pywikibot adds
        # context): redact again, cheaply, when it is handled.
        record._notesbot_redacted = False  # type: ignore[attr-defined]
        _redact_record(record)
        return True


def install_record_factory() -> None:
    """Make every log record redacted when it is created, by wrapping the
    current record factory (idempotent; if something replaced the factory
    since, the replacement is wrapped in turn)."""
    current = logging.getLogRecordFactory()
    if getattr(current, "_notesbot_redacting", False):
        return

    def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = current(*args, **kwargs)
        _redact_record(record)
        return record

    redacting_factory._notesbot_redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(redacting_factory)


def _all_loggers() -> list[logging.Logger]:
    loggers = [logging.getLogger()]
    for logger in list(logging.Logger.manager.loggerDict.values()):
        if isinstance(logger, logging.Logger):
            loggers.append(logger)
    return loggers


def protect_handler(handler: logging.Handler) -> None:
    """Put the redacting filter on ``handler`` (once)."""
    if not any(isinstance(f, RedactingFilter) for f in handler.filters):
        handler.addFilter(RedactingFilter())


def protect_all_handlers() -> int:
    """Put the redacting filter on every handler of every logger that exists
    now (the root logger, ``"pywiki"`` and its children, ``"py.warnings"``...),
    re-install the record factory if something replaced it, attach the bot's
    log file to pywikibot's logger and register the secrets pywikibot's
    configuration holds.  Call it after ``pywikibot.handle_args`` (which
    replaces pywikibot's handlers); calling it again is harmless.  Returns how
    many handlers it looked at."""
    install_record_factory()
    if _file_handler is not None:
        pywiki = logging.getLogger(_PYWIKIBOT_LOGGER)
        if _file_handler not in pywiki.handlers:
            pywiki.addHandler(_file_handler)
    seen: set[int] = set()
    for logger in _all_loggers():
        for handler in logger.handlers:
            if id(handler) not in seen:
                seen.add(id(handler))
                protect_handler(handler)
    if logging.lastResort is not None:
        protect_handler(logging.lastResort)
    register_pywikibot_secrets()
    return len(seen)


# -- set-up ----------------------------------------------------------------------------

class _StderrFormatter(logging.Formatter):
    """``notesbot: message``; ``notesbot: warning: message`` and
    ``notesbot: error: message`` above INFO (unless the record is
    :data:`PLAIN`); another library's records name it.  A record may name
    its own prefix (``extra={"notesbot_prefix": "notesbot schedule"}``)."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        prefix = f"{getattr(record, 'notesbot_prefix', 'notesbot')}: "
        if record.name != _BOT_LOGGER and not record.name.startswith(_BOT_LOGGER + "."):
            prefix += f"[{record.name}] "
        if getattr(record, "notesbot_plain", False):
            pass
        elif record.levelno >= logging.ERROR:
            prefix += "error: "
        elif record.levelno >= logging.WARNING:
            prefix += "warning: "
        return prefix + text


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class _FileFormatter(logging.Formatter):
    """A UTC timestamp, the level and the logger, then the message (without
    the terminal's colours, which a diff on a terminal has)."""

    converter = time.gmtime

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-8s %(name)s: %(message)s", "%Y-%m-%dT%H:%M:%SZ")

    def format(self, record: logging.LogRecord) -> str:
        return _ANSI.sub("", super().format(record))


class _CurrentStream(logging.StreamHandler):
    """A stream handler that writes to ``sys.stdout`` or ``sys.stderr`` as
    they are when each record comes (a caller or a test may have replaced
    them since the handler was made, and closed the old ones)."""

    def __init__(self, which: str) -> None:
        logging.Handler.__init__(self)
        self._which = which

    @property
    def stream(self) -> Any:  # type: ignore[override]
        return getattr(sys, self._which)

    @stream.setter
    def stream(self, value: Any) -> None:
        pass  # always the current one


def _open_private_fd(path: str | os.PathLike) -> int:
    """Open the log file (or one of its backups) for appending: created
    readable by its owner only (0600; an existing one of ours is made so),
    never through a symbolic link (``O_NOFOLLOW``: in a shared folder, a link
    planted by someone else would make the bot write over a file of their
    choice), and a regular file."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW
                     | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise OSError(e.errno, "it is a symbolic link: refused (the bot does not follow links "
                                   "for its log file)", str(path)) from None
        raise
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, "it is not a regular file", str(path))
    if info.st_mode & 0o077 and info.st_uid == os.getuid():
        os.fchmod(fd, 0o600)
    return fd


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """The bot's log file: rotated by size (``notesbot.log`` becomes
    ``notesbot.log.1``, and so on up to ``backupCount``), each new file opened
    by :func:`_open_private_fd` (a plain ``RotatingFileHandler`` would make
    the new file with the umask's mode, readable by everyone)."""

    def _open(self):  # type: ignore[override]
        fd = _open_private_fd(self.baseFilename)
        return os.fdopen(fd, "a", encoding=self.encoding, errors=getattr(self, "errors", None))


_stderr_handler: logging.Handler | None = None
_file_handler: logging.Handler | None = None
_attached: list[tuple[logging.Logger, logging.Handler]] = []
"""Each handler :func:`setup` attached, and where."""


def _output_logger() -> logging.Logger:
    """The ``notesbot.output`` logger: a command's results, on stdout (its own
    handler, bare), and in the log file; not on stderr (it does not
    propagate).  Its stdout handler exists from the start, so that results
    are printed even without :func:`setup`."""
    logger = logging.getLogger(_OUTPUT_LOGGER)
    if not any(getattr(h, "_notesbot_stdout", False) for h in logger.handlers):
        stdout = _CurrentStream("stdout")
        stdout.setFormatter(logging.Formatter("%(message)s"))
        stdout.setLevel(logging.INFO)
        stdout._notesbot_stdout = True  # type: ignore[attr-defined]
        protect_handler(stdout)
        logger.addHandler(stdout)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger


def output(text: str) -> None:
    """Write ``text`` (a table, a finding, a diff…: what a command shows as its
    result) on stdout, and in the log file, redacted like every record."""
    _output_logger().info("%s", text)


def _detach_all() -> None:
    """Remove (and close) every handler :func:`setup` attached."""
    global _stderr_handler, _file_handler
    for logger, handler in _attached:
        if handler in logger.handlers:
            logger.removeHandler(handler)
    for handler in {id(h): h for _, h in _attached}.values():
        handler.close()
    _attached.clear()
    pywiki = logging.getLogger(_PYWIKIBOT_LOGGER)
    for handler in (_stderr_handler, _file_handler):
        if handler is not None and handler in pywiki.handlers:
            pywiki.removeHandler(handler)
    _stderr_handler = _file_handler = None


def _attach(logger: logging.Logger, handler: logging.Handler) -> None:
    logger.addHandler(handler)
    _attached.append((logger, handler))


def setup(log_file: str | os.PathLike | None = None, *, debug: bool = False,
          stream: Any = None, secrets: Iterable[str] = (),
          max_bytes: int = DEFAULT_MAX_BYTES, backups: int = DEFAULT_BACKUPS) -> None:
    """Configure logging for a run of the bot.

    * stderr (or ``stream``; by default the ``sys.stderr`` of each moment):
      the bot's records at INFO and above (DEBUG stays out of the terminal),
      other libraries' at WARNING and above, as ``notesbot: message`` lines;
    * stdout: what :func:`output` writes (a command's results), bare;
    * ``log_file`` (the CLI passes ``$NOTESBOT_LOG_FILE``; None for none): all
      of that with a UTC timestamp, level and logger name, crashes'
      tracebacks (:func:`record_crash`), pywikibot's own records once
      :func:`protect_all_handlers` has run, and with ``debug`` everything at
      DEBUG level.  Created with mode 0600, never through a symbolic link,
      rotated when it would grow past ``max_bytes`` (``backups`` old files
      kept; :func:`set_rotation` changes both once the configuration is read).

    Every handler redacts; the record factory is installed; ``secrets`` (the
    values of the environment's secret variables) are registered.  Calling
    it again replaces the handlers it made before.  A log file that cannot
    be opened is a :class:`~bot.errors.UsageError` (exit 2).
    """
    global _stderr_handler, _file_handler
    install_record_factory()
    for secret in secrets:
        register_secret(secret)

    root = logging.getLogger()
    bot = logging.getLogger(_BOT_LOGGER)
    out = _output_logger()
    crash = logging.getLogger(_CRASH_LOGGER)
    crash.propagate = False  # a traceback goes to the log file, never to the terminal
    _detach_all()

    stderr = logging.StreamHandler(stream) if stream is not None else _CurrentStream("stderr")
    stderr.setLevel(logging.INFO)
    stderr.setFormatter(_StderrFormatter("%(message)s"))
    stderr.addFilter(_MinLevelForOthers(logging.WARNING))
    protect_handler(stderr)
    _attach(root, stderr)
    _stderr_handler = stderr

    if log_file:
        path = Path(log_file).expanduser()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = _PrivateRotatingFileHandler(path, maxBytes=max_bytes, backupCount=backups,
                                                  encoding="utf-8", delay=False)
        except OSError as e:
            from bot.errors import UsageError

            raise UsageError(f"log file {str(path)!r}: cannot open it ({e.strerror})") from None
        handler.setLevel(logging.DEBUG if debug else logging.INFO)
        handler.setFormatter(_FileFormatter())
        protect_handler(handler)
        for logger in (root, out, crash):
            _attach(logger, handler)
        _file_handler = handler

    # The bot's records at INFO (DEBUG with -debug); other libraries keep
    # their own level unless -debug asks for everything in the file.
    bot.setLevel(logging.DEBUG if debug else logging.INFO)
    root.setLevel(logging.DEBUG if debug and _file_handler else logging.WARNING)
    logging.captureWarnings(True)


def set_rotation(max_bytes: int, backups: int) -> None:
    """Rotate the log file when it would grow past ``max_bytes``, keeping
    ``backups`` old files (the configuration's ``log_file_max_bytes`` and
    ``log_file_backups``, known only once it is read, after :func:`setup`)."""
    if isinstance(_file_handler, logging.handlers.RotatingFileHandler):
        _file_handler.maxBytes = max_bytes
        _file_handler.backupCount = backups


def teardown() -> None:
    """Remove the handlers :func:`setup` made (for tests)."""
    _detach_all()


class _MinLevelForOthers(logging.Filter):
    """Lets another library's record through only from ``level`` up."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == _BOT_LOGGER or record.name.startswith(_BOT_LOGGER + "."):
            return True
        return record.levelno >= self.level


def record_crash(error: BaseException, what: str = "internal error") -> str:
    """Log the traceback of a bug, through the ``notesbot.crash`` logger (so
    redacted like every record) to the log file, or, without one, to a
    private file of its own in the temporary folder; never to the terminal.
    Returns where it went."""
    import tempfile

    crash = logging.getLogger(_CRASH_LOGGER)
    crash.propagate = False
    message = f"{what}: {type(error).__name__}"
    if _file_handler is not None:
        crash.error(message, exc_info=(type(error), error, error.__traceback__))
        _file_handler.flush()
        return str(log_file_path())
    fd, name = tempfile.mkstemp(prefix="notesbot-crash-", suffix=".log")  # 0600
    os.close(fd)
    handler = _PrivateRotatingFileHandler(name, encoding="utf-8")
    handler.setFormatter(_FileFormatter())
    protect_handler(handler)
    crash.addHandler(handler)
    try:
        crash.error(message, exc_info=(type(error), error, error.__traceback__))
    finally:
        crash.removeHandler(handler)
        handler.close()
    return name


def log_file_path() -> Path | None:
    """The bot's log file, if :func:`setup` opened one."""
    if isinstance(_file_handler, logging.FileHandler):
        return Path(_file_handler.baseFilename)
    return None


def get_logger(name: str | None = None) -> logging.Logger:
    """The bot's logger (``notesbot``), or one of its children."""
    return logging.getLogger(f"{_BOT_LOGGER}.{name}" if name else _BOT_LOGGER)
