"""Attack: closers hidden where the linear pre-scan of bot/wikitext.py still
counts them.  ``unclosed()`` takes ``}}``, ``]]`` and ``</span>`` inside a
closed ``<!-- … -->`` or a ``<nowiki>`` / ``<pre>`` / ``<math>`` for real
closers, so ``{{a|<!--}}-->`` repeated has no unclosed opener for it, and the
text goes whole to mwparserfromhell, whose tokenizer sees every template
unclosed and is quadratic again.

Measured: ``parse`` of 2,000 units (28 KB) 3 s, of 20,000 units 382 s.  On
the wiki, 2,000 ``{{a|<nowiki>}}</nowiki>`` (46 KB) appended to the draft by a
community member made a tick take 150 s (0.6 s before); 2,000
``{{a|<!--}}-->`` on the index 29 s, on the session page 10 s."""

from __future__ import annotations

import time

import pytest
from attack import DAY, tick_after_a_draft_line

from bot.wikitext import parse

UNITS = {
    "comment-template": "{{a|<!--}}-->",
    "comment-link": "[[a|<!--]]-->",
    "comment-span": "<span><!--</span>-->",
    "nowiki-template": "{{a|<nowiki>}}</nowiki>",
    "pre-template": "{{a|<pre>}}</pre>",
    "nowiki-link": "[[a|<nowiki>]]</nowiki>",
    "comment-extlink": "[http://x <!--]-->",
}


@pytest.mark.parametrize("kind", UNITS)
def test_parse_of_hidden_closers_is_linear(kind):
    unit = UNITS[kind]
    start = time.perf_counter()
    parse(unit * 200)
    small = time.perf_counter() - start
    start = time.perf_counter()
    code = parse(unit * 2_000)
    large = time.perf_counter() - start
    assert str(code) == unit * 2_000
    assert large < max(1.0, 30 * small), f"{kind}: 200 units {small:.3f} s, 2,000 units {large:.1f} s"


@pytest.mark.wiki
def test_a_tick_after_hidden_closers_on_the_draft_takes_seconds(wiki, tmp_path):
    usual, took, s = tick_after_a_draft_line(wiki, tmp_path, UNITS["nowiki-template"] * 1_000)
    print(f"\nusual tick {usual:.1f} s, after the hidden closers {took:.1f} s")
    assert took < max(15.0, 8 * usual), f"the tick took {took:.0f} s (a usual one {usual:.1f} s)"
    assert "Who reviews the appeals now?" in s.reader.text(s.draft(DAY))
