"""Court opinions over HTTP: the court's request and the assembled draft, editing it, marking it
final (never changed afterwards), superseding it, and the printable A4 view."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from pwa.i18n import WARSAW, local_today
from pwa.models import CaseStatus, CourtOpinion, Gender, OpinionStatus
from tests.conftest import reread
from tests.support.factories.assessments import make_opinion
from tests.support.factories.visits import Case, make_case, make_visit
from tests.support.html import HTMX, inline_code, parse, text


@pytest.fixture
def case(db: Session) -> Case:
    case = make_case(db, name="Kowalscy", work_started_on=local_today() - timedelta(days=100))
    case.assistant.first_name, case.assistant.last_name = "Katarzyna", "Wiśniewska"
    case.assistant.gender = Gender.female
    db.add(case.assistant)
    db.flush()
    return case


def request_data(**values: str) -> dict[str, str]:
    data = {
        "court": "Sąd Rejonowy w Kłodzku, III Wydział Rodzinny i Nieletnich",
        "case_reference": "III Nsm 245/26",
        "requested_on": (local_today() - timedelta(days=3)).isoformat(),
        "deadline": (local_today() + timedelta(days=14)).isoformat(),
    }
    data.update(values)
    return data


def edit_data(opinion: CourtOpinion, **values: str) -> dict[str, str]:
    data = {
        "court": opinion.court,
        "case_reference": opinion.case_reference,
        "requested_on": opinion.requested_on.isoformat(),
        "deadline": opinion.deadline.isoformat(),
        "body": opinion.body,
    }
    data.update(values)
    return data


def stored(db: Session) -> list[CourtOpinion]:
    reread(db)
    return list(db.exec(select(CourtOpinion)).all())


# --- the court's request ----------------------------------------------------------------------------


def test_the_request_makes_a_draft_assembled_from_the_record(
    client: TestClient, db: Session, sign_in, case: Case
):
    for days_ago in (40, 20, 5):
        make_visit(
            db, case.family, case.assistant, visit_date=local_today() - timedelta(days=days_ago)
        )
    sign_in(case.assistant)
    page = client.get(f"/families/{case.family.id}/opinions")
    assert page.status_code == 200 and inline_code(page.text) == []
    assert "Żaden sąd nie zwrócił się o opinię o tej rodzinie." in page.text
    assert (
        parse(page.text).css_first("#requested_on").attributes["value"] == local_today().isoformat()
    )
    response = client.post(
        f"/families/{case.family.id}/opinions", data=request_data(), follow_redirects=False
    )
    assert response.status_code == 303
    (opinion,) = stored(db)
    assert response.headers["location"] == f"/opinions/{opinion.id}"
    draft = client.get(response.headers["location"])
    assert draft.status_code == 200 and inline_code(draft.text) == []
    body = parse(draft.text).css_first("textarea#body").text()
    assert body.startswith("OPINIA O RODZINIE")
    assert "Sygn. akt: III Nsm 245/26" in body
    assert "odbyły się 3 wizyty asystenta rodziny" in body
    assert text(draft.text, ".badge") == "projekt"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"court": ""}, "court", "Wpisz nazwę sądu, np. z wydziałem."),
        ({"case_reference": " "}, "case_reference", "Wpisz sygnaturę akt sądu."),
        ({"requested_on": "2099-01-01"}, "requested_on", "Ta data nie może przypadać w przyszłości."),
        ({"deadline": ""}, "deadline", "Wpisz termin wyznaczony przez sąd."),
        ({"deadline": "2020-01-01"}, "deadline", "Termin nie może być wcześniejszy niż pismo sądu."),
        ({"deadline": "jutro"}, "deadline", "Wpisz datę, np. 23.11.2026."),
    ],
)  # fmt: skip
def test_an_invalid_request_is_refused_in_polish_next_to_the_field(
    client: TestClient, db: Session, sign_in, case: Case,
    change: dict[str, str], field: str, message: str,
):  # fmt: skip
    sign_in(case.assistant)
    url = f"/families/{case.family.id}/opinions"
    response = client.post(url, data=request_data(**change))
    assert response.status_code == 422 and text(response.text, f"#{field}-error") == message
    assert "Popraw zaznaczone pola." in response.text
    fragment = client.post(url, data=request_data(**change), headers=HTMX)
    assert fragment.status_code == 422 and "<html" not in fragment.text
    assert parse(fragment.text).css_first("form#request-form") is not None
    assert stored(db) == []


def test_no_opinion_before_the_work_has_started(client: TestClient, db: Session, sign_in):
    case = make_case(db, status=CaseStatus.referred, consent=False)
    sign_in(case.assistant)
    page = client.get(f"/families/{case.family.id}/opinions")
    assert page.status_code == 200 and parse(page.text).css_first("#request-form") is None
    response = client.post(f"/families/{case.family.id}/opinions", data=request_data())
    assert response.status_code == 409
    assert "Praca z tą rodziną się nie rozpoczęła" in text(response.text, "[role=alert]")
    assert stored(db) == []


# --- drafts and final versions ----------------------------------------------------------------------


def test_a_draft_is_edited_and_an_invalid_edit_is_refused(
    client: TestClient, db: Session, sign_in, case: Case
):
    opinion = make_opinion(db, case.family, case.assistant)
    sign_in(case.assistant)
    url = f"/opinions/{opinion.id}"
    response = client.post(url, data=edit_data(opinion, body="Nowa treść."), follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"{url}?saved=draft"
    assert "Projekt został zapisany." in client.get(response.headers["location"]).text
    refused = client.post(url, data=edit_data(opinion, body="Inna treść.", court=""))
    assert refused.status_code == 422
    assert text(refused.text, "#court-error") == "Wpisz nazwę sądu, np. z wydziałem."
    assert parse(refused.text).css_first("#body").text() == "Inna treść."
    fragment = client.post(url, data=edit_data(opinion, court=""), headers=HTMX)
    assert fragment.status_code == 422 and "<html" not in fragment.text
    assert parse(fragment.text).css_first("form#opinion-form") is not None
    (saved,) = stored(db)
    assert saved.body == "Nowa treść." and saved.court == opinion.court


def test_a_final_opinion_is_immutable_over_http(
    client: TestClient, db: Session, sign_in, case: Case
):
    opinion = make_opinion(db, case.family, case.assistant)
    sign_in(case.assistant)
    response = client.post(
        f"/opinions/{opinion.id}/final",
        data=edit_data(opinion, body="Treść ostateczna."),
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/opinions/{opinion.id}?saved=final"
    page = client.get(response.headers["location"])
    html = parse(page.text)
    assert html.css_first("textarea") is None and text(page.text, ".opinion-text") == (
        "Treść ostateczna."
    )
    assert text(page.text, ".badge") == "wersja ostateczna"
    assert html.css_first(f"form[action='/opinions/{opinion.id}/supersede']") is not None
    refused = client.post(f"/opinions/{opinion.id}", data=edit_data(opinion, body="Zmiana."))
    assert refused.status_code == 409
    assert "Ostatecznej opinii nie można zmienić" in text(refused.text, "[role=alert]")
    again = client.post(f"/opinions/{opinion.id}/final")
    assert again.status_code == 409
    (saved,) = stored(db)
    assert saved.body == "Treść ostateczna." and saved.status is OpinionStatus.final


def test_an_empty_opinion_cannot_be_final(client: TestClient, db: Session, sign_in, case: Case):
    opinion = make_opinion(db, case.family, case.assistant)
    sign_in(case.assistant)
    response = client.post(f"/opinions/{opinion.id}/final", data=edit_data(opinion, body=" "))
    assert response.status_code == 422
    assert text(response.text, "#body-error") == (
        "Wpisz treść opinii, zanim oznaczysz ją jako ostateczną."
    )
    assert stored(db)[0].status is OpinionStatus.draft


def test_superseding_makes_a_new_draft_that_replaces_the_old_one_when_final(
    client: TestClient, db: Session, sign_in, case: Case
):
    old = make_opinion(db, case.family, case.assistant, status=OpinionStatus.final, body="Stara.")
    sign_in(case.assistant)
    response = client.post(f"/opinions/{old.id}/supersede", follow_redirects=False)
    assert response.status_code == 303
    new = next(o for o in stored(db) if o.id != old.id)
    assert response.headers["location"] == f"/opinions/{new.id}?saved=supersede"
    page = client.get(response.headers["location"])
    assert parse(page.text).css_first("#body").text() == "Stara."
    assert f'href="/opinions/{old.id}"' in page.text
    client.post(f"/opinions/{new.id}/final", data=edit_data(new, body="Poprawiona."))
    by_id = {o.id: o for o in stored(db)}
    assert by_id[old.id].status is OpinionStatus.superseded
    assert by_id[new.id].status is OpinionStatus.final and by_id[new.id].body == "Poprawiona."
    old_page = client.get(f"/opinions/{old.id}")
    assert "Istnieje nowsza wersja tej opinii." in old_page.text
    assert parse(old_page.text).css_first("form[action$='/supersede']") is None
    assert client.post(f"/opinions/{old.id}/supersede").status_code == 409


def test_a_draft_is_not_superseded_over_http(client: TestClient, db: Session, sign_in, case: Case):
    draft = make_opinion(db, case.family, case.assistant)
    sign_in(case.assistant)
    response = client.post(f"/opinions/{draft.id}/supersede")
    assert response.status_code == 409 and len(stored(db)) == 1


# --- printing ------------------------------------------------------------------------------------------


def test_the_printable_opinion_has_the_centres_header_and_the_signature(
    client: TestClient, db: Session, sign_in, case: Case
):
    opinion = make_opinion(db, case.family, case.assistant, body="OPINIA O RODZINIE\n\nTreść.")
    sign_in(case.assistant)
    draft = client.get(f"/opinions/{opinion.id}/print")
    assert draft.status_code == 200 and inline_code(draft.text) == []
    html = parse(draft.text)
    assert html.css_first(".bottom-nav") is None
    header = html.css_first(".opinion-letterhead").text()
    assert case.centre.name in header and case.centre.address in header
    assert "tel. 74 8110 266" in header
    assert text(draft.text, ".draft-mark") == "PROJEKT: wersja nieostateczna"
    assert "Treść." in text(draft.text, ".opinion-text")
    assert text(draft.text, ".opinion-signature").endswith(
        "Katarzyna Wiśniewska, asystentka rodziny"
    )
    opinion.status, opinion.finalised_at = (
        OpinionStatus.final,
        datetime(2026, 11, 20, 9, 0, tzinfo=WARSAW),
    )
    db.add(opinion)
    db.commit()
    final = client.get(f"/opinions/{opinion.id}/print")
    assert parse(final.text).css_first(".draft-mark") is None
    assert text(final.text, ".opinion-date") == "Data: 20.11.2026"


# --- who may --------------------------------------------------------------------------------------------


def test_the_family_is_refused_every_opinion_page(
    client: TestClient, db: Session, sign_in, case: Case
):
    opinion = make_opinion(db, case.family, case.assistant)
    sign_in(case.parent_user)
    for url in (f"/families/{case.family.id}/opinions", f"/opinions/{opinion.id}",
                f"/opinions/{opinion.id}/print"):  # fmt: skip
        assert client.get(url).status_code == 403, url
    for url in (f"/families/{case.family.id}/opinions", f"/opinions/{opinion.id}",
                f"/opinions/{opinion.id}/final", f"/opinions/{opinion.id}/supersede"):  # fmt: skip
        assert client.post(url, data=edit_data(opinion)).status_code == 403, url
    (saved,) = stored(db)
    assert saved.status is OpinionStatus.draft and saved.body == opinion.body


def test_another_assistant_gets_a_404(client: TestClient, db: Session, sign_in, case: Case):
    opinion = make_opinion(db, case.family, case.assistant)
    other = make_case(db, centre=case.centre)
    sign_in(other.assistant)
    assert client.get(f"/opinions/{opinion.id}").status_code == 404
    assert client.post(f"/opinions/{opinion.id}/final").status_code == 404
