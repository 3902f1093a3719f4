"""Publish: what a command changes on the wiki, planned before anything is saved.

* :mod:`bot.publish.plan`: the value, a :class:`~bot.publish.plan.Plan` of :class:`~bot.publish.plan.Edit`;
* :mod:`bot.publish.series`: which sessions a series has, their neighbours, their facts;
* :mod:`bot.publish.reads`: what each planner needs read;
* the planners, one job each: :mod:`~bot.publish.publishing` (a publish),
  :mod:`~bot.publish.new_session`, :mod:`~bot.publish.draft` (the draft, its box, its problems),
  :mod:`~bot.publish.chat_questions` (questions from chats and email into the draft),
  :mod:`~bot.publish.status_page`;
* the edits they are made of: :mod:`~bot.publish.notes`, :mod:`~bot.publish.index`,
  :mod:`~bot.publish.navigation`, :mod:`~bot.publish.marks`, :mod:`~bot.publish.crosslink_edits`,
  :mod:`~bot.publish.announcements`;
* :mod:`bot.publish.pagetext`: the local changes to a page's text (a section, a line, a template call, a mark).

Pure functions over text and data: the plan is applied by ``bot/wiki/apply.py``.
"""

from bot.publish.draft import plan_draft, plan_draft_box, plan_draft_problems
from bot.publish.index import plan_index
from bot.publish.navigation import with_own_time
from bot.publish.new_session import plan_new_session
from bot.publish.plan import Delivery, Edit, Plan, PlanError, PublishRefused, merge_edits
from bot.publish.publishing import plan_publish
from bot.publish.reads import new_session_titles, publish_titles
from bot.publish.series import dates_listed_by, neighbour_titles, series_dates
from bot.publish.status_page import plan_status_page

__all__ = ["Delivery", "Edit", "Plan", "PlanError", "PublishRefused", "dates_listed_by", "merge_edits",
           "neighbour_titles", "new_session_titles", "plan_draft", "plan_draft_box", "plan_draft_problems",
           "plan_index", "plan_new_session", "plan_publish", "plan_status_page", "publish_titles", "series_dates",
           "with_own_time"]
