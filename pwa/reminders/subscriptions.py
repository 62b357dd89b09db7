"""A user's reminder settings: their devices (Web Push subscriptions) and the kinds they want.

A subscription's endpoint comes from the browser, so it is only accepted on the push service
of a known browser vendor (the app would otherwise POST wherever a client tells it to). Tests
may allow http://127.0.0.1:PORT (Settings.push_allow_loopback).
"""

from __future__ import annotations

import binascii
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlmodel import Session, col, select

from pwa.domain.kernel import audit
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Invalid, Refused
from pwa.i18n import gettext as _
from pwa.models import PushSubscription, ReminderKind, User
from pwa.reminders import rules
from pwa.reminders.rules import DueReminder
from pwa.reminders.store import load_reminder_data
from pwa.reminders.texts import kind_label, notification_text
from pwa.reminders.vapid import b64url_decode, public_key_is_valid

# Hosts of the browsers' push services (Chrome/Edge/Opera/Samsung via FCM, Firefox, Safari,
# legacy Edge). A leading dot allows any subdomain.
PUSH_SERVICE_HOSTS = (
    "fcm.googleapis.com",
    "android.googleapis.com",
    "updates.push.services.mozilla.com",
    "push.services.mozilla.com",
    "web.push.apple.com",
    ".push.apple.com",
    ".notify.windows.com",
)
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
ENDPOINT_MAX = 1000
DEVICE_LABEL_MAX = 200
AUTH_SECRET_BYTES = 16


def _unreadable() -> Refused:
    return Refused(_("This device's push address cannot be read. Please try again."))


def check_endpoint(endpoint: str, *, allow_loopback: bool = False) -> str:
    """The endpoint if it is a push service's HTTPS URL we may POST to (else Refused)."""
    endpoint = endpoint.strip()
    if not endpoint or len(endpoint) > ENDPOINT_MAX or any(c.isspace() for c in endpoint):
        raise _unreadable()
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        raise _unreadable() from None
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.scheme not in ("https", "http") or not host or parts.username or parts.password:
        raise _unreadable()
    if allow_loopback and host in LOOPBACK_HOSTS:
        return endpoint
    known = any(
        host.endswith(allowed) if allowed.startswith(".") else host == allowed
        for allowed in PUSH_SERVICE_HOSTS
    )
    if parts.scheme != "https" or port not in (None, 443) or not known:
        raise Refused(
            _("Reminders can only be sent through the push service of a known web browser.")
        )
    return endpoint


def _check_keys(p256dh: str, auth: str) -> tuple[str, str]:
    problem = Refused(_("This device's push keys cannot be read. Please try again."))
    p256dh, auth = p256dh.strip().rstrip("="), auth.strip().rstrip("=")
    if len(p256dh) > 200 or len(auth) > 100:
        raise problem
    try:
        public_key, secret = b64url_decode(p256dh), b64url_decode(auth)
    except (binascii.Error, ValueError):
        raise problem from None
    if not public_key_is_valid(public_key) or len(secret) != AUTH_SECRET_BYTES:
        raise problem
    return p256dh, auth


def subscribe(
    db: Session,
    *,
    actor: Actor,
    endpoint: str,
    p256dh: str,
    auth: str,
    device_label: str = "",
    allow_loopback: bool = False,
) -> PushSubscription:
    """Store this device's subscription for the signed-in user (again: refreshed, not doubled).

    An endpoint already stored for someone else moves to this user: only the browser that holds
    the subscription knows its endpoint, and whoever is signed in there now gets its reminders.
    """
    endpoint = check_endpoint(endpoint, allow_loopback=allow_loopback)
    p256dh, auth = _check_keys(p256dh, auth)
    label = " ".join(device_label.split())[:DEVICE_LABEL_MAX]
    values = {
        "user_id": actor.id,
        "session_id": actor.session_id,
        "p256dh": p256dh,
        "auth": auth,
        "device_label": label,
    }
    row = db.exec(select(PushSubscription).where(PushSubscription.endpoint == endpoint)).first()
    if row is None:
        try:
            with db.begin_nested():
                row = PushSubscription(endpoint=endpoint, **values)  # type: ignore[arg-type]
                db.add(row)
        except sa.exc.IntegrityError:  # the same device subscribed twice at once
            row = db.exec(
                select(PushSubscription).where(PushSubscription.endpoint == endpoint)
            ).one()
    for name, value in values.items():
        setattr(row, name, value)
    return audit.save(
        db, row, actor=actor, action="push_subscription.create", family_id=actor.user.family_id
    )


def remove_device(db: Session, *, actor: Actor, subscription_id: uuid.UUID) -> bool:
    """Stop sending to one of the user's own devices (someone else's is left alone)."""
    row = db.get(PushSubscription, subscription_id)
    if row is None or row.user_id != actor.id:
        return False
    audit.record(
        db, actor=actor, action="push_subscription.delete", obj=row, family_id=actor.user.family_id
    )
    db.delete(row)
    db.flush()
    return True


def devices(db: Session, *, user: User) -> list[PushSubscription]:
    """The user's devices, newest first."""
    return list(
        db.exec(
            select(PushSubscription)
            .where(PushSubscription.user_id == user.id)
            .order_by(col(PushSubscription.created_at).desc())
        ).all()
    )


def choose_kinds(db: Session, *, actor: Actor, values: Sequence[str]) -> frozenset[ReminderKind]:
    """Store which kinds of reminders the user wants (only those of their role)."""
    role_kinds = {kind.value: kind for kind in rules.ROLE_KINDS[actor.role]}
    unknown = [value for value in values if value not in role_kinds]
    if unknown:
        message = _("Choose reminders from the list.")
        raise Invalid(message, errors={"kinds": message})
    chosen = frozenset(role_kinds[value] for value in values)
    user = actor.user
    user.reminder_kinds = rules.format_kinds(chosen, actor.role)
    audit.save(
        db,
        user,
        actor=actor,
        action="reminder_kinds.update",
        family_id=user.family_id,
        kinds=user.reminder_kinds,
    )
    return chosen


# --- the settings page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class KindChoice:
    kind: ReminderKind
    label: str
    chosen: bool


@dataclass(frozen=True)
class UpcomingReminder:
    """A reminder as the in-app list shows it: when it is sent and what it says."""

    reminder: DueReminder
    title: str
    body: str

    @property
    def send_at(self) -> datetime:
        return self.reminder.send_at

    @property
    def url(self) -> str:
        return self.reminder.url


@dataclass(frozen=True)
class ReminderSettings:
    kinds: list[KindChoice]
    devices: list[PushSubscription]
    upcoming: list[UpcomingReminder]


def upcoming_reminders(
    db: Session, *, user: User, now: datetime, horizon: timedelta = timedelta(days=7)
) -> list[DueReminder]:
    """The user's own reminders from now on (the in-app list: a phone without push misses
    nothing), whether or not they have a device for push."""
    data = load_reminder_data(db, now=now, horizon=horizon, user_id=user.id)
    return rules.due_reminders(now=now, data=data, horizon=horizon)


def reminder_settings(db: Session, *, actor: Actor, now: datetime) -> ReminderSettings:
    """Everything /account/reminders shows: kinds, devices and the coming week's reminders."""
    user = actor.user
    chosen = rules.parse_kinds(user.reminder_kinds, user.role)
    upcoming = []
    for reminder in upcoming_reminders(db, user=user, now=now):
        text = notification_text(reminder, at=max(reminder.send_at, now))
        upcoming.append(UpcomingReminder(reminder=reminder, title=text.title, body=text.body))
    audit.record(db, actor=actor, action="reminders.read", family_id=user.family_id)
    return ReminderSettings(
        kinds=[
            KindChoice(kind=kind, label=kind_label(kind, user.role), chosen=kind in chosen)
            for kind in rules.ROLE_KINDS[user.role]
        ],
        devices=devices(db, user=user),
        upcoming=upcoming,
    )
