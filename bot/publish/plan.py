"""The plan: every page edit a command makes, computed before anything is saved.

A command reads every page it may touch, in batches (``bot/wiki``), and hands
what it read to one of the pure planners of ``bot/publish``
(:func:`~bot.publish.publishing.plan_publish`,
:func:`~bot.publish.new_session.plan_new_session`,
:func:`~bot.publish.draft.plan_draft`...), which return a :class:`Plan`:
the ordered edits, each with the text it would save, the revision that text
was computed from, and the edits it depends on.  Applying the plan
(``bot/wiki/apply.py``) computes nothing: it saves each edit's text, and only
when somebody saved the page in between does it call the edit's ``change``
again, on the page's new text.

Each :class:`Edit` keeps its ``change``: a pure function from a page's
current text to its new text, touching only its own part of the page (a
section, a line, a template call, a mark), so that applying it again to a
text a community member has just edited keeps their edit.

Edits come in a safe order: notes, session page, index, navigation, and the
"answered" marks last, each depending on the edits it points to.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable, Mapping

from bot import compile as compile_mod
from bot.model import PageState, Session

Change = Callable[[str, bool], str]
"""A page's current text and whether it exists → its new text."""


@dataclass(frozen=True)
class Edit:
    """One page edit of a plan."""

    title: str
    kind: str
    """'notes', 'session', 'index', 'navigation', 'marks', 'draft', 'questions', 'status', 'listing',
    'categories', 'announcement', 'announcement record'."""
    summary: str
    change: Change
    depends_on: tuple[str, ...] = ()
    """Titles whose edits must be done (or already in place) before this one."""
    create_only: bool = False
    """Create the page if it is missing; never change an existing one."""
    base: PageState | None = None
    """The page as read when the plan was made (set by :meth:`Plan.settle`)."""
    text: str | None = None
    """The text to save over ``base`` (set by :meth:`Plan.settle`)."""
    new_section: tuple[str, str] | None = None
    """(heading, text) of a section this edit adds at the end of the page: it is
    saved with ``section=new`` (the wiki appends it to the page as it is then),
    and ``change`` leaves the page as it is once a section with that heading is
    on it.  A merged edit (two edits of one page) saves the whole text instead."""

    def new_text(self, current: str, exists: bool) -> str:
        """The change applied to ``current``: what to save over it."""
        if self.create_only and exists:
            return current
        try:
            return self.change(current, exists)
        except (compile_mod.DraftError, PlanError) as e:  # the page became one the change cannot apply to
            raise PageChanged(f"[[{self.title}]] is not as the bot can update it: {e}") from None

    def text_for(self, state: PageState) -> str:
        """The text to save over ``state``: the planned text if ``state`` is the
        revision the plan was made from, else the change applied anew."""
        if self.base is not None and self.text is not None and state.revid == self.base.revid \
                and state.exists == self.base.exists and state.text == self.base.text:
            return self.text
        return self.new_text(state.text, state.exists)

    @property
    def changes_page(self) -> bool:
        """Whether saving the planned text changes the page (a settled edit)."""
        if self.base is None or self.text is None:
            return True
        if self.base.exists:
            return self.text.rstrip() != self.base.text.rstrip()
        return bool(self.text.strip())


@dataclass(frozen=True)
class Plan:
    """The ordered edits of a command, and what staff should be told about
    them: a value, made by a planner of ``bot/publish`` (through a
    :class:`PlanBuilder`) and never changed afterwards."""

    edits: tuple[Edit, ...] = ()
    notices: tuple[str, ...] = ()
    """Things worth telling staff (neutralised text, draft problems)."""
    session: Session | None = None
    """The session planned for, with its neighbours."""
    refusals: tuple[tuple[str, str, str], ...] = ()
    """(title, kind, why) of the edits the planner would not make (a central
    page it cannot read): reported as refused, not guessed at."""
    deliveries: tuple["Delivery", ...] = ()
    """MassMessage requests to send after the edits they depend on."""
    afterwards: tuple[Edit, ...] = ()
    """Edits made after the edits and the deliveries, each over the page as it
    is then, never merged with the others: the records of the announcements
    made (:func:`bot.publish.announcements.announcement_edits`), which must
    not be saved before them."""

    def titles(self) -> list[str]:
        return list(dict.fromkeys(e.title for e in self.edits))

    def settle(self, pages: Mapping[str, PageState]) -> "Plan":
        """A new plan of one edit per page (see :func:`merge_edits`), each with
        the text it would save over the page as read."""
        settled = []
        for edit in merge_edits(list(self.edits)):
            state = pages.get(edit.title) or PageState.missing(edit.title)
            settled.append(replace(edit, base=state, text=edit.new_text(state.text, state.exists)))
        return replace(self, edits=tuple(settled),
                       afterwards=tuple(replace(e, base=pages.get(e.title) or PageState.missing(e.title), text=None)
                                        for e in self.afterwards))

    @property
    def changed(self) -> list[Edit]:
        return [edit for edit in self.edits if edit.changes_page]


@dataclass
class PlanBuilder:
    """A plan while a planner of ``bot/publish`` puts it together (lists to
    append to); :meth:`settle` makes the :class:`Plan`."""

    edits: list[Edit] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    session: Session | None = None
    refusals: list[tuple[str, str, str]] = field(default_factory=list)
    deliveries: list["Delivery"] = field(default_factory=list)
    afterwards: list[Edit] = field(default_factory=list)

    def settle(self, pages: Mapping[str, PageState]) -> Plan:
        return Plan(edits=tuple(self.edits), notices=tuple(self.notices), session=self.session,
                    refusals=tuple(self.refusals), deliveries=tuple(self.deliveries),
                    afterwards=tuple(self.afterwards)).settle(pages)


def plan_of(pages: Mapping[str, PageState], *edits: Edit, session: Session | None = None) -> Plan:
    """The settled plan of ``edits`` alone, over ``pages``."""
    return PlanBuilder(edits=list(edits), session=session).settle(pages)


@dataclass(frozen=True)
class Delivery:
    """One ``action=massmessage`` request (its parameters, without the token)."""

    delivery_list: str
    params: Mapping[str, str]
    depends_on: tuple[str, ...] = ()
    """Titles whose edits must have been saved (or found done) first."""

    @property
    def title(self) -> str:
        return self.delivery_list

    kind = "announcement"


def merge_edits(edits: list[Edit]) -> list[Edit]:
    """One edit per page: the changes to one title, composed in plan order, so
    that a publish makes exactly one edit to each page that changes.  A page
    keeps the place of its first edit."""
    by_title: dict[str, list[Edit]] = {}
    for edit in edits:
        by_title.setdefault(edit.title, []).append(edit)
    merged = []
    for title, group in by_title.items():
        if len(group) == 1:
            merged.append(group[0])
            continue

        def change(text: str, exists: bool, group=group) -> str:
            for e in group:
                new = e.new_text(text, exists)
                exists = exists or new != text
                text = new
            return text

        deps = tuple(dict.fromkeys(d for e in group for d in e.depends_on if d != title))
        merged.append(Edit(
            title=title, kind="+".join(dict.fromkeys(e.kind for e in group)),
            summary="; ".join(dict.fromkeys(e.summary for e in group)),
            change=change, depends_on=deps,
        ))
    return merged


class PlanError(ValueError):
    """A plan that cannot be made from what was read; the message says why, for a person."""


class PageChanged(PlanError):
    """An edit's change no longer applies to the page as it is now (somebody
    saved it in the meantime: staff created the draft by hand, say); that
    edit fails with this message, the others go on."""


class PublishRefused(PlanError):
    """Publishing refused because of the draft or the date (exit 1): ``reasons`` says what is missing."""

    def __init__(self, message: str, reasons: list[str]) -> None:
        super().__init__(message)
        self.reasons = reasons
