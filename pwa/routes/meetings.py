"""Meetings over HTTP: staff schedule, move and cancel them; the family sees what is coming,
what changed, and the past visits it can confirm."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pwa.domain.kernel import policy
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Invalid
from pwa.domain.visits import diary, meetings
from pwa.i18n import WARSAW, to_local
from pwa.models import Meeting, PlaceKind, Role, utcnow
from pwa.web.auth import STAFF, require_actor
from pwa.web.forms import family_of_form, path_uuid
from pwa.web.pages import NO_REFUSAL, Refusal, refuse, send_form
from pwa.web.render import path_for, redirect, render
from pwa.web.routing import post

MEETING_FIELDS = ("meeting_date", "starts_at", "duration_minutes", "place_kind", "place_text")
# What the page says after a change (?done=…), by the change.
DONE = ("scheduled", "moved", "cancelled")
SCHEDULE = "schedule"  # the new-meeting form (the change forms are named by the meeting's id)


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
    refusal: Refusal = NO_REFUSAL,
) -> Response:
    """The family's meetings; after a refusal, the schedule form (`SCHEDULE`) or the change
    forms of one meeting (by its id) with their messages."""
    db = request.state.db
    family = policy.get_family(db, actor=actor, family_id=family_id)
    done = request.query_params.get("done", "")
    found = meetings.family_meetings(db, actor=actor, family_id=family.id, now=utcnow())
    context = {
        "family": family,
        "meetings": found,
        # The move form's date input wants the Warsaw date as 2026-11-23.
        "local_dates": {str(m.id): to_local(m.starts_at).date().isoformat() for m in found},
        "values": refusal.values if refusal.form == SCHEDULE else _new_meeting_values(),
        "errors": refusal.errors_of(SCHEDULE),
        "may_change": {str(m.id): policy.may_change_meeting(m) for m in found},
        "change_errors": {refusal.form: refusal.errors},  # by meeting id; no meeting is ""
        "places": list(PlaceKind),
        "done": done if done in DONE and refusal.status_code == 200 else "",
    }
    return render(request, "meetings/index.html", context, status_code=refusal.status_code)


def _done(request: Request, family_id: uuid.UUID, done: str) -> Response:
    query = {"done": done}
    return redirect(request, path_for(request, "family_meetings", family_id=family_id, query=query))


async def family_meetings(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    return _meetings_page(request, actor, path_uuid(request, "family_id"))


async def schedule_meeting(request: Request) -> Response:
    sent = await send_form(
        request, roles=STAFF, fields=MEETING_FIELDS, refusals=(Invalid,),
        change=lambda db, actor, family_id, values: meetings.schedule_meeting(
            db, actor=actor, family_id=family_id, form=meetings.MeetingForm(**values),
            now=utcnow(),
        ),
    )  # fmt: skip
    if sent.error is not None:
        refusal = refuse(request, sent.error, SCHEDULE, sent.values)
        return _meetings_page(request, sent.actor, sent.record_id, refusal=refusal)
    return _done(request, sent.record_id, "scheduled")


# One change of a meeting: (db, actor, meeting id, the fields sent) -> the changed meeting.
MeetingChange = Callable[[Session, Actor, uuid.UUID, dict[str, str]], Meeting]


async def _change_meeting(
    request: Request, *, fields: tuple[str, ...], change: MeetingChange, done: str
) -> Response:
    """Move or cancel a meeting from the family's meetings page (its form names the family)."""
    sent = await send_form(
        request, roles=STAFF, fields=(*fields, "family_id"), change=change,
        path_key="meeting_id", refusals=(Invalid,),
    )  # fmt: skip
    if sent.error is not None:
        refusal = refuse(request, sent.error, str(sent.record_id))
        family_id = family_of_form(sent.values["family_id"])
        return _meetings_page(request, sent.actor, family_id, refusal=refusal)
    return _done(request, sent.changed.family_id, done)


async def move_meeting(request: Request) -> Response:
    return await _change_meeting(
        request, fields=("meeting_date", "starts_at"), done="moved",
        change=lambda db, actor, meeting_id, sent: meetings.move_meeting(
            db, actor=actor, meeting_id=meeting_id, meeting_date=sent["meeting_date"],
            starts_at=sent["starts_at"], now=utcnow(),
        ),
    )  # fmt: skip


async def cancel_meeting(request: Request) -> Response:
    return await _change_meeting(
        request, fields=("reason",), done="cancelled",
        change=lambda db, actor, meeting_id, sent: meetings.cancel_meeting(
            db, actor=actor, meeting_id=meeting_id, reason=sent["reason"], now=utcnow()
        ),
    )  # fmt: skip


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
    post("/families/{family_id}/meetings", schedule_meeting, name="schedule_meeting"),
    post("/meetings/{meeting_id}/move", move_meeting, name="move_meeting"),
    post("/meetings/{meeting_id}/cancel", cancel_meeting, name="cancel_meeting"),
    Route("/family/meetings", family_member_meetings, name="family_member_meetings"),
]
