"""One writer at a time.

The API does not report an edit conflict between two edits of the same
account, so two runs of the bot at once could overwrite each other.  Every
command that writes takes this lock first: the scheduler's tick, a manual
``publish`` or ``new-session``.  It is an advisory ``flock`` on a file, so it is
released by the kernel when the process dies: a killed run never leaves a
stale lock behind.
"""

from __future__ import annotations

import errno
import fcntl
import stat
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from bot.environment import Environment
from bot.errors import LockBusy, UsageError


def open_private(path: Path, flags: int) -> int:
    """``os.open`` for a file that holds the bot's state: never through a
    symbolic link (``O_NOFOLLOW``: in a shared folder, a link planted by
    someone else would make the bot write over their choice of file), created
    readable by its owner only (0600), and a regular file."""
    try:
        fd = os.open(path, flags | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise UsageError(f"{path} is a symbolic link: refused (the bot does not follow links "
                             "for its lock or state files)") from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise UsageError(f"{path} is not a regular file: refused")
    return fd


def lock_path(configured: str | None, environment: Environment) -> Path:
    """The lock file: the configured one, else ``notesbot.lock`` in
    ``$NOTESBOT_LOCK_DIR``, else in the pywikibot folder."""
    if configured:
        return Path(configured)
    return (environment.lock_dir or environment.state_dir) / "notesbot.lock"


def _holder(fd: int) -> str:
    """Who holds the lock, from what it wrote in the file: its pid, its
    command line and since when ("another run" if it wrote nothing)."""
    lines = os.pread(fd, 1024, 0).decode(errors="replace").splitlines()
    if not lines or not lines[0].strip():
        return "another run"
    who = f"pid {lines[0].strip()}"
    if len(lines) > 1 and lines[1].strip():
        who += f", {lines[1].strip()!r}"
    try:
        held = max(0, int(time.time() - float(lines[2])))
        who += f", holding the lock for {held // 60} min {held % 60} s" if held >= 60 else \
            f", holding the lock for {held} s"
    except (IndexError, ValueError):
        pass
    return who


def _command_line() -> str:
    import shlex
    import sys

    args = [os.path.basename(sys.argv[0]) or "notesbot", *sys.argv[1:]]
    return " ".join(shlex.quote(a) for a in args)[:200]


@contextmanager
def writer_lock(path: Path, wait: float = 0.0) -> Iterator[None]:
    """Hold the lock, waiting up to ``wait`` seconds for another run to finish
    (saying so at once, naming that run: its pid, its command and how long it
    has held the lock); raise :class:`LockBusy` with a clear message if it
    does not finish in time.  The holder writes ``pid``, its command line and
    the time it took the lock into the file."""
    from bot import logs

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = open_private(path, os.O_RDWR | os.O_CREAT)
    except OSError as e:  # a folder, a path through a file, no permission
        raise UsageError(f"lock file {path}: cannot open it ({e.strerror or e}): set lock_file, or "
                         "NOTESBOT_LOCK_DIR, to a file the bot may create") from None
    try:
        deadline = time.monotonic() + wait
        said = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockBusy(f"another run of notesbot is writing ({_holder(fd)}); "
                                   f"try again when it has finished (lock: {path})") from None
                if not said:
                    logs.get_logger("lock").warning(
                        "waiting up to %d s for another run of notesbot to finish (%s; lock: %s)",
                        round(wait), _holder(fd), path, extra=logs.PLAIN)
                    said = True
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n{_command_line()}\n{time.time():.3f}\n".encode(), 0)
        yield
    finally:
        os.close(fd)
