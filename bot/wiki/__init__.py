"""The wiki: the only package that talks to it, through pywikibot.

* :mod:`bot.wiki.connection`: pywikibot set up from the command line's global options, and the login;
* :mod:`bot.wiki.pages`: batched reads and conflict-safe saves, the shutoff page as the first batch read it;
* :mod:`bot.wiki.apply`: a :class:`~bot.publish.plan.Plan` applied, edit by edit.

Called only from ``bot/commands.py`` and ``bot/run``.
"""

from bot.model import PageState
from bot.wiki.apply import Outcome, Report, apply_plan
from bot.wiki.connection import connect
from bot.wiki.pages import SaveResult, Shutoff, Wiki

__all__ = ["Outcome", "PageState", "Report", "SaveResult", "Shutoff", "Wiki", "apply_plan", "connect"]
