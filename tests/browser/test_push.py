"""Reminders in Chromium: the settings page, and the service worker's push and click handlers.

`PushManager.subscribe` always rejects in this headless Chromium, so the page test stands in a
subscription made in Python (an EC P-256 key and 16 random bytes) for the browser's; the
service worker's handlers get a real push through CDP `ServiceWorker.deliverPushMessage`.
Headless Chromium has no notification to click, so the click is dispatched in the worker as a
`NotificationEvent` on the shown notification, with `clients.openWindow` and `WindowClient`'s
`focus`/`navigate` recording their calls (they refuse to work outside a real user gesture).
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Worker, expect
from sqlmodel import Session, select

from pwa.models import PushSubscription, User
from tests.browser.conftest import LiveServer, check_page
from tests.conftest import reread
from tests.support.push_receiver import TestSubscription

pytestmark = pytest.mark.browser

ASSISTANT = "Katarzyna Wiśniewska — asystentka rodziny"
DEADLINE_SECONDS = 20
REMINDER = {
    "title": "Wizyta",
    "body": "Masz wizytę jutro o 10:00",
    "url": "/assistant",
    "tag": "meeting:demo",
}

NOTIFICATIONS = """async () => {
  const registration = await navigator.serviceWorker.ready;
  return (await registration.getNotifications()).map((n) => ({
    title: n.title, body: n.body, tag: n.tag, data: n.data, icon: n.icon,
  }));
}"""

# In the worker: record what a tap on the notification does, then "tap" it.
CLICK = """async () => {
  const calls = [];
  self.clients.openWindow = async (url) => { calls.push(["openWindow", url]); return null; };
  WindowClient.prototype.focus = async function () { calls.push(["focus", this.url]); return this; };
  WindowClient.prototype.navigate = async function (url) { calls.push(["navigate", url]); return this; };
  const [notification] = await self.registration.getNotifications();
  const event = new NotificationEvent("notificationclick", { notification });
  let extended = Promise.resolve();
  event.waitUntil = (promise) => { extended = promise; };  // a script's event cannot be extended
  self.dispatchEvent(event);
  await extended;
  return { calls, left: (await self.registration.getNotifications()).length };
}"""


def _ready(page: Page) -> None:
    """The service worker is active and controls the page."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def _registration_id(context: BrowserContext, page: Page) -> tuple[Any, str]:
    cdp = context.new_cdp_session(page)
    found: list[str] = []

    def seen(event: dict[str, Any]) -> None:
        found.extend(r["registrationId"] for r in event["registrations"] if not r["isDeleted"])

    cdp.on("ServiceWorker.workerRegistrationUpdated", seen)
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not found:
        assert time.monotonic() < deadline, "no service worker registration reported"
        page.wait_for_timeout(50)
    return cdp, found[0]


def _deliver(context: BrowserContext, page: Page, base: str, payload: dict[str, str]) -> None:
    context.grant_permissions(["notifications"], origin=base)
    cdp, registration_id = _registration_id(context, page)
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": base, "registrationId": registration_id, "data": json.dumps(payload)},
    )
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not page.evaluate(NOTIFICATIONS):
        assert time.monotonic() < deadline, "the push did not show a notification"
        page.wait_for_timeout(50)


def _worker(context: BrowserContext) -> Worker:
    [worker] = context.service_workers
    return worker


def test_the_reminders_page_is_clean_and_turns_reminders_on_for_this_device(
    page: Page, context: BrowserContext, live_server: LiveServer, sign_in_as, db: Session
):
    device = TestSubscription.make("https://fcm.googleapis.com/fcm/send/browser-test-device")
    # This Chromium cannot subscribe for real: the page gets the browser's half from Python.
    context.add_init_script(
        "PushManager.prototype.getSubscription = async () => null;"
        f"PushManager.prototype.subscribe = async () => ({{toJSON: () => ({json.dumps(device.as_json())})}});"
    )
    context.grant_permissions(["notifications"], origin=live_server.base_url)
    sign_in_as(ASSISTANT)
    _ready(page)
    page.goto("/account/reminders")
    expect(page.locator("h1")).to_have_text("Przypomnienia")
    check_page(page)

    page.locator("[data-push-start]").click()
    page.wait_for_url("**/account/reminders?saved=device")
    expect(page.locator("#devices .item-title")).to_have_count(1)
    check_page(page)
    reread(db)
    [row] = db.exec(select(PushSubscription)).all()
    assistant = db.get(User, row.user_id)
    assert assistant is not None and assistant.full_name == "Katarzyna Wiśniewska"
    assert (row.endpoint, row.p256dh, row.auth) == (device.endpoint, device.p256dh, device.auth)


def test_without_permission_the_page_explains_and_stores_nothing(
    page: Page, sign_in_as, db: Session
):
    sign_in_as(ASSISTANT)
    page.goto("/account/reminders")
    box = page.locator("[data-push]")
    page.locator("[data-push-start]").click()
    message = page.locator("[data-push-message]")
    expect(message).to_be_visible()
    expect(message).to_have_text(box.get_attribute("data-denied") or "?")
    reread(db)
    assert db.exec(select(PushSubscription)).all() == []


def test_a_push_shows_the_reminder_and_a_tap_opens_its_page_in_the_open_window(
    page: Page, context: BrowserContext, live_server: LiveServer, sign_in_as
):
    sign_in_as(ASSISTANT)
    _ready(page)
    page.goto("/account/reminders")
    _deliver(context, page, live_server.base_url, REMINDER)

    [shown] = page.evaluate(NOTIFICATIONS)
    assert {k: shown[k] for k in ("title", "body", "tag", "data")} == {
        "title": "Wizyta", "body": "Masz wizytę jutro o 10:00", "tag": "meeting:demo",
        "data": {"url": "/assistant"},
    }  # fmt: skip
    assert "/static/icons/icon-192.png" in shown["icon"]

    tapped = _worker(context).evaluate(CLICK)
    target = f"{live_server.base_url}/assistant"
    assert tapped["calls"] == [
        ["focus", f"{live_server.base_url}/account/reminders"],
        ["navigate", target],
    ]
    assert tapped["left"] == 0  # the tapped notification is closed


def test_a_tap_focuses_a_window_already_on_the_page_and_opens_one_when_none_is(
    page: Page, context: BrowserContext, live_server: LiveServer, sign_in_as
):
    sign_in_as(ASSISTANT)
    _ready(page)
    page.goto("/assistant")
    _deliver(context, page, live_server.base_url, REMINDER)
    target = f"{live_server.base_url}/assistant"
    assert _worker(context).evaluate(CLICK)["calls"] == [["focus", target]]

    _deliver(context, page, live_server.base_url, REMINDER)
    other_origin = live_server.base_url.replace("localhost", "127.0.0.1")
    page.goto(f"{other_origin}/healthz")  # no window of the app is left
    assert _worker(context).evaluate(CLICK)["calls"] == [["openWindow", target]]


def test_a_push_never_sends_the_tap_to_another_site(
    page: Page, context: BrowserContext, live_server: LiveServer
):
    page.goto("/")
    _ready(page)
    _deliver(
        context, page, live_server.base_url,
        {"title": "Asysta", "body": "…", "url": "https://phishing.example/login", "tag": "x"},
    )  # fmt: skip
    [shown] = page.evaluate(NOTIFICATIONS)
    assert shown["data"] == {"url": "/"}
