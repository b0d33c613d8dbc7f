"""A user installs the package, not the checkout: the wheel, in a fresh virtual environment,
without extras, runs ``xuncha demo`` to a report; ``--redis`` there says which extra to install;
``scrapy crawl portal -a profile=FILE`` works as Scrapy users expect.

The machine reaches no package index from a test (the network guard refuses it), so the fresh
environment gets the wheel's own runtime dependencies from this environment instead: exactly the
distributions the wheel's metadata requires without extras, and what they require in turn, are
linked into a folder its ``.pth`` file names. A package the code imports but the wheel does not
declare is then missing there, as it would be on a user's machine.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from importlib import metadata
from pathlib import Path

import httpx
import pytest
import yaml
from packaging.requirements import Requirement

from xuncha.demo import DemoPortal, demo_profile

ROOT = Path(__file__).resolve().parents[1]
NETGUARD = ROOT / "tests" / "netguard"
SOURCES = ("pyproject.toml", "README.md", "checks", "crawler", "reports", "xuncha")


def _build_wheel(tmp: Path) -> Path:
    """The wheel, built from a copy of the sources (a build writes beside what it builds)."""
    source = tmp / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=ignore)
        else:
            shutil.copy2(path, source / name)
    out = tmp / "dist"
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
               "--no-index", "-q", "-w", str(out), str(source)]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    (wheel,) = out.glob("xuncha-*.whl")
    return wheel


def _requirements(wheel: Path) -> list[Requirement]:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        text = archive.read(name).decode("utf-8")
    return [
        Requirement(line.split(":", 1)[1].strip())
        for line in text.splitlines()
        if line.startswith("Requires-Dist:")
    ]


def _runtime_closure(requirements: list[Requirement]) -> set[str]:
    """Distribution names the requirements pull in without extras, transitively."""
    seen: set[str] = set()
    todo = [r for r in requirements if r.marker is None or r.marker.evaluate({"extra": ""})]
    while todo:
        requirement = todo.pop()
        name = requirement.name.lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        for text in metadata.distribution(requirement.name).requires or ():
            nested = Requirement(text)
            if nested.marker is None or nested.marker.evaluate({"extra": ""}):
                todo.append(nested)
    return seen


def _link_dependencies(names: set[str], into: Path) -> None:
    into.mkdir()
    for name in sorted(names):
        dist = metadata.distribution(name)
        base = Path(str(dist.locate_file("")))
        tops = {Path(str(f)).parts[0] for f in dist.files or () if not str(f).startswith("..")}
        for top in sorted(tops):
            if top == "__pycache__" or (into / top).exists():
                continue
            (into / top).symlink_to(base / top)


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("install")
    wheel = _build_wheel(tmp)
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    site = next((venv / "lib").glob("python3.*/site-packages"))
    _link_dependencies(_runtime_closure(_requirements(wheel)), tmp / "deps")
    (site / "xuncha-deps.pth").write_text(f"{tmp / 'deps'}\n", encoding="utf-8")
    install = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-index",
               "--no-deps", str(wheel)]  # fmt: skip
    subprocess.run(install, check=True, capture_output=True, timeout=300)
    return venv


def _env() -> dict[str, str]:
    """No checkout on the path: only the network guard (loaded as sitecustomize)."""
    return dict(os.environ, PYTHONPATH=str(NETGUARD))


def test_the_fresh_environment_has_no_extra_and_no_checkout(fresh_venv, tmp_path) -> None:
    probe = (
        "import crawler, importlib.util as u; print(crawler.__file__); "
        "print(u.find_spec('scrapy_redis'), u.find_spec('redis'), u.find_spec('psycopg'))"
    )
    done = subprocess.run([str(fresh_venv / "bin" / "python"), "-c", probe], cwd=tmp_path,
                          env=_env(), capture_output=True, text=True, timeout=60)  # fmt: skip
    location, specs = done.stdout.splitlines()
    assert location.startswith(str(fresh_venv)), location
    assert specs == "None None None"


def test_the_wheel_without_extras_runs_the_demo_to_a_report(fresh_venv, tmp_path) -> None:
    out = tmp_path / "demo"
    done = subprocess.run([str(fresh_venv / "bin" / "xuncha"), "demo", "--out", str(out)],
                          cwd=tmp_path, env=_env(), capture_output=True, text=True,
                          timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"检测报告：{out / 'report.html'}" in done.stdout
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert findings["schema"] == "xuncha.findings/1"
    assert findings["run"]["complete"] is True and findings["score"]["verdict"] == "不合格"
    assert len(findings["findings"]) >= 30
    assert "<html" in (out / "report.html").read_text(encoding="utf-8")[:200].lower()
    assert (out / "ledger.xlsx").stat().st_size > 0


def test_scrapy_finds_the_spider_without_the_extra(fresh_venv, tmp_path) -> None:
    """Scrapy's spider loader imports every module of crawler.spiders: none may need Redis."""
    env = dict(_env(), SCRAPY_SETTINGS_MODULE="crawler.settings")
    python = str(fresh_venv / "bin" / "python")
    done = subprocess.run([python, "-m", "scrapy", "list"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert (done.returncode, done.stdout) == (0, "portal\n"), done.stderr


def test_redis_without_the_extra_is_one_line_naming_it(fresh_venv, tmp_path) -> None:
    args = [str(fresh_venv / "bin" / "xuncha"), "run", "--url", "http://127.0.0.1:9/",
            "--redis", "redis://127.0.0.1:6379/0",
            "--db", "postgresql+psycopg://xuncha@127.0.0.1:5432/xuncha"]  # fmt: skip
    done = subprocess.run(args, cwd=tmp_path, env=_env(), capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        "xuncha: 分布式巡查需要 redis 和 scrapy-redis：pip install 'xuncha[distributed]'"
    ]


def test_scrapy_crawl_portal_with_a_profile_file(tmp_path) -> None:
    """In the checkout (scrapy.cfg), as a Scrapy user runs a project's spider."""
    with DemoPortal(tmp_path / "portal") as portal:
        profile = tmp_path / "profile.yaml"
        profile.write_text(yaml.safe_dump(demo_profile(portal), allow_unicode=True),
                           encoding="utf-8")  # fmt: skip
        out = tmp_path / "records.jsonl"
        args = [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", f"profile={profile}",
                "-O", str(out), "-s", "LOG_LEVEL=WARNING",
                "-s", "CLOSESPIDER_PAGECOUNT=40"]  # fmt: skip
        done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    items = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # A response's records come as one batch; an attachment's and the search's one by one.
    records = [record for item in items for record in item.get("records", [item])]
    roles = {record.get("role") for record in records if "role" in record}
    assert {"home", "section", "list"} <= roles
    assert any(record.get("target") for record in records)


def test_the_demos_database_opens_in_the_workspace_with_the_printed_password(
    fresh_venv, tmp_path
) -> None:
    """`make demo` then `xuncha serve`, as the README shows: the printed one-time password logs
    in as admin, and the first page asks for a new password."""
    out = tmp_path / "demo"
    bin_dir = fresh_venv / "bin"
    done = subprocess.run([str(bin_dir / "xuncha"), "demo", "--out", str(out)], cwd=tmp_path,
                          env=_env(), capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr
    found = re.search(r"账号 admin，一次性密码 (\S+)（首次登录后须修改）", done.stdout)
    assert found, done.stdout
    assert f"xuncha serve --db sqlite:///{out / 'xuncha.db'}" in done.stdout
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [str(bin_dir / "xuncha"), "serve", "--db", f"sqlite:///{out / 'xuncha.db'}",
         "--port", str(port)],
        cwd=tmp_path, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    login = client.get("/login")
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "xuncha serve did not start"
                    assert server.poll() is None, server.communicate()
                    time.sleep(0.2)
            token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
            assert token
            answer = client.post("/login", data={"name": "admin", "password": found.group(1),
                                                 "csrf_token": token.group(1)})  # fmt: skip
            assert (answer.status_code, answer.headers["location"]) == (303, "/")
            assert client.get("/").headers["location"] == "/password"  # a one-time password
            assert "header.bar" in client.get("/static/workspace.css").text  # shipped in the wheel
    finally:
        server.terminate()
        _, err = server.communicate(timeout=30)
    assert "未设置 XUNCHA_SECRET_KEY" in err
