"""Reading saved chats and emails, and picking their questions (pure: no wiki)."""

from __future__ import annotations

import dataclasses
import json

from pathlib import Path

import pytest

from bot.harvest.channels import ChannelError, guess_channel, pick_questions, read_messages
from bot.harvest.channels.base import Message
from bot.harvest.channels.mail import clean_body, html_to_text, read_mail_bytes
from bot.harvest.channels.telegram import text_of

DATA = Path(__file__).resolve().parent / "data" / "imports"
HOSTS = ("Maggie Dennis", "Jordan Vale (WMF)")
TOPICS = {"Trust and Safety": "Trust and Safety", "Universal Code of Conduct": "UCoC", "UCoC": "UCoC",
          "U4C": "UCoC", "Movement Charter": "Movement Charter", "Human Rights": "Human Rights",
          "Committee Support": "Committee Support"}

#: Every name, address, handle and number of a sender in the files: none may reach a question.
PRIVATE = ["Amara", "Okafor", "Lukas", "Brenner", "Priya", "Raman", "Tomás", "Ibarra", "Hiroshi", "Tanaka",
           "Sofia", "Lindqvist", "Nadia", "Haddad", "Kwame", "Asante", "Ingrid", "Solberg", "Olena", "Kovalenko",
           "Mateo", "Rossi", "mateo_rossi", "Grace", "Mwangi", "Fatima", "Zahra", "Henrik", "Dahl", "Li Wei",
           "example.org", "example.com", "example.net", "@", "+380", "+254", "555-0134", "user555", "UCkwame"]


def pick(*names: str):
    messages = []
    for name in names:
        messages += read_messages(DATA / name)[1]
    return pick_questions(messages, hosts=HOSTS, topics=TOPICS)


def texts(picked) -> list[str]:
    return [q.question for q in picked.questions]


def assert_anonymous(picked) -> None:
    for q in picked.questions:
        for word in PRIVATE:
            assert word not in q.question, f"{word!r} in {q.question!r}"
        assert q.asker is None and q.askers == []


@pytest.mark.parametrize("name, channel", [
    ("zoom-chat.txt", "zoom"), ("zoom-chat-old.txt", "zoom"), ("youtube-replay.jsonl", "youtube"),
    ("telegram-result.json", "telegram"), ("mails", "email"), ("mails/html-only.eml", "email"),
    ("questions.mbox", "email"),
])
def test_the_channel_is_guessed_from_the_file(name, channel):
    assert guess_channel(DATA / name) == channel


def test_zoom_chat_questions_as_a_person_picks_them():
    picked = pick("zoom-chat.txt")
    got = texts(picked)
    assert len(got) == 6, got
    long_one = got[0]
    assert long_one.startswith("I have a longer question about the Trust and Safety appeals process. When a user")
    assert long_one.endswith("who reviews it? (from the live chat)") and "\n" not in long_one
    # three messages within a minute are one question; the "+1" just before it is not part of it
    assert got[1] == ("My question is about the U4C. Now that it has enough members, when will it start taking "
                      "cases and will the cases be public? (from the live chat)")
    assert "another participant great question. Is there a plan to translate" in got[2]
    assert got[5] == "what the Foundation does to keep editors in conflict zones safe (from the live chat)"
    assert [q.topic for q in picked.questions] == ["Trust and Safety", "UCoC", "From the live chat", "UCoC",
                                                  "From the live chat", "From the live chat"]
    reasons = {(item.where, item.reason) for item in picked.left_out}
    assert ("line 1", "the host's own message") in reasons
    assert ("line 30", "the host's own message") in reasons  # a configured host, even with a question mark
    assert ("line 16", "a reaction") in reasons and ("line 40", "a reaction") in reasons
    assert ("line 26", "a direct message, not to everyone") in reasons
    assert ("line 24", "a link alone") in reasons
    assert ("line 12", "agreement (+1), not a question") in reasons
    assert ("line 44", "agreement (+1), not a question") in reasons
    assert {"line 3", "line 5", "line 34"} <= {item.where for item in picked.left_out if "greeting" in item.reason}
    # every message is a question or left out with a reason
    assert len(picked.left_out) + 6 + 2 == 19  # (two questions are three and two messages)
    assert_anonymous(picked)


def test_old_single_line_zoom_chat():
    picked = pick("zoom-chat-old.txt")
    assert texts(picked) == [
        "How does the Foundation decide which human rights cases to support when the risk is in a country with "
        "no local affiliate? (from the live chat)",
        "please say more about the timeline of the Committee Support annual report (from the live chat)"]
    assert [q.topic for q in picked.questions] == ["Human Rights", "Committee Support"]
    assert {i.reason for i in picked.left_out} >= {"a link alone", "the host's own message", "a greeting or thanks"}


def test_youtube_replay_with_super_chats_and_emoji():
    picked = pick("youtube-replay.jsonl")
    got = texts(picked)
    assert got == [
        "Thank you for all the work! How can small wikis get help from the Trust and Safety team when they have "
        "no admins? 🙏 (from the live chat)",  # a Super Chat is a question like any other; its amount is not kept
        "When will the Movement Charter be ratified by the affiliates? 🤔 (from the live chat)",
        "another participant thanks for asking that. Is the Trust and Safety team hiring people who speak "
        "Swahili? (from the live chat)",
        "Do you think the UCoC has made any difference? (from the live chat)"]
    reasons = [i.reason for i in picked.left_out]
    assert "a sticker" in reasons and reasons.count("the host's own message") == 2  # the channel's owner
    assert not any("$" in q or ":hand-pink-waving:" in q for q in got)
    assert_anonymous(picked)


def test_telegram_export_with_formatted_text_parts():
    picked = pick("telegram-result.json")
    got = texts(picked)
    assert got[0] == ("Question about the Universal Code of Conduct: how are local enforcement decisions reviewed, "
                      "and can they be [https://meta.wikimedia.org/wiki/Universal_Code_of_Conduct/"
                      "Enforcement_guidelines appealed]? (from the live chat)")
    assert got[1].startswith("another participant good one! I would add: what about projects that have no local")
    assert "Will the another participant translation offer" in got[2] and "Human Rights team safely?" in got[2]
    assert len(got) == 3
    where = {i.where: i.reason for i in picked.left_out}
    assert where["message 101"].startswith("not a message") and where["message 105"] == "a sticker"
    assert where["message 106"] == "a link alone" and where["message 107"] == "the host's own message"
    assert "(e-mail address removed)" in next(i.excerpt for i in picked.left_out if i.where == "message 108")
    assert_anonymous(picked)


def test_emails_quoted_reply_html_only_and_mbox():
    picked = pick("mails", "questions.mbox")
    got = texts(picked)
    assert got == [
        "How can small wikis get faster help with long-term abuse? (by email)",
        "Will the Committee Support team offer training for new functionaries & stewards? (by email)",
        "How is the Foundation making sure that the new Trust and Safety reporting tool works for people who edit "
        "on mobile and in languages other than English? (by email)",
        "the timeline for the next Human Rights policy review (by email)",
        "Is the Foundation planning an in-person Conversation Hour at Wikimania? I From what I heard, many people "
        "would come. (by email)"]
    assert [q.topic for q in picked.questions] == ["By email", "Committee Support", "Trust and Safety",
                                                  "Human Rights", "By email"]
    reasons = [i.reason for i in picked.left_out]
    assert "the host's own message" in reasons
    assert "the same question as an earlier one" in reasons  # the mbox holds the .eml's mail again
    assert_anonymous(picked)


def test_ids_are_stable_and_distinct():
    first, again = pick("zoom-chat.txt", "mails"), pick("zoom-chat.txt", "mails")
    ids = [q.id for q in first.questions]
    assert ids == [q.id for q in again.questions] and len(set(ids)) == len(ids)
    assert all(q.id.startswith("q-") for q in first.questions)


def test_ids_do_not_depend_on_the_sender():
    """The id is in the draft: were it a hash of the sender and the time, a
    list of the call's participants would name each asker.  Renamed senders
    keep every id; a typo fixed inside a word keeps it too."""
    messages = read_messages(DATA / "zoom-chat.txt")[1] + read_messages(DATA / "mails")[1]
    before = pick_questions(messages, hosts=HOSTS, topics=TOPICS)
    others: dict[str, str] = {}
    renamed = [m if m.host or m.sender in HOSTS else dataclasses.replace(
        m, sender=others.setdefault(m.sender, f"Someone Else {len(others)}"), names=(*m.names, m.sender))
        for m in messages]
    after = pick_questions(renamed, hosts=HOSTS, topics=TOPICS)
    assert [q.id for q in after.questions] == [q.id for q in before.questions]
    first = next(i for i, m in enumerate(messages) if "?" in m.text and not m.host)
    typo = messages[:first] + [dataclasses.replace(messages[first], text=messages[first].text.replace("e", "ee", 1))] \
        + messages[first + 1:]
    assert pick_questions(typo, hosts=HOSTS, topics=TOPICS).questions[0].id == before.questions[0].id


def test_clean_body_removes_quotes_and_signatures():
    text = ("Hi team,\n\nWhat about the budget?\n\nThanks in advance,\nAna\nAna Pereira | Wikimedia Portugal\n\n"
            "-----Original Message-----\nFrom: CR&S\nSent: Monday\n\nDo you have questions?")
    assert clean_body(text) == "What about the budget?"
    assert clean_body("Question below.\n> quoted line\nIs it?\n-- \nSig") == "Question below.\nIs it?"
    outlook = "Is it on time?\n\nFrom: CR&S <answers@wikimedia.org>\nSent: Tuesday\nTo: X\n\nold text"
    assert clean_body(outlook) == "Is it on time?"


def test_html_to_text_skips_quotes_scripts_and_keeps_paragraphs():
    html = ("<p>One &amp; two</p><script>var x = 1;</script><p>Is it <b>bold</b>?</p>"
            "<blockquote>old mail</blockquote><div class='gmail_quote'>On Monday X wrote: hi</div>")
    assert html_to_text(html) == "One & two\n\nIs it bold?"


def test_telegram_text_parts():
    assert text_of(["a ", {"type": "mention", "text": "@x"}, {"type": "phone", "text": "+1 555 0100 100"},
                    {"type": "text_link", "text": "Ann", "href": "tg://user?id=5"}]) == \
        "a @x(phone number removed)another participant"
    with pytest.raises(ValueError):
        text_of(42)


@pytest.mark.parametrize("name, where", [
    ("youtube-truncated.jsonl", "youtube-truncated.jsonl: line 7: not valid JSON"),
    ("telegram-truncated.json", "telegram-truncated.json: line 197: not valid JSON"),
    ("broken.mbox", "broken.mbox: message 2 (line 9): a broken mail"),
])
def test_a_bad_file_is_an_error_naming_file_and_line(name, where):
    with pytest.raises(ChannelError, match=where.replace("(", r"\(").replace(")", r"\)")):
        read_messages(DATA / name)


def test_a_file_of_no_known_channel(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("just some notes\n")
    with pytest.raises(ChannelError, match="cannot tell which channel"):
        read_messages(path)
    with pytest.raises(ChannelError, match=r"notes.txt: line 1: not a line of a Zoom chat"):
        read_messages(path, "zoom")


@pytest.mark.slow  # a linear-time check at size (the fast lane leaves it out)
def test_reading_is_linear_in_the_size_of_the_chat(tmp_path):
    import time

    def timed(n: int) -> float:
        path = tmp_path / f"chat{n}.txt"
        path.write_text("".join(f"{10 + i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d} From P{i % 50} to "
                                f"Everyone:\n\tIs question {i} a question?\n" for i in range(n)))
        start = time.perf_counter()
        pick_questions(read_messages(path)[1], hosts=HOSTS, topics=TOPICS)
        return time.perf_counter() - start

    small, large = timed(1000), timed(8000)
    assert large < small * 8 * 3, (small, large)


@pytest.mark.parametrize("text", [
    "Hola a todos", "¡Buenos días!", "Bonsoir tout le monde", "Merci beaucoup !", "Guten Abend zusammen",
    "Danke schön", "Olá pessoal", "Obrigada!", "Ciao a tutti", "Grazie mille", "Dzień dobry", "Dziękuję",
    "Привет всем", "Спасибо!", "Дякую", "مرحبا بالجميع", "شكرا", "नमस्ते", "Terima kasih", "Asante sana",
    "Merhaba", "大家好", "谢谢大家", "ありがとうございます", "안녕하세요"])
def test_greetings_and_thanks_in_other_languages_are_not_questions(text):
    message = Message(channel="zoom", source="chat.txt", where="line 1", sender="Ana Pereira", time="10:00:00",
                      text=text, seconds=0.0)
    picked = pick_questions([message], hosts=HOSTS)
    assert picked.questions == [] and [i.reason for i in picked.left_out] == ["a greeting or thanks"]


@pytest.mark.parametrize("text, question", [
    ("Hola, ¿cuándo será la próxima sesión?", "¿cuándo será la próxima sesión?"),
    ("Bonjour à tous, quand aura lieu la prochaine session ?", "quand aura lieu la prochaine session ?"),
    ("Привет! Когда будет следующая встреча?", "Когда будет следующая встреча?"),
    ("Merci — is there a page where I can read the policy?", None),
])
def test_a_question_after_a_greeting_is_kept(text, question):
    message = Message(channel="zoom", source="chat.txt", where="line 1", sender="Ana Pereira", time="10:00:00",
                      text=text, seconds=0.0)
    picked = pick_questions([message], hosts=HOSTS)
    assert len(picked.questions) == 1, picked.left_out
    if question:
        assert picked.questions[0].question.startswith(question)


# -- anonymous: every form of a name a channel gives, wiki user names, signatures -------------------------------

def chat(text: str, sender: str = "Ana Pereira", **fields) -> Message:
    return Message(channel="zoom", source="chat.txt", where="line 1", sender=sender, time="10:00:00", text=text,
                   seconds=0.0, names=fields.pop("names", (sender,)), **fields)


def only_question(messages, **kw) -> str:
    picked = pick_questions(messages, hosts=HOSTS, **kw)
    assert len(picked.questions) == 1, [str(i) for i in picked.left_out]
    return picked.questions[0].question


QUESTION = "Hi, I am Jane Doe from the Doe family. Why is the U4C so slow?"


def test_a_last_first_name_in_a_zoom_chat_leaves_no_part_of_it(tmp_path):
    path = tmp_path / "chat.txt"
    path.write_text(f"10:00:00 From Doe, Jane to Everyone:\n\t{QUESTION}\n")
    got = only_question(read_messages(path)[1])
    assert got == "I am another participant from the another participant family. Why is the U4C so slow? " \
                  "(from the live chat)"


def test_a_last_first_name_in_a_telegram_export(tmp_path):
    path = tmp_path / "result.json"
    path.write_text(json.dumps({"name": "CR&S", "type": "public_supergroup", "id": 1, "messages": [
        {"id": 1, "type": "message", "date": "2024-07-11T21:02:10", "date_unixtime": "1720720930",
         "from": "Doe, Jane", "from_id": "user42", "text": QUESTION}]}))
    got = only_question(read_messages(path)[1])
    assert "Doe" not in got and "Jane" not in got and "another participant from the another participant" in got


def test_a_youtube_handle_written_without_its_at(tmp_path):
    path = tmp_path / "chat.jsonl"
    path.write_text(json.dumps({"author": {"name": "@JaneDoe", "id": "UCjd"}, "message": "Why is the U4C so slow? "
                                "JaneDoe here, or janedoe, or just Jane", "message_type": "text_message",
                                "timestamp": 1720720815400000, "time_in_seconds": 15.4}) + "\n")
    got = only_question(read_messages(path)[1])
    assert got == ("Why is the U4C so slow? another participant here, or another participant, or just "
                   "another participant (from the live chat)")


@pytest.mark.parametrize("sender, text, gone", [
    ("Jan van der Berg", "Van der Berg here: why is the U4C so slow?", ["Van der", "Berg"]),
    ("J. R. Okoro", "J.R. Okoro here. Why is the U4C so slow?", ["Okoro", "J.R."]),
    ("María José García-López", "Soy Maria Jose Garcia-Lopez. ¿Why is the U4C so slow?",
     ["Maria", "Jose", "Garcia", "Lopez"]),
    ("Tomás Ibarra", "Tomas Ibarra again: why is the U4C so slow?", ["Tomas", "Ibarra"]),
    ("Michał Wiśniewski", "Michal Wisniewski asks: why is the U4C so slow?", ["Michal", "Wisniewski"]),
    ("Piotr Nowak", "Pytanie od Piotra Nowaka: dlaczego U4C działa tak wolno?", ["Piotr", "Nowak"]),
    ("Олена Коваленко", "Питання від Олени Коваленко: чому U4C працює так повільно?", ["Олен", "Коваленко"]),
    ("李伟", "我是李伟, why is the U4C so slow?", ["李伟"]),
    ("Tanaka Hiroshi", "Hiroshi TANAKA here: why is the U4C so slow?", ["Hiroshi", "TANAKA"]),
    ("O'Brien, Siobhan", "Siobhan O’Brien here: why is the U4C so slow?", ["Siobhan", "Brien"]),
])
def test_names_in_every_form_and_script(sender, text, gone):
    got = only_question([chat(text, sender)])
    assert "another participant" in got
    for piece in gone:
        assert piece not in got, (piece, got)
    assert "U4C" in got


def test_an_email_local_part_and_a_handle_in_small_letters():
    message = Message(channel="email", source="m.eml", where="line 1", sender="jdoe.wiki@example.org", time="t",
                      text="jdoe here (also jdoe.wiki on Telegram). Why is the U4C so slow?",
                      names=("jdoe.wiki@example.org",))
    got = only_question([message])
    assert got == "another participant here (also another participant on Telegram). Why is the U4C so slow? (by email)"


@pytest.mark.parametrize("form", [
    "User:JaneD", "[[User:JaneD|Jane D]]", "[[User talk:JaneD|talk]]", "[[:de:Benutzer:JaneD]]", "m:User:JaneD",
    "u:JaneD", "Special:Contributions/JaneD", "[[Special:Contributions/JaneD|my edits]]",
    "https://en.wikipedia.org/wiki/User:JaneD", "meta.wikimedia.org/wiki/User_talk:JaneD",
    "https://meta.wikimedia.org/w/index.php?title=User:JaneD&action=history", "{{ping|JaneD}}",
    "Użytkownik:JaneD", "Участник:JaneD", "利用者:JaneD", "Usuario:JaneD", "user:JaneD", "[[User: JaneD|Jane D]]",
    "[[ Użytkownik : JaneD ]]", "https://pl.wikipedia.org/wiki/U%C5%BCytkownik:JaneD",
])
def test_wiki_user_names_in_any_form_and_language(form):
    text = f"Will the U4C publish its decisions? ({form} on enwiki)"
    for message in (chat(text, "Someone"), Message(channel="email", source="m.eml", where="line 1",
                                                   sender="x@example.org", time="t", text=text)):
        got = only_question([message])
        assert "JaneD" not in got and "Jane D" not in got, got
        assert got.startswith("Will the U4C publish its decisions? (another participant on enwiki)"), got


def test_a_wiki_user_name_given_once_goes_everywhere():
    messages = [chat("I am [[User:Kestrel88|Kestrel]] on dewiki.", "Someone"),
                dataclasses.replace(chat("As a new user: Kestrel88 asks, why is the U4C so slow?", "Someone Else"),
                                    seconds=300.0)]
    got = only_question(messages)
    assert got == "As a new user: another participant asks, why is the U4C so slow? (from the live chat)"


def test_names_the_files_give_of_other_people_are_not_kept(tmp_path):
    path = tmp_path / "result.json"
    path.write_text(json.dumps({"name": "CR&S", "type": "public_supergroup", "id": 1, "messages": [
        {"id": 1, "type": "message", "date": "2024-07-11T21:02:10", "date_unixtime": "1720720930", "from": "Ana B",
         "from_id": "user1", "forwarded_from": "Karl Meier", "text": "Karl Meier asks: why is the U4C so slow?"},
        {"id": 2, "type": "message", "date": "2024-07-11T21:12:10", "date_unixtime": "1720721530", "from": "Ana B",
         "from_id": "user1", "forwarded_from": "Wikimedia Foundation", "forwarded_from_id": "channel77",
         "text": "How does the Wikimedia Foundation pick the U4C members?"},
        {"id": 3, "type": "service", "date": "2024-07-11T21:13:10", "date_unixtime": "1720721590",
         "actor": "Ana B", "actor_id": "user1", "action": "invite_members", "members": ["Zofia Kral"], "text": ""},
        {"id": 4, "type": "message", "date": "2024-07-11T21:22:10", "date_unixtime": "1720722130", "from": "Ana B",
         "from_id": "user1", "text": "Zofia asks: will the notes be translated?"}]}))
    got = texts(pick_questions(read_messages(path)[1], hosts=HOSTS))
    assert got == ["another participant asks: why is the U4C so slow? (from the live chat)",
                   "How does the Wikimedia Foundation pick the U4C members? (from the live chat)",  # a channel's name
                   "another participant asks: will the notes be translated? (from the live chat)"]


def test_zoom_webinar_messages_to_the_panelists_are_to_the_session(tmp_path):
    path = tmp_path / "webinar.txt"
    path.write_text("10:00:00 From Sam Lee to All panelists:\n\tWhy is the U4C so slow?\n"
                    "10:02:00 From Ann Roe to Hosts and panelists:\n\tWill the notes be translated?\n"
                    "10:04:00 From Ann Roe to Sam Lee(Direct Message):\n\tWhat are you having for lunch?\n"
                    "10:05:00 From Ann Roe to Kim Park:\n\tKim, are you there?\n"
                    "10:06:00 From Ann Roe to All panelists:\n\tKim Park and I ask: where is the report?\n")
    picked = pick_questions(read_messages(path)[1], hosts=HOSTS)
    assert texts(picked) == ["Why is the U4C so slow? (from the live chat)",
                             "Will the notes be translated? (from the live chat)",
                             "another participant and I ask: where is the report? (from the live chat)"]
    assert [i.where for i in picked.left_out if i.reason == "a direct message, not to everyone"] == ["line 5", "line 7"]
    assert not any("Kim" in i.excerpt for i in picked.left_out)


def mail(body: str, content_type: str = "text/plain", sender: str = "Piotr Nowak <piotr.nowak@example.org>"):
    raw = (f"From: {sender}\nTo: answers@wikimedia.org\nSubject: U4C\nDate: Mon, 8 Jul 2024 11:12:40 +0200\n"
           f"MIME-Version: 1.0\nContent-Type: {content_type}; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
           + body).encode()
    return read_mail_bytes(raw, "m.eml")


ASKED = "Will the U4C publish its decisions?"


@pytest.mark.parametrize("body, content_type", [
    (f"<div>{ASKED}</div><div>Piotr Nowak<br>Wikimedia Polska</div>", "text/html"),
    (f"<p>{ASKED}<br>Saludos cordiales,<br>Piotr Nowak<br>Wikimedia Polska</p>", "text/html"),
    (f"<div>{ASKED}</div><div id='Signature'><p>P. Nowak</p><p>Wikimedia Polska</p></div>", "text/html"),
    (f"{ASKED}\nSaludos,\nPiotr Nowak\nWikimedia Polska\n", "text/plain"),
    (f"{ASKED}\n\nPozdrawiam,\nPiotr\n", "text/plain"),
    (f"{ASKED}\nMit freundlichen Grüßen\nPiotr Nowak\n", "text/plain"),
    (f"{ASKED}\n\nCordialement,\nP. Nowak (Wikimedia Polska)\n", "text/plain"),
    (f"{ASKED}\n\nС уважением,\nПётр Новак\n", "text/plain"),
    (f"{ASKED}\n— Piotr Nowak, Wikimedia Polska\n", "text/plain"),
    (f"{ASKED}\nThanks, Piotr\n", "text/plain"),
    (f"{ASKED}\n\nPiotr Nowak\nWikimedia Polska\n+48 600 100 200\nhttps://wikimedia.pl\n", "text/plain"),
    (f"{ASKED}\nPiotr\n", "text/plain"),
    (f"Hola,\n\n{ASKED}\n\nUn saludo\nKasia\nStowarzyszenie Wikimedia Polska\n", "text/plain"),
])
def test_signatures_of_every_form_and_language_are_not_part_of_the_question(body, content_type):
    assert only_question(mail(body, content_type)) == f"{ASKED} (by email)"


def test_a_short_last_line_that_is_no_signature_is_kept():
    assert only_question(mail("Q: the budget for small wikis\n")) == \
        "the budget for small wikis (by email)"
    assert clean_body(f"{ASKED}\n\nThanks!\nAnd will it be translated?", ["Piotr Nowak"]) == \
        f"{ASKED}\n\nThanks!\nAnd will it be translated?"


def test_a_declined_name_goes_and_words_that_only_start_like_a_name_stay():
    messages = [chat("Piotra Nowaka and Jane ask: is the Rio de Janeiro meeting in Janet's plan?", "Piotr Nowak"),
                chat("Hello", "Jane Doe")]
    assert only_question(messages) == ("another participant and another participant ask: is the Rio de Janeiro "
                                       "meeting in Janet's plan? (from the live chat)")
