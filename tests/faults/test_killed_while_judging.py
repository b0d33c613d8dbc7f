"""A run killed after its crawl, while its checks and tracking are being written (检查阶段),
ends in a true stored state: never `finished` without its findings; the next run repairs it.

The moment is held deterministically: the test takes an EXCLUSIVE lock on the findings table
of a fresh PostgreSQL database (reads go on, writes wait), so the run's crawl finishes and its
judging transaction waits at its first finding; the test sees the wait in
``pg_stat_activity`` and then sends the real signal.
"""

from __future__ import annotations

import signal
import subprocess

import pytest
from run_faults import open_findings, stored_runs, wait_for_judging_to_block, xuncha_run
from sqlalchemy import create_engine, text

from xuncha.run.lock import KILLED_MESSAGE
from xuncha.store import Store


def judged_then_stopped(
    pg_url: str, site: str, out: str, stop: signal.Signals
) -> tuple[str, str, int | None]:
    """Start `xuncha run`, hold it at its first finding write, send `stop`; (stdout, stderr,
    exit status) of the run."""
    Store(pg_url).dispose()  # the schema, so the findings table can be locked before the run
    engine = create_engine(pg_url)
    with engine.connect() as conn:
        holder = engine.connect()
        holder.execute(text("LOCK TABLE findings IN EXCLUSIVE MODE"))
        process = subprocess.Popen(xuncha_run(site, pg_url, out), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)  # fmt: skip
        try:
            wait_for_judging_to_block(conn, process)
            process.send_signal(stop)
            if stop == signal.SIGKILL:
                process.wait(timeout=30)
            holder.rollback()  # the lock goes: a run still alive would write now
            out_text, err_text = process.communicate(timeout=60)
        finally:
            holder.close()
            if process.poll() is None:
                process.kill()
                process.wait()
    engine.dispose()
    return out_text, err_text, process.returncode


@pytest.mark.faults_heavy  # two runs, about 30 s
@pytest.mark.parametrize(
    "stop", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP], ids=["sigkill", "sigterm", "sighup"]
)
def test_a_run_stopped_while_judging_is_never_stored_finished(portal_url, pg_url, tmp_path, stop):
    out_text, err_text, code = judged_then_stopped(pg_url, portal_url, str(tmp_path / "1"), stop)
    assert code == (-signal.SIGKILL if stop == signal.SIGKILL else 128 + stop), err_text
    [(run_id, status, complete, score, _message)] = stored_runs(pg_url)
    assert status in ("judging", "interrupted"), status  # never "finished" without its findings
    assert (complete, score) == (False, None)
    assert open_findings(pg_url) == 0
    assert not (tmp_path / "1" / "findings.json").exists()  # no output claims a finished run
    if stop != signal.SIGKILL:  # the run stored its own end, and said so in one line
        assert "Traceback" not in err_text
        assert (status, _message) == (
            "interrupted",
            "stopped while its findings were being judged (检查阶段被中止)",
        )
        assert out_text == ""

    # The next run repairs the stopped one and judges the site in full.
    second = subprocess.run(xuncha_run(portal_url, pg_url, str(tmp_path / "2")),
                            capture_output=True, text=True, timeout=180)  # fmt: skip
    assert second.returncode == 0, second.stderr
    runs = stored_runs(pg_url)
    assert [(r[0], r[1], r[2]) for r in runs] == [
        (run_id, "interrupted", False),
        (run_id + 1, "finished", True),
    ]
    assert runs[0][3] is None
    if stop == signal.SIGKILL:
        assert runs[0][4] is not None and KILLED_MESSAGE in runs[0][4]
    assert runs[1][3] is not None  # the complete run has its score
    found = open_findings(pg_url)
    assert found > 0
    assert f"发现问题 {found} 个" in second.stdout
