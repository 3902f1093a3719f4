"""Use case: import questions from saved chats and emails into the draft (``notesbot import``)."""

from __future__ import annotations

from bot import logs
from bot.errors import UsageError
from bot.model import Session
from bot.publish.series import topic_aliases
from bot.run.context import Context, finish, planned, run_plan
from bot.run.reading import templates_for

log = logs.get_logger("run")


def import_into_draft(ctx: Context, session: Session, messages: list, *, verbose: bool = False) -> int:
    """Questions from saved chats and emails (``messages``, from
    :func:`bot.harvest.channels.read_messages`) into the session's draft."""
    from bot.harvest import channels
    from bot.publish import chat_questions

    aliases = topic_aliases(ctx.series)
    topics = {**{t: t for t in session.topics}, **aliases, **{t: t for t in aliases.values()}}
    picked = channels.pick_questions(messages, hosts=(ctx.series.host, *ctx.series.chat_hosts), topics=topics)
    tset = templates_for(ctx)
    pages = ctx.wiki.read([session.draft_page, session.questions_page])
    if not pages[session.questions_page].exists:  # no session: refused as harvest refuses it
        raise UsageError(f"[[{session.questions_page}]] does not exist")
    known = chat_questions.questions_page_texts(pages[session.questions_page], aliases, ctx.series.mark_template)
    draft = pages[session.draft_page]
    _, kept_out = chat_questions.new_questions(draft.text, draft.exists, picked.questions, known)
    if verbose:
        for item in picked.left_out:
            log.info("%s", item)
        for question, reason in kept_out:
            log.info("not added (%s): %r", reason, question.question[:70])
    channel_names = sorted({m.channel for m in messages})
    source = " and ".join(["the live chat"] * bool(set(channel_names) & channels.LIVE_CHAT)
                          + ["email"] * ("email" in channel_names))
    plan = planned(lambda: chat_questions.plan_import(pages, session, picked.questions, tset, known=known,
                                                      source=source))
    report = run_plan(ctx, plan)
    added = len(picked.questions) - len(kept_out)
    return finish(ctx, report, f"Draft of [[{session.title}]] ({len(picked.questions)} questions found, "
                               f"{added} new, {len(picked.left_out)} messages left out"
                               f"{'' if verbose else ': see --verbose'}):")
