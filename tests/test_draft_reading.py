"""How a draft's speakers, status box and options are read, offline (the cases in
tests/data/drafts run through tests/test_check.py; these are the rules behind them)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot import wikifacts
from bot.commands import parse_clock, parse_day
from bot.compile.check import check_draft, exit_code
from bot.compile.draft import parse_draft, recording_url, set_draft_status, speaker_of
from bot.config import Config, ConfigError, SeriesConfig, _validate
from bot.errors import UsageError

ROOT = Path(__file__).resolve().parent.parent
NOTESBOT = Path(sys.executable).parent / "notesbot"
BOX = ("{{Conversation hour draft\n| status = ready\n| session = S\n| harvested = q-00000000c1\n}}\n"
       "== T ==\n* <span id=\"q-00000000c1\"></span>How?\n")


def answers(text: str, speakers=("Maggie Dennis",)) -> list[str]:
    draft = parse_draft(text, speakers)
    assert len(draft.questions) == 1, [q.text for q in draft.questions]
    return draft.questions[0].answers


@pytest.mark.parametrize("elsewhere, same, other", [
    (": Kim: x", "* Kim Lee: because.", "* Jo Kim: why?"),  # Kim is not Jo's first name
    (": Kim Lee: x", "* Kim: because.", "* Kim Park: why?"),  # another Kim
    (": Kim Lee (WMF): x", "* Kim: because.", "* Pat: why?"),
    (": [[User:Kim Lee (WMF)|Kim]]: x", "* Kim Lee: because.", "* Pat Park: why?"),
    (": [[User:Kim_Lee_(WMF)]]: x", "* Kim: because.", "* Lee: why?"),
    (": '''[[User:Kim Lee|Kim]]:''' x", "* Kim Lee: because.", "* Pat Lee: why?"),
    ("", "* '''Kim:''' because.", "* Pat: why?"),
    ("", "* ''Kim'': because.", "* Pat: why?"),
    ("", "*'''Kim''': because.", "* Pat: why?"),
])
def test_a_star_line_by_the_same_speaker_is_an_answer_by_another_a_reported_question(elsewhere, same, other):
    text = BOX + (f"{elsewhere}\n" if elsewhere else "") + f"{same}\n"
    got = answers(text)
    assert got[-1].endswith("because."), got
    assert not parse_draft(text, ("Maggie Dennis",)).problems
    draft = parse_draft(text + f"{other}\n", ("Maggie Dennis",))
    assert len(draft.questions) == 2
    assert [p.kind for p in draft.problems] == ["answer-as-question"]


@pytest.mark.parametrize("configured, star", [
    ("Maggie", "* Maggie Dennis: yes."),
    ("Maggie Dennis|MDennis", "* MDennis: yes."),
    ("Maggie Dennis (WMF)|MDennis", "* Maggie Dennis: yes."),
])
def test_configured_speakers_answer_by_first_name_full_name_or_alias(configured, star):
    assert answers(BOX + f": Kim: x\n{star}\n", (configured,))[-1].endswith("yes.")


def test_aliases_come_from_the_configuration():
    series = SeriesConfig(speakers=("Jack",), speaker_aliases={"MDennis": "Maggie Dennis", "JJ": "jack"})
    assert series.all_speakers == ("Maggie Dennis|MDennis", "Jack|JJ")
    assert answers(BOX + ": Kim: x\n* JJ: yes.\n", series.all_speakers)[-1] == "JJ: yes."
    with pytest.raises(ConfigError, match=r"speaker_aliases\['X'\]"):
        _validate(Config(series=(SeriesConfig(speaker_aliases={"X": "Nobody"}),)))


NOT_SPEAKERS = ["why: is it", "Jan van: x", "van Berg: x", "How is the plan: x", "[[Trust and Safety|T&S]]: x",
                "https://example.org x"]


@pytest.mark.parametrize("line, name", [
    ("Jan van der Berg: x", "Jan van der Berg"),
    ("Jan-Bart de Vreede: x", "Jan-Bart de Vreede"),
    ("María José de la Cruz: x", "María José de la Cruz"),
    ("Nguye\u0302\u0303n Va\u0306n An: x", "Nguyễn Văn An"),  # typed decomposed
    ("マギー: x", "マギー"),
    ("マギー：はい", "マギー"),
    ("Jean d'Alembert: x", "Jean d'Alembert"),
    ("'''Jan van der Berg:''' x", "Jan van der Berg"),
    ("[[User:Maggie Dennis (WMF)|Maggie]]: x", "Maggie"),
])
def test_names_of_every_kind_are_speakers_and_other_words_are_not(line, name):
    assert speaker_of(line) == name
    assert [speaker_of(other) for other in NOT_SPEAKERS] == [None] * len(NOT_SPEAKERS)


@pytest.mark.parametrize("written, status", [
    ("ready <!-- set me -->", "ready"),
    ("<!-- set me --> ready", "ready"),
    ("&#32;ready&#32;", "ready"),
    ("ready&nbsp;", "ready"),
    ("re<!-- x -->ady\n<!-- two lines\n-->", "ready"),
])
def test_the_status_is_read_as_mediawiki_shows_it(written, status):
    text = BOX.replace("| status = ready", f"| status = {written}")
    draft = parse_draft(text)
    assert draft.status == status and draft.ready
    assert exit_code(check_draft(text, ("Maggie Dennis",))) == 0


def test_other_values_and_names_of_the_box_too():
    text = BOX.replace("| session = S", "| session = S <!-- the session -->\n| recording <!-- x --> = "
                                         "&#32;https://example.org/r <!-- the video -->")
    draft = parse_draft(text)
    assert draft.session == "S" and recording_url(draft) == "https://example.org/r"
    assert not check_draft(text + ": Maggie: a\n")


def test_setting_the_status_keeps_the_comment_after_it():
    text = BOX.replace("| status = ready", "| status = collecting <!-- set me -->")
    assert "| status = ready <!-- set me -->\n" in set_draft_status(text, "ready")


def test_a_positional_status_stalls_as_the_box_template_reads_none():
    """An error because the box's own wikitext reads only named parameters
    (``{{{status|collecting}}}``), and the check's list of them is the template's."""
    wikitext = (ROOT / "bot" / "wikipages" / "draft-status.wiki").read_text()
    read = set(re.findall(r"\{\{\{\s*([^{}|]+?)\s*[|}]", wikitext))
    assert not any(name.isdigit() for name in read)
    assert "status" in read and read <= set(wikifacts.DRAFT_PARAMETERS)
    for box, severity in [("{{Conversation hour draft|ready}}", "stalls"),
                          ("{{Conversation hour draft|1=ready}}", "stalls"),
                          ("{{Conversation hour draft|Ready.}}", "stalls"),
                          ("{{Conversation hour draft|status=ready|ready}}", "warning"),
                          ("{{Conversation hour draft|status=ready|hello}}", "warning")]:
        findings = check_draft(box + "\n== T ==\n* How?\n: Maggie: a\n")
        assert [(f.line, f.severity) for f in findings] == [(1, severity)], box


def test_check_command_exits_1_on_a_positional_status(tmp_path):
    path = tmp_path / "d.wiki"
    path.write_text("{{Conversation hour draft|ready}}\n== T ==\n* How?\n: Maggie: a\n")
    out = subprocess.run([str(NOTESBOT), "check", "--draft", str(path)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 1 and "line 1:" in out.stdout and "status = ready" in out.stdout


TEXT_ALREADY = ["<nowiki>{{</nowiki>", "<pre>a {{ b</pre>", "&#123;&#123;", "<code><nowiki>{{</nowiki></code>"]


@pytest.mark.parametrize("answer", ["<code>{{</code>", "<syntaxhighlight lang=\"wikitext\">{{x</syntaxhighlight>",
                                    "<math>\\{{</math>", "<CODE class=\"x\">{{</CODE>", "<source>{{</source>"])
def test_brackets_in_code_are_text(answer):
    for text in (answer, *TEXT_ALREADY):
        assert check_draft(BOX + f": Maggie: {text} opens it.\n") == [], text


@pytest.mark.parametrize("answer", ["{{x <code>}}</code>", "{{x <math>}}</math>"])
def test_brackets_in_code_close_nothing_outside(answer):
    for text in (answer, "<code>a</code> {{x", "<code>{{</code> <!-- unclosed"):
        assert [f.severity for f in check_draft(BOX + f": Maggie: {text}\n")] == ["loses text"], text


@pytest.mark.parametrize("stamp", ["08:23, 29 wrz 2018 (CEST)", "10:00, 25 Jun 2019 (UTC)",
                                   "12:34, 29. Sep. 2018 (MESZ)", "2018年9月29日 (土) 08:23 (JST)",
                                   "2018년 9월 29일 (토) 08:23 (KST)", "१२:३४, २९ सितंबर २०१८ (IST)",
                                   "12:34, 29 de septiembre de 2018 (CEST)", "08:23, 29 Sep 2018 (UTC+2)"])
def test_a_signature_timestamp_of_any_language_in_a_question_names_someone(stamp):
    text = BOX.replace("How?", f"How? {stamp}") + ": Maggie: a\n"
    assert [(f.line, f.severity) for f in check_draft(text)] == [(7, "names someone")]
    for question in ("Is the meeting on 11 July 2024 at 17:00 (UTC)?", "Why 18:00 UTC?",
                     "What happened in 2019 (twice)?"):
        assert check_draft(BOX.replace("How?", question) + ": Maggie: a\n") == [], question


def test_person_templates_in_a_question_name_someone():
    for template in ("@", "user talk", "ping", "u", "reply to", "Template:Ping", "Ut", "User0"):
        text = BOX.replace("How?", f"{{{{{template}|Ann}}}} how?") + ": Maggie: a\n"
        assert [f.severity for f in check_draft(text)] == ["names someone"], template


def test_clock_takes_ascii_digits_only():
    for value in ("1٧:00", "17:0٠", "١٧:٠٠", "１７:００"):
        with pytest.raises(UsageError, match="HH:MM"):
            parse_clock(value)


@pytest.mark.parametrize("value", ["٢٠٢٥-04-10", "2025-0٤-10", "２０２５-04-10"])
def test_day_takes_ascii_digits_only(value):
    with pytest.raises(UsageError, match="expected a date YYYY-MM-DD"):
        parse_day(value)


def test_other_digits_in_options_and_configuration():
    out = subprocess.run([str(NOTESBOT), "schedule", "--max-ticks", "٣"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "not a whole number" in out.stderr and out.stderr.count("\n") == 1
    with pytest.raises(ConfigError, match="time"):
        _validate(Config(series=(SeriesConfig(time="1٧:00"),)))
    series = SeriesConfig()
    assert series.session_date(series.session_title.replace("{date:%Y %m %d}", "٢٠٢٤ ٠٧ ١١")) is None
    assert series.session_date(series.session_title.replace("{date:%Y %m %d}", "2024 07 11")) is not None
