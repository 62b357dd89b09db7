"""Sending reminders with Web Push: one pass (`run_once`) for cron, a loop for the app.

A pass: compute what is due (pure rules), schedule it (each key once), then, outside the quiet
hours, claim pending reminders in batches and send each to every device of its user through a
pool of threads sharing one urllib3 connection pool. Every request has a timeout, a TTL and an
urgency, follows no redirect, and is signed with a fresh VAPID claims dict (pywebpush's
`webpush()` mutates the one it gets).
429 and 5xx are retried by later passes with backoff (Retry-After wins when it is longer);
404 and 410 mean the subscription is gone, so it is deleted.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import urllib3
from pywebpush import WebPushException, webpush
from sqlalchemy.engine import Engine

from pwa.db import unit_of_work
from pwa.domain.kernel.errors import Refused
from pwa.i18n import use_locale
from pwa.models import PushSubscription, Reminder, ReminderKind, ReminderStatus, utcnow
from pwa.reminders import rules, store
from pwa.reminders.rules import DueReminder
from pwa.reminders.subscriptions import check_endpoint
from pwa.reminders.texts import notification_text
from pwa.reminders.vapid import VapidKeys, vapid_keys
from pwa.settings import Settings

log = logging.getLogger("asysta.reminders")

WORKERS = 16  # requests in flight at once
BATCH = 500  # reminders claimed per round
TIMEOUT = 10.0  # seconds per request to a push service
MAX_ATTEMPTS = 5
FIRST_RETRY = timedelta(minutes=1)  # then 2, 4, 8 … minutes
LONGEST_RETRY = timedelta(hours=1)
MIN_TTL, MAX_TTL = 60, 60 * 60 * 24  # seconds a push service keeps an undelivered message
LOOP_EVERY = 60.0  # seconds between passes of the in-app loop
GONE = frozenset({404, 410})


@dataclass(frozen=True)
class _Answer:
    """The little of a requests.Response that pywebpush reads."""

    status_code: int
    reason: str
    text: str
    headers: Mapping[str, str]


class _Transport:
    """What pywebpush needs of a requests.Session (`post`), on a thread-safe urllib3 pool:
    redirects are never followed and nothing is retried here (retries are scheduled)."""

    def __init__(self, *, connections: int) -> None:
        self.pool = urllib3.PoolManager(num_pools=64, maxsize=connections, retries=False)

    def post(
        self, url: str, *, data: bytes | None, headers: Mapping[str, str], timeout: float
    ) -> _Answer:
        answer = self.pool.request(
            "POST", url, body=data, headers=dict(headers), timeout=timeout,
            redirect=False, retries=False,
        )  # fmt: skip
        text = answer.data.decode("utf-8", "replace")
        return _Answer(answer.status, answer.reason or "", text, answer.headers)

    def close(self) -> None:
        self.pool.clear()


@dataclass(frozen=True)
class PushMessage:
    reminder_id: uuid.UUID
    subscription_id: uuid.UUID
    endpoint: str
    p256dh: str
    auth: str
    payload: str
    ttl: int
    urgency: str = "normal"


@dataclass(frozen=True)
class PushResult:
    reminder_id: uuid.UUID
    subscription_id: uuid.UUID
    status_code: int | None  # None: no answer (network error, timeout)
    error: str = ""
    retry_after: str | None = None  # the push service's Retry-After header, as sent

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def retryable(self) -> bool:
        return self.status_code is None or self.status_code == 429 or self.status_code >= 500


def _retry_after(value: str | None, now: datetime) -> timedelta | None:
    """Retry-After as seconds or as an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(when - now, timedelta(0))


class Pusher:
    """Sends one message with pywebpush; safe to share between threads."""

    def __init__(
        self, keys: VapidKeys, *, timeout: float = TIMEOUT, connections: int = WORKERS
    ) -> None:
        self.keys = keys
        self.signer = keys.signer()
        self.timeout = timeout
        self.transport = _Transport(connections=connections)

    def send(self, message: PushMessage) -> PushResult:
        try:
            webpush(
                subscription_info={
                    "endpoint": message.endpoint,
                    "keys": {"p256dh": message.p256dh, "auth": message.auth},
                },
                data=message.payload,
                vapid_private_key=self.signer,
                vapid_claims={"sub": self.keys.subject},  # fresh: webpush() adds aud and exp
                ttl=message.ttl,
                timeout=self.timeout,
                headers={"Urgency": message.urgency},
                requests_session=self.transport,  # type: ignore[arg-type]
            )
        except WebPushException as error:
            code = error.status_code
            return PushResult(
                message.reminder_id, message.subscription_id, code, f"HTTP {code}",
                error.retry_after,
            )  # fmt: skip
        except urllib3.exceptions.HTTPError as error:  # no answer: refused, reset, timed out
            return PushResult(
                message.reminder_id, message.subscription_id, None, type(error).__name__
            )
        return PushResult(message.reminder_id, message.subscription_id, 201)


def send_all(
    messages: Sequence[PushMessage], *, pusher: Pusher, pool: ThreadPoolExecutor
) -> list[PushResult]:
    """Send concurrently; results in the order of `messages`."""
    return list(pool.map(pusher.send, messages))


# --- one pass -------------------------------------------------------------------------------------


@dataclass
class RunSummary:
    created: int = 0
    cancelled: int = 0
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    devices_removed: int = 0
    messages: int = 0
    quiet: bool = False


def _ttl(reminder: DueReminder, now: datetime) -> int:
    seconds = int((reminder.expires_at - now).total_seconds())
    return max(MIN_TTL, min(MAX_TTL, seconds))


def payload(reminder: DueReminder, *, locale: str, now: datetime) -> str:
    """The JSON the service worker shows: title, body, url and tag (no personal data)."""
    with use_locale(locale):
        text = notification_text(reminder, at=now)
    return json.dumps(
        {"title": text.title, "body": text.body, "url": reminder.url, "tag": reminder.tag},
        ensure_ascii=False,
    )


def _backoff(attempts: int) -> timedelta:
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def decide(
    row: Reminder, reminder: DueReminder, results: Sequence[PushResult], now: datetime
) -> store.Outcome:
    """Sent when any device took it; retried later while a device may still take it."""
    if not results:
        return store.Outcome(row.id, ReminderStatus.failed, "no device")
    errors = "; ".join(sorted({r.error for r in results if not r.delivered}))
    if any(r.delivered for r in results):
        return store.Outcome(row.id, ReminderStatus.sent, errors)
    retryable = [r for r in results if r.retryable]
    if retryable and row.attempts < MAX_ATTEMPTS:
        asked = [_retry_after(r.retry_after, now) for r in retryable]
        wait = max([_backoff(row.attempts)] + [a for a in asked if a is not None])
        if now + wait < reminder.expires_at:
            return store.Outcome(row.id, ReminderStatus.pending, errors, retry_at=now + wait)
    return store.Outcome(row.id, ReminderStatus.failed, errors)


def _allowed(subscription: PushSubscription, settings: Settings) -> bool:
    """The allow-list again at sending time: a row may predate a tightened list."""
    try:
        check_endpoint(subscription.endpoint, allow_loopback=settings.push_allow_loopback)
    except Refused:
        return False
    return True


def _round(
    engine: Engine,
    settings: Settings,
    now: datetime,
    due: dict[str, DueReminder],
    pusher: Pusher,
    pool: ThreadPoolExecutor,
    summary: RunSummary,
) -> bool:
    """Claim one batch and send it; False when nothing was left to claim."""
    with unit_of_work(engine) as db:
        claimed = store.claim(db, now=now, limit=BATCH)
        devices = store.subscriptions_of(db, [row.user_id for row in claimed])
        locales = store.locales_of(db, [row.user_id for row in claimed])
    if not claimed:
        return False
    summary.claimed += len(claimed)
    messages: list[PushMessage] = []
    targets: dict[uuid.UUID, list[PushSubscription]] = {}
    unknown: list[Reminder] = []
    for row in claimed:
        reminder = due.get(row.dedupe_key)
        if reminder is None:  # scheduled by another pass after this one computed
            unknown.append(row)
            continue
        body = payload(reminder, locale=locales.get(row.user_id, "pl"), now=now)
        urgency = "high" if reminder.kind is ReminderKind.meeting_soon else "normal"
        targets[row.id] = [s for s in devices.get(row.user_id, []) if _allowed(s, settings)]
        messages += [
            PushMessage(row.id, sub.id, sub.endpoint, sub.p256dh, sub.auth, body,
                        _ttl(reminder, now), urgency)
            for sub in targets[row.id]
        ]  # fmt: skip
    sent = send_all(messages, pusher=pusher, pool=pool)
    results = {(r.reminder_id, r.subscription_id): r for r in sent}
    summary.messages += len(messages)
    outcomes = [
        store.Outcome(row.id, ReminderStatus.cancelled, "not due in this pass") for row in unknown
    ]
    skipped = {row.id for row in unknown}
    for row in claimed:
        if row.id in skipped:
            continue
        mine = [results[row.id, sub.id] for sub in targets[row.id]]
        outcomes.append(decide(row, due[row.dedupe_key], mine, now))
    delivered = {r.subscription_id for r in sent if r.delivered}
    gone = {r.subscription_id for r in sent if r.status_code in GONE}
    with unit_of_work(engine) as db:
        store.record(db, outcomes=outcomes, now=now, delivered_to=delivered, gone=gone)
    summary.devices_removed += len(gone)
    for outcome in outcomes:
        if outcome.status is ReminderStatus.sent:
            summary.sent += 1
        elif outcome.status is ReminderStatus.pending:
            summary.retried += 1
        elif outcome.status is ReminderStatus.failed:
            summary.failed += 1
    return True


def run_once(
    engine: Engine,
    settings: Settings,
    now: datetime,
    *,
    workers: int = WORKERS,
    timeout: float = TIMEOUT,
) -> RunSummary:
    """One pass: schedule what is due, then send what is pending (not in the quiet hours)."""
    summary = RunSummary()
    keys = vapid_keys(settings)  # a missing or wrong key fails every pass, quiet hours or not
    with unit_of_work(engine) as db:
        data = store.load_reminder_data(db, now=now)
        due = rules.due_reminders(now=now, data=data)
        scheduled = store.schedule(db, due=due, now=now)
    summary.created, summary.cancelled = scheduled.created, scheduled.cancelled
    if rules.is_quiet(now):
        summary.quiet = True
        return summary
    pusher = Pusher(keys, timeout=timeout, connections=workers)
    by_key = {reminder.dedupe_key: reminder for reminder in due}
    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="push") as pool:
            while _round(engine, settings, now, by_key, pusher, pool, summary):
                pass
    finally:
        pusher.transport.close()
    return summary


async def reminder_loop(engine: Engine, settings: Settings, *, every: float = LOOP_EVERY) -> None:
    """Run a pass every minute until cancelled (the app's lifespan runs this)."""
    while True:
        current = asyncio.ensure_future(asyncio.to_thread(run_once, engine, settings, utcnow()))
        try:
            summary = await asyncio.shield(current)
            if summary.claimed or summary.created or summary.cancelled:
                log.info("reminders: %s", summary)
        except asyncio.CancelledError:
            # Shutting down: let the pass in flight finish its writes, then stop.
            with contextlib.suppress(Exception):
                await current
            raise
        except Exception:
            log.exception("a reminder pass failed; the next one runs in %s s", every)
        await asyncio.sleep(every)
