"""The deliveries (notice_deliveries): a run's digests queued once per unit, channel and
address; sent by claiming each row first (pending or failed → sending, in a committed update
that only one sender can win), then recording the outcome. A failure is retried after 1, 2, 4…
minutes up to ``max_attempts``; a send cut off midway (the row left ``sending``) becomes
``unknown`` and is not retried, since it may have arrived: no digest is sent twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from reports import times
from xuncha.notify.channels import SendError, send_email, send_robot
from xuncha.notify.config import NoticesConfig
from xuncha.notify.digest import digests_of
from xuncha.store import NoticeDelivery, Run, Store
from xuncha.store.runs import latest_ended_run
from xuncha.tracking import all_sites, find_site

logger = logging.getLogger(__name__)
CHANNELS = ("email", "dingtalk", "wecom", "feishu")
ROBOT_LIMIT = 4000  # bytes of markdown a robot takes (WeCom's is 4096)
STALE_SENDING = timedelta(minutes=10)
RETRYABLE = ("pending", "failed")


def _now() -> datetime:
    return datetime.now(UTC)


def enqueue(session: Session, run: Run, config: NoticesConfig, today_: datetime | None = None
            ) -> int:  # fmt: skip
    """Queue the run's digests (one row per unit, channel and address); a row already queued
    is left as it is. The number queued now."""
    now = today_ or _now()
    known = {
        (row.unit, row.channel, row.target)
        for row in session.scalars(select(NoticeDelivery).where(NoticeDelivery.run_id == run.id))
    }
    added = 0
    today = now.astimezone(times.zone_of_profile(run.profile)).date()  # the site's day
    for digest in digests_of(session, run, config, today):
        channels = config.units[digest.unit]
        targets = [("email", address) for address in channels.email]
        targets += [(name, robot.url_env) for name in ("dingtalk", "wecom", "feishu")
                    if (robot := getattr(channels, name)) is not None]  # fmt: skip
        text = digest.text(config.lang, config.workspace_url)
        markdown = _cut(digest.markdown(config.lang, config.workspace_url), ROBOT_LIMIT)
        for channel, target in targets:
            if (digest.unit, channel, target) in known:
                continue
            session.add(NoticeDelivery(
                run_id=run.id, unit=digest.unit, channel=channel, target=target,
                status="pending", attempts=0, findings=len(digest.lines),
                subject=digest.subject(config.lang),
                body=text if channel in ("email", "feishu") else markdown,
                created_at=now, next_try_at=now,
            ))  # fmt: skip
            added += 1
    return added


def _cut(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[: limit - 4].decode("utf-8", "ignore").rsplit("\n", 1)[0] + "\n……"


@dataclass(frozen=True)
class SendSummary:
    sent: int
    failed: int
    given_up: int
    unknown: int


Sender = Callable[[NoticeDelivery, NoticesConfig], None]


def deliver(delivery: NoticeDelivery, config: NoticesConfig) -> None:
    """One send over the delivery's channel."""
    channels = config.units.get(delivery.unit)
    if channels is None:
        raise SendError(f"unit {delivery.unit} is no longer in the notices file")
    if delivery.channel == "email":
        if config.smtp is None or delivery.target not in channels.email:
            raise SendError(f"{delivery.target} is no longer an address of {delivery.unit}")
        send_email(config.smtp, delivery.target, delivery.subject, delivery.body)
        return
    robot = getattr(channels, delivery.channel, None)
    if robot is None or robot.url_env != delivery.target:
        raise SendError(f"{delivery.unit} has no such {delivery.channel} robot any more")
    send_robot(delivery.channel, robot, delivery.subject, delivery.body, delivery.body)


def send_due(store: Store, config: NoticesConfig, send: Sender = deliver) -> SendSummary:
    """Send every delivery that is due, each claimed before it is sent."""
    now = _now()
    with store.session() as session, session.begin():
        cut_off = cast(CursorResult[Any], session.execute(
            update(NoticeDelivery)
            .where(
                NoticeDelivery.status == "sending", NoticeDelivery.next_try_at < now - STALE_SENDING
            )  # fmt: skip
            .values(status="unknown", last_error="发送中断，可能已送达：不再重试")
        ))  # fmt: skip
        due = list(session.scalars(
            select(NoticeDelivery.id).where(
                NoticeDelivery.status.in_(RETRYABLE), NoticeDelivery.next_try_at <= now
            ).order_by(NoticeDelivery.id)
        ))  # fmt: skip
    counts = {"sent": 0, "failed": 0, "given_up": 0, "unknown": cut_off.rowcount}
    for delivery_id in due:
        with store.session() as session, session.begin():
            claimed = cast(CursorResult[Any], session.execute(
                update(NoticeDelivery)
                .where(NoticeDelivery.id == delivery_id, NoticeDelivery.status.in_(RETRYABLE))
                .values(status="sending", next_try_at=_now())
            )).rowcount  # fmt: skip
        if not claimed:
            continue  # another sender took it
        with store.session() as session:
            delivery = session.get_one(NoticeDelivery, delivery_id)
            session.expunge(delivery)
        try:
            send(delivery, config)
            outcome: dict[str, object] = {"status": "sent", "sent_at": _now(), "last_error": None}
        except Exception as error:  # noqa: BLE001 - any failure of one send is that send's
            logger.warning("整改通知 %s → %s（%s）未送达：%s", delivery.unit, delivery.channel,
                           delivery.target, error)  # fmt: skip
            attempts = delivery.attempts + 1
            gave_up = attempts >= config.max_attempts
            outcome = {
                "status": "given_up" if gave_up else "failed",
                "last_error": str(error),
                "next_try_at": None if gave_up else _now() + timedelta(minutes=2 ** (attempts - 1)),
            }
        outcome["attempts"] = delivery.attempts + 1
        with store.session() as session, session.begin():
            session.execute(
                update(NoticeDelivery).where(NoticeDelivery.id == delivery_id).values(**outcome)
            )
        counts[str(outcome["status"])] += 1
    return SendSummary(counts["sent"], counts["failed"], counts["given_up"], counts["unknown"])


def notify_sites(store: Store, config: NoticesConfig, site: str | None = None
                 ) -> tuple[int, SendSummary]:  # fmt: skip
    """Queue the digests of each site's latest finished run (or one site's), then send what is
    due: (queued now, what the sends did)."""
    queued = 0
    with store.session() as session, session.begin():
        sites = [find_site(session, site)] if site else all_sites(session)
        for chosen in sites:
            run = latest_ended_run(session, chosen.id)
            if run is not None and run.status == "finished":
                queued += enqueue(session, run, config)
    return queued, send_due(store, config)


def summary_line(queued: int, summary: SendSummary, lang: str = "zh") -> str:
    if lang == "en":
        return (f"Notices: {queued} queued, {summary.sent} sent, {summary.failed} failed (to "
                f"retry), {summary.given_up} given up, {summary.unknown} cut off")  # fmt: skip
    return (f"整改通知：新排队 {queued}，已发送 {summary.sent}，失败待重试 {summary.failed}，"
            f"已放弃 {summary.given_up}，中断未知 {summary.unknown}")  # fmt: skip
