"""The offline outbox's pages: the list of what waits on the phone, the "saved on the phone"
page the service worker answers a form with, and the session check a replay starts with.

The outbox itself lives in the browser (pwa/static/js/outbox.js): these pages hold no
family's data, only the texts the scripts show.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pwa.i18n import gettext as _
from pwa.labels import label
from pwa.models import PlaceKind, VisitKind
from pwa.web.auth import require_actor
from pwa.web.render import render

NO_STORE = {"Cache-Control": "no-store"}


def field_labels() -> dict[str, str]:
    """The names of the stored form fields shown on the list (the visit form's own labels)."""
    return {
        "visit_date": _("Date"),
        "starts_at": _("Start time"),
        "duration_minutes": _("Length"),
        "duration_other": _("Another length, in minutes"),
        "place_kind": _("Place"),
        "place_text": _("Another place, in words"),
        "present_others": _("Others present, in words (e.g. the school counsellor)"),
        "kind": _("Kind of visit"),
        "notes": _("What was done (for staff only, never shown to the family)"),
        "next_meeting_date": _("Date of the next meeting"),
        "next_meeting_time": _("Time of the next meeting"),
    }


def value_labels() -> dict[str, str]:
    """The words for the coded values a visit form sends (its place and kind)."""
    return {str(value.value): label(value) for value in (*PlaceKind, *VisitKind)}


async def outbox_page(request: Request) -> Response:
    """What this user recorded on this phone and has not been sent yet (read in the page)."""
    require_actor(request)
    context = {"field_labels": field_labels(), "value_labels": value_labels()}
    return render(request, "outbox/index.html", context, offline=True)


async def saved_page(request: Request) -> Response:
    """Precached by the service worker, the same for everyone: it names no user."""
    request.state.user = request.state.centre = None
    response = render(request, "outbox/saved.html")
    del response.headers["X-Asysta-User"]  # not a sign-out: it is fetched while signed in
    return response


async def session_csrf(request: Request) -> Response:
    """Who is signed in here, and the CSRF token a replayed form must carry (never cached)."""
    user = getattr(request.state, "user", None)
    return JSONResponse(
        {"token": request.state.csrf_token, "user": str(user.id) if user else None},
        headers=NO_STORE,
    )


routes = [
    Route("/outbox", outbox_page, name="outbox"),
    Route("/outbox/saved", saved_page, name="outbox_saved"),
    Route("/session/csrf", session_csrf, name="session_csrf"),
]
