"""What each sub-command does: read its inputs, call the pipeline, print a report.

Kept free of parsing (``bot/cli.py``) and of pywikibot (``bot/wiki.py``): each
function wires the pure stages to their inputs and outputs and nothing more.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from bot import config as config_mod
from bot.errors import UsageError
from bot.model import Question, Session

Args = argparse.Namespace


# -- shared ------------------------------------------------------------------

def read_file(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as e:
        raise UsageError(f"{path}: cannot read ({e.strerror})") from None


def offline_config(args: Args) -> config_mod.Config:
    return config_mod.load(args.config)


def pick_series(cfg: config_mod.Config, args: Args) -> config_mod.SeriesConfig:
    return cfg.series_named(args.series) if args.series else cfg.series[0]


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


def reject_global_options(global_args: list[str]) -> None:
    """Offline commands take no wiki options except the harmless ones."""
    harmless = ("-simulate", "-debug", "-verbose", "-v", "-nolog", "-log")
    for arg in global_args:
        if arg.split(":")[0] not in harmless:
            raise UsageError(f"unknown option {arg!r} (see 'notesbot --help')")


# -- harvest -----------------------------------------------------------------

def harvest(args: Args, global_args: list[str], bot_opts: set[str]) -> int:
    from bot import harvest as harvest_mod

    if args.file:
        reject_global_options(global_args)
        cfg = offline_config(args)
        series = pick_series(cfg, args)
        aliases = {**harvest_mod.DEFAULT_TOPIC_ALIASES, **series.topic_aliases}
        result = harvest_mod.harvest(read_file(args.file), aliases, mark_template=series.mark_template)
        source = args.file
    else:
        from bot import online

        if args.to_draft and not args.session:
            raise UsageError("--to-draft goes with --session")
        with online.Context.open(args, global_args, bot_opts, write=args.to_draft) as ctx:
            if args.to_draft:
                return online.harvest_into_draft(ctx, session_for(ctx.series, args.session))
            title = args.page or session_for(ctx.series, args.session).questions_page
            result, source = online.harvest_page(ctx, title)
    for notice in result.notices:
        print(f"notesbot: {source}: {notice}", file=sys.stderr)
    for problem in result.problems:
        print(f"notesbot: {source}: {problem}", file=sys.stderr)
    if args.json:
        json.dump([q.to_json() for q in result.questions], sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print(harvest_mod.format_table(result.questions))
    return 0


# -- compile -----------------------------------------------------------------

def _load_templates(args: Args, series: config_mod.SeriesConfig):
    from bot import templates

    style = args.style or series.style
    override_dir = None
    if args.template:
        override_dir = Path(args.template)
        if not override_dir.is_dir():
            raise UsageError(f"--template {args.template}: no such folder (on-wiki templates are read "
                             f"by the online commands from the series' 'templates' setting)")
    try:
        return templates.load_templates(style, override_dir=override_dir)
    except templates.TemplateError as e:
        raise UsageError(str(e)) from None


def compile(args: Args, global_args: list[str], bot_opts: set[str]) -> int:
    from bot import compile as compile_mod
    from bot import templates

    reject_global_options(global_args)
    cfg = offline_config(args)
    series = pick_series(cfg, args)
    tset = _load_templates(args, series)
    session = session_for(series, args.session) if args.session else series.session(date.today())
    if args.style:
        session.style = args.style
    try:
        if args.questions:
            questions = _read_questions(args.questions)
            out = compile_mod.render_draft(questions, session, tset)
            text, neutralised = out.text, out.neutralised
        else:
            draft = compile_mod.parse_draft(read_file(args.draft))
            for problem in draft.problems:
                print(f"notesbot: {args.draft}: {problem}", file=sys.stderr)
            notes = compile_mod.render_notes(draft, session, tset, translate=args.translate or series.translate,
                                             unanswered_heading=series.unanswered_heading)
            text, neutralised = notes.text, notes.neutralised
    except templates.TemplateError as e:
        raise UsageError(str(e)) from None
    for item in neutralised:
        print(f"notesbot: neutralised: {item}", file=sys.stderr)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


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
        try:
            questions.append(Question.from_json(item))
        except (TypeError, ValueError) as e:
            raise UsageError(f"{path}: item {i}: {e}") from None
    return questions


# -- the online commands -----------------------------------------------------

def publish(args: Args, global_args: list[str], bot_opts: set[str]) -> int:
    from bot import online

    with online.Context.open(args, global_args, bot_opts, write=True) as ctx:
        return online.publish_session(ctx, session_for(ctx.series, args.session))


def new_session(args: Args, global_args: list[str], bot_opts: set[str]) -> int:
    from bot import online

    try:
        day = date.fromisoformat(args.date)
    except ValueError:
        raise UsageError(f"{args.date!r} is not a date (YYYY-MM-DD)") from None
    with online.Context.open(args, global_args, bot_opts, write=True) as ctx:
        return online.new_session(ctx, day, args.time)


def run(args: Args, global_args: list[str], bot_opts: set[str]) -> int:
    from bot import online

    with online.Context.open(args, global_args, bot_opts, write=True) as ctx:
        return online.tick(ctx, now=args.now)


def schedule(args: Args, global_args: list[str], bot_opts: set[str]) -> int:
    from bot import scheduling

    return scheduling.run_schedule(args, global_args, bot_opts)


def status(args: Args, global_args: list[str], bot_opts: set[str]) -> int:
    from bot import online

    with online.Context.open(args, global_args, bot_opts) as ctx:
        return online.show_status(ctx)
