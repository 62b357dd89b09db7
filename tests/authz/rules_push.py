"""Rules for reminders: every signed-in user manages their own devices and kinds only.

Removing a device names it in the form: someone else's is simply left alone (the answer is the
same redirect), so the matrix can use any id; tests/test_push_http.py proves it stays.
"""

from __future__ import annotations

from tests.authz.rules import EVERYONE, Rule
from tests.support.push_receiver import TestSubscription

DEVICE = TestSubscription.make("https://fcm.googleapis.com/fcm/send/matrix-device").as_json()

RULES = [
    Rule("reminders", roles=EVERYONE),
    Rule("push_subscribe", "POST", roles=EVERYONE, json=DEVICE),
    Rule(
        "remove_push_device",
        "POST",
        roles=EVERYONE,
        data={"subscription_id": "0b6f2a8e-3c1d-4e5f-9a7b-1c2d3e4f5a6b"},
    ),
    Rule("reminder_kinds", "POST", roles=EVERYONE),
]
