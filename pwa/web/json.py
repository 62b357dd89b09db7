"""JSON answers for the passkey endpoints (called with fetch() from static/js/passkeys.js)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pwa.domain.kernel.errors import DomainError, NotFound, Refused
from pwa.i18n import gettext as _

MAX_JSON_BYTES = 64 * 1024  # a WebAuthn response is a few kilobytes


def options_response(options_json: str) -> Response:
    return Response(options_json, media_type="application/json")


def read_json(body: bytes) -> Any:
    """The JSON value in `body`, or None when it cannot be read: malformed, not UTF-8, or
    nested deeper than the parser can follow (a RecursionError, not a ValueError)."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


def json_error(error: DomainError) -> JSONResponse:
    message = error.message or _("Something is wrong with the request")
    status = 404 if isinstance(error, NotFound) else error.status_code
    return JSONResponse({"error": message}, status_code=status)


@dataclass(frozen=True)
class CredentialRequest:
    """What passkeys.js posts: the credential (as JSON text) and an optional label."""

    credential_json: str
    label: str = ""


async def credential_body(request: Request) -> CredentialRequest:
    """The credential JSON the browser sent, or Refused (a 400 with a Polish message)."""
    body = await request.body()
    if len(body) > MAX_JSON_BYTES:
        raise Refused(_("The passkey's answer could not be read. Please try again."))
    payload = read_json(body)
    credential = payload.get("credential") if isinstance(payload, dict) else None
    if not isinstance(credential, dict):
        raise Refused(_("The passkey's answer could not be read. Please try again."))
    label = payload.get("label")
    return CredentialRequest(
        json.dumps(credential), label.strip()[:120] if isinstance(label, str) else ""
    )
