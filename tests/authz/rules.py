"""How a route is expected to treat each role and scenario."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from pwa.models import Role


class Scope(enum.Enum):
    """What the route's path parameters point at, and so what "own" and "other" mean."""

    none = "none"  # no object in the path: only the actor's own pages
    family = "family"  # something in a family's record (family_id, visit_id, plan_id …)
    person = "person"  # another account of the centre (user_id), managed by coordinators
    own_account = "own_account"  # the actor's own passkeys and sessions
    token = "token"  # a secret link (invitation): public, the token is the key


class Scenario(enum.Enum):
    own = "own"  # the actor's own family (or own centre's object)
    other_family = "other_family"  # another family of the same centre
    other_centre = "other_centre"  # something of another centre


ANY_STAFF = frozenset({Role.coordinator, Role.assistant})
EVERYONE = frozenset(Role)
COORDINATOR = frozenset({Role.coordinator})


@dataclass(frozen=True)
class Rule:
    """One route and method, who may use it, and with what form data."""

    name: str
    method: str = "GET"
    roles: frozenset[Role] = frozenset()
    scope: Scope = Scope.none
    public: bool = False
    # Switched off in the matrix's (non-demo) configuration: a 404 for everyone.
    disabled: bool = False
    data: dict[str, str] = field(default_factory=dict)
    json: dict[str, object] | None = None
    # Values for path parameters the world does not provide (e.g. an id that exists nowhere).
    path_params: dict[str, str] = field(default_factory=dict)
    # The status every role and scenario must get (e.g. 404 from a public feed whose key the
    # world does not hold); None: what `expects_access` says.
    expect_status: int | None = None
    # The world's families are flagged "Za życiem" (pages only such families have).
    za_zyciem: bool = False

    def expects_access(self, role: Role | None, scenario: Scenario) -> bool:
        """Whether `role` (None: signed out) may use the route in `scenario`."""
        if self.public:
            return True
        if role is None or role not in self.roles:
            return False
        if scenario is Scenario.own:
            return True
        if scenario is Scenario.other_centre:
            return False
        # Another family of the same centre: only coordinators see the whole centre.
        return role is Role.coordinator and self.scope in (Scope.family, Scope.person)
