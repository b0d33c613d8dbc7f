"""The notices file (``notices.yaml``): where each unit's digest goes.

    workspace_url: https://xuncha.example.gov.cn/    # the link in every digest
    soon_days: 3                                     # 即将到期: due within this many days
    smtp:
      host: smtp.example.gov.cn
      port: 465
      security: ssl                                  # ssl | starttls | none (loopback only)
      username: xuncha@example.gov.cn
      password_env: XUNCHA_SMTP_PASSWORD             # the password, from the environment
      sender: 巡查 <xuncha@example.gov.cn>
      ca_file: null                                  # an intranet CA, if the server uses one
    units:
      办公室:
        email: [bgs@example.gov.cn]
        dingtalk: {url_env: XUNCHA_DINGTALK_BGS, secret_env: XUNCHA_DINGTALK_BGS_SECRET}
      政务公开科:
        wecom: {url_env: XUNCHA_WECOM_GK}
        feishu: {url_env: XUNCHA_FEISHU_GK, secret_env: XUNCHA_FEISHU_GK_SECRET}

A robot's webhook URL carries its token: it is a secret like a password, so the file names the
environment variable that holds it, never the URL itself.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from xuncha.errors import ProfileError
from xuncha.profile import load_yaml_model


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Smtp(_Section):
    host: str
    port: int = Field(default=465, ge=1, le=65535)
    security: Literal["ssl", "starttls", "none"] = "ssl"
    username: str | None = None
    password_env: str | None = None
    sender: str
    ca_file: str | None = None
    timeout: float = Field(default=30.0, gt=0, le=300)


class Robot(_Section):
    url_env: str
    secret_env: str | None = None  # DingTalk's and Feishu's 加签 secret


class UnitChannels(_Section):
    email: list[str] = Field(default_factory=list)
    dingtalk: Robot | None = None
    wecom: Robot | None = None
    feishu: Robot | None = None

    @field_validator("email")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        for address in value:
            if "@" not in address or any(c.isspace() for c in address) or "\n" in address:
                raise ValueError(f"not an e-mail address: {address!r}")
        return value


class NoticesConfig(_Section):
    workspace_url: str | None = None
    soon_days: int = Field(default=3, ge=0, le=60)
    max_attempts: int = Field(default=6, ge=1, le=20)
    smtp: Smtp | None = None
    units: dict[str, UnitChannels] = Field(default_factory=dict)
    lang: Literal["zh", "en"] = "zh"


def load_notices(path: str | Path) -> NoticesConfig:
    """The notices file, validated; a variable it names that is not set is one clear error."""
    config = load_yaml_model(path, NoticesConfig, "notices")
    wanted = []
    if config.smtp is not None and config.smtp.password_env:
        wanted.append(config.smtp.password_env)
    for channels in config.units.values():
        for robot in (channels.dingtalk, channels.wecom, channels.feishu):
            if robot is not None:
                wanted += [robot.url_env, *([robot.secret_env] if robot.secret_env else [])]
    missing = sorted({name for name in wanted if not os.environ.get(name)})
    if missing:
        raise ProfileError(f"{path}: environment variable {missing[0]} is not set (the notices "
                           "file names it for a password or a robot's webhook)")  # fmt: skip
    if any(c.email for c in config.units.values()) and config.smtp is None:
        raise ProfileError(f"{path}: smtp: units have e-mail addresses but no smtp server is set")
    return config
