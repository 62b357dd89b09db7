"""The life cycle of a case over HTTP: consent and its withdrawal, the end of the work,
monitoring, closing and reopening. The forms sit on the family's page; a change the case's
state does not allow is refused (409) with the domain's message shown in that section."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from pwa.domain.cases import closing, lifecycle
from pwa.models import Role
from pwa.web.auth import STAFF
from pwa.web.pages import FamilyChange, change_with_form, send_form
from pwa.web.pages.family_record import (
    CONSENT_FIELDS,
    consent_given_form,
    family_record_page,
    family_url,
    refusal_of,
)
from pwa.web.render import redirect
from pwa.web.routing import post


async def _change(
    request: Request,
    *,
    form: str,
    fields: tuple[str, ...],
    change: FamilyChange,
    done: str,
    roles: tuple[Role, ...] = STAFF,
) -> Response:
    """Read the form, make the change, and go back to the family's page (or show the form's
    messages there)."""
    sent = await send_form(request, roles=roles, fields=fields, change=change)
    if sent.error is not None:
        refusal = refusal_of(request, sent.error, form, sent.values)
        return family_record_page(request, sent.actor, sent.record_id, refusal=refusal)
    return redirect(request, family_url(request, sent.record_id, done))


# The consent's fields, on the family's page and at intake's first contact. The field is not
# called "form": it would hide the <form> element's own `form` property, which htmx reads.
async def record_consent(request: Request) -> Response:
    return await _change(
        request, form="consent", fields=CONSENT_FIELDS, done="consent",
        change=change_with_form(lifecycle.record_consent, consent_given_form),
    )  # fmt: skip


async def withdraw_consent(request: Request) -> Response:
    return await _change(
        request, form="withdraw", fields=("withdrawn_on", "reason"), done="consent_withdrawn",
        change=change_with_form(lifecycle.withdraw_consent, lifecycle.WithdrawalForm),
    )  # fmt: skip


async def end_work(request: Request) -> Response:
    return await _change(
        request, form="end", fields=("reason", "ended_on", "detail"), done="ended",
        change=change_with_form(lifecycle.end_work, lifecycle.EndWorkForm),
    )  # fmt: skip


async def start_monitoring(request: Request) -> Response:
    return await _change(
        request, form="monitoring", fields=("until",), done="monitoring",
        change=change_with_form(closing.start_monitoring, closing.MonitoringForm),
    )  # fmt: skip


async def close_case(request: Request) -> Response:
    return await _change(
        request, form="close", fields=("reason",), done="closed",
        change=change_with_form(closing.close_case, closing.ReasonForm),
    )  # fmt: skip


async def reopen_case(request: Request) -> Response:
    return await _change(
        request, form="reopen", fields=("reason",), done="reopened", roles=(Role.coordinator,),
        change=change_with_form(closing.reopen_case, closing.ReasonForm),
    )  # fmt: skip


routes = [
    post("/families/{family_id}/consent", record_consent, name="record_consent"),
    post("/families/{family_id}/consent/withdraw", withdraw_consent, name="withdraw_consent"),
    post("/families/{family_id}/end", end_work, name="end_work"),
    post("/families/{family_id}/monitoring", start_monitoring, name="start_monitoring"),
    post("/families/{family_id}/close", close_case, name="close_case"),
    post("/families/{family_id}/reopen", reopen_case, name="reopen_case"),
]
