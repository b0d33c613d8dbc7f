"""Log lines a webmaster can read in a mail from cron (定时任务).

On a terminal a line is the message alone (warnings and errors led by their level). Anywhere
else — cron, a systemd unit, a pipe — every line is ``YYYY-MM-DD HH:MM:SS LEVEL message`` in
local time, the form the crawler's progress lines already take, so the mail reads as one log.
With `quiet` only problems (WARNING and above) are logged: a night with nothing wrong sends
no mail at all, since cron mails only when a job prints something.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

LOGGER_NAME = "xuncha"
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def is_terminal(stream: TextIO | None = None) -> bool:
    stream = sys.stderr if stream is None else stream
    return bool(getattr(stream, "isatty", lambda: False)())


class _OneLine(logging.Formatter):
    """Every record on one line: an error message carrying a newline must not leave a line
    without its timestamp in the mail."""

    def __init__(self, timestamped: bool) -> None:
        fmt = "%(asctime)s %(levelname)s %(message)s" if timestamped else "%(message)s"
        super().__init__(fmt, TIME_FORMAT)
        self.timestamped = timestamped

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802  (logging's name)
        record.message = " ".join(record.message.splitlines())
        if not self.timestamped and record.levelno >= logging.WARNING:
            record.message = f"{record.levelname} {record.message}"
        return super().formatMessage(record)


@contextmanager
def cron_log(*, quiet: bool = False, stream: TextIO | None = None) -> Iterator[logging.Logger]:
    """Send the ``xuncha`` loggers to `stream` (stderr by default) for one command."""
    stream = sys.stderr if stream is None else stream
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_OneLine(timestamped=not is_terminal(stream)))
    logger = logging.getLogger(LOGGER_NAME)
    saved = (logger.level, logger.propagate)
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    logger.propagate = False
    try:
        yield logger
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
