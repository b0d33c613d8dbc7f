"""Sending one digest: by e-mail (SMTP over TLS, or STARTTLS) or to a group robot by its
documented webhook API — DingTalk (钉钉自定义机器人, markdown, 加签 by HMAC-SHA256), WeCom
(企业微信群机器人, markdown) and Feishu (飞书自定义机器人, text, 签名校验). Each raises
:class:`SendError` with one line on any failure, including a robot's own error code."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import smtplib
import ssl
import time
from email.message import EmailMessage
from email.utils import formataddr, make_msgid, parseaddr
from typing import Any
from urllib.parse import quote

import httpx

from xuncha.notify.config import Robot, Smtp

WEBHOOK_TIMEOUT = 15.0


class SendError(RuntimeError):
    """A send that did not go through; the message says why, in one line."""


def send_email(smtp: Smtp, to: str, subject: str, body: str) -> None:
    message = EmailMessage()
    name, address = parseaddr(smtp.sender)
    message["From"] = formataddr((name, address)) if name else address
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=address.rpartition("@")[2] or None)
    message.set_content(body)
    context = ssl.create_default_context(cafile=smtp.ca_file)
    password = os.environ.get(smtp.password_env, "") if smtp.password_env else None
    try:
        if smtp.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                smtp.host, smtp.port, timeout=smtp.timeout, context=context
            )
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        with client:
            if smtp.security == "starttls":
                client.starttls(context=context)
            if smtp.username and password is not None:
                client.login(smtp.username, password)
            refused = client.send_message(message)
        if refused:
            raise SendError(f"SMTP refused {', '.join(refused)}")
    except (smtplib.SMTPException, OSError, ssl.SSLError) as error:
        raise SendError(f"SMTP {smtp.host}:{smtp.port}: {_one_line(error)}") from None


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:300]


def _signed(secret: str, timestamp: str, *, feishu: bool) -> str:
    """The 加签 signature: DingTalk signs "timestamp\\nsecret" with the secret as key; Feishu
    signs an empty message with "timestamp\\nsecret" as key."""
    joined = f"{timestamp}\n{secret}".encode()
    if feishu:
        digest = hmac.new(joined, b"", hashlib.sha256).digest()
    else:
        digest = hmac.new(secret.encode(), joined, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _post(url: str, payload: dict[str, Any]) -> dict[str, Any]:
    try:
        response = httpx.post(url, json=payload, timeout=WEBHOOK_TIMEOUT)
    except httpx.HTTPError as error:
        raise SendError(f"webhook: {_one_line(error)}") from None
    if response.status_code >= 400:
        raise SendError(f"webhook: HTTP {response.status_code}")
    try:
        answer = response.json()
    except ValueError:
        raise SendError("webhook: the answer is not JSON") from None
    return answer if isinstance(answer, dict) else {}


def send_robot(channel: str, robot: Robot, subject: str, markdown: str, text: str) -> None:
    url = os.environ.get(robot.url_env, "")
    if not url.startswith(("https://", "http://")):
        raise SendError(f"{robot.url_env} is not a webhook URL")
    secret = os.environ.get(robot.secret_env, "") if robot.secret_env else ""
    if channel == "dingtalk":
        if secret:
            stamp = str(int(time.time() * 1000))
            signature = quote(_signed(secret, stamp, feishu=False), safe="")
            url += f"{'&' if '?' in url else '?'}timestamp={stamp}&sign={signature}"
        answer = _post(url, {"msgtype": "markdown",
                             "markdown": {"title": subject, "text": markdown}})  # fmt: skip
        code, said = answer.get("errcode"), answer.get("errmsg")
    elif channel == "wecom":
        answer = _post(url, {"msgtype": "markdown", "markdown": {"content": markdown}})
        code, said = answer.get("errcode"), answer.get("errmsg")
    elif channel == "feishu":
        payload: dict[str, Any] = {"msg_type": "text", "content": {"text": text}}
        if secret:
            stamp = str(int(time.time()))
            payload |= {"timestamp": stamp, "sign": _signed(secret, stamp, feishu=True)}
        answer = _post(url, payload)
        code = answer.get("code", answer.get("StatusCode"))
        said = answer.get("msg", answer.get("StatusMessage"))
    else:
        raise SendError(f"unknown channel {channel!r}")
    if code not in (0, "0"):
        raise SendError(f"{channel}: error {code}: {_one_line(Exception(said or ''))}")
