"""Meetings with the family: scheduled, moved (the family sees what changed) and cancelled.

Also the small readers of form fields that visits and office hours share: a time as HH:MM,
a length in minutes, and a place (the family's home, the centre, or another place in words).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from pwa.domain.kernel import audit, policy
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, Invalid, NotFound
from pwa.domain.kernel.forms import parse_date, parse_enum, too_long
from pwa.domain.kernel.policy import Access
from pwa.i18n import WARSAW
from pwa.i18n import gettext as _
from pwa.models import CaseStatus, Centre, Family, Meeting, MeetingStatus, PlaceKind

# A visit or meeting lasts at least a minute and at most a day (in minutes).
MAX_MINUTES = 24 * 60
DEFAULT_MEETING_MINUTES = 60
# Nobody books a meeting with a family more than a year ahead.
MAX_DAYS_AHEAD = 366
PLACE_TEXT_MAX = 200
CANCEL_REASON_MAX = 300

_CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
_MINUTES = re.compile(r"\d{1,5}")


# --- reading form fields ------------------------------------------------------------------


def parse_clock(raw: str) -> time | None:
    """A time of day written HH:MM (09:30, 9:30), or None."""
    found = _CLOCK.fullmatch(raw.strip())
    return time(int(found[1]), int(found[2])) if found else None


def parse_minutes(raw: str, *, field: str, errors: dict[str, str]) -> int | None:
    """A length in whole minutes, 1 minute to 24 hours; a message in `errors` otherwise."""
    raw = raw.strip()
    if not _MINUTES.fullmatch(raw):
        errors[field] = _("Enter the length in whole minutes, e.g. 90.")
        return None
    minutes = int(raw)
    if not 1 <= minutes <= MAX_MINUTES:
        errors[field] = _("The length must be between 1 minute and 24 hours.")
        return None
    return minutes


def parse_place(
    kind_raw: str, text_raw: str, *, errors: dict[str, str], kind_field: str, text_field: str
) -> tuple[PlaceKind, str] | None:
    """The kind of place and, for "another place", the place in words.

    The words are kept only for another place: a home or the centre needs none, and the
    family's address must never be copied into a visit or a meeting.
    """
    kind = parse_enum(PlaceKind, kind_raw)
    if kind is None:
        errors[kind_field] = _("Choose the place.")
        return None
    text = " ".join(text_raw.split())
    if kind is not PlaceKind.other:
        return kind, ""
    if not text:
        errors[text_field] = _("Describe the place in words.")
        return None
    if len(text) > PLACE_TEXT_MAX:
        errors[text_field] = too_long(PLACE_TEXT_MAX)
        return None
    return kind, text


def local_start(day: date, clock: time) -> datetime:
    """A Warsaw date and time as the aware UTC datetime the database keeps."""
    return datetime.combine(day, clock, tzinfo=WARSAW).astimezone(UTC)


def parse_start(
    date_raw: str,
    time_raw: str,
    *,
    now: datetime,
    errors: dict[str, str],
    date_field: str,
    time_field: str,
) -> datetime | None:
    """A future start (Warsaw date and time from a form), at most a year ahead."""
    day = parse_date(date_raw)
    clock = parse_clock(time_raw)
    if day is None:
        errors[date_field] = _("Enter a date, e.g. 23.11.2026.")
    if clock is None:
        errors[time_field] = _("Enter the time as HH:MM, e.g. 09:30.")
    if day is None or clock is None:
        return None
    if day > now.astimezone(WARSAW).date() + timedelta(days=MAX_DAYS_AHEAD):
        errors[date_field] = _("A meeting can be planned at most a year ahead.")
        return None
    starts = local_start(day, clock)
    if starts <= now:
        errors[date_field] = _("The meeting must be in the future.")
        return None
    return starts


def place_words(kind: PlaceKind, text: str, centre: Centre | None) -> str:
    """Where, in words a family understands; never the family's address."""
    if kind is PlaceKind.home:
        return _("the family's home")
    if kind is PlaceKind.centre:
        return centre.address if centre is not None and centre.address else _("the centre")
    return text


# --- scheduling ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingForm:
    """A meeting as the form sends it (strings, unchecked)."""

    meeting_date: str
    starts_at: str
    duration_minutes: str = str(DEFAULT_MEETING_MINUTES)
    place_kind: str = PlaceKind.home.value
    place_text: str = ""


def add_meeting(
    db: Session,
    *,
    actor: Actor,
    family: Family,
    starts_at: datetime,
    duration_minutes: int,
    place_kind: PlaceKind,
    place_text: str,
    now: datetime,
    created_from_visit_id: uuid.UUID | None = None,
) -> Meeting:
    """Store a checked meeting (access and fields already checked by the caller)."""
    meeting = Meeting(
        family_id=family.id,
        assistant_id=actor.id,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place_kind=place_kind,
        place_text=place_text,
        created_from_visit_id=created_from_visit_id,
        created_at=now,
    )
    return audit.save(db, meeting, actor=actor, action="meeting.create", family_id=family.id)


def schedule_meeting(
    db: Session, *, actor: Actor, family_id: uuid.UUID, form: MeetingForm, now: datetime
) -> Meeting:
    """Schedule a meeting with the family (the family's assistant or a coordinator)."""
    family = policy.get_family(db, actor=actor, family_id=family_id, need=Access.full)
    if family.status is CaseStatus.closed:
        raise Conflict(_("The case is closed: no meetings can be planned."))
    errors: dict[str, str] = {}
    starts = parse_start(
        form.meeting_date, form.starts_at, now=now, errors=errors,
        date_field="meeting_date", time_field="starts_at",
    )  # fmt: skip
    minutes = parse_minutes(form.duration_minutes, field="duration_minutes", errors=errors)
    place = parse_place(
        form.place_kind, form.place_text, errors=errors,
        kind_field="place_kind", text_field="place_text",
    )  # fmt: skip
    if errors or starts is None or minutes is None or place is None:
        raise Invalid(_("Please correct the marked fields."), errors=errors)
    return add_meeting(
        db, actor=actor, family=family, starts_at=starts, duration_minutes=minutes,
        place_kind=place[0], place_text=place[1], now=now,
    )  # fmt: skip


def _meeting_to_change(db: Session, *, actor: Actor, meeting_id: uuid.UUID) -> Meeting:
    meeting = db.get(Meeting, meeting_id, with_for_update=True)
    if meeting is None:
        raise NotFound
    policy.get_family(db, actor=actor, family_id=meeting.family_id, need=Access.full)
    return meeting


def move_meeting(
    db: Session,
    *,
    actor: Actor,
    meeting_id: uuid.UUID,
    meeting_date: str,
    starts_at: str,
    now: datetime,
) -> Meeting:
    """Move a meeting to a new time; the family is shown the time it had before."""
    meeting = _meeting_to_change(db, actor=actor, meeting_id=meeting_id)
    if meeting.status is MeetingStatus.cancelled:
        raise Conflict(_("This meeting was cancelled: plan a new one instead."))
    if meeting.starts_at <= now:
        raise Conflict(_("This meeting has already begun and cannot be moved."))
    errors: dict[str, str] = {}
    starts = parse_start(
        meeting_date, starts_at, now=now, errors=errors,
        date_field="meeting_date", time_field="starts_at",
    )  # fmt: skip
    if starts is None:
        raise Invalid(_("Please correct the marked fields."), errors=errors)
    if starts == meeting.starts_at:
        return meeting
    previous = meeting.starts_at
    meeting.previous_starts_at = previous
    meeting.starts_at = starts
    meeting.updated_at = now
    return audit.save(
        db,
        meeting,
        actor=actor,
        action="meeting.move",
        family_id=meeting.family_id,
        previous_starts_at=previous.isoformat(),
        starts_at=starts.isoformat(),
    )


def cancel_meeting(
    db: Session, *, actor: Actor, meeting_id: uuid.UUID, reason: str, now: datetime
) -> Meeting:
    """Cancel a meeting with a reason the family is shown; cancelling twice changes nothing."""
    meeting = _meeting_to_change(db, actor=actor, meeting_id=meeting_id)
    if meeting.status is MeetingStatus.cancelled:
        return meeting
    if meeting.starts_at <= now:
        raise Conflict(_("This meeting has already begun and cannot be cancelled."))
    reason = " ".join(reason.split())
    if not reason:
        raise Invalid(_("Please give a reason."), errors={"reason": _("Please give a reason.")})
    if len(reason) > CANCEL_REASON_MAX:
        message = too_long(CANCEL_REASON_MAX)
        raise Invalid(message, errors={"reason": message})
    meeting.status = MeetingStatus.cancelled
    meeting.cancel_reason = reason
    meeting.updated_at = now
    return audit.save(
        db,
        meeting,
        actor=actor,
        action="meeting.cancel",
        family_id=meeting.family_id,
        reason=reason,
    )


# --- reading ------------------------------------------------------------------------------


def _not_over(now: datetime) -> sa.ColumnElement[bool]:
    # A meeting counts as upcoming until it could have ended: the longest lasts a day.
    return col(Meeting.starts_at) > now - timedelta(minutes=MAX_MINUTES)


def _upcoming(db: Session, *, actor: Actor, family: Family, now: datetime) -> list[Meeting]:
    """The family's meetings not yet over (cancelled ones too), soonest first (audited)."""
    meetings = db.exec(
        select(Meeting)
        .where(Meeting.family_id == family.id, _not_over(now))
        .order_by(col(Meeting.starts_at))
    ).all()
    audit.record(db, actor=actor, action="meeting.list", family_id=family.id)
    return [m for m in meetings if m.starts_at + timedelta(minutes=m.duration_minutes) > now]


def family_meetings(
    db: Session, *, actor: Actor, family_id: uuid.UUID, now: datetime
) -> list[Meeting]:
    """Staff: the family's meetings not yet over (cancelled ones too), soonest first."""
    family = policy.get_family(db, actor=actor, family_id=family_id, need=Access.full)
    return _upcoming(db, actor=actor, family=family, now=now)


@dataclass(frozen=True)
class FamilyMeeting:
    """A meeting as the family sees it: when, where in words, and what changed."""

    id: uuid.UUID
    starts_at: datetime  # aware UTC; shown in Europe/Warsaw
    duration_minutes: int
    place_kind: PlaceKind
    place: str
    status: MeetingStatus
    cancel_reason: str
    previous_starts_at: datetime | None

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_cancelled(self) -> bool:
        return self.status is MeetingStatus.cancelled

    @property
    def was_moved(self) -> bool:
        return self.previous_starts_at is not None


def meetings_for_family_member(db: Session, *, actor: Actor, now: datetime) -> list[FamilyMeeting]:
    """The family's own upcoming meetings, with moves and cancellations, soonest first."""
    if actor.user.family_id is None:
        raise NotFound
    family = policy.get_family(db, actor=actor, family_id=actor.user.family_id, need=Access.shared)
    centre = db.get(Centre, family.centre_id)
    return [
        FamilyMeeting(
            id=m.id,
            starts_at=m.starts_at,
            duration_minutes=m.duration_minutes,
            place_kind=m.place_kind,
            place=place_words(m.place_kind, m.place_text, centre),
            status=m.status,
            cancel_reason=m.cancel_reason,
            previous_starts_at=m.previous_starts_at,
        )
        for m in _upcoming(db, actor=actor, family=family, now=now)
    ]
