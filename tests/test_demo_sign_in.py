"""Demo sign-in: only in demo mode, each demo user lands on their role's home page."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from pwa.app import create_app
from pwa.demo.centre import load_demo_data
from pwa.i18n import local_today
from pwa.models import Role, User, UserSession
from pwa.web.middleware import cookie_names
from tests.conftest import csrf_token, make_settings, reread
from tests.support.html import inline_code, parse

HOME = {Role.coordinator: "/coordinator", Role.assistant: "/assistant", Role.family: "/family"}


@pytest.fixture
def demo_client(database_url: str, tmp_path: Path, db: Session):
    load_demo_data(db, today=local_today())
    db.commit()
    app = create_app(make_settings(database_url, tmp_path, demo=True))
    with TestClient(app, base_url="http://localhost", raise_server_exceptions=False) as client:
        yield client


def test_demo_is_404_without_demo_mode(client: TestClient, db: Session):
    load_demo_data(db, today=local_today())
    db.commit()
    user = db.exec(select(User).where(User.is_demo)).first()
    assert user is not None
    assert client.get("/demo").status_code == 404
    token = csrf_token(client)
    response = client.post(f"/demo/{user.id}/signin", data={"csrf_token": token})
    assert response.status_code == 404


def test_demo_lists_users_with_polish_role_names(demo_client: TestClient):
    html = demo_client.get("/demo").text
    titles = [node.text(strip=True) for node in parse(html).css(".demo-accounts .item-title")]
    assert "Anna Nowak — koordynatorka" in titles
    assert "Katarzyna Wiśniewska — asystentka rodziny" in titles
    assert "Marek Zieliński — asystent rodziny" in titles
    # The contracted organisation's people say whose they are.
    assert "Beata Kaczmarek — koordynatorka (Stowarzyszenie „Razem”)" in titles
    assert titles.index("Beata Kaczmarek — koordynatorka (Stowarzyszenie „Razem”)") < titles.index(
        "Katarzyna Wiśniewska — asystentka rodziny"
    )
    assert any(title.endswith("rodziny") and "członk" in title for title in titles)
    assert inline_code(html) == []


def test_each_demo_role_lands_on_its_home_page(demo_client: TestClient, db: Session):
    for role in Role:
        user = db.exec(select(User).where(User.is_demo, User.role == role)).first()
        assert user is not None, role
        token = csrf_token(demo_client)
        response = demo_client.post(
            f"/demo/{user.id}/signin", data={"csrf_token": token}, follow_redirects=False
        )
        assert response.status_code == 303
        assert response.headers["location"] == HOME[role]
        cookie = response.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        home = demo_client.get(HOME[role])
        assert home.status_code == 200, role
        assert '<html lang="pl">' in home.text
        assert inline_code(home.text) == []


def test_session_cookie_carries_only_a_random_token(demo_client: TestClient, db: Session):
    user = db.exec(select(User).where(User.is_demo, User.role == Role.assistant)).first()
    assert user is not None
    token = csrf_token(demo_client)
    demo_client.post(f"/demo/{user.id}/signin", data={"csrf_token": token})
    cookie = demo_client.cookies.get(cookie_names(demo_client.app.state.settings)["session"])  # type: ignore[attr-defined]
    assert cookie and str(user.id) not in cookie
    reread(db)  # a new read transaction sees what the app committed
    stored = db.exec(select(UserSession).where(UserSession.user_id == user.id)).all()
    assert len(stored) == 1 and stored[0].token_hash != cookie


def test_logout_ends_the_session_and_clears_site_data(demo_client: TestClient, db: Session):
    user = db.exec(select(User).where(User.is_demo, User.role == Role.family)).first()
    assert user is not None
    demo_client.post(f"/demo/{user.id}/signin", data={"csrf_token": csrf_token(demo_client)})
    response = demo_client.post(
        "/logout", data={"csrf_token": csrf_token(demo_client)}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["clear-site-data"] == '"cache", "storage"'
    reread(db)
    stored = db.exec(select(UserSession).where(UserSession.user_id == user.id)).one()
    assert stored.ended_at is not None
    assert demo_client.get("/family", follow_redirects=False).status_code == 303
