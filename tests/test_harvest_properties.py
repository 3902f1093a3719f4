"""Properties of harvesting that must hold for any page.

* Any text harvests without an exception, to well-formed questions.
* Adding or removing lines that have nothing to do with a question (comments,
  blank lines, other questions, instructions) never changes its id.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.harvest import harvest, redirect_target

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ID = re.compile(r"q-[0-9a-f]{10}")

# --- Any text -------------------------------------------------------------------------

any_character = st.characters(blacklist_categories=())  # control characters and lone surrogates too

FRAGMENTS = [
    "*", "**", "*:", ":", "::", "#", "#:", ";", "== ", " ==", "=", "\n", "\n", "\n", " ", "----",
    "{{", "}}", "|", "=", "[[", "]]", "<!--", "-->", "<nowiki>", "</nowiki>", "<nowiki/>", "<pre>",
    "</pre>", "<s>", "</s>", "<del>", "<span class=\"signature\">", "</span>", "--", "—", "'''",
    "?", "Question?", "text", "[[User:Example Editor|Example Editor]]", "[[User talk:X|talk]]",
    "[[Special:Contributions/198.51.100.23|198.51.100.23]]", "[[Special:Contributions/2001:db8::1]]",
    " 09:14, 2 July 2024 (UTC)", " 25:61, 31 June 2024 (UTC)", " 12:00, 8. Jul. 2024 (CEST)",
    "{{unsigned|X|09:14, 2 July 2024}}", "{{Conversation hour question", "|question=Why?", "|topic=T&S",
    "{{Conversation hour answered|Notes#q-0123456789}}", "#REDIRECT [[X]]", "\x00", "\r\n", "\ud800",
]

wikitextish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(any_character, max_size=5)),
                       max_size=60).map("".join)


def check_well_formed(text: str) -> None:
    """What any harvest must look like, whatever the page."""
    result = harvest(text)
    lines = text.replace("\r\n", "\n").count("\n") + 1
    everything = result.questions + result.withdrawn
    ids = [question.id for question in everything]
    assert all(ID.fullmatch(question_id) for question_id in ids)
    assert len(set(ids)) == len(ids)
    for question in everything:
        assert question.question.strip()
        assert 1 <= question.line <= lines
        assert question.followup_of is None or question.followup_of in ids
        assert question.signed == (question.asker is not None)
        if question.asker:
            assert question.askers[0] == question.asker
    for problem in result.problems:
        assert 1 <= problem.line <= lines
    if redirect_target(text) is not None:
        assert result.questions == [] and result.notices


@SETTINGS
@given(st.text(any_character))
def test_any_text_harvests(text):
    check_well_formed(text)


@SETTINGS
@given(wikitextish)
def test_any_wikitext_harvests(text):
    check_well_formed(text)


# --- Ids stay put ------------------------------------------------------------------------

askers = st.sampled_from(["Example Editor", "Пример", "مثال", "198.51.100.23", "2001:db8::7"])


def signature(asker: str, minute: int) -> str:
    link = f"Special:Contributions/{asker}" if asker[0].isdigit() else f"User:{asker}"
    return f"[[{link}|{asker}]] {minute // 60:02d}:{minute % 60:02d}, 2 July 2024 (UTC)"


@st.composite
def base_page(draw) -> list[str]:
    """Blocks of a page: headings and questions in every form, each question with its own text."""
    blocks = [f"== {draw(st.sampled_from(['Trust and Safety', 'UCoC', 'Other']))} =="]
    for number in range(draw(st.integers(1, 8))):
        text = f"Base question {number}?"
        asker, minute = draw(askers), draw(st.integers(0, 3))  # one asker may sign two in a minute
        form = draw(st.sampled_from(["signed", "unsigned", "template", "followup", "section"]))
        if form == "signed":
            blocks.append(f"* {text} {signature(asker, minute)}")
        elif form == "unsigned":
            blocks.append(f"* {text}")
        elif form == "template":
            blocks.append(f"{{{{Conversation hour question\n|topic=Other\n|question={text}\n}}}} "
                          f"{signature(asker, minute)}")
        elif form == "followup":
            blocks.append(f"* {text} {signature(asker, minute)}\n** Base follow-up {number}?")
        else:
            blocks.append(f"== Section {number} ==\n{text}\n\nMore. {signature(asker, minute)}\n:A reply.")
            blocks.append(f"== {draw(st.sampled_from(['Human rights', 'Other']))} ==")
    return blocks


unrelated = st.sampled_from([
    "", "<!-- a note -->", "<!--\n* A hidden question? [[User:Hidden]] 10:00, 2 July 2024 (UTC)\n-->",
    "* Another question? [[User:Someone Else]] 23:00, 9 July 2024 (UTC)",
    "* Yet another, unsigned?", "----", "== Added section ==",
    "<nowiki>* Not a question? [[User:X]] 10:00, 2 July 2024 (UTC)</nowiki>",
    "{{Conversation hour question|question=A new template question?}} [[User:New]] 11:00, 9 July 2024 (UTC)",
])


@SETTINGS
@given(base_page(), st.lists(st.tuples(st.integers(1, 100), unrelated), max_size=6),
       st.booleans())
def test_unrelated_lines_do_not_change_ids(blocks, insertions, instructions):
    base = harvest("\n".join(blocks))
    edited = list(blocks)
    for position, block in insertions:
        edited.insert(1 + position % len(edited), block)  # after the first heading
    if instructions:
        edited.insert(0, "Please ask your questions below.\n\n{{Conversation hour questions header}}")
    after = harvest("\n".join(edited))
    assert base.problems == []
    ids_after = {question.question: question.id for question in after.questions}
    for question in base.questions:
        assert ids_after[question.question] == question.id


# --- Anonymity: nothing of a signature is left in a question ---------------------------

from bot import wikifacts  # noqa: E402
from bot.harvest.signatures import user_of_link  # noqa: E402

_NAMES = st.sampled_from(["Rose Example", "Hb Example", "Ünal Örnek", "Wikipedysta Ala", "مثال", "198.51.100.23"])
_USER_PAGE = st.sampled_from(["User", "user", "Benutzer", "Utilisateur", "Użytkownik", "Użytkowniczka", "مستخدم",
                              ":pl:Wikipedysta", "w:fr:Utilisatrice", "m:User", "mw:User", "Usuário",
                              ":pt:Usuário(a)", "w:pt:Utilizador(a)", ":en:User"])
_TALK_PAGE = st.sampled_from(["User talk", "Benutzer Diskussion", "Dyskusja użytkownika", ":pl:Dyskusja wikipedysty",
                              "Special:Contributions", "Special:EmailUser", "Specjalna:Wkład", "Special:CentralAuth",
                              "Usuário Discussão", "w:pt:Usuário(a) Discussão", "m:User talk"])
_SEPARATOR = st.sampled_from([" ", "&nbsp;", "&#x2009;", " &#124; ", "&#x7C;", " · ", " • ", " | ", " 🌹 ", " 桜 ",
                              " (", ") ", " {", "} ", "<sup>", "</sup>", "<small>", "</small>"])
_WRAP = st.sampled_from([("", ""), ("<span style=\"color:red\">", "</span>"), ("<small>", "</small>"),
                         ("<sup>", "</sup>"), ("<font color=\"green\">", "</font>"), ("'''", "'''")])
_LABEL = st.sampled_from(["{name}", "talk", "[tʰɑk]", "t", "💬", "<b>{first}</b>", "c"])
_AFTER = st.sampled_from(["", ".", ",", ")", "</small>", "</span>", "</div>", "<br />", " {{Z48}}", " <!-- x -->",
                          " (Corrections: 23:46, 8 July 2019 (UTC))", " amended!"])
_LEAD = st.sampled_from(["", " ", " --", " —", " -- ", " &mdash;", " ("])
_AROUND = st.sampled_from([("", ""), ("<div style='x'>", "</div>"), ("<span class=\"sig\">", "</span>"),
                           ("<small>", "</small>"), ("<font face=\"x\">", "</font>"), ("<sup>", "</sup>"),
                           ("<p>", "</p>"), ("<center>", "</center>")])
"""A tag opened before the whole signature and closed after it."""
_WRITTEN_NAME = st.sampled_from(["", "{name}", "{first}", "'''{name}'''", "{underscored}"])
"""The signer's name written in plain text before the links."""


@st.composite
def signatures(draw):
    """A signature in any of the styles people use, and its signer."""
    name = draw(_NAMES)
    links = []
    for number in range(draw(st.integers(1, 4))):
        page = draw(_USER_PAGE) if number == 0 else draw(_TALK_PAGE | _USER_PAGE)
        label = draw(_LABEL).format(name=name, first=name.split()[0])
        opening, closing = draw(_WRAP)
        joint = "/" if page.startswith(("Special", "Specjalna")) else ":"
        links.append(f"{opening}[[{page}{joint}{name}|{label}]]{closing}")
        if number and draw(st.booleans()):
            links.append("[[Project:Physics|p]]")
    if links[-1].startswith("[[Project:"):
        links.pop()  # a signature's links end with the signer's
    body = "".join(link + draw(_SEPARATOR) for link in links[:-1]) + links[-1]
    written = draw(_WRITTEN_NAME).format(name=name, first=name.split()[0], underscored=name.replace(" ", "_"))
    if written:
        body = f" {written} {body}"  # words of their own, after a space
    stamp = draw(st.sampled_from([" 20:21, 25 June 2019 (UTC)", " 05:16, 9 July 2019 (UTC)", ""]))
    after = draw(_AFTER) if stamp else draw(st.sampled_from(["", ".", "</small>", "<br />", " <!-- x -->"]))
    gap = draw(_SEPARATOR | st.just("")) if stamp else ""
    opening, closing = draw(_AROUND) if stamp and not after else ("", "")
    return name, draw(_LEAD) + opening + body + gap + stamp + closing + after


_QUESTION = st.sampled_from(["Why is the report late?", "How are appeals handled?", "What will change",
                             "Could the notes be translated? Thanks", "Is [[Meta:Policy]] final?"])


_ADDITION = st.sampled_from(["", " Edit: clarified.", " Update: and where?", " PS: thanks.", " Also, why Y?"])
"""What the asker adds after signing, signed again (the last one signed or not)."""
_HEADING = st.sampled_from(["== A post ==\n", "== Question from [[User:{link}|{first}]] ==\n",
                            "== A post ([[User talk:{link}|talk]]) ==\n", "== Asked by [[m:User:{link}]] ==\n"])
_WORD = re.compile(r"[^\W\d_]+")


@SETTINGS
@given(_QUESTION, signatures(), signatures(), _ADDITION, st.booleans(),
       st.sampled_from(["== Topic ==\n* ", "post"]), _HEADING)
def test_no_question_keeps_any_part_of_its_signature(question, signature, again, addition, resign, start, heading):
    """Whatever the style of the signature, wherever it stands (after the question, twice on
    its line, in a post's heading), no part of it is left in the question's text or title."""
    name, written = signature
    line = f"{question}{written}"
    if addition:
        second = again[1] if again[0] == name else written
        # unsigned, an addition is only told from a mention of the asker after a timestamp
        line += addition + (second if resign or addition != " Also, why Y?" or "(UTC)" not in written else "")
    if start == "post":
        start = heading.format(link=name.replace(" ", "_"), first=name.split()[0])
    result = harvest(f"{start}{line}\n")
    assert [q.asker for q in result.questions] == [name], line
    words = {word.casefold() for word in _WORD.findall(name) if len(word) > 1}
    for q in result.questions:
        for text in filter(None, (q.question, q.title)):
            assert name.casefold() not in text.casefold(), (line, text)
            for target in re.findall(r"\[\[([^\[\]|\n]*)", text):
                assert user_of_link(target, wikifacts.ENGLISH) is None, (line, text)
            assert "(UTC)" not in text and "talk" not in text, (line, text)
            last = _WORD.findall(re.sub(r"<[^<>]*>", " ", text))[-1:]
            assert not last or last[0].casefold() not in words, (line, text)  # "What is X? Ann"
            assert not re.search(r"<(?!/)[a-z]+\b[^<>]*>\W*\Z", text, re.IGNORECASE), (line, text)


# --- Every signed line is accounted for ---------------------------------------------------------

def _signed(name: str) -> str:
    return f"[[User:{name}|{name}]] ([[User talk:{name}|talk]]) 12:05, 9 March 2025 (UTC)"


THREAD_LINES = [
    "* How do I appeal? " + _signed("Pa"), "* A statement.", "* Unsigned question?", "# Numbered? " + _signed("Pb"),
    "*: You write to us. " + _signed("Pc"), "*: First paragraph.", ":: Why? Because. " + _signed("Pd"),
    "*: And who reviews it? " + _signed("Pe"), ":<s>Wrong answer.</s>", "::<del>It failed.</del> " + _signed("Pf"),
    "::<del>It failed.", "::Still.</del> " + _signed("Pg"), ": How do I report? " + _signed("Ph"), "** [[Foo]]",
    _signed("Pi"), ":" + _signed("Pj"), "{{unsigned|Pk|12:05, 9 March 2025 (UTC)}}", "", "",
    "Prose of a post.", "Is this a post? " + _signed("Pl"), "* <s>Withdrawn?</s> " + _signed("Pm"),
    "Please ask below. " + _signed("Pn"), "*: Answer <s>old</s> new. " + _signed("Po"),
    "<s>", "</s>", "<strike>", "</strike>", "* <s>Struck, unclosed? " + _signed("Pp"),
]


@SETTINGS
@given(st.lists(st.sampled_from(THREAD_LINES), max_size=14), st.sampled_from(["", "== Topic ==\n", "== A post ==\n"]))
def test_no_signed_line_is_dropped_in_silence(lines, heading):
    """Whatever the shape of a thread, each signed line gives a question, a withdrawn question, a
    comment, or a problem naming its line (issue 22: "never a silent drop")."""
    from test_harvest_corpus import accounted, signed_lines

    page = heading + "\n".join(lines) + "\n"
    result = harvest(page)
    assert signed_lines(page, None) <= accounted(result), (page, result)
