"""Harvest: a questions page in, :class:`bot.model.Question` values out.

* :mod:`bot.harvest.page`: the public functions (harvest, attribution from history, the table);
* :mod:`bot.harvest.lines`: what is hidden, the page's lines and their kinds;
* :mod:`bot.harvest.posts`: what one line says (text, signature, struck parts, question template);
* :mod:`bot.harvest.sections`, :mod:`bot.harvest.replies`: sections, and the replies under a question;
* :mod:`bot.harvest.entries`: the entries and problems, every line accounted for;
* :mod:`bot.harvest.signatures`: who signed a line, and when (with :mod:`bot.harvest.users`,
  :mod:`bot.harvest.markup` and :mod:`bot.harvest.dateformats`);
* :mod:`bot.harvest.ids`: the stable ids, and merging duplicates.

Pure functions over text: nothing here talks to a wiki.
"""

from bot.harvest.page import (DEFAULT_TOPIC_ALIASES, attribute_from_history, format_table, harvest,
                              normalise_topic, redirect_target)
from bot.wikifacts import MARK_TEMPLATE, QUESTION_TEMPLATE

__all__ = ["DEFAULT_TOPIC_ALIASES", "MARK_TEMPLATE", "QUESTION_TEMPLATE", "attribute_from_history",
           "format_table", "harvest", "normalise_topic", "redirect_target"]
