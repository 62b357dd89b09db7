"""Rules for the reports, the family's data rights and the accessibility statement."""

from __future__ import annotations

from tests.authz.rules import ANY_STAFF, COORDINATOR, Rule, Scope

RULES = [
    # Without ?assistant=: an assistant's own report, the coordinator's first assistant.
    Rule("monthly_report", roles=ANY_STAFF),
    Rule("monthly_report_csv", roles=ANY_STAFF),
    Rule("yearly_report", roles=COORDINATOR),
    Rule("yearly_report_csv", roles=COORDINATOR),
    Rule("family_export", roles=COORDINATOR, scope=Scope.family),
    Rule("retention", roles=COORDINATOR),
    # The world's families are at work: the coordinator is heard and refused (409).
    Rule("anonymise_family", "POST", roles=COORDINATOR, scope=Scope.family),
    Rule("accessibility_statement", public=True),
]
