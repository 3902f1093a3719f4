"""A run parses each draft once (issue 20): a tick asks for a draft's status,
its staff revision, its problems, its marks and its harvest, each through
``parse_draft``; each asker gets its own copy, so that one changing its copy
changes nothing for the next."""

from __future__ import annotations

from bot import wikitext
from bot.compile import check, draft as draft_mod
from bot.compile import parse_draft

DRAFT = """{{Conversation hour draft|status=collecting}}
== Topic ==
* <span id="q-1111111111"></span>Is it parsed once?
: Maggie: Once a run, whoever asks.
* <span id="q-2222222222"></span>And the second question?
"""


def test_the_same_draft_asked_for_by_every_step_is_parsed_once(monkeypatch):
    calls = []
    real = wikitext.parse

    def counting(text, **kwargs):
        if text == DRAFT:
            calls.append(text)
        return real(text, **kwargs)

    monkeypatch.setattr(draft_mod.wikitext, "parse", counting)
    draft_mod._parsed.cache_clear()
    first = parse_draft(DRAFT, ("Maggie",))
    check.check_draft(DRAFT, ("Maggie",))
    again = parse_draft(DRAFT, ("Maggie",))
    assert len(calls) == 1
    assert [q.id for q in again.questions] == ["q-1111111111", "q-2222222222"]
    assert first.questions[0].answers == ["Maggie: Once a run, whoever asks."]


def test_each_asker_gets_its_own_copy():
    first = parse_draft(DRAFT)
    first.questions[0].answers.append("changed by one caller")
    first.sections.clear()
    again = parse_draft(DRAFT)
    assert len(again.questions) == 2
    assert again.questions[0].answers == ["Maggie: Once a run, whoever asks."]


def test_another_text_is_parsed_anew():
    edited = DRAFT.replace("Once a run", "Twice?")
    assert parse_draft(edited).questions[0].answers == ["Maggie: Twice?, whoever asks."]
    assert parse_draft(DRAFT).questions[0].answers == ["Maggie: Once a run, whoever asks."]
