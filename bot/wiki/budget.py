"""The time budget of one run, and pywikibot's retry settings that fit in it.

pywikibot retries every request itself: with its defaults (``max_retries``
15, ``retry_wait`` 5 s doubling up to ``retry_max`` 120 s, a socket timeout
of 6 + 45 s) one request to a wiki that stays down waits about 1,350 s, and
the Toolforge job is stopped at 1,500 s, in the middle of a plan.  So the bot
lowers (never raises) those settings to its own configuration
(``max_retries``, ``retry_wait_seconds``, ``retry_max_seconds``,
``request_timeout_seconds``), which bounds the longest one request can take,
:func:`worst_request_seconds`.

The run's deadline follows: every run ends within ``run_budget_seconds``.
An edit in progress (the check before it, the save, a look after a failed
save: three requests) is always finished; so no new request starts later
than ``run_budget_seconds - 3 x worst request`` after the start.  Past that,
the bot stops between two edits, lists the edits it did not start, and exits
1; the next run finds them still to do and does them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from bot.config import REQUESTS_PER_EDIT, Config, worst_request_seconds


@dataclass(frozen=True)
class RetrySettings:
    """pywikibot's retry settings for one run."""

    max_retries: int
    retry_wait: float
    retry_max: float
    connect_timeout: float
    read_timeout: float

    def worst_request_seconds(self) -> float:
        """The longest one request can take (see :func:`bot.config.worst_request_seconds`)."""
        return worst_request_seconds(self.max_retries, self.retry_wait, self.retry_max,
                                     self.connect_timeout, self.read_timeout)


def limits(config: Config) -> RetrySettings:
    """The bot's configured limits on pywikibot's settings."""
    return RetrySettings(config.max_retries, config.retry_wait_seconds, config.retry_max_seconds,
                         config.request_timeout_seconds, config.request_timeout_seconds)


def lowered(current: RetrySettings, limit: RetrySettings) -> RetrySettings:
    """Each of pywikibot's settings, lowered to the bot's limit where it is higher."""
    return RetrySettings(
        max_retries=min(current.max_retries, limit.max_retries),
        retry_wait=min(current.retry_wait, limit.retry_wait),
        retry_max=min(current.retry_max, limit.retry_max),
        connect_timeout=min(current.connect_timeout, limit.connect_timeout),
        read_timeout=min(current.read_timeout, limit.read_timeout),
    )


@dataclass
class Budget:
    """The run's deadline (monotonic clock), from its start."""

    seconds: float
    worst_request: float
    started: float = field(default_factory=time.monotonic)

    @property
    def last_start(self) -> float:
        """The moment after which no new request starts (an edit in progress is finished)."""
        return self.started + self.seconds - REQUESTS_PER_EDIT * self.worst_request

    def spent(self) -> bool:
        return time.monotonic() >= self.last_start

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def message(self) -> str:
        return (f"the run's time budget is spent ({self.elapsed():.0f} s of run_budget_seconds "
                f"{self.seconds:.0f}, keeping {REQUESTS_PER_EDIT} x {self.worst_request:.0f} s for an edit in "
                "progress)")
