"""Small checks shared by the forms of every feature."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def is_email(value: str) -> bool:
    """A plausible e-mail address (the mail server is the final judge)."""
    return len(value) <= 120 and _EMAIL.match(value) is not None
