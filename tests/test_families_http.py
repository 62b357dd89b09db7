"""Families over HTTP (issue 5, 1-2): registering a referral, the family's page, correcting
the referral, the members, assigning the assistant (never a 16th family)."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from pwa.i18n import local_today
from pwa.models import Assignment, CaseStatus, Family, FamilyMember, Relation, Role
from tests.conftest import reread
from tests.support.audit import audit_actions
from tests.support.factories.cases import (
    Desk,
    current_assistant_id,
    fill_caseload,
    make_desk,
    make_working_family,
    member_data,
    referral_data,
)
from tests.support.factories.core import make_family, make_user
from tests.support.html import HTMX, attribute, inline_code, parse, text, texts


@pytest.fixture
def desk(db: Session) -> Desk:
    return make_desk(db)


def families(db: Session) -> list[Family]:
    reread(db)
    return list(db.exec(select(Family)).all())


def members_of(db: Session, family: Family) -> list[FamilyMember]:
    reread(db)
    return list(
        db.exec(
            select(FamilyMember)
            .where(FamilyMember.family_id == family.id)
            .order_by(col(FamilyMember.first_name))
        ).all()
    )


# --- registering a referral ---------------------------------------------------------------------


def test_the_registration_form_offers_four_empty_member_rows(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    sign_in(desk.coordinator)
    response = client.get("/families/new")
    assert response.status_code == 200
    html = parse(response.text)
    assert [
        node.attributes["name"] for node in html.css(".member-row input[name$=first_name]")
    ] == [f"members-{i}-first_name" for i in range(4)]
    assert html.css_first("form#referral-form").attributes["action"] == "/families"
    assert (
        html.css_first("input[name=referred_on]").attributes["value"] == local_today().isoformat()
    )
    for name in ("za_zyciem", "foster_care"):
        assert html.css_first(f"input[type=checkbox][name={name}]") is not None
    assert inline_code(response.text) == []


def test_only_a_coordinator_registers_a_family(client: TestClient, db: Session, sign_in, desk):
    sign_in(desk.assistant)
    assert client.get("/families/new").status_code == 403
    assert client.post("/families", data=referral_data()).status_code == 403
    assert families(db) == []


def test_the_coordinator_registers_a_family_and_lands_on_its_page(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    sign_in(desk.coordinator)
    data = referral_data(foster_care="on", foster_care_coordinator="PCPR Kłodzko, 74 865 75 10")
    response = client.post("/families", data=data, follow_redirects=False)
    assert response.status_code == 303
    [family] = families(db)
    assert response.headers["location"] == f"/families/{family.id}?done=registered"
    assert (family.case_number, family.status, family.foster_care) == (
        "AR.4011.7.2026",
        CaseStatus.referred,
        True,
    )
    assert [(m.first_name, m.relation) for m in members_of(db, family)] == [
        ("Ewa", Relation.parent),
        ("Zosia", Relation.child),
    ]
    page = client.get(response.headers["location"])
    assert page.status_code == 200
    assert text(page.text, "p.notice[role=status]") != ""
    assert "PCPR Kłodzko, 74 865 75 10" in page.text


def test_registering_over_htmx_answers_with_a_client_redirect(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    sign_in(desk.coordinator)
    response = client.post("/families", data=referral_data(), headers=HTMX)
    assert response.status_code == 204
    [family] = families(db)
    assert response.headers["hx-redirect"] == f"/families/{family.id}?done=registered"


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_an_invalid_referral_shows_polish_messages_next_to_the_fields_and_saves_nothing(
    client: TestClient, db: Session, sign_in, desk: Desk, headers: dict[str, str]
):
    sign_in(desk.coordinator)
    data = referral_data(**{"case_number": "", "members-1-birth_date": ""})
    response = client.post("/families", data=data, headers=headers)
    assert response.status_code == 422
    assert text(response.text, "#referral-case_number-error") == "Wpisz numer sprawy."
    error = "#members-1-birth_date-error"
    assert text(response.text, error) == "Wpisz datę urodzenia dziecka."
    assert attribute(response.text, "#members-1-birth_date", "aria-describedby") == error[1:]
    # What was typed is kept, in the same rows.
    assert attribute(response.text, "#members-1-first_name", "value") == "Zosia"
    assert attribute(response.text, "#referral-name", "value") == "Kowalscy"
    assert ("<html" in response.text) is not bool(headers)
    assert families(db) == []


def test_a_referral_needs_an_adult_and_a_free_case_number(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    make_family(db, desk.centre, case_number="AR.4011.7.2026")
    sign_in(desk.coordinator)
    data = referral_data(**{"members-0-relation": "child", "members-0-birth_date": "2016-01-05"})
    response = client.post("/families", data=data)
    assert response.status_code == 422
    assert text(response.text, "#members-error") == (
        "Dodaj co najmniej jednego dorosłego członka rodziny."
    )
    assert text(response.text, "#referral-case_number-error") == (
        "Ten numer sprawy jest już używany w ośrodku."
    )
    assert len(families(db)) == 1


# --- the family's page ----------------------------------------------------------------------------


def test_the_family_page_shows_the_record_and_leads_to_the_work_with_the_family(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    family, mother, daughter = make_working_family(
        db, desk.centre, desk.assistant, za_zyciem=True, social_worker_name="Maria Wiśniewska",
        social_worker_email="m.wisniewska@ops.example.pl",
    )  # fmt: skip
    sign_in(desk.assistant)
    response = client.get(f"/families/{family.id}")
    assert response.status_code == 200
    html = response.text
    assert texts(html, ".member .item-title") == [mother.full_name, daughter.full_name]
    assert "Maria Wiśniewska" in html and 'href="mailto:m.wisniewska@ops.example.pl"' in html
    assert text(html, "#assignment .item-title") == "Joanna Lewandowska"
    links = {node.attributes.get("href") for node in parse(html).css(".family-links a")}
    base = f"/families/{family.id}"
    assert links == {
        f"{base}/plan", f"{base}/visits/new", f"{base}/diary", f"{base}/meetings",
        f"{base}/assessments", f"{base}/timeline", f"{base}/invitations/new",
        f"{base}/contacts", f"{base}/opinions", f"{base}/intake",
    }  # fmt: skip
    assert response.headers["x-asysta-offline"] == "keep"
    assert "HX-Request" in response.headers["vary"]
    assert inline_code(html) == []
    # Each form works without script, and with htmx swaps its own section in place.
    for form in parse(html).css("form[method=post]"):
        assert form.attributes["hx-post"] == form.attributes["action"]
        target = parse(html).css_first(str(form.attributes["hx-target"]))
        assert target is not None and target.tag == "section"
    assert "family.read" in audit_actions(db, family.id)
    # An assistant neither assigns nor corrects the referral.
    assert parse(html).css_first(".assign-form") is None
    assert f'href="{base}/edit"' not in html


def test_the_family_page_is_the_whole_page_for_htmx_too(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    family, _mother, _daughter = make_working_family(db, desk.centre, desk.assistant)
    sign_in(desk.assistant)
    response = client.get(f"/families/{family.id}", headers=HTMX)
    assert response.status_code == 200
    assert "<html" in response.text and "HX-Request" in response.headers["vary"]


def test_other_staff_and_the_family_do_not_see_the_staff_page(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    family, mother, _daughter = make_working_family(db, desk.centre, desk.assistant)
    family_user = make_user(
        db, desk.centre, Role.family, family_id=family.id, family_member_id=mother.id
    )
    sign_in(desk.other_assistant)
    assert client.get(f"/families/{family.id}").status_code == 404
    assert client.get(f"/families/{family.id}/timeline").status_code == 404
    sign_in(family_user)
    assert client.get(f"/families/{family.id}").status_code == 403
    assert client.get("/families/not-an-id").status_code == 403


# --- correcting the referral ------------------------------------------------------------------------


def test_the_coordinator_corrects_the_referral(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    family, _mother, _daughter = make_working_family(db, desk.centre, desk.assistant)
    sign_in(desk.coordinator)
    form = client.get(f"/families/{family.id}/edit")
    assert form.status_code == 200
    assert attribute(form.text, "#referral-case_number", "value") == family.case_number
    assert parse(form.text).css_first(".member-row") is None  # members change elsewhere
    data = referral_data(case_number="AR.4011.99.2026", name="Kowalscy-Nowak")
    response = client.post(f"/families/{family.id}/edit", data=data, follow_redirects=False)
    assert response.headers["location"] == f"/families/{family.id}?done=updated"
    reread(db)
    corrected = db.get(Family, family.id)
    assert corrected is not None and corrected.name == "Kowalscy-Nowak"
    assert "family.update" in audit_actions(db, family.id)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_an_invalid_correction_is_refused_and_changes_nothing(
    client: TestClient, db: Session, sign_in, desk: Desk, headers: dict[str, str]
):
    family, _mother, _daughter = make_working_family(db, desk.centre, desk.assistant)
    sign_in(desk.coordinator)
    data = referral_data(name="Nowi", social_worker_email="nie-adres", address="")
    response = client.post(f"/families/{family.id}/edit", data=data, headers=headers)
    assert response.status_code == 422
    assert text(response.text, "#referral-social_worker_email-error") == (
        "To nie wygląda na adres e-mail."
    )
    assert text(response.text, "#referral-address-error") == "Wpisz adres rodziny."
    assert ("<html" in response.text) is not bool(headers)
    reread(db)
    unchanged = db.get(Family, family.id)
    assert unchanged is not None and unchanged.name == family.name


def test_an_assistant_cannot_correct_the_referral(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    family, _mother, _daughter = make_working_family(db, desk.centre, desk.assistant)
    sign_in(desk.assistant)
    assert client.get(f"/families/{family.id}/edit").status_code == 403
    response = client.post(f"/families/{family.id}/edit", data=referral_data(name="Inni"))
    assert response.status_code == 403


# --- members ---------------------------------------------------------------------------------------


def test_staff_add_a_member(client: TestClient, db: Session, sign_in, desk: Desk):
    family, _mother, _daughter = make_working_family(db, desk.centre, desk.assistant)
    sign_in(desk.assistant)
    response = client.post(
        f"/families/{family.id}/members", data=member_data(), follow_redirects=False
    )
    assert response.headers["location"] == f"/families/{family.id}?done=member_added"
    assert "Jan" in [m.first_name for m in members_of(db, family)]
    htmx = client.post(
        f"/families/{family.id}/members", data=member_data(first_name="Adam"), headers=HTMX
    )
    assert htmx.headers["hx-redirect"] == f"/families/{family.id}?done=member_added"


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_an_invalid_new_member_is_refused_next_to_the_fields(
    client: TestClient, db: Session, sign_in, desk: Desk, headers: dict[str, str]
):
    family, _mother, _daughter = make_working_family(db, desk.centre, desk.assistant)
    sign_in(desk.assistant)
    data = member_data(first_name="", relation="child", birth_date="")
    response = client.post(f"/families/{family.id}/members", data=data, headers=headers)
    assert response.status_code == 422
    assert text(response.text, "#add_member-first_name-error") == "Wpisz imię."
    assert text(response.text, "#add_member-birth_date-error") == ("Wpisz datę urodzenia dziecka.")
    assert "open" in parse(response.text).css_first("details.add-member").attributes
    assert attribute(response.text, "#add_member-last_name", "value") == "Kowalski"
    assert ("<html" in response.text) is not bool(headers)
    if headers:
        assert parse(response.text).css_first("section#members") is not None
        assert parse(response.text).css_first("section#consent") is None
    assert len(members_of(db, family)) == 2


def test_a_member_is_corrected_and_a_wrong_correction_is_refused(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    family, mother, _daughter = make_working_family(db, desk.centre, desk.assistant)
    sign_in(desk.coordinator)
    data = {**member_data(first_name="Ewelina", last_name="Kowalska"), "family_id": str(family.id)}
    response = client.post(f"/members/{mother.id}", data=data, follow_redirects=False)
    assert response.headers["location"] == f"/families/{family.id}?done=member_updated"
    reread(db)
    corrected = db.get(FamilyMember, mother.id)
    assert corrected is not None and corrected.first_name == "Ewelina"

    wrong = {**data, "relation": "cousin", "phone": "abc"}
    refused = client.post(f"/members/{mother.id}", data=wrong)
    assert refused.status_code == 422
    assert text(refused.text, f"#member-{mother.id}-relation-error") == (
        "Wybierz, kim ta osoba jest w rodzinie."
    )
    assert text(refused.text, f"#member-{mother.id}-phone-error") == (
        "Wpisz numer telefonu, np. 600 100 200."
    )
    reread(db)
    unchanged = db.get(FamilyMember, mother.id)
    assert unchanged is not None and unchanged.phone == ""


def test_a_member_who_moved_out_is_marked_and_can_come_back(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    family, _mother, daughter = make_working_family(db, desk.centre, desk.assistant)
    sign_in(desk.assistant)
    left = client.post(
        f"/members/{daughter.id}/left",
        data={"left_on": local_today().isoformat(), "family_id": str(family.id)},
        follow_redirects=False,
    )
    assert left.headers["location"] == f"/families/{family.id}?done=member_left"
    reread(db)
    away = db.get(FamilyMember, daughter.id)
    assert away is not None and not away.in_household and away.left_household_on == local_today()
    page = client.get(f"/families/{family.id}")
    assert f'action="/members/{daughter.id}/back"' in page.text
    assert f'action="/members/{daughter.id}/left"' not in page.text

    again = client.post(
        f"/members/{daughter.id}/left", data={"left_on": "", "family_id": str(family.id)}
    )
    assert again.status_code == 409
    assert text(again.text, "#members .form-errors") == (
        "Ta osoba jest już oznaczona jako mieszkająca poza gospodarstwem domowym."
    )

    back = client.post(f"/members/{daughter.id}/back", follow_redirects=False)
    assert back.headers["location"] == f"/families/{family.id}?done=member_back"
    reread(db)
    home = db.get(FamilyMember, daughter.id)
    assert home is not None and home.in_household and home.left_household_on is None


def test_moving_out_in_the_future_is_refused(client: TestClient, db: Session, sign_in, desk):
    family, mother, _daughter = make_working_family(db, desk.centre, desk.assistant)
    sign_in(desk.assistant)
    response = client.post(
        f"/members/{mother.id}/left",
        data={"left_on": "2999-01-01", "family_id": str(family.id)},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert text(response.text, f"#left-{mother.id}-left_on-error") == (
        "Ta data nie może przypadać w przyszłości."
    )
    assert "<html" not in response.text
    reread(db)
    still = db.get(FamilyMember, mother.id)
    assert still is not None and still.in_household


# --- the assistant -------------------------------------------------------------------------------


def test_the_coordinator_assigns_an_assistant_from_a_select_showing_caseloads(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    family, _mother, _daughter = make_working_family(
        db, desk.centre, None, status=CaseStatus.referred
    )
    fill_caseload(db, desk.centre, desk.other_assistant, n=14)
    sign_in(desk.coordinator)
    page = client.get(f"/families/{family.id}")
    options = texts(page.text, "#assignment-assistant_id option")
    assert "Katarzyna Wiśniewska (14/15)" in options
    assert "Joanna Lewandowska (0/15)" in options
    response = client.post(
        f"/families/{family.id}/assignment",
        data={"assistant_id": str(desk.assistant.id)},
        follow_redirects=False,
    )
    assert response.headers["location"] == f"/families/{family.id}?done=assigned"
    assert current_assistant_id(db, family) == desk.assistant.id


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_the_sixteenth_family_is_refused_with_the_message_next_to_the_field(
    client: TestClient, db: Session, sign_in, desk: Desk, headers: dict[str, str]
):
    family, _mother, _daughter = make_working_family(
        db, desk.centre, desk.assistant, status=CaseStatus.referred
    )
    fill_caseload(db, desk.centre, desk.other_assistant)
    sign_in(desk.coordinator)
    response = client.post(
        f"/families/{family.id}/assignment",
        data={"assistant_id": str(desk.other_assistant.id)},
        headers=headers,
    )
    assert response.status_code == 409
    message = text(response.text, "#assignment-assistant_id-error")
    assert message.startswith("Katarzyna Wiśniewska pracuje już z 15 rodzinami.")
    assert "art. 15 ust. 4" in message
    select = parse(response.text).css_first("#assignment-assistant_id")
    assert select.attributes["aria-describedby"] == "assignment-assistant_id-error"
    assert ("<html" in response.text) is not bool(headers)
    assert current_assistant_id(db, family) == desk.assistant.id  # nothing changed
    assert "family.assign" not in audit_actions(db, family.id)


def test_choosing_no_assistant_is_refused(client: TestClient, db: Session, sign_in, desk: Desk):
    family, _mother, _daughter = make_working_family(
        db, desk.centre, None, status=CaseStatus.referred
    )
    sign_in(desk.coordinator)
    response = client.post(f"/families/{family.id}/assignment", data={"assistant_id": ""})
    assert response.status_code == 422
    assert text(response.text, "#assignment-assistant_id-error") == (
        "Wybierz asystenta rodziny z tego ośrodka."
    )
    assert current_assistant_id(db, family) is None
    # The record shown with the message was read: that read is in the audit log.
    assert audit_actions(db, family.id) == ["family.read"]


def test_assigning_from_the_coordinators_home_goes_back_there(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    family, _mother, _daughter = make_working_family(
        db, desk.centre, None, status=CaseStatus.referred
    )
    sign_in(desk.coordinator)
    response = client.post(
        f"/families/{family.id}/assignment",
        data={"assistant_id": str(desk.assistant.id), "next": "coordinator"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/coordinator?done=assigned"
    home = client.get("/coordinator?done=assigned")
    assert text(home.text, "p.notice[role=status]") != ""
    assert current_assistant_id(db, family) == desk.assistant.id


def test_an_assistant_cannot_assign(client: TestClient, db: Session, sign_in, desk: Desk):
    family, _mother, _daughter = make_working_family(db, desk.centre, desk.assistant)
    sign_in(desk.assistant)
    response = client.post(
        f"/families/{family.id}/assignment", data={"assistant_id": str(desk.other_assistant.id)}
    )
    assert response.status_code == 403
    assert current_assistant_id(db, family) == desk.assistant.id


def test_assignments_are_never_deleted_by_reassigning(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    family, _mother, _daughter = make_working_family(db, desk.centre, desk.assistant)
    sign_in(desk.coordinator)
    client.post(
        f"/families/{family.id}/assignment", data={"assistant_id": str(desk.other_assistant.id)}
    )
    reread(db)
    rows = db.exec(select(Assignment).where(Assignment.family_id == family.id)).all()
    assert sorted((row.ended_at is None) for row in rows) == [False, True]
    assert current_assistant_id(db, family) == desk.other_assistant.id
