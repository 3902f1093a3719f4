"""The announcements of a session: a new section on each page, or one MassMessage request."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from bot import compile as compile_mod
from bot.model import PageState, Session
from bot.publish import crosslinks, records as records_mod
from bot.publish.plan import Delivery, Edit, PlanBuilder, PlanError
from bot.publish.records import SENDING, SENT, Ledger, record_key
from bot.publish.series import notes_link

if TYPE_CHECKING:  # the configuration's types, for annotations only
    from bot.config import SeriesConfig


def announcement_edits(pages: Mapping[str, PageState], session: Session, series: "SeriesConfig", tset,
                       plan: PlanBuilder, *, event: str, massmessage: bool,
                       ledger: Ledger | None = None) -> list[Edit]:
    """The announcement of ``event`` as a new section on each configured page,
    or one MassMessage request to the delivery list when the wiki has
    MassMessage: each made once per session, event and page.

    Each announcement made is recorded on the bot's records page
    (``ledger``, :mod:`bot.publish.records`: a ``.json`` page of the bot's
    user space, which the community cannot edit), and the record decides: an
    announcement recorded there is never planned again, even when its
    section is no longer on the page (archived, its heading renamed).  What
    anyone writes on the session page decides nothing.  Which side a crash
    between the two writes errs on:

    * On a page (``section=new``): posted first, then recorded (an edit of
      ``plan.afterwards``, made once the post is saved or found there).  A
      crash between them leaves no record; the next run finds the section by
      its heading, posts nothing and records it.  Only a section archived or
      renamed within that window is posted twice: this side errs towards a
      second post, never towards none.
    * With MassMessage: recorded as about to be sent (``sending``, saved
      before the request), sent, then recorded as sent (afterwards).  A run
      that finds the first record without the second (a crash, a failed
      request or a lost answer between them) does not send again, since it
      cannot tell whether the message went out and a second delivery to
      every page of the list is worse than a late one: it reports the
      records page as refused, naming the record, on every run until an
      operator checks the wiki's MassMessage log and sets the record to
      ``sent`` if it was sent, or removes it (to have it sent).  Only the
      bot and interface administrators can write that record."""
    config = series.announcements
    if not config.pages and not config.delivery_list:
        return []
    if ledger is None:
        raise PlanError("announcements need the bot's records page (bot.publish.records): none was read")
    try:
        body = tset.render("announcement", crosslinks.announcement_values(session, event, notes_link(session)))
    except compile_mod.TemplateError as e:
        raise PlanError(f"cannot write the announcement: {e}") from None
    heading = crosslinks.announcement_heading(session, event)
    depends = (session.notes_page,) if event == "published" else (session.title,)
    recorded = ledger.of(session)
    edits: list[Edit] = []
    if ledger.migrating(session):  # the earlier version's records, copied where they count from now on
        edits.append(record_edit(ledger, session, recorded, "records kept by an earlier version"))

    if config.delivery_list and massmessage:
        target = config.delivery_list
        key = record_key(event, target, massmessage=True)
        if recorded.get(key) == SENT:
            return edits
        if recorded.get(key) == SENDING:
            plan.refusals.append((ledger.title, "announcement", (
                f"{key!r} is recorded as about to be sent, not as sent (a run stopped between the request "
                f"and its record): not sent again; check the MassMessage log for [[{target}]], then set the "
                f"record to 'sent' if it was sent, or remove it to have it sent")))
            return edits
        plan.deliveries.append(Delivery(target, crosslinks.massmessage_request(target, heading, body),
                                        tuple(dict.fromkeys((*depends, ledger.title)))))
        plan.afterwards.append(record_edit(ledger, session, {key: SENT}, f"sent to [[{target}]]",
                                           event=event, after=target))
        return [*edits, record_edit(ledger, session, {key: SENDING}, f"about to be sent to [[{target}]]",
                                    event=event, after=depends[0])]
    if config.delivery_list:
        plan.notices.append(f"the wiki has no MassMessage: [[{config.delivery_list}]] is not used"
                            + (", the announcement goes to the configured pages" if config.pages else ""))
    for page in config.pages:
        key = record_key(event, page)
        if recorded.get(key) == SENT:
            continue
        edits.append(Edit(title=page, kind="announcement", summary=f"[[{session.title}]]: {crosslinks.EVENTS[event]}",
                          change=lambda text, exists: crosslinks.with_section(text, heading, body),
                          new_section=(heading, body), depends_on=depends))
        plan.afterwards.append(record_edit(ledger, session, {key: SENT}, f"announced on [[{page}]]",
                                           event=event, after=page))
    return edits


def record_edit(ledger: Ledger, session: Session, records: Mapping[str, str], what: str, *,
                event: str | None = None, after: str | None = None) -> Edit:
    """The edit of the bot's records page that sets ``records`` for ``session``."""
    records = dict(records)
    return Edit(title=ledger.title, kind="announcement record",
                summary=f"[[{session.title}]]: {crosslinks.EVENTS[event] + ', ' if event else ''}{what}",
                change=lambda text, exists: records_mod.with_records(text, exists, session, records,
                                                                     now=ledger.now, title=ledger.title),
                depends_on=(after,) if after else ())
