"""Bugs the form fuzzer found (tests/test_fuzz_forms.py), each pinned by a plain test."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import Session, func, select
from starlette.testclient import TestClient

from pwa.i18n import local_today
from pwa.models import Visit
from tests.support.factories.visits import make_case
from tests.support.fuzzing import is_polish_message

DEEP_JSON = b"[" * 3000  # under every size limit, past the parser's recursion limit


@pytest.mark.parametrize(
    "path", ["/signin/verify", "/account/passkeys", "/account/reminders/devices"]
)
def test_json_nested_too_deep_is_refused_in_polish_not_a_500(
    path: str, db: Session, sign_in
) -> None:
    client: TestClient = sign_in(make_case(db).assistant)
    answer = client.post(path, content=DEEP_JSON, headers={"content-type": "application/json"})
    assert answer.status_code == 400
    assert is_polish_message(answer.json()["error"])


def test_csrf_token_with_non_ascii_characters_is_refused_not_a_500(db: Session, sign_in) -> None:
    client: TestClient = sign_in(make_case(db).assistant)
    del client.headers["X-CSRF-Token"]
    answer = client.post("/logout", data={"csrf_token": "zażółć"})
    assert answer.status_code == 403
    assert is_polish_message(answer.text)


def test_commit_failing_as_the_answer_starts_gives_the_503_page_and_keeps_nothing(
    db: Session, sign_in, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = make_case(db)
    client: TestClient = sign_in(case.assistant)

    def lost_database(self: Session) -> None:
        raise sa.exc.OperationalError("COMMIT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(Session, "commit", lost_database)
    answer = client.post(
        f"/families/{case.family.id}/visits",
        data={
            "visit_id": "8d0c7a52-5d0e-4a4e-9d7e-0c2f9a1b2c3d", "visit_date": local_today().isoformat(),
            "starts_at": "10:00", "duration_minutes": "60", "place_kind": "home",
            "present_member_ids": str(case.parent.id), "kind": "home_visit", "notes": "Wizyta",
        },
        follow_redirects=False,
    )  # fmt: skip
    monkeypatch.undo()
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "5"
    assert is_polish_message(answer.text)
    db.rollback()
    assert db.exec(select(func.count()).select_from(Visit)).one() == 0
