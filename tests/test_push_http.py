"""/account/reminders over HTTP: the page, subscribing a device, removing it, choosing kinds."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from pwa.app import create_app
from pwa.domain.people import sessions
from pwa.models import PushSubscription, Role, User, utcnow
from pwa.reminders.vapid import vapid_keys
from pwa.web.middleware import cookie_names
from tests.conftest import csrf_token, make_settings, reread
from tests.support.audit import audit_actions
from tests.support.factories.core import make_user
from tests.support.factories.push import make_device, make_meeting, make_reminder_world
from tests.support.html import inline_code, parse, text
from tests.support.push_receiver import TestSubscription

PAGE = "/account/reminders"
ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36"
)
UNREADABLE = "Nie udało się odczytać adresu powiadomień tego urządzenia. Spróbuj ponownie."
NOT_A_PUSH_SERVICE = (
    "Przypomnienia można wysyłać tylko przez usługę powiadomień znanej przeglądarki internetowej."
)


def _fcm() -> TestSubscription:
    return TestSubscription.make("https://fcm.googleapis.com/fcm/send/dGVzdC1kZXZpY2U:APA91b")


def test_the_page_offers_push_and_shows_kinds_devices_and_the_coming_reminders(
    client: TestClient, db: Session, sign_in
):
    world = make_reminder_world(db)
    make_device(db, world.family_user, label="Chrome, Android")
    make_meeting(db, world.family, world.assistant, utcnow() + timedelta(days=3))
    db.commit()
    sign_in(world.family_user)
    response = client.get(PAGE)
    assert response.status_code == 200 and inline_code(response.text) == []
    page = parse(response.text)
    push = page.css_first("[data-push]")
    assert push.attributes["data-public-key"] == vapid_keys(client.app.state.settings).public_key  # type: ignore[attr-defined]
    assert push.css_first("button[data-push-start]").attributes["type"] == "button"
    assert page.css_first('script[src^="/static/js/push.js"]') is not None
    kinds = {
        node.attributes["value"]: "checked" in node.attributes
        for node in page.css('input[name="kinds"]')
    }
    assert kinds == {"meeting_tomorrow": True, "task_due": True, "office_hours": False}
    assert text(response.text, "#devices .item-title") == "Chrome, Android"
    upcoming = page.css(".upcoming-reminders .list-item")
    assert len(upcoming) == 1 and "Masz wizytę" in upcoming[0].text()
    assert upcoming[0].css_first("a").attributes["href"] == "/family"
    assert "reminders.read" in audit_actions(db)


def test_subscribing_stores_this_device_for_the_signed_in_user(
    client: TestClient, db: Session, sign_in
):
    world = make_reminder_world(db)
    db.commit()
    sign_in(world.assistant)
    device = _fcm()
    response = client.post(
        f"{PAGE}/devices", json=device.as_json(), headers={"User-Agent": ANDROID_CHROME}
    )
    assert response.status_code == 201
    assert response.json()["redirect"] == f"{PAGE}?saved=device"
    reread(db)
    [row] = db.exec(select(PushSubscription)).all()
    assert (row.user_id, row.endpoint, row.p256dh, row.auth) == (
        world.assistant.id, device.endpoint, device.p256dh, device.auth,
    )  # fmt: skip
    assert row.device_label == "Chrome, Android"
    assert "push_subscription.create" in audit_actions(db)
    page = client.get(f"{PAGE}?saved=device").text
    assert text(page, "#devices .item-title") == "Chrome, Android"


def test_subscribing_the_same_device_again_refreshes_it_and_a_new_owner_takes_it_over(
    client: TestClient, db: Session, sign_in
):
    world = make_reminder_world(db)
    db.commit()
    device = _fcm()
    sign_in(world.assistant)
    assert client.post(f"{PAGE}/devices", json=device.as_json()).status_code == 201
    assert client.post(f"{PAGE}/devices", json=device.as_json()).status_code == 201
    sign_in(world.coordinator)  # the phone changed hands
    assert client.post(f"{PAGE}/devices", json=device.as_json()).status_code == 201
    reread(db)
    assert [row.user_id for row in db.exec(select(PushSubscription)).all()] == [
        world.coordinator.id
    ]


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'["a list"]',
        b'{"endpoint": "https://fcm.googleapis.com/fcm/send/x"}',
        b'{"endpoint": 7, "keys": {"p256dh": "a", "auth": "b"}}',
        b'{"endpoint": "not a url", "keys": {"p256dh": "a", "auth": "b"}}',
        b'{"endpoint": "ftp://fcm.googleapis.com/x", "keys": {"p256dh": "a", "auth": "b"}}',
        b'{"endpoint": "https://user:pw@fcm.googleapis.com/x", "keys": {"p256dh": "a", "auth": "b"}}',
    ],
)
def test_an_unreadable_subscription_is_a_polish_400_and_nothing_is_stored(
    client: TestClient, db: Session, sign_in, body: bytes
):
    world = make_reminder_world(db)
    db.commit()
    sign_in(world.family_user)
    response = client.post(
        f"{PAGE}/devices", content=body, headers={"Content-Type": "application/json"}
    )
    assert (response.status_code, response.json()) == (400, {"error": UNREADABLE})
    reread(db)
    assert db.exec(select(PushSubscription)).all() == []


def test_keys_that_are_not_a_p256_point_and_16_bytes_are_refused(
    client: TestClient, db: Session, sign_in
):
    world = make_reminder_world(db)
    db.commit()
    sign_in(world.family_user)
    good = _fcm().as_json()
    for keys in (
        {**good["keys"], "p256dh": "AAAA"},
        {**good["keys"], "auth": good["keys"]["p256dh"]},
    ):
        response = client.post(f"{PAGE}/devices", json={**good, "keys": keys})
        assert response.status_code == 400
        assert response.json()["error"] == (
            "Nie udało się odczytać kluczy powiadomień tego urządzenia. Spróbuj ponownie."
        )


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://push.example.com/send/abc",
        "https://fcm.googleapis.com.example.com/fcm/send/abc",
        "http://fcm.googleapis.com/fcm/send/abc",
        "https://fcm.googleapis.com:8443/fcm/send/abc",
        "https://10.0.0.5/push",
        "https://169.254.169.254/latest/meta-data",
    ],
)
def test_an_endpoint_outside_the_known_push_services_is_refused(
    client: TestClient, db: Session, sign_in, endpoint: str
):
    world = make_reminder_world(db)
    db.commit()
    sign_in(world.assistant)
    response = client.post(f"{PAGE}/devices", json=TestSubscription.make(endpoint).as_json())
    assert (response.status_code, response.json()) == (400, {"error": NOT_A_PUSH_SERVICE})
    reread(db)
    assert db.exec(select(PushSubscription)).all() == []


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAAA",
        "https://web.push.apple.com/QGuQyavXutnMrhQ",
        "https://api.push.apple.com/3/device/abc",
        "https://wns2-par02p.notify.windows.com/w/?token=BQYAAA",
    ],
)
def test_the_big_browsers_push_services_are_accepted(
    client: TestClient, db: Session, sign_in, endpoint: str
):
    world = make_reminder_world(db)
    db.commit()
    sign_in(world.assistant)
    device = TestSubscription.make(endpoint)
    response = client.post(f"{PAGE}/devices", json=device.as_json())
    assert response.status_code == 201
    reread(db)
    stored = [
        (row.user_id, row.endpoint, row.p256dh, row.auth)
        for row in db.exec(select(PushSubscription)).all()
    ]
    assert stored == [(world.assistant.id, endpoint, device.p256dh, device.auth)]


def test_loopback_is_refused_unless_the_settings_allow_it(
    db: Session, database_url: str, tmp_path: Path
):
    world = make_reminder_world(db)
    db.commit()
    loopback = TestSubscription.make("http://127.0.0.1:8999/push/x").as_json()
    for allowed, status in ((False, 400), (True, 201)):
        app = create_app(make_settings(database_url, tmp_path, push_allow_loopback=allowed))
        with TestClient(app, base_url="http://localhost") as client:
            _row, token = sessions.start_session(
                db, user=world.assistant,
                policy=sessions.SessionPolicy(idle_timeout=3600, max_age=86400),
            )  # fmt: skip
            db.commit()
            client.cookies.set(cookie_names(app.state.settings)["session"], token)
            headers = {"X-CSRF-Token": csrf_token(client)}
            assert (
                client.post(f"{PAGE}/devices", json=loopback, headers=headers).status_code == status
            )


def test_subscribing_needs_the_csrf_token(client: TestClient, db: Session, sign_in):
    world = make_reminder_world(db)
    db.commit()
    sign_in(world.assistant)
    response = client.post(
        f"{PAGE}/devices", json=_fcm().as_json(), headers={"X-CSRF-Token": "forged"}
    )
    assert response.status_code == 403
    reread(db)
    assert db.exec(select(PushSubscription)).all() == []


def test_removing_a_device_stops_reminders_there_but_nobody_removes_another_users_device(
    client: TestClient, db: Session, sign_in
):
    world = make_reminder_world(db)
    mine = make_device(db, world.family_user).id
    theirs = make_device(db, world.assistant).id
    db.commit()
    sign_in(world.family_user)
    response = client.post(
        f"{PAGE}/devices/remove", data={"subscription_id": str(mine)}, follow_redirects=False
    )
    assert (response.status_code, response.headers["location"]) == (303, f"{PAGE}?saved=removed")
    client.post(f"{PAGE}/devices/remove", data={"subscription_id": str(theirs)})
    client.post(f"{PAGE}/devices/remove", data={"subscription_id": "not-a-uuid"})
    reread(db)
    assert db.get(PushSubscription, mine) is None
    assert db.get(PushSubscription, theirs) is not None
    assert audit_actions(db).count("push_subscription.delete") == 1
    assert "Urządzenie nie dostaje już przypomnień." in client.get(f"{PAGE}?saved=removed").text


def test_choosing_kinds_stores_them_and_the_page_shows_the_choice(
    client: TestClient, db: Session, sign_in
):
    world = make_reminder_world(db)
    db.commit()
    sign_in(world.family_user)
    response = client.post(
        f"{PAGE}/kinds", data={"kinds": ["meeting_tomorrow", "office_hours"]},
        follow_redirects=False,
    )  # fmt: skip
    assert (response.status_code, response.headers["location"]) == (303, f"{PAGE}?saved=kinds")
    reread(db)
    assert db.get(User, world.family_user.id).reminder_kinds == "meeting_tomorrow,office_hours"  # type: ignore[union-attr]
    page = parse(client.get(f"{PAGE}?saved=kinds").text)
    assert {n.attributes["value"] for n in page.css('input[name="kinds"][checked]')} == {
        "meeting_tomorrow", "office_hours",
    }  # fmt: skip
    assert "Zapisano Twój wybór." in page.css_first("#kinds").text()
    client.post(f"{PAGE}/kinds", data={})  # every box unticked
    reread(db)
    assert db.get(User, world.family_user.id).reminder_kinds == "none"  # type: ignore[union-attr]
    assert "reminder_kinds.update" in audit_actions(db)


def test_a_kind_of_another_role_is_refused_with_a_polish_message(
    client: TestClient, db: Session, sign_in
):
    world = make_reminder_world(db)
    db.commit()
    sign_in(world.family_user)
    response = client.post(f"{PAGE}/kinds", data={"kinds": ["overdue_digest"]})
    assert response.status_code == 422
    assert "Wybierz przypomnienia z listy." in text(response.text, "#kinds")
    reread(db)
    assert db.get(User, world.family_user.id).reminder_kinds == ""  # type: ignore[union-attr]


def _subscribe_in_a_new_session(client: TestClient, sign_in, user: User, endpoint: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(user)
    device = TestSubscription.make(endpoint)
    assert client.post(f"{PAGE}/devices", json=device.as_json()).status_code == 201


def _endpoints(db: Session, user: User) -> set[str]:
    reread(db)
    rows = db.exec(select(PushSubscription).where(PushSubscription.user_id == user.id)).all()
    return {row.endpoint for row in rows}


PHONE = "https://fcm.googleapis.com/fcm/send/phone"
TABLET = "https://fcm.googleapis.com/fcm/send/tablet"


def test_signing_out_stops_the_reminders_of_that_device_only(
    client: TestClient, db: Session, sign_in
):
    world = make_reminder_world(db)
    _subscribe_in_a_new_session(client, sign_in, world.assistant, TABLET)
    _subscribe_in_a_new_session(client, sign_in, world.assistant, PHONE)
    assert _endpoints(db, world.assistant) == {PHONE, TABLET}
    assert client.post("/logout", follow_redirects=False).status_code == 303
    assert _endpoints(db, world.assistant) == {TABLET}


def test_ending_a_session_from_the_list_stops_its_device(client: TestClient, db: Session, sign_in):
    world = make_reminder_world(db)
    _subscribe_in_a_new_session(client, sign_in, world.assistant, TABLET)
    reread(db)
    [tablet] = db.exec(select(PushSubscription)).all()
    sign_in(world.assistant)  # on the phone, ending the session left open on the tablet
    response = client.post(f"/account/sessions/{tablet.session_id}/end", follow_redirects=False)
    assert response.status_code == 303
    assert _endpoints(db, world.assistant) == set()


def test_a_lost_phone_and_a_deactivation_stop_every_device_of_the_user(
    client: TestClient, db: Session, sign_in
):
    world = make_reminder_world(db)
    other = make_user(db, world.centre, Role.assistant)
    make_device(db, world.assistant, label="Subscribed before sessions kept their devices")
    make_device(db, other)
    _subscribe_in_a_new_session(client, sign_in, world.assistant, PHONE)
    assert len(_endpoints(db, world.assistant)) == 2
    sign_in(world.coordinator)
    response = client.post(
        f"/people/{world.assistant.id}/lost-phone", data={"reason": "telefon zgubiony"}
    )
    assert response.status_code == 200
    assert _endpoints(db, world.assistant) == set()
    assert len(_endpoints(db, other)) == 1
    client.post(f"/people/{other.id}/deactivate", data={"reason": "koniec umowy"})
    assert _endpoints(db, other) == set()
