"""Helpers of the offline outbox's browser tests (tests/browser/test_offline.py): signing in,
reading the outbox in the page, counting what reached the database, a slow network."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Callable
from datetime import date

from playwright.sync_api import Page
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select
from starlette.types import ASGIApp, Receive, Scope, Send

from pwa import i18n
from pwa.domain.cases import caseload
from pwa.models import AuditEvent, Family, Goal, Plan, PlanStatus, Task, TaskState, User, Visit
from tests.browser.conftest import wait_until

KATARZYNA = "Katarzyna Wiśniewska — asystentka rodziny"
MAREK = "Marek Zieliński"
SESSION_COOKIE = "asysta_session"


class Latency:
    """A phone's network in front of the app: each form post takes a moment, and while the
    test holds the link down (`cut()`), posts that already left the phone hang on the way
    until it is back (`restore()`): they then arrive, though the phone may have given up.

    (Switching Chromium offline can take a while; without the link held down, a replay
    on localhost would be over before the network is off.)
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.seconds: Callable[[], float] = lambda: 0.0
        self.up = threading.Event()
        self.up.set()

    def cut(self) -> None:
        self.up.clear()

    def restore(self) -> None:
        self.up.set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            await asyncio.sleep(self.seconds())
            while not self.up.is_set():
                await asyncio.sleep(0.005)
        await self.app(scope, receive, send)


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


def wait_for_outbox(page: Page, condition: str, arg: object = None) -> None:
    """Wait until `condition(items, arg)` holds for the phone's outbox."""
    wait_until(
        page,
        f"(arg) => AsystaOutbox.list().then((items) => Boolean(({condition})(items, arg)))",
        arg,
    )


def wait_until_outbox_is_empty(page: Page) -> None:
    wait_for_outbox(page, "(items) => items.length === 0")


def wait_until_refused(page: Page, count: int) -> None:
    """Wait until `count` items were refused by the server and wait for the user's hand.

    The page's own `online` listener may replay the outbox before a test asks for it, so a
    test waits for the outcome in the outbox rather than for the answer to its own replay.
    """
    page.evaluate(
        'navigator.serviceWorker.controller.postMessage({type: "outbox-replay", now: true})'
    )
    wait_for_outbox(
        page,
        "(items, count) => items.filter((item) => item.status === AsystaOutbox.Status.attention).length === count",
        count,
    )


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
