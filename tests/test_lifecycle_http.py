"""The life cycle of a case over HTTP (issue 5, 3-4): consent and its withdrawal, the end of
the work, monitoring, closing and reopening; the family's page offers only the changes the
state allows, and a forbidden change shows the domain's message; the case's history (8)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from pwa.domain.kernel.dates import add_months
from pwa.i18n import local_today
from pwa.models import Assignment, CaseStatus, Consent, EndReason, Family, Role, utcnow
from tests.conftest import reread
from tests.support.audit import audit_actions
from tests.support.factories.cases import (
    Desk,
    current_assistant_id,
    make_desk,
    make_working_family,
    months_ago,
)
from tests.support.html import HTMX, form_actions, inline_code, parse, text, texts


@pytest.fixture
def desk(db: Session) -> Desk:
    return make_desk(db)


def reloaded(db: Session, family: Family) -> Family:
    reread(db)
    found = db.get(Family, family.id)
    assert found is not None
    return found


def consents(db: Session, family: Family) -> list[Consent]:
    reread(db)
    return list(
        db.exec(
            select(Consent).where(Consent.family_id == family.id).order_by(col(Consent.given_on))
        ).all()
    )


def make_in_state(db: Session, desk: Desk, status: CaseStatus) -> Family:
    """A family of Joanna's in `status`, as the life cycle would have left it."""
    values: dict[str, object] = {}
    if status in (CaseStatus.ended, CaseStatus.monitoring, CaseStatus.closed):
        values.update(ended_on=local_today() - timedelta(days=3), end_reason=EndReason.goals_met)
    if status is CaseStatus.monitoring:
        values["monitoring_until"] = add_months(local_today(), 3)
    if status is CaseStatus.closed:
        values["closed_on"] = local_today()
    assistant = None if status is CaseStatus.closed else desk.assistant
    family, _mother, _daughter = make_working_family(
        db, desk.centre, assistant, status=status, **values
    )
    return family


# --- the page offers the changes of the current state only -----------------------------------------


CHANGES = ("consent", "consent/withdraw", "end", "monitoring", "close", "reopen")


@pytest.mark.parametrize(
    ("status", "role", "offered"),
    [
        (CaseStatus.referred, Role.assistant, {"consent", "end"}),
        (CaseStatus.active, Role.assistant, {"consent/withdraw"}),
        (CaseStatus.ended, Role.assistant, {"consent/withdraw", "monitoring", "close"}),
        (CaseStatus.monitoring, Role.assistant, {"consent/withdraw", "close"}),
        (CaseStatus.closed, Role.coordinator, {"reopen"}),
        (CaseStatus.closed, Role.assistant, set()),
    ],
)
def test_the_family_page_offers_only_the_changes_its_state_allows(
    client: TestClient, db: Session, sign_in, desk: Desk, status, role, offered
):
    family = make_in_state(db, desk, status)
    if status is CaseStatus.closed and role is Role.assistant:
        db.add(Assignment(family_id=family.id, assistant_id=desk.assistant.id))
    sign_in(desk.coordinator if role is Role.coordinator else desk.assistant)
    response = client.get(f"/families/{family.id}")
    assert response.status_code == 200
    base = f"/families/{family.id}/"
    shown = {action.removeprefix(base) for action in form_actions(response.text)}
    assert shown & set(CHANGES) == offered
    assert inline_code(response.text) == []


def test_the_end_of_work_offers_the_reasons_of_the_state(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    referred = make_in_state(db, desk, CaseStatus.referred)
    active = make_in_state(db, desk, CaseStatus.active)
    sign_in(desk.assistant)

    def reasons(family: Family) -> list[str]:
        page = client.get(f"/families/{family.id}").text
        return [
            n.attributes["value"] or "" for n in parse(page).css("#end-work input[name=reason]")
        ]

    assert reasons(referred) == ["moved_away", "refused_at_first_contact", "other"]
    # Work under way is not ended by this form: it ends with its final assessment.
    assert reasons(active) == []
    # Work under way ends, first of all, with its final assessment (the assessments' page).
    final = f'a[href="/families/{active.id}/end-work"]'
    assert parse(client.get(f"/families/{active.id}").text).css_first(final) is not None
    assert parse(client.get(f"/families/{referred.id}").text).css_first(final) is None


# --- consent -------------------------------------------------------------------------------------


def test_recording_the_consent_starts_the_work(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    family, mother, _daughter = make_working_family(
        db, desk.centre, desk.assistant, status=CaseStatus.referred
    )
    sign_in(desk.assistant)
    page = client.get(f"/families/{family.id}")
    choices = [
        n.attributes["value"] for n in parse(page.text).css("#consent input[name=member_id]")
    ]
    assert choices == [str(mother.id)]  # adults only: a child cannot consent
    data = {
        "given_on": local_today().isoformat(),
        "member_id": str(mother.id),
        "consent_form": "written",
    }
    response = client.post(f"/families/{family.id}/consent", data=data, follow_redirects=False)
    assert response.headers["location"] == f"/families/{family.id}?done=consent"
    started = reloaded(db, family)
    assert (started.status, started.work_started_on) == (CaseStatus.active, local_today())
    [consent] = consents(db, family)
    assert consent.given_by_member_id == mother.id and consent.recorded_by_id == desk.assistant.id
    shown = client.get(response.headers["location"])
    assert text(shown.text, ".consent-given") != ""


def test_recording_the_consent_over_htmx_answers_with_a_client_redirect(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    family, mother, _daughter = make_working_family(
        db, desk.centre, desk.assistant, status=CaseStatus.referred
    )
    sign_in(desk.assistant)
    data = {
        "given_on": local_today().isoformat(),
        "member_id": str(mother.id),
        "consent_form": "oral",
    }
    response = client.post(f"/families/{family.id}/consent", data=data, headers=HTMX)
    assert response.status_code == 204
    assert response.headers["hx-redirect"] == f"/families/{family.id}?done=consent"


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_an_invalid_consent_is_refused_next_to_the_fields(
    client: TestClient, db: Session, sign_in, desk: Desk, headers: dict[str, str]
):
    family, _mother, daughter = make_working_family(
        db, desk.centre, desk.assistant, status=CaseStatus.referred
    )
    sign_in(desk.assistant)
    data = {"given_on": "2999-01-01", "member_id": str(daughter.id), "consent_form": ""}
    response = client.post(f"/families/{family.id}/consent", data=data, headers=headers)
    assert response.status_code == 422
    assert text(response.text, "#consent-given_on-error") == (
        "Ta data nie może przypadać w przyszłości."
    )
    assert text(response.text, "#consent-member_id-error") == (
        "Dziecko nie może wyrazić zgody: wybierz rodzica lub opiekuna."
    )
    assert text(response.text, "#consent-form-error") == (
        "Wybierz, czy zgoda została wyrażona pisemnie, czy ustnie."
    )
    assert ("<html" in response.text) is not bool(headers)
    if headers:  # only the consent section, to swap in place
        assert parse(response.text).css_first("section#consent") is not None
        assert parse(response.text).css_first("section#state") is None
    assert consents(db, family) == []
    assert reloaded(db, family).status is CaseStatus.referred


def test_withdrawing_the_consent_ends_the_work(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    family, _mother, _daughter = make_working_family(db, desk.centre, desk.assistant)
    sign_in(desk.assistant)
    response = client.post(
        f"/families/{family.id}/consent/withdraw",
        data={
            "withdrawn_on": local_today().isoformat(),
            "reason": "Rodzina nie chce dalszej pomocy.",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == f"/families/{family.id}?done=consent_withdrawn"
    ended = reloaded(db, family)
    assert (ended.status, ended.end_reason) == (CaseStatus.ended, EndReason.consent_withdrawn)
    [consent] = consents(db, family)
    assert consent.withdrawal_reason == "Rodzina nie chce dalszej pomocy."


def test_a_withdrawal_needs_a_reason(client: TestClient, db: Session, sign_in, desk: Desk):
    family, _mother, _daughter = make_working_family(db, desk.centre, desk.assistant)
    sign_in(desk.assistant)
    response = client.post(
        f"/families/{family.id}/consent/withdraw", data={"withdrawn_on": "", "reason": " "}
    )
    assert response.status_code == 422
    assert text(response.text, "#withdraw-reason-error") == "Podaj w kilku słowach powód."
    form = parse(response.text).css_first("form[action$='/consent/withdraw']")
    assert "open" in form.parent.attributes  # the failed form is shown open
    assert reloaded(db, family).status is CaseStatus.active


# --- the end of the work, monitoring, closing, reopening --------------------------------------------


def test_a_referred_family_moving_away_ends_the_case(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    family = make_in_state(db, desk, CaseStatus.referred)
    sign_in(desk.assistant)
    response = client.post(
        f"/families/{family.id}/end",
        data={"reason": "moved_away", "ended_on": local_today().isoformat(), "detail": ""},
        headers=HTMX,
    )
    assert response.headers["hx-redirect"] == f"/families/{family.id}?done=ended"
    ended = reloaded(db, family)
    assert (ended.status, ended.ended_on) == (CaseStatus.ended, local_today())


def test_work_under_way_is_not_ended_without_the_final_assessment(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    family, _mother, _daughter = make_working_family(db, desk.centre, desk.assistant)
    sign_in(desk.assistant)
    response = client.post(
        f"/families/{family.id}/end",
        data={"reason": "goals_met", "ended_on": local_today().isoformat(), "detail": ""},
    )
    assert response.status_code == 409
    assert "ocen" in response.text
    assert reloaded(db, family).status is CaseStatus.active


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_ending_for_a_reason_the_state_does_not_allow_is_refused(
    client: TestClient, db: Session, sign_in, desk: Desk, headers: dict[str, str]
):
    family = make_in_state(db, desk, CaseStatus.referred)
    sign_in(desk.assistant)
    response = client.post(
        f"/families/{family.id}/end",
        data={"reason": "goals_met", "ended_on": "", "detail": ""},
        headers=headers,
    )
    assert response.status_code == 422
    assert text(response.text, "#end-reason-error") == (
        "Praca jeszcze się nie rozpoczęła: wybierz inny powód."
    )
    assert ("<html" in response.text) is not bool(headers)
    assert reloaded(db, family).status is CaseStatus.referred


def test_another_reason_needs_its_words(client: TestClient, db: Session, sign_in, desk: Desk):
    family = make_in_state(db, desk, CaseStatus.referred)
    sign_in(desk.assistant)
    response = client.post(
        f"/families/{family.id}/end", data={"reason": "other", "ended_on": "", "detail": ""}
    )
    assert response.status_code == 422
    assert text(response.text, "#end-detail-error") == "Podaj w kilku słowach powód."
    checked = parse(response.text).css_first("#end-work input[value=other]")
    assert "checked" in checked.attributes  # the choice made is kept


def test_monitoring_lasts_the_centres_default_when_no_date_is_given(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    family = make_in_state(db, desk, CaseStatus.ended)
    sign_in(desk.assistant)
    response = client.post(
        f"/families/{family.id}/monitoring", data={"until": ""}, follow_redirects=False
    )
    assert response.headers["location"] == f"/families/{family.id}?done=monitoring"
    monitored = reloaded(db, family)
    assert monitored.status is CaseStatus.monitoring
    assert monitored.monitoring_until == add_months(
        local_today(), desk.centre.monitoring_default_months
    )


def test_monitoring_until_a_past_date_is_refused(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    family = make_in_state(db, desk, CaseStatus.ended)
    sign_in(desk.assistant)
    response = client.post(
        f"/families/{family.id}/monitoring", data={"until": months_ago(1).isoformat()}
    )
    assert response.status_code == 422
    assert text(response.text, "#monitoring-until-error") == (
        "Koniec monitorowania musi przypadać po dzisiejszym dniu."
    )
    assert reloaded(db, family).status is CaseStatus.ended


def test_closing_the_case_ends_the_assignment(client: TestClient, db: Session, sign_in, desk: Desk):
    family = make_in_state(db, desk, CaseStatus.monitoring)
    sign_in(desk.assistant)
    blank = client.post(f"/families/{family.id}/close", data={"reason": ""})
    assert blank.status_code == 422
    assert text(blank.text, "#close-reason-error") == "Podaj w kilku słowach powód."
    response = client.post(
        f"/families/{family.id}/close",
        data={"reason": "Monitorowanie zakończone bez zastrzeżeń."},
        follow_redirects=False,
    )
    assert response.headers["location"] == f"/families/{family.id}?done=closed"
    assert reloaded(db, family).status is CaseStatus.closed
    assert current_assistant_id(db, family) is None


def test_the_coordinator_reopens_a_closed_case_and_an_assistant_cannot(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    family = make_in_state(db, desk, CaseStatus.closed)
    sign_in(desk.assistant)
    refused = client.post(f"/families/{family.id}/reopen", data={"reason": "Nowe zgłoszenie."})
    assert refused.status_code == 403
    assert reloaded(db, family).status is CaseStatus.closed
    sign_in(desk.coordinator)
    response = client.post(
        f"/families/{family.id}/reopen",
        data={"reason": "Nowe zgłoszenie ze szkoły."},
        follow_redirects=False,
    )
    assert response.headers["location"] == f"/families/{family.id}?done=reopened"
    reopened = reloaded(db, family)
    assert (reopened.status, reopened.closed_on) == (CaseStatus.referred, None)


# --- forbidden changes show the domain's message ----------------------------------------------------


@pytest.mark.parametrize(
    ("status", "path", "data", "section", "message"),
    [
        (
            CaseStatus.active, "close", {"reason": "Koniec"}, "state",
            "Sprawę można zamknąć dopiero po zakończeniu pracy z rodziną.",
        ),
        (
            CaseStatus.active, "monitoring", {"until": ""}, "state",
            "Monitorowanie można rozpocząć dopiero po zakończeniu pracy z rodziną.",
        ),
        (
            CaseStatus.monitoring, "end", {"reason": "other", "detail": "x"}, "state",
            "Praca z tą rodziną została już zakończona.",
        ),
        (
            CaseStatus.ended, "consent", {"given_on": "", "member_id": "", "consent_form": ""},
            "consent", "Praca z tą rodziną została zakończona: nie można już odnotować jej zgody.",
        ),
        (
            CaseStatus.active, "reopen", {"reason": "Ponownie"}, "state",
            "Ponownie otworzyć można tylko zamkniętą sprawę.",
        ),
        (
            CaseStatus.closed, "assignment", {"assistant_id": ""}, "assignment",
            "Sprawa jest zamknięta: otwórz ją ponownie, zanim przydzielisz asystenta.",
        ),
    ],
)  # fmt: skip
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_a_change_the_state_does_not_allow_is_refused_with_the_domains_message(
    client: TestClient, db: Session, sign_in, desk: Desk, status, path, data, section, message,
    headers,
):  # fmt: skip
    family = make_in_state(db, desk, status)
    sign_in(desk.coordinator)
    response = client.post(f"/families/{family.id}/{path}", data=data, headers=headers)
    assert response.status_code == 409
    assert text(response.text, f"section#{section} .form-errors[role=alert]") == message
    assert ("<html" in response.text) is not bool(headers)
    assert reloaded(db, family).status is status


# --- the timeline ----------------------------------------------------------------------------------


def test_the_timeline_tells_the_case_in_order(client: TestClient, db: Session, sign_in, desk):
    family, mother, _daughter = make_working_family(
        db, desk.centre, desk.assistant, status=CaseStatus.referred,
        referred_on=local_today() - timedelta(days=5), social_worker_name="Maria Wiśniewska",
    )  # fmt: skip
    assignment = db.exec(select(Assignment).where(Assignment.family_id == family.id)).one()
    assignment.started_at = utcnow() - timedelta(days=2)
    db.add(assignment)
    sign_in(desk.coordinator)
    client.post(
        f"/families/{family.id}/consent",
        data={
            "given_on": local_today().isoformat(),
            "member_id": str(mother.id),
            "consent_form": "oral",
        },
    )
    response = client.get(f"/families/{family.id}/timeline")
    assert response.status_code == 200
    assert texts(response.text, ".timeline-entry .item-title") == [
        "Zgłoszenie od: Maria Wiśniewska",
        "Przydzielenie asystenta: Joanna Lewandowska",
        "Zgoda wyrażona ustnie",
        "Rozpoczęcie pracy",
    ]
    assert parse(response.text).css_first(f'a[href="/families/{family.id}"]') is not None
    assert "timeline.read" in audit_actions(db, family.id)
