"""Rules for the offline outbox's pages: the list is any signed-in user's own; the "saved on
the phone" page and the session check are the same for everyone (they name nobody but the
asker)."""

from __future__ import annotations

from tests.authz.rules import EVERYONE, Rule

RULES = [
    Rule("outbox", roles=EVERYONE),
    Rule("outbox_saved", public=True),
    Rule("session_csrf", public=True),
]
