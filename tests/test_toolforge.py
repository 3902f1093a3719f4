"""``toolforge/jobs.yaml`` is a job definition that ``toolforge jobs load`` accepts.

Checked with the tools Toolforge itself uses, offline:

* PyYAML's ``safe_load`` reads the file, as ``toolforge jobs load`` does
  (``op_load`` in ``jobs_cli/cli.py`` of the ``toolforge-jobs-cli`` package);
* each job then goes through the jobs CLI's own code, as ``op_load`` sends it:
  ``_job_to_arg_parser_args`` turns its keys into ``toolforge jobs run``
  options, ``arg_parser`` parses them (the option table ``RUN_ARGS``: unknown
  keys, choices, types, mutually exclusive options), ``get_api_payload``
  checks the combinations (``--timeout`` only for scheduled jobs, file logs
  need ``mount: all``...) and builds what the jobs API would receive.  Only
  the API call is left out: no Toolforge account or configuration is needed.
  The CLI's warnings (a key it drops, such as ``filelog: "no"``) count as
  errors: the job would not be what the file says.

What the CLI leaves to the jobs API is checked on the one job we have: its
schedule is a 5-field crontab (APScheduler's ``CronTrigger.from_crontab``,
the project's own scheduler), its name a DNS label, its log files plain
names in the tool's home (the API puts a relative path there and does not
expand ``~`` or ``$HOME``).
"""

from __future__ import annotations

import contextlib
import copy
import io
import logging
import re
from pathlib import Path

import pytest
import yaml
from apscheduler.triggers.cron import CronTrigger
from jobs_cli import cli as jobs_cli
from toolforge_weld.errors import ToolforgeUserError

ROOT = Path(__file__).resolve().parent.parent
JOBS_YAML = ROOT / "toolforge" / "jobs.yaml"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def job_errors(job) -> tuple[list[str], dict | None]:
    """What ``toolforge jobs load`` says about one job of the file, and the
    payload it would send to the jobs API (None if it refuses the job)."""
    if not isinstance(job, dict):
        return [f"{job!r} is not a mapping of options"], None
    collect = _Collect()
    logger = logging.getLogger(jobs_cli.__name__)
    logger.addHandler(collect)
    errors: list[str] = []
    payload = None
    stderr = io.StringIO()
    try:
        with contextlib.redirect_stderr(stderr):
            args = jobs_cli.arg_parser(["run", *jobs_cli._job_to_arg_parser_args(job=copy.deepcopy(job))])
            payload = jobs_cli.get_api_payload(args)
    except SystemExit:  # argparse refused it; its message is the last line on stderr
        errors.append(stderr.getvalue().strip().splitlines()[-1].split(" error: ", 1)[-1])
    except ToolforgeUserError as e:
        errors.append(e.message)
    finally:
        logger.removeHandler(collect)
    return collect.messages + errors, payload


def file_errors(jobs) -> list[str]:
    if not isinstance(jobs, list) or not jobs:
        return ["the file is not a list of jobs"]
    errors = []
    names = [job.get("name") if isinstance(job, dict) else None for job in jobs]
    for name in sorted({n for n in names if n is not None and names.count(n) > 1}):
        errors.append(f"job name {name!r} used twice (toolforge jobs load ignores the second)")
    for number, job in enumerate(jobs, start=1):
        name = job.get("name", number) if isinstance(job, dict) else number
        errors += [f"job {name}: {e}" for e in job_errors(job)[0]]
    return errors


# -- the tests ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def jobs() -> list[dict]:
    return yaml.safe_load(JOBS_YAML.read_text(encoding="utf-8"))


def test_toolforge_jobs_load_accepts_the_file(jobs):
    assert file_errors(jobs) == []


def test_the_scheduled_tick(jobs):
    """One job runs ``notesbot run`` from the tool's venv on the python3.11
    image, every 30 minutes off the hour, retried, mailed on failure, logged to
    files in the tool's home: as the jobs API would receive it."""
    runs = [job for job in jobs if re.search(r"/venv/bin/notesbot run\b", job["command"])]
    assert len(runs) == 1, "exactly one job runs the tick"
    errors, job = job_errors(runs[0])
    assert errors == [] and job is not None
    assert job["job_type"] == "scheduled"
    assert re.fullmatch(r"[a-z0-9]([-a-z0-9]{0,50}[a-z0-9])?", job["name"]), "a DNS label"
    assert job["imagename"] == "python3.11"
    assert "-always" in job["cmd"].split(), "a scheduled run cannot answer questions"
    assert "-dir:$HOME/pywikibot" in job["cmd"].split()
    CronTrigger.from_crontab(job["schedule"], timezone="UTC")  # raises on a bad crontab
    minute, hour, day, month, weekday = job["schedule"].split()
    minutes = sorted(int(m) for m in minute.split(","))
    assert (hour, day, month, weekday) == ("*", "*", "*", "*")
    assert len(minutes) == 2 and minutes[1] - minutes[0] == 30, "every 30 minutes"
    assert 0 not in minutes and 30 not in minutes, "not on the hour or the half hour"
    assert job["emails"] == "onfailure"
    assert 1 <= job["retry"] <= 5
    assert 0 < job["timeout"] < 30 * 60, "a tick is stopped before the next one starts"
    assert job["filelog"] is True and job["mount"] == "all"
    for key in ("filelog_stdout", "filelog_stderr"):
        assert re.fullmatch(r"[\w.-]+", job[key]), "a plain file name in the tool's home ('~', '$' not expanded)"
    assert job["filelog_stdout"] != job["filelog_stderr"]


def _mutated(jobs: list[dict], change) -> list[dict]:
    broken = copy.deepcopy(jobs)
    change(broken[0])
    return broken


@pytest.mark.parametrize("change, expected", [
    (lambda j: j.update({"emial": "all"}), "unrecognized arguments: --emial"),
    (lambda j: j.update({"filelog": "no"}), "Invalid key: filelog expects True"),
])
def test_the_check_reports_what_the_cli_refuses_or_drops(jobs, change, expected):
    """The check above can fail: a key the CLI refuses (a typo), and one it
    only warns about and drops (its warnings count as errors here).  Which
    values the jobs CLI accepts is its own business, not tested here."""
    errors = file_errors(_mutated(jobs, change))
    assert any(expected in e for e in errors), errors


def test_two_jobs_with_one_name_are_refused(jobs):
    assert any("used twice" in e for e in file_errors(jobs + copy.deepcopy(jobs)))


@pytest.mark.parametrize("text", ["notesbot-run: {}\n", "- just a string\n", ""])
def test_a_file_that_is_not_a_list_of_jobs_is_refused(text):
    assert file_errors(yaml.safe_load(text)) != []


# -- the Build Service path: Procfile and the lock file -------------------------------

PROCFILE = ROOT / "Procfile"
LOCK = ROOT / "requirements.txt"


@pytest.fixture(scope="module")
def procfile() -> dict[str, str]:
    """The Procfile as a Procfile runner reads it (honcho, Foreman's Python
    clone, whose format the Build Service's buildpacks share)."""
    from honcho.environ import parse_procfile

    return dict(parse_procfile(PROCFILE.read_text(encoding="utf-8")).processes)


def _notesbot_args(command: str) -> list[str]:
    import shlex

    words = shlex.split(command)
    assert words[:3] == ["python", "-m", "bot.cli"], f"{command!r}: runs the bot from the image's source"
    return words[3:]


def test_each_procfile_process_is_a_command_the_bot_accepts(procfile):
    """Each process is a ``notesbot`` command line that the bot's own parser
    takes (its pywikibot options split off as the bot splits them)."""
    from bot import cli

    assert set(procfile) == {"tick", "ical", "try"}
    for name, command in procfile.items():
        global_args, own, bot_opts = cli.split_args(_notesbot_args(command))
        args = cli.build_parser().parse_args(own)
        assert any(a.startswith("-dir:$TOOL_DATA_DIR/") for a in global_args), name
        assert {"tick": "run", "ical": "ical", "try": "run"}[name] == args.command
    assert "-always" in _notesbot_args(procfile["tick"])
    assert "-simulate" in _notesbot_args(procfile["try"]) and "-simulate" not in procfile["tick"]


def test_the_jobs_file_and_the_procfile_run_the_same_commands(jobs, procfile):
    """The jobs file (the venv path) and the Procfile (the Build Service
    path) run the same notesbot commands with the same options."""
    for job in jobs:
        words = job["command"].split()
        assert words[0] == "$HOME/venv/bin/notesbot"
        process = {"run": "tick", "ical": "ical"}[words[1]]
        assert _notesbot_args(procfile[process]) == [
            w.replace("$HOME", "$TOOL_DATA_DIR") for w in words[1:]], process


def test_the_lock_pins_every_dependency_of_pyproject():
    """``requirements.txt`` pins one exact version of each package (as read by
    ``packaging``, pip's own requirement parser), covers every runtime
    dependency of pyproject.toml within its range, and holds nothing else
    than what they need (no test tool in the image)."""
    import tomllib
    from importlib.metadata import PackageNotFoundError, requires

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    pins = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        req = Requirement(line)
        specs = list(req.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", f"{line!r} is not pinned"
        assert canonicalize_name(req.name) not in pins, f"{req.name} pinned twice"
        pins[canonicalize_name(req.name)] = specs[0].version
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [Requirement(r) for r in project["dependencies"]]
    for req in wanted:
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} (pyproject.toml) is not in requirements.txt: run toolforge/lock"
        assert req.specifier.contains(pins[name], prereleases=True), \
            f"{req.name}=={pins[name]} is outside pyproject's {req.specifier}: run toolforge/lock"
    # Everything pinned is needed by something pinned (the closure of the
    # dependencies, as installed here): no stray package.
    needed = {canonicalize_name(r.name) for r in wanted}
    todo = list(needed)
    while todo:
        try:
            deps = requires(todo.pop()) or []
        except PackageNotFoundError:
            continue
        for dep in map(Requirement, deps):
            if dep.marker is None or dep.marker.evaluate({"extra": ""}):
                name = canonicalize_name(dep.name)
                if name not in needed:
                    needed.add(name)
                    todo.append(name)
    assert set(pins) <= needed, f"not needed by the bot: {sorted(set(pins) - needed)}"
    assert (ROOT / ".python-version").read_text().strip() == "3.11", "the image's Python, as jobs.yaml's"


def _readme_jobs() -> list[list[str]]:
    import shlex

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### With the Build Service", 1)[1].split("\n#", 1)[0]
    return [shlex.split(line.strip(), comments=True)[3:] for line in section.splitlines()
            if line.strip().startswith("toolforge jobs run ")]


def test_the_readme_build_service_jobs_are_what_the_jobs_cli_and_the_file_say(jobs, procfile):
    """Each ``toolforge jobs run`` line of the README's Build Service steps
    goes through the jobs CLI's own parser and checks; each runs a process
    of the Procfile from the tool's image; the scheduled ones have the
    schedule, timeout, retry, emails and logs of ``toolforge/jobs.yaml``."""
    lines = _readme_jobs()
    assert len(lines) == 3, lines
    by_name = {job["name"]: job for job in jobs}
    scheduled = 0
    for words in lines:
        args = jobs_cli.arg_parser(["run", *words])
        payload = jobs_cli.get_api_payload(args)
        assert payload["imagename"] == "tool-notesbot/tool-notesbot:latest"
        assert payload["cmd"] in procfile, f"{payload['cmd']!r} is not a process of the Procfile"
        if "schedule" in payload:
            scheduled += 1
            job = by_name[payload["name"]]
            for key in ("schedule", "timeout", "retry", "emails", "mount", "filelog_stdout", "filelog_stderr"):
                want = job[key.replace("_", "-")] if key.replace("_", "-") in job else job[key]
                assert payload[key] == want, (payload["name"], key)
    assert scheduled == len(jobs) == 2
