"""Cooperation with institutions and the "Za życiem" support over HTTP: the family's log of
contacts, the items requested for a "Za życiem" family, the centre's catalogue kept by the
coordinator, and the catalogue on the family's phone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, func, select
from starlette.testclient import TestClient

from pwa.i18n import local_today
from pwa.models import CaseStatus, InstitutionContact, SupportRequest, SupportService
from tests.conftest import reread
from tests.support.factories.assessments import make_service
from tests.support.factories.visits import Case, make_case
from tests.support.html import HTMX, inline_code, parse, text


@pytest.fixture
def case(db: Session) -> Case:
    return make_case(db, za_zyciem=True, work_started_on=local_today() - timedelta(days=60))


def contact_data(**values: str) -> dict[str, str]:
    data = {
        "contact_on": local_today().isoformat(),
        "kind": "school",
        "name": "Szkoła Podstawowa nr 1",
        "purpose": "Rozmowa z pedagogiem o frekwencji.",
        "outcome": "Szkoła informuje matkę o nieobecnościach.",
    }
    data.update(values)
    return data


def service_data(**values: str) -> dict[str, str]:
    data = {
        "category": "rehabilitation",
        "name": "Ośrodek Rehabilitacji Dziennej",
        "description": "Rehabilitacja dzieci, na skierowanie.",
        "address": "ul. Szpitalna 1a, Kłodzko",
        "phone": "74 865 12 34",
        "hours": "pon.–pt. 8–16",
        "website": "rehabilitacja.example.pl",
    }
    data.update(values)
    return data


def count(db: Session, model: type) -> int:
    reread(db)
    return db.exec(select(func.count()).select_from(model)).one()


# --- contacts with institutions ---------------------------------------------------------------------


def test_the_contacts_page_offers_the_kinds_of_institutions(
    client: TestClient, db: Session, sign_in, case: Case
):
    sign_in(case.assistant)
    response = client.get(f"/families/{case.family.id}/contacts")
    assert response.status_code == 200 and inline_code(response.text) == []
    html = parse(response.text)
    kinds = [option.text() for option in html.css("#kind option")][1:]
    assert kinds == [
        "Szkoła", "Przedszkole", "Sąd", "Przychodnia lub poradnia", "Policja",
        "Zespół interdyscyplinarny", "Inna instytucja",
    ]  # fmt: skip
    assert html.css_first("#contact_on").attributes["value"] == local_today().isoformat()
    assert "Nie zapisano jeszcze kontaktów z instytucjami." in response.text


def test_a_contact_is_saved_and_listed(client: TestClient, db: Session, sign_in, case: Case):
    sign_in(case.assistant)
    response = client.post(
        f"/families/{case.family.id}/contacts", data=contact_data(), follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/families/{case.family.id}/contacts?saved=contact"
    page = client.get(response.headers["location"])
    assert "Kontakt został zapisany." in page.text
    assert text(page.text, ".contact-log .item-title").endswith("Szkoła: Szkoła Podstawowa nr 1")
    htmx = client.post(f"/families/{case.family.id}/contacts", data=contact_data(), headers=HTMX)
    assert htmx.status_code == 204 and htmx.headers["hx-redirect"].endswith("saved=contact")
    assert count(db, InstitutionContact) == 2


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"contact_on": ""}, "contact_on", "Wpisz datę kontaktu."),
        ({"contact_on": "2099-01-01"}, "contact_on", "Ta data nie może przypadać w przyszłości."),
        ({"kind": ""}, "kind", "Wybierz rodzaj instytucji."),
        ({"kind": "other", "name": ""}, "name", "Wpisz nazwę instytucji."),
        ({"purpose": ""}, "purpose", "Opisz cel kontaktu."),
    ],
)
def test_an_invalid_contact_is_refused_in_polish_next_to_the_field(
    client: TestClient,
    db: Session,
    sign_in,
    case: Case,
    change: dict[str, str],
    field: str,
    message: str,
):
    sign_in(case.assistant)
    url = f"/families/{case.family.id}/contacts"
    response = client.post(url, data=contact_data(**change))
    assert response.status_code == 422 and text(response.text, f"#{field}-error") == message
    assert "Popraw zaznaczone pola." in response.text
    fragment = client.post(url, data=contact_data(**change), headers=HTMX)
    assert fragment.status_code == 422 and "<html" not in fragment.text
    assert parse(fragment.text).css_first("form#contact-form") is not None
    assert count(db, InstitutionContact) == 0


def test_a_closed_case_takes_no_contacts(client: TestClient, db: Session, sign_in):
    case = make_case(db, status=CaseStatus.closed)
    sign_in(case.coordinator)
    page = client.get(f"/families/{case.family.id}/contacts")
    assert page.status_code == 200 and parse(page.text).css_first("#contact-form") is None
    response = client.post(f"/families/{case.family.id}/contacts", data=contact_data())
    assert response.status_code == 409
    assert "Sprawa jest zamknięta" in text(response.text, "[role=alert]")
    assert count(db, InstitutionContact) == 0


# --- "Za życiem": requests for the family -----------------------------------------------------------


def test_a_request_and_its_outcome_are_recorded_for_a_za_zyciem_family(
    client: TestClient, db: Session, sign_in, case: Case
):
    service = make_service(db, case.centre, name="Poradnia prawna")
    make_service(db, case.centre, name="Wycofana", is_active=False)
    sign_in(case.assistant)
    page = client.get(f"/families/{case.family.id}/contacts")
    options = [o.text() for o in parse(page.text).css("#service_id option")][1:]
    assert options == ["Poradnia prawna (poradnictwo prawne)"]
    response = client.post(
        f"/families/{case.family.id}/support-requests",
        data={
            "service_id": str(service.id),
            "requested_on": local_today().isoformat(),
            "outcome": "",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"].endswith("#support")
    reread(db)
    request = db.exec(select(SupportRequest)).one()
    refused = client.post(f"/support-requests/{request.id}", data={"outcome": " "})
    assert refused.status_code == 422
    assert text(refused.text, f"#outcome-{request.id}-error") == "Opisz, co wynikło z wniosku."
    done = client.post(
        f"/support-requests/{request.id}", data={"outcome": "Porada udzielona."},
        follow_redirects=False,
    )  # fmt: skip
    assert done.status_code == 303
    listed = client.get(f"/families/{case.family.id}/contacts")
    item = parse(listed.text).css_first(f"#request-{request.id}")
    assert "Poradnia prawna" in item.text()
    assert item.css_first(f"#outcome-{request.id}").attributes["value"] == "Porada udzielona."


def test_an_invalid_request_is_refused_in_polish(
    client: TestClient, db: Session, sign_in, case: Case
):
    sign_in(case.assistant)
    url = f"/families/{case.family.id}/support-requests"
    data = {"service_id": "", "requested_on": "", "outcome": ""}
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert text(response.text, "#service_id-error") == "Wybierz pozycję z katalogu wsparcia."
    assert text(response.text, "#requested_on-error") == "Wpisz datę złożenia wniosku."
    fragment = client.post(url, data=data, headers=HTMX)
    assert fragment.status_code == 422 and "<html" not in fragment.text
    assert parse(fragment.text).css_first("form#support-form") is not None
    assert count(db, SupportRequest) == 0


def test_other_families_have_no_support_section(client: TestClient, db: Session, sign_in):
    case = make_case(db, za_zyciem=False)
    service = make_service(db, case.centre)
    sign_in(case.assistant)
    page = client.get(f"/families/{case.family.id}/contacts")
    assert parse(page.text).css_first("#support") is None
    response = client.post(
        f"/families/{case.family.id}/support-requests",
        data={"service_id": str(service.id), "requested_on": local_today().isoformat()},
    )
    assert response.status_code == 409
    assert "„Za życiem”" in text(response.text, "[role=alert]")
    assert count(db, SupportRequest) == 0


def test_requests_stay_on_the_record_when_the_flag_is_taken_off(
    client: TestClient, db: Session, sign_in
):
    case = make_case(db, za_zyciem=False)
    service = make_service(db, case.centre, name="Poradnia prawna")
    request = SupportRequest(
        family_id=case.family.id, service_id=service.id, requested_on=local_today()
    )
    db.add(request)
    sign_in(case.assistant)
    page = parse(client.get(f"/families/{case.family.id}/contacts").text)
    assert "Poradnia prawna" in page.css_first(f"#request-{request.id}").text()
    assert page.css_first("form#support-form") is None  # no new requests without the flag
    refused = client.post(f"/support-requests/{request.id}", data={"outcome": ""})
    assert refused.status_code == 422
    assert text(refused.text, f"#outcome-{request.id}-error") == "Opisz, co wynikło z wniosku."


# --- the centre's catalogue ---------------------------------------------------------------------------


def test_assistants_read_the_catalogue_without_changing_it(
    client: TestClient, db: Session, sign_in, case: Case
):
    make_service(db, case.centre, name="Poradnia prawna", phone="74 811 00 00")
    sign_in(case.assistant)
    response = client.get("/support-catalogue")
    assert response.status_code == 200 and inline_code(response.text) == []
    html = parse(response.text)
    assert text(response.text, ".support-section h2") == "Poradnictwo prawne"
    assert html.css_first("a[href='tel:748110000']") is not None
    assert html.css("form[action^='/support-catalogue']") == []
    assert client.post("/support-catalogue", data=service_data()).status_code == 403
    assert count(db, SupportService) == 1


def test_the_coordinator_adds_an_item(client: TestClient, db: Session, sign_in, case: Case):
    sign_in(case.coordinator)
    response = client.post("/support-catalogue", data=service_data(), follow_redirects=False)
    assert response.status_code == 303
    reread(db)
    service = db.exec(select(SupportService)).one()
    assert response.headers["location"] == f"/support-catalogue?saved=added#service-{service.id}"
    assert service.website == "https://rehabilitacja.example.pl"
    page = client.get(response.headers["location"])
    assert "Pozycja została dodana do katalogu." in page.text
    assert text(page.text, f"#service-{service.id} .service-name") == service.name


def test_an_invalid_item_is_refused_in_polish(client: TestClient, db: Session, sign_in, case: Case):
    sign_in(case.coordinator)
    data = service_data(category="", name="", phone="zadzwoń", website="a b")
    response = client.post("/support-catalogue", data=data)
    assert response.status_code == 422
    assert text(response.text, "#new-category-error") == "Wybierz kategorię wsparcia."
    assert text(response.text, "#new-name-error") == "Wpisz nazwę usługi lub instytucji."
    assert text(response.text, "#new-phone-error") == "Wpisz numer telefonu, np. 600 100 200."
    assert text(response.text, "#new-website-error") == (
        "Wpisz adres strony internetowej, np. www.ops.bystrzyca.pl."
    )
    assert parse(response.text).css_first("#new-hours").attributes["value"] == "pon.–pt. 8–16"
    fragment = client.post("/support-catalogue", data=data, headers=HTMX)
    assert fragment.status_code == 422 and "<html" not in fragment.text
    assert parse(fragment.text).css_first("form#new-service-form") is not None
    assert count(db, SupportService) == 0


def test_the_coordinator_edits_deactivates_and_brings_back_an_item(
    client: TestClient, db: Session, sign_in, case: Case
):
    service = make_service(db, case.centre)
    sign_in(case.coordinator)
    url = f"/support-catalogue/{service.id}"
    refused = client.post(url, data={"action": "save", **service_data(name="")})
    assert refused.status_code == 422
    assert text(refused.text, f"#service-{service.id}-name-error") == (
        "Wpisz nazwę usługi lub instytucji."
    )
    assert "open" in parse(refused.text).css_first(f"#service-{service.id} details").attributes
    saved = client.post(url, data={"action": "save", **service_data(name="Nowa nazwa")})
    assert saved.status_code == 200 and "Pozycja została zmieniona." in saved.text
    client.post(url, data={"action": "deactivate"})
    reread(db)
    stored = db.get(SupportService, service.id)
    assert stored is not None and stored.name == "Nowa nazwa" and not stored.is_active
    page = client.get("/support-catalogue")
    assert "Wycofane pozycje" in page.text and parse(page.text).css(".support-section") == []
    client.post(url, data={"action": "activate"})
    reread(db)
    stored = db.get(SupportService, service.id)
    assert stored is not None and stored.is_active


def test_another_centres_item_cannot_be_changed(
    client: TestClient, db: Session, sign_in, case: Case
):
    foreign = make_service(db, make_case(db).centre)
    sign_in(case.coordinator)
    assert (
        client.post(f"/support-catalogue/{foreign.id}", data={"action": "deactivate"}).status_code
        == 404
    )


# --- the family's phone -------------------------------------------------------------------------------


def test_a_za_zyciem_family_sees_the_catalogue_and_its_requests(
    client: TestClient, db: Session, sign_in, case: Case
):
    requested = make_service(db, case.centre, name="Ośrodek rehabilitacji")
    make_service(db, case.centre, name="Wycofana usługa", is_active=False)
    db.add(
        SupportRequest(
            family_id=case.family.id, service_id=requested.id, requested_on=local_today()
        )
    )
    sign_in(case.parent_user)
    response = client.get("/family/support")
    assert response.status_code == 200 and inline_code(response.text) == []
    assert text(response.text, "h1") == "Wsparcie dla Państwa rodziny"
    assert "Ośrodek rehabilitacji" in response.text and "Wycofana usługa" not in response.text
    assert "Wniosek złożony dla Państwa" in text(response.text, ".requested")
    assert response.headers["x-asysta-offline"] == "keep"


def test_other_families_and_staff_have_no_family_catalogue(
    client: TestClient, db: Session, sign_in
):
    case = make_case(db, za_zyciem=False)
    sign_in(case.parent_user)
    assert client.get("/family/support").status_code == 404
    sign_in(case.assistant)
    assert client.get("/family/support").status_code == 403


def test_the_family_is_refused_every_cooperation_page(
    client: TestClient, db: Session, sign_in, case: Case
):
    service = make_service(db, case.centre)
    request = SupportRequest(
        family_id=case.family.id, service_id=service.id, requested_on=local_today()
    )
    db.add(request)
    db.flush()
    sign_in(case.parent_user)
    assert client.get(f"/families/{case.family.id}/contacts").status_code == 403
    assert client.get("/support-catalogue").status_code == 403
    for url, data in (
        (f"/families/{case.family.id}/contacts", contact_data()),
        (f"/families/{case.family.id}/support-requests", {"service_id": str(service.id)}),
        (f"/support-requests/{request.id}", {"outcome": "x"}),
        ("/support-catalogue", service_data()),
        (f"/support-catalogue/{service.id}", {"action": "deactivate"}),
    ):
        assert client.post(url, data=data).status_code == 403, url
    assert count(db, InstitutionContact) == 0 and count(db, SupportRequest) == 1
