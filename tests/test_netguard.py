"""The guard itself: a connection outside loopback fails, in this process and in a child."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest


def test_connect_outside_loopback_is_refused(netguard_log):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with pytest.raises(OSError, match="netguard"):
        sock.connect(("192.0.2.1", 80))
    sock.close()
    assert "192.0.2.1" in netguard_log.read_text()
    netguard_log.write_text("")  # this test provoked it on purpose


def test_name_lookup_is_refused(netguard_log):
    with pytest.raises(OSError, match="netguard"):
        socket.getaddrinfo("www.gov.cn", 80)
    netguard_log.write_text("")


def test_loopback_is_allowed():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname(), timeout=5)
    client.close()
    server.close()


def test_subprocess_is_guarded(netguard_log):
    code = (
        "import socket\ntry:\n socket.create_connection(('198.51.100.7', 80), timeout=1)\n"
        "except OSError as e:\n print(e)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "netguard" in out.stdout
    assert "198.51.100.7" in netguard_log.read_text()
    netguard_log.write_text("")
