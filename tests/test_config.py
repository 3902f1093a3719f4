"""The configuration: one typed object, validated once, naming the bad key."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bot import config
from bot.errors import ConfigError


def test_defaults_are_the_crs_series():
    cfg = config.from_dict({})
    series = cfg.series[0]
    assert series.session_title_for(date(2024, 7, 11)) == (
        "Wikimedia Foundation/Legal/Community Resilience and Sustainability/Conversation Hour 2024 07 11")
    assert series.session_date(series.session_title_for(date(2024, 7, 11))) == date(2024, 7, 11)
    assert series.session_date("Main Page") is None
    session = series.session(date(2024, 7, 11))
    assert session.questions_page == session.title + "/Questions"
    assert session.notes_page == session.title and session.notes_section == "Notes"


@pytest.mark.parametrize("data, key", [
    ({"shutof_page": "x"}, "shutof_page: unknown key"),
    ({"series": [{"stye": "x"}]}, "series[0].stye: unknown key"),
    ({"series": [{"translate": "yes"}]}, "series[0].translate: expected true or false"),
    ({"series": [{"topics": "UCoC"}]}, "series[0].topics: expected a list"),
    ({"series": [{"topics": ["UCoC", 3]}]}, "series[0].topics[1]: expected a string"),
    ({"max_conflict_retries": "5"}, "max_conflict_retries: expected a whole number"),
    ({"series": [{"style": "comic-sans"}]}, "series[0].style: unknown style"),
    ({"series": [{"time": "6pm"}]}, "series[0].time: expected HH:MM"),
    ({"series": [{"allowed_prefixes": []}]}, "series[0].allowed_prefixes: at least one"),
    ({"series": [{"sessions": ["2024-13-01"]}]}, "series[0].sessions: '2024-13-01' is not a date"),
    ({"series": [{"templates": {"notes": 5}}]}, "series[0].templates.notes: expected a string"),
    ([1, 2], "configuration: expected an object"),
])
def test_bad_configuration_names_the_key(data, key):
    with pytest.raises(ConfigError) as e:
        config.from_dict(data)
    assert key in str(e.value)


def test_onwiki_page_wins_key_by_key_and_series_by_name(tmp_path):
    local = tmp_path / "notesbot.json"
    local.write_text(json.dumps({"schedule": "0 * * * *",
                                 "series": [{"name": "crs", "host": "Local Host", "translate": False}]}))
    onwiki = json.dumps({"series": [{"name": "crs", "translate": True}]})
    cfg = config.load(str(local), onwiki_text=onwiki, onwiki_title="[[User:NotesBot/notesbot.json]]")
    assert cfg.schedule == "0 * * * *"
    assert cfg.series[0].host == "Local Host"
    assert cfg.series[0].translate is True


def test_a_hostile_onwiki_config_is_rejected_naming_the_page_and_key(tmp_path):
    with pytest.raises(ConfigError) as e:
        config.load(None, onwiki_text='{"series": [{"name": "crs", "allowed_prefixes": ["User:"], "evil": 1}]}',
                    onwiki_title="[[User:NotesBot/notesbot.json]]")
    assert str(e.value) == "[[User:NotesBot/notesbot.json]]: series[0].evil: unknown key"
    with pytest.raises(ConfigError) as e:
        config.load(None, onwiki_text="{not json", onwiki_title="[[User:NotesBot/notesbot.json]]")
    assert "not valid JSON (line 1" in str(e.value)


def test_allowed_prefixes():
    series = config.from_dict({}).series[0]
    assert series.allows(series.session_title_for(date(2025, 1, 16)) + "/Questions")
    assert series.allows(series.index_page)
    assert not series.allows("Main Page")
    assert not series.allows("User talk:Somebody")
