"""Who is acting: the signed-in user and the session they act from (for the audit log)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from pwa.models import Role, User


@dataclass(frozen=True)
class Actor:
    """A user acting through one session (None for the CLI and background jobs)."""

    user: User
    session_id: uuid.UUID | None = None

    @property
    def id(self) -> uuid.UUID:
        return self.user.id

    @property
    def role(self) -> Role:
        return self.user.role

    @property
    def centre_id(self) -> uuid.UUID:
        return self.user.centre_id
