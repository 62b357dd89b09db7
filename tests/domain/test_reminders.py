"""The reminder rules: a pure function of a frozen `now` and plain facts (Europe/Warsaw)."""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta

import pytest

from pwa.domain.assessments.due import assessment_due
from pwa.i18n import use_locale
from pwa.models import (
    CaseStatus,
    MeetingStatus,
    OfficeHours,
    ReminderKind,
    Role,
    TaskState,
)
from pwa.reminders.rules import (
    CaseFacts,
    MeetingFacts,
    Recipient,
    ReminderData,
    TaskFacts,
    dedupe_key,
    default_kinds,
    due_reminders,
    format_kinds,
    is_quiet,
    outside_quiet_hours,
    parse_kinds,
)
from pwa.reminders.texts import notification_text
from tests.support.clock import warsaw

CENTRE, OTHER_CENTRE = uuid.uuid4(), uuid.uuid4()
ASSISTANT, OTHER_ASSISTANT, COORDINATOR, FAMILY_USER = (uuid.uuid4() for _ in range(4))
FAMILY, OTHER_FAMILY = uuid.uuid4(), uuid.uuid4()
PARENT, CHILD = uuid.uuid4(), uuid.uuid4()
WEDNESDAY = 2


def assistant(kinds: frozenset[ReminderKind] | None = None) -> Recipient:
    kinds = default_kinds(Role.assistant) if kinds is None else kinds
    return Recipient(id=ASSISTANT, role=Role.assistant, centre_id=CENTRE, kinds=kinds)


def family_user(kinds: frozenset[ReminderKind] | None = None) -> Recipient:
    return Recipient(
        id=FAMILY_USER, role=Role.family, centre_id=CENTRE,
        kinds=default_kinds(Role.family) if kinds is None else kinds,
        family_id=FAMILY, family_member_id=PARENT,
    )  # fmt: skip


def coordinator() -> Recipient:
    return Recipient(
        id=COORDINATOR, role=Role.coordinator, centre_id=CENTRE,
        kinds=default_kinds(Role.coordinator),
    )  # fmt: skip


def case(
    family_id: uuid.UUID = FAMILY,
    *,
    started: date = date(2026, 6, 1),
    last_assessed: date | None = None,
    assistant_id: uuid.UUID = ASSISTANT,
    centre_id: uuid.UUID = CENTRE,
    status: CaseStatus = CaseStatus.active,
) -> CaseFacts:
    return CaseFacts(
        family_id=family_id, centre_id=centre_id, assistant_id=assistant_id, status=status,
        work_started_on=started, last_assessed_on=last_assessed,
    )  # fmt: skip


def office_hours() -> dict[uuid.UUID, list[OfficeHours]]:
    slot = OfficeHours(centre_id=CENTRE, weekday=WEDNESDAY, starts_at=time(7), ends_at=time(15))
    return {CENTRE: [slot]}


def english(reminder, at) -> str:  # type: ignore[no-untyped-def]
    with use_locale("en"):
        return notification_text(reminder, at=at).body


def of_kind(reminders, kind: ReminderKind) -> list:  # type: ignore[no-untyped-def]
    return [r for r in reminders if r.kind is kind]


# --- the periodic assessment -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("started", "last", "due"),
    [
        (date(2026, 6, 1), None, date(2026, 12, 1)),
        (date(2026, 2, 1), date(2026, 8, 31), date(2027, 2, 28)),  # the month's last day
        (date(2026, 6, 1), date(2026, 5, 20), date(2026, 12, 1)),  # before the start: ignored
        (None, date(2026, 5, 20), None),  # work has not started
    ],
)
def test_assessment_is_due_six_months_after_the_later_of_start_and_last_assessment(
    started, last, due
):
    assert assessment_due(started, last) == due


@pytest.mark.parametrize(
    ("now", "day", "text"),
    [
        (warsaw(2026, 11, 17, 6), date(2026, 11, 17), "Periodic assessment due in 14 days"),
        (warsaw(2026, 11, 28, 6), date(2026, 11, 28), "Periodic assessment due in 3 days"),
        (warsaw(2026, 12, 1, 6), date(2026, 12, 1), "Periodic assessment due today"),
        (warsaw(2026, 12, 8, 6), date(2026, 12, 8), "Periodic assessment overdue by 7 days"),
        (warsaw(2026, 12, 15, 6), date(2026, 12, 15), "Periodic assessment overdue by 14 days"),
    ],
)
def test_assistant_is_reminded_of_the_assessment_14_and_3_days_ahead_on_the_day_and_weekly_after(
    now, day, text
):
    # Work started 1.06.2026, no assessment since: due 1.12.2026.
    data = ReminderData(recipients=[assistant()], cases=[case()])
    [reminder] = due_reminders(now=now, data=data)
    assert reminder.kind is ReminderKind.assessment_due and reminder.on == day
    assert reminder.send_at == warsaw(day.year, day.month, day.day, 8)
    assert reminder.url == "/assistant" and reminder.object_id == FAMILY
    assert english(reminder, reminder.send_at) == text


def test_between_the_stages_there_is_no_assessment_reminder():
    data = ReminderData(recipients=[assistant()], cases=[case()])
    assert due_reminders(now=warsaw(2026, 11, 20, 10), data=data) == []
    assert due_reminders(now=warsaw(2026, 12, 3, 10), data=data) == []


def test_a_written_assessment_moves_the_due_date_and_its_reminders():
    data = ReminderData(recipients=[assistant()], cases=[case(last_assessed=date(2026, 11, 20))])
    assert due_reminders(now=warsaw(2026, 11, 28, 6), data=data) == []


def test_only_her_own_active_families_remind_the_assistant():
    cases = [
        case(OTHER_FAMILY, assistant_id=OTHER_ASSISTANT),
        case(uuid.uuid4(), status=CaseStatus.monitoring),
    ]
    data = ReminderData(recipients=[assistant()], cases=cases)
    assert due_reminders(now=warsaw(2026, 11, 28, 6), data=data) == []


def test_polish_assessment_texts_count_days_the_polish_way():
    data = ReminderData(recipients=[assistant()], cases=[case()])
    [reminder] = due_reminders(now=warsaw(2026, 11, 28, 6), data=data)
    with use_locale("pl"):
        text = notification_text(reminder, at=reminder.send_at)
    assert (text.title, text.body) == ("Ocena okresowa", "Ocena okresowa za 3 dni")


# --- meetings ----------------------------------------------------------------------------------


def test_a_meeting_is_reminded_the_evening_before_and_to_the_assistant_an_hour_before():
    meeting = MeetingFacts(id=uuid.uuid4(), family_id=FAMILY, starts_at=warsaw(2026, 11, 25, 10))
    data = ReminderData(recipients=[assistant(), family_user()], cases=[case()], meetings=[meeting])
    found = due_reminders(now=warsaw(2026, 11, 24, 12), data=data)
    tomorrow = of_kind(found, ReminderKind.meeting_tomorrow)
    assert {r.user_id for r in tomorrow} == {ASSISTANT, FAMILY_USER}
    assert {r.send_at for r in tomorrow} == {warsaw(2026, 11, 24, 18)}
    assert {r.url for r in tomorrow} == {"/assistant", "/family"}
    [soon] = of_kind(found, ReminderKind.meeting_soon)
    assert soon.user_id == ASSISTANT and soon.send_at == warsaw(2026, 11, 25, 9)
    assert english(tomorrow[0], tomorrow[0].send_at) == "You have a meeting tomorrow at 10:00"
    assert english(soon, soon.send_at) == "You have a meeting today at 10:00"
    assert soon.tag == tomorrow[0].tag  # on the phone the second replaces the first


def test_polish_meeting_text_is_short_and_names_nobody():
    meeting = MeetingFacts(id=uuid.uuid4(), family_id=FAMILY, starts_at=warsaw(2026, 11, 25, 10))
    data = ReminderData(recipients=[family_user()], cases=[case()], meetings=[meeting])
    [reminder] = due_reminders(now=warsaw(2026, 11, 24, 12), data=data)
    with use_locale("pl"):
        assert notification_text(reminder, at=reminder.send_at).body == "Masz wizytę jutro o 10:00"


def test_a_cancelled_meeting_or_a_finished_task_is_not_reminded():
    cancelled = MeetingFacts(
        id=uuid.uuid4(), family_id=FAMILY, starts_at=warsaw(2026, 11, 25, 10),
        status=MeetingStatus.cancelled,
    )  # fmt: skip
    done = TaskFacts(id=uuid.uuid4(), family_id=FAMILY, due_on=date(2026, 11, 25),
                     owner_member_id=PARENT, state=TaskState.done)  # fmt: skip
    dropped = TaskFacts(id=uuid.uuid4(), family_id=FAMILY, due_on=date(2026, 11, 25),
                        state=TaskState.dropped)  # fmt: skip
    data = ReminderData(
        recipients=[assistant(), family_user()], cases=[case()],
        meetings=[cancelled], tasks=[done, dropped],
    )  # fmt: skip
    assert due_reminders(now=warsaw(2026, 11, 24, 12), data=data) == []


def test_a_meeting_that_has_begun_is_no_longer_reminded():
    meeting = MeetingFacts(id=uuid.uuid4(), family_id=FAMILY, starts_at=warsaw(2026, 11, 25, 10))
    data = ReminderData(recipients=[assistant()], cases=[case()], meetings=[meeting])
    assert due_reminders(now=warsaw(2026, 11, 25, 10, 1), data=data) == []


# --- quiet hours ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "moved_to"),
    [
        (warsaw(2026, 11, 24, 21, 0), warsaw(2026, 11, 25, 7)),
        (warsaw(2026, 11, 24, 23, 59), warsaw(2026, 11, 25, 7)),
        (warsaw(2026, 11, 25, 0, 30), warsaw(2026, 11, 25, 7)),
        (warsaw(2026, 11, 25, 6, 59), warsaw(2026, 11, 25, 7)),
        (warsaw(2026, 11, 25, 7, 0), warsaw(2026, 11, 25, 7)),
        (warsaw(2026, 11, 24, 20, 59), warsaw(2026, 11, 24, 20, 59)),
        (warsaw(2026, 3, 29, 1, 30), warsaw(2026, 3, 29, 7)),  # the night the clocks go forward
    ],
)
def test_quiet_hours_move_a_reminder_to_seven_in_the_morning(moment, moved_to):
    assert outside_quiet_hours(moment) == moved_to
    assert is_quiet(moment) is (moment != moved_to)


def test_a_reminder_falling_in_the_quiet_hours_is_moved_not_dropped():
    # An hour before a 7:30 meeting is 6:30: the reminder comes at 7:00.
    meeting = MeetingFacts(id=uuid.uuid4(), family_id=FAMILY, starts_at=warsaw(2026, 11, 25, 7, 30))
    data = ReminderData(recipients=[assistant()], cases=[case()], meetings=[meeting])
    [soon] = of_kind(
        due_reminders(now=warsaw(2026, 11, 24, 22), data=data), ReminderKind.meeting_soon
    )
    assert soon.send_at == warsaw(2026, 11, 25, 7)


def test_a_meeting_booked_late_in_the_evening_is_still_reminded_next_morning_as_today():
    meeting = MeetingFacts(id=uuid.uuid4(), family_id=FAMILY, starts_at=warsaw(2026, 11, 25, 10))
    data = ReminderData(recipients=[family_user()], cases=[case()], meetings=[meeting])
    now = warsaw(2026, 11, 24, 22, 30)
    [reminder] = due_reminders(now=now, data=data)
    assert reminder.send_at < now and is_quiet(now)  # due, but held until 7:00
    assert english(reminder, warsaw(2026, 11, 25, 7)) == "You have a meeting today at 10:00"


# --- plan tasks ------------------------------------------------------------------------------------


def test_the_assistant_hears_of_her_families_tasks_and_a_member_of_their_own_the_day_before():
    due = date(2026, 11, 25)
    own = TaskFacts(id=uuid.uuid4(), family_id=FAMILY, due_on=due, owner_member_id=PARENT)
    childs = TaskFacts(id=uuid.uuid4(), family_id=FAMILY, due_on=due, owner_member_id=CHILD)
    assistants = TaskFacts(id=uuid.uuid4(), family_id=FAMILY, due_on=due)
    elsewhere = TaskFacts(id=uuid.uuid4(), family_id=OTHER_FAMILY, due_on=due)
    later = TaskFacts(id=uuid.uuid4(), family_id=FAMILY, due_on=date(2026, 12, 3))
    data = ReminderData(
        recipients=[assistant(), family_user()],
        cases=[case(), case(OTHER_FAMILY, assistant_id=OTHER_ASSISTANT)],
        tasks=[own, childs, assistants, elsewhere, later],
    )
    found = due_reminders(now=warsaw(2026, 11, 24, 12), data=data)
    mine = {r.object_id for r in found if r.user_id == ASSISTANT}
    theirs = [r for r in found if r.user_id == FAMILY_USER]
    assert mine == {own.id, childs.id, assistants.id}
    assert [r.object_id for r in theirs] == [own.id]
    assert {r.send_at for r in found} == {warsaw(2026, 11, 24, 18)}
    first = next(r for r in found if r.user_id == ASSISTANT)
    assert english(first, first.send_at) == "A plan task is due tomorrow"
    assert english(theirs[0], theirs[0].send_at) == "Your task in the plan is due tomorrow"


# --- office hours ----------------------------------------------------------------------------------


def test_office_hours_are_reminded_that_morning_only_to_members_who_opted_in():
    with_opt_in = family_user(default_kinds(Role.family) | {ReminderKind.office_hours})
    data = ReminderData(recipients=[with_opt_in], cases=[case()], office_hours=office_hours())
    [reminder] = due_reminders(now=warsaw(2026, 11, 17, 12), data=data)
    assert reminder.kind is ReminderKind.office_hours and reminder.on == date(2026, 11, 18)
    assert reminder.send_at == warsaw(2026, 11, 18, 7) and reminder.url == "/family"
    assert english(reminder, reminder.send_at) == "Office hours at the centre today, 07:00-15:00"
    without = ReminderData(recipients=[family_user()], cases=[case()], office_hours=office_hours())
    assert due_reminders(now=warsaw(2026, 11, 17, 12), data=without) == []


def test_no_office_hours_reminder_on_a_holiday_wednesday():
    # 11.11.2026, Independence Day, is a Wednesday.
    member = family_user(frozenset({ReminderKind.office_hours}))
    data = ReminderData(recipients=[member], cases=[case()], office_hours=office_hours())
    assert due_reminders(now=warsaw(2026, 11, 10, 8), data=data) == []
    assert due_reminders(now=warsaw(2026, 11, 11, 6), data=data) == []


# --- the coordinator's digest -----------------------------------------------------------------------


def test_the_coordinator_gets_a_monday_digest_of_overdue_assessments_in_her_centre():
    cases = [
        case(uuid.uuid4(), started=date(2026, 1, 5)),  # due 5.07: overdue
        case(uuid.uuid4(), started=date(2026, 3, 2)),  # due 2.09: overdue
        case(uuid.uuid4(), started=date(2026, 10, 1)),  # due 1.04.2027
        case(uuid.uuid4(), started=date(2026, 1, 5), centre_id=OTHER_CENTRE),
    ]
    data = ReminderData(recipients=[coordinator()], cases=cases)
    [digest] = due_reminders(now=warsaw(2026, 11, 22, 12), data=data)  # a Sunday
    assert digest.kind is ReminderKind.overdue_digest and digest.on == date(2026, 11, 23)
    assert digest.send_at == warsaw(2026, 11, 23, 8) and digest.url == "/coordinator"
    assert digest.count == 2
    assert english(digest, digest.send_at) == "2 periodic assessments are overdue in the centre"
    with use_locale("pl"):
        body = notification_text(digest, at=digest.send_at).body
    assert body == "2 oceny okresowe w ośrodku są zaległe"


def test_no_digest_when_nothing_is_overdue():
    data = ReminderData(recipients=[coordinator()], cases=[case(started=date(2026, 10, 1))])
    assert due_reminders(now=warsaw(2026, 11, 22, 12), data=data) == []


# --- kinds and keys ----------------------------------------------------------------------------------


def test_only_the_kinds_the_user_chose_are_reminded():
    meeting = MeetingFacts(id=uuid.uuid4(), family_id=FAMILY, starts_at=warsaw(2026, 11, 25, 10))
    data = ReminderData(
        recipients=[assistant(frozenset({ReminderKind.meeting_soon}))],
        cases=[case()], meetings=[meeting],
    )  # fmt: skip
    assert [r.kind for r in due_reminders(now=warsaw(2026, 11, 24, 12), data=data)] == [
        ReminderKind.meeting_soon
    ]


def test_kinds_default_to_all_of_the_role_but_the_opt_in_and_can_all_be_turned_off():
    assert parse_kinds("", Role.family) == {ReminderKind.meeting_tomorrow, ReminderKind.task_due}
    assert parse_kinds(format_kinds([], Role.family), Role.family) == frozenset()
    chosen = parse_kinds("office_hours,meeting_soon", Role.family)  # not the family's kind
    assert chosen == {ReminderKind.office_hours}
    assert format_kinds(chosen, Role.family) == "office_hours"


def test_the_dedupe_key_is_user_kind_object_and_date_and_stays_the_same_from_pass_to_pass():
    meeting = MeetingFacts(id=uuid.uuid4(), family_id=FAMILY, starts_at=warsaw(2026, 11, 25, 10))
    data = ReminderData(recipients=[assistant()], cases=[case()], meetings=[meeting])
    first = due_reminders(now=warsaw(2026, 11, 24, 12), data=data)
    later = due_reminders(now=warsaw(2026, 11, 24, 12, 1), data=data)
    assert [r.dedupe_key for r in first] == [r.dedupe_key for r in later]
    assert len({r.dedupe_key for r in first}) == len(first) == 2
    tomorrow = of_kind(first, ReminderKind.meeting_tomorrow)[0]
    assert tomorrow.dedupe_key == f"{ASSISTANT}:meeting_tomorrow:{meeting.id}:2026-11-24"
    assert tomorrow.dedupe_key == dedupe_key(
        ASSISTANT, ReminderKind.meeting_tomorrow, meeting.id, date(2026, 11, 24)
    )
    assert len(tomorrow.dedupe_key) <= 200


def test_nothing_is_scheduled_beyond_the_horizon():
    meeting = MeetingFacts(id=uuid.uuid4(), family_id=FAMILY, starts_at=warsaw(2026, 11, 30, 10))
    data = ReminderData(recipients=[assistant()], cases=[case()], meetings=[meeting])
    now = warsaw(2026, 11, 24, 12)
    assert due_reminders(now=now, data=data) == []
    week = due_reminders(now=now, data=data, horizon=timedelta(days=7))
    assert [r.kind for r in week if r.object_id == meeting.id] == [
        ReminderKind.meeting_tomorrow,
        ReminderKind.meeting_soon,
    ]
