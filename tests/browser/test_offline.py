"""The offline outbox in a real browser: visits, ticks and confirmations recorded without a
network are kept on the phone and arrive exactly once, through reloads, network flaps,
refusals, sign-outs and updates of the service worker."""

from __future__ import annotations

import asyncio
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select
from starlette.types import ASGIApp, Receive, Scope, Send

from pwa import i18n
from pwa.app import create_app
from pwa.domain import caseload
from pwa.domain.demo_data import load_demo_data
from pwa.models import AuditEvent, Family, Goal, Plan, PlanStatus, Task, TaskState, User, Visit
from tests.browser.conftest import LiveServer, check_page
from tests.browser.conftest import _free_port as free_port
from tests.conftest import make_settings

pytestmark = pytest.mark.browser

KATARZYNA = "Katarzyna Wiśniewska — asystentka rodziny"
MAREK = "Marek Zieliński"
FLAP_SEED = 20261123
ITEMS_IN_FLAP_TEST = 50
MIN_FLAPS = 20
SESSION_COOKIE = "asysta_session"


class Latency:
    """A phone's slow network in front of the app: each form post waits a moment first.

    (On localhost a replay is over faster than the network can be switched off and on.)
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.seconds: Callable[[], float] = lambda: 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            await asyncio.sleep(self.seconds())
        await self.app(scope, receive, send)


@pytest.fixture
def latency() -> Latency:
    return Latency(app=None)  # type: ignore[arg-type]  # the app comes with the server


@pytest.fixture
def live_server(
    database_url: str, tmp_path: Path, db: Session, latency: Latency
) -> Iterator[LiveServer]:
    """The demo app on localhost, as in conftest, behind the (usually zero) latency."""
    load_demo_data(db, today=date.today())
    db.commit()
    port = free_port()
    base_url = f"http://localhost:{port}"
    latency.app = create_app(make_settings(database_url, tmp_path, demo=True, base_url=base_url))
    server = uvicorn.Server(
        uvicorn.Config(latency, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield LiveServer(base_url=base_url, database_url=database_url)
    server.should_exit = True
    thread.join(timeout=20)


def pl(message: str, **variables: object) -> str:
    """A text as the Polish page shows it (through the same catalogue as the app)."""
    with i18n.use_locale("pl"):
        return i18n.gettext(message, **variables)


def wait_for_service_worker(page: Page) -> None:
    """Registered, active and controlling the page (after a reload)."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def sign_in(page: Page, label: str) -> None:
    page.goto("/demo")
    page.locator(".demo-accounts .list-item", has_text=label).get_by_role("button").click()
    page.wait_for_load_state("networkidle")


def outbox_size(page: Page) -> int:
    return int(page.evaluate("AsystaOutbox.list().then((items) => items.length)"))


def wait_until_outbox_is_empty(page: Page) -> None:
    page.wait_for_function("AsystaOutbox.list().then((items) => items.length === 0)", polling=100)


def katarzyna_and_a_family_with_open_tasks(engine: Engine) -> tuple[User, Family, list[Task]]:
    """Katarzyna's first family whose agreed plan has at least two open tasks."""
    with Session(engine) as db:
        user = db.exec(
            select(User).where(User.first_name == "Katarzyna", User.last_name == "Wiśniewska")
        ).one()
        for family in caseload.families_of_assistant(db, assistant=user):
            tasks = db.exec(
                select(Task)
                .join(Goal, col(Goal.id) == Task.goal_id)
                .join(Plan, col(Plan.id) == Goal.plan_id)
                .where(Plan.family_id == family.id, Plan.status == PlanStatus.agreed)
                .where(Task.state == TaskState.open)
                .order_by(col(Task.due_on), col(Task.id))
            ).all()
            if len(tasks) >= 2:
                return user, family, list(tasks)
    raise AssertionError("the demo data has no family of Katarzyna with two open tasks")


def visits_with_ids(engine: Engine, ids: list[str]) -> dict[str, int]:
    """How many rows each visit id has (a visit missing: 0)."""
    with Session(engine) as db:
        rows = db.exec(
            select(Visit.id, func.count())
            .where(col(Visit.id).in_([uuid.UUID(i) for i in ids]))
            .group_by(col(Visit.id))
        ).all()
    found = {str(visit_id): count for visit_id, count in rows}
    return {i: found.get(i, 0) for i in ids}


def done_events(engine: Engine, task_id: uuid.UUID) -> int:
    with Session(engine) as db:
        return db.exec(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "task.done", AuditEvent.object_id == task_id)
        ).one()


def task_state(engine: Engine, task_id: uuid.UUID) -> TaskState:
    with Session(engine) as db:
        task = db.get(Task, task_id)
        assert task is not None
        return task.state


def record_visit_on_the_form(page: Page, notes: str) -> str:
    """Fill the visit form as the assistant does and send it; its visit id."""
    visit_id = page.locator("input[name=visit_id]").input_value()
    page.locator("input[name=present_member_ids]").first.check()
    page.locator("textarea[name=notes]").fill(notes)
    page.locator("#visit-form button[type=submit]").click()
    return visit_id


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

PUT_VISITS = """
async ([familyId, count, today]) => {
  const user = document.querySelector('meta[name="asysta-user"]').content;
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const ids = [];
  for (let n = 0; n < count; n += 1) {
    const visitId = crypto.randomUUID();
    const minutes = 7 * 60 + n * 5;
    const body = new URLSearchParams({
      csrf_token: token, visit_id: visitId, visit_date: today,
      starts_at: `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`,
      duration_minutes: "30", duration_other: "", place_kind: "home", place_text: "",
      present_others: "pedagog szkolny", kind: "home_visit", notes: `Wizyta nr ${n + 1}`,
      next_meeting_date: "", next_meeting_time: "",
    });
    await AsystaOutbox.add({ user, url: `/families/${familyId}/visits`, body: body.toString(),
                             from: `/families/${familyId}/visits/new` });
    ids.push(visitId);
  }
  return ids;
}
"""


def test_fifty_entries_survive_a_flapping_network_exactly_once(
    page: Page, context: BrowserContext, engine: Engine, latency: Latency
):
    _user, family, _tasks = katarzyna_and_a_family_with_open_tasks(engine)
    sign_in(page, KATARZYNA)
    wait_for_service_worker(page)
    page.goto("/outbox")
    context.set_offline(True)
    visit_ids = page.evaluate(
        PUT_VISITS, [str(family.id), ITEMS_IN_FLAP_TEST, date.today().isoformat()]
    )
    assert outbox_size(page) == ITEMS_IN_FLAP_TEST

    rng = random.Random(FLAP_SEED)
    latency.seconds = lambda: rng.uniform(0.03, 0.09)
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
        flaps += 1
        flaps_during_replay += before > 0
        deadline = time.monotonic() + rng.uniform(0.02, 0.3)
        target = before - rng.randint(1, 3)
        while time.monotonic() < deadline and waiting() > target:
            time.sleep(rng.uniform(0.0, 0.01))
        context.set_offline(True)
        flaps += 1
        flaps_during_replay += waiting() > 0
    context.set_offline(False)
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

REPLAY_AND_WAIT = """
() => new Promise((resolve) => {
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data && event.data.type === "outbox-changed" && event.data.summary) resolve(event.data.summary);
  });
  navigator.serviceWorker.controller.postMessage({ type: "outbox-replay", now: true });
})
"""


def put_visits(page: Page, family: Family, count: int, *, day: date) -> list[str]:
    return list(page.evaluate(PUT_VISITS, [str(family.id), count, day.isoformat()]))


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
    [visit_id] = put_visits(page, family, 1, day=date.today().replace(year=date.today().year + 1))
    context.set_offline(False)
    assert page.evaluate(REPLAY_AND_WAIT)["attention"] == 1
    page.reload()
    row = page.locator(".outbox-item")
    expect(row.locator("[data-part=message]")).to_contain_text(
        pl("The date of the visit cannot be in the future.")
    )
    row.get_by_role("link", name=pl("Open the form")).click()
    expect(page.locator("input[name=visit_id]")).to_have_value(visit_id)
    expect(page.locator("textarea[name=notes]")).to_have_value("Wizyta nr 1")
    page.locator("input[name=visit_date]").fill(date.today().isoformat())
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
    [visit_id] = put_visits(page, family, 1, day=date.today())
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
    put_visits(page, family, 2, day=date.today().replace(year=date.today().year + 1))
    context.set_offline(False)
    assert page.evaluate(REPLAY_AND_WAIT)["attention"] == 2  # refused: they stay
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
    ids = put_visits(page, family, 2, day=date.today().replace(year=date.today().year + 1))
    context.set_offline(False)
    assert page.evaluate(REPLAY_AND_WAIT)["attention"] == 2
    before = page.evaluate("AsystaOutbox.list()")

    built = pwa_routes.build_service_worker()
    monkeypatch.setattr(pwa_routes, "build_service_worker", lambda: built + "\n// a new version\n")
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
