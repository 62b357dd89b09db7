"""Rules for cases: the referral, the family's page, members, the assistant, the life cycle,
the timeline and the search (issue 5).

The world's families are at work with their consent, so most life-cycle changes answer 409
to those allowed to ask: the matrix checks who may ask, the HTTP tests what the answer says.
"""

from __future__ import annotations

from tests.authz.rules import ANY_STAFF, COORDINATOR, Rule, Scope

_REFERRAL = {
    "case_number": "AR.9999.1.2026",
    "name": "Macierzowie",
    "address": "ul. Testowa 1, 57-500 Bystrzyca Kłodzka",
    "phone": "",
    "referral_reason": "Zgłoszenie do sprawdzenia uprawnień.",
    "social_worker_name": "Ewa Kaczmarek",
    "members-0-first_name": "Ewa",
    "members-0-last_name": "Macierz",
    "members-0-relation": "parent",
}
_MEMBER = {"first_name": "Jan", "last_name": "Nowy", "relation": "guardian"}

RULES = [
    Rule("new_family", roles=COORDINATOR),
    Rule("register_family", "POST", roles=COORDINATOR, data=_REFERRAL),
    Rule("family_search", roles=ANY_STAFF),
    Rule("family_page", roles=ANY_STAFF, scope=Scope.family),
    Rule("edit_referral", roles=COORDINATOR, scope=Scope.family),
    Rule("edit_referral", "POST", roles=COORDINATOR, scope=Scope.family, data=_REFERRAL),
    Rule("family_timeline", roles=ANY_STAFF, scope=Scope.family),
    Rule(
        "add_member",
        "POST",
        roles=ANY_STAFF,
        scope=Scope.family,
        data={**_MEMBER, "relation": "child", "birth_date": "2019-05-01"},
    ),
    Rule(
        "update_member",
        "POST",
        roles=ANY_STAFF,
        scope=Scope.family,
        data={**_MEMBER, "family_id": "{family_id}"},
    ),
    Rule(
        "member_left_household",
        "POST",
        roles=ANY_STAFF,
        scope=Scope.family,
        data={"left_on": "", "family_id": "{family_id}"},
    ),
    Rule("member_back_in_household", "POST", roles=ANY_STAFF, scope=Scope.family),
    # No assistant chosen: a 422 for those who may assign, a 403/404 for everyone else.
    Rule("assign_assistant", "POST", roles=COORDINATOR, scope=Scope.family),
    Rule(
        "record_consent",
        "POST",
        roles=ANY_STAFF,
        scope=Scope.family,
        data={"given_on": "", "member_id": "{parent_id}", "consent_form": "written"},
    ),
    Rule(
        "withdraw_consent",
        "POST",
        roles=ANY_STAFF,
        scope=Scope.family,
        data={"withdrawn_on": "", "reason": "Rodzina rezygnuje ze wsparcia."},
    ),
    Rule(
        "end_work",
        "POST",
        roles=ANY_STAFF,
        scope=Scope.family,
        data={"reason": "goals_met", "ended_on": "", "detail": ""},
    ),
    Rule("start_monitoring", "POST", roles=ANY_STAFF, scope=Scope.family, data={"until": ""}),
    Rule(
        "close_case",
        "POST",
        roles=ANY_STAFF,
        scope=Scope.family,
        data={"reason": "Cele osiągnięte."},
    ),
    Rule(
        "reopen_case",
        "POST",
        roles=COORDINATOR,
        scope=Scope.family,
        data={"reason": "Nowe zgłoszenie."},
    ),
]
