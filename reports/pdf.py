"""HTML to PDF with headless Chromium's print-to-PDF: the report's own print layout (A4), its
CJK text in the fonts the system has (Debian: ``fonts-noto-cjk``), embedded by Chromium.

Chromium is a system program, not a Python dependency: without it a PDF is refused with one
line saying what to install. It runs with a throw-away profile, every background service off
and every host name resolving nowhere: printing a report fetches nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

PRINT_LIMIT = 180.0  # seconds one document may take to print (a bound, not a target)
_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class PdfError(RuntimeError):
    """No Chromium, or it did not print the document."""


def chromium() -> str | None:
    """The Chromium to print with: $XUNCHA_CHROMIUM, else the first on the PATH."""
    chosen = os.environ.get("XUNCHA_CHROMIUM")
    if chosen:
        return chosen if Path(chosen).exists() else None
    return next((found for name in _BROWSERS if (found := shutil.which(name))), None)


def html_to_pdf(html: Path, pdf: Path) -> Path:
    """Print the page `html` (a file) to `pdf`, atomically."""
    browser = chromium()
    if browser is None:
        raise PdfError(
            "生成 PDF 需要 Chromium 和中文字体（Debian：apt-get install chromium fonts-noto-cjk；"
            "或用 XUNCHA_CHROMIUM 指定浏览器）"
        )
    pdf.parent.mkdir(parents=True, exist_ok=True)
    tmp = pdf.with_name(pdf.name + ".tmp")
    with tempfile.TemporaryDirectory(prefix="xuncha-print-") as profile:
        command = [
            browser, "--headless", "--disable-gpu", "--no-first-run", "--disable-sync",
            "--disable-background-networking", "--disable-component-update",
            "--disable-extensions", "--disable-default-apps", "--mute-audio",
            "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={profile}",
            "--no-pdf-header-footer", f"--print-to-pdf={tmp}", html.resolve().as_uri(),
        ]  # fmt: skip
        if os.geteuid() == 0:
            command.insert(1, "--no-sandbox")  # Chromium refuses to run as root otherwise
        try:
            done = subprocess.run(command, capture_output=True, timeout=PRINT_LIMIT, check=False)
        except subprocess.TimeoutExpired:
            tmp.unlink(missing_ok=True)
            raise PdfError(f"Chromium 打印 {html.name} 超过 {PRINT_LIMIT:.0f} 秒，已放弃") from None
    if not tmp.exists() or tmp.stat().st_size == 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PdfError(f"Chromium 未能生成 PDF（{said[-1] if said else done.returncode}）")
    tmp.replace(pdf)
    return pdf
