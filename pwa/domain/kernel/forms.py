"""Reading forms, the same way for every feature: one date, UUID, enum, checkbox, phone and
e-mail rule, and `FormErrors`, which collects a form's field errors and raises them at once.

A form sends strings; these helpers turn them into values or say, in Polish, why not. Having
one of each keeps a value accepted on one form from being refused on another.
"""

from __future__ import annotations

import enum
import re
import uuid
from datetime import date
from typing import TypeVar

from pwa.domain.kernel.errors import Invalid, NotFound, Refused
from pwa.i18n import gettext as _

E = TypeVar("E", bound=enum.StrEnum)

PHONE_MAX = 40
EARLIEST = date(1900, 1, 1)  # no date a form asks for is older
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Digits with spaces, dashes or brackets, optionally "+48 ...", optionally an extension
# written the way Polish offices write it: "74 8111 785 wew. 24" or "w. 24".
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,24}(?:\s*,?\s*(?:wew|w)\.?\s*[0-9]{1,5})?$")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")  # what <input type=date> sends
_POLISH_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")  # typed: 23.11.2026
_CHECKED = {"on", "1", "true", "yes", "tak"}
# A number in the address: ASCII digits only (str.isdigit also takes "²" and "٣", which
# int() then refuses or reads), and short enough that no page number overflows anything.
_ASCII_NUMBER = re.compile(r"[0-9]{1,9}", re.ASCII)
MAX_PAGE = 100_000


def is_email(value: str) -> bool:
    """A plausible e-mail address (the mail server is the final judge)."""
    return len(value) <= 120 and _EMAIL.match(value) is not None


def is_phone(value: str) -> bool:
    """A phone number as people write it, extension included ("74 8111 785 wew. 24")."""
    return len(value) <= PHONE_MAX and _PHONE.match(value.strip()) is not None


def parse_date(value: str) -> date | None:
    """A date as the date input sends it (2026-11-23) or typed the Polish way (23.11.2026)."""
    value = value.strip()
    try:
        if found := _ISO_DATE.fullmatch(value):
            return date(int(found[1]), int(found[2]), int(found[3]))
        if found := _POLISH_DATE.fullmatch(value):
            return date(int(found[3]), int(found[2]), int(found[1]))
    except ValueError:  # 31.02.2026
        return None
    return None


def parse_uuid(value: str) -> uuid.UUID | None:
    """The UUID a form or a URL sent, or None when it is not one."""
    try:
        return uuid.UUID(value.strip())
    except (ValueError, AttributeError):
        return None


def known_uuid(value: str) -> uuid.UUID:
    """The UUID a link or a form sent; a malformed one names nothing (NotFound)."""
    found = parse_uuid(value)
    if found is None:
        raise NotFound
    return found


def parse_enum(enum_cls: type[E], value: str) -> E | None:
    """The enum member whose value is `value` (as a select sends it), or None."""
    try:
        return enum_cls(value.strip())
    except ValueError:
        return None


def checked(value: str) -> bool:
    """A checkbox as a form sends it ("on" when ticked, nothing otherwise)."""
    return value.strip().lower() in _CHECKED


def too_long(limit: int) -> str:
    """The message for a text over `limit` characters."""
    return _("This text is too long (%(limit)s characters at most).", limit=limit)


class FormErrors(dict[str, str]):
    """Field errors collected while reading a form; `raise_any` reports them all at once."""

    def text(self, field: str, value: str, *, limit: int, missing: str | None = None) -> str:
        """The text stripped; blank is an error only when `missing` says so."""
        value = value.strip()
        if not value and missing:
            self[field] = missing
        elif len(value) > limit:
            self[field] = too_long(limit)
        return value

    def day(
        self, field: str, value: str, *, today: date | None = None, missing: str | None = None
    ) -> date | None:
        """A date; not after `today` when given; blank is an error only when `missing` says so."""
        value = value.strip()
        if not value:
            if missing is not None:
                self[field] = missing
            return None
        day = parse_date(value)
        if day is None or day < EARLIEST:
            self[field] = _("Enter a date, e.g. 23.11.2026.")
            return None
        if today is not None and day > today:
            self[field] = _("This date cannot be in the future.")
            return None
        return day

    def phone(self, field: str, value: str) -> str:
        """A phone number, or blank."""
        value = value.strip()
        if value and not is_phone(value):
            self[field] = _("Enter a phone number, e.g. 600 100 200.")
        return value

    def email(self, field: str, value: str) -> str:
        """An e-mail address, or blank."""
        value = value.strip()
        if value and not is_email(value):
            self[field] = _("This does not look like an e-mail address.")
        return value

    def raise_any(self) -> None:
        if self:
            raise Invalid(_("Please correct the marked fields."), errors=self)


def parse_query_number(raw: str | None, *, low: int, high: int, default: int) -> int:
    """A number from the address (?page=, ?year=, ?month=): blank gives `default`; ASCII
    digits within `low`..`high` give the number; anything else is refused (400, in Polish)."""
    value = (raw or "").strip()
    if not value:
        return default
    if _ASCII_NUMBER.fullmatch(value) is None or not low <= int(value) <= high:
        raise Refused(
            _(
                "The address has a wrong number in it: use a whole number from %(low)s to "
                "%(high)s.",
                low=low,
                high=high,
            )
        )
    return int(value)


def parse_page(raw: str | None) -> int:
    """The page of a long list (?page=): 1 when absent."""
    return parse_query_number(raw, low=1, high=MAX_PAGE, default=1)
