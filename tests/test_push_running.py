"""Running reminders: the loop in the app's lifespan, and `asysta reminders run` for cron."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from pwa.app import create_app
from pwa.cli import main
from pwa.i18n import WARSAW
from pwa.models import Reminder, ReminderKind, utcnow
from tests.conftest import make_settings, reread
from tests.support.factories.push import make_device, make_meeting, make_reminder_world
from tests.support.push_receiver import TestSubscription

DEADLINE_SECONDS = 30


def _meeting_in_a_day_and_a_half(db: Session) -> None:
    """On the real clock, so: nothing is due yet (the evening-before reminder is more than
    30 hours before the meeting), the assessment is months away, and the device is on a
    loopback port nobody listens on: nothing can ever leave this machine."""
    now = utcnow()
    world = make_reminder_world(db, work_started_on=now.astimezone(WARSAW).date() - timedelta(30))
    make_device(db, world.assistant, TestSubscription.make("http://127.0.0.1:9/push/nobody"))
    make_meeting(db, world.family, world.assistant, now + timedelta(hours=36))
    db.commit()


def test_the_app_runs_reminder_passes_in_its_lifespan_when_background_jobs_are_on(
    db: Session, database_url: str, tmp_path: Path
):
    _meeting_in_a_day_and_a_half(db)
    app = create_app(make_settings(database_url, tmp_path, run_background_jobs=True))
    with TestClient(app, base_url="http://localhost"):
        deadline = time.monotonic() + DEADLINE_SECONDS
        while True:  # the first pass runs as the app starts
            reread(db)
            if db.exec(select(Reminder)).all():
                break
            assert time.monotonic() < deadline, "no reminder pass ran"
            time.sleep(0.05)
    # Leaving the block stopped the loop cleanly (a hanging task would fail the test run).
    kinds = {r.kind for r in db.exec(select(Reminder)).all()}
    assert kinds == {ReminderKind.meeting_tomorrow, ReminderKind.meeting_soon}


def test_no_background_pass_runs_when_the_settings_switch_it_off(
    db: Session, database_url: str, tmp_path: Path
):
    _meeting_in_a_day_and_a_half(db)
    app = create_app(make_settings(database_url, tmp_path, run_background_jobs=False))
    with TestClient(app, base_url="http://localhost") as client:
        assert client.get("/healthz").status_code == 200
    reread(db)
    assert db.exec(select(Reminder)).all() == []


def test_asysta_reminders_run_does_one_pass_for_cron(
    db: Session, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
):
    _meeting_in_a_day_and_a_half(db)
    monkeypatch.setenv("ASYSTA_DATABASE_URL", database_url)
    monkeypatch.setenv("ASYSTA_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("ASYSTA_SECRET_KEY", "x" * 40)
    assert main(["reminders", "run", "--workers", "2"]) == 0
    assert capsys.readouterr().out.startswith("Reminders: 2 scheduled, 0 cancelled, 0 sent")
    reread(db)
    kinds = {row.kind for row in db.exec(select(Reminder)).all()}
    assert kinds == {ReminderKind.meeting_tomorrow, ReminderKind.meeting_soon}
    assert (tmp_path / "var" / "vapid_private_key").is_file()  # generated once for local use
