"""Reminders in the database: scheduled once per key, cancelled and revived, claimed once."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from pwa.db import make_engine
from pwa.models import (
    MeetingStatus,
    Reminder,
    ReminderKind,
    ReminderStatus,
    Role,
)
from pwa.reminders import rules, store, subscriptions
from tests.conftest import on_postgres, reread
from tests.support.clock import warsaw
from tests.support.factories.core import make_family, make_member, make_user
from tests.support.factories.push import make_device, make_meeting, make_reminder_world, make_task

NOON = warsaw(2026, 11, 24, 12)
MEETING = warsaw(2026, 11, 25, 10)
DEADLINE_SECONDS = 60


def _schedule(db: Session, now=NOON) -> store.Scheduled:  # type: ignore[no-untyped-def]
    data = store.load_reminder_data(db, now=now)
    scheduled = store.schedule(db, due=rules.due_reminders(now=now, data=data), now=now)
    db.commit()
    return scheduled


def _rows(db: Session) -> list[Reminder]:
    reread(db)
    return list(db.exec(select(Reminder).order_by(col(Reminder.dedupe_key))).all())


def test_scheduling_twice_stores_each_reminder_once(db: Session):
    world = make_reminder_world(db)
    make_device(db, world.assistant)
    make_meeting(db, world.family, world.assistant, MEETING)
    db.commit()
    assert _schedule(db).created == 2
    assert _schedule(db, NOON + timedelta(minutes=1)).created == 0
    rows = _rows(db)
    assert sorted(r.kind for r in rows) == [
        ReminderKind.meeting_soon,
        ReminderKind.meeting_tomorrow,
    ]
    assert {r.send_at for r in rows} == {warsaw(2026, 11, 24, 18), warsaw(2026, 11, 25, 9)}
    assert {r.status for r in rows} == {ReminderStatus.pending}


def test_the_database_refuses_a_second_reminder_with_the_same_key(db: Session):
    world = make_reminder_world(db)
    key = rules.dedupe_key(world.assistant.id, ReminderKind.meeting_soon, uuid.uuid4(), NOON.date())
    for _ in range(2):
        db.add(Reminder(dedupe_key=key, user_id=world.assistant.id,
                        kind=ReminderKind.meeting_soon, send_at=NOON))  # fmt: skip
    with pytest.raises(sa.exc.IntegrityError):
        db.flush()


def test_a_cancelled_meeting_cancels_its_pending_reminders_and_restoring_it_revives_them(
    db: Session,
):
    world = make_reminder_world(db)
    make_device(db, world.family_user)
    meeting = make_meeting(db, world.family, world.assistant, MEETING)
    db.commit()
    _schedule(db)
    meeting.status = MeetingStatus.cancelled
    db.add(meeting)
    db.commit()
    assert _schedule(db).cancelled == 1
    assert [r.status for r in _rows(db)] == [ReminderStatus.cancelled]
    meeting.status = MeetingStatus.scheduled
    db.add(meeting)
    db.commit()
    assert _schedule(db).revived == 1
    assert [r.status for r in _rows(db)] == [ReminderStatus.pending]


def test_a_done_task_cancels_its_reminder(db: Session):
    world = make_reminder_world(db)
    make_device(db, world.family_user)
    task = make_task(db, world.family, MEETING.date(), owner=world.parent)
    db.commit()
    _schedule(db)
    task.state = task.state.done
    db.add(task)
    db.commit()
    _schedule(db)
    [row] = _rows(db)
    assert (row.kind, row.status) == (ReminderKind.task_due, ReminderStatus.cancelled)


def test_a_meeting_moved_within_the_day_moves_its_reminder_and_to_another_day_replaces_it(
    db: Session,
):
    world = make_reminder_world(db)
    make_device(db, world.assistant)
    meeting = make_meeting(db, world.family, world.assistant, MEETING)
    db.commit()
    _schedule(db)
    meeting.starts_at = MEETING + timedelta(hours=4)
    db.add(meeting)
    db.commit()
    _schedule(db)
    soon = [r for r in _rows(db) if r.kind is ReminderKind.meeting_soon]
    assert [(r.status, r.send_at) for r in soon] == [
        (ReminderStatus.pending, warsaw(2026, 11, 25, 13))
    ]
    meeting.starts_at = MEETING + timedelta(days=1)
    db.add(meeting)
    db.commit()
    _schedule(db)
    by_status = {(r.kind, r.status) for r in _rows(db)}
    assert (ReminderKind.meeting_tomorrow, ReminderStatus.cancelled) in by_status
    assert (ReminderKind.meeting_tomorrow, ReminderStatus.pending) in by_status


def test_a_deactivated_user_or_one_without_devices_gets_no_reminders_scheduled(db: Session):
    world = make_reminder_world(db)
    make_device(db, world.assistant)
    make_meeting(db, world.family, world.assistant, MEETING)
    db.commit()
    _schedule(db)
    world.assistant.is_active = False
    db.add(world.assistant)
    db.commit()
    _schedule(db)
    assert {r.status for r in _rows(db)} == {ReminderStatus.cancelled}
    assert not any(r.user_id == world.family_user.id for r in _rows(db))  # no device


def test_the_in_app_list_shows_upcoming_reminders_without_any_device(db: Session):
    world = make_reminder_world(db)
    make_meeting(db, world.family, world.assistant, MEETING + timedelta(days=3))
    db.commit()
    upcoming = subscriptions.upcoming_reminders(db, user=world.family_user, now=NOON)
    assert [(r.kind, r.send_at) for r in upcoming] == [
        (ReminderKind.meeting_tomorrow, warsaw(2026, 11, 27, 18))
    ]
    assert _rows(db) == []


def _count_queries(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_loader_needs_the_same_few_queries_for_one_family_or_many(db: Session, engine: Engine):
    world = make_reminder_world(db)
    for user in (world.assistant, world.family_user, world.coordinator):
        user.reminder_kinds = ",".join(k.value for k in rules.ROLE_KINDS[user.role])
        make_device(db, user)
    make_meeting(db, world.family, world.assistant, MEETING)
    make_task(db, world.family, MEETING.date(), owner=world.parent)
    db.commit()

    def queries() -> int:
        reread(db)
        counter = _count_queries(engine)
        seen = next(counter)
        data = store.load_reminder_data(db, now=NOON)
        counter.close()
        assert data.meetings and data.tasks and data.office_hours
        return len(seen)

    few = queries()
    for _ in range(8):
        assistant = make_user(db, world.centre, Role.assistant)
        make_device(db, assistant)
        family = make_family(db, world.centre, assistant=assistant)
        member = make_member(db, family)
        make_meeting(db, family, assistant, MEETING)
        make_task(db, family, MEETING.date(), owner=member)
    db.commit()
    assert queries() == few <= 7


def test_a_claimed_reminder_is_never_claimed_again(db: Session):
    world = make_reminder_world(db)
    make_device(db, world.assistant)
    make_meeting(db, world.family, world.assistant, MEETING)
    db.commit()
    _schedule(db)
    evening = warsaw(2026, 11, 24, 18)
    claimed = store.claim(db, now=evening)
    db.commit()
    assert [(r.kind, r.status, r.attempts) for r in claimed] == [
        (ReminderKind.meeting_tomorrow, ReminderStatus.sending, 1)
    ]
    assert store.claim(db, now=evening + timedelta(hours=1)) == []


def test_a_reminder_left_sending_by_a_dead_pass_is_failed_not_sent_twice(db: Session):
    world = make_reminder_world(db)
    make_device(db, world.assistant)
    make_meeting(db, world.family, world.assistant, MEETING)
    db.commit()
    _schedule(db)
    evening = warsaw(2026, 11, 24, 18)
    store.claim(db, now=evening)
    db.commit()  # … and the pass dies here
    _schedule(db, evening + timedelta(minutes=5))
    assert ReminderStatus.sending in {r.status for r in _rows(db)}
    _schedule(db, evening + timedelta(minutes=16))
    [row] = [r for r in _rows(db) if r.kind is ReminderKind.meeting_tomorrow]
    assert (row.status, row.last_error) == (ReminderStatus.failed, "interrupted while sending")


@pytest.mark.postgres_only
def test_concurrent_claims_skip_locked_rows_instead_of_waiting_or_sharing(
    db: Session, database_url: str
):
    assert on_postgres(), "this test needs PostgreSQL: set ASYSTA_TEST_DATABASE_URL"
    world = make_reminder_world(db)
    for _ in range(5):
        assistant = make_user(db, world.centre, Role.assistant)
        make_device(db, assistant)
        make_meeting(db, make_family(db, world.centre, assistant=assistant), assistant, MEETING)
    db.commit()
    _schedule(db)
    evening = warsaw(2026, 11, 24, 18)
    engines = [make_engine(database_url), make_engine(database_url)]
    first_claimed, second_done = threading.Event(), threading.Event()
    claimed: dict[str, list[uuid.UUID]] = {}
    failures: list[BaseException] = []

    def first() -> None:
        try:
            with Session(engines[0]) as session:
                claimed["first"] = [r.id for r in store.claim(session, now=evening, limit=3)]
                first_claimed.set()
                second_done.wait(DEADLINE_SECONDS)  # hold the row locks meanwhile
                session.commit()
        except BaseException as error:
            failures.append(error)
            first_claimed.set()

    def second() -> None:
        try:
            first_claimed.wait(DEADLINE_SECONDS)
            with Session(engines[1]) as session:
                claimed["second"] = [r.id for r in store.claim(session, now=evening)]
                session.commit()
        except BaseException as error:
            failures.append(error)
        finally:
            second_done.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE_SECONDS)
    for engine in engines:
        engine.dispose()
    assert failures == []
    # The second did not wait for the first's locks: it took the other rows while they were held.
    assert len(claimed["first"]) == 3 and len(claimed["second"]) == 2
    assert not set(claimed["first"]) & set(claimed["second"])
    assert {r.status for r in _rows(db) if r.kind is ReminderKind.meeting_tomorrow} == {
        ReminderStatus.sending
    }
