"""The cross-links of a session across Meta as edits: the central listing's
row, the categories, the announcements (the text changes are in
:mod:`bot.publish.crosslinks`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from bot import wikifacts
from bot.model import PageState, Session
from bot.publish import crosslinks
from bot.publish.announcements import announcement_edits
from bot.publish.navigation import start_edit
from bot.publish.plan import Edit, PlanBuilder
from bot.publish.series import notes_link

if TYPE_CHECKING:  # the configuration's types, for annotations only
    from bot.config import SeriesConfig


def add_crosslinks(plan: PlanBuilder, pages: Mapping[str, PageState], session: Session, series: "SeriesConfig", tset,
                   *, event: str, massmessage: bool, ledger=None) -> None:
    """Append to ``plan`` the cross-links of ``event`` ('created' or
    'published'): the central listing's row, the categories, the announcement
    (recorded on ``ledger``, the bot's records page: :mod:`bot.publish.records`)."""
    published = event == "published"
    if not published:
        plan.edits.append(start_edit(session, series))
    plan.edits += category_edits(session, series, published=published)
    listing = listing_edit(pages, session, series, plan, published=published)
    if listing is not None:
        plan.edits.append(listing)
    plan.edits += announcement_edits(pages, session, series, tset, plan, event=event, massmessage=massmessage,
                                     ledger=ledger)


def listing_edit(pages: Mapping[str, PageState], session: Session, series: "SeriesConfig", plan: PlanBuilder, *,
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
