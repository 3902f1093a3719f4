"""Which messages of a chat or which emails are questions, made anonymous.

The same rules for every channel, as staff apply them when they copy
questions by hand:

* a question has a question mark, or its sender marks it (``Q:``,
  ``Question:``); messages one sender writes within a minute of each other
  are one question (a long question typed in pieces);
* greetings, thanks, "+1" and "same", a link alone, emoji alone, reactions,
  stickers, joins and other service messages, direct messages, and the
  host's own messages are not;
* an email may hold several questions, one paragraph each; one question
  keeps the paragraphs around it (its context).

Every message left out is listed with its reason.  Nothing that names a
person reaches a question: the sender's names, any other sender's name or
``@handle`` become "another participant", e-mail addresses and phone
numbers are removed.  The question's id comes from the channel, the time and
the initials of the question's first words (:func:`bot.harvest.ids.fingerprint`),
never from the sender: the id is written in the draft, and a hash of a sender
and a time could be checked against a list of the call's participants to
name the asker.  The line in the draft says the channel.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping

from bot.harvest.channels.anonymous import MENTION, Names, wiki_users
from bot.harvest.channels.base import LIVE_CHAT, LeftOut, Message, Picked
from bot.harvest.ids import comparable, fingerprint
from bot.model import Question

__all__ = ["BY_EMAIL", "FROM_LIVE_CHAT", "JOIN_SECONDS", "MENTION", "channel_note", "channel_section",
           "pick_questions", "without_note"]

JOIN_SECONDS = 60
"""Messages of one sender this close to the one before are one question."""
FROM_LIVE_CHAT = "From the live chat"
BY_EMAIL = "By email"
_NOTES = {"live chat": "(from the live chat)", "email": "(by email)"}

_MARKER = re.compile(r"^\s*(?:Q|Question)\s*[:.)-]\s*", re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_SMALL_TALK = re.compile(r"^\s*(?:how are (?:you|y'all|you all|everyone)(?: doing| today)?|can (?:you|everyone|anyone) "
                         r"(?:hear|see) (?:me|us|my screen)|am i audible|is my (?:mic|microphone|audio) (?:working|on)|"
                         r"(?:is )?(?:anyone|everyone) (?:here|there))\s*[?!.]*\s*$", re.IGNORECASE)
_PLUS_ONE = re.compile(r"^\s*\+\s*\d+\b")
_LINK = re.compile(r"^\s*(?:<?(?:https?://|www\.)\S+>?\s*)+$", re.IGNORECASE)
_AGREE = re.compile(r"^\s*(?:\+\s*\d+|same(?: here| question| for me)?|this|agreed?|i agree|me too|\^+(?: ?this)?|"
                    r"exactly|yes|no|ok(?:ay)?|lol|great|good (?:point|question)|great (?:point|question)"
                    r"|(?:\+\s*\d+\s*)?(?:to|on) (?:this|that)(?: one)?)\s*[!.]*\s*$", re.IGNORECASE)
#: Hellos, thanks and goodbyes in the languages of Wikimedia's chats (a
#: Conversation Hour's chat is mostly English, with greetings in the
#: participants' own languages).  Each is a regular expression.
_HELLOS = {
    "en": r"hi|hello|hey|hiya|greetings|good (?:morning|afternoon|evening|day)|welcome",
    "es": r"hola|buen(?:os|as) (?:d[ií]as|tardes|noches)|saludos",
    "fr": r"bonjour|bonsoir|salut|coucou",
    "de": r"hallo|guten (?:morgen|tag|abend)|servus|moin",
    "pt": r"ol[áa]|oi|bom dia|boa (?:tarde|noite)",
    "it": r"ciao|buongiorno|buonasera|salve",
    "nl": r"hoi|goedemorgen|goedemiddag|goedenavond",
    "pl": r"cze[śs][ćc]|dzie[ńn] dobry|witam",
    "ru": r"привет|здравствуйте|добрый (?:день|вечер)|доброе утро",
    "uk": r"вітаю|добрий день|доброго (?:дня|ранку)",
    "ar": r"مرحبا|السلام عليكم|أهلا",
    "hi": r"namaste|नमस्ते|नमस्कार",
    "id": r"halo|selamat (?:pagi|siang|sore|malam)",
    "sw": r"habari|jambo|hujambo",
    "tr": r"merhaba|selam",
}
_THANKS_AND_BYES = {
    "en": r"thanks?(?: you)?|thank you|thx|ty|cheers|bye|goodbye|see you",
    "es": r"gracias|adi[óo]s|hasta (?:luego|pronto)",
    "fr": r"merci|au revoir|[àa] bient[ôo]t",
    "de": r"danke(?: sch[öo]n)?|tsch[üu]ss|auf wiedersehen",
    "pt": r"obrigad[oa]|valeu|tchau",
    "it": r"grazie|arrivederci",
    "nl": r"dank ?je(?: wel)?|bedankt|dag",
    "pl": r"dzi[ęe]kuj[ęe]|dzi[ęe]ki",
    "ru": r"спасибо|пока|до свидания",
    "uk": r"дякую",
    "ar": r"شكرا",
    "hi": r"dhanyavaad|धन्यवाद|शुक्रिया",
    "id": r"terima kasih|makasih",
    "sw": r"asante",
    "tr": r"te[şs]ekk[üu]rler|sa[ğg] ?ol",
}
#: Scripts without spaces between words: no word boundary after these.
_UNSPACED = r"你好|大家好|谢谢|謝謝|こんにちは|ありがとう|안녕하세요|감사합니다"
_HELLO = "|".join(_HELLOS.values())
# (?!\w) rather than \b: a word ending in a combining vowel sign (नमस्ते) has no \b after it.
_GREETING = re.compile(rf"^\s*[¡¿]?(?:(?:{_HELLO}|{'|'.join(_THANKS_AND_BYES.values())}|good night)(?!\w)|{_UNSPACED})",
                       re.IGNORECASE)
_GREETING_PREFIX = re.compile(rf"^\s*[¡¿]?(?:{_HELLO})(?:\s+[^\s,.!?]+){{0,3}}\s*[,.!:-]+\s+(?=\S)", re.IGNORECASE)


def channel_note(channel: str) -> str:
    return _NOTES["email" if channel == "email" else "live chat"]


def channel_section(channel: str) -> str:
    """The draft section for a question of this channel whose topic is not known."""
    return BY_EMAIL if channel == "email" else FROM_LIVE_CHAT


def without_note(text: str) -> str:
    """A draft question's text without the channel's note (to compare questions)."""
    for note in _NOTES.values():
        if text.rstrip().endswith(note):
            return text.rstrip()[:-len(note)].rstrip()
    return text


def pick_questions(messages: list[Message], *, hosts: Iterable[str] = (),
                   topics: Mapping[str, str] | None = None) -> Picked:
    """The questions among ``messages`` (of one or more files), anonymous,
    each with its topic (a name of ``topics``, alias → topic, met in the
    text) or the channel's section; and every message left out, with why."""
    picked = Picked()
    host_names = {_name_key(h) for h in hosts if h.strip()}
    names = _all_names(messages, host_names)
    groups: list[list[Message]] = []
    open_group: dict[tuple[str, str], list[Message]] = {}
    for message in messages:
        reason = _not_a_message(message, host_names)
        if reason:
            picked.left_out.append(_left(message, reason, names))
            continue
        text = anonymise(message.text, names)
        if not _has_words(text):
            picked.left_out.append(_left(message, "no words (emoji or punctuation only)", names))
            continue
        key = (message.source, message.sender)
        last = open_group.get(key)
        if (message.channel != "email" and last and message.seconds is not None and last[-1].seconds is not None
                and 0 <= message.seconds - last[-1].seconds <= JOIN_SECONDS):
            last.append(message)
        else:
            group = [message]
            groups.append(group)
            open_group[key] = group
    seen_ids: Counter[str] = Counter()
    seen_texts: set[str] = set()
    for group in groups:
        for question_text, first, _parts_left in _questions_of(group, names, picked):
            if question_text is None:
                continue
            key = comparable(question_text)
            if key in seen_texts:
                picked.left_out.append(_left(first, "the same question as an earlier one", names))
                continue
            seen_texts.add(key)
            base = "\x1f".join(("imported", first.channel, first.time, fingerprint(question_text)))
            question_id = _question_id(base, seen_ids[base])
            seen_ids[base] += 1
            topic = _topic(question_text + " " + first.subject, topics or {}) or channel_section(first.channel)
            picked.questions.append(Question(
                id=question_id, question=f"{question_text} {channel_note(first.channel)}",
                topic=topic, timestamp=first.timestamp, signed=False))
    return picked


def _questions_of(group: list[Message], names: Names, picked: Picked):
    """(text, first message, _) of each question in one sender's group of messages."""
    first = group[0]
    if first.channel == "email":
        yield from _email_questions(first, names, picked)
        return
    parts: list[tuple[Message, str]] = []
    marked = False
    for message in group:
        text = anonymise(message.text, names)
        reason = _not_a_question_alone(text)
        if reason and len(group) > 1 and reason != "a link alone":
            picked.left_out.append(_left(message, reason, names))
            continue
        if _MARKER.match(text):
            marked = True
            text = _MARKER.sub("", text, count=1)
        parts.append((message, text))
    if not parts:
        return
    joined = _one_line(" ".join(_GREETING_PREFIX.sub("", t, count=1) for _, t in parts))
    reason = _not_a_question_alone(joined)
    if reason is None and not (marked or _asks(joined)):
        reason = "no question mark, and not marked as a question (Q:)"
    if reason:
        for message, _ in parts:
            picked.left_out.append(_left(message, reason, names))
        return
    yield joined, parts[0][0], None


def _asks(text: str) -> bool:
    """Whether ``text`` has a question mark (one in a link's address does not count)."""
    return "?" in _URL.sub(" ", text)


def _email_questions(message: Message, names: Names, picked: Picked):
    text = anonymise(message.text, names)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\n(?=\s*(?:\d+[.)]|[-*•])\s)", text) if p.strip()]
    asked = [p for p in paragraphs if _asks(p) or _MARKER.match(p)]
    if not asked:
        reason = "no text" if not paragraphs else "no question mark, and not marked as a question (Q:)"
        picked.left_out.append(_left(message, reason, names))
        return
    if len(asked) == 1:
        kept = [p for p in paragraphs if p in asked or not _not_a_question_alone(p)]
        yield _one_line(" ".join(_MARKER.sub("", p, count=1) for p in kept)), message, None
        return
    for p in paragraphs:
        if p not in asked:
            picked.left_out.append(_left(message, "a paragraph between the questions of a mail with several", names,
                                         text=p))
    for p in asked:
        yield _one_line(_MARKER.sub("", re.sub(r"^\s*(?:\d+[.)]|[-*•])\s+", "", p), count=1)), message, None


def _not_a_message(message: Message, hosts: set[str]) -> str | None:
    if message.kind == "reaction":
        return "a reaction"
    if message.kind == "sticker":
        return "a sticker"
    if message.kind == "service":
        return "not a message (a join, a pin, a membership…)"
    if message.kind == "private":
        return "a direct message, not to everyone"
    if _from_host(message, hosts):
        return "the host's own message"
    if not message.text.strip():
        return "no text"
    return None


def _from_host(message: Message, hosts: set[str]) -> bool:
    return message.host or any(_name_key(n) in hosts for n in (message.sender, *message.names))


def _not_a_question_alone(text: str) -> str | None:
    """Why this text alone is no question, or None."""
    bare = text.strip()
    if not _has_words(bare):
        return "no words (emoji or punctuation only)"
    if _LINK.match(bare):
        return "a link alone"
    if _AGREE.match(_strip_emoji(bare)) or (_PLUS_ONE.match(bare) and not _asks(bare)):
        return "agreement (+1), not a question"
    if _GREETING.match(bare) and (not _asks(bare) or len(bare.split()) <= 3):
        return "a greeting or thanks"
    if _SMALL_TALK.match(_GREETING_PREFIX.sub("", bare, count=1)):
        return "small talk about the call, not a question for the notes"
    return None


def anonymise(text: str, names: Names) -> str:
    """``text`` with no name of a sender, ``@handle``, wiki user name, e-mail address or phone number."""
    return names.anonymise(text)


def _all_names(messages: list[Message], hosts: set[str]) -> Names:
    """Every name the file's people go by: the senders' (each form a channel
    gives, see :mod:`bot.harvest.channels.anonymous`), the other people the
    files name (a direct message's addressee, a forwarded message's author),
    and the wiki user names the messages give; not the hosts'."""
    people: list[str] = []
    for message in messages:
        if not _from_host(message, hosts):
            people += [message.sender, *message.names]
        people += [n for n in (*message.others, *wiki_users(message.text)) if _name_key(n) not in hosts]
    return Names(people)


def _left(message: Message, reason: str, names: Names, text: str | None = None) -> LeftOut:
    return LeftOut(message.source, message.where, reason, _one_line(anonymise(text or message.text, names)))


def _has_words(text: str) -> bool:
    return any(unicodedata.category(c)[0] in "LN" for c in text)


def _strip_emoji(text: str) -> str:
    return "".join(c for c in text if unicodedata.category(c)[0] in "LNZP" or c in "+^").strip()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _name_key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def _question_id(base: str, n: int) -> str:
    digest = hashlib.blake2b(f"{base}\x1f{n}".encode("utf-8", "surrogatepass"), digest_size=5)
    return "q-" + digest.hexdigest()


def _topic(text: str, topics: Mapping[str, str]) -> str | None:
    """The topic whose name (or an alias) the text mentions first, or None."""
    best: tuple[int, str] | None = None
    for alias, topic in topics.items():
        match = re.search(rf"(?<!\w){re.escape(alias)}(?!\w)", text, re.IGNORECASE)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), topic)
    return best[1] if best else None
