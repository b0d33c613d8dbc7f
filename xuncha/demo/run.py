"""`xuncha demo`: serve the bundled portal on 127.0.0.1, inspect it, report where the report is."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from xuncha.profile import load_profile
from xuncha.store import Store

if TYPE_CHECKING:
    from crawler.job import Progress
    from xuncha.run.outcome import RunOutcome


def run_demo(
    out_dir: Path, *, db_url: str | None = None, lang: str = "zh", progress: Progress = "log"
) -> RunOutcome:
    from xuncha.demo import DEMO_AS_OF, demo_profile
    from xuncha.demo.server import DemoPortal
    from xuncha.run.inspection import inspect_site

    out_dir = out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    with DemoPortal(out_dir / "portal") as portal:
        profile_path = out_dir / "demo-profile.yaml"
        profile_path.write_text(
            yaml.safe_dump(demo_profile(portal), allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )
        profile = load_profile(profile_path)
        store = Store(db_url or f"sqlite:///{out_dir / 'xuncha.db'}")
        try:
            return inspect_site(
                profile, store, as_of=DEMO_AS_OF, out_dir=out_dir, lang=lang, progress=progress
            )
        finally:
            store.dispose()
