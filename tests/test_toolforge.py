"""``toolforge/jobs.yaml`` is a job definition that ``toolforge jobs load`` accepts.

The schema (``tests/data/toolforge-jobs-schema.json``) follows the Toolforge
jobs framework's documentation:

* https://wikitech.wikimedia.org/wiki/Help:Toolforge/Jobs_framework
  (``toolforge jobs run``: ``--image``, ``--command``, ``--schedule`` in cron
  syntax or one of the ``@hourly``/``@daily``/``@weekly``/``@monthly``/
  ``@yearly`` macros, ``--timeout`` for scheduled jobs; ``toolforge jobs load``
  reads a YAML list of jobs whose keys are the options of ``run``);
* the toolforge-jobs(1) manual page ("The file format mirrors arguments to the
  run action"; ``--emails`` none|all|onfailure|onfinish; ``--retry`` 0 to 5);
* for the value sets the page does not spell out, the CLI's option table
  (``RUN_ARGS`` in ``tjf_cli/cli.py``, which is what parses each YAML key) and
  the jobs API's validation (``tjf/core/cron.py``, ``tjf/core/models.py``,
  ``resolve_filelog_path`` in ``tjf/core/utils.py``).

PyYAML is not a dependency of the project: the file is kept to the flat form
"a list of mappings of plain scalars", read by the small strict parser below,
which refuses anything whose meaning it is not sure of (an unquoted ``yes``,
``07`` or ``1:30`` means something else to YAML 1.1, which the CLI uses).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
JOBS_YAML = ROOT / "toolforge" / "jobs.yaml"
SCHEMA = json.loads((ROOT / "tests" / "data" / "toolforge-jobs-schema.json").read_text())


# -- a strict parser for a list of mappings of scalars -------------------------------

class JobsFileError(ValueError):
    pass


_KEY_LINE = re.compile(r"^(?P<item>- |  )(?P<key>[a-z][a-z0-9-]*):(?: (?P<value>.*))?$")
_INDICATORS = tuple("-?:,[]{}#&*!|>'\"%@`")
_DECIMAL = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
# Plain scalars YAML 1.1 (PyYAML's safe_load, which the jobs CLI uses) would
# read as something else than a string or a decimal integer: refused, so that
# this parser and the CLI can never disagree.
_AMBIGUOUS = [
    re.compile(r"^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$"),
    re.compile(r"^(null|Null|NULL|~)$"),
    re.compile(r"^[-+]?0[0-7_]+$|^[-+]?0[xob][0-9a-fA-F_]+$|^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+$"),
    re.compile(r"^[-+]?[0-9_]+_[0-9_]*$"),
    re.compile(r"^[-+]?(\.[0-9]+|[0-9][0-9_]*\.[0-9_]*)([eE][-+]?[0-9]+)?$|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$"),
    re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"),
    re.compile(r"^(<<|=)$"),
]


def _scalar(text: str, where: str):
    if text.startswith('"'):
        match = re.fullmatch(r'"((?:[^"\\]|\\["\\])*)"(?:\s+#.*)?', text)
        if not match:
            raise JobsFileError(f"{where}: a double-quoted value must end with its quote "
                                f"(escapes other than \\\" and \\\\ are not allowed)")
        return re.sub(r'\\(["\\])', r"\1", match.group(1))
    if text.startswith("'"):
        match = re.fullmatch(r"'((?:[^']|'')*)'(?:\s+#.*)?", text)
        if not match:
            raise JobsFileError(f"{where}: a single-quoted value must end with its quote")
        return match.group(1).replace("''", "'")
    value = re.sub(r"\s+#.*$", "", text).rstrip()
    if not value:
        raise JobsFileError(f"{where}: empty value")
    if value.startswith(_INDICATORS) or ": " in value or value.endswith(":") or "\t" in value:
        raise JobsFileError(f"{where}: {value!r} must be quoted")
    if value in ("true", "True", "TRUE"):
        return True
    if value in ("false", "False", "FALSE"):
        return False
    if _DECIMAL.match(value):
        return int(value)
    if any(p.search(value) for p in _AMBIGUOUS):
        raise JobsFileError(f"{where}: {value!r} is ambiguous in YAML; quote it")
    return value


def parse_jobs(text: str) -> list[dict]:
    """Parse the flat subset of YAML ``jobs.yaml`` is written in: comments, an
    optional ``---``, and items ``- key: value`` continued by ``  key: value``
    lines, every value a scalar on its line."""
    jobs: list[dict] = []
    for number, line in enumerate(text.splitlines(), start=1):
        where = f"line {number}"
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or (stripped == "---" and not jobs):
            continue
        if "\t" in line[: len(line) - len(line.lstrip())]:
            raise JobsFileError(f"{where}: indentation with a tab")
        match = _KEY_LINE.match(line.rstrip())
        if not match:
            raise JobsFileError(f"{where}: not '- key: value' or '  key: value': {line!r}")
        if match.group("item") == "- ":
            jobs.append({})
        elif not jobs:
            raise JobsFileError(f"{where}: a key outside of any job")
        key, raw = match.group("key"), match.group("value")
        if raw is None or not raw.strip():
            raise JobsFileError(f"{where}: {key}: nested values are not used in this file")
        if key in jobs[-1]:
            raise JobsFileError(f"{where}: {key} given twice")
        jobs[-1][key] = _scalar(raw.strip(), f"{where}: {key}")
    if not jobs:
        raise JobsFileError("no job in the file")
    return jobs


# -- the checker ----------------------------------------------------------------------

def _cron_errors(value: str) -> list[str]:
    """Validate a schedule as the jobs API does (tjf/core/cron.py)."""
    if value.startswith("@"):
        if value not in SCHEMA["schedule_macros"]:
            return [f"schedule: unknown macro {value!r} (documented: {', '.join(SCHEMA['schedule_macros'])})"]
        return []
    parts = value.lower().split()
    if len(parts) != 5:
        return [f"schedule: {value!r} has {len(parts)} fields, not 5"]
    errors = []
    for part, field in zip(parts, SCHEMA["cron_fields"]):
        for entry in part.split(","):
            step = None
            if "/" in entry:
                entry, step = entry.split("/", 1)
                if "-" in entry:
                    errors.append(f"schedule: {field['name']}: a step with a range is not supported")
                    continue
            bounds = entry.split("-", 1) if "-" in entry else [entry]
            if bounds == ["*"]:
                bounds = []
            numbers = []
            for bound in bounds:
                bound = field.get("names", {}).get(bound, bound)
                if not bound.isdigit():
                    errors.append(f"schedule: {field['name']}: {bound!r} is not a number")
                    continue
                numbers.append(int(bound))
                if not field["min"] <= int(bound) <= field["max"]:
                    errors.append(f"schedule: {field['name']}: {bound} is not in "
                                  f"{field['min']}-{field['max']}")
            if len(numbers) == 2 and numbers[0] > numbers[1]:
                errors.append(f"schedule: {field['name']}: range {entry} is backwards")
            if step is not None and (not step.isdigit() or not 0 < int(step) <= field["max"]):
                errors.append(f"schedule: {field['name']}: bad step {step!r}")
    return errors


def _path_errors(key: str, value: str) -> list[str]:
    # The jobs API keeps an absolute path and puts a relative one under the
    # tool's home directory; the result goes after 'exec 1>>' in /bin/sh, so
    # a '~' or a '$VAR' would end up inside the home directory's path.
    if value.startswith("~") or "$" in value:
        return [f"{key}: {value!r}: '~' and '$' are not expanded; use a path relative to the "
                f"tool's home directory or an absolute one"]
    if re.search(r"\s", value) or ".." in Path(value).parts:
        return [f"{key}: {value!r} is not a plain file path"]
    return []


def job_errors(job: dict) -> list[str]:
    """Everything in one job definition that ``toolforge jobs load`` would
    refuse, warn about or misread."""
    keys = SCHEMA["keys"]
    errors = [f"missing required key {key!r}" for key in SCHEMA["required"] if key not in job]
    for key, value in job.items():
        spec = keys.get(key)
        if spec is None:
            errors.append(f"unknown key {key!r} (known: {', '.join(sorted(keys))})")
            continue
        kind = spec["type"]
        ok_type = {
            "string": isinstance(value, str) and value != "",
            "path": isinstance(value, str) and value != "",
            "cron": isinstance(value, str),
            "flag": value is True,
            "flag_or_int": value is True or (type(value) is int and value >= spec.get("min", 0)),
            "int": type(value) is int,
            "string_or_number": isinstance(value, str) or type(value) in (int, float),
        }[kind]
        if not ok_type:
            expected = {"flag": "true", "flag_or_int": "true or a number of seconds",
                        "int": "an integer", "cron": "a cron expression"}.get(kind, "a non-empty string")
            errors.append(f"{key}: {value!r} is not {expected}")
            continue
        if "choices" in spec and value not in spec["choices"]:
            errors.append(f"{key}: {value!r} is not one of {', '.join(spec['choices'])}")
        if kind == "int":
            if value < spec.get("min", value) or value > spec.get("max", value):
                errors.append(f"{key}: {value} is not in {spec.get('min', '')}..{spec.get('max', '')}")
        if "pattern" in spec and not re.search(spec["pattern"], str(value)):
            errors.append(f"{key}: {value!r} does not match {spec['pattern']}")
        if "max_length" in spec and len(value) > spec["max_length"]:
            errors.append(f"{key}: longer than {spec['max_length']} characters")
        if kind == "cron":
            errors += _cron_errors(value)
        if kind == "path":
            errors += _path_errors(key, value)
    for group in SCHEMA["mutually_exclusive"]:
        present = [key for key in group if key in job]
        if len(present) > 1:
            errors.append(f"{' and '.join(present)} cannot be used together")
    for key, needed in SCHEMA["only_with"].items():
        if key in job and needed not in job:
            errors.append(f"{key} is only valid with {needed}")
    for key, needed in SCHEMA["requires"].items():
        for other in needed:
            if key in job and other not in job:
                errors.append(f"{key} requires {other}")
    # File logs: on by default for the standard images, off for build-service
    # ones (an image name with a '/'); they need the NFS mount.
    image = job.get("image", "")
    filelog = job.get("filelog") is True or ("no-filelog" not in job and "/" not in str(image))
    if ("filelog-stdout" in job or "filelog-stderr" in job) and not filelog:
        errors.append("filelog-stdout/filelog-stderr need file logging (filelog: true)")
    if filelog and job.get("mount") == "none":
        errors.append("file logging needs mount: all")
    return errors


def file_errors(jobs: list[dict]) -> list[str]:
    errors = []
    names = [job.get("name") for job in jobs]
    for name in {n for n in names if names.count(n) > 1}:
        errors.append(f"job name {name!r} used twice")
    for number, job in enumerate(jobs, start=1):
        errors += [f"job {job.get('name', number)!s}: {e}" for e in job_errors(job)]
    return errors


# -- the tests ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def jobs() -> list[dict]:
    return parse_jobs(JOBS_YAML.read_text(encoding="utf-8"))


def test_jobs_file_matches_the_documented_schema(jobs):
    assert file_errors(jobs) == []


def test_the_scheduled_tick(jobs):
    """One job runs ``notesbot run`` from the tool's venv on the python3.11
    image, every 30 minutes off the hour, retried, mailed on failure, logged to
    files in the tool's home."""
    runs = [job for job in jobs if re.search(r"/venv/bin/notesbot run\b", job["command"])]
    assert len(runs) == 1, "exactly one job runs the tick"
    job = runs[0]
    assert job["image"] == "python3.11"
    assert "-always" in job["command"].split(), "a scheduled run cannot answer questions"
    assert "-dir:$HOME/pywikibot" in job["command"].split()
    assert "continuous" not in job and "wait" not in job
    minute, hour, day, month, weekday = job["schedule"].split()
    minutes = sorted(int(m) for m in minute.split(","))
    assert (hour, day, month, weekday) == ("*", "*", "*", "*")
    assert len(minutes) == 2 and minutes[1] - minutes[0] == 30, "every 30 minutes"
    assert 0 not in minutes and 30 not in minutes, "not on the hour or the half hour"
    assert job["emails"] == "onfailure"
    assert 1 <= job["retry"] <= 5
    assert 0 < job["timeout"] < 30 * 60, "a tick is stopped before the next one starts"
    assert job["filelog"] is True
    for key in ("filelog-stdout", "filelog-stderr"):
        assert not Path(job[key]).is_absolute() and "/" not in job[key], "a file in the tool's home"
    assert job["filelog-stdout"] != job["filelog-stderr"]


def _mutated(jobs: list[dict], change) -> list[dict]:
    broken = copy.deepcopy(jobs)
    change(broken[0])
    return broken


@pytest.mark.parametrize("change, expected", [
    (lambda j: j.update({"emial": "all"}), "unknown key 'emial'"),
    (lambda j: j.update({"log": "x.log"}), "unknown key 'log'"),
    (lambda j: j.update({"emails": "always"}), "emails: 'always' is not one of"),
    (lambda j: j.update({"retry": 6}), "retry: 6 is not in 0..5"),
    (lambda j: j.update({"retry": -1}), "retry: -1 is not in 0..5"),
    (lambda j: j.update({"retry": "2"}), "retry: '2' is not an integer"),
    (lambda j: j.update({"schedule": "*/30 * * *"}), "has 4 fields, not 5"),
    (lambda j: j.update({"schedule": "7,67 * * * *"}), "minute: 67 is not in 0-59"),
    (lambda j: j.update({"schedule": "@every30m"}), "unknown macro '@every30m'"),
    (lambda j: j.update({"schedule": "0-10/5 * * * *"}), "a step with a range is not supported"),
    (lambda j: j.update({"continuous": True}), "continuous and schedule cannot be used together"),
    (lambda j: j.update({"filelog-stdout": "~/notesbot.out"}), "'~' and '$' are not expanded"),
    (lambda j: j.update({"filelog-stderr": "$HOME/notesbot.err"}), "'~' and '$' are not expanded"),
    (lambda j: j.update({"no-filelog": True}), "filelog and no-filelog cannot be used together"),
    (lambda j: j.update({"mount": "none"}), "file logging needs mount: all"),
    (lambda j: j.update({"filelog": "yes"}), "filelog: 'yes' is not true"),
    (lambda j: j.pop("command"), "missing required key 'command'"),
    (lambda j: j.pop("image"), "missing required key 'image'"),
    (lambda j: j.update({"name": "Notesbot_Run"}), "name: 'Notesbot_Run' does not match"),
    (lambda j: (j.pop("schedule"), j.update({"wait": True})), "timeout is only valid with schedule"),
    (lambda j: j.update({"port": 8080}), "port is only valid with continuous"),
])
def test_checker_refuses_a_broken_copy(jobs, change, expected):
    errors = file_errors(_mutated(jobs, change))
    assert any(expected in e for e in errors), errors


def test_checker_refuses_two_jobs_with_one_name(jobs):
    assert any("used twice" in e for e in file_errors(jobs + copy.deepcopy(jobs)))


@pytest.mark.parametrize("text, message", [
    ("- name: a\n  retry: yes\n", "ambiguous"),
    ("- name: a\n  retry: 07\n", "ambiguous"),
    ("- name: a\n  schedule: 1:30\n", "ambiguous"),
    ("- name: a\n  schedule: * * * * *\n", "must be quoted"),
    ("- name: a\n  command: {a: b}\n", "must be quoted"),
    ("- name: a\n  command: \"unterminated\n", "must end with its quote"),
    ("- name: a\n  mem:\n    - 1Gi\n", "nested values"),
    ("- name: a\n\tcommand: x\n", "indentation with a tab"),
    ("- name: a\n   command: x\n", "not '- key: value'"),
    ("- name: a\n  name: b\n", "given twice"),
    ("  name: a\n", "outside of any job"),
    ("# nothing\n", "no job"),
])
def test_parser_refuses_what_it_does_not_understand(text, message):
    with pytest.raises(JobsFileError, match=message):
        parse_jobs(text)


def test_parser_reads_scalars_as_yaml_does():
    text = ("---\n# comment\n- name: a-job  # trailing comment\n  retry: 2\n  filelog: true\n"
            "  command: \"echo \\\"hi\\\" # not a comment\"\n  schedule: '7,37 * * * *'\n"
            "  mem: 1Gi\n  image: python3.11\n")
    assert parse_jobs(text) == [{
        "name": "a-job", "retry": 2, "filelog": True, "command": 'echo "hi" # not a comment',
        "schedule": "7,37 * * * *", "mem": "1Gi", "image": "python3.11",
    }]
