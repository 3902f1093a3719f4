"""Attack (held-out replay): closers the linear pre-scan of bot/wikitext.py
still counts although mwparserfromhell's tokenizer cannot use them.

``unclosed()`` pairs ``{{`` with ``}}`` and ``<span>`` with ``</span>`` by
counting, but the tokenizer cannot close a template inside a tag's body
(``{{a|<ref>}}</ref>``, ``{{a|<span>}}</span>``, ``{{a|<noinclude>}}…``) nor
inside a bold/italic run it is still reading (``{{a|''b}}``: ``''`` opens a
style the ``}}`` cannot end): every template is unclosed for it, the scan
finds none, and the text goes whole to the tokenizer, quadratic again.

Measured, ``parse``: ``{{a|''b}}`` 10 KB 0.85 s, 100 KB 96 s;
``{{a|<ref>}}</ref>`` 10 KB 0.41 s, 100 KB 43 s; ``{{a|<span>}}</span>``
10 KB 0.36 s, 100 KB 35 s; ``{{a|<noinclude>}}</noinclude>`` 10 KB 0.17 s,
100 KB 16 s."""

from __future__ import annotations

import time

import pytest
from attack import DAY, tick_after_a_draft_line

from bot.wikitext import parse

UNITS = {
    "style-template": "{{a|''b}}",
    "ref-template": "{{a|<ref>}}</ref>",
    "span-template": "{{a|<span>}}</span>",
    "noinclude-template": "{{a|<noinclude>}}</noinclude>",
    "span-link": "[[a|<span>]]</span>",
    "style-link": "[[a|''b]]",
}


@pytest.mark.parametrize("kind", UNITS)
def test_parse_of_closers_inside_tags_and_styles_is_linear(kind):
    unit = UNITS[kind]
    small_text, large_text = unit * (2_000 // len(unit)), unit * (20_000 // len(unit))
    start = time.perf_counter()
    parse(small_text)
    small = time.perf_counter() - start
    start = time.perf_counter()
    code = parse(large_text)
    large = time.perf_counter() - start
    assert str(code) == large_text
    assert large < max(1.0, 30 * small), f"{kind}: 2 KB {small:.3f} s, 20 KB {large:.1f} s"


@pytest.mark.wiki
@pytest.mark.parametrize("kind", ["style-template", "ref-template"])
def test_a_tick_after_closers_inside_styles_on_the_draft_takes_seconds(wiki, tmp_path, kind):
    usual, took, s = tick_after_a_draft_line(wiki, tmp_path, UNITS[kind] * (30_000 // len(UNITS[kind])))
    print(f"\n{kind}: usual tick {usual:.1f} s, after 30 KB on the draft {took:.1f} s")
    assert took < max(15.0, 8 * usual), f"the tick took {took:.0f} s (a usual one {usual:.1f} s)"
    assert "Who reviews the appeals now?" in s.reader.text(s.draft(DAY))
