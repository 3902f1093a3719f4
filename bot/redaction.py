"""Secrets out of every log line: registering them, and redacting text and records.

Passwords, BotPassword secrets, OAuth keys and secrets, login/edit tokens and
session cookies must never reach a terminal or a file.  This module holds what
is a secret and how it is removed; :mod:`bot.logs` puts it on every handler and
every record (its docstring tells where and why).

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
  environment (:class:`bot.environment.Environment`, given to
  :func:`bot.logs.setup`) or from pywikibot's ``authenticate`` setting
  (:func:`register_pywikibot_secrets`).
"""

from __future__ import annotations

import ast
import json
import logging
import os
import re
import sys
import threading
import urllib.parse
from pathlib import Path
from typing import Any

#: What a secret is replaced with.
REDACTED = "<redacted>"

#: Registered secrets shorter than this are ignored: redacting every "abc" in
#: the logs would make them useless, and no real credential is that short.
MIN_SECRET_LENGTH = 4


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


def protect_handler(handler: logging.Handler) -> None:
    """Put the redacting filter on ``handler`` (once)."""
    if not any(isinstance(f, RedactingFilter) for f in handler.filters):
        handler.addFilter(RedactingFilter())
