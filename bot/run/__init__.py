"""Run: what each session needs now, on a schedule or by hand.

* :mod:`bot.run.operations`: the context of a run (configuration, wiki, lock); read, plan, apply;
* :mod:`bot.run.tick`: one tick of the lifecycle, every series and session;
* :mod:`bot.run.status`: the status page;
* :mod:`bot.run.scheduling`: the in-process scheduler (``notesbot schedule``);
* :mod:`bot.run.lock`: one writer at a time.
"""
