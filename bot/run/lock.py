"""One writer at a time.

The API does not report an edit conflict between two edits of the same
account, so two runs of the bot at once could overwrite each other.  Every
command that writes takes this lock first: the scheduler's tick, a manual
``publish`` or ``new-session``.  It is an advisory ``flock`` on a file, so it is
released by the kernel when the process dies: a killed run never leaves a
stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from bot.environment import Environment
from bot.errors import LockBusy


def lock_path(configured: str | None, environment: Environment) -> Path:
    """The lock file: the configured one, else ``notesbot.lock`` in
    ``$NOTESBOT_LOCK_DIR``, else in the pywikibot folder."""
    if configured:
        return Path(configured)
    return (environment.lock_dir or environment.state_dir) / "notesbot.lock"


@contextmanager
def writer_lock(path: Path, wait: float = 0.0) -> Iterator[None]:
    """Hold the lock, waiting up to ``wait`` seconds for another run to finish;
    raise :class:`LockBusy` with a clear message if it does not."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "another run"
                    raise LockBusy(f"another run of notesbot is writing (pid {holder}); "
                                   f"try again when it has finished (lock: {path})") from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)
