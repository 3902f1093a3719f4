"""Names in bot/ that only a framework uses, for vulture (tests/test_dead_code.py).

Each line names what calls or reads it, and why vulture cannot see that.
Nothing else belongs here: a definition with no reader is deleted.
"""

# html.parser.HTMLParser calls these while it feeds (bot/harvest/channels/mail.py, the HTML part of a mail).
_.handle_starttag
_.handle_endtag
_.handle_data

# logging reads a Formatter's `converter` for asctime (bot/logs.py: UTC, not local time).
_.converter
# logging.FileHandler opens its stream with `_open` (bot/logs.py: the log file made private).
_._open
# logging.handlers.RotatingFileHandler reads `maxBytes` and `backupCount` when it writes (bot/logs.py).
_.maxBytes
_.backupCount
# logging's formatters read a LogRecord's `levelname` (bot/wiki/connection.py: a retry shown as a warning).
_.levelname

# signal calls a handler as handler(signum, frame) (bot/run/scheduling.py, bot/wiki/connection.py).
frame

# pytest: tests/test_logs.py's clean_logging fixture resets the process-wide logging state with these.
_.forget_secrets
_.teardown

# Python reads a class's __qualname__ (bot/wiki/internals.py: pywikibot keys its Site cache by the class name).
_.__qualname__
