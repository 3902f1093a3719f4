"""IRC logs (irssi, WeeChat, ZNC, plain, MeetBot) into questions: exactly the questions, no nick."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.harvest import channels
from bot.harvest.channels import irc

DATA = Path(__file__).resolve().parent / "data" / "irc"
LOGS = ["irssi.log", "weechat.log", "znc.log", "plain.log", "meetbot.log.txt", "meetbot.log.html"]
#: Every nick and ident the logs give (the host's too, who is configured as a chat host).
NICKS = ["amara", "amarao", "quietkestrel", "kestrel", "lbrenner", "lukas", "hiroshi", "priya", "tomas_ib",
         "tibarra", "mnemosyne42", "mnemo", "okafor", "tanaka", "raman", "brenner"]
#: What a person picks from the logs, in order.
QUESTIONS = [
    "Is there a plan to publish the Trust and Safety transparency report in more languages?",
    "will the recording of the call be uploaded to Commons?",
    "how does the U4C decide which cases to hear first?",
    "What training does the Foundation offer to new stewards on small wikis?",
    "Will the Human Rights team publish guidance for editors in conflict zones?",
    "the appeals page could be translated into French and Swahili",
    "how can people contact the Trust and Safety team safely from countries where Wikipedia is blocked?",
    "Does the Board plan a second draft of the Movement Charter with community amendments?",
    "What happens to UCoC reports filed in languages the U4C members don't speak?",
]


def picked_from(names=LOGS):
    messages = []
    for name in names:
        channel, found = channels.read_messages(DATA / name)
        assert channel == "irc", name
        messages += found
    return messages, channels.pick_questions(messages, hosts=["JVale"])


def test_each_log_form_is_read_with_its_kinds():
    kinds = {}
    for name in LOGS:
        _, messages = channels.read_messages(DATA / name)
        kinds[name] = [m.kind for m in messages]
    assert kinds["irssi.log"].count("service") == 6  # 2 joins, the names list, Irssi's count, a nick change, a quit
    assert kinds["irssi.log"].count("action") == 1
    assert kinds["weechat.log"] == ["service", "message", "message", "message", "action", "service", "service"]
    assert kinds["znc.log"] == ["service", "message", "message", "message", "action", "message", "service", "service"]
    assert kinds["meetbot.log.txt"] == ["service", "message", "service", "service", "message", "service"]
    assert len(kinds["meetbot.log.html"]) == 4 and kinds["meetbot.log.html"][2] == "action"


def test_exactly_the_questions_and_no_nick():
    messages, picked = picked_from()
    texts = [q.question for q in picked.questions]
    assert len(texts) == len(QUESTIONS), "\n".join(texts)
    for text, expected in zip(texts, QUESTIONS):
        assert text.startswith(expected), (text, expected)
        assert text.endswith("(from the live chat)")
    for text in texts:
        for nick in NICKS:
            assert nick.casefold() not in text.casefold(), (nick, text)
    # the mentions inside a question are made anonymous, not dropped
    assert "another participant said another participant knows" in texts[2]
    reasons = {str(item) for item in picked.left_out}
    assert any("an action (/me)" in r for r in reasons)
    assert any("not a message (a join" in r for r in reasons)
    assert any("a greeting or thanks" in r for r in reasons)
    assert any("agreement (+1)" in r for r in reasons)
    assert any("small talk" in r for r in reasons)
    for item in picked.left_out:  # what --verbose lists names no one either
        for nick in NICKS:
            assert nick.casefold() not in item.excerpt.casefold(), (nick, str(item))


def test_meetbot_commands_and_the_host_are_not_questions():
    _, picked = picked_from(["meetbot.log.txt"])
    assert [q.question for q in picked.questions] == [
        "Does the Board plan a second draft of the Movement Charter with community amendments? (from the live chat)"]


def test_ids_do_not_change_between_imports_and_do_not_depend_on_the_nick(tmp_path):
    _, first = picked_from()
    _, again = picked_from(list(reversed(LOGS)))
    assert sorted(q.id for q in first.questions) == sorted(q.id for q in again.questions)
    renamed = tmp_path / "renamed.log"
    renamed.write_text((DATA / "znc.log").read_text().replace("tomas_ib", "someoneelse"))
    _, one = picked_from(["znc.log"])
    other = channels.pick_questions(channels.read_messages(renamed)[1], hosts=["JVale"])
    assert [q.id for q in one.questions] == [q.id for q in other.questions]


def test_an_address_that_is_no_nick_stays():
    messages = irc.read_irc("[10:00] <ab12> Question: why is the sky blue?\n"
                            "[10:01] <ab12> Maggie: what do you think?\n"
                            "[10:02] <ab12> jdoe_: are you there?\n", "x.log")
    assert [m.text for m in messages] == ["Question: why is the sky blue?", "Maggie: what do you think?",
                                          "are you there?"]


@pytest.mark.parametrize("text, where", [
    ("[10:00] <ab> hi\nnot a log line\n", "x.log: line 2: not a line of an IRC log"),
    ("--- Log opened Thu Jul 11 14:55:02 2024\n", "x.log: line 1: no IRC message"),
])
def test_a_bad_log_names_the_line(text, where):
    with pytest.raises(channels.ChannelError, match=where):
        irc.read_irc(text, "x.log")


@pytest.mark.slow  # a linear-time check at size (the fast lane leaves it out)
def test_reading_is_linear_in_the_size_of_the_log():
    import time

    line = "[10:00:00] <nick{}> is this a question about the charter, nick{}?\n"
    sizes = []
    for n in (500, 2000):
        text = "".join(line.format(i % 50, (i + 1) % 50) for i in range(n))
        start = time.perf_counter()
        channels.pick_questions(irc.read_irc(text, "big.log"))
        sizes.append(time.perf_counter() - start)
    assert sizes[1] < sizes[0] * 4 * 3  # four times the lines, well under sixteen times the time
