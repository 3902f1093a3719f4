"""What each sub-command does: read its inputs, call the pipeline, print a report.

Each function takes typed values (the CLI ends argparse's ``Namespace``),
wires the pure stages, or the run layer for the wiki, to their inputs and
outputs, and nothing more.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime, timezone
from pathlib import Path

from bot import config as config_mod
from bot import logs
from bot.config import RunOptions
from bot.environment import Environment
from bot.errors import UsageError
from bot.model import Question, Session

log = logs.get_logger("commands")


# -- shared ------------------------------------------------------------------

def read_file(path: str | Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as e:
        raise UsageError(f"{path}: cannot read ({e.strerror})") from None


def pick_series(cfg: config_mod.Config, options: RunOptions) -> config_mod.SeriesConfig:
    return cfg.series_named(options.series) if options.series else cfg.series[0]


def session_for(series: config_mod.SeriesConfig, value: str) -> Session:
    """A session from a date (YYYY-MM-DD) or a session page title."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        day = series.session_date(value)
        if day is None:
            raise UsageError(f"{value!r} is neither a date (YYYY-MM-DD) nor a session title of "
                             f"series {series.name!r} (like {series.session_title_for(date.today())!r})") from None
    return series.session(day)


def reject_global_options(options: RunOptions) -> None:
    """Offline commands take no wiki options except the harmless ones."""
    harmless = ("-simulate", "-debug", "-verbose", "-v", "-nolog", "-log")
    for arg in options.pywikibot_args:
        if arg.split(":")[0] not in harmless:
            raise UsageError(f"unknown option {arg!r} (see 'notesbot --help')")


def parse_moment(value: str | None, option: str = "--now") -> datetime:
    """An ISO 8601 time (UTC unless it says otherwise), or now."""
    if value is None:
        return datetime.now(timezone.utc)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"{option} {value!r}: not a time (ISO 8601, like 2024-07-11T18:00Z)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def print_harvest(result, source: str, as_json: bool) -> None:
    from bot import harvest as harvest_mod

    for notice in result.notices:
        log.info("%s: %s", source, notice)
    for problem in result.problems:
        log.warning("%s: %s", source, problem, extra=logs.PLAIN)
    if as_json:
        # Data for compile --questions, not a message: written as it is, byte
        # for byte (redacting it would change the questions), and not logged.
        sys.stdout.write(json.dumps([q.to_json() for q in result.questions], ensure_ascii=False, indent=1) + "\n")
    else:
        logs.output(harvest_mod.format_table(result.questions))


# -- offline -------------------------------------------------------------------

def harvest_file(options: RunOptions, env: Environment, path: str, *, as_json: bool, lang: str = "en") -> int:
    from bot import harvest as harvest_mod
    from bot import wikifacts
    from bot.publish.series import topic_aliases

    reject_global_options(options)
    try:
        facts = wikifacts.facts_for(lang)
    except KeyError:
        raise UsageError(f"--lang {lang!r}: not a MediaWiki content language (like en, pl, fa)") from None
    series = pick_series(config_mod.load(options.config_file, environment=env), options)
    facts = wikifacts.with_unsigned_templates(facts, series.unsigned_templates)
    result = harvest_mod.harvest(read_file(path), topic_aliases(series), mark_template=series.mark_template,
                                 facts=facts)
    print_harvest(result, path, as_json)
    return 0


def _load_templates(style: str, template_dir: str | None):
    from bot import compile as compile_mod

    override_dir = None
    if template_dir:
        override_dir = Path(template_dir)
        if not override_dir.is_dir():
            raise UsageError(f"--template {template_dir}: no such folder (on-wiki templates are read "
                             f"by the online commands from the series' 'templates' setting)")
    try:
        return compile_mod.load_templates(style, override_dir=override_dir)
    except compile_mod.TemplateError as e:
        raise UsageError(str(e)) from None


def compile(options: RunOptions, env: Environment, *, questions: str | None, draft: str | None,
            style: str | None, template_dir: str | None, session: str | None, translate: bool) -> int:
    from bot import compile as compile_mod

    reject_global_options(options)
    series = pick_series(config_mod.load(options.config_file, environment=env), options)
    tset = _load_templates(style or series.style, template_dir)
    parsed = compile_mod.parse_draft(read_file(draft), series.all_speakers) if draft else None
    if session:
        the_session = session_for(series, session)
    elif parsed is not None and parsed.session:
        the_session = _session_of_box(series, parsed.session, draft)
    else:
        the_session = series.session(date.today())
    if style:
        the_session.style = style
    try:
        if questions:
            out = compile_mod.render_draft(_read_questions(questions), the_session, tset)
            text, neutralised = out.text, out.neutralised
        else:
            for problem in parsed.problems:
                log.warning("%s: %s", draft, problem, extra=logs.PLAIN)
            notes = compile_mod.render_notes(parsed, the_session, tset, translate=translate or series.translate,
                                             unanswered_heading=series.unanswered_heading)
            text, neutralised = notes.text, notes.neutralised
    except compile_mod.TemplateError as e:
        raise UsageError(str(e)) from None
    for item in neutralised:
        log.info("neutralised: %s", item)
    # The draft or the notes: wikitext to save, written as it is (like
    # harvest --json), not a message.
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def _check_question_fields(path: str, i: int, item: dict) -> None:
    """Each field of item ``i`` of the questions file, of its type, and the ids
    of the form the bot gives them, before anything uses them."""
    from bot.compile.draft_writer import _SAFE_ID
    from bot.harvest.question_file import field_problem

    for name, value in item.items():
        problem = field_problem(name, value)
        if problem:
            raise UsageError(f"{path}: item {i}: {problem}")
    for name in ("id", "followup_of"):
        value = item.get(name)
        if isinstance(value, str) and not _SAFE_ID.fullmatch(value):
            raise UsageError(f"{path}: item {i}: {name} {value!r} is not a question id (like q-0123456789)")


def _session_of_box(series: config_mod.SeriesConfig, title: str, path: str) -> Session:
    """The session the draft's status box names (``session = <session page>``)."""
    day = series.session_date(title)
    if day is None:
        raise UsageError(f"{path}: the status box's session {title!r} is not a session page of series "
                         f"{series.name!r}: give --session DATE")
    return series.session(day)


def check(options: RunOptions, env: Environment, *, session: str | None, draft: str | None) -> int:
    """Every problem of a draft with its line; exit 1 when one would lose
    text, stall the session or name someone (see :mod:`bot.compile.check`)."""
    from bot.compile import check as check_mod

    if draft:
        reject_global_options(options)
        series = pick_series(config_mod.load(options.config_file, environment=env), options)
        text, source = read_file(draft), draft
    else:
        from bot.run.context import Context

        with Context.open(options, env) as ctx:
            series = ctx.series
            the_session = session_for(series, session or "")
            page = ctx.wiki.read([the_session.draft_page])[the_session.draft_page]
        if not page.exists:
            raise UsageError(f"[[{the_session.draft_page}]] does not exist: no draft to check")
        text, source = page.text, f"[[{the_session.draft_page}]]"
    findings = check_mod.check_draft(text, series.all_speakers)
    for finding in findings:
        logs.output(f"{source}: {finding}")
    code = check_mod.exit_code(findings)
    if not findings:
        log.info("%s: no problem found", source)
    elif code:
        log.info("%s: %d problem(s), %d that would lose text, stall the session or name someone",
                 source, len(findings), sum(f.blocking for f in findings))
    return code


def _read_questions(path: str) -> list[Question]:
    try:
        data = json.loads(read_file(path))
    except json.JSONDecodeError as e:
        raise UsageError(f"{path}: not valid JSON (line {e.lineno}: {e.msg})") from None
    if not isinstance(data, list):
        raise UsageError(f"{path}: expected a JSON array of questions")
    questions = []
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            raise UsageError(f"{path}: item {i} is not an object")
        _check_question_fields(path, i, item)
        try:
            questions.append(Question.from_json(item))
        except (TypeError, ValueError) as e:
            raise UsageError(f"{path}: item {i}: {e}") from None
    return questions


# -- on the wiki -------------------------------------------------------------------

def harvest_page(options: RunOptions, env: Environment, *, page: str | None, session: str | None,
                 to_draft: bool, as_json: bool) -> int:
    from bot.run import harvesting, reading
    from bot.run.context import Context

    if to_draft and not session:
        raise UsageError("--to-draft goes with --session")
    reads = reading.draft_reads(lambda series: session_for(series, session)) if to_draft else None
    with Context.open(options, env, write=to_draft, reads=reads) as ctx:
        if to_draft:
            return harvesting.harvest_into_draft(ctx, session_for(ctx.series, session))
        title = page or session_for(ctx.series, session).questions_page
        result, source = reading.harvest_page(ctx, title)
    print_harvest(result, source, as_json)
    return 0


def import_files(options: RunOptions, env: Environment, *, session: str, files: list[str],
                 channel: str | None, verbose: bool) -> int:
    """Questions from saved chats and emails into a session's draft.  Every
    file is read before the wiki is: a bad file stops the command (exit 2)
    before anything is written."""
    from bot.harvest import channels
    from bot.run import chat_import, reading
    from bot.run.context import Context

    messages = []
    for name in files:
        try:
            _, found = channels.read_messages(Path(name), channel)
        except channels.ChannelError as e:
            raise UsageError(str(e)) from None
        messages += found
    reads = reading.draft_reads(lambda series: session_for(series, session))
    with Context.open(options, env, write=True, reads=reads) as ctx:
        return chat_import.import_into_draft(ctx, session_for(ctx.series, session), messages, verbose=verbose)


def publish(options: RunOptions, env: Environment, *, session: str, force: bool = False) -> int:
    """Publish by hand: only a draft whose status is ``ready``, of a session
    that has started, unless ``force``."""
    from bot.run import publishing
    from bot.run.context import Context

    reads = publishing.publish_reads(lambda series: session_for(series, session))
    with Context.open(options, env, write=True, reads=reads) as ctx:
        return publishing.publish_session(ctx, session_for(ctx.series, session),
                                          manual_at=None if force else datetime.now(timezone.utc), force=force)


def new_session(options: RunOptions, env: Environment, *, day: str, time: str | None) -> int:
    from bot.run import new_session as starting
    from bot.run.context import Context

    the_day = parse_day(day, "DATE")
    the_time = parse_clock(time) if time is not None else None
    with Context.open(options, env, write=True, reads=starting.new_session_reads(the_day, the_time)) as ctx:
        return starting.new_session(ctx, the_day, the_time)


def parse_day(value: str, what: str = "date") -> date:
    """A real date, YYYY-MM-DD (``2024-02-30`` is not one)."""
    import re

    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip(), re.ASCII):
        raise UsageError(f"{what} {value!r}: expected a date YYYY-MM-DD, like 2025-01-16")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"{what} {value!r}: no such day in the calendar") from None


def parse_clock(value: str, option: str = "--time") -> str:
    """A time of day HH:MM, 00:00 to 23:59 (UTC), as the pages write it."""
    import re

    match = re.fullmatch(r"([01]\d|2[0-3]):([0-5]\d)", value.strip(), re.ASCII)
    if not match:
        raise UsageError(f"{option} {value!r}: expected HH:MM from 00:00 to 23:59 (UTC), like 17:00")
    return match.group()


def run(options: RunOptions, env: Environment, *, now: str | None = None) -> int:
    from bot.run import tick
    from bot.run.context import Context

    moment = parse_moment(now)
    with Context.open(options, env, write=True) as ctx:
        return tick.tick(ctx, moment)


def schedule(options: RunOptions, env: Environment, *, cron: str | None, max_ticks: int | None) -> int:
    from dataclasses import replace

    from bot.run import scheduling

    cfg = config_mod.load(options.config_file, environment=env)
    scheduled = replace(options, always=True)
    return scheduling.run_schedule(cron or cfg.schedule, lambda: run(scheduled, env), max_ticks=max_ticks)


def status(options: RunOptions, env: Environment, *, now: str | None = None) -> int:
    from bot.run import tick
    from bot.run.context import Context

    moment = parse_moment(now)
    with Context.open(options, env) as ctx:
        return tick.show_status(ctx, moment)


def ical(options: RunOptions, env: Environment, *, output: str | None) -> int:
    """Print the series' calendar, or write it to ``output`` atomically (a
    subscriber never reads half a file)."""
    from bot.run import calendar
    from bot.run.context import Context

    with Context.open(options, env) as ctx:
        data = calendar.calendar_feed(ctx)
    if output is None:  # the feed itself, as it is (not a message)
        sys.stdout.write(data.decode("utf-8"))
        return 0
    write_atomically(Path(output), data)
    return 0


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over
    ``path`` (readable by everyone: it is served from the tool's public folder)."""
    import os
    import tempfile

    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as e:
        raise UsageError(f"--output {path}: cannot write in {folder} ({e.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise UsageError(f"--output {path}: cannot write ({e.strerror})") from None
