"""Signatures in unusual dress (issue 22, kind 4): a template written with character
references, e-mail links, code wrappers, spaces written as entities, digits of other
scripts, direction marks.  Each is read with its signer and minute, and leaves nothing
of itself in the question.  Pure: no wiki."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.harvest import harvest
from bot.wikifacts import facts_for

MINUTE = datetime(2025, 3, 9, 14, 20, tzinfo=timezone.utc)
STAMP = "14:20, 9 March 2025 (UTC)"


def read(line: str, lang: str = "en"):
    result = harvest(f"== Topic ==\n* {line}\n", facts=facts_for(lang))
    [question] = result.questions
    return question, result.problems


@pytest.mark.parametrize("signature", [
    "&#123;&#123;U&#124;[[User:Ex|Ex]]&#125;&#125; " + STAMP,
    "&#x7B;&#x7B;ping&#x7C;[[User:Ex|Ex]]&#x7D;&#x7D; " + STAMP,
    "&#123;&#123;U&#124;[[User:Ex|Ex]]&#125;&#125; ([[User talk:Ex|talk]]) " + STAMP,
    "[[Special:EmailUser/Ex|Ex]] " + STAMP,
    "[[User:Ex|Ex]] ([[Special:Contributions/Ex|c]] · [[Special:EmailUser/Ex|e]]) " + STAMP,
    "<code>[[User:Ex|Ex]] " + STAMP + "</code>",
    "<kbd>[[User:Ex|Ex]]</kbd> " + STAMP,
    "<samp>[[User:Ex|Ex]] " + STAMP + "</samp>",
    "[[User:Ex|Ex]] 14:20,&nbsp;9&nbsp;March&nbsp;2025&nbsp;(UTC)",
    "[[User:Ex|Ex]]&nbsp;14:20,&#160;9 March 2025 (UTC)",
    "[[User:Ex|Ex]] 14:20, 9 March 2025 (&nbsp;UTC&nbsp;)",
    "[[User:Ex|Ex]] \u00a014:20,\u00a09\u00a0March\u00a02025 (UTC)",
    "[[User:Ex|Ex]] ١٤:٢٠, ٩ March ٢٠٢٥ (UTC)",
    "[[User:Ex|Ex]] ۱۴:۲۰, ۹ March ۲۰۲۵ (UTC)",
    "[[User:Ex|Ex]] १४:२०, ९ March २०२५ (UTC)",
    "\u200e[[User:Ex|Ex]]\u200e 14:20,\u200e 9 March 2025 (UTC)",
    "\u2067[[User:Ex|Ex]]\u2069 14:20, 9 March 2025 (UTC)",
    "[[User:Ex|Ex]] 14:20, 9 March 2025 (\u200eUTC\u200e)",
])
def test_a_signature_in_unusual_dress_is_read_whole(signature):
    question, problems = read("Is the policy clear? " + signature)
    assert (question.asker, question.timestamp) == ("Ex", MINUTE)
    assert question.question == "Is the policy clear?"
    assert problems == []


@pytest.mark.parametrize("lang, line, minute", [
    ("ar", "هل هذا واضح؟ [[مستخدم:Ex|Ex]] (نقاش) ۱۴:۲۰، ۹ مارس ۲۰۲۵ (ت ع م)", MINUTE),
    ("ar", "هل هذا واضح؟ \u200f[[مستخدم:Ex|Ex]]\u200f (نقاش) \u200f١٤:٢٠، ٩ مارس ٢٠٢٥\u200f (ت&nbsp;ع&nbsp;م)", MINUTE),
    ("fa", "آیا روشن است؟ \u200f[[کاربر:Ex|Ex]]\u200f (بحث) ۱۴:۲۰، ۹ مارس ۲۰۲۵ (UTC)", MINUTE),
    ("de", "Ist das klar? [[Spezial:E-Mail senden/Ex|Ex]] 15:20,&nbsp;9.&nbsp;Mär. 2025 (CET)", MINUTE),
])
def test_right_to_left_and_other_wikis_signatures_in_dress(lang, line, minute):
    question, problems = read(line, lang)
    assert (question.asker, question.timestamp) == ("Ex", minute)
    assert "Ex" not in question.question and "\u200f" not in question.question
    assert problems == []
