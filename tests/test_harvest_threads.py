"""Comments of several lines and struck text (issue 22, kinds 2 and 3): a reply of
several paragraphs is one reply, a "?" in its middle makes no follow-up, a bullet its
author went on with keeps its author, an indented opener is a question, a signature
alone under a list signs it; struck text is kept or named by a problem line, never
dropped in silence, and the replies under it are kept.  Pure: no wiki."""

from __future__ import annotations

import pytest

from bot.harvest import harvest

S = "12:05, 9 March 2025 (UTC)"


def sig(name: str) -> str:
    return f"[[User:{name}|{name}]] {S}"


def read(text: str):
    return harvest(text)


# --- Comments of several lines -------------------------------------------------------------

@pytest.mark.parametrize("reply", [
    f"*: First paragraph.\n*:\n*: Second paragraph. {sig('B')}",
    f"*: First paragraph.\n\n*: Second paragraph. {sig('B')}",
    f":: First paragraph.\n::Second paragraph.\n::Third paragraph. {sig('B')}",
    f"*: First paragraph, and a question to myself: why? Because it works.\n\n*: Second paragraph. {sig('B')}",
    f":First paragraph.\nSecond paragraph. {sig('B')}",
    f":First paragraph.\n\nSecond paragraph. {sig('B')}",
])
def test_a_reply_of_several_paragraphs_is_one_reply(reply):
    result = read(f"== Topic ==\n* How do I appeal? {sig('A')}\n{reply}\n")
    [question] = result.questions
    assert question.asker == "A"
    assert len(question.comments) == 1 and question.comments[0].startswith("First paragraph")
    assert question.comments[0].endswith("Second paragraph.") or question.comments[0].endswith("Third paragraph.")
    assert result.problems == []


@pytest.mark.parametrize("reply", [
    f"*: Have you tried the form? It is on the help page, under appeals. {sig('B')}",
    f"*: Why? Because the policy says so, and the committee decides. {sig('B')}",
    f"*: Did it work?\n*: It did for me, after a day or two of waiting. {sig('B')}",
])
def test_a_question_mark_in_the_middle_of_a_reply_makes_no_follow_up(reply):
    result = read(f"== Topic ==\n* How do I appeal? {sig('A')}\n{reply}\n")
    assert [q.asker for q in result.questions] == ["A"]
    assert len(result.questions[0].comments) == 1


@pytest.mark.parametrize("reply, asker", [
    (f"*: And who reviews it? {sig('B')}", "B"),
    (f"*: One more: who reviews it? Thanks. {sig('B')}", "B"),
    (f"*: It is slow.\n*: Who reviews it? {sig('B')}", "B"),
])
def test_a_reply_that_ends_asking_is_a_follow_up_of_its_signer(reply, asker):
    result = read(f"== Topic ==\n* How do I appeal? {sig('A')}\n{reply}\n")
    parent, followup = result.questions
    assert (followup.asker, followup.followup_of) == (asker, parent.id)


@pytest.mark.parametrize("page, text", [
    (f"* '''Support''' the new process.\n*: It is faster, and fairer. {sig('A')}",
     "'''Support''' the new process.\nIt is faster, and fairer."),
    (f"# Oppose: the reports would be public.\n#: Nobody should have to risk that. {sig('A')}",
     "Oppose: the reports would be public.\nNobody should have to risk that."),
    (f"* A statement of mine.\n*: Its first reason.\n*: Its second reason. {sig('A')}",
     "A statement of mine.\nIts first reason.\nIts second reason."),
])
def test_a_bullet_continued_by_a_signed_paragraph_keeps_its_author(page, text):
    result = read(f"== Topic ==\n{page}\n")
    [question] = result.questions
    assert (question.asker, question.question, question.comments) == ("A", text, [])


@pytest.mark.parametrize("bullet, reply", [
    ("How do I appeal?", f"*: You write to us. {sig('B')}"),
    ("How do I appeal?", f"*: {{{{ping|Someone}}}} You write to us. {sig('B')}"),
    ("Appeals are slow.", f"*: {{{{ping|Someone}}}} They are not. {sig('B')}"),
    ("Appeals are slow.", f"*: @Someone: they are not. {sig('B')}"),
])
def test_an_unsigned_question_answered_below_is_not_the_answerers(bullet, reply):
    """The rule above stops at a question, and at a reply addressing someone: its answerer is not
    its asker (the history gives that)."""
    result = read(f"== Topic ==\n* {bullet}\n{reply}\n")
    [question] = result.questions
    assert question.asker is None and len(question.comments) == 1


@pytest.mark.parametrize("page, title, topic", [
    (f"== How do I appeal? ==\n: How do I appeal a block? {sig('A')}\n:: You write to us. {sig('B')}\n",
     "How do I appeal?", None),
    (f"== Appeals ==\n:: Can anyone explain appeals? {sig('A')}\n::: Yes. {sig('B')}\n", "Appeals", None),
    (f"== Appeals ==\n: How do I appeal?\n: I mean a block. Where does it go? {sig('A')}\n:: To us. {sig('B')}\n",
     "Appeals", None),
])
def test_an_opener_written_indented_is_a_question(page, title, topic):
    result = read(page)
    [question] = result.questions
    assert (question.asker, question.title, question.topic) == ("A", title, topic)
    assert len(question.comments) == 1
    assert result.problems == []


def test_an_indented_opener_in_a_topic_section_is_on_the_topic():
    result = read(f"== Trust and Safety ==\n: How do I report? {sig('A')}\n* Another question? {sig('C')}\n")
    assert [(q.asker, q.topic) for q in result.questions] == [("A", "Trust and Safety"), ("C", "Trust and Safety")]


@pytest.mark.parametrize("page, text", [
    (f"* What about these pages?\n** [[Foo]]\n** [[Bar]]\n{sig('A')}", "What about these pages?\n** [[Foo]]\n** [[Bar]]"),
    (f"* What about these pages?\n*# [[Foo]]\n*# [[Bar]]\n:{sig('A')}", "What about these pages?\n*# [[Foo]]\n*# [[Bar]]"),
    (f"* Which of these is right?\n** [[Foo]]\n{{{{unsigned|A|{S}}}}}", "Which of these is right?\n** [[Foo]]"),
])
def test_a_list_signed_on_the_line_below_is_one_signed_question(page, text):
    result = read(f"== Topic ==\n{page}\n")
    [question] = result.questions
    assert (question.asker, question.question, question.comments) == ("A", text, [])
    assert result.problems == []


def test_a_signature_alone_under_someone_elses_reply_signs_nothing():
    result = read(f"== Topic ==\n* What about these?\n*: See [[Foo]]. {sig('B')}\n{sig('A')}\n")
    assert [q.asker for q in result.questions] == [None]
    assert [p.reason for p in result.problems] == ["a signature with no question before it"]


def test_a_signed_line_before_the_first_heading_is_never_dropped_in_silence():
    result = read(f"Please ask below. {sig('A')}\n: A reply to the instructions. {sig('B')}\n== Topic ==\n")
    assert result.questions == []
    assert [p.line for p in result.problems] == [1, 2]


# --- Struck text -----------------------------------------------------------------------------

@pytest.mark.parametrize("struck", [
    f"::<del>It did not work.</del> {sig('B')}",
    f"::<s>It did not work.</s> {sig('B')}",
    f"::<strike>It did not work. {sig('B')}</strike>",
    f"::<del>It did not work.\n::Still not.</del> {sig('B')}",
])
def test_a_struck_reply_is_kept_struck_and_the_replies_under_it_are_kept(struck):
    result = read(f"== Topic ==\n* How do I appeal? {sig('A')}\n{struck}\n:::Try again. {sig('C')}\n"
                  f":::Or write to us. {sig('D')}\n")
    [question] = result.questions
    assert question.comments[0].startswith("<s>It did not work.") and "</del>" not in question.comments[0]
    assert question.comments[1:] == ["Try again.", "Or write to us."]
    assert [p.reason.split(":")[0] for p in result.problems] == ["a reply its author struck"]


@pytest.mark.parametrize("reply, left_out", [
    (f":Answer <strike>old</strike> new. {sig('C')}", "old"),
    (f":<s>Wrong answer.</s>\n:Right answer. {sig('C')}", "Wrong answer."),
    (f":<s>Wrong answer.</s>\n:: Another reply. {sig('C')}", "Wrong answer."),
])
def test_struck_words_of_a_reply_are_named_by_a_problem_line(reply, left_out):
    result = read(f"== Topic ==\n* How do I appeal? {sig('A')}\n{reply}\n")
    assert any(left_out in p.reason for p in result.problems), result.problems
    assert result.questions[0].comments  # the unstruck reply is kept


def test_a_signature_that_signs_the_lines_above_keeps_its_problems():
    """A signature alone (or continuing a bullet) whose time cannot be read says so on its line."""
    result = read("== Topic ==\n* What about these pages?\n** [[Foo]]\n[[User:A|A]] 12:05, 31 June 2025 (UTC)\n"
                  "* A statement.\n*: Its reason. [[User:C|C]] 12:05, 31 June 2025 (UTC)\n")
    assert [(q.asker, q.timestamp) for q in result.questions] == [("A", None), ("C", None)]
    assert [p.line for p in result.problems] == [4, 6]


# --- Outdent templates -----------------------------------------------------------------------

@pytest.mark.parametrize("line", [
    f"{{{{outdent}}}} We wait for the board. {sig('B')}",
    f"{{{{od|::}}}} We wait for the board. {sig('B')}",
    f"{{{{Outdent|3}}}}We wait for the board. {sig('B')}",
    f":{{{{od}}}} We wait for the board. {sig('B')}",
    f"{{{{Einrückung}}}} We wait for the board. {sig('B')}",
    f"{{{{Template:Unindent}}}} We wait for the board. {sig('B')}",
])
def test_an_outdented_reply_still_replies(line):
    """``{{outdent}}`` starts a reply again at the margin: it answers the comment above it, it is
    no new question of the replier's, and the template is not part of what it says."""
    result = read(f"== Topic ==\n* How do I appeal? {sig('A')}\n*:: It depends. {sig('C')}\n{line}\n")
    [question] = result.questions
    assert question.asker == "A"
    assert question.comments == ["It depends.", "We wait for the board."]
    assert result.problems == []


def test_an_outdented_follow_up_follows_the_question_above():
    result = read(f"== Topic ==\n* How do I appeal? {sig('A')}\n*::: It depends. {sig('C')}\n"
                  f"{{{{od}}}} Thanks. On what does it depend? {sig('A')}\n* Next one? {sig('D')}\n")
    first, followup, last = result.questions
    assert followup.followup_of == first.id and followup.question == "Thanks. On what does it depend?"
    assert last.asker == "D" and last.followup_of is None


def test_an_outdented_reply_in_a_post_section():
    result = read(f"== Appeals ==\nHow do I appeal a block? {sig('A')}\n: It depends. {sig('C')}\n"
                  f"{{{{outdent}}}} Ask the blocking admin first. {sig('B')}\n")
    [question] = result.questions
    assert question.comments == ["It depends.", "Ask the blocking admin first."]


@pytest.mark.parametrize("reply", [
    f"*: Because:\n*:* the board meets in May;\n*:* the funds come later.\n*: {sig('B')}",
    f"*: Because:\n*:* the board meets in May;\n*:* the funds come later. {sig('B')}",
    f":: Because:\n::# the board meets in May;\n::# the funds come later.\n:: — {sig('B')}",
])
def test_a_reply_with_a_list_in_it_signed_below_is_one_reply(reply):
    """A reply that goes on with a list of its own and is signed under it (or on its last item) is
    one comment, as DiscussionTools reads it: back from the signature to the one before."""
    result = read(f"== Topic ==\n* How do I appeal? {sig('A')}\n{reply}\n")
    [question] = result.questions
    assert question.asker == "A"
    assert len(question.comments) == 1 and question.comments[0].startswith("Because:")
    assert "funds come later." in question.comments[0]
    assert result.problems == []


# --- Strikes over several lines --------------------------------------------------------------

@pytest.mark.parametrize("opening, closing", [("<s>", "</s>"), ("<del>", "</del>"), ("<strike>", "</strike>"),
                                              ("<s style=\"color:grey\">", "</s>")])
def test_a_thread_struck_on_lines_of_its_own_is_withdrawn(opening, closing):
    """A strike opened on a line of its own strikes every line up to its closing tag, as a browser
    shows it: the question is withdrawn, each reply kept struck and named on its line; the
    question after the strike is asked."""
    result = read(f"== Topic ==\n{opening}\n* How do I appeal? {sig('A')}\n*: You write to us. {sig('B')}\n"
                  f"*: Or to the committee. {sig('C')}\n{closing}\n* Next one? {sig('D')}\n")
    assert [(q.asker, q.question) for q in result.questions] == [("D", "Next one?")]
    [withdrawn] = result.withdrawn
    assert (withdrawn.asker, withdrawn.question) == ("A", "How do I appeal?")
    assert withdrawn.comments == ["<s>You write to us.</s>", "<s>Or to the committee.</s>"]
    assert [p.line for p in result.problems] == [4, 5]


@pytest.mark.parametrize("page, withdrawn, comments, lines", [
    # a post struck whole, on lines of its own
    (f"== Appeals ==\n<s>\nHow do I appeal a block? {sig('A')}\n: You write to us. {sig('B')}\n</s>\n",
     [("A", "How do I appeal a block?")], ["<s>You write to us.</s>"], [4]),
    # a post of two paragraphs, struck from its first word to after its signature
    (f"== Appeals ==\n<s>How do I appeal?\n\nI mean a block. {sig('A')}</s>\n: You write to us. {sig('B')}\n",
     [("A", "How do I appeal? I mean a block.")], ["You write to us."], [5]),
    # a follow-up struck over two lines, closed after its signature
    (f"== Topic ==\n* How do I appeal? {sig('A')}\n*: <del>And who decides?\n*: I mean, in the end? {sig('B')}</del>\n",
     [("B", "And who decides? I mean, in the end?")], [], []),
])
def test_a_strike_over_several_lines_strikes_each_of_them(page, withdrawn, comments, lines):
    result = read(page)
    assert [(q.asker, q.question) for q in result.withdrawn] == withdrawn
    assert [comment for q in [*result.questions, *result.withdrawn] for comment in q.comments] == comments
    assert [p.line for p in result.problems] == lines


def test_replies_struck_on_lines_of_their_own_are_kept_struck():
    result = read(f"== Topic ==\n* How do I appeal? {sig('A')}\n<s>\n*: You write to us. {sig('B')}\n"
                  f"*: Or not. {sig('C')}\n</s>\n*: Or to the committee. {sig('D')}\n")
    [question] = result.questions
    assert question.comments == ["<s>You write to us.</s>", "<s>Or not.</s>", "Or to the committee."]
    assert [p.line for p in result.problems] == [4, 5]


def test_the_unstruck_replies_of_a_struck_opener_are_named_or_asked():
    """A signed reply is never dropped in silence: under a withdrawn question (which the draft
    leaves out) a comment is named by a problem on its line, a follow-up is a question."""
    result = read(f"== Topic ==\n* <s>How do I appeal? {sig('A')}</s>\n*: You write to us. {sig('B')}\n"
                  f"*: And if they do not answer? {sig('C')}\n")
    [withdrawn] = result.withdrawn
    assert withdrawn.comments == ["You write to us."]
    assert [(q.asker, q.question) for q in result.questions] == [("C", "And if they do not answer?")]
    assert [(p.line, p.reason.split(":")[0]) for p in result.problems] == [
        (3, "a reply to a struck (withdrawn) question")]


def test_a_strike_never_closed_strikes_its_section_only_and_says_so():
    result = read(f"== Topic ==\n* <s>How do I appeal? {sig('A')}\n* And who decides? {sig('B')}\n"
                  f"== Next ==\n* Still asked? {sig('C')}\n")
    assert [q.asker for q in result.withdrawn] == ["A", "B"]
    assert [q.asker for q in result.questions] == ["C"]
    assert [(p.line, p.reason.split(":")[0]) for p in result.problems] == [(2, "unclosed <s>")]
