"""Meetings over HTTP: staff schedule, move and cancel them; the family sees what is coming,
what changed, and the past visits it can confirm."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import timedelta

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pwa.domain.kernel import policy
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Invalid
from pwa.domain.kernel.forms import known_uuid
from pwa.domain.visits import diary, meetings
from pwa.i18n import WARSAW, to_local
from pwa.models import PlaceKind, Role, utcnow
from pwa.web.auth import require_actor
from pwa.web.forms import form_fields, path_uuid
from pwa.web.render import redirect, render

STAFF = (Role.assistant, Role.coordinator)
MEETING_FIELDS = ("meeting_date", "starts_at", "duration_minutes", "place_kind", "place_text")
# What the page says after a change (?done=…), by the change.
DONE = ("scheduled", "moved", "cancelled")


def _new_meeting_values() -> dict[str, str]:
    """A blank form: tomorrow at 10:00, an hour at the family's home."""
    tomorrow = utcnow().astimezone(WARSAW).date() + timedelta(days=1)
    return {
        "meeting_date": tomorrow.isoformat(),
        "starts_at": "10:00",
        "duration_minutes": str(meetings.DEFAULT_MEETING_MINUTES),
        "place_kind": PlaceKind.home.value,
        "place_text": "",
    }


def _meetings_page(
    request: Request,
    actor: Actor,
    family_id: uuid.UUID,
    *,
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    change_errors: Mapping[str, Mapping[str, str]] | None = None,
    status_code: int = 200,
) -> Response:
    db = request.state.db
    family = policy.get_family(db, actor=actor, family_id=family_id)
    done = request.query_params.get("done", "")
    found = meetings.family_meetings(db, actor=actor, family_id=family.id, now=utcnow())
    context = {
        "family": family,
        "meetings": found,
        # The move form's date input wants the Warsaw date as 2026-11-23.
        "local_dates": {str(m.id): to_local(m.starts_at).date().isoformat() for m in found},
        "values": values or _new_meeting_values(),
        "errors": errors or {},
        "change_errors": change_errors or {},
        "places": list(PlaceKind),
        "done": done if done in DONE and status_code == 200 else "",
    }
    return render(request, "meetings/index.html", context, status_code=status_code)


async def family_meetings(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    return _meetings_page(request, actor, path_uuid(request, "family_id"))


async def schedule_meeting(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    family_id = path_uuid(request, "family_id")
    values = await form_fields(request, *MEETING_FIELDS)
    try:
        meetings.schedule_meeting(
            request.state.db, actor=actor, family_id=family_id,
            form=meetings.MeetingForm(**values), now=utcnow(),
        )  # fmt: skip
    except Invalid as error:
        request.state.db.rollback()
        return _meetings_page(
            request, actor, family_id, values=values, errors=error.errors, status_code=422
        )
    return redirect(request, f"/families/{family_id}/meetings?done=scheduled")


def _family_of_form(raw: str) -> uuid.UUID:
    """The family whose page the change form was on (only to show that page again)."""
    return known_uuid(raw)


async def move_meeting(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    meeting_id = path_uuid(request, "meeting_id")
    fields = await form_fields(request, "meeting_date", "starts_at", "family_id")
    try:
        meeting = meetings.move_meeting(
            request.state.db, actor=actor, meeting_id=meeting_id,
            meeting_date=fields["meeting_date"], starts_at=fields["starts_at"], now=utcnow(),
        )  # fmt: skip
    except Invalid as error:
        request.state.db.rollback()
        return _meetings_page(
            request, actor, _family_of_form(fields["family_id"]),
            change_errors={str(meeting_id): error.errors}, status_code=422,
        )  # fmt: skip
    return redirect(request, f"/families/{meeting.family_id}/meetings?done=moved")


async def cancel_meeting(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    meeting_id = path_uuid(request, "meeting_id")
    fields = await form_fields(request, "reason", "family_id")
    try:
        meeting = meetings.cancel_meeting(
            request.state.db, actor=actor, meeting_id=meeting_id, reason=fields["reason"],
            now=utcnow(),
        )  # fmt: skip
    except Invalid as error:
        request.state.db.rollback()
        return _meetings_page(
            request, actor, _family_of_form(fields["family_id"]),
            change_errors={str(meeting_id): error.errors}, status_code=422,
        )  # fmt: skip
    return redirect(request, f"/families/{meeting.family_id}/meetings?done=cancelled")


async def family_member_meetings(request: Request) -> Response:
    """The family's coming meetings, and the past visits it has not confirmed yet."""
    actor = require_actor(request, Role.family)
    db = request.state.db
    coming = meetings.meetings_for_family_member(db, actor=actor, now=utcnow())
    visits = diary.visits_for_family_member(db, actor=actor)
    context = {
        "meetings": coming,
        "to_confirm": [visit for visit in visits if not visit.is_confirmed],
        "confirmed": request.query_params.get("confirmed") == "1",
    }
    return render(request, "family/meetings.html", context, offline=True)


routes = [
    Route("/families/{family_id}/meetings", family_meetings, name="family_meetings"),
    Route(
        "/families/{family_id}/meetings",
        schedule_meeting,
        methods=["POST"],
        name="schedule_meeting",
    ),
    Route("/meetings/{meeting_id}/move", move_meeting, methods=["POST"], name="move_meeting"),
    Route("/meetings/{meeting_id}/cancel", cancel_meeting, methods=["POST"], name="cancel_meeting"),
    Route("/family/meetings", family_member_meetings, name="family_member_meetings"),
]
