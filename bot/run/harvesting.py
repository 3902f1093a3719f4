"""Use case: harvest the questions page into the draft (``notesbot harvest --to-draft``, a tick's collecting session)."""

from __future__ import annotations

from bot import logs, publish
from bot.harvest.reconcile import dropped_by_others, reconcile_with_draft
from bot.model import PageState, Question, Session
from bot.run.context import Context, finish, planned, run_plan
from bot.run.reading import bot_or_staff_revision, harvest_page, is_staff, parsed_draft, templates_for

log = logs.get_logger("run")


def harvest_into_draft(ctx: Context, session: Session) -> int:
    tset = templates_for(ctx)
    result, source = harvest_page(ctx, session.questions_page)
    for problem in result.problems:
        log.warning("%s: %s", source, problem, extra=logs.PLAIN)
    pages = ctx.wiki.read([session.draft_page])
    draft = pages[session.draft_page]
    result.questions = reconcile_with_draft(result.questions, draft,
                                            history=lambda: ctx.wiki.history(session.draft_page, latest=draft.revid))
    harvested = trusted_harvested(ctx, session, draft)
    restore, notices = dropped_questions(ctx, session, draft, result.questions, harvested)
    plan = planned(lambda: publish.plan_draft(pages, session, result.questions, tset, restore, harvested))
    for notice in notices:
        log.warning("%s", notice, extra=logs.PLAIN)
    report = run_plan(ctx, plan)
    return finish(ctx, report, f"Draft of [[{session.title}]] ({len(result.questions)} questions harvested):")


def trusted_harvested(ctx: Context, session: Session, draft: PageState) -> tuple[str, ...] | None:
    """The draft box's list of harvested ids as the bot or staff last saved
    it, when someone else saved the draft since (a light history request,
    and one for that revision's text); None when the bot or staff saved it
    last (the list as it stands).  Only the bot writes that list: what
    anyone else does to it decides nothing."""
    saved = bot_or_staff_revision(ctx, draft)
    return None if saved is None else tuple(parsed_draft(saved.text).harvested)


def dropped_questions(ctx: Context, session: Session, draft: PageState, questions: list[Question],
                      harvested: tuple[str, ...] | None = None) -> tuple[frozenset[str], list[str]]:
    """The harvested questions someone other than staff or the bot deleted
    from the draft: those still on the questions page are put back (their
    ids), the others are reported for staff (the notices).  Only staff or
    the bot may drop a question.  The draft's history is read only when a
    harvested id is missing from it (one request)."""
    if not draft.exists:
        return frozenset(), []
    now = parsed_draft(draft.text)
    present = {q.id for q in now.questions if not q.staff_added}
    missing = [id_ for id_ in (now.harvested if harvested is None else harvested) if id_ not in present]
    if not missing:
        return frozenset(), []
    dropped = dropped_by_others(
        ctx.wiki.history(session.draft_page, latest=draft.revid), missing,
        lambda text: {q.id for q in parsed_draft(text).questions if not q.staff_added},
        lambda user: user == ctx.bot or is_staff(ctx, user))
    harvested = {q.id for q in questions}
    back = frozenset(id_ for id_ in dropped if id_ in harvested)
    notices = [f"[[{session.draft_page}]]: question {id_} deleted by {user}, who is not staff: "
               + ("put back" if id_ in back else "not on the questions page any more; a staff member "
                  "decides whether it stays deleted")
               for id_, user in sorted(dropped.items())]
    return back, notices
