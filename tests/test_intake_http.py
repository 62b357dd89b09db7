"""Intake over HTTP: the request on the referral form, the team's decision, the first contact
and the family's answer, the printable consent form, the plan's goal drafts from the initial
assessment, the centre's settings and its public page."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlmodel import Session, func, select
from starlette.testclient import TestClient

from pwa.i18n import local_today
from pwa.models import (
    AssessmentKind,
    CaseStatus,
    Centre,
    Consent,
    EndReason,
    Family,
    FirstContact,
    OfficeHours,
    Plan,
    Role,
    TeamDecision,
)
from tests.conftest import reread
from tests.support.factories.assessments import make_assessment
from tests.support.factories.cases import Desk, make_desk, make_working_family, referral_data
from tests.support.factories.core import make_centre, make_family_user, make_user
from tests.support.html import HTMX, inline_code, parse, text


@pytest.fixture
def desk(db: Session) -> Desk:
    return make_desk(db)


def count(db: Session, model: type) -> int:
    reread(db)
    return db.exec(select(func.count()).select_from(model)).one()


def referred(db: Session, desk: Desk, *, assistant: bool = True) -> Family:
    family, _mother, _daughter = make_working_family(
        db, desk.centre, desk.assistant if assistant else None, status=CaseStatus.referred,
        referred_on=local_today() - timedelta(days=20),
    )  # fmt: skip
    return family


def day(days_ago: int) -> str:
    return (local_today() - timedelta(days=days_ago)).isoformat()


# --- the request on the referral form ------------------------------------------------------------


def test_the_referral_records_the_interview_the_analysis_and_the_directors_request(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    sign_in(desk.coordinator)
    form = client.get("/families/new").text
    assert 'name="interview_on"' in form and 'name="director_request_reference"' in form
    assert 'name="handled_by_centre_id"' not in form  # the centre has no contracted organisation

    response = client.post(
        "/families",
        data=referral_data(
            interview_on=day(10), interview_by="Maria Wiśniewska",
            situation_analysis="Rodzina nie radzi sobie z opłatami.",
            director_request_on=day(2), director_request_reference="OPS.4011.7.2026",
        ),
        follow_redirects=False,
    )  # fmt: skip

    assert response.status_code == 303
    reread(db)
    family = db.exec(select(Family)).one()
    assert family.interview_by == "Maria Wiśniewska"
    assert family.director_request_reference == "OPS.4011.7.2026"
    page = client.get(f"/families/{family.id}/intake").text
    assert "Rodzina nie radzi sobie z opłatami." in page and "OPS.4011.7.2026" in page


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"interview_on": day(2), "director_request_on": day(5)}, "director_request_on",
         "nie może być wcześniejszy niż wywiad"),
        ({"interview_on": "jutro"}, "interview_on", "Wpisz datę"),
        ({"director_request_reference": "x" * 81}, "director_request_reference", "za długi"),
    ],
)  # fmt: skip
def test_an_invalid_request_is_refused_and_nothing_is_saved(
    client: TestClient, db: Session, sign_in, desk: Desk, values: dict[str, str], field: str,
    message: str,
):  # fmt: skip
    sign_in(desk.coordinator)

    response = client.post("/families", data=referral_data(**values), headers=HTMX)

    assert response.status_code == 422
    assert message in text(response.text, f"#referral-{field}-error")
    assert count(db, Family) == 0


def test_a_referral_is_handed_over_to_a_contracted_organisation(
    client: TestClient, db: Session, sign_in
):
    mops = make_centre(db, name="MOPS w Częstochowie")
    ccwr = make_centre(db, name="Częstochowskie Centrum Wsparcia Rodziny", parent_centre_id=mops.id)
    coordinator = make_user(db, mops, Role.coordinator)
    organisation_coordinator = make_user(db, ccwr, Role.coordinator)
    sign_in(coordinator)
    assert "Częstochowskie Centrum Wsparcia Rodziny" in client.get("/families/new").text

    refused = client.post(
        "/families", data=referral_data(handled_by_centre_id=str(ccwr.id)), headers=HTMX
    )
    assert refused.status_code == 422
    assert "Wpisz datę, w której organizacja" in refused.text
    assert count(db, Family) == 0
    response = client.post(
        "/families",
        data=referral_data(
            handled_by_centre_id=str(ccwr.id), handed_over_on=local_today().isoformat()
        ),
        follow_redirects=False,
    )
    assert response.status_code == 303

    reread(db)
    family = db.exec(select(Family)).one()
    assert family.handled_by_centre_id == ccwr.id
    sign_in(organisation_coordinator)
    assert family.name in client.get("/coordinator").text
    assert client.get(f"/families/{family.id}/intake").status_code == 200


# --- the team's decision --------------------------------------------------------------------------


def test_the_coordinator_records_the_teams_decision(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    family = referred(db, desk, assistant=False)
    sign_in(desk.coordinator)

    response = client.post(
        f"/families/{family.id}/intake/team-decision",
        data={
            "met_on": day(3), "participants": "Anna Nowak, koordynatorka\nMarta Górska, psycholog",
            "decision": "take_on", "deficits": "Zaległe opłaty.", "remarks": "Najpierw szkoła.",
        },
        follow_redirects=False,
    )  # fmt: skip

    assert response.status_code == 303
    assert response.headers["location"] == f"/families/{family.id}/intake?done=decision"
    page = client.get(response.headers["location"])
    assert "Decyzja zespołu jest zapisana." in page.text and inline_code(page.text) == []
    items = [li.text(strip=True) for li in parse(page.text).css(".team-decision li")]
    assert items == ["Anna Nowak, koordynatorka", "Marta Górska, psycholog"]
    assert "objąć rodzinę wsparciem" in text(page.text, ".team-decision h3")


@pytest.mark.parametrize("htmx", [False, True])
def test_an_invalid_team_decision_answers_422_with_polish_messages(
    client: TestClient, db: Session, sign_in, desk: Desk, htmx: bool
):
    family = referred(db, desk, assistant=False)
    sign_in(desk.coordinator)

    response = client.post(
        f"/families/{family.id}/intake/team-decision",
        data={"met_on": "2026-02-30", "participants": "", "decision": "not_take_on", "reason": ""},
        headers=HTMX if htmx else {},
    )

    assert response.status_code == 422
    html = response.text
    assert text(html, "#decision-met_on-error") == "Wpisz datę, np. 23.11.2026."
    assert "kto brał udział" in text(html, "#decision-participants-error")
    assert "Podaj powód" in text(html, "#decision-reason-error")
    assert html.lstrip().startswith("<div") == htmx  # htmx gets the form's block alone
    assert count(db, TeamDecision) == 0


def test_the_teams_notes_are_staff_only(client: TestClient, db: Session, sign_in, desk: Desk):
    family = referred(db, desk)
    parent = make_family_user(db, family)
    sign_in(desk.assistant)
    refused = client.post(
        f"/families/{family.id}/intake/team-decision",
        data={"met_on": day(1), "participants": "Ja", "decision": "take_on"},
    )
    assert refused.status_code == 403
    sign_in(parent)
    assert client.get(f"/families/{family.id}/intake").status_code in (403, 404)
    assert count(db, TeamDecision) == 0


def test_assigning_before_the_teams_take_on_shows_the_refusal(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    desk.centre.requires_team_decision = True
    db.add(desk.centre)
    family = referred(db, desk, assistant=False)
    sign_in(desk.coordinator)

    response = client.post(
        f"/families/{family.id}/assignment", data={"assistant_id": str(desk.assistant.id)}
    )

    assert response.status_code == 409
    assert "nie podjął jeszcze decyzji" in response.text


# --- the first contact, the answer, the consent form ---------------------------------------------


def test_the_assistant_records_the_first_contact_and_the_consent(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    family = referred(db, desk)
    sign_in(desk.assistant)
    base = f"/families/{family.id}/intake"
    assert "Nie zapisano jeszcze pierwszego kontaktu." in client.get(base).text

    contact = client.post(
        f"{base}/first-contact",
        data={"met_on": day(2), "role_explained": "on", "expectations": "„Pomoc z rachunkami.”"},
        follow_redirects=False,
    )
    assert contact.status_code == 303
    mother = next(m for m in parse(client.get(base).text).css('input[name="member_id"]'))
    consent = client.post(
        f"{base}/consent",
        data={"given_on": day(1), "member_id": mother.attributes["value"], "consent_form": "oral"},
        follow_redirects=False,
    )

    assert consent.status_code == 303
    reread(db)
    assert db.get(Family, family.id).status is CaseStatus.active  # type: ignore[union-attr]
    assert db.exec(select(FirstContact.outcome)).all() == ["consent"]
    page = client.get(base).text
    assert "„Pomoc z rachunkami.”" in page and "Sporządź ocenę wstępną" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"met_on": "", "role_explained": "on", "expectations": "Pomoc."}, "met_on",
         "Wpisz datę spotkania."),
        ({"met_on": "2026-01-01", "role_explained": "", "expectations": "Pomoc."},
         "role_explained", "rolę, obowiązki i uprawnienia"),
        ({"met_on": "2026-01-01", "role_explained": "on", "expectations": " "}, "expectations",
         "własnymi słowami"),
        ({"met_on": "9999-12-31", "role_explained": "on", "expectations": "x" * 6000}, "met_on",
         "w przyszłości"),
    ],
)  # fmt: skip
def test_an_invalid_first_contact_is_refused_and_nothing_is_saved(
    client: TestClient, db: Session, sign_in, desk: Desk, data: dict[str, str], field: str,
    message: str,
):  # fmt: skip
    family = referred(db, desk)
    sign_in(desk.assistant)

    response = client.post(f"/families/{family.id}/intake/first-contact", data=data, headers=HTMX)

    assert response.status_code == 422
    assert message in text(response.text, f"#contact-{field}-error")
    assert count(db, FirstContact) == 0


def test_the_answer_forms_refuse_invalid_input_and_change_nothing(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    family = referred(db, desk)
    sign_in(desk.assistant)
    base = f"/families/{family.id}/intake"
    early = client.post(f"{base}/refusal", data={"refused_on": day(1)})
    assert early.status_code == 409 and "Najpierw zapisz pierwszy kontakt" in early.text
    client.post(
        f"{base}/first-contact",
        data={"met_on": day(2), "role_explained": "on", "expectations": "Nic."},
    )

    consent = client.post(f"{base}/consent", data={"given_on": day(1), "member_id": "x"})
    refusal = client.post(f"{base}/refusal", data={"refused_on": day(400)}, headers=HTMX)

    assert consent.status_code == 422 and "Wybierz członka rodziny" in consent.text
    assert refusal.status_code == 422
    assert "wcześniejsza niż zgłoszenie" in text(refusal.text, "#refusal-refused_on-error")
    reread(db)
    assert db.get(Family, family.id).status is CaseStatus.referred  # type: ignore[union-attr]
    assert count(db, Consent) == 0


def test_a_refusal_at_first_contact_ends_the_case(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    family = referred(db, desk)
    sign_in(desk.assistant)
    base = f"/families/{family.id}/intake"
    client.post(
        f"{base}/first-contact",
        data={"met_on": day(2), "role_explained": "on", "expectations": "Nic."},
    )

    response = client.post(
        f"{base}/refusal", data={"refused_on": day(1), "detail": "Nie chcemy."},
        follow_redirects=False,
    )  # fmt: skip

    assert response.status_code == 303
    reread(db)
    ended = db.get(Family, family.id)
    assert ended is not None and ended.status is CaseStatus.ended
    assert ended.end_reason is EndReason.refused_at_first_contact
    assert "rodzina odmówiła przy pierwszym kontakcie" in client.get(base).text


def test_the_consent_form_prints_the_centres_header_the_members_and_signature_lines(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    family = referred(db, desk)
    sign_in(desk.assistant)

    response = client.get(f"/families/{family.id}/intake/consent-form")

    assert response.status_code == 200 and inline_code(response.text) == []
    html = parse(response.text)
    assert html.css_first(".print-centre").text(strip=True) == desk.centre.name
    signatures = [p.text(strip=True) for p in html.css(".consent-signature p:last-child")]
    assert signatures == ["Ewa Kowalska (rodzic)", "Asystent rodziny: Joanna Lewandowska"]
    assert "Zosia Kowalska" in response.text and family.case_number in response.text


# --- the first plan from the initial assessment ---------------------------------------------------


def test_a_finding_of_the_initial_assessment_is_copied_into_a_goal_draft(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    family, _mother, _daughter = make_working_family(db, desk.centre, desk.assistant)
    sign_in(desk.assistant)
    refused = client.post(f"/families/{family.id}/plan")
    assert refused.status_code == 409 and "najpierw napisz ocenę wstępną" in refused.text
    assert count(db, Plan) == 0
    make_assessment(
        db,
        family,
        on=local_today(),
        kind=AssessmentKind.initial,
        household="Zaległy czynsz za 3 mies.",
    )
    db.commit()
    assert client.post(f"/families/{family.id}/plan", follow_redirects=False).status_code == 303

    page = client.get(f"/families/{family.id}/plan?finding=household")

    html = parse(page.text)
    assert "Zacznij cel od tego wniosku" in page.text
    assert "Prowadzenie gospodarstwa domowego" in html.css_first(".findings").text()
    assert html.css_first('textarea[name="wording"]').text() == "Zaległy czynsz za 3 mies."
    assert html.css_first('select[name="area"] option[selected]').attributes["value"] == (
        "household"
    )


# --- the centre's settings and its public page ----------------------------------------------------


def test_the_public_page_shows_the_centres_settings(client: TestClient, db: Session):
    centre = make_centre(
        db, name="Ośrodek Pomocy Społecznej w Bystrzycy Kłodzkiej", phone="74 8110 266, 74 8111 785",
        email="ops@bystrzycaklodzka.pl",
        public_description="Asysta rodzinna jest bezpłatna.\n\nNależy złożyć wniosek do Ośrodka.",
    )  # fmt: skip
    db.add(OfficeHours(centre_id=centre.id, weekday=2, starts_at=time(7), ends_at=time(15),
                       place="ul. 1 Maja 1"))  # fmt: skip
    db.commit()

    response = client.get("/")

    assert response.status_code == 200 and inline_code(response.text) == []
    html = parse(response.text)
    assert [p.text() for p in html.css(".centre-description p")] == [
        "Asysta rodzinna jest bezpłatna.", "Należy złożyć wniosek do Ośrodka.",
    ]  # fmt: skip
    contact = html.css_first(".centre-contact").text()
    assert "ul. 1 Maja 1, 57-500 Bystrzyca Kłodzka" in contact and "74 8111 785" in contact
    assert "ops@bystrzycaklodzka.pl" in contact
    assert "Środa, 07:00–15:00: ul. 1 Maja 1" in html.css_first(".office-hours").text()
    assert html.css_first('a[href="/signin"]') is not None


def test_with_several_centres_the_front_page_lists_them(client: TestClient, db: Session):
    first = make_centre(db, name="OPS w Bystrzycy Kłodzkiej")
    make_centre(db, name="MOPS w Częstochowie")
    db.commit()

    listed = client.get("/").text
    chosen = client.get(f"/?centre={first.id}").text
    unknown = client.get("/?centre=nonsense").text

    assert [a.text() for a in parse(listed).css(".centre-list a")] == [
        "MOPS w Częstochowie", "OPS w Bystrzycy Kłodzkiej",
    ]  # fmt: skip
    assert "OPS w Bystrzycy Kłodzkiej" in text(chosen, ".subtitle")
    assert parse(unknown).css(".centre-list a")


def test_the_coordinator_edits_the_centres_settings(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    sign_in(desk.coordinator)
    assert client.get("/centre/settings").status_code == 200

    response = client.post(
        "/centre/settings",
        data={
            "name": "OPS w Bystrzycy Kłodzkiej", "address": "ul. 1 Maja 1",
            "phone": "74 8110 266, 74 8111 785", "email": "ops@bystrzycaklodzka.pl",
            "public_description": "Nasz opis.", "requires_team_decision": "on",
            "monitoring_default_months": "6", "visit_edit_window_hours": "24",
            "retention_years": "25", "monitoring_counts_toward_limit": "on",
        },
        follow_redirects=False,
    )  # fmt: skip

    assert response.status_code == 303
    reread(db)
    centre = db.get(Centre, desk.centre.id)
    assert centre is not None and centre.requires_team_decision
    assert centre.phone == "74 8110 266, 74 8111 785" and centre.public_description == "Nasz opis."
    assert (centre.monitoring_default_months, centre.visit_edit_window_hours) == (6, 24)
    assert centre.retention_years == 25 and centre.monitoring_counts_toward_limit
    assert not centre.keep_family_pages_offline  # unticked: no family page stays on phones


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": ""}, "name", "Wpisz nazwę ośrodka."),
        ({"email": "nie-mail"}, "email", "adres e-mail"),
        ({"phone": "74 8110 266, abc"}, "phone", "numer telefonu"),
        ({"website": "ops.pl"}, "website", "https://"),
        ({"public_description": "x" * 20_001}, "public_description", "za długi"),
        ({"monitoring_default_months": "0"}, "monitoring_default_months", "od 1 do 24"),
        ({"visit_edit_window_hours": "-1"}, "visit_edit_window_hours", "od 0 do 168"),
        ({"retention_years": "dziesięć"}, "retention_years", "od 1 do 50"),
        ({"retention_years": "١٠"}, "retention_years", "od 1 do 50"),  # Arabic-Indic digits
    ],
)
def test_invalid_settings_are_refused_and_nothing_is_saved(
    client: TestClient, db: Session, sign_in, desk: Desk, values: dict[str, str], field: str,
    message: str,
):  # fmt: skip
    sign_in(desk.coordinator)
    data = {
        "name": "OPS", "address": "ul. 1 Maja 1", "monitoring_default_months": "3",
        "visit_edit_window_hours": "48", "retention_years": "10", **values,
    }  # fmt: skip

    response = client.post("/centre/settings", data=data, headers=HTMX)

    assert response.status_code == 422
    assert message in text(response.text, f"#centre-{field}-error")
    reread(db)
    assert db.get(Centre, desk.centre.id).name == desk.centre.name  # type: ignore[union-attr]
