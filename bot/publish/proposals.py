"""The plan of a transcript import: proposed answers under the draft's questions the host took up.

Staff text is never touched: a block (:mod:`bot.compile.proposals`) is
inserted after a question's last line, and the status box's ``proposed``
list gets the question's id.  A question that already has an answer, or
got a proposal before (kept, accepted or deleted), gets none; so a second
import of the same transcript changes nothing.  Questions asked live that
are not in the draft are returned for staff, never added.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot import compile as compile_mod
from bot import wikitext
from bot.compile import proposals as blocks_mod
from bot.compile import transcript as matching
from bot.compile.draft import parse_draft, person_key, recording_url, same_person, set_box_value
from bot.compile.draft_writer import staff_note
from bot.compile.sanitize import neutralise
from bot.harvest.channels import without_note
from bot.harvest.transcripts import Transcript
from bot.model import PageState, Session
from bot.publish.plan import Edit, Plan, PlanBuilder, PlanError

__all__ = ["ProposalUpdate", "plan_proposals", "proposals_update"]


@dataclass
class ProposalUpdate:
    text: str
    proposed: list[str] = field(default_factory=list)
    """Ids of the questions this update proposed an answer for."""
    taken_up: int = 0
    """How many of the draft's questions the host took up (proposed before or now)."""
    live: list[tuple[float, str]] = field(default_factory=list)
    """(seconds, sentence) of questions maybe asked live, not in the draft: for staff, never added."""
    neutralised: list[str] = field(default_factory=list)


def proposals_update(text: str, transcript: Transcript, templates, *, speakers: tuple[str, ...] = (),
                     recording: str | None = None, trusted: str | None = None) -> ProposalUpdate:
    """``text`` (the draft) with a proposal under each question the host took up
    that has no answer and got no proposal before.  ``speakers``: the series'
    host and speakers (``Name|alias``); ``recording``: the recording's address
    (None: the one in the draft's box, if any; one given and not in the box is
    written there).  ``trusted``: the draft as the bot or staff last saved it,
    when someone else saved it since: its box's ``proposed`` and
    ``recording`` count, not the ones anyone can write in the draft (a
    forged list of proposed ids stopped the import; a forged address went
    into every proposal's link)."""
    draft = parse_draft(text, speakers)
    box = draft if trusted is None else parse_draft(trusted, speakers)
    stream = matching.Stream.of(transcript)
    questions = [(q.id, _plain(q.text)) for q in draft.questions]
    topics = [section.heading for section in draft.sections if section.heading]
    moments = matching.find_moments(questions, stream, topics)
    proposals = matching.propose(questions, stream, speakers, topics, moments=moments)
    update = ProposalUpdate(text, taken_up=len(proposals), live=matching.asked_live(stream, moments.values()))
    url = recording or recording_url(box)
    by_id = {q.id: q for q in draft.questions}
    done = set(box.proposed)
    people = [frozenset(person_key(n) for n in entry.split("|") if n.strip()) for entry in speakers]
    insertions: list[tuple[int, str]] = []
    lines_of_text = text.split("\n")
    for proposal in proposals:
        question = by_id[proposal.question_id]
        if question.answered or question.id in done:
            continue
        lines = []
        for speaker, said in proposal.lines:
            line, changes = neutralise(f"{speaker}: {said}" if speaker else said)
            update.neutralised += [f"{question.id}: {change}" for change in changes]
            lines.append(line)
        if not lines:
            continue
        link = (f"[{blocks_mod.at_time(url, proposal.seconds)} The answer in the recording "
                f"({blocks_mod.clock(proposal.seconds)})]") if url else None
        block = blocks_mod.render_block(templates, seconds=proposal.seconds, lines=lines, link=link,
                                        notes=_notes(transcript, proposal, people, url is not None))
        insertions.append((_end_of(lines_of_text, question.line), block))
        update.proposed.append(question.id)
    # The address to write in the box: one given that the box lacks, or the
    # trusted box's own where someone changed it.
    write_recording = recording if recording and not box.recording else (
        box.recording if box.recording and box.recording != draft.recording else None)
    if not insertions and write_recording is None:
        return update
    out = text.split("\n")
    for after, block in sorted(insertions, key=lambda item: item[0], reverse=True):
        out[after:after] = block.split("\n")
    new = "\n".join(out)
    if update.proposed:
        new = set_box_value(new, blocks_mod.PROPOSED, " ".join(dict.fromkeys(box.proposed + update.proposed)))
    if write_recording:
        new = set_box_value(new, "recording", write_recording)
    update.text = new
    return update


def _end_of(lines: list[str], line: int) -> int:
    """The last line (1-based) that is not blank of the question on ``line`` with what is under it,
    before the next question or heading."""
    end = line
    for number in range(line + 1, len(lines) + 1):
        text = lines[number - 1]
        if (text.startswith("*") and text[1:2] not in ("*", "#", ":", ";")) or text.lstrip().startswith("="):
            break
        if text.strip():
            end = number
    return end


def _plain(text: str) -> str:
    """A draft question as words to look for: no channel note, no markup."""
    return wikitext.parse(without_note(text)).strip_code()


def _notes(transcript: Transcript, proposal: matching.Proposal, people: list[frozenset[str]],
           has_url: bool) -> list[str]:
    """The bot's notes for staff inside one block."""
    notes = []
    if not transcript.has_speakers:
        notes.append(staff_note("the transcript does not say who spoke: write the speaker before each line "
                                "(': Name: …')."))
    strangers = []
    for speaker, _ in proposal.lines:
        if speaker and not any(same_person(person_key(speaker), name) for person in people for name in person) \
                and speaker not in strangers:
            strangers.append(speaker)
    if strangers and people:
        notes.append(staff_note(f"{', '.join(strangers)}: not one of the series' speakers. If a participant "
                                "spoke, take their name out: the notes are anonymous."))
    if proposal.together_with:
        notes.append(staff_note("the host took this question up together with another one: the same answer is "
                                "proposed under both; keep each part where it belongs."))
    if not has_url:
        notes.append(staff_note(f"no recording address (recording= in the box, or --recording): this was said at "
                                f"{blocks_mod.clock(proposal.seconds)} into the recording."))
    return notes


def plan_proposals(pages: dict[str, PageState], session: Session, transcript: Transcript, templates, *,
                   speakers: tuple[str, ...] = (), recording: str | None = None,
                   trusted: str | None = None) -> tuple[Plan, ProposalUpdate]:
    """One edit of the draft: the proposals of :func:`proposals_update`
    (``trusted``: the draft as the bot or staff last saved it, as there)."""
    current = pages.get(session.draft_page) or PageState.missing(session.draft_page)
    if not current.exists:
        raise PlanError(f"[[{session.draft_page}]] does not exist: harvest the questions into it first "
                        f"(notesbot harvest --session … --to-draft), then import the transcript")

    def change(text: str, exists: bool) -> str:
        if not exists:
            return text
        return proposals_update(text, transcript, templates, speakers=speakers, recording=recording,
                                trusted=trusted).text

    try:
        first = proposals_update(current.text, transcript, templates, speakers=speakers, recording=recording,
                                 trusted=trusted)
    except (compile_mod.DraftError, compile_mod.TemplateError) as e:
        raise PlanError(f"[[{session.draft_page}]]: {e}") from None
    count = len(first.proposed)
    plan = PlanBuilder(session=session)
    plan.edits.append(Edit(
        title=session.draft_page, kind="draft",
        summary=f"{count} proposed answer{'s' if count != 1 else ''} from the recording's transcript for "
                f"[[{session.title}]], for staff to review",
        change=change))
    plan.notices += [f"neutralised in [[{session.draft_page}]]: {n}" for n in first.neutralised]
    return plan.settle(pages), first
