"""Harvesting on a Polish-language wiki in Warsaw time: the facts read from the
site itself (``meta=siteinfo|allmessages``), the signatures its own ``~~~~``
writes, and the ones people bring from plwiki, Meta and elsewhere."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest
from scenario import Scenario
from wikiclient import start_wiki, stop_wiki

pytestmark = pytest.mark.wiki

HEADER = """{{Conversation hour questions header
| session = SESSION
| deadline = 2030-01-01T17:00:00Z
}}
"""

# (line as written, asker, minute in UTC): the forms of signatures people bring.
HANDWRITTEN = [
    ("* Czy notatki będą po polsku? [[Wikipedysta:Anna Przykład|Anna]] "
     "([[Dyskusja wikipedysty:Anna Przykład|dyskusja]]) 08:23, 29 wrz 2018 (CEST)",
     "Anna Przykład", "2018-09-29T06:23:00Z"),
    ("* Kto odpowiada na pytania zadane po terminie? [[Wikipedystka:Ewa Wzór|Ewa]] "
     "([[Dyskusja wikipedystki:Ewa Wzór|dyskusja]]) 14:05, 3 sty 2019 (CET)",
     "Ewa Wzór", "2019-01-03T13:05:00Z"),
    ("* Czy będzie nagranie? [[Użytkowniczka:Maria Próbna|Maria]] · "
     "[[Specjalna:Wkład/Maria Próbna|wkład]] 21:40, 31 paź 2023 (CET).",
     "Maria Próbna", "2023-10-31T20:40:00Z"),
    ("* Jak zgłosić nadużycie? [[:pl:Wikipedysta:Jan Testowy|Jan]] "
     "([[:pl:Dyskusja wikipedysty:Jan Testowy|dyskusja]]) 09:15, 2 lipca 2024 (CEST)",
     "Jan Testowy", "2024-07-02T07:15:00Z"),
    ("* Does this work with signatures from other wikis too? [[m:User:Meta Example|Meta Example]] "
     "([[m:User talk:Meta Example|talk]]) 10:00, 1 July 2024 (UTC)",
     "Meta Example", "2024-07-01T10:00:00Z"),
]

SIGNATURE_PARTS = ("Użytkownik", "Wikipedyst", "Użytkowniczka", "Specjalna", "dyskusja", "wkład",
                   "User", "[[", "]]", "CET", "CEST", "UTC", "gru", "wrz", "sty", "paź", "lipca")


@pytest.fixture(scope="module")
def plwiki(tmp_path_factory):
    """A local wiki in Polish (content language ``pl``) whose signatures are in Warsaw time."""
    dir = tmp_path_factory.mktemp("plwiki") / "wiki"
    lw = start_wiki(dir, lang="pl", timezone="Europe/Warsaw")
    yield lw
    stop_wiki(dir)


def test_the_polish_wiki_signs_in_its_own_words(plwiki, tmp_path):
    """What ``~~~~`` gives there (the forms the harvest must read): Polish namespace
    names, Polish short month names and the zone's abbreviation."""
    s = Scenario(plwiki, tmp_path)
    title = s.prefix + "/Podpis"
    s.member.edit(title, "~~~~")
    signed = s.member.text(title)
    assert signed.startswith("[[Użytkownik:Community Member|Community Member]] "
                             "([[Dyskusja użytkownika:Community Member|dyskusja]]) ")
    assert signed.endswith(("(CET)", "(CEST)"))


def test_harvest_reads_polish_signatures_online_with_the_sites_facts(plwiki, tmp_path):
    s = Scenario(plwiki, tmp_path)
    title = s.questions("2030-01-01")
    text = HEADER.replace("SESSION", s.session("2030-01-01")) + "\n== Pytania ==\n"
    text += "\n".join(line for line, _, _ in HANDWRITTEN) + "\n"
    s.member.edit(title, text, "Pytania")
    # Two questions signed by the wiki itself, by two people.
    s.member.edit(title, s.member.text(title) + "\n* Gdzie są notatki z poprzedniej sesji? ~~~~\n", "Pytanie")
    s.staff.edit(title, s.staff.text(title) + "\n* Czy można pytać anonimowo? ~~~~\n", "Pytanie")
    revisions = s.reader.revisions(title)
    saved = s.reader.text(title)
    assert "[[Użytkownik:Staff Member|Staff Member]]" in saved

    result = s.run_ok("harvest", "--page", title, "--json")
    questions = json.loads(result.stdout)

    def minute(timestamp: str) -> str:
        moment = datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        return (moment - timedelta(seconds=moment.second)).strftime("%Y-%m-%dT%H:%M:%SZ")

    expected = [(asker, when) for _, asker, when in HANDWRITTEN]
    expected += [("Community Member", minute(revisions[1]["timestamp"])),
                 ("Staff Member", minute(revisions[2]["timestamp"]))]
    assert [(q["asker"], q["timestamp"]) for q in questions] == expected
    assert all(q["signed"] for q in questions)
    assert [q["question"] for q in questions] == [
        "Czy notatki będą po polsku?",
        "Kto odpowiada na pytania zadane po terminie?",
        "Czy będzie nagranie?",
        "Jak zgłosić nadużycie?",
        "Does this work with signatures from other wikis too?",
        "Gdzie są notatki z poprzedniej sesji?",
        "Czy można pytać anonimowo?",
    ]
    for q in questions:
        for part in SIGNATURE_PARTS + tuple(q["asker"].split()):
            assert part not in q["question"], (part, q["question"])
            assert part not in (q.get("title") or ""), (part, q)


def test_publishing_on_the_polish_wiki_marks_every_question(plwiki, tmp_path):
    """The marks step harvests the questions page again: with the site's own
    facts, as the draft's harvest did, or the Polish signatures give other ids
    and no question gets its mark."""
    s = Scenario(plwiki, tmp_path)
    day = "2024-07-11"
    title = s.questions(day)
    text = HEADER.replace("SESSION", s.session(day)) + "\n== Pytania ==\n"
    text += "\n".join(line for line, _, _ in HANDWRITTEN) + "\n"
    s.member.edit(title, text, "Pytania")
    s.run_ok("harvest", "--session", day, "--to-draft", "-always")
    draft = s.staff.text(s.draft(day))
    answered = "\n".join(line + ("\n: Maggie: Tak." if line.startswith('* <span id="q-') else "")
                         for line in draft.split("\n"))
    answered = re.sub(r"(\|\s*status\s*=\s*)[^|\n}]*", r"\1ready", answered, count=1)
    s.staff.edit(s.draft(day), answered, "Odpowiedzi")
    s.run_ok("publish", day, "-always")
    marked = s.reader.text(title).split("\n")
    for line, asker, _ in HANDWRITTEN:
        on = [m for m in marked if m.startswith(line[:40])]
        assert len(on) == 1 and "{{Conversation hour answered|" in on[0], (asker, on)


def test_the_polish_wikis_unsigned_template_is_read_in_its_zone_online(plwiki, tmp_path):
    """The seam from the site's facts to the data file: on a Polish wiki, {{niepodpisany}} (and
    Meta-wiki's {{unsigned}}) sign the question above a reply, and a date written without a zone
    is in the site's own zone (Warsaw: UTC+1 in March); the answerer below is no asker."""
    s = Scenario(plwiki, tmp_path)
    title = s.questions("2030-01-02")
    text = HEADER.replace("SESSION", s.session("2030-01-02")) + "\n== Pytania ==\n"
    text += ("* Czy można pytać anonimowo? {{niepodpisany|Anna Przykład|14:05, 12 mar 2011}}\n"
             "*: Tak. [[Wikipedysta:Jan Testowy|Jan]] 09:15, 2 lipca 2024 (CEST)\n"
             "* Kto czyta pytania? {{unsigned2|10:00, 1 July 2024 (UTC)|Ewa Wzór}}\n")
    s.member.edit(title, text, "Pytania")
    questions = json.loads(s.run_ok("harvest", "--page", title, "--json").stdout)
    assert [(q["asker"], q["timestamp"], q["question"], len(q["comments"])) for q in questions] == [
        ("Anna Przykład", "2011-03-12T13:05:00Z", "Czy można pytać anonimowo?", 1),
        ("Ewa Wzór", "2024-07-01T10:00:00Z", "Kto czyta pytania?", 0),
    ]
