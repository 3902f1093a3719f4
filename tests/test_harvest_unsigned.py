"""The wikis' own "unsigned" templates (issue 22): a template someone adds after an
unsigned comment ends the comment and names its author, in each wiki's own name for
it, parameter order and date format; its substituted text too.  Pure: no wiki."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import wikifacts
from bot.harvest import harvest
from bot.wikifacts import facts_for, with_unsigned_templates
from test_bad_values import offline  # noqa: F401  (the fixture: notesbot with no wiki reachable)

REPLY = {"es": "*: Escríbenos. [[Usuario:Bea Reply|Bea Reply]] 14:25, 9 mar 2025 (UTC)",
         "en": "*: You write to us. [[User:Bea Reply|Bea Reply]] 14:25, 9 March 2025 (UTC)",
         "de": "*: Man schreibt uns. [[Benutzer:Bea Reply|Bea Reply]] 14:25, 9. Mär. 2025 (CET)",
         "fr": "*: Écrivez-nous. [[Utilisateur:Bea Reply|Bea Reply]] 9 mars 2025 à 14:25 (CET)",
         "pl": "*: Piszcie. [[Wikipedysta:Bea Reply|Bea Reply]] 14:25, 9 mar 2025 (CET)"}


def utc(*parts):
    return datetime(*parts, tzinfo=timezone.utc)


def thread(line: str, lang: str, facts=None):
    """A question signed by ``line``'s template, and a signed reply under it."""
    return harvest(f"== Topic ==\n* How do I appeal? {line}\n{REPLY[lang]}\n", facts=facts or facts_for(lang))


@pytest.mark.parametrize("lang, template, asker, moment", [
    ("de", "{{unsigniert|203.0.113.9|09:12, 3. Feb. 2016 (CET)}}", "203.0.113.9", utc(2016, 2, 3, 8, 12)),
    ("de", "{{Unsigniert|Ann Example|12. März 2011, 14:05 Uhr}}", "Ann Example", utc(2011, 3, 12, 13, 5)),
    ("de", "{{unsigned|Ann Example|12. März 2011, 14:05 Uhr}}", "Ann Example", utc(2011, 3, 12, 13, 5)),
    ("de", "{{subst:Nicht signiert|Ann Example|1. Juli 2024, 09:30 Uhr}}", "Ann Example", utc(2024, 7, 1, 7, 30)),
    ("fr", "{{non signé|Ann Example|9 mars 2025 à 14:20}}", "Ann Example", utc(2025, 3, 9, 13, 20)),
    ("fr", "{{Non signé|203.0.113.9|9 mars 2025 à 14:20 (CET)}}", "203.0.113.9", utc(2025, 3, 9, 13, 20)),
    ("en", "{{Unsigned IP|203.0.113.9|09:12, 3 February 2016 (UTC)}}", "203.0.113.9", utc(2016, 2, 3, 9, 12)),
    ("en", "{{unsigned2|09:12, 3 February 2016 (UTC)|Ann Example}}", "Ann Example", utc(2016, 2, 3, 9, 12)),
    ("en", "{{Unsigned|09:12, 3 February 2016 (UTC)|Ann Example}}", "Ann Example", utc(2016, 2, 3, 9, 12)),
    ("en", "{{UnsignedIP2|09:12, 3 February 2016 (UTC)|203.0.113.9}}", "203.0.113.9", utc(2016, 2, 3, 9, 12)),
    ("pl", "{{niepodpisany|Ann Example|14:05, 12 mar 2011}}", "Ann Example", utc(2011, 3, 12, 13, 5)),
    ("en", "{{unsigned|[[User:Ann Example|Ann]]|09:12, 3 February 2016 (UTC)}}", "Ann Example",
     utc(2016, 2, 3, 9, 12)),
    ("de", "{{unsigniert|Benutzer:Ann Example|09:12, 3. Feb. 2016 (CET)}}", "Ann Example", utc(2016, 2, 3, 8, 12)),
    ("en", "{{Unsigned IP|2001:db8::1|09:12, 3 February 2016 (UTC)}}", "2001:DB8:0:0:0:0:0:1", utc(2016, 2, 3, 9, 12)),
])
def test_the_wikis_own_unsigned_template_ends_the_question_and_names_its_asker(lang, template, asker, moment):
    """The template's user is the asker, its date (the wiki's own format, the wiki's zone when none
    is written) the time; the answerer below is a comment, never the asker."""
    result = thread(template, lang)
    [question] = result.questions
    assert (question.asker, question.timestamp) == (asker, moment)
    assert question.question == "How do I appeal?"
    assert len(question.comments) == 1 and "Bea Reply" not in question.question
    assert result.problems == []


@pytest.mark.parametrize("lang, text, asker", [
    ("de", "<small>(''nicht [[Hilfe:Signatur|signierter]] Beitrag von'' [[Spezial:Beiträge/203.0.113.9|"
           "203.0.113.9]] ([[Benutzer Diskussion:203.0.113.9|Diskussion]]) 18:07, 16. Mai 2011 (CEST))</small>",
     "203.0.113.9"),
    ("de", "<small>(''ohne Benutzername [[Hilfe:Signatur|signierter]] Beitrag von'' [[Spezial:Beiträge/"
           "203.0.113.9|203.0.113.9]] ([[Benutzer Diskussion:203.0.113.9|Diskussion]]) 18:07, 16. Mai 2011 (CEST))"
           "</small>", "203.0.113.9"),
    ("de", "<small>(''Der vorstehende, nicht signierte Beitrag – siehe dazu [[Hilfe:Signatur]] – stammt von'' "
           "[[Benutzer:Ann Example|Ann Example]] ([[Benutzer Diskussion:Ann Example|Diskussion]] • "
           "[[Spezial:Beiträge/Ann Example|Beiträge]]) 18:07, 16. Mai 2011 (CEST))</small>", "Ann Example"),
    ("fr", "<small>— Le message qui précède, [[Aide:Signature|non signé]], a été déposé par "
           "[[Utilisateur:Ann Example|Ann Example]] ([[Discussion utilisateur:Ann Example|discuter]]), le "
           "16 mai 2011 à 18:07 (CEST).</small>", "Ann Example"),
    ("en", "<small><span class=\"autosigned\">—&nbsp;Preceding [[Wikipedia:Signatures|unsigned]] comment added "
           "by [[User:Ann Example|Ann Example]] ([[User talk:Ann Example#top|talk]] • "
           "[[Special:Contributions/Ann Example|contribs]]) 16:07, 16 May 2011 (UTC)</span></small>", "Ann Example"),
])
def test_a_substituted_unsigned_template_leaves_nothing_in_the_question(lang, text, asker):
    """What a substituted template writes ("nicht signierter Beitrag von", "Preceding unsigned
    comment added by") is the signature's, not the question's."""
    [question] = thread(text, lang).questions
    assert question.asker == asker and question.timestamp == utc(2011, 5, 16, 16, 7)
    assert question.question == "How do I appeal?"


def test_a_date_without_zone_on_a_wiki_of_unknown_zone_gives_no_time_and_says_so():
    """No zone written and none known for the wiki: no time, rather than a guessed one."""
    facts = with_unsigned_templates(facts_for("ja"), ["未署名"])
    result = harvest("== Topic ==\n* 質問ですか? {{未署名|Ann Example|14:05, 12 March 2011}}\n", facts=facts)
    [question] = result.questions
    assert question.asker == "Ann Example" and question.timestamp is None
    assert any("no zone" in problem.reason for problem in result.problems)


def test_a_series_adds_its_own_unsigned_templates_with_their_parameter_order():
    """A template the data file lacks is read once the configuration names it, in the order it gives."""
    line = "{{Posted by|09:12, 3 February 2016 (UTC)|Ann Example}}"
    assert thread(line, "en").questions[0].asker is None  # unknown: not a signature
    facts = with_unsigned_templates(facts_for("en"), ["Posted by|2|1"])
    [question] = thread(line, "en", facts).questions
    assert (question.asker, question.timestamp) == ("Ann Example", utc(2016, 2, 3, 9, 12))
    with pytest.raises(ValueError, match="Name|USER|DATE"):
        with_unsigned_templates(facts, ["Posted by|2"])


def test_one_wikis_unsigned_template_is_not_another_wikis():
    """{{unsigniert}} is German Wikipedia's: on a French page it is an unknown template, not a signature."""
    result = harvest("== Topic ==\n* Comment faire ? {{unsigniert|Ann Example|12. März 2011, 14:05 Uhr}}\n",
                     facts=facts_for("fr"))
    assert [question.asker for question in result.questions] == [None]


def test_every_data_file_entry_says_where_it_comes_from_and_reads():
    """Each language's entry names its source; its templates are read by the facts of its language."""
    data = json.loads(resources.files("bot").joinpath("data/unsigned.json").read_text(encoding="utf-8"))
    for code, entry in data["languages"].items():
        assert entry["source"].startswith("https://"), code
        assert entry.get("zone") is None or entry["zone_source"], code
        facts = facts_for(code)
        names = {wikifacts.template_key(t.name) for t in facts.unsigned_templates}
        assert {wikifacts.template_key(t["name"]) for t in entry["templates"]} <= names
        for template in entry["templates"]:
            line = "{{" + template["name"] + "|" + "|".join(
                "Ann Example" if str(position) in template["user"] else "14:05, 12 March 2011 (UTC)"
                for position in (1, 2)) + "}}"
            [question] = harvest("== Topic ==\n* Why? " + line + "\n", facts=facts).questions
            assert question.asker == "Ann Example", (code, template["name"])


def test_the_configuration_names_a_series_own_unsigned_templates(offline, tmp_path):
    """The seam: ``unsigned_templates`` in a series' configuration reaches ``harvest --file``;
    a template written wrong stops the command with one line naming its key."""
    page = tmp_path / "questions.wiki"
    page.write_text("== Topic ==\n* How do I appeal? {{Posted by|09:12, 3 February 2016 (UTC)|Ann Example}}\n",
                    encoding="utf-8")
    config = tmp_path / "notesbot.json"
    config.write_text(json.dumps({"series": [{"unsigned_templates": ["Posted by|2|1"]}]}), encoding="utf-8")
    done = offline("--config", str(config), "harvest", "--file", str(page), "--json")
    assert done.returncode == 0, done.stderr
    [question] = json.loads(done.stdout)
    assert question["asker"] == "Ann Example" and question["question"] == "How do I appeal?"
    config.write_text(json.dumps({"series": [{"unsigned_templates": ["Posted by|2"]}]}), encoding="utf-8")
    done = offline("--config", str(config), "harvest", "--file", str(page), "--json")
    assert done.returncode == 2 and "series[0].unsigned_templates[0]" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_series_selects_another_languages_templates():
    """``lang:de`` on an English wiki reads German Wikipedia's templates, substituted texts and dates
    (a date without a zone in the wiki's own, here UTC)."""
    line = "{{unsigniert|Ann Example|12. März 2011, 14:05 Uhr}}"
    assert thread(line, "en").questions[0].asker is None
    facts = with_unsigned_templates(facts_for("en"), ["lang:de"])
    [question] = thread(line, "en", facts).questions
    assert (question.asker, question.timestamp) == ("Ann Example", utc(2011, 3, 12, 14, 5))
    substituted = ("<small>(''nicht [[Hilfe:Signatur|signierter]] Beitrag von'' [[User:Ann Example|Ann Example]] "
                   "([[User talk:Ann Example|Diskussion]]) 09:12, 3 February 2016 (UTC))</small>")
    [question] = thread(substituted, "en", facts).questions
    assert question.question == "How do I appeal?"
    assert wikifacts.unsigned_spec_problem("lang:xx").startswith("'lang:xx': no such language")
    assert wikifacts.unsigned_spec_problem("lang:de") is None


@pytest.mark.parametrize("lang, written, asker, moment", [
    ("en", "{{unsigned ip|203.0.113.9|14:20, 9 March 2025 (UTC)}}", "203.0.113.9", utc(2025, 3, 9, 14, 20)),
    ("en", "{{unsigned2|14:20, 9 March 2025 (UTC)|Ex}}", "Ex", utc(2025, 3, 9, 14, 20)),
    ("en", "{{unsigned|Ex|14:20, 9 March 2025 (UTC)}}.", "Ex", utc(2025, 3, 9, 14, 20)),
    ("fr", "{{non signé|Ex|9 mars 2025 à 15:20 (CET)}}.", "Ex", utc(2025, 3, 9, 14, 20)),
    ("de", "{{unsigniert|Ex|15:20, 9. Mär. 2025 (CET)}} ", "Ex", utc(2025, 3, 9, 14, 20)),
])
def test_an_unsigned_template_in_another_case_or_with_a_stop_after_it_signs(lang, written, asker, moment):
    """The template is found case-insensitively, so it is read so too (``{{unsigned ip}}`` once broke
    the line, and lost the question and its replies); a full stop after it does not hide it."""
    result = thread(written, lang)
    [question] = result.questions
    assert (question.asker, question.timestamp) == (asker, moment)
    assert question.question == "How do I appeal?" and len(question.comments) == 1
    assert result.problems == []


@pytest.mark.parametrize("lang, text", [
    ("de", "<small>(''[[Hilfe:Signatur|nicht signierter]] Beitrag von'' [[Benutzer:Ann Example|Ann Example]] "
           "([[Benutzer Diskussion:Ann Example|Diskussion]]) 18:07, 16. Mai 2011 (CEST))</small>"),
    ("pl", "<small>[[Wikipedia:Podpisuj się|Niepodpisany komentarz]] użytkownika [[Wikipedysta:Ann Example|"
           "Ann Example]] ([[Dyskusja wikipedysty:Ann Example|dyskusja]]) 18:07, 16 maj 2011 (CEST)</small>"),
    ("es", "<small>[[Wikipedia:Firma|Comentario anterior sin firmar]] añadido por [[Usuario:Ann Example|"
           "Ann Example]] ([[Usuario discusión:Ann Example|disc.]]) 16:07 16 may 2011 (UTC)</small>"),
])
def test_a_substituted_text_whose_first_words_are_a_link_leaves_nothing(lang, text):
    """The link to the help page may wrap the first words of the note, not only a middle one."""
    [question] = thread(text, lang).questions
    assert question.asker == "Ann Example" and question.timestamp == utc(2011, 5, 16, 16, 7)
    assert question.question == "How do I appeal?"


NAMES = {"de": "unsigniert", "fr": "non signé", "es": "sin firmar", "it": "non firmato", "pt": "não assinado",
         "pl": "niepodpisany", "en": "unsigned"}


@pytest.mark.parametrize("lang, written, moment", [
    # German abbreviations with a dot, and the irregular ones (Duden; Austrian Jänner)
    ("de", "12. Mrz. 2011, 14:05 Uhr", utc(2011, 3, 12, 13, 5)),
    ("de", "12. Febr. 2011, 14:05 Uhr", utc(2011, 2, 12, 13, 5)),
    ("de", "12. Jän. 2011, 14:05", utc(2011, 1, 12, 13, 5)),
    ("de", "12. Jänner 2011, 14:05", utc(2011, 1, 12, 13, 5)),
    # numeric German dates (DIN 5008), with "Uhr" or "um", the time first or last
    ("de", "9.3.2025, 15:20", utc(2025, 3, 9, 14, 20)),
    ("de", "09.03.2025 15:20 Uhr", utc(2025, 3, 9, 14, 20)),
    ("de", "09.03.2025, 15:20", utc(2025, 3, 9, 14, 20)),
    ("de", "15:20, 9.3.2025", utc(2025, 3, 9, 14, 20)),
    ("de", "9.3.2025 um 15:20 Uhr", utc(2025, 3, 9, 14, 20)),
    ("de", "9. März 2025 um 15:20 Uhr", utc(2025, 3, 9, 14, 20)),
    ("de", "9.7.2025, 15:20", utc(2025, 7, 9, 13, 20)),  # summer: CEST
    # other languages' usual forms
    ("fr", "9 mars 2025 à 15h20", utc(2025, 3, 9, 14, 20)),
    ("fr", "09/03/2025 à 15:20", utc(2025, 3, 9, 14, 20)),
    ("fr", "9 févr. 2025 à 15:20", utc(2025, 2, 9, 14, 20)),
    ("es", "9 de marzo de 2025 a las 15:20", utc(2025, 3, 9, 15, 20)),
    ("es", "09/03/2025 15:20", utc(2025, 3, 9, 15, 20)),
    ("es", "9 set 2025 15:20", utc(2025, 9, 9, 15, 20)),
    ("it", "09/03/2025 alle 15:20", utc(2025, 3, 9, 14, 20)),
    ("it", "9 sett 2025 alle 15:20", utc(2025, 9, 9, 13, 20)),
    ("pt", "09/03/2025 às 15h20", utc(2025, 3, 9, 15, 20)),
    ("pl", "9.03.2025, 15:20", utc(2025, 3, 9, 14, 20)),
    # what cannot be read keeps its asker and gets no time: never a wrong one
    ("de", "9.3.25, 15:20", None),
    ("de", "31.02.2025, 15:20", None),
    ("de", "13.13.2025 15:20", None),
    ("de", "1122025, 1520", None),
    ("de", "gestern", None),
    ("en", "3/9/2025 15:20", None),  # March 9 or 3 September: English writes both
    ("en", "9.3.2025, 15:20", None),
])
def test_an_unsigned_templates_date_in_the_wikis_own_usual_forms(lang, written, moment):
    """The date someone wrote in the template by hand, as that language writes dates, without a
    zone: in the wiki's own (the data file's zone of its Wikipedia)."""
    result = harvest(f"== Topic ==\n* How do I appeal? {{{{{NAMES[lang]}|Ann Example|{written}}}}}\n",
                     facts=facts_for(lang))
    [question] = result.questions
    assert (question.asker, question.timestamp, question.question) == ("Ann Example", moment, "How do I appeal?")
    assert (moment is None) == any(problem.line == 2 and "no time" in problem.reason for problem in result.problems)


@settings(max_examples=150, deadline=None)
@given(st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2030, 12, 31)), st.booleans(),
       st.sampled_from(["{d}.{m}.{y}, {t}", "{d}.{m}.{y} {t} Uhr", "{d}.{m}.{y} um {t} Uhr", "{t}, {d}.{m}.{y}"]))
def test_a_numeric_german_date_reads_to_its_very_minute(moment, padded, form):
    """Whatever the day, month and year, written the German way with or without leading zeros."""
    from zoneinfo import ZoneInfo
    moment = moment.replace(second=0, microsecond=0)
    pad = "02" if padded else ""
    written = form.format(d=format(moment.day, pad), m=format(moment.month, pad), y=moment.year,
                          t=f"{moment.hour:{pad}}:{moment.minute:02}")
    [question] = harvest(f"== Topic ==\n* Why? {{{{unsigniert|Ann Example|{written}}}}}\n",
                         facts=facts_for("de")).questions
    expected = moment.replace(tzinfo=ZoneInfo("Europe/Berlin")).astimezone(timezone.utc)
    assert question.timestamp == expected, written


@pytest.mark.parametrize("lang, line, asker, moment", [
    # ru.wikipedia's {{Не подписано}} and its redirects: 1 user, 2 date; a date without zone is UTC
    ("ru", "{{Не подписано|Ann Example|18:17, 29 апреля 2007 (UTC)}}", "Ann Example", utc(2007, 4, 29, 18, 17)),
    ("ru", "{{нпп|Ann Example|18:17, 29 апреля 2007}}", "Ann Example", utc(2007, 4, 29, 18, 17)),
    ("ru", "{{Неподписано|Ann Example|09.03.2025 15:20}}", "Ann Example", utc(2025, 3, 9, 15, 20)),
    ("ru", "{{Без подписи|203.0.113.9|9 марта 2025 в 15:20}}", "203.0.113.9", utc(2025, 3, 9, 15, 20)),
    ("ru", "<small>— Эта реплика добавлена участником [[Участник:Ann Example|Ann Example]] ([[Обсуждение "
           "участника:Ann Example|о]] · [[Служебная:Вклад/Ann Example|в]]) 18:17, 29 апреля 2007 (UTC)</small>",
     "Ann Example", utc(2007, 4, 29, 18, 17)),
    # bg.wikipedia's {{Неподписано|user|date|oldid|TZ}}: the zone apart, UTC by default
    ("bg", "{{неподписано|Ann Example|10:42, 17 август 2008}}", "Ann Example", utc(2008, 8, 17, 10, 42)),
    ("bg", "{{Неподписано|Ann Example|10:42, 17 август 2008|123|EEST}}", "Ann Example", utc(2008, 8, 17, 7, 42)),
    ("bg", "{{Неподписано|Ann Example|10:42, 17 август 2008||XYZ}}", "Ann Example", None),
    ("bg", "— Предният неподписан коментар е направен от [[Потребител:Ann Example|Ann Example]] ([[Специални:"
           "Приноси/Ann Example|приноси]] • [[Потребител беседа:Ann Example|беседа]]) 10:42, 17 август 2008 (UTC)",
     "Ann Example", utc(2008, 8, 17, 10, 42)),
    # vi.wikipedia's {{Vô danh}}: 1 user, 2 date, in UTC
    ("vi", "{{Vô danh|Ann Example|12:34 UTC 6 tháng 3 năm 2013}}", "Ann Example", utc(2013, 3, 6, 12, 34)),
    ("vi", "{{vô danh|Ann Example|12:34, ngày 6 tháng 3 năm 2013 (UTC)}}", "Ann Example", utc(2013, 3, 6, 12, 34)),
    ("vi", "thảo luận quên ký tên này là của [[Thành viên:Ann Example|Ann Example]] ([[Thảo luận Thành viên:Ann "
           "Example|thảo luận]] • [[Đặc biệt:Đóng góp/Ann Example|đóng góp]]) vào lúc 12:34, ngày 6 tháng 3 năm "
           "2013 (UTC)", "Ann Example", utc(2013, 3, 6, 12, 34)),
])
def test_the_unsigned_templates_of_more_wikis_sign(lang, line, asker, moment):
    """Each as the data file says, from the template's own page on its wiki: the user is the asker,
    the date (and a zone given apart) the time; what cannot be read gives no time, never a wrong one."""
    result = harvest(f"== Topic ==\n* Как? {line}\n", facts=facts_for(lang))
    [question] = result.questions
    assert (question.asker, question.timestamp, question.question) == (asker, moment, "Как?")
    assert (moment is None) == bool(result.problems)


def test_one_wikis_new_templates_are_not_another_wikis():
    """{{Не подписано}} is ru.wikipedia's: on Meta-wiki it is an unknown template, not a signature,
    until a series selects ``lang:ru``."""
    line = "{{Не подписано|Ann Example|18:17, 29 April 2007 (UTC)}}"
    assert thread(line, "en").questions[0].asker is None
    [question] = thread(line, "en", with_unsigned_templates(facts_for("en"), ["lang:ru"])).questions
    assert (question.asker, question.timestamp) == ("Ann Example", utc(2007, 4, 29, 18, 17))
