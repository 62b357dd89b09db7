"""Every ?page=, ?year= and ?month= parses with one helper: ASCII digits in a bounded range,
a Polish 400 for anything else, never a 500."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session
from starlette.testclient import TestClient

from pwa.domain.kernel.errors import Refused
from pwa.domain.kernel.forms import MAX_PAGE, parse_page, parse_query_number
from tests.support.factories.visits import make_case

WRONG_NUMBER = "Adres zawiera błędną liczbę"


@given(st.text())
def test_any_text_is_a_page_in_range_or_refused(raw: str):
    try:
        page = parse_page(raw)
    except Refused as refused:
        assert refused.status_code == 400 and refused.message
    else:
        assert 1 <= page <= MAX_PAGE


@given(st.integers(min_value=-10, max_value=MAX_PAGE + 10))
def test_ascii_digits_in_range_are_read_as_they_are(number: int):
    if 1 <= number <= MAX_PAGE:
        assert parse_page(str(number)) == number
    else:
        with pytest.raises(Refused):
            parse_page(str(number))


@pytest.mark.parametrize("raw", ["²", "٣", "99999999999999999999", "0", "-1", "1.5", "1e3", " 1 2"])
def test_what_str_isdigit_or_int_would_let_through_is_refused(raw: str):
    with pytest.raises(Refused):
        parse_query_number(raw, low=1, high=12, default=1)


def test_blank_is_the_default():
    assert parse_query_number("  ", low=1, high=12, default=7) == 7


@pytest.fixture
def pages(client: TestClient, db: Session, sign_in) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    case = make_case(db)
    sign_in(case.coordinator)
    return [
        ("/audit", "page"),
        ("/families", "page"),
        ("/reports/yearly", "year"),
        ("/reports/monthly", "month"),
        (f"/families/{case.family.id}/diary", "month"),
    ]


@pytest.mark.parametrize("raw", ["²", "99999999999999999999"])
def test_the_audit_page_answers_a_wrong_page_with_a_polish_400(
    client: TestClient, pages: list[tuple[str, str]], raw: str
):
    response = client.get("/audit", params={"page": raw})
    assert response.status_code == 400
    assert WRONG_NUMBER in response.text


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.text(max_size=30))
def test_no_number_in_the_address_gives_a_500(
    client: TestClient, pages: list[tuple[str, str]], raw: str
):
    for path, name in pages:
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(path, params={name: raw}, headers=headers)
            assert response.status_code < 500, (path, raw)
