"""What to remind whom, and when: a pure function of `now` and plain facts.

- assistant: the periodic assessment of each of her families 14 days and 3 days before it
  is due, on the day, then weekly while it is overdue; each meeting the evening before and an
  hour before; the open tasks of her families' agreed plans the evening before they are due;
- family member: each meeting of the family the evening before; their own plan tasks the
  evening before; the centre's office hours that morning (opt-in; never on a public holiday);
- coordinator: on Monday morning, how many periodic assessments are overdue in the centre.

Times are Europe/Warsaw. Nothing is sent in the quiet hours (21:00-7:00): a reminder falling
there moves to 7:00, never dropped. A reminder whose object is gone (meeting cancelled, task
done, assessment written) or whose moment has passed is simply not produced any more; the store
cancels what was scheduled for it. Texts carry no personal data: they show on a lock screen.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from pwa.domain.assessments.due import assessment_due
from pwa.domain.visits.office_hours import occurrences
from pwa.i18n import WARSAW
from pwa.models import (
    CaseStatus,
    MeetingStatus,
    OfficeHours,
    ReminderKind,
    Role,
    TaskState,
)

# Reminders are scheduled this far ahead (the in-app list may look further).
HORIZON = timedelta(days=2)
QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(7, 0)
MORNING = time(8, 0)  # assessments and the Monday digest
EVENING_BEFORE = time(18, 0)  # meetings and tasks of tomorrow
OFFICE_HOURS_MORNING = time(7, 0)
MEETING_SOON = timedelta(hours=1)
ASSESSMENT_STAGES = (14, 3, 0)  # days before the due date
OVERDUE_EVERY_DAYS = 7
DAY = timedelta(days=1)

HOME_URL = {Role.assistant: "/assistant", Role.family: "/family", Role.coordinator: "/coordinator"}
ROLE_KINDS: dict[Role, tuple[ReminderKind, ...]] = {
    Role.assistant: (
        ReminderKind.assessment_due,
        ReminderKind.meeting_tomorrow,
        ReminderKind.meeting_soon,
        ReminderKind.task_due,
    ),
    Role.family: (ReminderKind.meeting_tomorrow, ReminderKind.task_due, ReminderKind.office_hours),
    Role.coordinator: (ReminderKind.overdue_digest,),
}
OPT_IN = frozenset({ReminderKind.office_hours})  # off until the user turns it on
# Stored when a user turned every kind off ("" means: never chosen, the role's defaults).
NO_KINDS = "none"


# --- small pure rules ---------------------------------------------------------------------------


def default_kinds(role: Role) -> frozenset[ReminderKind]:
    return frozenset(kind for kind in ROLE_KINDS[role] if kind not in OPT_IN)


def parse_kinds(raw: str, role: Role) -> frozenset[ReminderKind]:
    """The kinds a user wants (User.reminder_kinds), limited to those of their role."""
    if not raw.strip():
        return default_kinds(role)
    values = {part.strip() for part in raw.split(",")}
    return frozenset(kind for kind in ROLE_KINDS[role] if kind.value in values)


def format_kinds(kinds: Iterable[ReminderKind], role: Role) -> str:
    """The value to store in User.reminder_kinds, in the role's order."""
    chosen = set(kinds)
    return ",".join(kind.value for kind in ROLE_KINDS[role] if kind in chosen) or NO_KINDS


def dedupe_key(
    user_id: uuid.UUID, kind: ReminderKind, object_id: uuid.UUID | None, on: date
) -> str:
    """(user, kind, object, date): the same reminder can never be made twice."""
    return f"{user_id}:{kind.value}:{object_id or '-'}:{on.isoformat()}"


def is_quiet(moment: datetime) -> bool:
    clock = moment.astimezone(WARSAW).time()
    return clock >= QUIET_FROM or clock < QUIET_UNTIL


def outside_quiet_hours(moment: datetime) -> datetime:
    """`moment`, or 7:00 (Warsaw) after it when it falls in the quiet hours."""
    local = moment.astimezone(WARSAW)
    if local.time() >= QUIET_FROM:
        return _at(local.date() + DAY, QUIET_UNTIL)
    if local.time() < QUIET_UNTIL:
        return _at(local.date(), QUIET_UNTIL)
    return moment.astimezone(UTC)


def _at(day: date, clock: time) -> datetime:
    """A Warsaw wall-clock moment as an aware UTC datetime."""
    return datetime.combine(day, clock, tzinfo=WARSAW).astimezone(UTC)


def _end_of(day: date) -> datetime:
    return _at(day + DAY, time(0, 0))


# --- the facts the rules read (built by reminder_store.load_reminder_data) ---------------------


@dataclass(frozen=True)
class Recipient:
    """A user who gets reminders, and the kinds they want."""

    id: uuid.UUID
    role: Role
    centre_id: uuid.UUID
    kinds: frozenset[ReminderKind]
    family_id: uuid.UUID | None = None
    family_member_id: uuid.UUID | None = None


@dataclass(frozen=True)
class CaseFacts:
    """A family in work: who its assistant is and when its assessment is due."""

    family_id: uuid.UUID
    centre_id: uuid.UUID
    assistant_id: uuid.UUID | None
    status: CaseStatus
    work_started_on: date | None
    last_assessed_on: date | None = None

    @property
    def assessment_due(self) -> date | None:
        if self.status is not CaseStatus.active:
            return None
        return assessment_due(self.work_started_on, self.last_assessed_on)


@dataclass(frozen=True)
class MeetingFacts:
    id: uuid.UUID
    family_id: uuid.UUID
    starts_at: datetime
    status: MeetingStatus = MeetingStatus.scheduled


@dataclass(frozen=True)
class TaskFacts:
    id: uuid.UUID
    family_id: uuid.UUID
    due_on: date
    owner_member_id: uuid.UUID | None = None
    state: TaskState = TaskState.open


@dataclass(frozen=True)
class ReminderData:
    recipients: Sequence[Recipient]
    cases: Sequence[CaseFacts] = ()
    meetings: Sequence[MeetingFacts] = ()
    tasks: Sequence[TaskFacts] = ()
    office_hours: Mapping[uuid.UUID, Sequence[OfficeHours]] = field(default_factory=dict)


@dataclass(frozen=True)
class DueReminder:
    """One reminder for one user: when to send it, until when it makes sense, what it says."""

    user_id: uuid.UUID
    kind: ReminderKind
    object_id: uuid.UUID | None
    on: date  # the day the key is for
    send_at: datetime  # UTC, never in the quiet hours
    expires_at: datetime  # after this it is pointless (the meeting began, the day is over)
    url: str
    tag: str  # notifications with the same tag replace each other on the phone
    starts_at: datetime | None = None  # the meeting's or the office hours' start
    ends_at: datetime | None = None
    due_on: date | None = None  # the assessment's or the task's due date
    count: int = 0  # overdue assessments in the digest
    for_owner: bool = False  # a family member's own task

    @property
    def dedupe_key(self) -> str:
        return dedupe_key(self.user_id, self.kind, self.object_id, self.on)


# --- the rules ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Index:
    """The facts grouped once, so that each person's rules read only their own."""

    by_assistant: dict[uuid.UUID, list[CaseFacts]]
    by_centre: dict[uuid.UUID, list[CaseFacts]]
    meetings: dict[uuid.UUID, list[MeetingFacts]]
    tasks: dict[uuid.UUID, list[TaskFacts]]

    @classmethod
    def of(cls, data: ReminderData) -> _Index:
        index = cls({}, {}, {}, {})
        for case in data.cases:
            index.by_centre.setdefault(case.centre_id, []).append(case)
            if case.assistant_id is not None:
                index.by_assistant.setdefault(case.assistant_id, []).append(case)
        for meeting in data.meetings:
            index.meetings.setdefault(meeting.family_id, []).append(meeting)
        for task in data.tasks:
            index.tasks.setdefault(task.family_id, []).append(task)
        return index


def due_reminders(
    *, now: datetime, data: ReminderData, horizon: timedelta = HORIZON
) -> list[DueReminder]:
    """Every reminder that makes sense at `now` and is sent before `now + horizon`."""
    until = now + horizon
    today, last_day = now.astimezone(WARSAW).date(), until.astimezone(WARSAW).date()
    index = _Index.of(data)
    found: list[DueReminder] = []
    for person in data.recipients:
        if person.role is Role.assistant:
            candidates = _for_assistant(person, index, today, last_day)
        elif person.role is Role.family:
            candidates = _for_family_member(person, data, index, today, last_day)
        else:
            candidates = _for_coordinator(person, index, today, last_day)
        found.extend(
            r
            for r in candidates
            if r.kind in person.kinds and r.send_at <= until and now < r.expires_at
        )
    return sorted(found, key=lambda r: (r.send_at, r.dedupe_key))


def _reminder(
    person: Recipient, kind: ReminderKind, *, send_at: datetime, **values: object
) -> DueReminder:
    """A reminder for `person`, moved out of the quiet hours."""
    return DueReminder(
        user_id=person.id,
        kind=kind,
        url=HOME_URL[person.role],
        send_at=outside_quiet_hours(send_at),
        **values,  # type: ignore[arg-type]
    )


def _meetings(person: Recipient, meetings: Iterable[MeetingFacts]) -> Iterator[DueReminder]:
    for meeting in meetings:
        if meeting.status is not MeetingStatus.scheduled:
            continue
        day = meeting.starts_at.astimezone(WARSAW).date()
        common = {
            "object_id": meeting.id,
            "expires_at": meeting.starts_at,
            "starts_at": meeting.starts_at,
            "tag": f"meeting:{meeting.id}",
        }
        yield _reminder(
            person, ReminderKind.meeting_tomorrow, on=day - DAY,
            send_at=_at(day - DAY, EVENING_BEFORE), **common,
        )  # fmt: skip
        if person.role is Role.assistant:
            yield _reminder(
                person, ReminderKind.meeting_soon, on=day,
                send_at=meeting.starts_at - MEETING_SOON, **common,
            )  # fmt: skip


def _tasks(person: Recipient, tasks: Iterable[TaskFacts], *, own: bool) -> Iterator[DueReminder]:
    for task in tasks:
        if task.state is not TaskState.open:
            continue
        yield _reminder(
            person, ReminderKind.task_due, object_id=task.id, on=task.due_on - DAY,
            send_at=_at(task.due_on - DAY, EVENING_BEFORE), expires_at=_end_of(task.due_on),
            due_on=task.due_on, tag=f"task_due:{task.due_on.isoformat()}", for_owner=own,
        )  # fmt: skip


def _assessment_days(due: date, today: date, last_day: date) -> Iterator[date]:
    """14 and 3 days before, the due day, then every 7 days: those from today to last_day."""
    for days_before in ASSESSMENT_STAGES:
        day = due - timedelta(days=days_before)
        if today <= day <= last_day:
            yield day
    weeks = max(1, -(-(today - due).days // OVERDUE_EVERY_DAYS))
    day = due + timedelta(days=OVERDUE_EVERY_DAYS * weeks)
    while day <= last_day:
        yield day
        day += timedelta(days=OVERDUE_EVERY_DAYS)


def _for_assistant(
    person: Recipient, index: _Index, today: date, last_day: date
) -> Iterator[DueReminder]:
    cases = sorted(index.by_assistant.get(person.id, []), key=lambda case: case.family_id)
    for case in cases:
        due = case.assessment_due
        if due is None:
            continue
        for day in _assessment_days(due, today, last_day):
            yield _reminder(
                person, ReminderKind.assessment_due, object_id=case.family_id, on=day,
                send_at=_at(day, MORNING), expires_at=_end_of(day), due_on=due,
                tag=f"assessment:{case.family_id}",
            )  # fmt: skip
    for case in cases:
        yield from _meetings(person, index.meetings.get(case.family_id, []))
        yield from _tasks(person, index.tasks.get(case.family_id, []), own=False)


def _for_family_member(
    person: Recipient, data: ReminderData, index: _Index, today: date, last_day: date
) -> Iterator[DueReminder]:
    if person.family_id is None:
        return
    yield from _meetings(person, index.meetings.get(person.family_id, []))
    own_tasks = [
        task
        for task in index.tasks.get(person.family_id, [])
        if person.family_member_id is not None and task.owner_member_id == person.family_member_id
    ]
    yield from _tasks(person, own_tasks, own=True)
    if ReminderKind.office_hours not in person.kinds:
        return
    for slot in occurrences(data.office_hours.get(person.centre_id, ()), start=today):
        if slot.day > last_day:
            break
        yield _reminder(
            person, ReminderKind.office_hours, object_id=person.centre_id, on=slot.day,
            send_at=_at(slot.day, OFFICE_HOURS_MORNING), expires_at=slot.ends,
            starts_at=slot.starts.astimezone(UTC), ends_at=slot.ends.astimezone(UTC),
            tag=f"office_hours:{slot.day.isoformat()}",
        )  # fmt: skip


def _for_coordinator(
    person: Recipient, index: _Index, today: date, last_day: date
) -> Iterator[DueReminder]:
    dues = [case.assessment_due for case in index.by_centre.get(person.centre_id, [])]
    monday = today + timedelta(days=-today.weekday() % 7)
    while monday <= last_day:
        overdue = sum(1 for due in dues if due is not None and due < monday)
        if overdue:
            yield _reminder(
                person, ReminderKind.overdue_digest, object_id=person.centre_id, on=monday,
                send_at=_at(monday, MORNING), expires_at=_end_of(monday), count=overdue,
                tag="overdue_digest",
            )  # fmt: skip
        monday += timedelta(days=7)
