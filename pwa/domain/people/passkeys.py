"""Passkeys (WebAuthn) with py_webauthn: registration on an invitation or for a new phone,
usernameless sign-in, listing and removing. Challenges are single-use and expire.

Every failure raises Refused (HTTP 400) with a Polish message; the caller rolls back.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import parse_client_data_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.parse_authentication_credential_json import (
    parse_authentication_credential_json,
)
from webauthn.helpers.parse_registration_credential_json import (
    parse_registration_credential_json,
)
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from pwa.domain.kernel import audit
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, NotFound, Refused
from pwa.domain.people import invitations
from pwa.i18n import format_date
from pwa.i18n import gettext as _
from pwa.models import Invitation, PasskeyCredential, User, WebAuthnChallenge, utcnow

CHALLENGE_LIFETIME = timedelta(minutes=5)
REGISTER = "register"
AUTHENTICATE = "authenticate"


@dataclass(frozen=True)
class RelyingParty:
    """This deployment as WebAuthn sees it: RP ID = host of the base URL, and its origin."""

    id: str
    name: str
    origin: str


def _new_challenge(
    db: Session,
    *,
    purpose: str,
    challenge: bytes,
    now: datetime,
    user: User | None = None,
    invitation: Invitation | None = None,
    user_handle: bytes | None = None,
) -> None:
    db.add(
        WebAuthnChallenge(
            challenge=challenge,
            purpose=purpose,
            user_id=user.id if user else None,
            invitation_id=invitation.id if invitation else None,
            user_handle=user_handle,
            created_at=now,
            expires_at=now + CHALLENGE_LIFETIME,
        )
    )
    db.flush()


class PasskeyCheckRefused(Refused):
    """A registered, active passkey whose answer failed a check (signature, counter, user
    verification): the refusal names the account it was tried against, for the audit log."""

    def __init__(self, message: str, *, user_id: uuid.UUID, centre_id: uuid.UUID) -> None:
        super().__init__(message)
        self.user_id = user_id
        self.centre_id = centre_id


def _not_confirmed() -> Refused:
    """py_webauthn refused the answer: the same words whichever check failed."""
    return Refused(
        _(
            "The passkey could not be confirmed. Unlock your phone with your fingerprint, face or PIN and try again."
        )
    )


def _claim_challenge(
    db: Session, *, client_data_json: bytes, purpose: str, now: datetime
) -> WebAuthnChallenge:
    """The stored challenge the browser signed, marked used exactly once (else Refused)."""
    try:
        challenge = parse_client_data_json(client_data_json).challenge
    except (WebAuthnException, ValueError, KeyError, TypeError):
        raise Refused(_("The passkey's answer could not be read. Please try again.")) from None
    row = db.exec(select(WebAuthnChallenge).where(WebAuthnChallenge.challenge == challenge)).first()
    if row is None or row.purpose != purpose:
        raise Refused(_("This sign-in attempt is unknown. Please start again."))
    if row.used_at is not None or now >= row.expires_at:
        raise Refused(_("This attempt has expired. Please start again."))
    claimed = db.execute(
        sa.update(WebAuthnChallenge)
        .where(col(WebAuthnChallenge.id) == row.id, col(WebAuthnChallenge.used_at).is_(None))
        .values(used_at=now)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise Refused(_("This attempt has expired. Please start again."))
    return row


def _active_credentials(db: Session, user_id: uuid.UUID) -> Sequence[PasskeyCredential]:
    return db.exec(
        select(PasskeyCredential)
        .where(PasskeyCredential.user_id == user_id, col(PasskeyCredential.revoked_at).is_(None))
        .order_by(col(PasskeyCredential.created_at))
    ).all()


def _registration_options(
    rp: RelyingParty, *, user_handle: bytes, name: str, exclude: Sequence[PasskeyCredential]
) -> tuple[str, bytes]:
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=rp.name,
        user_id=user_handle,
        user_name=name,
        user_display_name=name,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            require_resident_key=True,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=c.credential_id) for c in exclude],
    )
    return options_to_json(options), options.challenge


def invitation_registration_options(
    db: Session, *, rp: RelyingParty, invitation: Invitation, now: datetime | None = None
) -> str:
    """Options to create the first passkey of the person an invitation is for."""
    now = now or utcnow()
    invitations.require_valid(invitation, now=now)
    user_handle = uuid.uuid4().bytes  # becomes the new account's id
    name = f"{invitation.first_name} {invitation.last_name}".strip()
    options_json, challenge = _registration_options(
        rp, user_handle=user_handle, name=name, exclude=[]
    )
    _new_challenge(
        db,
        purpose=REGISTER,
        challenge=challenge,
        now=now,
        invitation=invitation,
        user_handle=user_handle,
    )
    return options_json


def account_registration_options(
    db: Session, *, rp: RelyingParty, user: User, now: datetime | None = None
) -> str:
    """Options to add another passkey (a new phone) to a signed-in user's account."""
    now = now or utcnow()
    options_json, challenge = _registration_options(
        rp, user_handle=user.id.bytes, name=user.full_name, exclude=_active_credentials(db, user.id)
    )
    _new_challenge(
        db, purpose=REGISTER, challenge=challenge, now=now, user=user, user_handle=user.id.bytes
    )
    return options_json


def _verify_registration(
    db: Session, *, rp: RelyingParty, credential_json: str, now: datetime
) -> tuple[WebAuthnChallenge, PasskeyCredential]:
    try:
        credential = parse_registration_credential_json(credential_json)
    except (WebAuthnException, ValueError, KeyError, TypeError, json.JSONDecodeError):
        raise Refused(_("The passkey's answer could not be read. Please try again.")) from None
    challenge = _claim_challenge(
        db, client_data_json=credential.response.client_data_json, purpose=REGISTER, now=now
    )
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge.challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            require_user_verification=True,
        )
    except WebAuthnException:
        raise _not_confirmed() from None
    if db.exec(
        select(PasskeyCredential.id).where(
            PasskeyCredential.credential_id == verified.credential_id
        )
    ).first():
        raise Refused(_("This passkey is already registered."))
    transports = ",".join(t.value for t in (credential.response.transports or []))
    passkey = PasskeyCredential(
        user_id=uuid.UUID(bytes=challenge.user_handle)
        if challenge.user_handle
        else challenge.user_id,  # type: ignore[arg-type]
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=transports[:120],
        created_at=now,
    )
    return challenge, passkey


def register_from_invitation(
    db: Session,
    *,
    rp: RelyingParty,
    invitation: Invitation,
    credential_json: str,
    label: str = "",
    now: datetime | None = None,
) -> User:
    """Verify the new passkey, accept the invitation (single use) and create the account."""
    now = now or utcnow()
    invitations.require_valid(invitation, now=now)
    challenge, passkey = _verify_registration(db, rp=rp, credential_json=credential_json, now=now)
    if challenge.invitation_id != invitation.id or challenge.user_handle is None:
        raise Refused(_("This sign-in attempt is unknown. Please start again."))
    try:
        user = invitations.accept(
            db, invitation=invitation, now=now, user_id=uuid.UUID(bytes=challenge.user_handle)
        )
    except Conflict as error:
        raise Refused(error.message) from None
    passkey.user_id = user.id
    passkey.label = label[:120] or _("First passkey")
    db.add(passkey)
    db.flush()
    return user


def register_for_account(
    db: Session,
    *,
    rp: RelyingParty,
    actor: Actor,
    credential_json: str,
    label: str = "",
    now: datetime | None = None,
) -> PasskeyCredential:
    """Verify and store another passkey of a signed-in user."""
    now = now or utcnow()
    user = actor.user
    challenge, passkey = _verify_registration(db, rp=rp, credential_json=credential_json, now=now)
    if challenge.user_id != user.id:
        raise Refused(_("This sign-in attempt is unknown. Please start again."))
    passkey.user_id = user.id
    passkey.label = label[:120] or _("Passkey added on %(date)s", date=format_date(now))
    return audit.save(db, passkey, actor=actor, action="passkey.add")


def authentication_options(db: Session, *, rp: RelyingParty, now: datetime | None = None) -> str:
    """Options for a usernameless sign-in: any passkey of this site, user verification required."""
    now = now or utcnow()
    options = generate_authentication_options(
        rp_id=rp.id, user_verification=UserVerificationRequirement.REQUIRED
    )
    _new_challenge(db, purpose=AUTHENTICATE, challenge=options.challenge, now=now)
    return options_to_json(options)


def authenticate(
    db: Session, *, rp: RelyingParty, credential_json: str, now: datetime | None = None
) -> User:
    """Verify a sign-in assertion: challenge, origin, signature, user verification, counter."""
    now = now or utcnow()
    try:
        credential = parse_authentication_credential_json(credential_json)
    except (WebAuthnException, ValueError, KeyError, TypeError, json.JSONDecodeError):
        raise Refused(_("The passkey's answer could not be read. Please try again.")) from None
    challenge = _claim_challenge(
        db, client_data_json=credential.response.client_data_json, purpose=AUTHENTICATE, now=now
    )
    stored = db.exec(
        select(PasskeyCredential).where(PasskeyCredential.credential_id == credential.raw_id)
    ).first()
    user = db.get(User, stored.user_id) if stored else None
    if stored is None or stored.revoked_at is not None or user is None or not user.is_active:
        raise Refused(_("This passkey is not registered in Asysta, or it has been revoked."))
    handle = credential.response.user_handle
    if handle is not None and handle != user.id.bytes:
        raise Refused(_("This passkey is not registered in Asysta, or it has been revoked."))
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge.challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            credential_public_key=stored.public_key,
            credential_current_sign_count=stored.sign_count,
            require_user_verification=True,
        )
    except WebAuthnException:
        raise PasskeyCheckRefused(
            _not_confirmed().message, user_id=user.id, centre_id=user.centre_id
        ) from None
    stored.sign_count = verified.new_sign_count
    stored.last_used_at = now
    db.add(stored)
    return user


def list_passkeys(db: Session, *, user: User) -> Sequence[PasskeyCredential]:
    return _active_credentials(db, user.id)


def remove_passkey(
    db: Session, *, actor: Actor, passkey_id: uuid.UUID, now: datetime | None = None
) -> PasskeyCredential:
    """Revoke one of the user's own passkeys; the last one stays (it is the only way in)."""
    active = _active_credentials(db, actor.id)
    passkey = next((p for p in active if p.id == passkey_id), None)
    if passkey is None:
        raise NotFound
    if len(active) == 1:
        raise Conflict(_("This is your only passkey: add another one before removing it."))
    passkey.revoked_at = now or utcnow()
    db.add(passkey)
    audit.record(db, actor=actor, action="passkey.remove", obj=passkey)
    return passkey


def revoke_all(db: Session, *, user: User, now: datetime | None = None) -> int:
    """Revoke every passkey of a user (the lost phone); returns how many."""
    result = db.execute(
        sa.update(PasskeyCredential)
        .where(
            col(PasskeyCredential.user_id) == user.id, col(PasskeyCredential.revoked_at).is_(None)
        )
        .values(revoked_at=now or utcnow())
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
