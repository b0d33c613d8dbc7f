"""Log lines for a mail from cron, plain lines on a terminal, and --quiet."""

from __future__ import annotations

import io
import logging
import re

import pytest

from xuncha.logs import cron_log


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


STAMP = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"


@pytest.mark.parametrize(
    ("stream_type", "quiet", "expected"),
    [
        (io.StringIO, False, [rf"{STAMP} INFO 甲: inspecting", rf"{STAMP} WARNING 乙: 3 open",
                              rf"{STAMP} ERROR 丙: failed first second"]),
        (io.StringIO, True, [rf"{STAMP} WARNING 乙: 3 open",
                             rf"{STAMP} ERROR 丙: failed first second"]),
        (Terminal, False, ["甲: inspecting", "WARNING 乙: 3 open",
                           "ERROR 丙: failed first second"]),
        (Terminal, True, ["WARNING 乙: 3 open", "ERROR 丙: failed first second"]),
    ],
    ids=["cron", "cron-quiet", "terminal", "terminal-quiet"],
)  # fmt: skip
def test_lines(stream_type, quiet, expected):
    stream = stream_type()
    with cron_log(quiet=quiet, stream=stream):
        log = logging.getLogger("xuncha.run.night")
        log.info("甲: inspecting")
        log.warning("乙: 3 open")
        log.error("丙: failed %s", "first\nsecond")  # one record is one line, always
    lines = stream.getvalue().splitlines()
    assert len(lines) == len(expected)
    assert all(re.fullmatch(p, line) for p, line in zip(expected, lines, strict=True)), lines


def test_the_handler_goes_when_the_command_ends():
    stream = io.StringIO()
    with cron_log(stream=stream):
        pass
    logging.getLogger("xuncha").error("after the command")
    assert stream.getvalue() == ""
    assert logging.getLogger("xuncha").propagate is True
