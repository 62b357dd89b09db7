"""The page frame: Polish pages, security headers, CSRF, error pages, htmx fragments."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from pwa.db import make_engine
from pwa.models import Role, UserSession
from tests.conftest import reread
from tests.support.factories.core import make_centre, make_family, make_user
from tests.support.html import inline_code, parse

PUBLIC_PAGES = ["/", "/signin"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_are_polish_with_a_strict_csp_and_no_inline_code(
    client: TestClient, path: str
):
    response = client.get(path)
    assert response.status_code == 200
    assert '<html lang="pl">' in response.text
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert inline_code(response.text) == []


def test_role_home_pages_render_without_inline_code(client: TestClient, db: Session, sign_in):
    centre = make_centre(db)
    assistant = make_user(db, centre, Role.assistant)
    make_family(db, centre, assistant=assistant, name="Kowalscy")
    for user, path in [
        (make_user(db, centre, Role.coordinator), "/coordinator"),
        (assistant, "/assistant"),
    ]:
        sign_in(user)
        response = client.get(path)
        assert response.status_code == 200, path
        assert '<html lang="pl">' in response.text
        assert "content-security-policy" in response.headers
        assert inline_code(response.text) == []


def test_htmx_is_vendored_with_its_version_in_the_file_name(client: TestClient):
    html = client.get("/").text
    src = next(
        s.attributes["src"] for s in parse(html).css("script") if "htmx" in s.attributes["src"]
    )
    assert src.startswith("/static/js/htmx-2.0.11.min.js")
    static = client.get(src)
    assert static.status_code == 200
    assert "immutable" in static.headers["cache-control"]


def test_htmx_config_forbids_eval_and_injected_styles(client: TestClient):
    meta = parse(client.get("/").text).css_first('meta[name="htmx-config"]')
    assert meta is not None
    assert '"includeIndicatorStyles": false' in meta.attributes["content"]
    assert '"allowEval": false' in meta.attributes["content"]


def test_unknown_page_is_a_polish_404_without_a_stack_trace(client: TestClient):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Nie znaleziono strony" in response.text
    assert "Traceback" not in response.text


def test_error_page_is_a_fragment_for_htmx_and_varies_on_it(client: TestClient):
    full = client.get("/no-such-page")
    fragment = client.get("/no-such-page", headers={"HX-Request": "true"})
    assert "HX-Request" in full.headers["vary"] and "HX-Request" in fragment.headers["vary"]
    assert "<html" in full.text
    assert "<html" not in fragment.text and "Nie znaleziono strony" in fragment.text


def test_unsafe_request_without_csrf_token_is_refused(client: TestClient, db: Session):
    centre = make_centre(db)
    user = make_user(db, centre, Role.assistant, is_demo=True)
    db.commit()
    response = client.post(f"/demo/{user.id}/signin", follow_redirects=False)
    assert response.status_code == 403
    assert "Formularz wygasł" in response.text
    reread(db)
    assert db.exec(select(UserSession)).all() == []  # nobody was signed in


def test_wrong_csrf_token_is_refused_even_in_a_form_field(client: TestClient, db: Session, sign_in):
    sign_in(make_user(db, make_centre(db), Role.assistant))
    del client.headers["X-CSRF-Token"]
    response = client.post("/logout", data={"csrf_token": "0" * 64}, follow_redirects=False)
    assert response.status_code == 403
    # Refused, so the user is still signed in: the session lives and the next page opens.
    reread(db)
    assert [row.ended_at for row in db.exec(select(UserSession)).all()] == [None]
    assert client.get("/assistant", follow_redirects=False).status_code == 200


def test_server_error_is_a_polish_500_page_with_security_headers(client: TestClient, monkeypatch):
    from pwa.routes import public

    def explode(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(public, "render", explode)
    response = client.get("/")
    assert response.status_code == 500
    assert "Wystąpił błąd po naszej stronie" in response.text
    assert "boom" not in response.text and "Traceback" not in response.text
    assert "content-security-policy" in response.headers


def test_a_signed_in_users_server_error_is_still_the_polish_500_page(
    client: TestClient, db: Session, sign_in, monkeypatch
):
    # The unit of work rolls back before the page is drawn: the user's row is expired then.
    from pwa.routes import homes

    def explode(*_args, **_kwargs):
        raise RuntimeError("boom")

    sign_in(make_user(db, make_centre(db), Role.assistant))
    monkeypatch.setattr(homes.homes, "assistant_today", explode)
    response = client.get("/assistant")
    assert response.status_code == 500
    assert "Wystąpił błąd po naszej stronie" in response.text


def test_healthz_answers_200_when_the_database_answers(client: TestClient):
    assert client.get("/healthz").status_code == 200


def test_healthz_answers_503_when_the_database_does_not(client: TestClient):
    # The lifespan's engine, swapped for one whose database cannot be opened.
    client.app_state["engine"] = make_engine("sqlite:////nonexistent/dir/db.sqlite3")
    assert client.get("/healthz").status_code == 503
    page = client.get("/signin")
    assert page.status_code == 200  # pages that need no data still work


def test_signed_out_user_is_sent_to_the_sign_in_page(client: TestClient):
    response = client.get("/assistant", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin"


def test_htmx_request_of_a_signed_out_user_gets_a_client_redirect(client: TestClient):
    response = client.get("/assistant", headers={"HX-Request": "true"}, follow_redirects=False)
    assert response.headers["hx-redirect"] == "/signin"


def test_wrong_role_gets_a_polish_403(client: TestClient, db: Session, sign_in):
    centre = make_centre(db)
    sign_in(make_user(db, centre, Role.assistant))
    response = client.get("/coordinator")
    assert response.status_code == 403
    assert "Nie możesz tego zrobić" in response.text


def test_english_locale_is_the_second_language(client: TestClient, db: Session, sign_in):
    centre = make_centre(db)
    sign_in(make_user(db, centre, Role.assistant, locale="en"))
    response = client.get("/assistant")
    assert '<html lang="en">' in response.text
    assert "Your families" in response.text
