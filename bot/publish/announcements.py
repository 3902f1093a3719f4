"""The announcements of a session: a new section on each page, or one MassMessage request."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from bot import compile as compile_mod
from bot.model import PageState, Session
from bot.publish import crosslinks
from bot.publish.plan import Delivery, Edit, PlanBuilder, PlanError
from bot.publish.series import notes_link, page_text

if TYPE_CHECKING:  # the configuration's types, for annotations only
    from bot.config import SeriesConfig


def announcement_edits(pages: Mapping[str, PageState], session: Session, series: "SeriesConfig", tset,
                       plan: PlanBuilder, *, event: str, massmessage: bool) -> list[Edit]:
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
    recorded = page_text(pages, session.title)

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
