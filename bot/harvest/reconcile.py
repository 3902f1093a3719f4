"""Keeping a question's id across harvests: the ids the bot gave before win.

:func:`bot.harvest.ids.assign_ids` is a pure function of one revision: it
can only name a question by what it is in that revision (asker and minute,
and the fingerprint of its text when its asker signed several in that
minute).  So when a second question is signed in the same minute as a
first, or one of two is deleted, or the start of one is reworded, the ids
it gives change.  An id given once must not change (the draft, the notes
and the mark follow a question by it), so every harvest is *reconciled*
with what the bot already gave (:func:`reconcile`), the way MediaWiki's
DiscussionTools keeps a comment's id across revisions (its
``ThreadItemStore``: a comment is found again by the name it had, and only
when that name is ambiguous by what it holds; indistinguishable comments
keep their order).

What the bot already gave (:class:`Given`) is read from two records it
keeps on the wiki itself: the draft (each question's id marker and its
text, and the ``harvested`` list of every id it ever added) and the marks on
the questions page (each one beside the question it names).  A question of
this harvest gets, in this order:

1. the id of the mark beside it, when that id was given and no other
   question took it;
2. the id it was given with the same text (compared as duplicates are:
   case, spacing and trailing punctuation do not count), the same id first;
   or, for a question staff deleted from the draft, the id whose text digest
   the box's ``harvested`` list kept (so it stays deleted when its asker
   signs another in the same minute, or signs it again);
   then, where as many questions are left over under a signature (asker
   and minute) as ids of that signature are left (the box keeps each
   signature's key), those ids in the order they were given: the same
   posts, reworded (DiscussionTools keeps indistinguishable comments in
   their order too);
3. the id given to the most similar text left over (at least
   :data:`SIMILAR` of its words in order), when both have the same asker
   as far as either is known, its own id first among equals;
4. its own id, when that one was given to a question whose text is not
   known (staff deleted it from the draft: it stays deleted);
5. otherwise a new id: its own, or, if that one was given before to a
   question that is not this one, its own made unique.

What this costs: a question reworded past :data:`SIMILAR` between two
harvests is a new question (a new id, added to the draft again); a new
question that much like one deleted since the last harvest, by the same
asker, takes the deleted one's id.

A surviving question never gets a second id, and no two questions share
one.  Follow-ups keep pointing at their parent under its reconciled id.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from bot.harvest.ids import _words, comparable
from bot.model import Question, Revision, signature_key, text_digest

SIMILAR = 0.6
"""How much of two texts' words (in order, :class:`difflib.SequenceMatcher`) must agree for a
reworded question to keep the id of the text it was."""


@dataclass(frozen=True)
class Given:
    """An id the bot gave, and what it knows of the question it gave it to."""

    id: str
    text: str = ""
    """The question's text when it was given (the draft's, without the id marker); '' when unknown."""
    asker: str | None = None
    """The asker, when known (the draft is anonymous: only a record of one's own knows it)."""
    digest: str = ""
    """The digest of its text when the bot added it (:func:`bot.model.text_digest`), when the
    draft's box kept one: all that is left of a question staff deleted."""
    signature: str = ""
    """The key of its signature when the bot added it (:func:`bot.model.signature_key`), when kept."""


def given_from_draft(draft) -> list[Given]:
    """What a draft (:class:`bot.compile.draft.Draft`) records: every bot-added
    question with its text, then the ids of its ``harvested`` list that
    staff deleted (their text is gone, but the id stays taken)."""
    out = [Given(q.id, q.text, signature=draft.signatures.get(q.id, "")) for q in draft.questions
           if not q.staff_added]
    seen = {g.id for g in out}
    out += [Given(id_, digest=draft.digests.get(id_, ""), signature=draft.signatures.get(id_, ""))
            for id_ in draft.harvested if id_ not in seen]
    # In the order the bot harvested them (the page's order then): posts of one
    # signature that nothing else tells apart keep their order.
    order = {id_: n for n, id_ in enumerate(draft.harvested)}
    return sorted(out, key=lambda g: order.get(g.id, len(order)))


def reconcile_with_draft(questions: Sequence[Question], draft_page,
                         history: "Callable[[], Sequence[Revision]] | None" = None) -> list[Question]:
    """``questions`` (a harvest's) with the ids the draft ``draft_page`` (a
    :class:`bot.model.PageState`) records; as they are when there is no draft.

    Where the draft cannot tell (a question staff deleted whose signature
    another question of this harvest, left unmatched, also has: one of them is
    the deleted one, reworded), ``history()`` (the draft's revisions, oldest
    first) gives the deleted questions' texts from the latest revision that
    held them: one request, only then."""
    if not draft_page.exists:
        return list(questions)
    from bot.compile.draft import parse_draft
    given = given_from_draft(parse_draft(draft_page.text))
    unsure = unsure_deleted(questions, given)
    if unsure and history is not None:
        texts = deleted_texts(history(), unsure)
        given = [dataclasses.replace(g, text=texts[g.id]) if g.id in texts else g for g in given]
    return reconcile(questions, given)[0]


def unsure_deleted(questions: Sequence[Question], given: Sequence[Given]) -> set[str]:
    """The ids of deleted questions (no text kept) that share a signature
    with a question whose text matches none the draft holds."""
    known = {comparable(g.text) for g in given if g.text}
    digests = {g.digest for g in given if g.digest}
    keys = {signature_key(q.asker, q.timestamp) for q in questions
            if comparable(q.question) not in known and text_digest(q.question) not in digests}
    keys.discard("")
    return {g.id for g in given if not g.text and g.signature in keys}


def deleted_texts(revisions: "Sequence[Revision]", ids: set[str]) -> dict[str, str]:
    """Each id's question text in the latest of ``revisions`` (oldest first)
    that held it; ids none held are left out."""
    from bot.compile.draft import parse_draft

    found: dict[str, str] = {}
    for revision in reversed(revisions):
        if not (ids - found.keys()):
            break
        if not any(f'id="{id_}"' in revision.text for id_ in ids - found.keys()):
            continue  # parse only a revision that holds one
        for question in parse_draft(revision.text).questions:
            if question.id in ids and question.id not in found:
                found[question.id] = question.text
    return found


def reconcile(questions: Sequence[Question], given: Iterable[Given], *,
              marked: Mapping[int, str] | None = None,
              withdrawn: Sequence[Question] = ()) -> tuple[list[Question], list[Question]]:
    """``questions`` and ``withdrawn`` (a harvest's) with the ids the bot gave
    before (see the module's docstring); ``marked`` maps a question's index in
    ``questions`` to the id of the mark beside it on the questions page.
    Questions whose id does not change are returned as they are, the others
    as copies."""
    given = _unique(given)
    every = [*questions, *withdrawn]
    by_id = {g.id: g for g in given}
    taken: dict[str, int] = {}  # id -> index in every
    chosen: dict[int, str] = {}

    def take(index: int, id_: str) -> None:
        chosen[index] = id_
        taken[id_] = index

    def free(index: int, id_: str) -> bool:
        return index not in chosen and id_ in by_id and id_ not in taken

    for index, id_ in (marked or {}).items():
        if free(index, id_) and _same_asker(every[index], by_id[id_]):
            take(index, id_)
    texts: dict[str, list[str]] = {}
    for g in given:
        if g.text:
            texts.setdefault(comparable(g.text), []).append(g.id)
    for index, question in enumerate(every):
        if index in chosen:
            continue
        candidates = [id_ for form in _forms(question) for id_ in texts.get(form, ()) if free(index, id_)]
        if candidates:
            take(index, question.id if question.id in candidates else candidates[0])
    deleted = {}
    for g in given:
        if not g.text and g.digest:
            deleted.setdefault(g.digest, []).append(g.id)
    for index, question in enumerate(every):
        if index not in chosen:  # staff deleted it: it keeps the id, and stays deleted
            for id_ in deleted.get(text_digest(question.question), ()):
                if free(index, id_):
                    take(index, id_)
                    break
    # One post left over under a signature, and one id left of that signature:
    # the same post, reworded (whether staff kept it or deleted it).
    leftover: dict[str, list[int]] = {}
    for index, question in enumerate(every):
        key = signature_key(question.asker, question.timestamp)
        if index not in chosen and key:
            leftover.setdefault(key, []).append(index)
    for key, indexes in leftover.items():
        ids = [g.id for g in given if g.signature == key and g.id not in taken]
        if len(indexes) == len(ids):  # as many posts as ids: in their order
            for index, id_ in zip(indexes, ids):
                take(index, id_)
    pairs = []
    for index, question in enumerate(every):
        if index in chosen:
            continue
        for g in given:
            if g.text and g.id not in taken and _same_asker(question, g):
                ratio = _similarity(question.question, g.text)
                if ratio >= SIMILAR:
                    pairs.append((-ratio, g.id != question.id, index, g.id))
    for _, _, index, id_ in sorted(pairs):
        if free(index, id_):
            take(index, id_)
    for index, question in enumerate(every):
        if free(index, question.id) and not by_id[question.id].text:  # staff deleted it from the draft
            take(index, question.id)
    for index, question in enumerate(every):
        if index not in chosen:
            id_ = question.id
            n = 0
            while id_ in taken or id_ in by_id:
                n += 1
                id_ = "q-" + hashlib.blake2b(f"{question.id}\x1f{n}".encode(), digest_size=5).hexdigest()
            take(index, id_)
    renamed = {question.id: chosen[i] for i, question in enumerate(every) if chosen[i] != question.id}
    out = [_renamed(question, chosen[i], renamed) for i, question in enumerate(every)]
    return out[:len(questions)], out[len(questions):]


def _renamed(question: Question, id_: str, renamed: Mapping[str, str]) -> Question:
    parent = renamed.get(question.followup_of, question.followup_of) if question.followup_of else None
    if id_ == question.id and parent == question.followup_of:
        return question
    return dataclasses.replace(question, id=id_, followup_of=parent)


def _same_asker(question: Question, g: Given) -> bool:
    return g.asker is None or question.asker is None or g.asker == question.asker


def _similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, _words(a), _words(b), autojunk=False).ratio()


def _forms(question: Question) -> list[str]:
    """The question's text as the draft may hold it, compared as duplicates are: as
    asked, or after its section's title (:func:`bot.compile.draft_writer._question_text`)."""
    forms = [comparable(question.question)]
    if question.title:
        forms.append(comparable(f"'''{question.title.strip()}''' {question.question}"))
    return forms


def _unique(given: Iterable[Given]) -> list[Given]:
    out: dict[str, Given] = {}
    for g in given:
        if g.id not in out or (not out[g.id].text and g.text):
            out[g.id] = g
    return list(out.values())
