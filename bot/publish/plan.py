"""The plan: every page edit a command makes, computed before anything is saved.

A command reads every page it may touch, in batches (``bot/wiki``), and hands
what it read to one of the pure planners here (:func:`plan_publish`,
:func:`plan_new_session`, :func:`plan_draft`), which return a :class:`Plan`:
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
from datetime import date, datetime, time, timezone
from typing import TYPE_CHECKING, Callable, Collection, Mapping

from bot import compile as compile_mod
from bot import harvest as harvest_mod
from bot import wikifacts
from bot.model import PageState, Question, Revision, Session
from bot.harvest.reconcile import given_from_draft
from bot.publish import crosslinks, pagetext

if TYPE_CHECKING:  # the configuration's types, for annotations only
    from bot.config import SeriesConfig

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


@dataclass
class Plan:
    """The ordered edits of a command, and what staff should be told about them."""

    edits: list[Edit] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    """Things worth telling staff (neutralised text, draft problems)."""
    session: Session | None = None
    """The session planned for, with its neighbours."""
    answered: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    refusals: list[tuple[str, str, str]] = field(default_factory=list)
    """(title, kind, why) of the edits the planner would not make (a central
    page it cannot read): reported as refused, not guessed at."""
    deliveries: list["Delivery"] = field(default_factory=list)
    """MassMessage requests to send after the edits they depend on."""
    afterwards: list[Edit] = field(default_factory=list)
    """Edits made after the edits and the deliveries, each over the page as it
    is then, never merged with the others: the records of the announcements
    made (:func:`announcement_edits`), which must not be saved before them."""

    def titles(self) -> list[str]:
        return list(dict.fromkeys(e.title for e in self.edits))

    def settle(self, pages: Mapping[str, PageState]) -> "Plan":
        """One edit per page (see :func:`merge_edits`), each with the text it
        would save over the page as read."""
        settled = []
        for edit in merge_edits(self.edits):
            state = pages.get(edit.title) or PageState.missing(edit.title)
            settled.append(replace(edit, base=state, text=edit.new_text(state.text, state.exists)))
        self.edits = settled
        self.afterwards = [replace(e, base=pages.get(e.title) or PageState.missing(e.title), text=None)
                           for e in self.afterwards]
        return self

    @property
    def changed(self) -> list[Edit]:
        return [edit for edit in self.edits if edit.changes_page]


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


# -- the series: which sessions there are -------------------------------------------

def linked_dates(index_text: str, series: "SeriesConfig") -> set[date]:
    """Dates of the session pages of ``series`` that a text links to."""
    return {d for d in (series.session_date(t) for t in pagetext.links_in(index_text)) if d}


def series_dates(index_text: str, series: "SeriesConfig", allowed: "Collection[date] | None" = None) -> list[date]:
    """Dates of the sessions of ``series``: those its index page links to
    (only those in ``allowed``, when given: see :func:`dates_listed_by`), and
    those its configuration lists."""
    found = linked_dates(index_text, series)
    if allowed is not None:
        found &= set(allowed)
    found.update(date.fromisoformat(d) for d in series.sessions)
    return sorted(found)


def dates_listed_by(revisions: "list[Revision]", series: "SeriesConfig",
                    trusted: Callable[[str], bool]) -> set[date]:
    """The session dates of the index's latest revision that a ``trusted``
    user (staff, the bot) put there: each date is credited to the author of
    the revision in which it (last) appeared, oldest revision first.  A
    session listed by anyone else is not acted on: anyone can edit the index."""
    credited: dict[date, bool] = {}
    previous: set[date] = set()
    for revision in revisions:
        dates = linked_dates(revision.text, series)
        for day in dates - previous:
            credited[day] = trusted(revision.user)
        previous = dates
    return {day for day in previous if credited.get(day)}


def neighbours(day: date, dates: list[date]) -> tuple[date | None, date | None]:
    earlier = [d for d in dates if d < day]
    later = [d for d in dates if d > day]
    return (max(earlier) if earlier else None, min(later) if later else None)


def with_neighbours(session: Session, series: "SeriesConfig", index_text: str,
                    allowed: "Collection[date] | None" = None) -> tuple[Session, list[date]]:
    """``session`` with its previous and next sessions, and every date of the
    series (the session's own included)."""
    dates = sorted(set(series_dates(index_text, series, allowed)) | {session.date})
    prev_day, next_day = neighbours(session.date, dates)
    return replace(session,
                   previous=series.session_title_for(prev_day) if prev_day else None,
                   next=series.session_title_for(next_day) if next_day else None), dates


def neighbour_titles(session: Session, series: "SeriesConfig", index_text: str,
                     allowed: "Collection[date] | None" = None) -> list[str]:
    """The session pages of the neighbours, which a plan may also edit: read them too."""
    linked, _ = with_neighbours(session, series, index_text, allowed)
    return [t for t in (linked.previous, linked.next) if t]


def publish_titles(session: Session, series: "SeriesConfig | None" = None) -> list[str]:
    """What :func:`plan_publish` needs read, besides the neighbours (and, given
    the series, the pages of its cross-links)."""
    return [session.title, session.questions_page, session.draft_page, session.notes_page, session.index_page,
            *(crosslink_titles(series) if series is not None else [])]


def new_session_titles(session: Session, series: "SeriesConfig | None" = None) -> list[str]:
    """What :func:`plan_new_session` needs read, besides the neighbours (and,
    given the series, the pages of its cross-links)."""
    return [session.title, session.questions_page, session.index_page,
            *(crosslink_titles(series) if series is not None else [])]


# -- the pieces of a plan ----------------------------------------------------------------

def notes_link(session: Session) -> str:
    if session.notes_section:
        return f"{session.notes_page}#{session.notes_section}"
    return session.notes_page


INDEX_TEMPLATES = {"published": "index_line", "upcoming": "index_upcoming", "to come": "index_pending"}
"""A session's state on the index → the template of its line: notes out, not yet held, held but notes to come."""


def index_line(session: Session, tset, *, published: bool, state: str | None = None) -> str:
    values = {"session": session.title, "date": wikifacts.human_date(session.date), "notes": notes_link(session)}
    return tset.render(INDEX_TEMPLATES[state or ("published" if published else "upcoming")], values).strip()


def session_start(session: Session) -> datetime:
    return datetime.combine(session.date, time.fromisoformat(session.time), tzinfo=timezone.utc)


def index_edit(session: Session, tset, series: "SeriesConfig", *, published: bool, state: str | None = None) -> Edit:
    """The session's line on the index: the bot's own line, known by its
    marker (or, written by an earlier version without one, by being exactly
    what the bot would have written); every other line is kept, whatever it
    links to (a volunteer's line about the session's recording, say).  The
    bot's line that already links the notes (two links or more) is never
    turned back into "upcoming" or "notes to come"; a session someone else
    listed gets no second line until its notes are out."""
    state = state or ("published" if published else "upcoming")
    published = state == "published"
    tag = pagetext.marker("session", session.title)
    line = f"{index_line(session, tset, published=published, state=state)} {tag}"
    legacy = {index_line(session, tset, published=False, state=s) for s in INDEX_TEMPLATES}

    def own(text: str) -> bool:
        return tag in text or text.strip() in legacy

    def order_key(text: str) -> str | None:
        for target in pagetext.links_in(text) if "[[" in text else []:
            day = series.session_date(target)
            if day:
                return day.isoformat()
        return None

    def change(text: str, exists: bool) -> str:
        if not published:
            lines = text.split("\n")
            mine = [l for l in lines if own(l)]
            if any(len(pagetext.links_in(l)) > 1 for l in mine):
                return text  # its notes are out: never downgraded
            listed = any("[[" in l and session.title in pagetext.links_in(l) for l in lines)
            if listed and (state == "upcoming" or not mine):
                return text  # already listed: a new session does not change its line
        return pagetext.ensure_line(text, line, own=own, order_key=order_key, key=session.date.isoformat())

    what = {"published": "notes of", "upcoming": "upcoming session", "to come": "notes to come for"}[state]
    return Edit(
        title=session.index_page, kind="index",
        summary=f"Index: {what} [[{session.title}]]",
        change=change, depends_on=(session.notes_page,) if published else (),
    )


def navigation_edits(session: Session, template: str, pages: Mapping[str, PageState]) -> list[Edit]:
    """The navigation template on this session's page and on its neighbours'
    (``session`` carries its neighbours: :func:`with_neighbours`)."""
    prev_title, next_title = session.previous, session.next
    edits = [Edit(
        title=session.title, kind="navigation",
        summary="Navigation between sessions",
        change=lambda text, exists: pagetext.set_template(
            text, template, {"previous": prev_title or "", "next": next_title or "", "index": session.index_page}),
    )]
    for other, key in ((prev_title, "next"), (next_title, "previous")):
        page = pages.get(other) if other else None
        if other and page is not None and page.exists:
            edits.append(Edit(
                title=other, kind="navigation",
                summary=f"Navigation: link to [[{session.title}]]",
                change=lambda text, exists, key=key: pagetext.set_template(
                    text, template, {key: session.title, "index": session.index_page}),
                depends_on=(session.title,),
            ))
    return edits


def add_marks(text: str, marks: Mapping[str, tuple[str, bool]], series: "SeriesConfig", facts=None, *,
              notes_page: str = "", given=()) -> str:
    """Every mark of the questions page agreeing with ``marks`` (id → (link
    target, written?)): :func:`bot.publish.mark_sync.sync_marks`."""
    from bot.publish import mark_sync
    return mark_sync.sync_marks(text, marks, series.mark_template, topic_aliases(series), notes_page=notes_page,
                                given=given, facts=facts)


def marks_edit(session: Session, answered: list[str], written: list[str], series: "SeriesConfig",
               facts=None, given=()) -> Edit:
    """The answered marks on the questions page.  ``facts``: the wiki's
    language facts, the same that harvest read the page with: another
    language's signatures read otherwise give other ids, and no mark."""
    target = session.notes_page
    marks = {qid: (f"{target}#{qid}", False) for qid in answered}
    marks.update({qid: (f"{target}#{qid}", True) for qid in written})
    return Edit(
        title=session.questions_page, kind="marks",
        summary=f"Marking the questions answered in [[{notes_link(session)}|the notes]]",
        change=lambda text, exists: add_marks(text, marks, series, facts, notes_page=target,
                                              given=given) if exists else text,
        depends_on=(session.notes_page,),
    )


def notes_edit(session: Session, notes_text: str, tset, summary: str, *, translate: bool = False) -> Edit:
    """The notes: between the bot's markers in the session page's notes
    section, or on a page of their own.  Whatever others wrote outside the
    markers (a sub-section, a note under the notes) is kept byte for byte; a
    first publish replaces only the placeholder the session template wrote.
    Translatable notes keep the unit markers of the text the change is
    applied to (:func:`bot.compile.keep_markers`), so that a republish, or
    its recompute after a conflict, keeps their translations."""
    def kept(current: str) -> str:
        return compile_mod.keep_markers(current, notes_text) if translate else notes_text

    if session.notes_section:
        empty = compile_mod.render_session_page(session, tset)
        where = pagetext.find_section(empty, session.notes_section)
        placeholder = empty[where[1]:where[2]] if where else ""

        def change(text: str, exists: bool) -> str:
            if not exists:
                return compile_mod.render_session_page(session, tset, notes=pagetext.wrap_own(notes_text))
            where = pagetext.find_section(text, session.notes_section)
            body = text[where[1]:where[2]] if where else ""
            mine = pagetext.own_text(body)
            return pagetext.set_section_part(text, session.notes_section, kept(body if mine is None else mine),
                                             placeholder=placeholder)
    else:
        def change(text: str, exists: bool) -> str:
            if not exists:
                return pagetext.wrap_own(notes_text)
            mine = pagetext.own_text(text)
            # A page of their own without markers was written whole by an earlier version.
            return pagetext.set_own_part(text, kept(text if mine is None else mine), owned=True)
    return Edit(title=session.notes_page, kind="notes", summary=summary, change=change)


def draft_box_edit(session: Session, note: str) -> Edit:
    """The draft's status box says ``note`` (its ``untrusted`` parameter):
    what staff are told about edits by others since their last revision;
    '' clears it.  Nothing else of the draft changes."""
    return Edit(
        title=session.draft_page, kind="draft",
        summary=("Status box: " + note) if note else "Status box: no edit by others since the last staff revision",
        change=lambda text, exists: compile_mod.set_untrusted(text, note) if exists else text,
    )


def topic_aliases(series: "SeriesConfig") -> dict[str, str]:
    return {**harvest_mod.DEFAULT_TOPIC_ALIASES, **series.topic_aliases}


# -- the planners -------------------------------------------------------------------------

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


def publish_conditions(draft: "compile_mod.Draft", session: Session, moment: datetime) -> list[str]:
    """What a manual publish still needs: status ``ready``, a session that has started."""
    missing = []
    if not draft.ready:
        missing.append(f"the status in [[{session.draft_page}]] is {draft.status!r}, not 'ready'")
    start = session_start(session)
    if moment < start:
        missing.append(f"the session has not started yet (it starts {wikifacts.human_date(session.date)}, "
                       f"{session.time} UTC)")
    return missing


def plan_publish(pages: Mapping[str, PageState], session: Session, series: "SeriesConfig", tset, *,
                 manual_at: datetime | None = None, allowed_dates: "Collection[date] | None" = None,
                 massmessage: bool = False, facts=None) -> Plan:
    """Everything publishing ``session`` changes: the notes, the session page
    (when the notes have a page of their own), the index line, the
    navigation, and the answered marks.  ``pages`` holds what was read
    (:func:`publish_titles`, then :func:`neighbour_titles`); its draft is the
    revision staff saved, and the neighbours are only among ``allowed_dates``.

    A draft with a problem that would lose text (an unclosed comment, say)
    is refused with :class:`PublishRefused`, naming the lines: part of a
    draft is never published.  With ``manual_at`` (a publish by hand, not
    forced), so is a draft that is not ``ready`` or a session that has not
    started at that moment."""
    from bot.compile import check as check_mod

    session, _ = with_neighbours(session, series, _text(pages, session.index_page), allowed_dates)
    draft_page = pages.get(session.draft_page)
    if draft_page is None or not draft_page.exists:
        raise PlanError(f"[[{session.draft_page}]] does not exist: harvest the questions into a draft first")
    draft = compile_mod.parse_draft(draft_page.text, series.all_speakers)
    losing = check_mod.losing_text(check_mod.check_draft(draft_page.text, series.all_speakers))
    if losing:
        raise PublishRefused(f"[[{session.draft_page}]] not published: {len(losing)} problem(s) would lose "
                             f"text of the notes; mend these lines first", [str(f) for f in losing])
    if manual_at is not None:
        missing = publish_conditions(draft, session, manual_at)
        if missing:
            raise PublishRefused(f"[[{session.title}]] not published: {'; '.join(missing)} "
                                 f"(--force publishes anyway)", missing)
    plan = Plan(session=session)
    plan.notices += [f"[[{session.draft_page}]]: {p}" for p in draft.problems]
    try:
        notes = compile_mod.render_notes(draft, session, tset, translate=series.translate,
                                         unanswered_heading=series.unanswered_heading)
    except compile_mod.TemplateError as e:  # names the template and placeholder
        raise PlanError(f"cannot compile the notes: {e}") from None
    plan.notices += [f"neutralised in the notes: {n}" for n in notes.neutralised]
    plan.answered, plan.written = notes.answered, notes.written
    summary = (f"Notes of [[{session.title}]]: {len(notes.answered)} answered"
               + (f", {len(notes.written)} to be answered in writing" if notes.written else ""))
    plan.edits.append(notes_edit(session, notes.text, tset, summary, translate=series.translate))
    if session.notes_page != session.title:
        plan.edits.append(Edit(
            title=session.title, kind="session", summary=f"Session page of [[{session.title}]]",
            change=lambda text, exists: text if exists else compile_mod.render_session_page(session, tset),
        ))
    plan.edits.append(index_edit(session, tset, series, published=True))
    plan.edits += navigation_edits(session, series.navigation_template, pages)
    plan.edits.append(marks_edit(session, notes.answered, notes.written, series, facts,
                                 given=given_from_draft(draft)))
    add_crosslinks(plan, pages, session, series, tset, event="published", massmessage=massmessage)
    return plan.settle(pages)


def plan_new_session(pages: Mapping[str, PageState], session: Session, series: "SeriesConfig", tset,
                     allowed_dates: "Collection[date] | None" = None, *,
                     massmessage: bool = False) -> Plan:
    """A new session: its page and questions page (created, never changed), its
    line on the index, and the navigation of it and its neighbours (among
    ``allowed_dates``, when given)."""
    session, _ = with_neighbours(session, series, _text(pages, session.index_page), allowed_dates)
    deadline = session_start(session)  # questions are harvested until the session starts
    plan = Plan(session=session)
    plan.edits += [
        Edit(title=session.title, kind="session", create_only=True,
             summary=f"New Conversation Hour: [[{session.title}]]",
             change=lambda text, exists: compile_mod.render_session_page(session, tset)),
        Edit(title=session.questions_page, kind="questions", create_only=True,
             summary=f"Questions page for [[{session.title}]]",
             change=lambda text, exists: compile_mod.render_questions_page(session, tset, deadline=deadline)),
        index_edit(session, tset, series, published=False),
        *navigation_edits(session, series.navigation_template, pages),
    ]
    add_crosslinks(plan, pages, session, series, tset, event="created", massmessage=massmessage)
    return plan.settle(pages)


def plan_index(pages: Mapping[str, PageState], session: Session, series: "SeriesConfig", tset,
               state: str) -> Plan:
    """The session's line on the index alone, in ``state`` ('upcoming' or 'to
    come'): a session that has taken place shows "notes to come" until its
    notes are out.  A line that links the notes is left as it is."""
    plan = Plan(session=session)
    plan.edits.append(index_edit(session, tset, series, published=False, state=state))
    return plan.settle(pages)


def draft_with_problems(text: str, speakers: tuple[str, ...]) -> str:
    """The draft with its status box's ``problems`` saying what
    :func:`bot.compile.check.check_draft` finds in it now.  The parameter's
    own line is put in place first, so that the line numbers it gives are
    those of the page as saved."""
    from bot.compile import check as check_mod

    findings = check_mod.check_draft(text, speakers)
    if not findings:
        return compile_mod.set_draft_problems(text, [])
    staged = compile_mod.set_draft_problems(text, ["-"])
    return compile_mod.set_draft_problems(staged, [str(f) for f in check_mod.check_draft(staged, speakers)])


def plan_draft_problems(pages: Mapping[str, PageState], session: Session, series: "SeriesConfig") -> Plan:
    """Write the draft's problems into its status box, where staff work (no
    edit when the box already says them, or when there is no draft)."""
    plan = Plan(session=session)
    plan.edits.append(Edit(
        title=session.draft_page, kind="draft",
        summary="Problems the notes bot found in the draft (see the box at the top)",
        change=lambda text, exists: draft_with_problems(text, series.all_speakers) if exists else text,
    ))
    return plan.settle(pages)


def plan_draft(pages: Mapping[str, PageState], session: Session, questions: list[Question], tset) -> Plan:
    """Create the draft, or add to it only the questions that are new since the
    last update (staff's text is never changed).  The plan's notices say what
    was neutralised in the questions' text, for staff to look at."""
    current = pages.get(session.draft_page) or PageState.missing(session.draft_page)

    def update(text: str, exists: bool) -> compile_mod.DraftUpdate:
        return (compile_mod.update_draft(text, questions, session, tset) if exists
                else compile_mod.render_draft(questions, session, tset))

    try:
        first = update(current.text, current.exists)
    except compile_mod.DraftError as e:  # staff removed the status box, say
        raise PlanError(f"[[{session.draft_page}]]: {e}") from None
    count = len(first.added)
    plan = Plan(session=session)
    plan.edits.append(Edit(
        title=session.draft_page, kind="draft",
        summary=f"{count} new question{'s' if count != 1 else ''} from [[{session.questions_page}]] "
                f"for [[{session.title}]]",
        change=lambda text, exists: update(text, exists).text,
    ))
    plan.notices += [f"neutralised in [[{session.draft_page}]]: {n}" for n in first.neutralised]
    return plan.settle(pages)


def _text(pages: Mapping[str, PageState], title: str) -> str:
    page = pages.get(title)
    return page.text if page is not None and page.exists else ""


# -- cross-links across Meta (the text changes are in bot/publish/crosslinks.py) ---------

def crosslink_titles(series: "SeriesConfig") -> list[str]:
    """The pages besides the series' own that the cross-links edit."""
    titles = [series.central_listing.page] if series.central_listing is not None else []
    return titles + list(series.announcements.pages)


def add_crosslinks(plan: Plan, pages: Mapping[str, PageState], session: Session, series: "SeriesConfig", tset,
                   *, event: str, massmessage: bool) -> None:
    """Append to ``plan`` the cross-links of ``event`` ('created' or
    'published'): the central listing's row, the categories, the announcement."""
    published = event == "published"
    if not published:
        plan.edits.append(start_edit(session, series))
    plan.edits += category_edits(session, series, published=published)
    listing = listing_edit(pages, session, series, plan, published=published)
    if listing is not None:
        plan.edits.append(listing)
    plan.edits += announcement_edits(pages, session, series, tset, plan, event=event, massmessage=massmessage)


def listing_edit(pages: Mapping[str, PageState], session: Session, series: "SeriesConfig", plan: Plan, *,
                 published: bool) -> Edit | None:
    """The session's row on the central listing; a page the bot cannot read is
    a refusal of the plan, not an edit."""
    listing = series.central_listing
    if listing is None:
        return None
    notes = notes_link(session) if published else None
    page = pages.get(listing.page)
    if page is None or not page.exists:
        plan.refusals.append((listing.page, "listing", f"[[{listing.page}]] does not exist"))
        return None
    if page.redirect_target:
        return None  # apply_plan refuses a redirect, naming its target
    try:
        crosslinks.update_listing(page.text, session, listing, duration=series.duration_minutes, notes=notes,
                                  notes_link=notes_link(session))
    except crosslinks.ListingError as e:
        plan.refusals.append((listing.page, "listing", str(e)))
        return None

    def change(text: str, exists: bool) -> str:
        try:
            return crosslinks.update_listing(text, session, listing, duration=series.duration_minutes, notes=notes,
                                             notes_link=notes_link(session))
        except crosslinks.ListingError:
            return text  # made unreadable between the read and the save: leave it, say nothing new

    return Edit(
        title=listing.page, kind="listing",
        summary=(f"Office hours: notes of [[{session.title}]]" if published
                 else f"Office hours: [[{session.title}]] on {wikifacts.human_date(session.date)}"),
        change=change, depends_on=(session.notes_page,) if published else (session.title,),
    )


def category_edits(session: Session, series: "SeriesConfig", *, published: bool) -> list[Edit]:
    """The configured categories on the session page and its questions page,
    and, once published, on the notes page; a missing page is not created."""
    wanted: dict[str, tuple[str, ...]] = {}
    for title, categories in ((session.title, series.categories.session),
                              (session.questions_page, series.categories.questions),
                              (session.notes_page, series.categories.notes if published else ())):
        wanted[title] = wanted.get(title, ()) + categories
    return [Edit(title=title, kind="categories", summary=f"Categories of [[{session.title}]]",
                 change=lambda text, exists, categories=categories: crosslinks.ensure_categories(
                     text, exists, categories))
            for title, categories in wanted.items() if categories]


def announcement_edits(pages: Mapping[str, PageState], session: Session, series: "SeriesConfig", tset,
                       plan: Plan, *, event: str, massmessage: bool) -> list[Edit]:
    """The announcement of ``event`` as a new section on each configured page,
    or one MassMessage request to the delivery list when the wiki has
    MassMessage: each made once per session, event and page.

    Each announcement made is recorded on the session page
    (:func:`crosslinks.announcement_record`, read back here from ``pages``),
    and the record decides: an announcement recorded there is never planned
    again, even when its section is no longer on the page (archived, its
    heading renamed).  Which side a crash between the two writes errs on:

    * On a page (``section=new``): posted first, then recorded (an edit of
      ``plan.afterwards``, made once the post is saved or found there).  A
      crash between them leaves no record; the next run finds the section by
      its heading, posts nothing and records it.  Only a section archived or
      renamed within that window is posted twice: this side errs towards a
      second post, never towards none.
    * With MassMessage: recorded as about to be sent (``announcing``, in the
      session page's own edit, saved before the request), sent, then recorded
      as sent (``announced``, afterwards).  A run that finds the first record
      without the second (a crash, a failed request or a lost answer between
      them) does not send again, since it cannot tell whether the message went
      out and a second delivery to every page of the list is worse than a
      late one: it reports the session page as refused, naming the record,
      on every run until a person checks the wiki's MassMessage log and
      replaces the record by the sent one or removes it (to have it sent).
      This side errs towards a message not sent, never silently."""
    config = series.announcements
    if not config.pages and not config.delivery_list:
        return []
    try:
        body = tset.render("announcement", crosslinks.announcement_values(session, event, notes_link(session)))
    except compile_mod.TemplateError as e:
        raise PlanError(f"cannot write the announcement: {e}") from None
    heading = crosslinks.announcement_heading(session, event)
    depends = (session.notes_page,) if event == "published" else (session.title,)
    recorded = _text(pages, session.title)

    def record_edit(record: str, what: str, *, after: str, replacing: str | None = None) -> Edit:
        return Edit(title=session.title, kind="announcement record",
                    summary=f"[[{session.title}]]: {crosslinks.EVENTS[event]}, {what}",
                    change=lambda text, exists: crosslinks.with_record(text, exists, record, replacing=replacing),
                    depends_on=(after,))

    if config.delivery_list and massmessage:
        target = config.delivery_list
        sent = crosslinks.announcement_record(session, event, target, massmessage=True)
        sending = crosslinks.announcement_record(session, event, target, massmessage=True, sent=False)
        if sent in recorded:
            return []
        if sending in recorded:
            plan.refusals.append((session.title, "announcement", (
                f"{sending} is on the page, without a record that it was sent (a run stopped between the "
                f"request and its record): not sent again; check the MassMessage log for [[{target}]], then "
                f"replace the record by {sent} if it was sent, or remove it to have it sent")))
            return []
        plan.deliveries.append(Delivery(target, crosslinks.massmessage_request(target, heading, body),
                                        tuple(dict.fromkeys((*depends, session.title)))))
        plan.afterwards.append(record_edit(sent, f"sent to [[{target}]]", after=target, replacing=sending))
        return [record_edit(sending, f"about to be sent to [[{target}]]", after=depends[0])]
    if config.delivery_list:
        plan.notices.append(f"the wiki has no MassMessage: [[{config.delivery_list}]] is not used"
                            + (", the announcement goes to the configured pages" if config.pages else ""))
    edits = []
    for page in config.pages:
        record = crosslinks.announcement_record(session, event, page)
        if record in recorded:
            continue
        edits.append(Edit(title=page, kind="announcement", summary=f"[[{session.title}]]: {crosslinks.EVENTS[event]}",
                          change=lambda text, exists: crosslinks.with_section(text, heading, body),
                          new_section=(heading, body), depends_on=depends))
        plan.afterwards.append(record_edit(record, f"announced on [[{page}]]", after=page))
    return edits


def start_edit(session: Session, series: "SeriesConfig") -> Edit:
    """The session's start (``start=2024-07-11T18:00Z``) in its navigation
    template, where the calendar feed finds a time given to ``new-session``."""
    value = f"{session.date.isoformat()}T{session.time}Z"

    def change(text: str, exists: bool) -> str:
        if not exists or "start" in (pagetext.template_params(text, series.navigation_template) or {}):
            return text  # recorded when the page was made: a later run without --time keeps it
        return pagetext.set_template(text, series.navigation_template, {"start": value})

    return Edit(title=session.title, kind="navigation", summary=f"Start of [[{session.title}]]", change=change)


def start_param(text: str, series: "SeriesConfig", day: date) -> str | None:
    """The start time (HH:MM, UTC) a session page records for ``day``, or None."""
    params = pagetext.template_params(text, series.navigation_template) or {}
    value = params.get("start", "")
    if value[:10] == day.isoformat() and len(value) >= 16 and value[10] == "T":
        hhmm = value[11:16]
        if hhmm[:2].isdigit() and hhmm[3:].isdigit() and hhmm[2] == ":":
            return hhmm
    return None
