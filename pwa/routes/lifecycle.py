"""The life cycle of a case over HTTP: consent and its withdrawal, the end of the work,
monitoring, closing and reopening. The forms sit on the family's page; a change the case's
state does not allow is refused (409) with the domain's message shown in that section."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pwa.domain.cases import closing, lifecycle
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, Invalid
from pwa.models import Role
from pwa.routes.families import STAFF, FormProblem, family_page, family_url
from pwa.web.auth import require_actor
from pwa.web.forms import form_fields, path_uuid
from pwa.web.render import redirect

# One change of the case: (db, actor, family id, the fields sent) -> the domain's answer.
Change = Callable[[Session, Actor, uuid.UUID, dict[str, str]], object]


async def _change(
    request: Request,
    *,
    form: str,
    fields: tuple[str, ...],
    change: Change,
    done: str,
    roles: tuple[Role, ...] = STAFF,
) -> Response:
    """Read the form, make the change, and go back to the family's page (or show the form's
    messages there)."""
    actor = require_actor(request, *roles)
    family_id = path_uuid(request, "family_id")
    sent = await form_fields(request, *fields)
    try:
        change(request.state.db, actor, family_id, sent)
    except (Invalid, Conflict) as error:
        request.state.db.rollback()
        problem = FormProblem.of(error, form, sent)
        return family_page(
            request, actor, family_id, problem=problem, status_code=error.status_code
        )
    return redirect(request, family_url(family_id, done))


def _consent_given(sent: dict[str, str]) -> lifecycle.ConsentGivenForm:
    # The field is not called "form": it would hide the <form> element's own `form` property,
    # which htmx reads.
    return lifecycle.ConsentGivenForm(
        given_on=sent["given_on"], member_id=sent["member_id"], form=sent["consent_form"]
    )


async def record_consent(request: Request) -> Response:
    return await _change(
        request, form="consent", fields=("given_on", "member_id", "consent_form"),
        done="consent",
        change=lambda db, actor, family_id, sent: lifecycle.record_consent(
            db, actor=actor, family_id=family_id, form=_consent_given(sent)
        ),
    )  # fmt: skip


async def withdraw_consent(request: Request) -> Response:
    return await _change(
        request, form="withdraw", fields=("withdrawn_on", "reason"), done="consent_withdrawn",
        change=lambda db, actor, family_id, sent: lifecycle.withdraw_consent(
            db, actor=actor, family_id=family_id, form=lifecycle.WithdrawalForm(**sent)
        ),
    )  # fmt: skip


async def end_work(request: Request) -> Response:
    return await _change(
        request, form="end", fields=("reason", "ended_on", "detail"), done="ended",
        change=lambda db, actor, family_id, sent: lifecycle.end_work(
            db, actor=actor, family_id=family_id, form=lifecycle.EndWorkForm(**sent)
        ),
    )  # fmt: skip


async def start_monitoring(request: Request) -> Response:
    return await _change(
        request, form="monitoring", fields=("until",), done="monitoring",
        change=lambda db, actor, family_id, sent: closing.start_monitoring(
            db, actor=actor, family_id=family_id, form=closing.MonitoringForm(**sent)
        ),
    )  # fmt: skip


async def close_case(request: Request) -> Response:
    return await _change(
        request, form="close", fields=("reason",), done="closed",
        change=lambda db, actor, family_id, sent: closing.close_case(
            db, actor=actor, family_id=family_id, form=closing.ReasonForm(**sent)
        ),
    )  # fmt: skip


async def reopen_case(request: Request) -> Response:
    return await _change(
        request, form="reopen", fields=("reason",), done="reopened", roles=(Role.coordinator,),
        change=lambda db, actor, family_id, sent: closing.reopen_case(
            db, actor=actor, family_id=family_id, form=closing.ReasonForm(**sent)
        ),
    )  # fmt: skip


routes = [
    Route("/families/{family_id}/consent", record_consent, methods=["POST"], name="record_consent"),
    Route(
        "/families/{family_id}/consent/withdraw",
        withdraw_consent,
        methods=["POST"],
        name="withdraw_consent",
    ),
    Route("/families/{family_id}/end", end_work, methods=["POST"], name="end_work"),
    Route(
        "/families/{family_id}/monitoring",
        start_monitoring,
        methods=["POST"],
        name="start_monitoring",
    ),
    Route("/families/{family_id}/close", close_case, methods=["POST"], name="close_case"),
    Route("/families/{family_id}/reopen", reopen_case, methods=["POST"], name="reopen_case"),
]
