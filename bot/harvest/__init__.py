"""Harvest: a questions page in, :class:`bot.model.Question` values out.

* :mod:`bot.harvest.page`: reads the page line by line (sections, bullets,
  replies, the question template) and accounts for every line;
* :mod:`bot.harvest.signatures`: who signed a line, and when;
* :mod:`bot.harvest.ids`: the stable ids, and merging duplicates.

Pure functions over text: nothing here talks to a wiki.
"""

from bot.harvest.page import (DEFAULT_TOPIC_ALIASES, attribute_from_history, format_table, harvest,
                              normalise_topic, redirect_target)
from bot.wikifacts import MARK_TEMPLATE, QUESTION_TEMPLATE

__all__ = ["DEFAULT_TOPIC_ALIASES", "MARK_TEMPLATE", "QUESTION_TEMPLATE", "attribute_from_history",
           "format_table", "harvest", "normalise_topic", "redirect_target"]
