"""Community text never restyles a page (tests/data/trust/): no ``style`` or
``class`` attribute survives neutralising, no way of writing a category, file
or interlanguage link stays live, a heading from the community is plain text
and never an anchor of the bot's form.  Checked on the text, and rendered by
the local wiki."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.compile.sanitize import neutralise, plain_heading

TRUST = Path(__file__).resolve().parent / "data" / "trust"


def cases(name: str) -> list[str]:
    lines = (TRUST / name).read_text(encoding="utf-8").split("\n")
    return [line for line in lines if line.strip() and not line.startswith("#")]


ATTRIBUTES = cases("attributes.txt")
LINKS = cases("link-prefixes.txt")
# Any separator MediaWiki accepts before an attribute: a space, a quote, a slash.
_ATTRIBUTE = re.compile(r"""<\w+[^>]*[\s"'/](style|class|on\w+|data-[\w-]+)\s*=""", re.IGNORECASE)


@pytest.mark.parametrize("text", ATTRIBUTES)
def test_no_style_or_class_attribute_survives_and_staff_are_told(text):
    out, changes = neutralise(text)
    assert not _ATTRIBUTE.search(out), out
    assert any("attribute removed" in c for c in changes), changes
    assert neutralise(out) == (out, [])  # idempotent
    visible = re.sub(r"<[^>]+>", "", out)
    assert visible.strip()  # the words stay, the tag without its attributes


def test_the_attribute_corpus_renders_no_style_class_or_mark(reader):
    html = reader.parse_html(text="\n".join("* " + neutralise(t)[0] for t in ATTRIBUTES))
    body = html.split(">", 1)[1]  # inside the parser's own wrapper
    assert "style=" not in body
    for klass in ("mw-headline", "conversation-hour-mark", "gallery", "error", "mw-parser-output"):
        assert f'class="{klass}' not in body, klass
    assert "onmouseover" not in body and "data-mw" not in body


@pytest.mark.parametrize("text", LINKS)
def test_every_way_of_writing_a_category_file_or_language_link_is_made_plain(text):
    out, changes = neutralise(text)
    assert out.startswith("[[:"), out
    assert any("made a plain link" in c for c in changes)


def test_the_link_corpus_renders_no_category_file_or_language_link(reader):
    raw = "\n".join("* " + t for t in LINKS)
    before = reader.get(action="parse", text=raw, contentmodel="wikitext", title="Notes preview",
                        prop="categories|images|langlinks")["parse"]
    # The corpus is live as written: each kind would act on the page.
    assert before["categories"] and before["images"]
    text = "\n".join("* " + neutralise(t)[0] for t in LINKS)
    after = reader.get(action="parse", text=text, contentmodel="wikitext", title="Notes preview",
                       prop="categories|images|langlinks|text")["parse"]
    assert after["categories"] == [] and after["langlinks"] == []
    # A [[:Media:…]] link still counts the file as used, but links to it: nothing is embedded.
    embedding = "\n".join("* " + neutralise(t)[0] for t in LINKS if "media" not in t.lower())
    assert reader.get(action="parse", text=embedding, contentmodel="wikitext", title="Notes preview",
                      prop="images")["parse"]["images"] == []
    assert 'class="thumb' not in after["text"] and "mw-file-element" not in after["text"]


@pytest.mark.parametrize("heading, plain", [
    ("Trust and Safety", "Trust and Safety"),
    ("<span style=\"position:fixed\">Trust</span> and Safety", "Trust and Safety"),
    ("''Human'' [[Rights]]", "Human Rights"),
    ("Maggie's topic", "Maggie's topic"),
])
def test_a_community_heading_is_plain_text(heading, plain):
    assert plain_heading(heading)[0] == plain


@pytest.mark.parametrize("heading", ["q-0123456789", " q-abcdef0123 ", "Q-ABCDEF0123", "<b>q-0123456789</b>"])
def test_a_heading_never_has_an_id_of_the_bots_form(heading, reader):
    plain, changes = plain_heading(heading)
    assert "heading in the form of a question id changed" in changes
    html = reader.parse_html(text=f"== {plain} ==\ntext")
    assert not re.search(r'id="q-[0-9a-fA-F]{10}"', html), html


@pytest.mark.parametrize("template, effect", [
    ('<div title="x"style="position:fixed;top:0">withdrawn</div>', "the style 'position:fixed'"),
    ("<div lang=en style='z-index:9'>over</div>", "the style 'z-index:'"),
    ("[[Category\u180e:Withdrawn]]", "a category link [[Category:Withdrawn]]"),
])
def test_a_template_from_the_wiki_is_refused_for_what_mediawiki_would_read(template, effect):
    from bot.compile.sanitize import page_effects
    assert effect in page_effects(template)
