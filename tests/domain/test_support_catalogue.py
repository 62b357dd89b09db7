"""The "Za życiem" support catalogue (issue 10, point 5): the coordinator keeps it, a "Za życiem"
family sees it, the assistant records what was requested for the family and what came of it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from pwa.domain.cases import support_catalogue as catalogue
from pwa.domain.cases.support_catalogue import SupportRequestForm
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, Forbidden, Invalid, NotFound
from pwa.i18n import use_locale
from pwa.models import AuditEvent, CaseStatus, SupportCategory, SupportRequest, SupportService
from tests.support.clock import NOW, TODAY
from tests.support.factories.assessments import make_service, service_form
from tests.support.factories.core import make_centre
from tests.support.factories.visits import Case, make_case


@pytest.fixture
def case(db: Session) -> Case:
    return make_case(db, za_zyciem=True)


# --- the coordinator keeps the catalogue ------------------------------------------------------------


def test_the_coordinator_adds_an_item_with_its_contacts(db: Session, case: Case):
    service = catalogue.add_service(db, actor=case.as_coordinator, form=service_form())
    assert service.centre_id == case.centre.id and service.is_active
    assert service.category is SupportCategory.rehabilitation
    assert (service.phone, service.hours) == ("74 865 12 34", "pon.–pt. 8:00–16:00")
    assert service.website == "https://www.rehabilitacja-klodzko.pl"
    events = db.exec(select(AuditEvent).where(AuditEvent.object_id == service.id)).all()
    assert [(e.action, e.centre_id) for e in events] == [("support_service.create", case.centre.id)]


def test_the_item_form_is_checked_all_at_once_in_polish(db: Session, case: Case):
    with use_locale("pl"), pytest.raises(Invalid) as refused:
        catalogue.add_service(
            db, actor=case.as_coordinator,
            form=service_form(category="money", name="", phone="abc", website="nie ma strony"),
        )  # fmt: skip
    assert refused.value.errors == {
        "category": "Wybierz kategorię wsparcia.",
        "name": "Wpisz nazwę usługi lub instytucji.",
        "phone": "Wpisz numer telefonu, np. 600 100 200.",
        "website": "Wpisz adres strony internetowej, np. www.ops.bystrzyca.pl.",
    }
    assert db.exec(select(SupportService)).all() == []


def test_the_coordinator_edits_deactivates_and_brings_back_an_item(db: Session, case: Case):
    service = make_service(db, case.centre)
    catalogue.update_service(
        db, actor=case.as_coordinator, service_id=service.id,
        form=service_form(category="legal", name="Punkt nieodpłatnej pomocy prawnej", website=""),
    )  # fmt: skip
    assert service.name == "Punkt nieodpłatnej pomocy prawnej" and service.website == ""
    catalogue.set_service_active(db, actor=case.as_coordinator, service_id=service.id, active=False)
    assert not service.is_active
    staff_view = catalogue.staff_catalogue(db, actor=case.as_coordinator)
    assert staff_view.sections == [] and staff_view.inactive == [service]
    catalogue.set_service_active(db, actor=case.as_coordinator, service_id=service.id, active=True)
    assert service.is_active
    actions = db.exec(select(AuditEvent.action).where(AuditEvent.object_id == service.id)).all()
    assert sorted(actions) == [
        "support_service.activate",
        "support_service.deactivate",
        "support_service.update",
    ]


def test_only_the_coordinator_of_the_centre_changes_the_catalogue(db: Session, case: Case):
    service = make_service(db, case.centre)
    for actor in (case.as_assistant, case.as_parent):
        with pytest.raises(Forbidden):
            catalogue.add_service(db, actor=actor, form=service_form())
        with pytest.raises(Forbidden):
            catalogue.set_service_active(db, actor=actor, service_id=service.id, active=False)
    foreign = make_service(db, make_centre(db))
    with pytest.raises(NotFound):
        catalogue.update_service(
            db, actor=case.as_coordinator, service_id=foreign.id, form=service_form()
        )
    assert service.is_active and foreign.is_active


def test_staff_read_the_catalogue_by_category_and_name(db: Session, case: Case):
    rehab = make_service(db, case.centre, category=SupportCategory.rehabilitation, name="Rehab")
    law_b = make_service(db, case.centre, name="Zespół adwokatów")
    law_a = make_service(db, case.centre, name="Adwokat dyżurny")
    make_service(db, case.centre, name="Stara usługa", is_active=False)
    make_service(db, make_centre(db), name="Inny ośrodek")
    view = catalogue.staff_catalogue(db, actor=case.as_assistant)
    assert [(s.category, s.services) for s in view.sections] == [
        (SupportCategory.legal, [law_a, law_b]),
        (SupportCategory.rehabilitation, [rehab]),
    ]
    assert view.inactive == [] and not view.can_manage
    with pytest.raises(Forbidden):
        catalogue.staff_catalogue(db, actor=case.as_parent)


# --- the family's page ---------------------------------------------------------------------------


def test_a_za_zyciem_family_sees_the_active_items_and_what_was_requested(db: Session, case: Case):
    active = make_service(db, case.centre)
    make_service(db, case.centre, name="Wycofana", is_active=False)
    db.add(SupportRequest(family_id=case.family.id, service_id=active.id, requested_on=TODAY))
    page = catalogue.family_catalogue(db, actor=case.as_parent)
    assert [s.services for s in page.sections] == [[active]]
    assert page.requested_on == {active.id: TODAY}
    events = db.exec(select(AuditEvent.action).where(AuditEvent.family_id == case.family.id))
    assert events.all() == ["support.read"]


def test_another_family_has_no_catalogue_page(db: Session):
    case = make_case(db, za_zyciem=False)
    with pytest.raises(NotFound):
        catalogue.family_catalogue(db, actor=case.as_parent)
    with pytest.raises(Forbidden):
        catalogue.family_catalogue(db, actor=case.as_assistant)


# --- requests for a family ----------------------------------------------------------------------


def test_the_assistant_records_a_request_and_later_its_outcome(db: Session, case: Case):
    service = make_service(db, case.centre)
    request = catalogue.record_support_request(
        db, actor=case.as_assistant, family_id=case.family.id,
        form=SupportRequestForm(str(service.id), "2026-11-20"), now=NOW,
    )  # fmt: skip
    assert (request.service_id, request.requested_on) == (service.id, date(2026, 11, 20))
    assert request.outcome == "" and request.recorded_by_id == case.assistant.id
    catalogue.record_outcome(
        db, actor=case.as_assistant, support_request_id=request.id, outcome="Porada udzielona."
    )
    rows = catalogue.support_requests(db, family=case.family)
    assert [(r.service, r.request.outcome) for r in rows] == [(service, "Porada udzielona.")]


def test_the_request_form_is_checked_in_polish(db: Session, case: Case):
    retired = make_service(db, case.centre, is_active=False)
    with use_locale("pl"), pytest.raises(Invalid) as refused:
        catalogue.record_support_request(
            db, actor=case.as_assistant, family_id=case.family.id,
            form=SupportRequestForm(str(retired.id), "", "x" * 501), now=NOW,
        )  # fmt: skip
    assert refused.value.errors == {
        "service_id": "Wybierz pozycję z katalogu wsparcia.",
        "requested_on": "Wpisz datę złożenia wniosku.",
        "outcome": "Ten tekst jest za długi (najwyżej 500 znaków).",
    }
    foreign = make_service(db, make_centre(db))
    with pytest.raises(Invalid) as refused:
        catalogue.record_support_request(
            db, actor=case.as_assistant, family_id=case.family.id,
            form=SupportRequestForm(str(foreign.id), "2026-11-20"), now=NOW,
        )  # fmt: skip
    assert set(refused.value.errors) == {"service_id"}
    request = SupportRequest(family_id=case.family.id, service_id=retired.id, requested_on=TODAY)
    db.add(request)
    db.flush()
    with use_locale("pl"), pytest.raises(Invalid) as refused:
        catalogue.record_outcome(
            db, actor=case.as_assistant, support_request_id=request.id, outcome=" "
        )
    assert refused.value.errors == {"outcome": "Opisz, co wynikło z wniosku."}


def test_requests_are_recorded_only_for_za_zyciem_families(db: Session):
    case = make_case(db, za_zyciem=False)
    service = make_service(db, case.centre)
    with pytest.raises(Conflict):
        catalogue.record_support_request(
            db, actor=case.as_assistant, family_id=case.family.id,
            form=SupportRequestForm(str(service.id), "2026-11-20"), now=NOW,
        )  # fmt: skip
    closed = make_case(db, za_zyciem=True, status=CaseStatus.closed)
    with pytest.raises(Conflict):
        catalogue.record_support_request(
            db, actor=closed.as_assistant, family_id=closed.family.id,
            form=SupportRequestForm(str(service.id), "2026-11-20"), now=NOW,
        )  # fmt: skip


def test_only_the_familys_staff_record_requests(db: Session, case: Case):
    service = make_service(db, case.centre)
    other = make_case(db, centre=case.centre, za_zyciem=True)
    for actor in (case.as_parent, Actor(other.assistant)):
        with pytest.raises(NotFound):
            catalogue.record_support_request(
                db, actor=actor, family_id=case.family.id,
                form=SupportRequestForm(str(service.id), "2026-11-20"), now=NOW,
            )  # fmt: skip
