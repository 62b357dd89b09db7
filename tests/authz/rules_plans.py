"""Rules for the work plan: staff pages for the family's assistant and coordinators; family
members only their own plan page, the agreement and ticking their own tasks.

The world's plan is agreed, with one goal and one task owned by the family actor's parent
member, so a family member's tick of it is allowed; the staff's edits make a new draft.
"""

from __future__ import annotations

from datetime import timedelta

from pwa.i18n import local_today
from pwa.models import Role
from tests.authz.rules import ANY_STAFF, Rule, Scope

FAMILY = frozenset({Role.family})
EVERYONE_SIGNED_IN = frozenset(Role)
SOON = (local_today() + timedelta(days=30)).isoformat()
YESTERDAY = (local_today() - timedelta(days=1)).isoformat()
TASK = {
    "action": "Odebrać zaświadczenie",
    "owner": "{parent_id}",
    "due_on": SOON,
    "expected_effect": "Zaświadczenie jest w teczce",
}

RULES = [
    Rule("family_plan", roles=ANY_STAFF, scope=Scope.family),
    Rule("start_plan", "POST", roles=ANY_STAFF, scope=Scope.family),
    Rule("plan_history", roles=ANY_STAFF, scope=Scope.family),
    Rule("compare_plans", roles=ANY_STAFF, scope=Scope.family),
    Rule("print_plan", roles=ANY_STAFF, scope=Scope.family),
    Rule(
        "add_goal",
        "POST",
        roles=ANY_STAFF,
        scope=Scope.family,
        data={"area": "school", "wording": "Ola chodzi do szkoły"},
    ),
    Rule(
        "edit_goal",
        "POST",
        roles=ANY_STAFF,
        scope=Scope.family,
        data={"area": "school", "wording": "Ola chodzi codziennie", "plan_id": "{plan_id}"},
    ),
    Rule("remove_goal", "POST", roles=ANY_STAFF, scope=Scope.family, data={"plan_id": "{plan_id}"}),
    Rule(
        "add_task",
        "POST",
        roles=ANY_STAFF,
        scope=Scope.family,
        data={**TASK, "plan_id": "{plan_id}"},
    ),
    Rule(
        "edit_task",
        "POST",
        roles=ANY_STAFF,
        scope=Scope.family,
        data={**TASK, "revision": "1", "plan_id": "{plan_id}"},
    ),
    Rule(
        "change_due_date",
        "POST",
        roles=ANY_STAFF,
        scope=Scope.family,
        data={"due_on": SOON, "revision": "1", "plan_id": "{plan_id}"},
    ),
    Rule("remove_task", "POST", roles=ANY_STAFF, scope=Scope.family, data={"plan_id": "{plan_id}"}),
    # The family actor owns the world's task: they may tick it, as staff may.
    Rule("tick_task", "POST", roles=EVERYONE_SIGNED_IN, scope=Scope.family, data={"revision": "1"}),
    Rule("reopen_task", "POST", roles=ANY_STAFF, scope=Scope.family, data={"revision": "1"}),
    Rule(
        "drop_task",
        "POST",
        roles=ANY_STAFF,
        scope=Scope.family,
        data={"revision": "1", "reason": "nieaktualne"},
    ),
    Rule(
        "record_consultation",
        "POST",
        roles=ANY_STAFF,
        scope=Scope.family,
        data={"consulted_on": YESTERDAY, "consulted_with": "Anna Socjalna", "remarks": ""},
    ),
    Rule(
        "record_foster_coordination",
        "POST",
        roles=ANY_STAFF,
        scope=Scope.family,
        data={"coordinator": "Jan Koordynator", "reference": "", "coordinated_on": YESTERDAY},
    ),
    Rule(
        "record_paper_agreement",
        "POST",
        roles=ANY_STAFF,
        scope=Scope.family,
        data={"signed_on": YESTERDAY, "member_id": "{parent_id}"},
    ),
    Rule("agree_to_plan", "POST", roles=FAMILY, scope=Scope.family, data={"fingerprint": ""}),
    Rule("family_plan_view", roles=FAMILY),
]
