"""The offline outbox in a real browser: visits, ticks and confirmations recorded without a
network are kept on the phone and arrive exactly once, through reloads, network flaps,
refusals, sign-outs and updates of the service worker."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from starlette.types import ASGIApp

from pwa import i18n
from pwa.i18n import local_today
from pwa.models import Task, TaskState, Visit
from tests.browser.conftest import check_page
from tests.support.factories.offline import (
    KATARZYNA,
    MAREK,
    PUT_VISITS,
    REPLAY_AND_WAIT,
    SESSION_COOKIE,
    Latency,
    done_events,
    katarzyna_and_a_family_with_open_tasks,
    outbox_size,
    pl,
    put_visits,
    record_visit_on_the_form,
    sign_in,
    task_state,
    visits_with_ids,
    wait_for_service_worker,
    wait_until_outbox_is_empty,
    wait_until_refused,
)

pytestmark = pytest.mark.browser

FLAP_SEED = 20261123
ITEMS_IN_FLAP_TEST = 50
MIN_FLAPS = 20


@pytest.fixture
def latency() -> Latency:
    return Latency(app=None)  # type: ignore[arg-type]  # the app comes with the server


@pytest.fixture
def in_front(latency: Latency) -> Callable[[ASGIApp], ASGIApp]:
    """The demo app behind the (usually zero) latency."""

    def behind_latency(app: ASGIApp) -> ASGIApp:
        latency.app = app
        return latency

    return behind_latency


# --- offline, then online: exactly the recorded entries arrive, once each ----------------------


def test_three_visits_and_two_ticks_recorded_offline_arrive_once_each(
    page: Page, context: BrowserContext, engine: Engine
):
    _user, family, tasks = katarzyna_and_a_family_with_open_tasks(engine)
    sign_in(page, KATARZYNA)
    wait_for_service_worker(page)
    plan_url = f"/families/{family.id}/plan"
    form_url = f"/families/{family.id}/visits/new"
    page.goto(plan_url)
    page.goto(form_url)  # both kept on the phone for offline use

    context.set_offline(True)
    visit_ids = []
    for n in range(3):
        page.goto(form_url)
        visit_ids.append(record_visit_on_the_form(page, f"Wizyta bez zasięgu nr {n + 1}."))
        expect(page.locator("h1")).to_have_text(pl("Saved on the phone"))
        expect(page.locator("main .notice")).to_have_text(
            pl("Saved on the phone — we will send it once the connection is back.")
        )
    assert len(set(visit_ids)) == 3, "each showing of the form has its own visit id"

    page.goto(plan_url)
    for task in tasks[:2]:
        tick = page.locator(f"#task-{task.id} form.tick-form")
        tick.locator("button").click()
        expect(tick).to_have_class("tick-form is-kept")
    status = page.locator("[data-outbox-status]")
    expect(status).to_contain_text(
        pl("Saved on the phone — we will send it once the connection is back.")
    )
    expect(status.locator("a[data-outbox-count]")).to_have_attribute("data-outbox-count", "5")

    page.reload()  # still offline: the page comes from the phone, the outbox is intact
    expect(page.locator(f"#task-{tasks[0].id}")).to_be_visible()
    expect(status.locator("a[data-outbox-count]")).to_have_attribute("data-outbox-count", "5")
    assert visits_with_ids(engine, visit_ids) == dict.fromkeys(visit_ids, 0)
    assert [task_state(engine, t.id) for t in tasks[:2]] == [TaskState.open] * 2

    context.set_offline(False)
    wait_until_outbox_is_empty(page)
    expect(status).to_be_hidden()
    assert visits_with_ids(engine, visit_ids) == dict.fromkeys(visit_ids, 1)
    assert [task_state(engine, t.id) for t in tasks[:2]] == [TaskState.done] * 2
    assert [done_events(engine, t.id) for t in tasks[:2]] == [1, 1]
    with Session(engine) as db:
        notes = db.exec(
            select(Visit.notes).where(col(Visit.id).in_([uuid.UUID(i) for i in visit_ids]))
        ).all()
    assert sorted(notes) == [f"Wizyta bez zasięgu nr {n}." for n in (1, 2, 3)]


# --- a network that comes and goes during the replay ---------------------------------------------


@pytest.mark.both_databases
def test_fifty_entries_survive_a_flapping_network_exactly_once(
    page: Page, context: BrowserContext, engine: Engine, latency: Latency
):
    _user, family, _tasks = katarzyna_and_a_family_with_open_tasks(engine)
    sign_in(page, KATARZYNA)
    wait_for_service_worker(page)
    page.goto("/outbox")
    context.set_offline(True)
    visit_ids = page.evaluate(
        PUT_VISITS, [str(family.id), ITEMS_IN_FLAP_TEST, local_today().isoformat()]
    )
    assert outbox_size(page) == ITEMS_IN_FLAP_TEST

    rng = random.Random(FLAP_SEED)
    latency.seconds = lambda: rng.uniform(0.01, 0.05)
    flaps = flaps_during_replay = 0

    def waiting() -> int:
        # Counted on the server: reading IndexedDB in the page would queue behind the
        # worker's writes and hold the flapping up.
        return sum(1 for count in visits_with_ids(engine, visit_ids).values() if count == 0)

    # Each return online fires the page's `online` handler and Background Sync: both replay.
    # The network goes again after a random few visits arrived (or at a random moment), so
    # that requests are cut in flight, answers lost, and the replay restarted again and again.
    while (waiting() > 0 or flaps < MIN_FLAPS) and flaps < 1000:
        time.sleep(rng.uniform(0.005, 0.05))  # offline for a moment
        before = waiting()
        context.set_offline(False)
        latency.restore()
        flaps += 1
        flaps_during_replay += before > 0
        deadline = time.monotonic() + rng.uniform(0.02, 0.3)
        target = before - rng.randint(1, 3)
        while time.monotonic() < deadline and waiting() > target:
            time.sleep(rng.uniform(0.0, 0.01))
        latency.cut()
        context.set_offline(True)
        flaps += 1
        flaps_during_replay += waiting() > 0
    context.set_offline(False)
    latency.restore()
    page.evaluate("AsystaOutboxPage.replay(true)")
    wait_until_outbox_is_empty(page)

    rows = visits_with_ids(engine, visit_ids)
    duplicates = sum(count - 1 for count in rows.values() if count > 1)
    lost = sum(1 for count in rows.values() if count == 0)
    print(
        f"\nflap test: items {ITEMS_IN_FLAP_TEST}, flaps {flaps} "
        f"({flaps_during_replay} while entries waited), seed {FLAP_SEED}, "
        f"arrived {sum(1 for c in rows.values() if c)}, duplicates found: {duplicates}, "
        f"lost: {lost}, left in the outbox: {outbox_size(page)}"
    )
    assert flaps_during_replay >= MIN_FLAPS
    assert (duplicates, lost, outbox_size(page)) == (0, 0, 0)
    assert rows == dict.fromkeys(visit_ids, 1)


# --- refusals, other users, signing out, updates -----------------------------------------------


def test_a_refused_tick_stays_visible_with_the_servers_message_until_discarded(
    page: Page, context: BrowserContext, engine: Engine
):
    _user, family, tasks = katarzyna_and_a_family_with_open_tasks(engine)
    sign_in(page, KATARZYNA)
    wait_for_service_worker(page)
    page.goto(f"/families/{family.id}/plan")
    context.set_offline(True)
    page.locator(f"#task-{tasks[0].id} form.tick-form button").click()
    expect(page.locator(f"#task-{tasks[0].id} form.tick-form")).to_have_class("tick-form is-kept")
    with Session(engine) as db:  # meanwhile the task is changed on another device
        task = db.get(Task, tasks[0].id)
        assert task is not None
        task.revision += 1
        db.add(task)
        db.commit()
    context.set_offline(False)
    page.goto("/outbox")
    row = page.locator(".outbox-item")
    expect(row).to_have_class("list-item outbox-item is-attention")
    message = pl(
        "This task was changed in the meantime (by someone else or on another device). "
        "Reload the page to see it as it is now."
    )
    expect(row.locator("[data-part=message]")).to_contain_text(message)
    expect(row.locator("[data-part=title]")).to_have_text(pl("Task marked as done"))
    expect(page.locator("[data-outbox-status] a[data-outbox-count]")).to_have_attribute(
        "data-outbox-count", "1"
    )
    assert task_state(engine, tasks[0].id) is TaskState.open
    check_page(page)

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name=pl("Discard")).click()
    expect(page.locator(".outbox-item")).to_have_count(0)
    expect(page.locator("[data-outbox-empty]")).to_be_visible()
    assert outbox_size(page) == 0
    check_page(page)


def test_a_refused_visit_opens_in_its_form_and_the_corrected_one_replaces_it(
    page: Page, context: BrowserContext, engine: Engine
):
    _user, family, _tasks = katarzyna_and_a_family_with_open_tasks(engine)
    sign_in(page, KATARZYNA)
    wait_for_service_worker(page)
    page.goto("/outbox")
    context.set_offline(True)
    # A date in the future: the server refuses it (422) with its message.
    [visit_id] = put_visits(page, family, 1, day=local_today().replace(year=local_today().year + 1))
    context.set_offline(False)
    wait_until_refused(page, 1)
    page.reload()
    row = page.locator(".outbox-item")
    expect(row.locator("[data-part=message]")).to_contain_text(
        pl("The date of the visit cannot be in the future.")
    )
    row.get_by_role("link", name=pl("Open the form")).click()
    expect(page.locator("input[name=visit_id]")).to_have_value(visit_id)
    expect(page.locator("textarea[name=notes]")).to_have_value("Wizyta nr 1")
    page.locator("input[name=visit_date]").fill(local_today().isoformat())
    page.locator("#visit-form button[type=submit]").click()
    page.wait_for_url("**/diary?month=*&saved=1")
    assert visits_with_ids(engine, [visit_id]) == {visit_id: 1}
    assert outbox_size(page) == 0


def test_entries_wait_for_their_own_user_and_never_go_out_under_another(
    page: Page, context: BrowserContext, engine: Engine
):
    _user, family, _tasks = katarzyna_and_a_family_with_open_tasks(engine)
    sign_in(page, KATARZYNA)
    wait_for_service_worker(page)
    page.goto("/outbox")
    context.set_offline(True)
    [visit_id] = put_visits(page, family, 1, day=local_today())
    context.clear_cookies(name=SESSION_COOKIE)  # the session ended while offline
    context.set_offline(False)
    assert page.evaluate(REPLAY_AND_WAIT)["sent"] == 0

    sign_in(page, MAREK)  # another assistant on the same phone
    assert page.evaluate(REPLAY_AND_WAIT)["sent"] == 0
    assert visits_with_ids(engine, [visit_id]) == {visit_id: 0}
    assert outbox_size(page) == 1

    sign_in(page, KATARZYNA)
    wait_until_outbox_is_empty(page)
    assert visits_with_ids(engine, [visit_id]) == {visit_id: 1}


def test_signing_out_with_unsent_visits_warns_and_then_leaves_nothing_on_the_phone(
    page: Page, context: BrowserContext, engine: Engine
):
    _user, family, _tasks = katarzyna_and_a_family_with_open_tasks(engine)
    sign_in(page, KATARZYNA)
    wait_for_service_worker(page)
    page.goto("/account")
    context.set_offline(True)
    put_visits(page, family, 2, day=local_today().replace(year=local_today().year + 1))
    context.set_offline(False)
    wait_until_refused(page, 2)  # refused: they stay
    with i18n.use_locale("pl"):
        warning = i18n.ngettext(
            "You have %(num)s unsent visit.", "You have %(num)s unsent visits.", 2
        )
    questions: list[str] = []

    def answer(dialog, accept: bool) -> None:  # type: ignore[no-untyped-def]
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    page.get_by_role("button", name="Wyloguj się").click()
    expect(page.locator("h1")).to_be_visible()
    page.wait_for_function("document.readyState === 'complete'")
    assert page.url.endswith("/account") and outbox_size(page) == 2
    assert questions and questions[0].startswith(warning)

    page.once("dialog", lambda dialog: answer(dialog, True))
    page.get_by_role("button", name="Wyloguj się").click()
    page.wait_for_url("**/signin?signed_out=1")
    assert len(questions) == 2
    assert outbox_size(page) == 0
    names = page.evaluate("caches.keys()")
    assert [n for n in names if n.startswith(("asysta-pages-", "asysta-meta"))] == []


def test_an_update_of_the_service_worker_keeps_the_outbox(
    page: Page, context: BrowserContext, engine: Engine, monkeypatch: pytest.MonkeyPatch
):
    from pwa.routes import pwa as pwa_routes

    _user, family, _tasks = katarzyna_and_a_family_with_open_tasks(engine)
    sign_in(page, KATARZYNA)
    wait_for_service_worker(page)
    page.goto("/outbox")
    context.set_offline(True)
    ids = put_visits(page, family, 2, day=local_today().replace(year=local_today().year + 1))
    context.set_offline(False)
    wait_until_refused(page, 2)
    before = page.evaluate("AsystaOutbox.list()")

    built = pwa_routes.build_service_worker
    monkeypatch.setattr(
        pwa_routes, "build_service_worker", lambda posts: built(posts) + "\n// a new version\n"
    )
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    banner = page.locator("[data-update-banner]")
    expect(banner).to_be_visible()
    with page.expect_navigation():
        banner.locator("[data-update-now]").click()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    assert page.evaluate("AsystaOutbox.list()") == before
    expect(page.locator(".outbox-item")).to_have_count(2)
    assert visits_with_ids(engine, ids) == dict.fromkeys(ids, 0)


def test_the_saved_page_and_the_empty_outbox_page_are_clean(page: Page):
    sign_in(page, KATARZYNA)
    wait_for_service_worker(page)
    page.goto("/outbox")
    expect(page.locator("[data-outbox-empty]")).to_be_visible()
    check_page(page)
    page.goto("/outbox/saved")
    expect(page.locator("h1")).to_have_text(pl("Saved on the phone"))
    check_page(page)
