"""Headless Chromium driven over the Chrome DevTools Protocol, with nothing but the standard
library: a minimal WebSocket client (RFC 6455, client side, text frames) is all CDP needs, so
the test extra gains no dependency.

:func:`open_page` starts Debian's ``chromium`` with a throw-away profile and every background
service off, loads one URL (``file://`` or loopback), and returns what a person would see plus
everything the page logged: console errors, uncaught exceptions and the browser's own error log
entries. Chromium listens for DevTools on 127.0.0.1 only.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--no-default-browser-check",
    "--mute-audio",
    # Belt and braces: any name Chromium would look up resolves nowhere (loopback excepted).
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
)
STARTUP_LIMIT = 60.0  # seconds Chromium may take to open its DevTools port (a bound, not a test)
LOAD_LIMIT = 60.0


class BrowserError(RuntimeError):
    """Chromium did not start, or the page did not load within the bound."""


class WebSocket:
    """Just enough of a WebSocket client for CDP: text frames out (masked), frames in."""

    def __init__(self, host: str, port: int, path: str, timeout: float = 30.0) -> None:
        self.sock = socket.create_connection((host, port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise BrowserError("DevTools closed the connection during the handshake")
            head += chunk
        if not head.startswith(b"HTTP/1.1 101"):
            raise BrowserError(f"DevTools refused the WebSocket: {head[:200]!r}")

    def send(self, text: str) -> None:
        payload = text.encode()
        header = bytes([0x81])  # FIN, text
        length = len(payload)
        if length < 126:
            header += bytes([0x80 | length])
        elif length < 1 << 16:
            header += bytes([0x80 | 126]) + struct.pack("!H", length)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", length)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def _exact(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise BrowserError("DevTools closed the connection")
            data += chunk
        return data

    def receive(self) -> str:
        """The next whole text message (fragments joined; pings answered)."""
        parts: list[bytes] = []
        while True:
            first, second = self._exact(2)
            opcode, length = first & 0x0F, second & 0x7F
            if length == 126:
                length = struct.unpack("!H", self._exact(2))[0]
            elif length == 127:
                length = struct.unpack("!Q", self._exact(8))[0]
            mask = self._exact(4) if second & 0x80 else None
            payload = self._exact(length)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x8:
                raise BrowserError("DevTools closed the WebSocket")
            if opcode == 0x9:  # ping → pong
                self.sock.sendall(bytes([0x8A, 0x80 | len(payload)]) + b"\0\0\0\0" + payload)
                continue
            if opcode in (0x1, 0x2, 0x0):
                parts.append(payload)
                if first & 0x80:
                    return b"".join(parts).decode()

    def close(self) -> None:
        self.sock.close()


@dataclass
class PageResult:
    """What the loaded page showed and logged."""

    values: dict[str, Any]  # the evaluated expressions, by name
    errors: list[str] = field(default_factory=list)  # console errors, exceptions, error logs
    messages: list[str] = field(default_factory=list)  # every console message, any level


class _Session:
    def __init__(self, ws: WebSocket) -> None:
        self.ws, self.next_id, self.session_id = ws, 0, None
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params}
        if self.session_id and not method.startswith("Target."):
            message["sessionId"] = self.session_id
        self.ws.send(json.dumps(message))
        while True:
            reply = json.loads(self.ws.receive())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, deadline: float) -> None:
        if any(e.get("method") == method for e in self.events):
            return
        while time.monotonic() < deadline:
            event = json.loads(self.ws.receive())
            self.events.append(event)
            if event.get("method") == method:
                return
        raise BrowserError(f"no {method} before the deadline")


def _devtools_port(profile: Path, child: subprocess.Popen[bytes]) -> tuple[int, str]:
    """Chromium writes its port and browser path to DevToolsActivePort in the profile."""
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + STARTUP_LIMIT
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise BrowserError(f"chromium exited with status {child.returncode}")
        if marker.exists():
            lines = marker.read_text().split()
            if len(lines) >= 2:
                return int(lines[0]), lines[1]
        time.sleep(0.05)
    raise BrowserError("chromium did not open its DevTools port")


def _errors(events: Sequence[dict[str, Any]]) -> tuple[list[str], list[str]]:
    errors, messages = [], []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            messages.append(f"{params['type']}: {text}")
            if params["type"] in ("error", "assert"):
                errors.append(f"console.{params['type']}: {text}")
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            description = details.get("exception", {}).get("description") or details.get("text")
            errors.append(f"uncaught: {description}")
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            errors.append(f"log: {params['entry']['text']} {params['entry'].get('url', '')}")
    return errors, messages


def open_page(url: str, expressions: dict[str, str]) -> PageResult:
    """Load `url` in a fresh headless Chromium and, once it has loaded and settled, evaluate
    each JavaScript expression (its value, or its type when it has none: ``undefined``)."""
    profile = Path(tempfile.mkdtemp(prefix="xuncha-chromium-"))
    child = subprocess.Popen(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port, path = _devtools_port(profile, child)
        ws = WebSocket("127.0.0.1", port, path)
        try:
            session = _Session(ws)
            target = session.call("Target.createTarget", url="about:blank")["targetId"]
            attached = session.call("Target.attachToTarget", targetId=target, flatten=True)
            session.session_id = attached["sessionId"]
            for domain in ("Runtime", "Log", "Page"):
                session.call(f"{domain}.enable")
            session.call("Page.navigate", url=url)
            session.wait_for("Page.loadEventFired", time.monotonic() + LOAD_LIMIT)
            # Let anything the page queued (a timer, the onerror of a broken image) run first.
            session.call("Runtime.evaluate", expression="new Promise(r => setTimeout(r, 300))",
                         awaitPromise=True)  # fmt: skip
            values = {}
            for name, expression in expressions.items():
                result = session.call("Runtime.evaluate", expression=expression,
                                      returnByValue=True)  # fmt: skip
                values[name] = result["result"].get("value", result["result"].get("type"))
            errors, messages = _errors(session.events)
            return PageResult(values, errors, messages)
        finally:
            ws.close()
    finally:
        child.terminate()
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        shutil.rmtree(profile, ignore_errors=True)
