"""``notesbot schedule``: the tick on a schedule, in-process, for anywhere but Toolforge.

On Toolforge the jobs framework starts ``notesbot run`` (``toolforge/jobs.yaml``).
Elsewhere this runs the same tick with APScheduler: a ``BlockingScheduler``
with a ``CronTrigger`` from the configuration, one instance at a time
(``max_instances=1``), missed runs folded into one (``coalesce=True``) and
an explicit ``misfire_grace_time``.  SIGTERM or Ctrl-C stops it cleanly,
after the tick in progress.  Each tick takes the writers' lock, so it never
overlaps with a manual ``publish``.
"""

from __future__ import annotations

import signal
import threading
from datetime import datetime, timezone
from typing import Callable

from bot import logs
from bot.errors import NotesbotError, UsageError

MISFIRE_GRACE_SECONDS = 300

log = logs.get_logger("schedule")

#: The scheduler's own lines start ``notesbot schedule: `` on stderr.
_OWN = {"notesbot_prefix": "notesbot schedule"}


def trigger_from(expr: str):
    """A CronTrigger from five fields (minute hour day month weekday) or six
    (second first), in UTC."""
    from apscheduler.triggers.cron import CronTrigger

    fields = expr.split()
    names = ["minute", "hour", "day", "month", "day_of_week"]
    if len(fields) == 6:
        names = ["second", *names]
    if len(fields) != len(names):
        raise UsageError(f"schedule: {expr!r} is not a cron expression of 5 fields (or 6, with seconds)")
    try:
        return CronTrigger(timezone=timezone.utc, **dict(zip(names, fields)))
    except ValueError as e:
        raise UsageError(f"schedule: {expr!r}: {e}") from None


def run_schedule(expr: str, tick: Callable[[], int], *, max_ticks: int | None = None) -> int:
    """Run ``tick`` (one tick, returning its exit code) on the cron schedule
    ``expr`` until SIGTERM, Ctrl-C or ``max_ticks`` ticks; the worst exit code."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    trigger = trigger_from(expr)
    scheduler = BlockingScheduler(timezone=timezone.utc)
    state = {"ticks": 0, "exit": 0}

    def one_tick() -> None:
        state["ticks"] += 1
        started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        log.info("tick %d at %s UTC", state["ticks"], started, extra=_OWN)
        try:
            code = tick()
        except NotesbotError as e:  # StopRun among them
            log.error("%s", e, extra=logs.PLAIN)
            code = e.exit_code
        except Exception as e:  # a tick must never end the scheduler
            # A bug: one line here, its traceback in the log file; both redacted.
            where = logs.record_crash(e, "tick failed")
            log.error("tick failed: %s: %s; the traceback is in %s", type(e).__name__,
                      " ".join(logs.redact(str(e)).split())[:200], where, extra=logs.PLAIN)
            code = 1
        state["exit"] = max(state["exit"], code) if code != 3 else 3
        if max_ticks and state["ticks"] >= max_ticks:
            scheduler.shutdown(wait=False)

    scheduler.add_job(one_tick, trigger, id="tick", max_instances=1, coalesce=True,
                      misfire_grace_time=MISFIRE_GRACE_SECONDS)

    def stop(signum, frame) -> None:
        log.info("%s: stopping after the tick in progress", signal.Signals(signum).name, extra=_OWN)
        # Not in the handler itself: the signal may land while the main thread
        # holds the executor's lock (inside submit), which shutdown needs too.
        threading.Thread(target=scheduler.shutdown, kwargs={"wait": False}, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("next tick at %s", trigger.get_next_fire_time(None, datetime.now(timezone.utc)), extra=_OWN)
    scheduler.start()
    log.info("stopped after %d tick(s)", state["ticks"], extra=_OWN)
    return state["exit"] if state["exit"] in (0, 1, 3) else 1
