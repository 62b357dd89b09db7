"""What the form fuzzer needs besides hypothesis: one world served by one app for a whole
module, put back as it was between examples, and the checks every answer must pass.

The world is tests/authz/world.py's (two centres, three families, one of everything); each
form route is posted with the sample data of its tests/authz/rules_*.py rule, then with
hostile variations of it. Rows are copied once after the world is made and restored
whenever an example left the tables different (~5 ms on SQLite), so each example and each
test starts from the same world without building it again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from babel.messages.pofile import read_po
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel
from starlette.datastructures import FormData
from starlette.routing import Route

from pwa.i18n import TRANSLATIONS_DIR
from pwa.models import AuditEvent, RateLimitEvent, Role
from tests.authz.rules import ANY_STAFF, Rule, Scenario, Scope
from tests.authz.world import World
from tests.support.html import inline_code, parse

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Audit events of reads are kept on purpose when a form is refused (the record shown with the
# messages was read); every other change must be rolled back.
# Audit events a refusal keeps on purpose: reads, and refused attempts ("signin.refused").
READ_VERBS = frozenset(
    {"read", "list", "print", "history", "compare", "form", "feed", "export", "refused"}
)


# --- the routes and how to post to them -----------------------------------------------------


@dataclass(frozen=True)
class FormRoute:
    """A route that changes something, with its rule (who may post, and sample data)."""

    name: str
    method: str
    path: str
    rule: Rule

    @property
    def id(self) -> str:
        return f"{self.method} {self.name}"

    def actor(self) -> Role | None:
        """Who posts: the role the rule lets in (assistants first: most forms are theirs)."""
        if self.rule.public or self.rule.disabled:
            return None
        if self.name in ACTOR_OF_REFUSED_ROUTES:
            return ACTOR_OF_REFUSED_ROUTES[self.name]
        for role in (Role.assistant, Role.coordinator, Role.family):
            if role in self.rule.roles:
                return role
        return Role.coordinator


# Routes nobody of the world may use (the matrix proves the refusal): posted by whoever
# would be their natural caller, so their refusals are fuzzed too.
ACTOR_OF_REFUSED_ROUTES = {"confirm_visit": Role.family, "remove_office_hours": Role.coordinator}


def form_routes(rules: list[Rule]) -> list[FormRoute]:
    """Every route of the router with an unsafe method, with its rule (or a staff default
    for a route whose rule is still missing: tests/test_authorization_matrix.py fails then)."""
    from pwa.routes import all_routes

    by_key = {(rule.name, rule.method): rule for rule in rules}
    found: list[FormRoute] = []
    for route in all_routes():
        if not isinstance(route, Route):
            continue
        for method in sorted((route.methods or set()) & UNSAFE_METHODS):
            rule = by_key.get(
                (route.name, method), Rule(route.name, method, roles=ANY_STAFF, scope=Scope.family)
            )
            found.append(FormRoute(route.name, method, route.path, rule))
    return found


def path_params(world: World, route: FormRoute) -> dict[str, str]:
    """The path (and sample-data) parameters of the actor's own objects."""
    params = {**route.rule.path_params, **world.params(Scenario.own)}
    suffix = f":{(route.actor() or Role.coordinator).value}"
    for key in list(params):
        if key.endswith(suffix):
            params[key.removesuffix(suffix)] = params[key]
    return params


def url_of(route: FormRoute, params: Mapping[str, str]) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: params[m.group(1)], route.path)


def sample_data(route: FormRoute, params: Mapping[str, str]) -> dict[str, str]:
    return {key: value.format(**params) for key, value in route.rule.data.items()}


@dataclass
class ReadFields:
    """The form fields a handler asked for (by name), recorded while it reads a form."""

    names: list[str] = field(default_factory=list)

    def recording(self) -> Iterator[tuple[str, Any]]:
        """(attribute, replacement) pairs for monkeypatch.setattr on FormData."""
        seen = self.names
        get_item, get_list = FormData.__getitem__, FormData.getlist

        def __getitem__(form: FormData, key: Any) -> Any:
            if key not in seen:
                seen.append(key)
            return get_item(form, key)

        def getlist(form: FormData, key: Any) -> Any:
            if key not in seen:
                seen.append(key)
            return get_list(form, key)

        yield "__getitem__", __getitem__
        yield "getlist", getlist


# --- the database: snapshot, restore, digest ------------------------------------------------


Rows = dict[str, list[dict[str, Any]]]


def snapshot(engine: Engine) -> Rows:
    with engine.connect() as connection:
        return {
            table.name: [dict(row._mapping) for row in connection.execute(table.select())]
            for table in SQLModel.metadata.sorted_tables
        }


def restore(engine: Engine, rows: Rows) -> None:
    """Put every table back as it was in `rows` (children emptied first, parents filled first)."""
    tables = SQLModel.metadata.sorted_tables
    with engine.begin() as connection:
        for table in reversed(tables):
            connection.execute(table.delete())
        for table in tables:
            if rows[table.name]:
                connection.execute(table.insert(), rows[table.name])


def _is_read(row: Mapping[str, Any]) -> bool:
    return str(row.get("action", "")).rpartition(".")[2] in READ_VERBS


def digest(rows: Rows) -> dict[str, list[str]]:
    """The tables' contents, comparable; without what a refusal keeps on purpose (reads in the
    audit log, failed attempts counted against a client)."""
    kept: dict[str, list[str]] = {}
    for name, table_rows in rows.items():
        if name == RateLimitEvent.__tablename__:
            continue
        if name == AuditEvent.__tablename__:
            table_rows = [row for row in table_rows if not _is_read(row)]
        kept[name] = sorted(repr(sorted(row.items())) for row in table_rows)
    return kept


def changed_tables(before: dict[str, list[str]], after: dict[str, list[str]]) -> list[str]:
    return [name for name in before if before[name] != after.get(name)]


# --- what every answer must be --------------------------------------------------------------


@cache
def _catalog() -> tuple[list[re.Pattern[str]], frozenset[str]]:
    """Patterns of every Polish message, and the English msgids whose Polish differs."""
    with (TRANSLATIONS_DIR / "pl" / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        catalog = read_po(po_file, locale="pl")
    patterns: list[re.Pattern[str]] = []
    english: set[str] = set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            if text and len(text) > 3:
                pieces = re.split(r"%\(\w+\)[sd]|%[sd]", " ".join(text.split()))
                patterns.append(re.compile(".+?".join(re.escape(p) for p in pieces)))
        english.update(i for i in ids if i and i not in strings and len(i.split()) > 2)
    return patterns, frozenset(english)


def is_polish_message(text: str) -> bool:
    """True when `text` contains a message of the Polish catalog."""
    text = " ".join(text.split())
    patterns, _english = _catalog()
    return any(pattern.search(text) for pattern in patterns)


def english_messages(text: str) -> list[str]:
    """English msgids (of several words) shown as they are: an untranslated message."""
    text = " ".join(text.split())
    _patterns, english = _catalog()
    return sorted(msgid for msgid in english if msgid in text)


# Elements that carry a refusal's message on pages and fragments.
MESSAGE_SELECTOR = ".error-page, .form-errors, .field-error, [role=alert]"


def rejection_problems(response: Any) -> list[str]:
    """Why a 4xx answer fails to tell the user, in Polish, what went wrong."""
    content_type = response.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        try:
            message = str(response.json().get("error", ""))
        except (ValueError, AttributeError):
            return [f"a JSON refusal that is not an object: {response.text[:200]!r}"]
        if not is_polish_message(message):
            return [f"JSON refusal without a Polish message: {message!r}"]
        return []
    if not content_type.startswith("text/html"):
        return [f"a refusal as {content_type!r}, not a page or fragment"]
    tree = parse(response.text)
    messages = [node.text(separator=" ", strip=True) for node in tree.css(MESSAGE_SELECTOR)]
    problems: list[str] = []
    if not any(is_polish_message(message) for message in messages):
        problems.append(f"no Polish message among {messages[:5]!r}")
    for message in messages:
        problems += [f"an English message: {english!r}" for english in english_messages(message)]
    return problems


# Pieces of the hostile payloads that must never come back as markup.
PAYLOADS = (
    "<script>fz(1)</script>",
    '"><img src=x onerror=fz(2)>',
    "'><svg onload=fz(3)>",
    "<b data-fz>fz</b>",
)


def unescaped_payloads(response: Any) -> list[str]:
    """Hostile payloads (or any inline code) shown as markup in an HTML answer."""
    if not response.headers.get("content-type", "").startswith("text/html"):
        return []
    html = response.text
    found = [payload for payload in PAYLOADS if payload in html]
    found += [code for code in inline_code(html) if "fz" in code]
    found += [node.html or "" for node in parse(html).css("[data-fz]")]
    return found


def local_location(response: Any) -> str | None:
    """Where a success sends the browser (redirect or htmx), when it is a page of ours."""
    location = response.headers.get("location") or response.headers.get("hx-redirect") or ""
    if location.startswith("/") and not location.startswith("//"):
        return location
    return None
