"""Sending reminders through a local receiver that plays the push service (tests/push_receiver.py).

The receiver checks every request as a push service would (VAPID JWT, aes128gcm, TTL, Urgency)
and decrypts it with the test subscription's keys, so these tests read what a phone would show.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from pwa.db import make_engine
from pwa.demo.centre import DEMO_CENTRE_ID, load_demo_data
from pwa.models import (
    Family,
    FamilyMember,
    MeetingStatus,
    PushSubscription,
    Reminder,
    ReminderKind,
    ReminderStatus,
    Role,
    TaskState,
    User,
)
from pwa.reminders import rules
from pwa.reminders.sending import MAX_ATTEMPTS, run_once
from pwa.reminders.vapid import vapid_keys
from pwa.settings import Settings
from tests.conftest import make_settings, reread
from tests.support.clock import warsaw
from tests.support.factories.core import make_family, make_member, make_user
from tests.support.factories.push import (
    ReminderWorld,
    make_device,
    make_meeting,
    make_reminder_world,
    make_task,
)
from tests.support.push_receiver import Answer, PushReceiver, all_payload_text

DEADLINE_SECONDS = 60
MEETING = warsaw(2026, 11, 25, 10)  # a Wednesday
EVENING_BEFORE = warsaw(2026, 11, 24, 18)


@pytest.fixture
def app_engine(database_url: str) -> Iterator[Engine]:
    """An engine like the app's (SQLite: BEGIN IMMEDIATE), for run_once."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def receiver(settings: Settings) -> Iterator[PushReceiver]:
    with PushReceiver(vapid_keys(settings).public_key) as running:
        yield running


def _world_with_devices(db: Session, receiver: PushReceiver) -> ReminderWorld:
    world = make_reminder_world(db)
    for user in (world.assistant, world.family_user, world.coordinator):
        make_device(db, user, receiver.subscribe(str(user.id)))
    return world


def _reminders(db: Session) -> list[Reminder]:
    reread(db)
    return list(db.exec(select(Reminder).order_by(col(Reminder.dedupe_key))).all())


def test_a_meeting_reminder_reaches_the_phone_signed_encrypted_and_in_polish(
    db: Session, app_engine: Engine, settings: Settings, receiver: PushReceiver
):
    world = _world_with_devices(db, receiver)
    make_meeting(db, world.family, world.assistant, MEETING)
    db.commit()

    summary = run_once(app_engine, settings, EVENING_BEFORE)

    assert receiver.problems == []
    assert summary.sent == 2 and summary.failed == 0
    [to_family] = receiver.for_path(str(world.family_user.id))
    assert to_family.payload == {
        "title": "Wizyta",
        "body": "Masz wizytę jutro o 10:00",
        "url": "/family",
        "tag": to_family.payload["tag"],
    }
    assert to_family.payload["tag"].startswith("meeting:")
    assert to_family.claims["sub"] == settings.vapid_subject
    assert to_family.ttl == int((MEETING - EVENING_BEFORE).total_seconds())
    assert to_family.urgency == "normal"
    [to_assistant] = receiver.for_path(str(world.assistant.id))
    assert to_assistant.payload["url"] == "/assistant"
    sent = [r for r in _reminders(db) if r.status is ReminderStatus.sent]
    assert len(sent) == 2 and all(r.attempts == 1 and r.sent_at == EVENING_BEFORE for r in sent)
    devices = db.exec(select(PushSubscription)).all()
    assert {d.user_id for d in devices if d.last_success_at == EVENING_BEFORE} == {
        world.assistant.id,
        world.family_user.id,
    }


def test_an_hour_before_the_meeting_the_assistant_gets_an_urgent_reminder(
    db: Session, app_engine: Engine, settings: Settings, receiver: PushReceiver
):
    world = _world_with_devices(db, receiver)
    make_meeting(db, world.family, world.assistant, MEETING)
    db.commit()
    run_once(app_engine, settings, EVENING_BEFORE)
    run_once(app_engine, settings, MEETING - timedelta(hours=1))
    assert receiver.problems == []
    first, second = receiver.for_path(str(world.assistant.id))
    assert second.payload["body"] == "Masz wizytę dziś o 10:00"
    assert second.urgency == "high" and second.payload["tag"] == first.payload["tag"]
    assert len(receiver.for_path(str(world.family_user.id))) == 1


def test_nothing_is_sent_in_the_quiet_hours_and_the_held_reminder_comes_at_seven(
    db: Session, app_engine: Engine, settings: Settings, receiver: PushReceiver
):
    world = _world_with_devices(db, receiver)
    db.commit()
    late = warsaw(2026, 11, 24, 22, 30)
    make_meeting(db, world.family, world.assistant, MEETING)  # booked late in the evening
    db.commit()
    summary = run_once(app_engine, settings, late)
    assert summary.quiet and summary.created == 3 and receiver.count == 0  # two, and the 9:00 one
    assert {r.status for r in _reminders(db)} == {ReminderStatus.pending}
    run_once(app_engine, settings, warsaw(2026, 11, 25, 7))
    [received] = receiver.for_path(str(world.family_user.id))
    assert received.payload["body"] == "Masz wizytę dziś o 10:00"


def test_a_meeting_cancelled_before_sending_cancels_its_reminder(
    db: Session, app_engine: Engine, settings: Settings, receiver: PushReceiver
):
    world = _world_with_devices(db, receiver)
    meeting = make_meeting(db, world.family, world.assistant, MEETING)
    task = make_task(db, world.family, date(2026, 11, 25), owner=world.parent)
    db.commit()
    run_once(app_engine, settings, warsaw(2026, 11, 24, 12))  # scheduled for 18:00
    assert {r.status for r in _reminders(db)} == {ReminderStatus.pending}
    meeting.status = MeetingStatus.cancelled
    task.state = TaskState.done
    db.add_all([meeting, task])
    db.commit()
    summary = run_once(app_engine, settings, EVENING_BEFORE)
    assert receiver.count == 0 and summary.cancelled == 5  # 2 + 1 meeting, 2 task reminders
    assert {r.status for r in _reminders(db)} == {ReminderStatus.cancelled}


def test_a_410_deletes_the_subscription_and_the_other_device_still_gets_it(
    db: Session, app_engine: Engine, settings: Settings, receiver: PushReceiver
):
    world = _world_with_devices(db, receiver)
    old_phone = make_device(db, world.family_user, receiver.subscribe("old-phone")).id
    make_meeting(db, world.family, world.assistant, MEETING)
    db.commit()
    receiver.answer("old-phone", Answer(410))
    run_once(app_engine, settings, EVENING_BEFORE)
    reread(db)
    assert db.get(PushSubscription, old_phone) is None
    mine = [r for r in _reminders(db) if r.user_id == world.family_user.id]
    assert [(r.status, r.last_error) for r in mine] == [(ReminderStatus.sent, "HTTP 410")]


def test_a_404_on_the_only_device_deletes_it_and_the_reminder_fails(
    db: Session, app_engine: Engine, settings: Settings, receiver: PushReceiver
):
    world = _world_with_devices(db, receiver)
    make_meeting(db, world.family, world.assistant, MEETING)
    db.commit()
    receiver.answer(str(world.family_user.id), Answer(404))
    run_once(app_engine, settings, EVENING_BEFORE)
    reread(db)
    assert db.exec(select(PushSubscription).where(
        PushSubscription.user_id == world.family_user.id)).all() == []  # fmt: skip
    mine = [r for r in _reminders(db) if r.user_id == world.family_user.id]
    assert [(r.status, r.last_error) for r in mine] == [(ReminderStatus.failed, "HTTP 404")]


def test_a_503_is_retried_later_honouring_retry_after(
    db: Session, app_engine: Engine, settings: Settings, receiver: PushReceiver
):
    world = _world_with_devices(db, receiver)
    make_meeting(db, world.family, world.assistant, MEETING)
    db.commit()
    path = str(world.family_user.id)
    receiver.answer(path, Answer(503, retry_after="300"))
    summary = run_once(app_engine, settings, EVENING_BEFORE)
    assert summary.retried == 1
    [row] = [r for r in _reminders(db) if r.user_id == world.family_user.id]
    assert (row.status, row.attempts, row.last_error) == (ReminderStatus.pending, 1, "HTTP 503")
    assert row.send_at == EVENING_BEFORE + timedelta(seconds=300)  # longer than the backoff
    run_once(app_engine, settings, EVENING_BEFORE + timedelta(minutes=2))  # too early
    assert receiver.requests_by_path[f"/push/{path}"] == 1
    run_once(app_engine, settings, EVENING_BEFORE + timedelta(minutes=5))
    [row] = [r for r in _reminders(db) if r.user_id == world.family_user.id]
    assert (row.status, row.attempts) == (ReminderStatus.sent, 2)
    assert len(receiver.for_path(path)) == 2  # the 503 and the delivery; nothing more
    assert receiver.problems == []


def test_two_reminders_to_one_device_each_keep_their_own_outcome(
    db: Session, app_engine: Engine, settings: Settings, receiver: PushReceiver
):
    world = _world_with_devices(db, receiver)
    make_meeting(db, world.family, world.assistant, MEETING)
    make_task(db, world.family, MEETING.date(), owner=world.parent)
    db.commit()
    receiver.answer(str(world.family_user.id), Answer(503))  # whichever arrives first
    run_once(app_engine, settings, EVENING_BEFORE)
    mine = [r for r in _reminders(db) if r.user_id == world.family_user.id]
    assert sorted((r.status, r.last_error) for r in mine) == [
        (ReminderStatus.pending, "HTTP 503"),
        (ReminderStatus.sent, ""),
    ]


def test_a_retry_after_given_as_a_date_is_honoured_too(
    db: Session, app_engine: Engine, settings: Settings, receiver: PushReceiver
):
    world = _world_with_devices(db, receiver)
    make_meeting(db, world.family, world.assistant, MEETING)
    db.commit()
    later = EVENING_BEFORE + timedelta(minutes=10)
    receiver.answer(
        str(world.family_user.id), Answer(429, retry_after=format_datetime(later, usegmt=True))
    )
    run_once(app_engine, settings, EVENING_BEFORE)
    [row] = [r for r in _reminders(db) if r.user_id == world.family_user.id]
    assert (row.status, row.send_at, row.last_error) == (ReminderStatus.pending, later, "HTTP 429")


def test_429_backs_off_and_the_reminder_fails_after_the_last_attempt(
    db: Session, app_engine: Engine, settings: Settings, receiver: PushReceiver
):
    world = _world_with_devices(db, receiver)
    make_meeting(db, world.family, world.assistant, MEETING)
    db.commit()
    path = str(world.family_user.id)
    receiver.answer(path, *[Answer(429)] * MAX_ATTEMPTS)
    now, waits = EVENING_BEFORE, []
    for _ in range(MAX_ATTEMPTS):
        run_once(app_engine, settings, now)
        [row] = [r for r in _reminders(db) if r.user_id == world.family_user.id]
        waits.append(row.send_at - now)
        now = row.send_at
    assert waits[:-1] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert (row.status, row.attempts, row.last_error) == (
        ReminderStatus.failed, MAX_ATTEMPTS, "HTTP 429",
    )  # fmt: skip
    assert receiver.requests_by_path[f"/push/{path}"] == MAX_ATTEMPTS


def test_a_redirect_is_never_followed(
    db: Session, app_engine: Engine, settings: Settings, receiver: PushReceiver
):
    world = _world_with_devices(db, receiver)
    make_meeting(db, world.family, world.assistant, MEETING)
    db.commit()
    elsewhere = receiver.subscribe("elsewhere")
    receiver.answer(str(world.family_user.id), Answer(307, location=elsewhere.endpoint))
    run_once(app_engine, settings, EVENING_BEFORE)
    assert receiver.requests_by_path["/push/elsewhere"] == 0
    [row] = [r for r in _reminders(db) if r.user_id == world.family_user.id]
    assert (row.status, row.last_error) == (ReminderStatus.failed, "HTTP 307")


def test_a_push_service_that_does_not_answer_times_out_and_is_retried(
    db: Session, app_engine: Engine, settings: Settings, receiver: PushReceiver
):
    world = _world_with_devices(db, receiver)
    make_meeting(db, world.family, world.assistant, MEETING)
    db.commit()
    receiver.answer(str(world.family_user.id), Answer(201, delay=2.0))
    run_once(app_engine, settings, EVENING_BEFORE, timeout=0.2)
    [row] = [r for r in _reminders(db) if r.user_id == world.family_user.id]
    assert row.status is ReminderStatus.pending and "Timeout" in row.last_error


def test_an_endpoint_outside_the_allow_list_is_never_contacted(
    db: Session, app_engine: Engine, database_url: str, tmp_path: Path, receiver: PushReceiver
):
    strict = make_settings(database_url, tmp_path, push_allow_loopback=False)
    world = _world_with_devices(db, receiver)  # stored while loopback was allowed
    make_meeting(db, world.family, world.assistant, MEETING)
    db.commit()
    run_once(app_engine, strict, EVENING_BEFORE)
    assert receiver.count == 0
    due = [r for r in _reminders(db) if r.send_at <= EVENING_BEFORE]
    assert {(r.status, r.last_error) for r in due} == {(ReminderStatus.failed, "no device")}


def test_two_passes_at_the_same_moment_send_each_reminder_exactly_once(
    db: Session, database_url: str, settings: Settings, receiver: PushReceiver
):
    world = make_reminder_world(db)
    assistants = [make_user(db, world.centre, Role.assistant) for _ in range(6)]
    for n, assistant in enumerate(assistants):
        for k in range(4):
            family = make_family(db, world.centre, assistant=assistant)
            member = make_member(db, family)
            make_meeting(db, family, assistant, MEETING + timedelta(minutes=15 * k))
            make_task(db, family, date(2026, 11, 25), owner=member)
        make_device(db, assistant, receiver.subscribe(f"assistant-{n}"))
    db.commit()
    engines = [make_engine(database_url), make_engine(database_url)]
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def run(engine: Engine) -> None:
        try:
            start.wait(DEADLINE_SECONDS)
            run_once(engine, settings, EVENING_BEFORE, workers=4)
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=run, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE_SECONDS)
    for engine in engines:
        engine.dispose()

    assert failures == [] and receiver.problems == []
    rows = [r for r in _reminders(db) if r.send_at <= EVENING_BEFORE]
    assert len(rows) == 6 * 4 * 2  # a meeting and a task per family
    assert {(r.status, r.attempts) for r in rows} == {(ReminderStatus.sent, 1)}
    per_phone = Counter(item.path for item in receiver.received)
    assert per_phone == {f"/push/assistant-{n}": 8 for n in range(6)}


# --- the demo centre: real-looking data, and no personal data on any lock screen -------------


def _personal_words(db: Session) -> set[str]:
    words: set[str] = set()
    for family in db.exec(select(Family).where(Family.centre_id == DEMO_CENTRE_ID)).all():
        words |= {family.name, family.case_number, family.address, family.phone}
        words |= set(family.address.replace(",", " ").split()) - {"ul.", "os."}
    for member in db.exec(select(FamilyMember)).all():
        words |= {member.first_name, member.last_name}
    for user in db.exec(select(User)).all():
        words |= {user.first_name, user.last_name}
    return {w for w in words if w and not w.isdigit() and len(w) > 2}


def test_the_demo_centres_reminders_carry_no_names_case_numbers_or_addresses(
    db: Session, app_engine: Engine, settings: Settings, receiver: PushReceiver
):
    load_demo_data(db, today=date(2026, 11, 23))
    for user in db.exec(select(User).where(User.centre_id == DEMO_CENTRE_ID)).all():
        user.reminder_kinds = ",".join(kind.value for kind in rules.ROLE_KINDS[user.role])
        make_device(db, user, receiver.subscribe(str(user.id)))
    db.commit()
    now = warsaw(2026, 11, 23, 7)
    while now < warsaw(2026, 11, 27, 7):
        run_once(app_engine, settings, now)
        now += timedelta(hours=1)

    assert receiver.problems == []
    sent = [r for r in _reminders(db) if r.status is ReminderStatus.sent]
    assert len(receiver.received) == len(sent)
    assert {r.kind for r in sent} >= {
        ReminderKind.assessment_due, ReminderKind.meeting_tomorrow, ReminderKind.meeting_soon,
        ReminderKind.office_hours, ReminderKind.overdue_digest,
    }  # fmt: skip
    words = _personal_words(db)
    assert len(words) > 100
    leaks = [
        (word, text)
        for text in all_payload_text(receiver)
        for word in words
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)
    ]
    assert leaks == []
