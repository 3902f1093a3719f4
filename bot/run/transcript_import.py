"""Use case: propose answers from the recording's transcript in the draft (``notesbot import SESSION call.vtt``)."""

from __future__ import annotations

from bot import logs
from bot.compile.proposals import at_time, clock
from bot.harvest.transcripts import Transcript
from bot.model import Session
from bot.run.context import Context, finish, planned, run_plan
from bot.run.reading import bot_or_staff_revision, templates_for

log = logs.get_logger("run")


def import_transcript(ctx: Context, session: Session, transcript: Transcript, *, recording: str | None = None) -> int:
    """Proposed answers from ``transcript`` under the draft's questions the host
    took up; the questions maybe asked live that are not in the draft are listed
    for staff (in the output, never in the draft)."""
    from bot.publish.proposals import plan_proposals

    pages = ctx.wiki.read([session.draft_page])
    # The box's proposed ids and recording as the bot or staff last saved them.
    saved = bot_or_staff_revision(ctx, pages[session.draft_page])
    trusted = None if saved is None else saved.text
    plan, first = planned(lambda: plan_proposals(pages, session, transcript, templates_for(ctx),
                                                 speakers=ctx.series.all_speakers, recording=recording,
                                                 trusted=trusted))
    report = run_plan(ctx, plan)
    for seconds, sentence in first.live:
        where = at_time(recording, int(seconds)) if recording else clock(seconds)
        logs.output(f"asked live, not in the draft (for staff, not added): {where}: {sentence}")
    return finish(ctx, report, f"Draft of [[{session.title}]] ({transcript.source}: {first.taken_up} questions "
                               f"taken up, {len(first.proposed)} new proposed answers, {len(first.live)} "
                               f"questions maybe asked live):")
