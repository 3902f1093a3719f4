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

What is a secret and how it is removed (parameter values, registered
secrets) is :mod:`bot.redaction`'s; its public names are importable from
here too, where the bot's callers have always found them.

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

import errno
import logging
import logging.handlers
import os
import re
import stat
import sys
import time
from pathlib import Path
from typing import Any, Iterable

from bot.redaction import (  # noqa: F401  (re-exported: callers use bot.logs.*)
    MIN_SECRET_LENGTH,
    REDACTED,
    RedactingFilter,
    forget_secrets,
    install_record_factory,
    protect_handler,
    redact,
    register_pywikibot_secrets,
    register_secret,
    register_secrets_from_password_file,
)

_BOT_LOGGER = "notesbot"
_OUTPUT_LOGGER = "notesbot.output"
_CRASH_LOGGER = "notesbot.crash"
_PYWIKIBOT_LOGGER = "pywiki"

#: ``extra=PLAIN``: a warning or an error shown on stderr without the level
#: word (``notesbot: message``, as the bot has always written a user error);
#: the log file still says its level.
PLAIN = {"notesbot_plain": True}

#: The log file's defaults, before the configuration is read (and the
#: defaults of its ``log_file_max_bytes`` and ``log_file_backups``,
#: :class:`bot.config.Config`, which reads them from here).
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_BACKUPS = 5


def _all_loggers() -> list[logging.Logger]:
    loggers = [logging.getLogger()]
    for logger in list(logging.Logger.manager.loggerDict.values()):
        if isinstance(logger, logging.Logger):
            loggers.append(logger)
    return loggers


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
