"""Every route of the app × every role × (own object, another family's, another centre's,
signed out). Routes come from the router itself: a new route without a rule fails here."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator

import pytest
from sqlmodel import Session
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

import tests.authz
from pwa.app import create_app
from pwa.models import Role
from pwa.web.middleware import cookie_names
from tests.authz.rules import Rule, Scenario, Scope
from tests.authz.world import World, build_world
from tests.conftest import csrf_token


def all_rules() -> list[Rule]:
    rules: list[Rule] = []
    for module in pkgutil.iter_modules(tests.authz.__path__):
        if module.name.startswith("rules_"):
            rules += importlib.import_module(f"tests.authz.{module.name}").RULES
    return rules


RULES = all_rules()


def app_routes() -> Iterator[tuple[str, str, str]]:
    """(name, method, path) of every route the app serves, static files aside."""
    from pwa.routes import all_routes

    for route in all_routes():
        if isinstance(route, Mount):
            continue
        assert isinstance(route, Route), route
        for method in sorted(route.methods or {"GET"}):
            if method != "HEAD":
                yield route.name, method, route.path


ROUTES = {(name, method): path for name, method, path in app_routes()}


def test_every_route_has_a_rule_and_every_rule_a_route():
    ruled = {(rule.name, rule.method) for rule in RULES}
    assert sorted(set(ROUTES) - ruled) == [], "add these routes to a tests/authz/rules_*.py"
    assert sorted(ruled - set(ROUTES)) == [], "these rules name routes that do not exist"
    assert len(ruled) == len(RULES), "a route has two rules"


def _url(path: str, params: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: params[m.group(1)], path)


def _params_for(world: World, rule: Rule, role: Role | None, scenario: Scenario) -> dict[str, str]:
    params = {**rule.path_params, **world.params(scenario)}
    suffix = f":{(role or Role.coordinator).value}"
    for key in list(params):
        if key.endswith(suffix):
            params[key.removesuffix(suffix)] = params[key]
    return params


def _request(client: TestClient, rule: Rule, url: str, params: dict[str, str]):  # type: ignore[no-untyped-def]
    if rule.method == "GET":
        return client.get(url, follow_redirects=False)
    headers = {"X-CSRF-Token": csrf_token(client)}
    if rule.json is not None:
        return client.post(url, json=rule.json, headers=headers, follow_redirects=False)
    data = {key: value.format(**params) for key, value in rule.data.items()}
    return client.post(url, data=data, headers=headers, follow_redirects=False)


def _allowed(response) -> bool:  # type: ignore[no-untyped-def]
    if response.status_code >= 500 or response.status_code in (401, 403, 404):
        return False
    return response.headers.get("location", "") != "/signin"


def _denied(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code in (403, 404)


def _signed_out(response) -> bool:  # type: ignore[no-untyped-def]
    redirect = response.headers.get("location") or response.headers.get("hx-redirect") or ""
    return response.status_code == 303 and redirect == "/signin"


SCENARIOS = {
    Scope.none: [Scenario.own],
    Scope.token: [Scenario.own],
    Scope.family: [Scenario.other_centre, Scenario.other_family, Scenario.own],
    Scope.person: [Scenario.other_centre, Scenario.other_family, Scenario.own],
    Scope.own_account: [Scenario.other_centre, Scenario.other_family, Scenario.own],
}
# Least privileged first, so that a permitted change (a revoked invitation, a deactivated
# account) happens after every refusal has been checked.
ROLE_ORDER: list[Role | None] = [None, Role.family, Role.assistant, Role.coordinator]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.method} {r.name}")
def test_route_answers_each_role_and_scenario_as_the_policy_says(rule: Rule, db: Session, settings):  # type: ignore[no-untyped-def]
    path = ROUTES[(rule.name, rule.method)]
    world = build_world(db)
    if rule.za_zyciem:
        for objects in (world.own, world.other, world.foreign):
            objects.family.za_zyciem = True
            db.add(objects.family)
    db.commit()
    failures: list[str] = []
    with TestClient(
        create_app(settings), base_url="http://localhost", raise_server_exceptions=False
    ) as client:
        session_cookie = cookie_names(settings)["session"]
        for role in ROLE_ORDER:
            client.cookies.clear()
            if role is not None:
                client.cookies.set(session_cookie, world.tokens[world.users[role].id])
            for scenario in SCENARIOS[rule.scope]:
                params = _params_for(world, rule, role, scenario)
                response = _request(client, rule, _url(path, params), params)
                who = f"{role.value if role else 'signed out'} / {scenario.value}"
                if rule.expect_status is not None:
                    if response.status_code != rule.expect_status:
                        failures.append(
                            f"{who}: expected {rule.expect_status}, got {response.status_code}"
                        )
                elif rule.disabled:
                    if response.status_code != 404:
                        failures.append(
                            f"{who}: expected 404 (disabled), got {response.status_code}"
                        )
                elif rule.expects_access(role, scenario):
                    if not _allowed(response):
                        failures.append(f"{who}: expected access, got {response.status_code}")
                elif role is None:
                    if not _signed_out(response):
                        failures.append(f"{who}: expected sign-in, got {response.status_code}")
                elif not _denied(response):
                    failures.append(f"{who}: expected 403/404, got {response.status_code}")
    assert failures == []
