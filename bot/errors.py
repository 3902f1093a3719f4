"""The errors a run can end with, each tied to the exit code the issues promise.

0 done; 1 some page refused or failed; 2 bad usage or configuration; 3 stopped
by the shutoff page, a block or a lost login.  Each carries a one-line message
meant for a person: the CLI prints it, never a traceback.
"""

from __future__ import annotations


class NotesbotError(Exception):
    """Base of the errors the CLI turns into a message and an exit code."""

    exit_code = 1


class UsageError(NotesbotError):
    """Bad command line, bad input file or bad configuration (exit 2)."""

    exit_code = 2


class ConfigError(UsageError, ValueError):
    """A configuration that cannot be used; the message names the key."""


class StopRun(NotesbotError):
    """The wiki or its community told the bot to stop: the shutoff page,
    a block, or a lost login (exit 3).  No further edit is made."""

    exit_code = 3


class WikiError(NotesbotError):
    """The wiki could not be reached or answered in a way the bot cannot use (exit 1)."""

    exit_code = 1


class OutOfTime(WikiError):
    """The run's time budget is spent (``run_budget_seconds``): no new request
    starts; the next run does the rest (exit 1)."""


class LockBusy(NotesbotError):
    """Another run of the bot holds the lock (exit 1)."""

    exit_code = 1


class Refused(NotesbotError):
    """The bot refused to do what was asked, and said why (exit 1): a draft that
    would lose text, a manual publish of a draft not ready."""

    exit_code = 1
