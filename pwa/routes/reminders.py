"""Reminders: turn push on for a device, choose the kinds, remove a device, see what is coming."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pwa.domain.kernel.errors import DomainError, Invalid, Refused
from pwa.domain.kernel.forms import parse_uuid
from pwa.i18n import gettext as _
from pwa.models import utcnow
from pwa.reminders import subscriptions
from pwa.reminders.vapid import vapid_keys
from pwa.web.auth import require_actor
from pwa.web.forms import form_fields, form_lists
from pwa.web.json import json_error, read_json
from pwa.web.pages import NO_REFUSAL, Refusal, refuse
from pwa.web.render import device_name, path_for, redirect, render
from pwa.web.routing import post

PAGE = "/account/reminders"
MAX_SUBSCRIPTION_BYTES = 4 * 1024  # a subscription's JSON is a few hundred bytes
FLASHES = ("kinds", "device", "removed")


def _page(request: Request, *, refusal: Refusal = NO_REFUSAL) -> Response:
    actor = require_actor(request)
    view = subscriptions.reminder_settings(request.state.db, actor=actor, now=utcnow())
    saved = request.query_params.get("saved", "")
    context = {
        "view": view,
        "vapid_public_key": vapid_keys(request.app.state.settings).public_key,
        "saved": saved if saved in FLASHES else "",
        "errors": refusal.errors,
    }
    return render(request, "reminders/index.html", context, status_code=refusal.status_code)


def _page_path(request: Request, saved: str = "") -> str:
    return path_for(request, "reminders", query={"saved": saved})


def _saved(request: Request, saved: str) -> Response:
    """Back to the reminders page, which says what was saved."""
    return redirect(request, _page_path(request, saved))


async def reminders_page(request: Request) -> Response:
    return _page(request)


async def _subscription_json(request: Request) -> tuple[str, str, str]:
    """(endpoint, p256dh, auth) from PushSubscription.toJSON(), or Refused."""
    unreadable = Refused(_("This device's push address cannot be read. Please try again."))
    body = await request.body()
    if len(body) > MAX_SUBSCRIPTION_BYTES:
        raise unreadable
    payload = read_json(body)
    keys = payload.get("keys") if isinstance(payload, dict) else None
    if not isinstance(keys, dict):
        raise unreadable
    values = (payload.get("endpoint"), keys.get("p256dh"), keys.get("auth"))
    if not all(isinstance(value, str) for value in values):
        raise unreadable
    return values  # type: ignore[return-value]


async def subscribe(request: Request) -> Response:
    actor = require_actor(request)
    try:
        endpoint, p256dh, auth = await _subscription_json(request)
        device = subscriptions.subscribe(
            request.state.db, actor=actor, endpoint=endpoint, p256dh=p256dh, auth=auth,
            device_label=device_name(request.headers.get("user-agent", "")),
            allow_loopback=request.app.state.settings.push_allow_loopback,
        )  # fmt: skip
    except DomainError as error:
        return json_error(error)
    return JSONResponse(
        {"device": str(device.id), "redirect": _page_path(request, "device")}, status_code=201
    )


async def remove_device(request: Request) -> Response:
    actor = require_actor(request)
    fields = await form_fields(request, "subscription_id")
    subscription_id = parse_uuid(fields["subscription_id"])
    if subscription_id is None:
        return redirect(request, _page_path(request))  # nothing to remove
    subscriptions.remove_device(request.state.db, actor=actor, subscription_id=subscription_id)
    return _saved(request, "removed")


async def choose_kinds(request: Request) -> Response:
    actor = require_actor(request)
    chosen = (await form_lists(request, "kinds"))["kinds"]
    try:
        subscriptions.choose_kinds(request.state.db, actor=actor, values=chosen)
    except Invalid as error:
        return _page(request, refusal=refuse(request, error, "kinds", {}))
    return _saved(request, "kinds")


routes = [
    Route(PAGE, reminders_page, name="reminders"),
    post(f"{PAGE}/devices", subscribe, name="push_subscribe"),
    post(f"{PAGE}/devices/remove", remove_device, name="remove_push_device"),
    post(f"{PAGE}/kinds", choose_kinds, name="reminder_kinds"),
]
