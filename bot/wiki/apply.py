"""Apply a plan of edits to the wiki, safely, and say what happened to each page.

The plan was computed from pages read in one batch.  Here each edit, in plan
order:

* is skipped if an edit it depends on was not done (a mark never points to
  notes that are not there);
* is refused if its title is outside the configured prefixes;
* is not saved if the new text equals the current text (so a second run makes
  no edit at all);
* is saved only while the shutoff page says the word (``Wiki.save`` checks it
  again before each write);
* on an edit conflict, is recomputed on the page's new text and saved again,
  up to the configured number of times;
* if the wiki stops answering (a :class:`~bot.errors.WikiError` from a read
  or a check before the save, after pywikibot's own retries), is "failed",
  and the edits after it are "skipped" without a request: the report still
  says which pages were saved before, and the run ends at once, with exit
  code 1, instead of waiting through the retries of every remaining edit;
* past the run's deadline (``run_budget_seconds``, :mod:`bot.wiki.budget`),
  is not started: it and the edits after it are "skipped", listed in the
  log, and the next run, whose plan still holds them, does them.

With ``-simulate`` nothing is saved: the diff of each edit is shown (on
stdout, and in the log file: :func:`bot.logs.output`).
Without ``-always`` (a run by hand), each save first shows its diff and asks,
as every pywikibot script does (``BaseBot.userPut``): yes saves it, no skips
it, all saves it and the rest without asking, quit saves nothing more.
"""

from __future__ import annotations

import difflib
import sys
from dataclasses import dataclass, field
from typing import Callable

from bot import logs
from bot.errors import OutOfTime, WikiError
from bot.model import EditStatus, SaveStatus
from bot.publish.plan import Delivery, Edit, PageChanged, Plan


@dataclass
class Outcome:
    """What happened to one page."""

    title: str
    kind: str
    status: EditStatus
    detail: str = ""
    revid: int | None = None
    url: str = ""
    waits_for: str = ""
    """For a page 'skipped' because an edit it depends on was not done: that edit's title."""

    def __post_init__(self) -> None:
        self.status = EditStatus(self.status)

    @property
    def ok(self) -> bool:
        return self.status in (*_DONE, EditStatus.DECLINED)


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)

    @property
    def edits(self) -> int:
        return sum(o.status.saved for o in self.outcomes)

    @property
    def refused(self) -> list[Outcome]:
        """The pages the wiki or its community refused the bot ({{nobots}}, a
        protection, a filter, a title outside the prefixes), and the pages
        skipped only because they wait for one of those."""
        out: list[Outcome] = []
        titles: set[str] = set()
        for o in self.outcomes:
            if o.status == EditStatus.REFUSED or (o.status == EditStatus.SKIPPED and o.waits_for in titles):
                out.append(o)
                titles.add(o.title)
        return out

    @property
    def did_its_job(self) -> bool:
        """Every page is as the plan wants it, or was refused (:attr:`refused`):
        running again would change nothing, so a scheduled run counts it as
        done and reports the refusals on the status page (an exit code of 1,
        retried and mailed by Toolforge, would only repeat the refusal).  A
        failed save, a page left for lack of time or of an answer from the
        wiki, is not done."""
        refused = {id(o) for o in self.refused}
        return all(o.ok or id(o) in refused for o in self.outcomes)

    def table(self) -> str:
        rows = [(o.title, o.status, o.detail or o.url) for o in self.outcomes]
        header = ("page", "result", "detail")
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(2)]
        out = []
        for row in [header, *rows]:
            out.append(f"{row[0].ljust(widths[0])}  {row[1].ljust(widths[1])}  {row[2]}".rstrip())
        return "\n".join(out)


def job_code(code: int, reports: list[Report]) -> int:
    """The exit code of a scheduled run's step that returned ``code`` after
    making ``reports``: 0 where its 1 only says that pages were refused (see
    :attr:`Report.did_its_job`); anything else as it is."""
    if code == 1 and reports and all(r.did_its_job for r in reports):
        return 0
    return code


def refusals(reports: list[Report]) -> str:
    """The refused pages of ``reports`` in one line, for the status page ('' if none)."""
    pages = [f"[[{o.title}]] ({o.detail})" if o.detail else f"[[{o.title}]]"
             for r in reports for o in r.refused]
    return f"refused: {'; '.join(pages)}" if pages else ""


def diff(title: str, old: str, new: str, colour: bool) -> str:
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), f"{title} (now)",
                                 f"{title} (after)", lineterm="", n=2)
    out = []
    for line in lines:
        if colour and line.startswith("+") and not line.startswith("+++"):
            line = f"\x1b[32m{line}\x1b[0m"
        elif colour and line.startswith("-") and not line.startswith("---"):
            line = f"\x1b[31m{line}\x1b[0m"
        out.append(line)
    return "\n".join(out)


def same_text(a: str, b: str) -> bool:
    """MediaWiki trims trailing white space on save: texts that differ only
    there are the same page."""
    return a.rstrip() == b.rstrip()


class _Quit(Exception):
    """The person said quit: nothing more is saved."""


@dataclass
class _Asker:
    """Asks before each save until told 'all' (``confirm`` is ``Wiki.confirm``)."""

    confirm: Callable[[str, str, str], str] | None
    always: bool = False

    def may_save(self, title: str, old: str, new: str) -> bool:
        if self.confirm is None or self.always:
            return True
        choice = self.confirm(title, old, new)
        if choice == "q":
            raise _Quit()
        if choice == "a":
            self.always = True
        return choice in ("y", "a")


def apply_plan(plan: Plan, wiki, *, allowed: Callable[[str], bool], simulate: bool, max_retries: int,
               out: Callable[[str], None] | None = None, ask: bool = False) -> Report:
    """Apply the settled edits of ``plan`` (see the module docstring), each over
    the page as the plan read it.  The diffs of ``-simulate`` go to ``out``,
    by default :func:`bot.logs.output` (stdout and the log file); coloured
    when the ``sys.stdout`` of the moment is a terminal."""
    out = logs.output if out is None else out
    report = Report(notices=list(plan.notices))
    edits = plan.edits
    # Then the MassMessage requests, then the edits that record what was done
    # (each over its page as it is then: an edit before may have saved it).
    steps = [*edits, *plan.deliveries, *plan.afterwards]
    done: dict[str, bool] = {}
    applied: set[str] = set()
    """Titles (and delivery lists) saved, or found done, in this run: what a
    request or a record waits for (a page the person declined is not done)."""
    colour = out is logs.output and sys.stdout.isatty()
    asker = _Asker(wiki.confirm if ask and not simulate else None)
    progress = _Progress(wiki, len(steps))
    try:
        _apply_steps(plan, wiki, report, steps, done, applied, allowed=allowed, simulate=simulate,
                     max_retries=max_retries, out=out, colour=colour, asker=asker, progress=progress)
    except KeyboardInterrupt:
        _interrupted(report, steps, progress)
        raise
    for title, kind, why in plan.refusals:
        report.outcomes.append(Outcome(title, kind, EditStatus.REFUSED, why))
    return report


@dataclass
class _Progress:
    """Says which save is under way ("page N of M") and how long the edit
    throttle makes it wait, so that a publish at Meta's pace is not silent."""

    wiki: object
    total: int
    position: int = 0
    saving: str = ""

    def saving_now(self, title: str) -> None:
        self.saving = title
        wait = _throttle_wait(self.wiki)
        logs.get_logger("apply").info(
            "saving page %d of %d: [[%s]]%s", self.position + 1, self.total, title,
            f" (the edit throttle waits {wait:.0f} s first)" if wait >= 1 else "", extra=logs.PLAIN)


def _throttle_wait(wiki) -> float:
    """How long pywikibot's throttle will wait before the next write
    (``Throttle.waittime``), 0 if the wiki has none."""
    throttle = getattr(getattr(wiki, "site", None), "throttle", None)
    try:
        return float(throttle.waittime(write=True)) if throttle is not None else 0.0
    except Exception:  # pragma: no cover - a throttle of another shape: say nothing
        return 0.0


def _interrupted(report: Report, steps: list, progress: _Progress) -> None:
    """Ctrl-C: say what was saved and what was not, then let it end the run."""
    done_titles = {o.title for o in report.outcomes}
    for edit in steps[progress.position:]:
        if edit.title in done_titles:
            continue
        why = ("interrupted while saving it: look at the page (the wiki may have saved it)"
               if edit.title == progress.saving else "not saved: interrupted (Ctrl-C)")
        report.outcomes.append(Outcome(edit.title, edit.kind, EditStatus.SKIPPED, why))
    saved = sum(o.status.saved for o in report.outcomes)
    logs.get_logger("apply").warning("interrupted: %d page(s) saved, %d not saved\n%s", saved,
                                     sum(o.status == EditStatus.SKIPPED for o in report.outcomes), report.table(),
                                     extra=logs.PLAIN)


def _apply_steps(plan: Plan, wiki, report: Report, steps: list, done: dict[str, bool], applied: set[str], *,
                 allowed, simulate: bool, max_retries: int, out, colour: bool, asker: "_Asker",
                 progress: _Progress) -> None:
    edits = plan.edits
    for position, edit in enumerate(steps):
        progress.position, progress.saving = position, ""
        if getattr(wiki, "out_of_time", None) and wiki.out_of_time():
            _out_of_time(report, steps[position:], wiki.budget.message())
            break
        if isinstance(edit, Delivery):
            outcome = _deliver(edit, wiki, applied, simulate=simulate, out=out)
            report.outcomes.append(outcome)
            if outcome.status in _DONE:
                applied.add(edit.title)
            continue
        afterwards = position >= len(edits) + len(plan.deliveries)
        missing = [d for d in edit.depends_on if (d not in applied if afterwards else done.get(d) is False)]
        if missing:
            report.outcomes.append(Outcome(edit.title, edit.kind, EditStatus.SKIPPED,
                                           f"waits for [[{missing[0]}]]", waits_for=missing[0]))
            done[edit.title] = False
            continue
        if not allowed(edit.title):
            report.outcomes.append(Outcome(edit.title, edit.kind, EditStatus.REFUSED,
                                           "outside the allowed prefixes of the configuration"))
            done[edit.title] = False
            continue
        try:
            state = wiki.read([edit.title])[edit.title] if afterwards else edit.base
            outcome = _apply_one(edit, wiki, state, simulate=simulate, max_retries=max_retries, out=out,
                                 colour=colour, asker=asker, progress=progress)
        except OutOfTime as e:
            _out_of_time(report, steps[position:], str(e))
            break
        except _Quit:
            for rest in steps[position:]:
                report.outcomes.append(Outcome(rest.title, rest.kind, EditStatus.SKIPPED, "not saved: you chose quit"))
            break
        except PageChanged as e:
            report.outcomes.append(Outcome(edit.title, edit.kind, EditStatus.FAILED, str(e)))
            done[edit.title] = False
            continue
        except WikiError as e:
            report.outcomes.append(Outcome(edit.title, edit.kind, EditStatus.FAILED, logs.redact(str(e))))
            for rest in steps[position + 1:]:
                report.outcomes.append(Outcome(rest.title, rest.kind, EditStatus.SKIPPED,
                                               "not tried: the wiki stopped answering"))
            break
        report.outcomes.append(outcome)
        done[edit.title] = outcome.ok
        if outcome.status in _DONE:
            applied.add(edit.title)
    progress.position = len(steps)


_DONE = (EditStatus.CREATED, EditStatus.UPDATED, EditStatus.UNCHANGED, EditStatus.WOULD_CREATE,
         EditStatus.WOULD_UPDATE)
"""Outcomes of a page that is as the plan wants it (or would be, with ``-simulate``)."""


def _out_of_time(report: Report, rest: list[Edit], why: str) -> None:
    """The run's deadline passed before ``rest``: list them, start none."""
    for edit in rest:
        report.outcomes.append(Outcome(edit.title, edit.kind, EditStatus.SKIPPED,
                                       "not started: the run's time budget is spent; the next run does it"))
    logs.get_logger("apply").warning("%s: %d edit(s) not started, for the next run: %s", why, len(rest),
                                     ", ".join(f"[[{e.title}]]" for e in rest))


def _deliver(delivery, wiki, applied: set[str], *, simulate: bool, out) -> Outcome:
    """One MassMessage request, only once the edits it depends on were saved
    or found done (its record among them); with ``-simulate``, the request
    it would send."""
    title = delivery.delivery_list
    missing = [d for d in delivery.depends_on if d not in applied]
    if missing:
        return Outcome(title, "announcement", EditStatus.SKIPPED, f"waits for [[{missing[0]}]]")
    if simulate:
        out(f"MassMessage request: {dict(delivery.params)}")
        return Outcome(title, "announcement", EditStatus.WOULD_UPDATE, "MassMessage")
    try:
        result = wiki.massmessage(dict(delivery.params))
    except WikiError as e:
        return Outcome(title, "announcement", EditStatus.FAILED, logs.redact(str(e)))
    if result.ok:
        return Outcome(title, "announcement", EditStatus.UPDATED, "sent with MassMessage")
    return Outcome(title, "announcement", result.status, result.message)


def _apply_one(edit: Edit, wiki, state, *, simulate, max_retries, out, colour, asker: _Asker,
               progress: _Progress | None = None) -> Outcome:
    if not state.bots_allowed:
        return Outcome(edit.title, edit.kind, EditStatus.REFUSED,
                       "{{nobots}} or {{bots}} on the page excludes this bot")
    if state.redirect_target:
        return Outcome(edit.title, edit.kind, EditStatus.REFUSED,
                       f"the page is a redirect to [[{state.redirect_target}]]")
    for attempt in range(max_retries + 1):
        new = edit.text_for(state)
        if (state.exists and same_text(new, state.text)) or (not state.exists and not new.strip()):
            return Outcome(edit.title, edit.kind, EditStatus.UNCHANGED,
                           url=wiki.page_url(edit.title) if state.exists else "")
        if simulate:
            out(diff(edit.title, state.text, new, colour))
            return Outcome(edit.title, edit.kind, EditStatus.WOULD_UPDATE if state.exists else EditStatus.WOULD_CREATE)
        if not asker.may_save(edit.title, state.text, new):
            return Outcome(edit.title, edit.kind, EditStatus.DECLINED, "not saved: you chose no")
        if progress is not None:
            progress.saving_now(edit.title)
        if edit.new_section is not None:
            result = wiki.save(state, edit.new_section[1], edit.summary, new_section=edit.new_section[0])
        else:
            result = wiki.save(state, new, edit.summary)
        if result.status == SaveStatus.CONFLICT and result.state is not None:
            state = result.state
            if not state.bots_allowed:
                return Outcome(edit.title, edit.kind, EditStatus.REFUSED, "{{nobots}} was added to the page")
            continue
        if result.ok:
            status = {SaveStatus.SAVED: EditStatus.UPDATED}.get(result.status, result.status)
            url = wiki.revision_url(result.revid) if result.revid else wiki.page_url(edit.title)
            return Outcome(edit.title, edit.kind, status, revid=result.revid, url=url)
        return Outcome(edit.title, edit.kind, result.status, result.message)
    return Outcome(edit.title, edit.kind, EditStatus.FAILED,
                   f"still in conflict after {max_retries + 1} tries: somebody keeps editing it; try again later")
