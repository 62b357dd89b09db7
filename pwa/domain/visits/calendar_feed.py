"""Each user's private calendar feed (iCalendar) of meetings with families.

The feed's URL carries a random secret; only its sha256 hash is stored, in
User.calendar_token_hash, so renewing the token invalidates the old URL at once. Calendar
apps show events on lock screens and sync them to other clouds: an event carries no name,
no address of the family and no notes, only "a meeting", the case number for staff, and
where in words ("dom rodziny", the centre's address, or a place named on the form).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from icalendar import Calendar, Event, vDuration
from sqlmodel import Session, col, select

from pwa.domain.kernel import audit, policy
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import NotFound
from pwa.domain.people.sessions import hash_token
from pwa.domain.visits.meetings import place_words
from pwa.i18n import gettext as _
from pwa.i18n import use_locale
from pwa.models import Assignment, Centre, Family, Meeting, MeetingStatus, Role, User

# Past meetings stay in the feed this long, so yesterday's meeting does not vanish at once.
PAST_DAYS = 60
# How often calendar apps should fetch the feed again (RFC 7986 REFRESH-INTERVAL).
REFRESH = timedelta(hours=1)
UID_DOMAIN = "asysta"
_TOKEN_MAX_LENGTH = 100


def renew_calendar_token(db: Session, *, actor: Actor) -> str:
    """A new secret for the actor's feed URL (shown once); the previous URL stops working."""
    token = secrets.token_urlsafe(32)
    user = actor.user
    user.calendar_token_hash = hash_token(token)
    audit.save(db, user, actor=actor, action="calendar.renew")
    return token


def stop_calendar_feed(db: Session, *, actor: Actor) -> None:
    """Switch the actor's feed off: no URL works until a new token is made."""
    user = actor.user
    if user.calendar_token_hash is not None:
        user.calendar_token_hash = None
        audit.save(db, user, actor=actor, action="calendar.stop")


def feed_owner(db: Session, *, token: str) -> User:
    """The active user whose feed `token` opens, else NotFound."""
    if not token or len(token) > _TOKEN_MAX_LENGTH:
        raise NotFound
    user = db.exec(select(User).where(User.calendar_token_hash == hash_token(token))).first()
    if user is None or not user.is_active:
        raise NotFound
    return user


def _meetings_of(db: Session, user: User, since: datetime) -> Sequence[tuple[Meeting, Family]]:
    query = (
        select(Meeting, Family)
        .join(Family, col(Family.id) == col(Meeting.family_id))
        .where(policy.in_centre(user.centre_id), col(Meeting.starts_at) >= since)
        .order_by(col(Meeting.starts_at))
    )
    if user.role is Role.family:
        if user.family_id is None:
            return []
        return db.exec(query.where(Meeting.family_id == user.family_id)).all()
    assigned = (
        select(Assignment.family_id)
        .join(Family, col(Family.id) == col(Assignment.family_id))
        .join(User, col(User.id) == col(Assignment.assistant_id))
        .where(
            Assignment.assistant_id == user.id,
            col(Assignment.ended_at).is_(None),
            policy.held_by_working_centre(),
        )
    )
    mine: sa.ColumnElement[bool] = col(Meeting.family_id).in_(assigned)
    if user.role is Role.coordinator:
        # A coordinator sees every family; her feed holds the meetings she booked herself.
        mine = sa.or_(mine, col(Meeting.assistant_id) == user.id)
    return db.exec(query.where(mine)).all()


def _event(meeting: Meeting, family: Family, *, for_family: bool, centre: Centre | None) -> Event:
    event = Event()
    event.add("uid", f"{meeting.id}@{UID_DOMAIN}")
    if for_family:
        event.add("summary", _("Meeting with the family assistant"))
    else:
        event.add("summary", _("Meeting – case %(case_number)s", case_number=family.case_number))
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.starts_at + timedelta(minutes=meeting.duration_minutes))
    event.add("dtstamp", meeting.updated_at or meeting.created_at)
    event.add("created", meeting.created_at)
    event.add("last-modified", meeting.updated_at or meeting.created_at)
    location = place_words(meeting.place_kind, meeting.place_text, centre)
    if location:
        event.add("location", location)
    cancelled = meeting.status is MeetingStatus.cancelled
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def calendar_feed(db: Session, *, token: str, now: datetime) -> bytes:
    """The iCalendar file for the feed URL's token: the user's meetings, cancelled ones too."""
    user = feed_owner(db, token=token)
    centre = db.get(Centre, user.centre_id)
    found = _meetings_of(db, user, now - timedelta(days=PAST_DAYS))
    with use_locale(user.locale):
        calendar = Calendar()
        calendar.add("prodid", "-//Asysta//Asysta//PL")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", _("Asysta: meetings"))
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(REFRESH))
        for meeting, family in found:
            calendar.add_component(
                _event(meeting, family, for_family=user.role is Role.family, centre=centre)
            )
    # A calendar app fetches the feed every hour or so: one event per fetch, not per family.
    audit.record(
        db, actor=Actor(user=user), action="calendar.feed", meetings=len(found),
        families=len({family.id for _meeting, family in found}),
    )  # fmt: skip
    return calendar.to_ical()
