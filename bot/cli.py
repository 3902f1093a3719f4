"""The ``notesbot`` command: a thin layer over the pipeline.

Two kinds of options, as in every pywikibot script: pywikibot's global
options, with one dash (``-simulate``, ``-site:meta``, ``-user:X``,
``-dir:PATH``, ``-debug``…), and the command's own, with two dashes.  The
global ones go to ``pywikibot.handle_args`` as an explicit list (never
``sys.argv``); the rest to argparse.  A mistake in either is a one-line
message and exit code 2, never a traceback.

Exit codes: 0 done; 1 some page refused or failed; 2 bad usage or
configuration; 3 stopped by the shutoff page, a block or a lost login.
``notesbot run`` (the scheduled tick) counts refused pages as done (0): it
lists them on the status page, and Toolforge's ``retry``/``emails`` are for
runs that could not do their job (``toolforge/jobs.yaml``).

``-help`` (pywikibot's spelling), ``-h`` and ``--help`` print the help and
exit 0, as every pywikibot script does; so does ``notesbot help``.
"""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path
from typing import Sequence

from bot import config as config_mod
from bot import logs
from bot.config import RunOptions
from bot.environment import Environment
from bot.errors import NotesbotError, UsageError

#: Global options every sub-command takes (pywikibot's, with one dash).
GLOBAL_HELP = """\
pywikibot global options (one dash, before or after the command):
  -simulate          show what would be saved, save nothing
  -always            do not ask before saving (for scheduled runs)
  -site:FAMILY:CODE  the wiki (default: user-config.py's family and mylang)
  -user:NAME         the account to log in as
  -dir:PATH          the pywikibot directory (user-config.py, user-password.cfg)
  -debug, -verbose   more detail in the log (secrets are never logged)
  and the other global options of pywikibot (-maxlag:N, -putthrottle:N, -nolog...)

exit codes: 0 done, 1 some page refused or failed, 2 bad usage or configuration,
3 stopped by the shutoff page, a block or a lost login; `notesbot run` exits 0
when it only reports refused pages (on the status page)"""

#: One-dash options that are the bot's own, not pywikibot's (as in basic.py).
BOT_OPTIONS = {"-always"}

#: What asks for the help: pywikibot's ``-help`` and argparse's own.
HELP_OPTIONS = {"-help", "-h", "--help"}


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see '{self.prog} --help')")


def split_args(argv: Sequence[str]) -> tuple[list[str], list[str], set[str]]:
    """Split the command line into pywikibot global options, the command's
    own arguments, and the bot's one-dash options (``-always``)."""
    global_args, own, bot_opts = [], [], set()
    for arg in argv:
        if arg in BOT_OPTIONS:
            bot_opts.add(arg)
        elif arg.startswith("-") and not arg.startswith("--") and arg[1:2].isalpha() and arg != "-h":
            global_args.append(arg)
        else:
            own.append(arg)
    return global_args, own, bot_opts


def _count(value: str) -> int:
    """A whole number written in ASCII digits (``int`` would also take ``٣``)."""
    if not value.isascii() or not value.strip().isdigit():
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number (0-9)")
    return int(value)


def _channel(value: str) -> str:
    """One of the channels the import reads: :data:`bot.harvest.channels.CHANNELS`,
    the one list of them, imported only when ``--channel`` is given (the
    readers cost a third of the start-up, which ``--help`` must not pay)."""
    from bot.harvest.channels import CHANNELS

    if value not in CHANNELS:
        raise argparse.ArgumentTypeError(f"invalid choice: {value!r} (choose from {', '.join(CHANNELS)})")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="notesbot",
        description="Harvests the questions submitted for a Conversation Hour, compiles the "
                    "notes draft and the notes, and publishes them on the wiki with their "
                    "cross-links.",
        epilog=GLOBAL_HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--config", metavar="FILE",
                        help="local configuration file (default: $NOTESBOT_CONFIG or ./notesbot.json)")
    parser.add_argument("--series", metavar="NAME", help="the series to work on (default: the first)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help, description=help, epilog=GLOBAL_HELP,
                              formatter_class=argparse.RawDescriptionHelpFormatter)

    p = command("harvest", "Read the questions from a questions page (a file, or a page on the wiki).")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--file", metavar="PAGE.wiki", help="harvest a wikitext file (offline)")
    src.add_argument("--page", metavar="TITLE", help="harvest a page on the wiki")
    src.add_argument("--session", metavar="DATE_OR_TITLE", help="harvest a session's questions page on the wiki")
    p.add_argument("--json", action="store_true", help="print a JSON array instead of a table")
    p.add_argument("--lang", metavar="CODE", default="en",
                   help="with --file: the wiki's content language, for its namespace names, month names and "
                        "date formats (default: en, as on Meta-wiki); on the wiki the site's own are used")
    p.add_argument("--to-draft", action="store_true",
                   help="with --session: add the new questions to the session's notes draft")

    p = command("compile", "Turn questions into a draft, or a filled draft into notes (offline).")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--questions", metavar="QUESTIONS.json", help="harvested questions: print the draft")
    src.add_argument("--draft", metavar="DRAFT.wiki", help="a filled draft: print the notes")
    p.add_argument("--style", help="template set (default: the series' style)")
    p.add_argument("--template", metavar="DIR_OR_PAGE",
                   help="a folder of template files, or an on-wiki page prefix, that overrides the style's")
    p.add_argument("--session", metavar="DATE_OR_TITLE",
                   help="the session the draft belongs to (default: the one its status box names)")
    p.add_argument("--translate", action="store_true", help="add translation markup to the notes")

    p = command("import", "Add the questions of saved chats (Zoom, YouTube, Telegram, IRC) and emails to a "
                          "session's draft, and answers proposed from the recording's transcript (WebVTT, SRT).")
    p.add_argument("session", metavar="SESSION", help="the session: a date (YYYY-MM-DD) or a page title")
    p.add_argument("files", metavar="FILE", nargs="+",
                   help="a saved Zoom chat (.txt), a YouTube chat replay (chat-downloader's JSON or JSON lines), "
                        "a Telegram export (result.json), an IRC log (irssi, WeeChat, ZNC, MeetBot), a transcript "
                        "(Zoom's or YouTube's .vtt, .srt), an email (.eml), a folder of them, or an mbox")
    p.add_argument("--channel", type=_channel, metavar="CHANNEL",
                   help="the files' channel (default: guessed from each file; a wrong one lists them)")
    p.add_argument("--verbose", action="store_true",
                   help="list every message left out, and why, so that staff can add it by hand")
    p.add_argument("--recording", metavar="URL",
                   help="the recording a transcript (.vtt, .srt) belongs to: each proposed answer links to its "
                        "moment (t=SECONDS); default: the draft box's recording=")

    p = command("publish", "Publish a session's notes, index line, navigation and answered marks.")
    p.add_argument("session", metavar="SESSION", help="the session: a date (YYYY-MM-DD) or a page title")
    p.add_argument("--force", action="store_true",
                   help="publish even if the draft is not 'ready' or the session has not started")

    p = command("check", "List every problem of a notes draft with its line (exit 1 if one would lose "
                         "text, stall the session or name someone).")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("session", metavar="SESSION", nargs="?", help="a session's draft on the wiki")
    src.add_argument("--draft", metavar="DRAFT.wiki", help="a draft in a file (offline)")

    p = command("run", "One tick: do what each session needs now, from what is on the wiki.")
    p.add_argument("--now", metavar="ISO_TIME", help="pretend the time is this (for tests and dry runs)")

    p = command("schedule", "Run the tick on the configured schedule until stopped (SIGTERM or Ctrl-C).")
    p.add_argument("--cron", metavar="EXPR", help="cron expression overriding the configuration")
    p.add_argument("--max-ticks", type=_count, metavar="N", help="stop after N ticks")

    p = command("new-session", "Create a session page and its questions page, and link it in the series.")
    p.add_argument("date", metavar="DATE", help="YYYY-MM-DD")
    p.add_argument("--time", metavar="HH:MM", help="start time in UTC (default: the series' time)")

    p = command("status", "Show each session's state and the last run, as on the status page.")
    p.add_argument("--now", metavar="ISO_TIME", help="the states at this time (default: now)")

    p = command("ical", "Print the series' sessions as an iCalendar (RFC 5545) feed, upcoming and past.")
    p.add_argument("--output", metavar="FILE", help="write the feed to FILE (atomically) instead of printing it")
    parser.command_names = set(sub.choices)  # type: ignore[attr-defined]
    return parser


def dispatch(args: argparse.Namespace, options: RunOptions, env: Environment) -> int:
    """Call the sub-command with typed values: the ``Namespace`` ends here.
    The commands are imported only when they run: help and the offline
    commands never import pywikibot."""
    from bot import commands

    name = args.command
    if name == "harvest":
        if args.file:
            return commands.harvest_file(options, env, args.file, as_json=args.json, lang=args.lang)
        return commands.harvest_page(options, env, page=args.page, session=args.session,
                                     to_draft=args.to_draft, as_json=args.json)
    if name == "compile":
        return commands.compile(options, env, questions=args.questions, draft=args.draft, style=args.style,
                                template_dir=args.template, session=args.session, translate=args.translate)
    if name == "import":
        return commands.import_files(options, env, session=args.session, files=args.files, channel=args.channel,
                                     verbose=args.verbose, recording=args.recording)
    if name == "publish":
        return commands.publish(options, env, session=args.session, force=args.force)
    if name == "check":
        return commands.check(options, env, session=args.session, draft=args.draft)
    if name == "run":
        return commands.run(options, env, now=args.now)
    if name == "schedule":
        return commands.schedule(options, env, cron=args.cron, max_ticks=args.max_ticks)
    if name == "new-session":
        return commands.new_session(options, env, day=args.date, time=args.time)
    if name == "status":
        return commands.status(options, env, now=args.now)
    if name == "ical":
        return commands.ical(options, env, output=args.output)
    raise AssertionError(f"unknown command {name!r}")  # pragma: no cover - argparse knows the commands


def main(argv: Sequence[str] | None = None) -> int:
    """Every line goes through logging (:mod:`bot.logs`): a user error is one
    ``notesbot: …`` line on stderr, a bug one line there and its traceback in
    the log file, all of them redacted."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    env = Environment.read()
    log = logs.get_logger()
    try:
        if any(a in HELP_OPTIONS for a in argv) or argv[:1] == ["help"]:
            # pywikibot's -help, anywhere on the line: the help of the
            # command it follows (or of notesbot), exit 0.
            own = [a for a in split_args(argv)[1] if a not in HELP_OPTIONS and a != "help"]
            command = own[:1] if own[:1] and own[0] in parser.command_names else []
            try:
                parser.parse_args([*command, "--help"])  # prints the help, exits 0
            except SystemExit as e:
                return int(e.code or 0)
        global_args, own, bot_opts = split_args(argv)
        logs.setup(env.log_file, debug=any(a == "-debug" or a.startswith("-debug:") for a in global_args),
                   secrets=env.secrets)
        # The password file's secrets, before anything can fail: pywikibot's
        # configuration registers them too, but only once it is read.
        logs.register_secrets_from_password_file(env.pywikibot_folder(global_args)[0] / "user-password.cfg")
        args = parser.parse_args(own)
        if not args.command:
            parser.print_help(sys.stderr)
            return 2
        options = RunOptions(config_file=Path(args.config) if args.config else None, series=args.series,
                             pywikibot_args=tuple(global_args), always="-always" in bot_opts)
        # The log file's rotation is a local setting (the on-wiki page may
        # not set it): the local configuration alone decides it.
        local = config_mod.load(options.config_file, environment=env)
        logs.set_rotation(local.log_file_max_bytes, local.log_file_backups)
        return dispatch(args, options, env)
    except NotesbotError as e:
        log.error("%s", e, extra=logs.PLAIN)
        return e.exit_code
    except KeyboardInterrupt:
        log.error("interrupted", extra=logs.PLAIN)
        return 130
    except Exception as e:  # a bug: one line here, the traceback in the log
        where = logs.record_crash(e)
        # Redacted before it is cut short: a secret cut in two would not be recognised.
        text = " ".join(logs.redact(str(e)).split())[:200]
        log.error("internal error (a bug in notesbot, not in what you typed): %s: %s; the traceback is in %s",
                  type(e).__name__, text, where, extra=logs.PLAIN)
        return 1


def program() -> int:
    """The ``notesbot`` command: :func:`main`, then :func:`gc.freeze`.

    The interpreter's last garbage collection at exit walks every object the
    run made (the imports, the language facts, the pages): 0.09 s of a 1.1 s
    publish, measured with ``benchmarks/publish.py``.  Nothing left then needs
    it: the log is flushed and closed by :mod:`logging`'s own exit handler
    and pywikibot's by its own, and the operating system takes the rest.  Not
    in :func:`main`, which the tests call many times in one process."""
    status = main()
    gc.freeze()
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(program())
