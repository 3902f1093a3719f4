"""Publish: what a command changes on the wiki, planned before anything is saved.

* :mod:`bot.publish.plan`: the pure planners, from what was read to a :class:`~bot.publish.plan.Plan`;
* :mod:`bot.publish.pagetext`: the local changes to a page's text (a section, a line, a template call, a mark).

Pure functions over text and data: the plan is applied by ``bot/wiki/apply.py``.
"""

from bot.publish.plan import (Delivery, Edit, Plan, PlanError, PublishRefused, dates_listed_by, merge_edits, neighbour_titles,
                              new_session_titles, plan_draft, plan_draft_problems, plan_index, plan_new_session,
                              plan_publish, publish_titles, series_dates)

__all__ = ["Delivery", "Edit", "Plan", "PlanError", "PublishRefused", "dates_listed_by", "merge_edits", "neighbour_titles",
           "new_session_titles", "plan_draft", "plan_draft_problems", "plan_index", "plan_new_session",
           "plan_publish", "publish_titles", "series_dates"]
