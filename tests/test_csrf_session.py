"""The CSRF token is bound to the session once signed in: a page from before a sign-in, or
another session's token, cannot post; the outbox's fresh token after a new sign-in can."""

from __future__ import annotations

from sqlmodel import Session
from starlette.testclient import TestClient

from pwa.models import Role
from tests.conftest import csrf_token
from tests.support.factories.core import make_centre, make_user

TOKEN = "X-CSRF-Token"


def _post_end_of_nothing(client: TestClient, token: str) -> int:
    """An unsafe request whose handler the CSRF check guards (sign out: harmless to repeat)."""
    return client.post("/logout", headers={TOKEN: token}, follow_redirects=False).status_code


def test_a_token_from_before_the_sign_in_no_longer_posts(client: TestClient, db: Session, sign_in):
    before = csrf_token(client)  # signed out, same CSRF cookie as afterwards
    sign_in(make_user(db, make_centre(db), Role.assistant))
    assert csrf_token(client) != before
    assert _post_end_of_nothing(client, before) == 403
    assert _post_end_of_nothing(client, csrf_token(client)) == 303


def test_another_sessions_token_is_refused_even_with_the_same_cookie(
    client: TestClient, db: Session, sign_in
):
    centre = make_centre(db)
    sign_in(make_user(db, centre, Role.assistant))
    first = csrf_token(client)
    sign_in(make_user(db, centre, Role.assistant))  # a new session on the same browser
    assert _post_end_of_nothing(client, first) == 403


def test_the_outbox_gets_a_token_that_works_after_a_new_sign_in(
    client: TestClient, db: Session, sign_in
):
    assistant = make_user(db, make_centre(db), Role.assistant)
    sign_in(assistant)
    stale = csrf_token(client)  # what a form saved on the phone carries
    sign_in(assistant)  # the session ended offline; she signs in again
    session = client.get("/session/csrf").json()
    assert session["user"] == str(assistant.id) and session["token"] != stale
    # The outbox sends the stored form with the fresh token as its header (the header wins).
    response = client.post(
        "/logout", data={"csrf_token": stale}, headers={TOKEN: session["token"]},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303
