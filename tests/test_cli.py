"""The `asysta` command: migrate, demo data (idempotent), the first coordinator's invitation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, select

from pwa.db import make_engine
from pwa.domain.people import invitations
from pwa.models import Invitation, Role


def run_cli(*args: str, database_url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        "ASYSTA_DATABASE_URL": database_url,
        "ASYSTA_VAR_DIR": str(tmp_path / "var"),
        "ASYSTA_BASE_URL": "https://asysta.ops.example.pl",
        "PATH": "/usr/bin:/bin",
    }
    return subprocess.run(
        [sys.executable, "-m", "pwa.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_migrate_then_demo_data_twice_changes_nothing_the_second_time(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    assert run_cli("migrate", database_url=url, tmp_path=tmp_path).returncode == 0
    first = run_cli("demo-data", database_url=url, tmp_path=tmp_path)
    assert first.returncode == 0 and "Demo data loaded" in first.stdout
    engine = make_engine(url)
    with engine.connect() as connection:
        families = connection.execute(sa.text("SELECT count(*) FROM family")).scalar_one()
    second = run_cli("demo-data", database_url=url, tmp_path=tmp_path)
    assert second.returncode == 0 and "nothing changed" in second.stdout
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM family")).scalar_one() == families
    engine.dispose()


def test_invite_coordinator_prints_a_one_time_link(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    run_cli("migrate", database_url=url, tmp_path=tmp_path)
    result = run_cli(
        "invite-coordinator", "--first-name", "Anna", "--last-name", "Nowak",
        "--centre", "OPS Bystrzyca Kłodzka", database_url=url, tmp_path=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    link = result.stdout.strip().splitlines()[-1]
    assert link.startswith("https://asysta.ops.example.pl/i/")
    engine = make_engine(url)
    with Session(engine) as db:
        invitation = invitations.find(db, token=link.rsplit("/", 1)[1])
        assert invitation.role is Role.coordinator and invitation.first_name == "Anna"
        assert len(db.exec(select(Invitation)).all()) == 1
    engine.dispose()


def test_production_without_a_secret_key_refuses_with_a_clear_message(tmp_path: Path):
    env = {"ASYSTA_ENV": "production", "ASYSTA_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "pwa.cli", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "ASYSTA_SECRET_KEY is required in production" in result.stderr
