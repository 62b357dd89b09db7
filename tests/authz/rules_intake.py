"""Rules for intake and the centre's settings: the intake page, the first contact, the
family's answer and the printable consent form for the family's staff; the team's decision
for coordinators only (its notes are staff-only, families are refused every intake route);
the centre's settings for its coordinator.

POSTs need not succeed to count as allowed (a 409 or 422 is an answer the role may get).
"""

from __future__ import annotations

from tests.authz.rules import ANY_STAFF, COORDINATOR, Rule, Scope

DECISION = {
    "met_on": "2026-01-12",
    "participants": "Anna Nowak, koordynatorka",
    "decision": "take_on",
}
CONTACT = {"met_on": "2026-01-12", "role_explained": "on", "expectations": "Pomoc."}
SETTINGS = {
    "name": "Ośrodek Pomocy Społecznej",
    "address": "ul. 1 Maja 1",
    "monitoring_default_months": "3",
    "visit_edit_window_hours": "48",
    "retention_years": "10",
}

RULES = [
    Rule("intake", roles=ANY_STAFF, scope=Scope.family),
    Rule("record_team_decision", "POST", roles=COORDINATOR, scope=Scope.family, data=DECISION),
    Rule("record_first_contact", "POST", roles=ANY_STAFF, scope=Scope.family, data=CONTACT),
    Rule(
        "intake_consent",
        "POST",
        roles=ANY_STAFF,
        scope=Scope.family,
        data={"given_on": "2026-01-12", "consent_form": "written"},
    ),
    Rule("intake_refusal", "POST", roles=ANY_STAFF, scope=Scope.family, data={"refused_on": ""}),
    Rule("consent_form", roles=ANY_STAFF, scope=Scope.family),
    Rule("centre_settings", roles=COORDINATOR),
    Rule("centre_settings", "POST", roles=COORDINATOR, data=SETTINGS),
]
