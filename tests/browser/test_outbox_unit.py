"""The outbox module (pwa/static/js/outbox.js) on its own, in the browser: its storage, how
it reads the server's answers, and its replay, with a fake network and a fake clock."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

FAMILY = "11111111-2222-4333-8444-555555555555"
TASK = "66666666-7777-4888-8999-aaaaaaaaaaaa"

# A replay against scripted answers: each URL answers with the next of its statuses (an
# answer "network" throws, as fetch does offline). Returns the summary, the requests sent
# and what is left in the outbox.
REPLAY = """
async ({ items, answers, user, now, keep }) => {
  const Outbox = window.AsystaOutbox;
  if (!keep) for (const item of await Outbox.list()) await Outbox.discard(item.id);
  for (const [n, item] of items.entries()) await Outbox.add(item, 1000 + n);
  const sent = [];
  const fetch = async (url, init) => {
    sent.push({ url, token: init.headers["X-CSRF-Token"], hx: init.headers["HX-Request"], body: init.body });
    const answer = (answers[url] || []).shift() || { status: 200 };
    if (answer.status === "network") throw new TypeError("Failed to fetch");
    return new Response(answer.status === 204 ? null : answer.body || "", { status: answer.status, headers: answer.headers || {} });
  };
  const session = async () => {
    if (user === "offline") throw new TypeError("Failed to fetch");
    return { token: "fresh-token", user };
  };
  const summary = await Outbox.replay({ fetch, session, now: () => now, ignoreBackoff: false });
  const left = (await Outbox.list()).map(({ url, status, message, attempts, notBefore, user }) =>
    ({ url, status, message, attempts, notBefore, user }));
  return { summary, sent, left };
}
"""


def visit(n: int, user: str = "u1") -> dict[str, str]:
    return {
        "user": user,
        "url": f"/families/{FAMILY}/visits",
        "body": f"csrf_token=stale&visit_id=v{n}&notes=nr+{n}",
    }


def tick(user: str = "u1") -> dict[str, str]:
    return {"user": user, "url": f"/tasks/{TASK}/done", "body": "csrf_token=stale&revision=3"}


@pytest.fixture
def module(page: Page) -> Page:
    page.goto("/offline")
    page.wait_for_function("window.AsystaOutbox !== undefined")
    return page


def replay(page: Page, items: list[dict[str, str]], answers: dict[str, list[dict[str, Any]]], *,
           user: str | None = "u1", now: int = 10_000, keep: bool = False) -> dict[str, Any]:  # fmt: skip
    """`keep`: replay what the outbox already holds (plus `items`) instead of starting empty."""
    arguments = {"items": items, "answers": answers, "user": user, "now": now, "keep": keep}
    return dict(page.evaluate(REPLAY, arguments))


def test_only_visits_ticks_and_confirmations_belong_in_the_outbox(module: Page):
    kinds = module.evaluate(
        """(paths) => paths.map((path) => AsystaOutbox.kindOf(path))""",
        [f"/families/{FAMILY}/visits", f"/tasks/{TASK}/done", f"/visits/{TASK}/confirm",
         f"/tasks/{TASK}/reopen", "/families/not-a-uuid/visits", "/logout"],
    )  # fmt: skip
    assert kinds == ["visit", "tick", "confirm", "", "", ""]


@pytest.mark.parametrize(
    ("answer", "outcome"),
    [
        ({"status": 200}, "done"),
        ({"status": 204, "redirect": "/families/x/diary?saved=1"}, "done"),
        ({"status": 204, "redirect": "/signin"}, "held"),
        ({"status": 200, "redirect": "http://localhost/signin"}, "held"),
        ({"status": 401}, "held"),
        ({"status": 403, "signedInAsOwner": True}, "attention"),
        ({"status": 403, "signedInAsOwner": False}, "held"),
        ({"status": 404}, "attention"),
        ({"status": 409}, "attention"),
        ({"status": 422}, "attention"),
        ({"status": 429}, "retry"),
        ({"status": 500}, "retry"),
        ({"status": 503}, "retry"),
    ],
)
def test_the_servers_answer_decides_what_happens_to_an_entry(
    module: Page, answer: dict[str, Any], outcome: str
):
    assert module.evaluate("(answer) => AsystaOutbox.outcome(answer)", answer) == outcome


def test_the_message_of_a_refusal_is_its_alerts_and_field_errors_as_plain_text(module: Page):
    html = """
      <div class="form-errors" role="alert" data-focus><p>Popraw zaznaczone pola.</p></div>
      <p class="field"><label for="d">Data</label><input id="d">
        <p class="field-error" id="visit_date-error">Data wizyty nie może przypadać w
        przyszłości &amp; koniec.</p></p>
      <p class="hint">Pomoc</p>
    """
    assert module.evaluate("(html) => AsystaOutbox.messageFrom(html)", html) == (
        "Popraw zaznaczone pola. Data wizyty nie może przypadać w przyszłości & koniec."
    )


def test_backoff_doubles_from_two_seconds_up_to_five_minutes(module: Page):
    delays = module.evaluate("[1, 2, 3, 4, 10, 50].map((n) => AsystaOutbox.backoff(n))")
    assert delays == [2000, 4000, 8000, 16000, 300000, 300000]


def test_a_replay_sends_oldest_first_with_a_fresh_token_and_deletes_only_what_arrived(
    module: Page,
):
    result = replay(module, [visit(1), tick(), visit(2)], {})
    assert result["summary"]["sent"] == 3 and result["left"] == []
    assert [s["body"].split("&")[1] for s in result["sent"]] == [
        "visit_id=v1", "revision=3", "visit_id=v2",
    ]  # fmt: skip
    assert {(s["token"], s["hx"]) for s in result["sent"]} == {("fresh-token", "true")}


def test_a_refused_entry_is_kept_with_its_message_and_the_rest_still_go(module: Page):
    refusal = {"status": 409, "body": '<p class="form-errors" role="alert">Zmieniono.</p>'}
    result = replay(module, [tick(), visit(1)], {f"/tasks/{TASK}/done": [refusal]})
    assert result["left"] == [
        {"url": f"/tasks/{TASK}/done", "status": "attention", "message": "Zmieniono.",
         "attempts": 1, "notBefore": 0, "user": "u1"},
    ]  # fmt: skip
    assert len(result["sent"]) == 2 and result["summary"]["attention"] == 1


def test_server_trouble_stops_the_replay_and_backs_off(module: Page):
    result = replay(module, [visit(1), visit(2)], {f"/families/{FAMILY}/visits": [{"status": 503}]})
    assert len(result["sent"]) == 1
    assert [(i["status"], i["attempts"], i["notBefore"]) for i in result["left"]] == [
        ("waiting", 1, 12_000), ("waiting", 0, 0),
    ]  # fmt: skip


def test_no_network_keeps_everything_for_later(module: Page):
    result = replay(
        module, [visit(1), visit(2)], {f"/families/{FAMILY}/visits": [{"status": "network"}]}
    )
    assert result["summary"]["offline"] is True and len(result["left"]) == 2
    assert result["left"][0]["attempts"] == 1


def test_an_entry_in_backoff_waits_its_turn_unless_the_replay_is_asked_for(module: Page):
    first = replay(module, [visit(1)], {f"/families/{FAMILY}/visits": [{"status": 500}]})
    assert first["left"][0]["notBefore"] == 12_000
    early = replay(module, [], {}, now=11_000, keep=True)
    assert early["sent"] == [] and len(early["left"]) == 1
    due = replay(module, [], {}, now=12_000, keep=True)
    assert len(due["sent"]) == 1 and due["left"] == []


def test_a_session_of_another_user_or_none_sends_nothing(module: Page):
    for user in ("u2", None, "offline"):
        result = replay(module, [visit(1, user="u1")], {}, user=user)
        assert result["sent"] == [] and len(result["left"]) == 1, user


def test_a_sign_in_redirect_holds_the_entry_and_stops_the_replay(module: Page):
    signin = {"status": 204, "headers": {"HX-Redirect": "/signin"}}
    result = replay(module, [visit(1), visit(2)], {f"/families/{FAMILY}/visits": [signin]})
    assert len(result["sent"]) == 1
    assert [i["status"] for i in result["left"]] == ["held", "waiting"]
    # The same user signed in again: the held entry goes, and so does the rest.
    again = replay(module, [], {}, user="u1", keep=True)
    assert len(again["sent"]) == 2 and again["left"] == []


def test_signing_out_forgets_only_that_users_entries(module: Page):
    left = module.evaluate(
        """async (url) => {
          for (const item of await AsystaOutbox.list()) await AsystaOutbox.discard(item.id);
          await AsystaOutbox.add({ user: "u1", url, body: "" });
          await AsystaOutbox.add({ user: "u1", url, body: "" });
          await AsystaOutbox.add({ user: "u2", url, body: "" });
          const forgotten = await AsystaOutbox.forgetUser("u1");
          return [forgotten, (await AsystaOutbox.list()).map((item) => item.user)];
        }""",
        f"/tasks/{TASK}/done",
    )
    assert left == [2, ["u2"]]
