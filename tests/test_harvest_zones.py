"""Signature zones as MediaWiki writes them (issue 22, kind 6): the wiki's zone abbreviation,
or, for a zone without one, the bare offset PHP gives (``+03``, ``+0330``); an abbreviation
that names several zones gives no time unless the wiki's own zone settles it.  Pure: no wiki."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.harvest import harvest
from bot.wikifacts import facts_for

MINUTE = datetime(2025, 3, 9, 14, 20, tzinfo=timezone.utc)


def read(line: str, lang: str = "en"):
    result = harvest(f"== Topic ==\n* {line}\n", facts=facts_for(lang))
    [question] = result.questions
    return question, result.problems


@pytest.mark.parametrize("lang, line", [
    ("tr", "Bu açık mı? [[Kullanıcı:Ex|Ex]] ([[Kullanıcı mesaj:Ex|mesaj]]) 17.20, 9 Mart 2025 (+03)"),
    ("fa", "آیا روشن است؟ [[کاربر:Ex|Ex]] ([[بحث کاربر:Ex|بحث]]) ‏۹ مارس ۲۰۲۵، ساعت ۱۷:۵۰ (+0330)"),
    ("vi", "Rõ chưa? [[Thành viên:Ex|Ex]] 21:20, ngày 9 tháng 3 năm 2025 (+07)"),
    ("pt", "Está claro? [[Usuário(a):Ex|Ex]] 11h20min de 9 de março de 2025 (-03)"),
    ("ne", "Is it clear? [[User:Ex|Ex]] 20:05, 9 March 2025 (+0545)"),
    ("en", "Is it clear? [[User:Ex|Ex]] 17:50, 9 March 2025 (+03:30)"),
])
def test_a_zone_written_as_its_bare_offset_is_read(lang, line):
    """Europe/Istanbul, Asia/Tehran, Asia/Ho_Chi_Minh, America/Sao_Paulo have no abbreviation in
    the zone database: MediaWiki writes PHP's ``T`` as it is, the offset itself."""
    question, problems = read(line, lang)
    assert (question.asker, question.timestamp) == ("Ex", MINUTE)
    assert problems == []


def test_an_offset_no_zone_has_is_no_zone():
    question, problems = read("Is it clear? [[User:Ex|Ex]] 14:20, 9 March 2025 (+25)")
    assert question.asker == "Ex" and question.timestamp is None
    assert any("unknown zone" in problem.reason for problem in problems)


@pytest.mark.parametrize("written", ["21:20, 9 มีนาคม 2568 (+07)", "21:20, 9 มีนาคม 2025 (+07)"])
def test_a_thai_signature_counts_its_years_from_the_buddhist_era(written):
    """th writes the year with ``xkY`` (the Thai solar year, 543 after the Gregorian): 2568 is 2025,
    never a date five centuries ahead; a Gregorian year pasted from another wiki stays itself."""
    question, problems = read(f"ชัดเจนไหม? [[ผู้ใช้:Ex|Ex]] ([[คุยกับผู้ใช้:Ex|คุย]]) {written}", "th")
    assert (question.asker, question.timestamp) == ("Ex", MINUTE)
    assert problems == []


@pytest.mark.parametrize("zone", ["PST", "EST", "IST", "CST", "AST"])
def test_an_abbreviation_of_several_zones_gives_no_time(zone):
    """PST is Los Angeles and Manila (tzdata since 2017); EST New York and, before tzdata 2014f,
    eastern Australia: no time rather than a wrong one, and a problem that says so."""
    question, problems = read(f"Is it clear? [[User:Ex|Ex]] 14:20, 9 March 2025 ({zone})")
    assert question.asker == "Ex" and question.timestamp is None
    assert any("ambiguous zone" in problem.reason and zone in problem.reason for problem in problems)


@pytest.mark.parametrize("iana, zone, written", [
    ("America/Los_Angeles", "PST", "06:20, 8 March 2025 (PST)"),
    ("Asia/Manila", "PST", "22:20, 9 March 2025 (PST)"),
    ("America/New_York", "EST", "09:20, 8 March 2025 (EST)"),
    ("Asia/Kolkata", "IST", "19:50, 9 March 2025 (IST)"),
])
def test_the_wikis_own_zone_settles_an_ambiguous_abbreviation(iana, zone, written):
    import dataclasses
    facts = dataclasses.replace(facts_for("en"), zone=iana)
    [question] = harvest(f"== Topic ==\n* Is it clear? [[User:Ex|Ex]] {written}\n", facts=facts).questions
    expected = MINUTE if iana.startswith("Asia") else datetime(2025, 3, 8, 14, 20, tzinfo=timezone.utc)
    assert question.timestamp == expected


@pytest.mark.parametrize("written, minute", [
    ("18:20, 9 March 2012 (MSK)", datetime(2012, 3, 9, 14, 20, tzinfo=timezone.utc)),
    ("17:20, 9 March 2025 (MSK)", MINUTE),
])
def test_a_zone_whose_offset_changed_is_read_at_the_signatures_date(written, minute):
    """Moscow kept "MSK" at UTC+4 from 2011 to 2014: a signature of 2012 is read with +4, not +3."""
    question, problems = read(f"Это ясно? [[Участник:Ex|Ex]] {written}", "ru")
    assert question.timestamp == minute and problems == []


@pytest.mark.parametrize("mark", ["\u061c", "\u200f", "\u2067"])
def test_an_arabic_letter_mark_around_a_signature_leaves_nothing(mark):
    question, problems = read(f"هل هذا واضح؟ {mark}[[مستخدم:Ex|Ex]]{mark} ([[نقاش المستخدم:Ex|نقاش]]) "
                              f"14:20،{mark} 9 مارس 2025 {mark}(ت ع م)", "ar")
    assert (question.asker, question.timestamp) == ("Ex", MINUTE)
    assert question.question == "هل هذا واضح؟" and problems == []
