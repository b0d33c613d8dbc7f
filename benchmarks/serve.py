"""Serving the benchmark's portal: nginx on loopback addresses, optionally as a slow server.

The portal on 127.0.0.1, two other hosts (127.0.0.2 and 127.0.0.3, folders ``ext0/`` and
``ext1/`` beside the portal's), and two partner sites that are gone (127.0.0.4 and 127.0.0.5:
404 for every path), all on one port; one access log in a format the benchmarks read (server
address, status, bytes sent, method, URI). The configuration is written to the benchmark's
temporary folder; no system file is touched.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

EXTERNAL_HOSTS = ("127.0.0.2", "127.0.0.3")
# Partner sites that are gone: nginx answers 404 for every path on them (the shared shape).
DEAD_HOSTS = ("127.0.0.4", "127.0.0.5")
# The slow server (--slow): each response's first SLOW_CHUNK bytes go out at once, the rest at
# SLOW_RATE per connection, so a 10 kB page (10,000 bytes and about 250 of headers) takes
# (10,250 - 1,024) / 184,320 s = 50 ms. nginx's limit_rate alone would send a whole second's
# worth at once (it counts whole seconds); sendfile_max_chunk makes it pace small pages too.
SLOW_RATE, SLOW_CHUNK, SLOW_CONCURRENCY = "180k", "1k", 8


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ensure_package(command: str, package: str) -> None:
    if shutil.which(command):
        return
    if os.geteuid() != 0:
        sys.exit(f"{command} is missing: install the Debian package {package} (apt-get install -y "
                 f"{package}) or run this script as root to have it installed")  # fmt: skip
    print(f"installing {package} with apt-get …", flush=True)
    subprocess.run(["apt-get", "install", "-y", package], check=True, stdout=subprocess.DEVNULL)


NGINX_CONF = """\
worker_processes auto;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    types {{ text/html html; image/jpeg jpg; application/pdf pdf;
            application/vnd.openxmlformats-officedocument.wordprocessingml.document docx;
            application/vnd.ms-excel xls; }}
    default_type application/octet-stream;
    log_format bench '$server_addr\\t$status\\t$bytes_sent\\t$request_method\\t$request_uri';
    access_log {work}/access.log bench;
    client_body_temp_path {work}/tmp/body; proxy_temp_path {work}/tmp/proxy;
    fastcgi_temp_path {work}/tmp/fastcgi; uwsgi_temp_path {work}/tmp/uwsgi;
    scgi_temp_path {work}/tmp/scgi;
    sendfile on; keepalive_requests 100000;
    server {{ listen 127.0.0.1:{port}; root {work}/site; index index.html; }}
{externals}
}}
"""


def _start_nginx(work: Path, port: int, slow: bool = False) -> subprocess.Popen[bytes]:
    """nginx for the portal, the other hosts and the dead partner hosts; ``slow``: every
    response paced as SLOW_RATE describes."""
    blocks = [f"    server {{ listen {host}:{port}; root {work}/ext{n}; index index.html; }}"
              for n, host in enumerate(EXTERNAL_HOSTS)]  # fmt: skip
    blocks += [f"    server {{ listen {host}:{port}; return 404; }}" for host in DEAD_HOSTS]
    if slow:
        blocks.insert(0, f"    limit_rate {SLOW_RATE}; sendfile_max_chunk {SLOW_CHUNK};")
    externals = "\n".join(blocks)
    (work / "tmp").mkdir(exist_ok=True)
    conf = work / "nginx.conf"
    conf.write_text(NGINX_CONF.format(work=work, port=port, externals=externals))
    nginx = subprocess.Popen(["nginx", "-e", str(work / "nginx-error.log"), "-p", str(work),
                              "-c", str(conf)])  # fmt: skip
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return nginx
        except OSError:
            time.sleep(0.1)
    nginx.kill()
    sys.exit(f"nginx did not start: see {work / 'nginx-error.log'}")


def slow_probe(work: Path, port: int) -> str:
    """What the slow server does, measured: a 10,000-byte file and the home page, each on a
    connection of its own (the median of three)."""
    (work / "ext0" / "probe-10kB.bin").write_bytes(b"x" * 10000)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, no proxy
    timings = []
    for url in (f"http://{EXTERNAL_HOSTS[0]}:{port}/probe-10kB.bin", f"http://127.0.0.1:{port}/"):
        samples = []
        for _ in range(3):
            started = time.perf_counter()
            with opener.open(url, timeout=10) as response:
                size = len(response.read())
            samples.append(time.perf_counter() - started)
        timings.append(f"{size:,} bytes in {sorted(samples)[1] * 1000:.0f} ms")
    return (
        f"slow server: limit_rate {SLOW_RATE} after a first chunk of {SLOW_CHUNK} "
        f"(sendfile_max_chunk), per connection, no added first-byte delay; "
        f"a 10 kB file: {timings[0]}, the home page: {timings[1]}"
    )
