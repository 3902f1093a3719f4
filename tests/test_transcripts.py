"""Transcripts (WebVTT, SRT) into proposed answers in the draft, and what staff do with them: pure."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from bot import harvest
from bot.compile import load_templates, parse_draft, render_draft, render_notes
from bot.compile import proposals as blocks
from bot.compile import transcript as matching
from bot.compile.check import check_draft, exit_code
from bot.harvest.transcripts import TranscriptError, parse_transcript, read_transcript
from bot.publish.proposals import proposals_update
from test_compile import session

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "transcripts"
EXAMPLE = ROOT / "tests" / "data" / "examples" / "questions-2024-07-11.wiki"
SPEAKERS = ("Maggie Dennis|MDennis", "Jan Eissfeldt")
URL = "https://www.youtube.com/watch?v=abc123"
TEMPLATES = load_templates("conversation-hour-2024")

#: Question (a piece of its text) → when the host took it up in zoom-call.vtt (None: nobody did).
TAKEN_UP = {"made any difference": 20, "wasted your time": 60, "your role in the MC process": 105,
            "Global Council composition quotas": 105, "The U4C vote failed": 155, "edited Draft Charter": 215,
            "self-harm": None, "implement the Movement Charter in pieces": None, "human rights principles": None,
            "Board candidates were asked": None, "Anyone can propose amendments": None,
            "good committee member": None, "done differently": None}


def harvested_draft() -> str:
    return render_draft(harvest.harvest(EXAMPLE.read_text()).questions, session(), TEMPLATES).text


def proposed(text: str, name: str = "zoom-call.vtt", recording: str | None = URL):
    return proposals_update(text, read_transcript(DATA / name), TEMPLATES, speakers=SPEAKERS, recording=recording)


def block_under(text: str, piece: str) -> list[str]:
    """The lines of the proposal right under the question holding ``piece`` ([] if none)."""
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("* ") and piece in line)
    out = []
    for line in lines[at + 1:]:
        if line.startswith("* ") or line.startswith("=="):
            break
        out.append(line)
    while out and not out[-1].strip():
        out.pop()
    return out


def test_reading_zoom_youtube_and_srt():
    zoom = read_transcript(DATA / "zoom-call.vtt")
    assert zoom.has_speakers and zoom.cues[1].speaker == "Jan Eissfeldt" and zoom.cues[0].speaker == "MDennis"
    assert zoom.cues[2].text == "The first question from the page is: do you think the UCoC has made any difference?"
    youtube = read_transcript(DATA / "youtube-captions.vtt")
    assert not youtube.has_speakers
    said = " ".join(cue.text for cue in youtube.cues)
    assert said.count("do you think the UCoC has made") == 1  # the rolling captions' repeats are dropped
    assert said.startswith("welcome everyone to the conversation hour. first question: do you think")
    office = read_transcript(DATA / "office-call.srt")
    assert office.has_speakers and office.cues[2].speaker == "Sarah Example" and office.cues[0].start == 2.0
    voices = parse_transcript("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Jan Eissfeldt>Hello there</v>\n", "v.vtt")
    assert voices.cues[0].speaker == "Jan Eissfeldt" and voices.cues[0].text == "Hello there"


@pytest.mark.parametrize("text, message", [
    ("WEBVTT\n\n00:00:01.000 --> nonsense\nHello\n", "x: not a WebVTT file"),
    ("1\n00:00:01,000 --> 00:00:02,000\nHello\n\n2\n00:00:03 -> 4\nBye\n", "x: line 5: not a WebVTT or SRT"),
    ("WEBVTT\n", "x: line 1: no caption"),
])
def test_a_bad_transcript_names_the_file(text, message):
    with pytest.raises(TranscriptError, match=message):
        parse_transcript(text, "x")


def test_the_measured_threshold_separates_the_cases():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import transcript_threshold

    rows = transcript_threshold.scores()
    taken = [score for _, _, at, score, _ in rows if at is not None]
    skipped = [score for _, _, at, score, _ in rows if at is None]
    assert len(taken) >= 10 and len(skipped) >= 10
    assert max(skipped) < matching.THRESHOLD <= min(taken)
    for _, case, at, _, found in rows:
        if at is not None:
            assert abs(found - at) <= 20, case


def test_each_question_taken_up_gets_its_proposal_and_link_and_the_others_nothing():
    update = proposed(harvested_draft())
    for piece, seconds in TAKEN_UP.items():
        block = block_under(update.text, piece)
        if seconds is None:
            assert not any("Conversation hour proposal" in line for line in block), piece
            continue
        assert block[0] == f"{{{{Conversation hour proposal|t={seconds}}}}}", (piece, block)
        assert block[-1] == "{{Conversation hour proposal end}}"
        link = [line for line in block if line.startswith("[https://")]
        assert link and f"&t={seconds} " in link[0], (piece, link)
    # what was said until the next question, with the speakers (MDennis is Maggie Dennis's alias)
    difference = block_under(update.text, "made any difference")
    assert difference[1].startswith(": Maggie Dennis: I do. When I look at the reports")
    assert difference[2].startswith(": Jan Eissfeldt: And the enforcement guidelines")
    assert not any("wasted" in line for line in difference)  # the next question is not part of it
    # two together: the same answer under both, with a note for staff
    role, quotas = block_under(update.text, "your role in the MC"), block_under(update.text, "composition quotas")
    assert role == quotas and any("together with another one" in line for line in role)
    assert any(line.startswith(": Jan Eissfeldt: Our role was to support the committee") for line in role)
    # a sentence across cues is one question, taken up where it began
    vote = block_under(update.text, "The U4C vote failed")
    assert vote[0].endswith("t=155}}") and any("too few candidates" in line for line in vote)
    assert not any("over" == line.split()[-1] for line in vote if line.startswith(":"))
    # a participant's name in a proposal is pointed out to staff
    assert any("Amara Okafor: not one of the series' speakers" in line for line in vote)
    assert sorted(update.proposed) == sorted(parse_draft(update.text).proposed)
    assert len(update.proposed) == 6 and update.taken_up == 6


def test_a_transcript_without_names_leaves_the_speaker_to_staff():
    update = proposed(harvested_draft(), "youtube-captions.vtt")
    block = block_under(update.text, "made any difference")
    assert block[0] == "{{Conversation hour proposal|t=4}}"
    assert any("does not say who spoke" in line for line in block)
    said = [line for line in block if line.startswith(": ")]
    assert said == [": I do. The reports show people have a shared language. next,"] or \
        said[0].startswith(": I do. The reports show people have a shared language.")
    harm = block_under(update.text, "self-harm")
    assert harm[0] == "{{Conversation hour proposal|t=30}}"
    assert any("we work with crisis lines in many countries." in line for line in harm)
    assert not block_under(update.text, "The U4C vote failed")


def test_a_second_import_changes_nothing_even_where_staff_removed_a_proposal():
    first = proposed(harvested_draft())
    assert proposed(first.text).text == first.text
    lines = first.text.split("\n")
    start = next(i for i, l in enumerate(lines) if l == "{{Conversation hour proposal|t=20}}")
    end = lines.index("{{Conversation hour proposal end}}", start)
    rejected = "\n".join(lines[:start] + lines[end + 1:])
    assert proposed(rejected).text == rejected  # a rejected proposal does not come back


def test_proposals_stay_out_of_the_notes_until_staff_accept_them():
    text = proposed(harvested_draft()).text
    draft = parse_draft(text, SPEAKERS)
    assert not any(q.answered for q in draft.questions)
    notes = render_notes(draft, session(), TEMPLATES)
    assert notes.answered == [] and "Maggie Dennis" not in notes.text and "t=20" not in notes.text
    findings = check_draft(text, SPEAKERS)
    unreviewed = [f for f in findings if "not reviewed" in f.reason]
    assert len(unreviewed) == 6 and exit_code(findings) == 0
    assert unreviewed[0].text.startswith(": Maggie Dennis: No. The drafting work")  # its first line, not a note
    # staff accept one: they delete its first marker line; the end marker alone is ignored
    accepted = text.replace("{{Conversation hour proposal|t=20}}\n", "", 1)
    draft = parse_draft(accepted, SPEAKERS)
    ucoc = next(q for q in draft.questions if "made any difference" in q.text)
    assert ucoc.answers[0].startswith("Maggie Dennis: I do.") and ucoc.answers[-1].startswith("[https://")
    assert len(ucoc.answers) == 3
    notes = render_notes(draft, session(), TEMPLATES)
    assert notes.answered == [ucoc.id] and "watch?v=abc123&t=20" in notes.text
    assert "Conversation hour proposal" not in notes.text
    assert len([f for f in check_draft(accepted, SPEAKERS) if "not reviewed" in f.reason]) == 5


def test_a_block_whose_end_staff_deleted_ends_at_the_next_question():
    text = "== A ==\n* <span id=\"q-1\"></span>Q1?\n{{Conversation hour proposal|t=3}}\n: X: said\n\n* Q2?\n: Y: answer"
    assert blocks.blocks(text) == [blocks.Block(3, 4, ": X: said")]
    draft = parse_draft(text)
    assert [q.answers for q in draft.questions] == [[], ["Y: answer"]]


def test_questions_asked_live_are_listed_not_added():
    update = proposed(harvested_draft())
    assert [text for _, text in update.live] == [
        "Hi, can I ask something live?", "Will the next election also have voting in languages other than English?"]
    assert "* " + "Will the next election" not in update.text


def test_the_recording_in_the_box_is_used_and_one_given_is_kept_there():
    text = harvested_draft()
    update = proposed(text)
    assert "| recording = https://www.youtube.com/watch?v=abc123" in update.text
    boxed = text.replace("| status = collecting", "| status = collecting\n| recording = https://youtu.be/xyz", 1)
    again = proposed(boxed, recording=None)
    assert "[https://youtu.be/xyz?t=20 " in again.text
    bare = proposed(text, recording=None)
    assert "no recording address" in bare.text and "[https://" not in bare.text


def test_link_and_clock():
    assert blocks.at_time("https://www.youtube.com/watch?v=a&t=5", 754) == "https://www.youtube.com/watch?v=a&t=754"
    assert blocks.at_time("https://commons.wikimedia.org/wiki/File:X.webm", 3) == \
        "https://commons.wikimedia.org/wiki/File:X.webm?t=3"
    assert blocks.clock(754) == "12:34" and blocks.clock(3754) == "1:02:34"


def test_matching_is_linear_in_the_length_of_the_call():
    import time

    cue = "00:{m:02d}:{s:02d}.000 --> 00:{m:02d}:{s:02d}.900\nJan Eissfeldt: we talked about topic{n} and the wiki{k} today.\n\n"
    questions = [(f"q-{n}", f"What about topic{n} and the wiki{n % 7}?") for n in range(20)]
    times = []
    for size in (300, 1200):
        text = "WEBVTT\n\n" + "".join(cue.format(m=(i // 60) % 60, s=i % 60, n=i % 97, k=i % 13) for i in range(size))
        stream = matching.Stream.of(parse_transcript(text, "long.vtt"))
        start = time.perf_counter()
        matching.propose(questions, stream, SPEAKERS)
        times.append(time.perf_counter() - start)
    assert times[1] < times[0] * 4 * 3


def test_captions_without_punctuation_still_give_bounded_answers():
    """YouTube's automatic captions have no full stops: the answer still runs only to the next question."""
    said = ["welcome everyone to the call", "we have many questions today", "so let us begin right away",
            "first do you think the ucoc", "has made any difference at all", "i think it has helped a lot",
            "people now share a language", "for what is not acceptable", "next the u4c vote failed to get",
            "enough people over the threshold", "why do you think that happened", "there were too few candidates",
            "we will run another election", "that is all for today", "thank you for coming"]
    text = "WEBVTT\n\n" + "".join(f"00:00:{2 * i:02d}.000 --> 00:00:{2 * i + 2:02d}.000\n{line}\n\n"
                                  for i, line in enumerate(said))
    stream = matching.Stream.of(parse_transcript(text, "auto.vtt"))
    found = matching.propose([("q-1", "Do you think the UCoC has made any difference?"),
                              ("q-2", "The U4C vote failed to get enough people over the threshold to create a "
                                      "full committee. Why do you think that happened?")], stream)
    assert [(p.question_id, p.seconds) for p in found] == [("q-1", 6), ("q-2", 16)]
    first, second = (" ".join(text for _, text in p.lines) for p in found)
    assert "helped a lot" in first and "share a language" in first
    assert "vote" not in first and "candidates" not in first and "welcome" not in first
    assert "too few candidates" in second and "another election" in second


@pytest.mark.parametrize("template", [
    ": {{{answers}}}\n{{{link|}}}",  # no markers: the proposal would be taken for staff's answer
    "{{Conversation hour proposal|t={{{seconds}}}}}\n{{{answers}}}\n{{{link|}}}",  # no end
    "{{Conversation hour proposal}}\n* {{{answers}}}\n{{Conversation hour proposal end}}",  # a question inside
])
def test_a_proposal_template_without_its_markers_is_refused(template):
    from bot.compile.templates import TemplateError

    changed = load_templates("conversation-hour-2024", overrides={"proposal": template})
    with pytest.raises(TemplateError, match="would be published unreviewed"):
        proposals_update(harvested_draft(), read_transcript(DATA / "zoom-call.vtt"), changed, speakers=SPEAKERS)
