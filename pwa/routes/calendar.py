"""The private calendar feed: its address on the account page, renewing it, and the feed."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pwa.domain.visits import calendar_feed
from pwa.models import utcnow
from pwa.web.auth import require_actor
from pwa.web.render import render
from pwa.web.routing import post

CALENDAR_MEDIA_TYPE = "text/calendar; charset=utf-8"


def _feed_urls(request: Request, token: str) -> dict[str, str]:
    """The feed's address, and the same as webcal:// (phones offer to subscribe to it)."""
    url = f"{request.app.state.settings.base_url}/calendar/{token}.ics"
    return {"feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]}


async def calendar_settings(request: Request) -> Response:
    actor = require_actor(request)
    # Only the token's hash is kept: the address itself can be shown only when it is made.
    context = {
        "has_feed": actor.user.calendar_token_hash is not None,
        "feed_url": "",
        "stopped": False,
    }
    return render(request, "calendar/index.html", context, block="calendar_link")


async def renew_calendar(request: Request) -> Response:
    actor = require_actor(request)
    token = calendar_feed.renew_calendar_token(request.state.db, actor=actor)
    context = {"has_feed": True, "stopped": False, **_feed_urls(request, token)}
    return render(request, "calendar/index.html", context, block="calendar_link")


async def stop_calendar(request: Request) -> Response:
    """ "Wyłącz kalendarz": the secret address stops working until a new one is made."""
    actor = require_actor(request)
    calendar_feed.stop_calendar_feed(request.state.db, actor=actor)
    context = {"has_feed": False, "feed_url": "", "stopped": True}
    return render(request, "calendar/index.html", context, block="calendar_link")


async def feed(request: Request) -> Response:
    """The iCalendar file: public, the token in the address is the key (404 otherwise)."""
    body = calendar_feed.calendar_feed(
        request.state.db, token=str(request.path_params["token"]), now=utcnow()
    )
    return Response(body, media_type=CALENDAR_MEDIA_TYPE)


routes = [
    Route("/account/calendar", calendar_settings, name="calendar_settings"),
    post("/account/calendar/renew", renew_calendar, name="renew_calendar"),
    post("/account/calendar/stop", stop_calendar, name="stop_calendar"),
    Route("/calendar/{token}.ics", feed, name="calendar_feed"),
]
