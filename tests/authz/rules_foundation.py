"""Rules for the frame, demo, homes, account, sign-in, invitations, people and audit log."""

from __future__ import annotations

from pwa.models import Role
from tests.authz.rules import ANY_STAFF, COORDINATOR, EVERYONE, Rule, Scope

RULES = [
    Rule("front_page", public=True),
    Rule("healthz", public=True),
    Rule("service_worker", public=True),
    Rule("manifest", public=True),
    Rule("offline", public=True),
    Rule("sign_in", public=True),
    Rule("sign_in_options", "POST", public=True),
    Rule("sign_in_verify", "POST", public=True, json={"credential": {}}),
    # /demo is a 404 outside demo mode; the matrix app is not in demo mode.
    Rule("demo", disabled=True),
    Rule("demo_sign_in", "POST", disabled=True),
    Rule("assistant_home", roles=frozenset({Role.assistant})),
    Rule("coordinator_home", roles=COORDINATOR),
    Rule("family_home", roles=frozenset({Role.family})),
    Rule("account", roles=EVERYONE),
    Rule("who_read", roles=frozenset({Role.family})),
    Rule("add_passkey_options", "POST", roles=EVERYONE),
    Rule("add_passkey", "POST", roles=EVERYONE, json={"credential": {}}),
    Rule("remove_passkey", "POST", roles=EVERYONE, scope=Scope.own_account),
    Rule("end_session", "POST", roles=EVERYONE, scope=Scope.own_account),
    Rule("logout", "POST", roles=EVERYONE),
    Rule("new_staff_invitation", roles=COORDINATOR),
    Rule(
        "invite_staff",
        "POST",
        roles=COORDINATOR,
        data={"first_name": "Ewa", "last_name": "Nowa", "role": "assistant", "gender": "f"},
    ),
    Rule("new_family_invitation", roles=ANY_STAFF, scope=Scope.family),
    Rule(
        "invite_family_member",
        "POST",
        roles=ANY_STAFF,
        scope=Scope.family,
        data={"member_id": "{member_id}"},
    ),
    Rule("revoke_invitation", "POST", roles=ANY_STAFF, scope=Scope.family),
    Rule("accept_invitation", public=True, scope=Scope.token),
    Rule("accept_invitation_options", "POST", public=True, scope=Scope.token),
    Rule(
        "accept_invitation_register",
        "POST",
        public=True,
        scope=Scope.token,
        json={"credential": {}},
    ),
    Rule("people", roles=COORDINATOR),
    Rule("person", roles=COORDINATOR, scope=Scope.person),
    Rule(
        "lost_phone",
        "POST",
        roles=COORDINATOR,
        scope=Scope.person,
        data={"reason": "zgubiony telefon"},
    ),
    Rule(
        "deactivate_user",
        "POST",
        roles=COORDINATOR,
        scope=Scope.person,
        data={"reason": "odejście z pracy"},
    ),
    Rule("audit_log", roles=COORDINATOR),
]
