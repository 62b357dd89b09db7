"""The HX-* request headers, read once into a typed object (after django-htmx)."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import Headers


@dataclass(frozen=True)
class HtmxDetails:
    """What htmx told us about the request; `bool(details)` is True for htmx requests."""

    request: bool = False
    boosted: bool = False
    history_restore: bool = False
    target: str | None = None
    trigger: str | None = None
    current_url: str | None = None

    def __bool__(self) -> bool:
        return self.request

    @property
    def wants_fragment(self) -> bool:
        """A swap of part of the page (not a boosted navigation nor a history restore)."""
        return self.request and not self.boosted and not self.history_restore

    @classmethod
    def from_headers(cls, headers: Headers) -> HtmxDetails:
        def flag(name: str) -> bool:
            return headers.get(name, "") == "true"

        return cls(
            request=flag("hx-request"),
            boosted=flag("hx-boosted"),
            history_restore=flag("hx-history-restore-request"),
            target=headers.get("hx-target"),
            trigger=headers.get("hx-trigger"),
            current_url=headers.get("hx-current-url"),
        )
