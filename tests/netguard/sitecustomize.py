"""Refuse every connection and name lookup outside 127.0.0.0/8 (and ::1) in test processes.

Imported by ``tests/conftest.py`` for the pytest process, and loaded as ``sitecustomize`` by
every subprocess the tests start (``tests/netguard`` is put first on their ``PYTHONPATH``).
A refused attempt raises ``OSError`` in the code that tried it *and* is appended to the file
named by ``XUNCHA_NETGUARD_LOG``, so a test fails even when the code under test swallows the
error (a crawler treats a refused connection as a finding, not a crash).
"""

from __future__ import annotations

import ipaddress
import os
import socket
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import _socket
    from _socket import _Address

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def _is_loopback(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    host = host.strip("[]").split("%", 1)[0]
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _refuse(what: str, target: object) -> None:
    message = f"netguard: refused {what} to {target!r} (tests may only reach 127.0.0.0/8)"
    log = os.environ.get("XUNCHA_NETGUARD_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()} {message}\n")
    raise OSError(message)


def install() -> None:
    if getattr(socket, "_xuncha_netguard", False):
        return
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_sendto = socket.socket.sendto
    real_getaddrinfo = socket.getaddrinfo

    def _check_address(sock: _socket.socket, address: object, what: str) -> None:
        if sock.family == getattr(socket, "AF_UNIX", object()):
            return
        host = address[0] if isinstance(address, tuple) and address else address
        if not _is_loopback(host):
            _refuse(what, address)

    def connect(self: _socket.socket, address: _Address) -> None:
        _check_address(self, address, "connect")
        return real_connect(self, address)

    def connect_ex(self: _socket.socket, address: _Address) -> int:
        _check_address(self, address, "connect")
        return real_connect_ex(self, address)

    def sendto(self: _socket.socket, data: bytes, *args: Any) -> int:
        _check_address(self, args[-1], "sendto")
        return real_sendto(self, data, *args)

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> list:
        if host is not None and not _is_loopback(host):
            _refuse("name lookup", host)
        return real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.socket.sendto = sendto  # type: ignore[method-assign,assignment]
    socket.getaddrinfo = getaddrinfo
    socket._xuncha_netguard = True  # type: ignore[attr-defined]


if os.environ.get("XUNCHA_NETGUARD", "1") != "0":
    install()
