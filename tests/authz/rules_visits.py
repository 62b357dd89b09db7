"""Rules for visits, the diary, meetings, the calendar feed and office hours (issue 7)."""

from __future__ import annotations

from datetime import timedelta

from pwa.i18n import local_today
from pwa.models import Role
from tests.authz.rules import ANY_STAFF, COORDINATOR, EVERYONE, Rule, Scope

FAMILY = frozenset({Role.family})
ASSISTANT = frozenset({Role.assistant})
NOBODY: frozenset[Role] = frozenset()
TODAY = local_today()

VISIT = {
    # The world's spare session id differs for each role and scenario: each permitted post
    # records a visit of its own instead of repeating another role's (which would be a 409).
    "visit_id": "{session_id}",
    "visit_date": TODAY.isoformat(),
    "starts_at": "10:00",
    "duration_minutes": "60",
    "place_kind": "home",
    "present_member_ids": "{parent_id}",
    "kind": "home_visit",
    "notes": "Rozmowa o planie",
}
# The world's visit was recorded just now, yesterday's date: its author may still change it.
VISIT_CHANGE = {
    **{key: value for key, value in VISIT.items() if key != "visit_id"},
    "visit_date": (TODAY - timedelta(days=1)).isoformat(),
    "notes": "Rozmowa o planie (poprawione)",
}
MEETING = {
    "meeting_date": (TODAY + timedelta(days=3)).isoformat(),
    "starts_at": "10:00",
    "duration_minutes": "60",
    "place_kind": "home",
}
# The world's meeting is two days ahead: moving it to five days ahead is allowed.
MOVE = {"meeting_date": (TODAY + timedelta(days=5)).isoformat(), "starts_at": "11:00", "family_id": "{family_id}"}  # fmt: skip
OFFICE_HOURS = {"weekdays": "4", "starts_at": "08:00", "ends_at": "10:00", "place": "OPS, pokój 3"}  # fmt: skip
# The world has no office-hours id to name: nobody may remove a slot that exists nowhere.
UNKNOWN_SLOT = {"slot_id": "00000000-0000-4000-8000-000000000000"}

RULES = [
    Rule("new_visit", roles=ANY_STAFF, scope=Scope.family),
    Rule("record_visit", "POST", roles=ANY_STAFF, scope=Scope.family, data=VISIT),
    Rule("visit", roles=ANY_STAFF, scope=Scope.family),
    # Only the author changes a visit: the world's visits are by the families' assistants.
    Rule("edit_visit", roles=ASSISTANT, scope=Scope.family),
    Rule("update_visit", "POST", roles=ASSISTANT, scope=Scope.family, data=VISIT_CHANGE),
    Rule("family_diary", roles=ANY_STAFF, scope=Scope.family),
    Rule("family_diary_csv", roles=ANY_STAFF, scope=Scope.family),
    # The signed-in assistant's own diary; a coordinator first chooses an assistant.
    Rule("diary", roles=ANY_STAFF),
    Rule("diary_csv", roles=ANY_STAFF),
    Rule("family_member_visits", roles=FAMILY),
    # A member confirms only a visit they were at; nobody is marked present at the world's
    # visits, so nobody may confirm them (tests/test_visits_http.py confirms one).
    Rule("confirm_visit", "POST", roles=NOBODY, scope=Scope.family),
    Rule("family_meetings", roles=ANY_STAFF, scope=Scope.family),
    Rule("schedule_meeting", "POST", roles=ANY_STAFF, scope=Scope.family, data=MEETING),
    Rule("move_meeting", "POST", roles=ANY_STAFF, scope=Scope.family, data=MOVE),
    Rule(
        "cancel_meeting",
        "POST",
        roles=ANY_STAFF,
        scope=Scope.family,
        data={"reason": "Choroba w rodzinie", "family_id": "{family_id}"},
    ),
    Rule("family_member_meetings", roles=FAMILY),
    Rule("family_contact", roles=FAMILY),
    Rule("calendar_settings", roles=EVERYONE),
    Rule("renew_calendar", "POST", roles=EVERYONE),
    Rule("stop_calendar", "POST", roles=EVERYONE),
    # Public: the token is the key. The world's token opens an invitation, not a calendar.
    Rule("calendar_feed", public=True, scope=Scope.token, expect_status=404),
    Rule("office_hours", roles=COORDINATOR),
    Rule("add_office_hours", "POST", roles=COORDINATOR, data=OFFICE_HOURS),
    Rule(
        "remove_office_hours",
        "POST",
        roles=NOBODY,
        path_params=UNKNOWN_SLOT,
    ),
]
