"""Run: what each session needs now, on a schedule or by hand.

One module per use case; each declares what it reads, reads it once, hands
it to a pure planner of :mod:`bot.publish`, and applies the plan:

* :mod:`bot.run.publishing`: publish a session (``publish``);
* :mod:`bot.run.new_session`: start a session (``new-session``);
* :mod:`bot.run.harvesting`: harvest the questions page into the draft (``harvest --to-draft``);
* :mod:`bot.run.chat_import`: import chat and email questions into the draft (``import``);
* :mod:`bot.run.draft_box`: the draft's status box;
* :mod:`bot.run.status`: the status page;
* :mod:`bot.run.calendar`: the calendar feed;
* :mod:`bot.run.tick`: one tick of the lifecycle, choosing among them for every series and session.

Shared by them: :mod:`bot.run.context` (the connection, configuration,
lock and shutoff check; applying a plan) and :mod:`bot.run.reading` (the
reads they share).  Also :mod:`bot.run.scheduling` (the in-process
scheduler) and :mod:`bot.run.lock` (one writer at a time).
"""
