"""Setting pywikibot up and logging in: the only place that imports pywikibot.

``PYWIKIBOT_DIR`` must be set before pywikibot is first imported (it reads its
configuration then); ``-dir:`` on the command line does that here.
"""

from __future__ import annotations

import logging
import os
import re
from typing import Any

from pathlib import Path

from bot import logs
from bot.config import Config
from bot.environment import Environment
from bot.errors import UsageError
from bot.wiki.budget import Budget, RetrySettings, limits, lowered
from bot.wiki import internals
from bot.wiki.pages import Shutoff, Unreachable, Wiki, _one_line


#: The prefix of the private temporary folders that hold a run's password file.
SECRET_FOLDER_PREFIX = "notesbot-secret-"


def _password_file_from_env(site: Any, environment: Environment) -> None:
    """On Toolforge the BotPassword secret comes from the environment
    (``toolforge envvars``), never from a file of the repository: write
    pywikibot's one-line password file into a private temporary folder for
    this run (pywikibot reads the secret only from such a file), and remove
    it when the run ends: at exit, on SIGTERM (what Toolforge's timeout
    sends) and SIGINT.  A folder left by a run that was killed (SIGKILL) is
    found and removed by the next run (:func:`remove_stale_secrets`)."""
    secret = environment.botpassword
    if not secret or not site.username():
        return
    import atexit
    import shutil
    import tempfile

    from pywikibot import config as pwb_config

    logs.register_secret(secret)
    remove_stale_secrets()
    appid = environment.botpassword_appid
    folder = tempfile.mkdtemp(prefix=f"{SECRET_FOLDER_PREFIX}{os.getpid()}-")
    path = os.path.join(folder, "user-password.cfg")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(f"({site.username()!r}, BotPassword({appid!r}, {secret!r}))\n")
    atexit.register(shutil.rmtree, folder, True)
    _remove_on_signals(folder)
    pwb_config.password_file = path
    _cookies_in_memory(site)


def _cookies_in_memory(site: Any) -> None:
    """With the secret from the environment, the login's session cookies stay
    in memory: pywikibot would save them in ``pywikibot-<user>.lwp`` beside
    its configuration, where they log in without the secret after the run.
    A file left by an earlier run (or version) is removed first."""
    from pywikibot import config as pwb_config
    from pywikibot import tools
    from pywikibot.comms import http

    http.cookie_jar.save = lambda *args, **kwargs: None  # this run's jar only: an instance attribute
    for user in {site.username(), ""}:
        name = f"pywikibot{'-' + tools.as_filename(user) if user else ''}.lwp"
        try:
            os.unlink(os.path.join(pwb_config.base_dir, name))
        except FileNotFoundError:
            pass
        except OSError as e:
            logs.get_logger("login").warning("cannot remove pywikibot's cookie file %s: %s", name, e.strerror,
                                             extra=logs.PLAIN)


def _remove_on_signals(folder: str) -> None:
    """On SIGTERM, unless somebody else handles it (``notesbot schedule``
    stops after its tick and exits normally, which runs the ``atexit``
    removal), remove ``folder``, then end as the signal would.  SIGINT
    needs nothing more: its KeyboardInterrupt ends the run normally."""
    import shutil
    import signal

    def handler(signum: int, frame: Any) -> None:
        shutil.rmtree(folder, True)
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, handler)


def remove_stale_secrets(tmp: str | None = None) -> int:
    """Remove the password folders of runs that are no longer running (their
    pid, in the folder's name, is gone): a run killed with SIGKILL leaves its
    folder behind.  How many were removed."""
    import shutil
    import tempfile

    base = Path(tmp or tempfile.gettempdir())
    removed = 0
    try:
        entries = list(base.iterdir())
    except OSError:
        return 0
    for entry in entries:
        if not entry.name.startswith(SECRET_FOLDER_PREFIX) or not entry.is_dir():
            continue
        try:
            pid = int(entry.name[len(SECRET_FOLDER_PREFIX):].split("-")[0])
            if entry.stat().st_uid != os.getuid():
                continue
        except (ValueError, OSError):
            continue
        if pid != os.getpid() and not _alive(pid):
            shutil.rmtree(entry, True)
            removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class _OneLineRetryReport(logging.Filter):
    """pywikibot reports each failed HTTP request it is about to retry in
    three records: "An error occurred for uri …" (an ERROR), the whole
    traceback of the ``requests`` error (an ERROR, although it handles it
    and the run goes on), then "Waiting N seconds before retrying.".  On the
    bot's terminal and in its log that is one warning naming the wiki, what
    went wrong and the next try; the last error is kept for the one-line
    message of a wiki that never answers (:func:`unreachable`)."""

    def __init__(self) -> None:
        super().__init__()
        self.uri = ""
        self.error = ""
        self.retries = 0

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # pragma: no cover - a broken record is left alone
            return True
        if message.startswith("An error occurred for uri "):
            self.uri = message[len("An error occurred for uri "):].strip()
            return False
        if message.startswith("Traceback (most recent call last):") and record.levelno >= logging.ERROR:
            last = [line for line in message.strip().splitlines() if line.strip()][-1]
            self.error = _short_error(last)
            return False
        wait = re.match(r"Waiting (\d+(?:\.\d+)?) seconds before retrying", message)
        if wait:
            self.retries += 1
            what = f" ({self.error})" if self.error else ""
            record.msg, record.args = (f"{_wiki_name()} did not answer{what}; next try in "
                                       f"{float(wait.group(1)):.0f} s (retry {self.retries})"), ()
            record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        return True


def _short_error(line: str) -> str:
    """The part of a ``requests`` error that says what happened."""
    for pattern, said in ((r"Connection refused", "connection refused"),
                          (r"Name or service not known|nodename nor servname|getaddrinfo failed",
                           "the host name is not known"),
                          (r"timed out|Timeout", "no answer in time"),
                          (r"Connection reset|RemoteDisconnected|Connection aborted", "the connection was dropped")):
        if re.search(pattern, line):
            return said
    return _one_line(line)[:160]


def _wiki_name() -> str:
    """The wiki pywikibot talks to, as ``family:code`` and its address."""
    from pywikibot import config as pwb_config

    name = f"{pwb_config.family}:{pwb_config.mylang}"
    uri = _retry_report.uri if _retry_report is not None else ""
    return f"the wiki {name} ({uri})" if uri else f"the wiki {name}"


_retry_report: _OneLineRetryReport | None = None


def _quiet_retry_tracebacks() -> None:
    global _retry_report
    logger = logging.getLogger("pywiki")
    for f in logger.filters:
        if isinstance(f, _OneLineRetryReport):
            _retry_report = f
            return
    _retry_report = _OneLineRetryReport()
    logger.addFilter(_retry_report)


def unreachable(e: BaseException) -> Unreachable:
    """The one line for a wiki that did not answer: which wiki, what went
    wrong, and what to check."""
    from pywikibot import config as pwb_config

    what = _retry_report.error if _retry_report is not None and _retry_report.error else _one_line(e)
    folder = os.environ.get("PYWIKIBOT_DIR", "")
    return Unreachable(f"cannot reach the wiki: {_wiki_name()[len('the wiki '):]} did not answer ({what}); "
                     f"check the network, that the wiki is up, and family/mylang in "
                     f"{os.path.join(folder, 'user-config.py')} (now {pwb_config.family}:{pwb_config.mylang})")


def pywikibot_folder(global_args: list[str], environment: Environment, cwd: Path | None = None) -> Path:
    """The folder whose ``user-config.py`` pywikibot will read (``-dir:``, else
    ``PYWIKIBOT_DIR``, else the working directory), checked before pywikibot is
    imported: without a ``user-config.py`` naming a family (or ``-site:``),
    pywikibot would fall back to a live wiki of its own choosing
    (test.wikipedia.org), and retry it for many minutes without a network.
    Raises :class:`UsageError` (exit 2) with what to do."""
    folder, source = environment.pywikibot_folder(global_args, cwd)
    how = ("copy user-config.py.example to user-config.py in the bot's pywikibot folder, and name that "
           "folder with PYWIKIBOT_DIR or -dir:")
    config = folder / "user-config.py"
    try:
        text = config.read_text(encoding="utf-8", errors="replace")
    except OSError:
        raise UsageError(f"pywikibot is not configured: no user-config.py in {folder} ({source}); {how}") from None
    names_family = any(line.split("=")[0].strip() == "family" for line in text.splitlines()
                       if "=" in line and not line.lstrip().startswith("#"))
    if not names_family and not any(a.startswith("-site:") or a.startswith("-family:") for a in global_args):
        raise UsageError(f"pywikibot is not configured: {config} sets no family (add family = 'meta' and "
                         "mylang = 'meta', as in user-config.py.example, or give -site:FAMILY:CODE)")
    return folder


def _check_site_options(pywikibot: Any, args: list[str]) -> None:
    """``-site:FAMILY:CODE`` and ``-family:`` name a family pywikibot knows,
    before ``handle_args`` (which reports an unknown one on its own and
    exits 1)."""
    for arg in args:
        if arg.startswith(("-site:", "-family:")):
            family = arg.split(":")[1]
            try:
                pywikibot.family.Family.load(family)
            except pywikibot.exceptions.UnknownFamilyError:
                raise UsageError(f"{arg}: unknown family {family!r} (see pywikibot's families, or "
                                 "family_files in user-config.py)") from None


def _apply_limits(config: Config | None) -> Budget | None:
    """Lower pywikibot's retry settings to the bot's limits (never raise
    them: a test wiki's shorter settings stay) and start the run's budget
    (see :mod:`bot.wiki.budget`)."""
    if config is None:
        return None
    from pywikibot import config as pwb_config

    timeout = pwb_config.socket_timeout
    connect_timeout, read_timeout = timeout if isinstance(timeout, tuple) else (timeout, timeout)
    current = RetrySettings(int(pwb_config.max_retries), float(pwb_config.retry_wait), float(pwb_config.retry_max),
                            float(connect_timeout), float(read_timeout))
    settings = lowered(current, limits(config))
    pwb_config.max_retries = settings.max_retries
    pwb_config.retry_wait = settings.retry_wait
    pwb_config.retry_max = settings.retry_max
    pwb_config.socket_timeout = (settings.connect_timeout, settings.read_timeout)
    return Budget(config.run_budget_seconds, settings.worst_request_seconds())


def connect(global_args: list[str], environment: Environment, shutoff_page: str, shutoff_word: str = "yes",
            *, login: bool = True, config: Config | None = None) -> Wiki:
    """Set pywikibot up from its global options and log in.

    ``global_args`` are the pywikibot options from the command line
    (``-simulate``, ``-site:``, ``-user:``, ``-dir:``…), passed explicitly so
    that pywikibot never reads ``sys.argv`` itself.  An option pywikibot does
    not know is a usage error.  ``shutoff_page`` may name the bot as
    ``{bot}``: it is resolved once the account is known.  ``config`` (the
    local configuration) bounds pywikibot's retries and starts the run's
    time budget.
    """
    args = [a for a in global_args if not a.startswith("-dir:")]
    folder = pywikibot_folder(list(global_args), environment)
    os.environ["PYWIKIBOT_DIR"] = str(folder)
    try:
        import pywikibot
        import pywikibot.exceptions  # noqa: F401
    except RuntimeError as e:  # no user-config.py in PYWIKIBOT_DIR
        raise UsageError(f"pywikibot is not configured: {_one_line(e)}") from None
    _quiet_retry_tracebacks()
    internals.lazy_login_site(pywikibot)
    internals.log_header_only_with_log_file(pywikibot)
    budget = _apply_limits(config)
    _check_site_options(pywikibot, args)
    try:
        # handle_args also makes the Site (which, made by
        # internals.lazy_login_site, asks the wiki nothing yet).
        # handle_args reads sys.argv when its list is empty: the list always
        # starts with -dir: (the folder PYWIKIBOT_DIR names already; pywikibot
        # takes it and does nothing more), so the bot's own options never reach it.
        rest = pywikibot.handle_args([f"-dir:{folder}", *args], do_help=False)
    except (ValueError, TypeError) as e:  # e.g. -putthrottle:abc
        raise UsageError(f"bad pywikibot option: {_one_line(e)}") from None
    except pywikibot.exceptions.SiteDefinitionError as e:
        raise UsageError(f"unknown site: {_one_line(e)}") from None
    except pywikibot.exceptions.Error as e:
        raise unreachable(e) from None
    if rest:
        raise UsageError(f"unknown option {rest[0]!r} (see 'notesbot --help')")
    logs.protect_all_handlers()
    try:
        site = pywikibot.Site()
        _password_file_from_env(site, environment)
    except (FileNotFoundError, ValueError) as e:
        raise UsageError(f"cannot log in: {_one_line(e)}") from None
    except pywikibot.exceptions.SiteDefinitionError as e:
        raise UsageError(f"unknown site: {_one_line(e)}") from None
    except pywikibot.exceptions.Error as e:
        raise unreachable(e) from None
    from pywikibot import config as pwb_config

    shutoff = Shutoff(shutoff_page.replace("{bot}", site.username() or ""), shutoff_word)
    # The login is checked by the run's first query (``meta=userinfo`` rides
    # on it: :class:`Wiki`), and only if that answer is not the bot logged
    # in does pywikibot log in (``_log_in``).
    return Wiki(site=site, _pywikibot=pywikibot, shutoff=shutoff, simulate=bool(pwb_config.simulate),
                budget=budget, log_in=(lambda: _log_in(pywikibot, site)) if login else None,
                unreachable=unreachable)


def _log_in(pywikibot: Any, site: Any) -> None:
    """pywikibot's login, its failures in the bot's words."""
    try:
        site.login()
    except (FileNotFoundError, ValueError) as e:
        raise UsageError(f"cannot log in: {_one_line(e)}") from None
    except pywikibot.exceptions.NoUsernameError as e:
        raise UsageError(f"cannot log in: {_one_line(e)}") from None
    except pywikibot.exceptions.SiteDefinitionError as e:
        raise UsageError(f"unknown site: {_one_line(e)}") from None
    except pywikibot.exceptions.Error as e:
        raise unreachable(e) from None
