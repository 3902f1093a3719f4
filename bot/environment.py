"""The environment variables the bot reads, read in one place, once.

The CLI reads them when it starts (:meth:`Environment.read`) and hands the
typed values down; no other module looks at ``os.environ`` for the bot's own
settings.  (pywikibot reads ``PYWIKIBOT_DIR`` itself, at import: the
connection sets it for ``-dir:`` before importing pywikibot.)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

SECRET_VARIABLES = (
    "NOTESBOT_BOTPASSWORD",
    "NOTESBOT_CONSUMER_TOKEN",
    "NOTESBOT_CONSUMER_SECRET",
    "NOTESBOT_ACCESS_TOKEN",
    "NOTESBOT_ACCESS_SECRET",
)
"""Variables whose values are secrets (the BotPassword, the OAuth values): redacted from every log line."""


@dataclass(frozen=True)
class Environment:
    """What the environment says, as typed values."""

    config_file: Path | None = None
    """``NOTESBOT_CONFIG``: the local configuration file."""
    log_file: Path | None = None
    """``NOTESBOT_LOG_FILE``: the bot's log file."""
    lock_dir: Path | None = None
    """``NOTESBOT_LOCK_DIR``: where the writers' lock lives (default: the pywikibot folder)."""
    pywikibot_dir: Path | None = None
    """``PYWIKIBOT_DIR``: pywikibot's folder (``user-config.py``)."""
    botpassword: str | None = field(default=None, repr=False)
    """``NOTESBOT_BOTPASSWORD``: the BotPassword secret (on Toolforge, from ``toolforge envvars``)."""
    botpassword_appid: str = "notesbot"
    """``NOTESBOT_BOTPASSWORD_APPID``: the bot name of the BotPassword."""
    secrets: tuple[str, ...] = field(default=(), repr=False)
    """The values of :data:`SECRET_VARIABLES` that are set."""

    @classmethod
    def read(cls, environ: Mapping[str, str] | None = None) -> "Environment":
        env = os.environ if environ is None else environ

        def path(name: str) -> Path | None:
            value = env.get(name, "").strip()
            return Path(value).expanduser() if value else None

        return cls(
            config_file=path("NOTESBOT_CONFIG"),
            log_file=path("NOTESBOT_LOG_FILE"),
            lock_dir=path("NOTESBOT_LOCK_DIR"),
            pywikibot_dir=path("PYWIKIBOT_DIR"),
            botpassword=env.get("NOTESBOT_BOTPASSWORD", "").strip() or None,
            botpassword_appid=env.get("NOTESBOT_BOTPASSWORD_APPID", "").strip() or "notesbot",
            secrets=tuple(v for v in (env.get(name) for name in SECRET_VARIABLES) if v),
        )

    def pywikibot_folder(self, global_args: Sequence[str], cwd: Path | None = None) -> tuple[Path, str]:
        """The folder pywikibot will read its configuration from, and what
        named it: the last ``-dir:`` of ``global_args``, else ``PYWIKIBOT_DIR``,
        else the working directory (pywikibot's own order).  Not checked:
        :func:`bot.wiki.connection.pywikibot_folder` checks it."""
        dirs = [a[len("-dir:"):] for a in global_args if a.startswith("-dir:")]
        if dirs:
            return Path(dirs[-1]).expanduser(), "-dir:"
        if self.pywikibot_dir is not None:
            return self.pywikibot_dir, "PYWIKIBOT_DIR"
        return (cwd or Path.cwd()), "the working directory"

    @property
    def state_dir(self) -> Path:
        """Where the bot keeps its state between runs (the tick's cache): the pywikibot folder."""
        return self.pywikibot_dir or Path(".")
