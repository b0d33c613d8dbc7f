"""A run's outputs (findings.json, report.html, ledger.xlsx), written aside and put in place
only once the run's findings and tracking are committed (输出与数据库一致).

The judging transaction writes the outputs into a hidden folder of the output folder,
``.xuncha-run-<id>/``; after the commit each file is moved over its old version (a rename in
one folder: atomic). So the output folder never shows a run the store does not hold:

* the outputs cannot be written (a full or read-only disk): the transaction rolls back, the
  run is stored ``failed``, the half-written files go, and the previous run's outputs go too —
  they would stand for the site's latest state while the store says tonight's run failed;
* the run is stopped or killed before its commit: its outputs are never moved in; what a
  killed run left aside is removed by the next run into the same folder.

An OSError while the outputs are written becomes one :class:`~xuncha.errors.OutputError`
line naming the folder and what to do.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from xuncha.errors import OutputError

STAGING_PREFIX = ".xuncha-run-"
# What a run writes into its output folder, and the temporary names its writers use.
OUTPUT_FILES = ("findings.json", "report.html", "ledger.xlsx")
TEMPORARY_SUFFIXES = (".tmp",)


class StagedOutputs:
    """The hidden folder a run's outputs are written into before they are published."""

    def __init__(self, out_dir: Path, run_id: int) -> None:
        self.out_dir = out_dir
        self.run_id = run_id
        self.folder = out_dir / f"{STAGING_PREFIX}{run_id}"

    def publish(self) -> None:
        """Move every staged file over its old version, then drop the staging folder."""
        try:
            for path in sorted(self.folder.iterdir()):
                if not path.name.endswith(TEMPORARY_SUFFIXES):
                    path.replace(self.out_dir / path.name)
        except OSError as exc:
            raise OutputError(
                f"检测 #{self.run_id} 已完成并已入库，但其报告未能放入 {self.out_dir}"
                f"（{exc.strerror or exc}）：请用 `xuncha report` 重新生成报告"
            ) from None
        finally:
            self.discard()

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def withdraw_previous(self) -> None:
        """Remove the previous run's outputs: they would speak for a run the store now says
        did not end well. (Removing frees space; it works on a full disk.)"""
        for name in OUTPUT_FILES:
            for path in (self.out_dir / name, self.out_dir / f"{name}.tmp"):
                path.unlink(missing_ok=True)


def clear_leftovers(out_dir: Path) -> None:
    """What killed runs left in `out_dir`: staging folders and writers' temporary files."""
    if not out_dir.is_dir():
        return
    for path in out_dir.glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(path, ignore_errors=True)
    for name in OUTPUT_FILES:
        (out_dir / f"{name}.tmp").unlink(missing_ok=True)


@contextmanager
def staged_outputs(out_dir: Path, run_id: int) -> Iterator[StagedOutputs]:
    """A staging folder for run `run_id`'s outputs. If the body fails, the staged files and
    the previous run's outputs are removed, and an OSError becomes an OutputError."""
    staging = StagedOutputs(out_dir, run_id)
    try:
        clear_leftovers(out_dir)
        staging.folder.mkdir(parents=True, exist_ok=True)
        yield staging
    except OSError as exc:
        staging.discard()
        _withdraw(staging)
        raise OutputError(
            f"检测 #{run_id} 的报告无法写入 {out_dir}（{exc.strerror or exc}），"
            "本次检测已记为失败：请腾出磁盘空间或用 --out 换一个可写的目录后重新运行"
        ) from None
    except BaseException:
        staging.discard()
        _withdraw(staging)
        raise


def _withdraw(staging: StagedOutputs) -> None:
    # A folder we cannot even delete from: the error already says what to do.
    with contextlib.suppress(OSError):
        staging.withdraw_previous()
