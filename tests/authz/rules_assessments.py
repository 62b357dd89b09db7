"""Rules for assessments, court opinions, cooperation with institutions and the "Za życiem"
support catalogue: staff of the family only (families are refused every one of them), the
catalogue kept by coordinators, and the family's catalogue page for "Za życiem" families only.

POSTs need not succeed to count as allowed (a 409 or 422 is an answer the role may get): the
point here is who gets past the door, and that refused roles change nothing.
"""

from __future__ import annotations

from pwa.models import Role
from tests.authz.rules import ANY_STAFF, COORDINATOR, Rule, Scope

ASSESSMENT = {"children_situation": "Dzieci bezpieczne.", "recommendation": "continue"}
OPINION = {
    "court": "Sąd Rejonowy w Kłodzku",
    "case_reference": "III Nsm 2/26",
    "requested_on": "2026-01-05",
    "deadline": "2099-01-05",
    "body": "Opinia.",
}
SERVICE = {"category": "legal", "name": "Poradnia prawna", "phone": "74 811 00 00"}

RULES = [
    # assessments
    Rule("assessments", roles=ANY_STAFF, scope=Scope.family),
    Rule("new_assessment", roles=ANY_STAFF, scope=Scope.family),
    Rule("new_assessment", "POST", roles=ANY_STAFF, scope=Scope.family, data=ASSESSMENT),
    Rule("assessment", roles=ANY_STAFF, scope=Scope.family),
    Rule("end_work_with_assessment", roles=ANY_STAFF, scope=Scope.family),
    Rule(
        "end_work_with_assessment",
        "POST",
        roles=ANY_STAFF,
        scope=Scope.family,
        data={**ASSESSMENT, "reason": "goals_met"},
    ),
    # court opinions
    Rule("opinions", roles=ANY_STAFF, scope=Scope.family),
    Rule("request_opinion", "POST", roles=ANY_STAFF, scope=Scope.family, data=OPINION),
    Rule("opinion", roles=ANY_STAFF, scope=Scope.family),
    Rule("opinion", "POST", roles=ANY_STAFF, scope=Scope.family, data=OPINION),
    Rule("finalise_opinion", "POST", roles=ANY_STAFF, scope=Scope.family),
    Rule("supersede_opinion", "POST", roles=ANY_STAFF, scope=Scope.family),
    Rule("print_opinion", roles=ANY_STAFF, scope=Scope.family),
    # cooperation with institutions, and requests from the catalogue
    Rule("institution_contacts", roles=ANY_STAFF, scope=Scope.family),
    Rule(
        "institution_contacts",
        "POST",
        roles=ANY_STAFF,
        scope=Scope.family,
        data={"contact_on": "2026-03-02", "kind": "school", "purpose": "Frekwencja."},
    ),
    Rule(
        "record_support_request",
        "POST",
        roles=ANY_STAFF,
        scope=Scope.family,
        data={"service_id": "{service_id}", "requested_on": "2026-03-02"},
        za_zyciem=True,
    ),
    Rule(
        "update_support_request",
        "POST",
        roles=ANY_STAFF,
        scope=Scope.family,
        data={"outcome": "Porada udzielona."},
    ),
    # the centre's catalogue, and the family's page
    Rule("support_catalogue", roles=ANY_STAFF),
    Rule("add_support_service", "POST", roles=COORDINATOR, data=SERVICE),
    Rule(
        "edit_support_service",
        "POST",
        roles=COORDINATOR,
        scope=Scope.family,
        data={"action": "save", **SERVICE},
    ),
    Rule("family_support", roles=frozenset({Role.family}), za_zyciem=True),
]
