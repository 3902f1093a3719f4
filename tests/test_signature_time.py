"""``wikifacts.signature_time``: a signature's timestamp in any language, found
by the month names a text holds, against the one regular expression of every
month name it replaces (kept here as the reference)."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import wikifacts
from bot.wikifacts import signature_times


def _every_month_name() -> set[str]:
    """Every language's month names as the former code gathered them: from
    each language's facts, not from the index under test."""
    names: set[str] = set(wikifacts.MONTH_NUMBERS)
    for code in wikifacts._language_data():
        names.update(wikifacts.facts_for(code).month_numbers)
    return names


def _reference_pattern() -> re.Pattern[str]:
    """The former ``signature_time_pattern()``: every month name in one alternation."""
    names = sorted(_every_month_name(), key=len, reverse=True)
    month = "(?:" + "|".join(re.escape(name) for name in names) + r")\.?"
    day, year = r"[0-9]{1,2}\.?", r"[0-9]{4}"
    date = (rf"(?:{day}\s*(?:de\s+)?{month}\s*(?:de\s+)?,?\s*{year}|{month}\s*{day},?\s*{year}"
            rf"|{year}\s*[年년.\-/]?\s*(?:{month}|[0-9]{{1,2}})\s*[月월.\-/]?\s*[0-9]{{1,2}}\s*[日일.]?"
            rf"|[0-9]{{1,2}}\s*[./\-]\s*[0-9]{{1,2}}\s*[./\-]\s*{year})")
    clock = wikifacts.SIGNATURE_CLOCK.pattern
    zone = (r"\(\s*(?:[^\W\d_]{1,6}(?:\s[^\W\d_]{1,3}){0,2}(?:\s*[+−-]\s*[0-9]{1,2}(?::?[0-9]{2})?)?"
            r"|[+−-][0-9]{2}(?::?[0-9]{2})?)\s*\)")
    return re.compile(rf"(?:{clock}[^\n()\[\]{{}}]{{0,12}}?{date}"
                      rf"|(?<![0-9]){date}[\s,.،]*(?:\([^()\n]{{1,6}}\)[\s,.]*)?{clock})"
                      rf"\s*{zone}", re.IGNORECASE)


@pytest.fixture(scope="module")
def reference() -> re.Pattern[str]:
    return _reference_pattern()


NAMES = sorted(_every_month_name())

# Pieces of real signatures' timestamps, and of what stands around them.
_piece = st.one_of(
    st.sampled_from(NAMES),
    st.sampled_from(NAMES).map(str.upper),
    st.sampled_from(NAMES).map(str.title),
    st.integers(0, 99).map(str),
    st.integers(1900, 2099).map(str),
    st.sampled_from(["14:20", "9:05", "08 h 23", "23.59", "(UTC)", "(CEST)", "(UTC+2)", "(+03)", "(ت ع م)",
                     "(土)", "年", "月", "日", "de", ",", ".", "-", "/", "(", ")", "[[User:A|A]]", "’"]),
    st.text(alphabet="abcxyzéß ", min_size=1, max_size=4),
)
_separator = st.sampled_from([" ", "  ", ", ", "\n", "", ". "])


@st.composite
def _texts(draw) -> str:
    pieces = draw(st.lists(st.tuples(_piece, _separator), max_size=14))
    return "".join(piece + separator for piece, separator in pieces)


def _real_signatures() -> list[str]:
    return ["Question? [[User:Ex|Ex]] 08:23, 29 wrz 2018 (CEST)",
            "Question? 10:00, 25 Jun 2019 (UTC)",
            "質問 2018年9月29日 (土) 08:23 (JST)",
            "Frage 14:05, 12. Mär. 2011 (CET)",
            "Pregunta 14:20 29 de marzo de 2018 (UTC)",
            "Вопрос 12:30, 5 мая 2020 (MSK)",
            "Question 9 March 2025 14:20 (IST)",
            "سؤال 14:20، 9 مارس 2025 (ت ع م)",
            "ask 14:20, 09.03.2025 (CET)",
            "ok 14:20, 9 févr. 2025 (CET)",
            "ok 14:20, 9 juil. 2025 (CEST)",
            "Frage 14:20, 9. Feber 2025 (CET)",
            "Soru 14:20, 9 KASIM 2025 (TRT)",
            "Soru 14:20, 9 NİSAN 2025 (+03)",
            "Soru 14:20, 9 Mayıs 2025 (+03)",
            "問 2025年三月9日 (日) 14:20 (UTC)",
            "問 14:20, 2025年三月9日 (UTC)"]


@pytest.mark.parametrize("text", _real_signatures())
def test_a_timestamp_in_any_language_is_found(text: str, reference: re.Pattern[str]) -> None:
    assert reference.search(text), text
    found = wikifacts.signature_time(text)
    assert found is not None and found.start() == reference.search(text).start()


@pytest.mark.parametrize("text", ["The session is at 14:20 UTC on 9 March.", "14:20 (UTC)",
                                  "Between 9:00 and 10:00, 2025 (soon)", "Ratio 3:20, see March"])
def test_a_time_alone_is_not_a_timestamp(text: str, reference: re.Pattern[str]) -> None:
    assert reference.search(text) is None
    assert wikifacts.signature_time(text) is None


@pytest.mark.slow
@settings(max_examples=600, deadline=None)
@given(_texts())
def test_it_finds_what_one_pattern_of_every_month_name_found(reference: re.Pattern[str], text: str) -> None:
    expected = reference.search(text)
    found = wikifacts.signature_time(text)
    assert (found and found.start()) == (expected and expected.start()), (text, expected, found)


@pytest.mark.parametrize("before", [" ", "9", "9.", "(", "’", "\n"])
def test_every_month_name_is_found_where_a_date_can_hold_it(before: str) -> None:
    """Each of the 5,754 names, after what can stand before a month in a
    timestamp; and never inside a word (``Xmarch``)."""
    months = wikifacts._month_names()
    fold = signature_times.fold
    missed = [name for name in NAMES if fold(name) not in months.in_text(fold(f"x{before}{name} 2025"))]
    assert not missed, f"{len(missed)} names not found after {before!r}: {missed[:10]}"
    assert "march" not in months.in_text("xmarch 2025")


@pytest.mark.slow
def test_a_text_of_many_month_names_is_searched_in_groups(reference: re.Pattern[str]) -> None:
    """Many names near times of day are searched with fixed groups of names
    (each compiled once a run), not a pattern of each text's own set; names
    far from any time of day are not looked for at all."""
    many = " 14:20 ".join(NAMES[::20]) + " and 14:20, 9 févr. 2025 (CET)"
    found = wikifacts.signature_time(many)
    assert found is not None and found.start() == reference.search(many).start()
    assert wikifacts.signature_time(" 10:00 ".join(NAMES[5::20])) is None
    start = time.perf_counter()
    assert wikifacts.signature_time(" ".join(NAMES) + " 14:20, 9 Mayıs 2025 (+03)")
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize("gap", [" ", "\n", " \n"])
def test_runs_of_space_in_a_date_are_linear(gap: str) -> None:
    """``14:20 2025`` and thousands of spaces: 8,000 took 3.4 s when each
    run of spaces was tried again at each length."""
    def took(n: int) -> float:
        text = "Why at 14:20 in 2025" + gap * n + "x? and 9" + gap * n + "wrz" + gap * n + "x"
        start = time.perf_counter()
        assert wikifacts.signature_time(text) is None
        return time.perf_counter() - start

    took(100)
    small, large = min(took(2000) for _ in range(3)), min(took(20000) for _ in range(3))
    assert large < 1.0 and large / max(small, 1e-4) < 30, (small, large)


def test_no_month_names_leave_the_all_number_dates() -> None:
    assert signature_times.MonthNames([]).search("ok 14:20, 09.03.2025 (CET)")
    assert signature_times.MonthNames([]).search("ok 14:20, 9 March 2025 (UTC)") is None
    assert signature_times.MonthNames(["march"]).search("ok 14:20, 9 March 2025 (UTC)")


def test_it_costs_no_pattern_of_every_month_name_and_is_linear() -> None:
    """The first search with names (a new set) compiles a small pattern; a
    text ten times as long takes about ten times as long, not a hundred."""
    wikifacts._month_names()  # the index, built once a run
    start = time.perf_counter()
    assert wikifacts.signature_time("Frage 14:05, 12. Mrz. 2011 (CET) und 10:00, 25 Jun 2019 (UTC)")
    first = time.perf_counter() - start
    assert first < 0.2, f"{first:.3f} s for the first timestamp: the pattern holds every month name again?"

    def took(n: int) -> float:
        text = "at 14:20 on 9 de 2025 wrz März (x) " * n
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            wikifacts.signature_time(text)
            best = min(best, time.perf_counter() - start)
        return best

    took(200)
    small, large = took(400), took(4000)
    assert large / small < 25, f"{large / small:.1f}x the time for 10x the text"


def test_a_text_without_a_time_of_day_does_not_build_the_month_index() -> None:
    """The draft check asks this of every question; most hold no time."""
    wikifacts._month_names.cache_clear()
    assert wikifacts.signature_time("When will the grants open again? 9 March 2025 (UTC)") is None
    assert wikifacts._month_names.cache_info().currsize == 0
    assert wikifacts.signature_time("ok 14:20, 9 March 2025 (UTC)")
    assert wikifacts._month_names.cache_info().currsize == 1
