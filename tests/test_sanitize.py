"""Community text copied by the bot can never change the page it lands in.

One test per construct the issue lists, then properties over generated
wikitext: neutralising never raises, is idempotent, and what it returns, put as
a bullet between two others, leaves the other bullets as they were.
"""

from __future__ import annotations

import mwparserfromhell
import pytest
from hypothesis import given, settings, strategies as st
from mwparserfromhell.nodes import Tag, Text

from bot.compile.sanitize import DEFAULT_ALLOWED_TEMPLATES, neutralise


def clean(text: str, **kwargs) -> str:
    return neutralise(text, **kwargs)[0]


# -- what acts when the page is saved ---------------------------------------

@pytest.mark.parametrize("tildes", ["~~~", "~~~~", "~~~~~"])
def test_signature_tildes_are_shown_as_text(tildes):
    out, changes = neutralise(f"Why? {tildes}")
    assert out == f"Why? <nowiki>{tildes}</nowiki>"
    assert changes == [f"signature tildes {tildes} shown as text"]


@pytest.mark.parametrize("name", ["subst:Welcome", "safesubst:Welcome", " subst: tl |x"])
def test_substitution_is_shown_as_text_even_of_an_allowed_template(name):
    out, changes = neutralise(f"See {{{{{name}}}}}.")
    assert out == f"See <nowiki>{{{{{name}}}}}</nowiki>."
    assert changes and changes[0].startswith("substitution")


# -- what swallows the rest of the page -------------------------------------

def test_unclosed_comment_is_escaped():
    out, changes = neutralise("Question <!-- and the rest")
    assert out == "Question &lt;!-- and the rest"
    assert changes == ["unclosed or stray tag <!-- escaped"]


def test_closed_comment_is_removed():
    # A signature in a comment would still be expanded on save; the bot has no use for comments.
    assert neutralise("a <!-- ~~~~ --> b") == ("a  b", ["hidden comment removed"])


def test_removing_a_comment_cannot_join_tildes():
    assert clean("~~<!-- -->~~") == "<nowiki>~~~~</nowiki>"


@pytest.mark.parametrize("tag", ["nowiki", "ref", "pre", "includeonly", "noinclude", "onlyinclude"])
def test_unclosed_tags_are_escaped(tag):
    out, changes = neutralise(f"Question <{tag}>and the rest")
    assert out == f"Question &lt;{tag}>and the rest"
    assert changes == [f"unclosed or stray tag <{tag} escaped"]


@pytest.mark.parametrize("tag", ["includeonly", "noinclude", "onlyinclude"])
def test_transclusion_tags_are_shown_as_text_even_when_closed(tag):
    out, changes = neutralise(f"<{tag}>x</{tag}>")
    assert out == f"<nowiki><{tag}>x</{tag}></nowiki>"
    assert changes == [f"<{tag}> tag shown as text"]


def test_closed_nowiki_stays():
    assert neutralise("See <nowiki>[[x]]</nowiki>.") == ("See <nowiki>[[x]]</nowiki>.", [])


def test_footnotes_are_shown_as_text():
    # A footnote adds a reference list to the page; a faulty one, a tracking category.
    assert neutralise("See<ref>source</ref>.") == ("See<nowiki><ref>source</ref></nowiki>.",
                                                   ["<ref> tag shown as text"])
    assert clean("<ref name=a/>") == "<nowiki><ref name=a/></nowiki>"


def test_self_closed_formatting_tags_are_shown_as_text():
    # <span/> puts the page in a tracking category; <br/> and <nowiki/> are fine.
    assert clean("a<span/>b<br/>c<nowiki/>d") == "a<nowiki><span/></nowiki>b<br/>c<nowiki/>d"


def test_an_allowed_template_with_a_repeated_parameter_is_shown_as_text():
    # A repeated parameter puts the page in a tracking category.
    assert clean("{{tl|x|1=y}}") == "<nowiki>{{tl|x|1=y}}</nowiki>"


# -- what acts on the page as a whole ----------------------------------------

def test_heading_lines_are_escaped():
    out, changes = neutralise("== New section ==\nWhat about it?")
    assert out == "&#61;= New section ==<br />What about it?"
    assert changes == ["heading markup (=) escaped"]


def test_category_becomes_a_link():
    out, changes = neutralise("Why? [[Category:Foo|sort]] [[ category : Bar]]")
    assert out == "Why? [[:Category:Foo|sort]] [[:category : Bar]]"
    assert len(changes) == 2 and all("category link" in change for change in changes)


@pytest.mark.parametrize("switch", ["__NOTOC__", "__NOEDITSECTION__", "__FORCETOC__", "__NOINDEX__",
                                    "__EXPECTED_UNCONNECTED_PAGE__", "__notoc__"])
def test_behaviour_switches_are_shown_as_text(switch):
    assert neutralise(f"Q {switch} end") == (f"Q <nowiki>{switch}</nowiki> end",
                                             [f"behaviour switch {switch} shown as text"])


@pytest.mark.parametrize("magic", ["{{DISPLAYTITLE:Hacked}}", "{{DEFAULTSORT:Zzz}}", "{{PAGENAME}}"])
def test_magic_words_are_shown_as_text(magic):
    out, changes = neutralise(f"Q {magic}")
    assert out == f"Q <nowiki>{magic}</nowiki>"
    assert len(changes) == 1 and magic in changes[0]


def test_redirect_at_the_start_is_escaped():
    assert neutralise("#REDIRECT [[Elsewhere]]") == ("&#35;REDIRECT [[Elsewhere]]", ["#REDIRECT escaped"])
    assert neutralise("# redirect [[Elsewhere]]")[0] == "&#35; redirect [[Elsewhere]]"


def test_templates_outside_the_allow_list_are_shown_as_text():
    out, changes = neutralise("Please {{Delete|now}} and {{tl|Conversation hour question}}")
    assert out == "Please <nowiki>{{Delete|now}}</nowiki> and {{tl|Conversation hour question}}"
    assert changes == ["template {{Delete|now}} shown as text"]


def test_allow_list_is_the_callers():
    assert clean("{{Delete|now}}", allowed_templates={"delete"}) == "{{Delete|now}}"
    assert clean("{{tl|x}}", allowed_templates=()) == "<nowiki>{{tl|x}}</nowiki>"
    assert set(DEFAULT_ALLOWED_TEMPLATES) == {"Tl", "Tlx", "U"}


def test_allowed_template_parameters_are_neutralised_too():
    assert clean("{{tl|~~~~ {{subst:x}}}}") == "{{tl|<nowiki>~~~~</nowiki> <nowiki>{{subst:x}}</nowiki>}}"


def test_parser_functions_are_shown_as_text():
    out, changes = neutralise("{{#if:yes|{{#invoke:Foo|bar}}}}")
    assert out == "<nowiki>{{#if:yes|{{#invoke:Foo|bar}}}}</nowiki>"
    assert changes == ["parser function {{#if:yes|{{#invoke:Foo|bar}}}} shown as text"]


def test_text_that_would_end_the_nowiki_early_is_escaped():
    assert clean("{{x|</nowiki>~~~~}}") == "<nowiki>{{x|&lt;/nowiki>~~~~}}</nowiki>"


def test_unmatched_braces_and_brackets_are_escaped():
    # An open {{ or [[ could pair with a }} or ]] lines below and swallow what is between.
    assert neutralise("{{unclosed") == ("&#123;&#123;unclosed", ["unmatched brackets {{ escaped"])
    assert clean("stray }}") == "stray &#125;&#125;"
    assert clean("[[Foo|unclosed") == "&#91;&#91;Foo|unclosed"


def test_table_start_is_escaped():
    assert neutralise("{| class=wikitable\n|x\n|}")[0].startswith("&#123;| class=wikitable")


@pytest.mark.parametrize("text", ["<html><b>x</b></html>", "<script>alert(1)</script>",
                                  "<style>body{display:none}</style>", "<div>x</div>",
                                  "<table><tr><td>x</td></tr></table>", "<iframe src=x></iframe>"])
def test_block_and_script_like_tags_are_shown_as_text(text):
    out, changes = neutralise(text)
    assert out == f"<nowiki>{text}</nowiki>"
    assert changes and changes[0].endswith("tag shown as text")


@pytest.mark.parametrize("link, plain", [
    ("[[File:Logo.png|thumb|Caption]]", "[[:File:Logo.png|thumb|Caption]]"),
    ("[[Image:Logo.png]]", "[[:Image:Logo.png]]"),
    ("[[Media:Logo.png]]", "[[:Media:Logo.png]]"),
    ("[[de:Hauptseite]]", "[[:de:Hauptseite]]"),
    ("[[zh-yue:Foo]]", "[[:zh-yue:Foo]]"),
])
def test_file_and_interlanguage_links_become_plain_links(link, plain):
    out, changes = neutralise(f"See {link}")
    assert out == f"See {plain}"
    assert len(changes) == 1 and "made a plain link" in changes[0]


def test_forged_id_markers_are_removed():
    out, changes = neutralise('<span id="q-0123456789"></span>Forged question')
    assert out == "Forged question"
    assert changes == ['id marker <span id="q-0123456789"></span> removed']
    assert neutralise("<span id='q-1' title='red'>red</span>") == (
        "<span title='red'>red</span>", ["id attribute removed from <span>"])


def test_a_behaviour_switch_after_a_stray_tag_is_still_shown_as_text():
    assert clean("<A__NOTOC__") == "&lt;A<nowiki>__NOTOC__</nowiki>"


@pytest.mark.parametrize("text", ["[[~~~~]]", "[[{{subst:x}}|y]]", "[http://example.org/~~~~ y]",
                                  "<span title='~~~~'>x</span>"])
def test_a_link_target_or_attribute_that_needs_neutralising_is_shown_as_text(text):
    out, changes = neutralise(text)
    assert out == f"<nowiki>{text}</nowiki>"
    assert changes[-1].endswith("shown as text")


def test_template_parameters_are_shown_as_text():
    assert clean("a {{{1|{{subst:x}}}}}") == "a <nowiki>{{{1|{{subst:x}}}}}</nowiki>"


# -- what stays ----------------------------------------------------------------

def test_ordinary_formatting_survives():
    text = ("''Why'' is '''this''' so? See [[Universal Code of Conduct|the UCoC]], "
            "[https://example.org a site], <code>x</code>, <s>old</s> and {{u|Example}}.")
    assert neutralise(text) == (text, [])


def test_a_multi_line_question_stays_one_bullet():
    out, changes = neutralise("What would you do differently?\n\nI ask because it took long.\n")
    assert out == "What would you do differently?<br />I ask because it took long."
    assert changes == []


def test_a_list_inside_a_question_stays_a_list():
    assert clean("Two questions:\n* first\n* second\nThanks") == (
        "Two questions:<ul><li>first</li><li>second</li></ul>Thanks")
    assert clean("Steps:\n# one\n# two") == "Steps:<ol><li>one</li><li>two</li></ol>"


def test_a_bare_list_item_tag_is_shown_as_text():
    # <li> outside a list would close the bullet it is in.
    assert clean("a <li>b</li>") == "a <nowiki><li>b</li></nowiki>"


# -- properties ------------------------------------------------------------------

PIECES = [
    "{{", "}}", "{{{", "}}}", "[[", "]]", "|", "=", "==", "\n", "\n\n", " ", "*", "#", ":", ";", "'''", "''",
    "~", "~~", "~~~~", "__NOTOC__", "__", "<!--", "-->", "<", ">", "/", "&", "&lt;", "&#61;", "{|", "|}",
    "<ref>", "</ref>", "<ref name=a/>", "<nowiki>", "</nowiki>", "<nowiki/>", "<pre>", "</pre>",
    "<includeonly>", "</includeonly>", "<noinclude>", "<onlyinclude>", "<span id=\"q-1\">", "<span>",
    "</span>", "<b>", "</b>", "<br>", "<br />", "<ul>", "<li>", "</li>", "</ul>", "<div>", "</div>",
    "subst:", "safesubst:", "#if:", "tl", "u", "1=", "<span/>", "Category:", "File:", "de:", "DISPLAYTITLE:",
    "#REDIRECT", "----", "http://x.org", "[", "]", "x", "Q?",
]
wikitext = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=25).map("".join)

# What would close a construct left open inside the bullet, if there were one.
CLOSERS = ("</ref></nowiki></pre></includeonly></noinclude></onlyinclude></span></b></li></ul></div>"
           "--> }}} }} ]] |}")


@pytest.mark.slow
@settings(max_examples=600, deadline=None)
@given(wikitext)
def test_neutralise_is_idempotent(text):
    once, _ = neutralise(text)
    assert neutralise(once) == (once, [])


@pytest.mark.slow
@settings(max_examples=600, deadline=None)
@given(wikitext)
def test_output_is_one_line(text):
    assert "\n" not in neutralise(text)[0]


@pytest.mark.slow
@settings(max_examples=600, deadline=None)
@given(wikitext)
def test_output_as_a_bullet_leaves_the_other_bullets_alone(text):
    out, _ = neutralise(text)
    page = mwparserfromhell.parse(f"* alpha\n* {out}\n* omega\n{CLOSERS}")
    bullets = [i for i, node in enumerate(page.nodes) if isinstance(node, Tag) and node.wiki_markup == "*"]
    assert len(bullets) == 3, str(page)
    assert bullets[0] == 0 and str(page.nodes[1]) == " alpha\n"
    after = page.nodes[bullets[2] + 1]
    assert isinstance(after, Text) and after.value.startswith(" omega\n")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_neutralise_never_raises_on_any_text(text):
    out, changes = neutralise(text)
    assert isinstance(out, str) and all(isinstance(change, str) for change in changes)


def test_page_effects_of_a_template_are_found_however_written():
    from bot.compile.sanitize import page_effects
    text = ('[[Category_:A]] [[Category%3AB]] [[ :Category:Linked]] __notoc__ {{ displaytitle : T}} [[de:X]]'
            '<span style="transform: scale(50)">x</span><div style="POSITION:absolute;top:-9999px">y</div>'
            '{{#if:1|[[Category&#58;C]]}}<templatestyles src="X/styles.css" />')
    found = " ".join(sorted(page_effects(text)))
    for needle in ("Category:A", "Category:B", "Category:C", "__NOTOC__", "DISPLAYTITLE", "de:X", "transform",
                   "POSITION:absolute", "templatestyles"):
        assert needle in found, found
    assert "Linked" not in found
    assert page_effects('<div class="x" style="text-align:center;">[[Page|link]] {{{x|}}}</div>') == set()
