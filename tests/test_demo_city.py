"""The city-sized data set, at a small scale: counts in proportion, the domain's rules kept."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from pwa.cli import main
from pwa.demo.city import CITY_CENTRE_ID, _City, load_city_data, scale_factor
from pwa.domain.cases.caseload import MAX_FAMILIES_PER_ASSISTANT
from pwa.models import (
    Assessment,
    Assignment,
    CaseStatus,
    Consent,
    Family,
    FamilyMember,
    Plan,
    Reminder,
    Role,
    Task,
    User,
    Visit,
)
from tests.support.clock import DEMO_TODAY

SCALE = 0.02  # 2 assistants, 30 families, 100 members, 2,000 visits


def test_a_small_city_has_its_share_of_everything_and_keeps_the_rules(db: Session) -> None:
    summary = load_city_data(db, today=DEMO_TODAY, scale=SCALE)
    db.commit()
    assert summary.created
    count = lambda model: db.exec(select(func.count()).select_from(model)).one()  # noqa: E731
    assistants = db.exec(select(User).where(User.role == Role.assistant)).all()
    assert (len(assistants), count(Family), count(FamilyMember), count(Visit)) == (2, 30, 100, 2000)
    assert min(count(Plan), count(Task), count(Assessment), count(Reminder)) > 0

    # At most 15 counted families per assistant (art. 15 ust. 4).
    caseloads = db.exec(
        select(Assignment.assistant_id, func.count())
        .join(Family, col(Family.id) == col(Assignment.family_id))
        .where(
            col(Assignment.ended_at).is_(None),
            col(Family.status).in_([CaseStatus.referred, CaseStatus.active, CaseStatus.monitoring]),
        )
        .group_by(col(Assignment.assistant_id))
    ).all()
    assert caseloads and max(n for _, n in caseloads) <= MAX_FAMILIES_PER_ASSISTANT

    # Consent first: no plan agreed and no visit before the family's consent, none without it.
    consent_on = dict(db.exec(select(Consent.family_id, Consent.given_on)).all())
    for family_id, agreed_at in db.exec(select(Plan.family_id, Plan.agreed_at)).all():
        assert agreed_at is not None and agreed_at.date() >= consent_on[family_id]
    for family_id, day in db.exec(select(Visit.family_id, Visit.visit_date)).all():
        assert day >= consent_on[family_id]
    # Visits only inside the period of work, by the family's current or last assistant.
    outside = db.exec(
        select(func.count())
        .select_from(Visit)
        .join(Family, col(Family.id) == col(Visit.family_id))
        .where(
            sa.or_(
                col(Visit.visit_date) < col(Family.work_started_on),
                col(Visit.visit_date) > col(Family.ended_on),
                col(Visit.visit_date) >= DEMO_TODAY,
            )
        )
    ).one()
    assert outside == 0
    strangers = db.exec(
        select(func.count())
        .select_from(Visit)
        .join(Assignment, col(Assignment.family_id) == col(Visit.family_id))
        .where(col(Assignment.assistant_id) != col(Visit.author_id))
    ).one()
    assert strangers == 0

    # Refuses to run twice: the second load changes nothing.
    again = load_city_data(db, today=DEMO_TODAY, scale=SCALE)
    assert not again.created and count(Visit) == 2000 and count(Family) == 30


def test_the_city_is_the_same_every_time() -> None:
    first, second = _City(DEMO_TODAY, SCALE), _City(DEMO_TODAY, SCALE)
    first.build()
    second.build()
    assert first.rows == second.rows
    assert first.rows[Family][0]["id"] != CITY_CENTRE_ID


def test_scale_is_city_or_a_factor() -> None:
    assert scale_factor("city") == 1.0 and scale_factor("0.1") == 0.1
    with pytest.raises(ValueError):
        scale_factor("2")


def test_the_command_loads_the_city_and_says_so(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ASYSTA_DATABASE_URL", database_url)
    monkeypatch.setenv("ASYSTA_VAR_DIR", str(tmp_path / "var"))
    assert main(["demo-data", "--scale", "0.01"]) == 0
    assert "City data loaded" in capsys.readouterr().out
    assert main(["demo-data", "--scale", "0.01"]) == 0
    assert "nothing changed" in capsys.readouterr().out
    assert main(["demo-data", "--scale", "town"]) == 2
    assert "scale must be" in capsys.readouterr().err
