"""Our held-out transcript and IRC log (tests/data/heldout, expectations written before the first run,
never used to set the matcher's threshold) give what the others give."""

from __future__ import annotations

import json
from pathlib import Path

from bot.harvest import channels
from test_transcripts import SPEAKERS, TEMPLATES, block_under, harvested_draft, proposals_update, read_transcript

DATA = Path(__file__).resolve().parent / "data" / "heldout"
EXPECTED = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))


def test_the_held_out_transcript():
    expected = EXPECTED["transcript"]
    update = proposals_update(harvested_draft(), read_transcript(DATA / expected["file"]), TEMPLATES,
                              speakers=SPEAKERS, recording="https://youtu.be/heldout")
    for piece, seconds in expected["taken_up"].items():
        block = block_under(update.text, piece)
        if seconds is None:
            assert block == [], (piece, block)
            continue
        assert block[0] == f"{{{{Conversation hour proposal|t={seconds}}}}}", (piece, block)
        assert f"[https://youtu.be/heldout?t={seconds} " in "\n".join(block)
        said = [line for line in block if line.startswith(": ")]
        assert any(said[0].startswith(": " + start) for start in expected["answers"][piece]), (piece, said)
    assert update.live == []


def test_the_held_out_irc_log():
    expected = EXPECTED["irc"]
    _, messages = channels.read_messages(DATA / expected["file"])
    picked = channels.pick_questions(messages, hosts=["MDennis"])
    texts = [q.question for q in picked.questions]
    assert len(texts) == len(expected["questions"]), texts
    for text, start in zip(texts, expected["questions"]):
        assert text.startswith(start), (text, start)
    for text in texts + [item.excerpt for item in picked.left_out]:
        for nick in expected["nicks"]:
            assert nick.casefold() not in text.casefold(), (nick, text)
