"""Malformed and oversized import files (bot/harvest/channels/*): a one-line refusal that names the
file, never an internal error, and sizes bounded before anything parses them (pure: no wiki)."""

from __future__ import annotations

import json
import resource
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from bot.harvest.channels import ChannelError, pick_questions, read_messages

DATA = Path(__file__).resolve().parent / "data" / "imports"
#: One well-formed file of each channel, and the channel it is read as.
SAMPLES = {"zoom-chat.txt": "zoom", "zoom-chat-old.txt": "zoom", "youtube-replay.jsonl": "youtube",
           "telegram-result.json": "telegram", "mails/quoted-reply.eml": "email", "mails/html-only.eml": "email",
           "questions.mbox": "email"}


def outcome(path: Path, channel: str | None = None) -> str:
    """'ok' when the file is read and its questions picked, else the refusal; any other exception fails."""
    try:
        _, messages = read_messages(path, channel)
        for question in pick_questions(messages, hosts=("Maggie Dennis",)).questions:
            assert "\x00" not in question.question
        return "ok"
    except ChannelError as e:
        message = str(e)
        assert "\n" not in message and message.startswith(str(path)), message
        assert "Traceback" not in message and len(message) < 400, message
        return message


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
    return path


def telegram(*messages: object, **chat: object) -> str:
    return json.dumps({"name": "Chat", "type": "public_supergroup", "messages": list(messages), **chat})


def youtube(**fields: object) -> str:
    return json.dumps({"message_type": "text_message", "author": {"name": "Ann Lee", "id": "UCann"},
                       "message": "Why is it so?", "timestamp": 1720720815400000, **fields}) + "\n"


MAIL = "From: Ann Lee <ann@example.org>\nSubject: A question\nDate: Thu, 11 Jul 2024 20:00:00 +0000\n"

#: (file name, content, what the refusal says): each gave an internal error or a silent skip before.
REFUSED = [
    ("chats-list.json", json.dumps({"chats": {"list": 5}}), "'list' is not a list"),
    ("unixtime.json", telegram({"id": 1, "date_unixtime": "9" * 25, "from": "Ann", "text": "Why?"}), "not a time"),
    ("huge-int.json", '{"messages": [{"id": ' + "9" * 5000 + ', "text": "Why?"}]}', "5,000 digits"),
    ("deep.json", '{"messages": [' + "[" * 50_000 + "]" * 50_000 + "]}", "nested more than 64 levels"),
    ("nan.json", '{"messages": [{"id": 1, "text": "Why?", "date_unixtime": NaN}]}', "NaN"),
    ("infinite.json", '{"messages": [{"id": 1e999, "text": "Why?"}]}', "too large"),
    ("part-text.json", telegram({"id": 1, "text": [{"type": "bold", "text": ["x"]}]}), "not a string"),
    ("deep.jsonl", "[" * 50_000 + "\n", "nested more than 64 levels"),
    ("long-name.json", telegram({"id": 1, "from": "A" * 5000, "text": "Why?"}), "a sender name of 5,000"),
    ("long-message.jsonl", youtube(message="Why? " * 30_000), "a message of 150,000"),
    ("latin1.txt", "00:00:01 From Ann to Everyone:\n\tWhy caf\xe9?\n".encode("latin-1"), "line 2: not UTF-8"),
    ("zoom-long.txt", "00:00:01 From Ann to Everyone:\n\t" + "why " * 30_000 + "?\n", "line 1: a message of 120,001"),
    ("base64.eml", MAIL + "Content-Transfer-Encoding: base64\n\n@@@@!!!!\n", "not valid base64"),
    ("base64-cut.eml", MAIL + "Content-Transfer-Encoding: base64\n\nV2h5IGlzIGl0IHNvP\n", "not valid base64"),
    ("subject.eml", MAIL.replace("A question", " ".join(["=?utf-8?q?a=C3=A9?="] * 12_000)) + "\nWhy?\n",
     "the Subject header has"),
    ("from.eml", MAIL.replace("Ann Lee", "A" * 100_000) + "\nWhy?\n", "the From header has 100,0"),
    ("params.eml", MAIL + "Content-Type: text/plain; " + "; ".join(f'a{i}="x;y"' for i in range(3000)) + "\n\nWhy?\n",
     "the Content-Type header has"),
    ("nested.eml", MAIL + "".join(f"Content-Type: multipart/mixed; boundary=b{i}\n\n--b{i}\n" for i in range(3000))
     + "\nWhy?\n", "more than 100 multipart parts"),
    ("charset.eml", MAIL + 'Content-Type: text/plain; charset="x-nope"\n\nWhy?\n', "unknown encoding"),
]


@pytest.mark.parametrize("name, content, says", REFUSED, ids=[r[0] for r in REFUSED])
def test_a_malformed_or_oversized_file_is_refused_in_one_line(tmp_path, name, content, says):
    path = write(tmp_path, name, content)
    channel = {"json": "telegram", "jsonl": "youtube", "txt": "zoom", "eml": "email"}[name.rsplit(".", 1)[1]]
    start = time.process_time()
    result = outcome(path, channel)
    assert says in result, result
    assert time.process_time() - start < 2, "bounded before parsing: a refusal is quick"


def test_a_subject_of_twelve_thousand_encoded_words_never_reaches_the_header_parser(tmp_path):
    """0.2 MB of encoded words took 1.2 GB in email's header parser: refused before it, in little memory."""
    path = write(tmp_path, "subject.eml", MAIL.replace("A question", " ".join(["=?utf-8?q?a=C3=A9?="] * 12_000))
                 + "\nWhy?\n")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert "Subject header" in outcome(path)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100_000  # KB: under 100 MB more


@pytest.mark.parametrize("name, content", [
    ("nul.txt", "00:00:01 From Ann to Everyone:\n\tWhy\x00 is it so?\n"),
    ("nul.eml", MAIL + "\nWhy\x00 is it so?\n"),
    ("padding.eml", MAIL + "Content-Transfer-Encoding: base64\n\nV2h5IGlzIGl0IHNvPw=\n"),  # loses nothing
    ("types.json", telegram({"id": [1], "from": ["Ann"], "from_id": {"a": 1}, "date": 5, "text": "Why is it so?",
                             "members": "x", "forwarded_from_id": 3})),
    ("types.jsonl", youtube(author={"name": {"x": 1}, "badges": 5}, emotes=7, time_in_seconds="5", time_text=[1])),
    ("midnight.txt", "99:99:99 From Ann to Everyone:\n\tWhy is it so?\n"),
])
def test_odd_but_readable_files_are_read(tmp_path, name, content):
    channel = {"json": "telegram", "jsonl": "youtube", "txt": "zoom", "eml": "email"}[name.rsplit(".", 1)[1]]
    assert outcome(write(tmp_path, name, content), channel) == "ok"


def _mutations() -> st.SearchStrategy:
    """The seven kinds of damage: truncated, wrong types, NUL bytes, bad encodings, huge numbers, deep
    nesting, missing fields; each at a drawn place of a drawn sample file."""
    return st.tuples(st.sampled_from(sorted(SAMPLES)),
                     st.sampled_from(["truncate", "types", "nul", "encoding", "number", "nesting", "missing"]),
                     st.floats(0, 1), st.integers(0, 2**16))


def _damage(data: bytes, kind: str, where: float, seed: int) -> bytes:
    at = int(len(data) * where)
    if kind == "truncate":
        return data[:at]
    if kind == "nul":
        return data[:at] + b"\x00" * (1 + seed % 5) + data[at:]
    if kind == "encoding":
        return data[:at] + bytes([0x80 + seed % 128, 0xff, 0xc3]) + data[at:]
    if kind == "number":
        return data[:at] + b"9" * (10 + seed % 6000) + data[at:]
    if kind == "nesting":
        depth = 1 + seed % 3000
        return data[:at] + b"[" * depth + b"{" * (seed % 7) + b"]" * depth + data[at:]
    if kind == "types":
        value = [b"[]", b"{}", b"null", b"true", b"1e999", b'"x"', b"-0"][seed % 7]
        colon = data.find(b": ", at)
        return data if colon < 0 else data[:colon + 2] + value + b"," + data[colon + 2:]
    # missing: a field, or a line, taken out
    end = data.find(b"\n", at)
    return data[:at] + (data[end:] if end >= 0 else b"")


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_mutations())
def test_no_damaged_file_gives_an_internal_error(tmp_path, damage):
    name, kind, where, seed = damage
    data = _damage((DATA / name).read_bytes(), kind, where, seed)
    path = write(tmp_path, Path(name).name, data)
    outcome(path, SAMPLES[name])
    outcome(path)  # the channel guessed from the file, too


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["zoom", "youtube", "telegram", "email"]),
       st.text(st.characters(codec="utf-8"), max_size=300) | st.binary(max_size=300).map(
           lambda b: b.decode("utf-8", "surrogateescape")))
def test_no_arbitrary_text_gives_an_internal_error(tmp_path, channel, text):
    outcome(write(tmp_path, "any.txt", text), channel)
