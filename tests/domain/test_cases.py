"""Referral, members, the family's record and assignment (issue 5, points 1 and 2)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, col, select

from pwa.domain.cases import members
from pwa.domain.cases import record as cases
from pwa.domain.cases.caseload import MAX_FAMILIES_PER_ASSISTANT
from pwa.domain.cases.members import MemberForm
from pwa.domain.kernel.errors import Conflict, Forbidden, Invalid, NotFound
from pwa.domain.kernel.forms import parse_date
from pwa.i18n import use_locale
from pwa.models import Assignment, CaseStatus, FamilyMember, Relation, Role
from tests.support.audit import audit_actions
from tests.support.clock import NOW
from tests.support.factories.cases import actor, case_events, child, parent, referral_form, staff
from tests.support.factories.core import make_centre, make_family, make_member, make_user

# --- referral ---------------------------------------------------------------------------------


def test_coordinator_registers_a_referred_family_with_its_members(db: Session) -> None:
    centre, coordinator, _assistant = staff(db)
    family = cases.register_family(
        db, actor=coordinator, form=referral_form(za_zyciem="on"), now=NOW
    )

    assert family.centre_id == centre.id
    assert family.status is CaseStatus.referred
    assert family.case_number == "AR.4011.7.2026"
    assert family.referred_on == date(2026, 11, 20)
    assert family.social_worker_email == "m.wisniewska@ops.example.pl"
    assert family.za_zyciem and not family.foster_care
    people = db.exec(select(FamilyMember).where(FamilyMember.family_id == family.id)).all()
    assert sorted((m.first_name, m.relation, m.birth_date) for m in people) == [
        ("Ewa", Relation.parent, None),
        ("Zosia", Relation.child, date(2018, 4, 12)),
    ]
    [event] = case_events(db, family.id)
    assert (event.from_status, event.to_status) == (None, CaseStatus.referred)
    assert "family.create" in audit_actions(db, family.id)


def test_referral_date_left_blank_is_today_in_warsaw(db: Session) -> None:
    _centre, coordinator, _assistant = staff(db)
    family = cases.register_family(
        db, actor=coordinator, form=referral_form(referred_on=""), now=NOW
    )
    assert family.referred_on == date(2026, 11, 23)


def test_blank_member_rows_of_the_form_are_ignored(db: Session) -> None:
    _centre, coordinator, _assistant = staff(db)
    blank = MemberForm(first_name=" ", last_name="", relation="child")
    family = cases.register_family(
        db, actor=coordinator, form=referral_form(members=(parent(), blank)), now=NOW
    )
    assert len(db.exec(select(FamilyMember).where(FamilyMember.family_id == family.id)).all()) == 1


def test_foster_care_flag_keeps_the_coordinators_contact(db: Session) -> None:
    _centre, coordinator, _assistant = staff(db)
    form = referral_form(
        foster_care="on", foster_care_coordinator="Jan Nowak, PCPR Kłodzko, tel. 74 865 75 10"
    )
    family = cases.register_family(db, actor=coordinator, form=form, now=NOW)
    assert family.foster_care
    assert family.foster_care_coordinator == "Jan Nowak, PCPR Kłodzko, tel. 74 865 75 10"


def test_every_field_error_of_a_referral_is_reported_at_once(db: Session) -> None:
    _centre, coordinator, _assistant = staff(db)
    form = referral_form(
        case_number=" ",
        name="",
        address="",
        referral_reason="",
        social_worker_name="",
        social_worker_email="not-an-address",
        referred_on="2026-13-45",
        foster_care="on",
        members=(parent(first_name=""), child(birth_date="")),
    )
    with use_locale("pl"), pytest.raises(Invalid) as refused:
        cases.register_family(db, actor=coordinator, form=form, now=NOW)

    assert set(refused.value.errors) == {
        "case_number",
        "name",
        "address",
        "referral_reason",
        "social_worker_name",
        "social_worker_email",
        "referred_on",
        "foster_care_coordinator",
        "members-0-first_name",
        "members-1-birth_date",
    }
    assert refused.value.errors["members-1-birth_date"] == "Wpisz datę urodzenia dziecka."
    assert refused.value.errors["social_worker_email"] == "To nie wygląda na adres e-mail."


def test_a_childs_birth_date_in_the_future_is_refused(db: Session) -> None:
    _centre, coordinator, _assistant = staff(db)
    tomorrow = (NOW.date() + timedelta(days=1)).isoformat()
    with pytest.raises(Invalid) as refused:
        cases.register_family(
            db,
            actor=coordinator,
            form=referral_form(members=(parent(), child(birth_date=tomorrow))),
            now=NOW,
        )
    assert set(refused.value.errors) == {"members-1-birth_date"}


def test_a_referral_needs_an_adult_member(db: Session) -> None:
    _centre, coordinator, _assistant = staff(db)
    with pytest.raises(Invalid) as refused:
        cases.register_family(
            db, actor=coordinator, form=referral_form(members=(child(),)), now=NOW
        )
    assert set(refused.value.errors) == {"members"}


def test_a_case_number_already_used_in_the_centre_is_refused(db: Session) -> None:
    centre, coordinator, _assistant = staff(db)
    make_family(db, centre, case_number="AR.4011.7.2026")
    with use_locale("pl"), pytest.raises(Invalid) as refused:
        cases.register_family(db, actor=coordinator, form=referral_form(), now=NOW)
    assert refused.value.errors == {"case_number": "Ten numer sprawy jest już używany w ośrodku."}


def test_the_same_case_number_may_be_used_by_another_centre(db: Session) -> None:
    make_family(db, make_centre(db), case_number="AR.4011.7.2026")
    _centre, coordinator, _assistant = staff(db)
    family = cases.register_family(db, actor=coordinator, form=referral_form(), now=NOW)
    assert family.case_number == "AR.4011.7.2026"


def test_an_assistant_cannot_register_a_family(db: Session) -> None:
    _centre, _coordinator, assistant = staff(db)
    with pytest.raises(Forbidden):
        cases.register_family(db, actor=assistant, form=referral_form(), now=NOW)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-23", date(2026, 11, 23)),
        ("23.11.2026", date(2026, 11, 23)),
        (" 3.1.2027 ", date(2027, 1, 3)),
        ("2026-02-30", None),
        ("23/11/2026", None),
        ("", None),
    ],
)
def test_dates_are_read_as_the_date_input_or_the_polish_way_sends_them(
    raw: str, expected: date | None
) -> None:
    assert parse_date(raw) == expected


def test_the_referral_can_be_corrected_and_the_change_is_audited(db: Session) -> None:
    _centre, coordinator, _assistant = staff(db)
    family = cases.register_family(db, actor=coordinator, form=referral_form(), now=NOW)
    corrected = cases.update_referral(
        db,
        actor=coordinator,
        family_id=family.id,
        form=referral_form(address="ul. Kościuszki 2, Bystrzyca Kłodzka", referred_on=""),
        now=NOW,
    )
    assert corrected.address == "ul. Kościuszki 2, Bystrzyca Kłodzka"
    assert corrected.referred_on == date(2026, 11, 20)  # blank keeps the registered date
    assert "family.update" in audit_actions(db, family.id)


def test_correcting_to_another_familys_case_number_is_refused(db: Session) -> None:
    centre, coordinator, _assistant = staff(db)
    make_family(db, centre, case_number="AR.4011.1.2026")
    family = cases.register_family(db, actor=coordinator, form=referral_form(), now=NOW)
    with pytest.raises(Invalid) as refused:
        cases.update_referral(
            db,
            actor=coordinator,
            family_id=family.id,
            form=referral_form(case_number="AR.4011.1.2026"),
            now=NOW,
        )
    assert set(refused.value.errors) == {"case_number"}


def test_the_family_record_is_read_by_its_staff_and_the_read_is_audited(db: Session) -> None:
    centre, _coordinator, assistant = staff(db)
    family = make_family(db, centre, assistant=assistant.user)
    make_member(db, family)
    record = cases.family_record(db, actor=assistant, family_id=family.id)
    assert record.assistant == assistant.user and len(record.members) == 1
    assert record.consent is None
    assert audit_actions(db, family.id) == ["family.read"]


def test_the_record_lists_adults_first_and_those_who_moved_out_last(db: Session) -> None:
    centre, coordinator, _assistant = staff(db)
    family = make_family(db, centre)
    younger = make_member(db, family, relation=Relation.child, birth_date=date(2019, 1, 1))
    older = make_member(db, family, relation=Relation.child, birth_date=date(2012, 1, 1))
    gone = make_member(db, family, relation=Relation.parent, in_household=False)
    mother = make_member(db, family, relation=Relation.parent)
    record = cases.family_record(db, actor=coordinator, family_id=family.id)
    assert [m.id for m in record.members] == [mother.id, older.id, younger.id, gone.id]


def test_another_assistant_does_not_see_the_family(db: Session) -> None:
    centre, _coordinator, assistant = staff(db)
    family = make_family(db, centre, assistant=assistant.user)
    other = actor(make_user(db, centre, Role.assistant))
    with pytest.raises(NotFound):
        cases.family_record(db, actor=other, family_id=family.id)


# --- members ---------------------------------------------------------------------------------


def test_the_assistant_adds_and_corrects_a_member(db: Session) -> None:
    centre, _coordinator, assistant = staff(db)
    family = make_family(db, centre, assistant=assistant.user)
    member = members.add_member(
        db, actor=assistant, family_id=family.id, form=child(first_name="Kuba"), now=NOW
    )
    assert (member.first_name, member.birth_date) == ("Kuba", date(2018, 4, 12))
    members.update_member(
        db,
        actor=assistant,
        member_id=member.id,
        form=child(first_name="Jakub", birth_date="12.04.2018"),
        now=NOW,
    )
    assert member.first_name == "Jakub"
    assert audit_actions(db, family.id) == ["member.create", "member.update"]


def test_a_member_who_moved_out_is_marked_not_deleted(db: Session) -> None:
    centre, coordinator, _assistant = staff(db)
    family = make_family(db, centre)
    member = make_member(db, family)
    members.mark_left_household(
        db, actor=coordinator, member_id=member.id, left_on="2026-11-01", now=NOW
    )
    kept = db.get(FamilyMember, member.id)
    assert kept is not None and not kept.in_household
    assert kept.left_household_on == date(2026, 11, 1)
    with pytest.raises(Conflict):
        members.mark_left_household(db, actor=coordinator, member_id=member.id, left_on="", now=NOW)
    members.mark_back_in_household(db, actor=coordinator, member_id=member.id)
    assert kept.in_household and kept.left_household_on is None
    assert "member.leave" in audit_actions(db, family.id)


def test_a_member_cannot_leave_before_being_born(db: Session) -> None:
    centre, coordinator, _assistant = staff(db)
    baby = make_member(
        db, make_family(db, centre), relation=Relation.child, birth_date=date(2026, 6, 1)
    )
    with pytest.raises(Invalid) as refused:
        members.mark_left_household(
            db, actor=coordinator, member_id=baby.id, left_on="2026-05-01", now=NOW
        )
    assert set(refused.value.errors) == {"left_on"}


def test_a_member_with_an_unknown_relation_is_refused(db: Session) -> None:
    centre, coordinator, _assistant = staff(db)
    family = make_family(db, centre)
    with pytest.raises(Invalid) as refused:
        members.add_member(
            db, actor=coordinator, family_id=family.id, form=parent(relation="cousin"), now=NOW
        )
    assert set(refused.value.errors) == {"relation"}


def test_members_of_another_assistants_family_cannot_be_changed(db: Session) -> None:
    centre, _coordinator, assistant = staff(db)
    family = make_family(db, centre, assistant=make_user(db, centre, Role.assistant))
    with pytest.raises(NotFound):
        members.add_member(db, actor=assistant, family_id=family.id, form=parent(), now=NOW)


# --- assignment and the limit ---------------------------------------------------------------


def _assign(
    db: Session, coordinator: object, family_id: object, assistant_id: object
) -> Assignment:
    return cases.assign_assistant(
        db,
        actor=coordinator,
        family_id=family_id,
        assistant_id=str(assistant_id),
        now=NOW,  # type: ignore[arg-type]
    )


def test_coordinator_assigns_an_assistant(db: Session) -> None:
    centre, coordinator, assistant = staff(db)
    family = make_family(db, centre, status=CaseStatus.referred)
    assignment = _assign(db, coordinator, family.id, assistant.id)
    assert assignment.assistant_id == assistant.id and assignment.ended_at is None
    assert assignment.assigned_by_id == coordinator.id
    assert audit_actions(db, family.id) == ["family.assign"]


def test_reassigning_ends_the_previous_assignment(db: Session) -> None:
    centre, coordinator, assistant = staff(db)
    family = make_family(db, centre, assistant=assistant.user)
    other = make_user(db, centre, Role.assistant)
    _assign(db, coordinator, family.id, other.id)
    rows = db.exec(select(Assignment).where(Assignment.family_id == family.id)).all()
    current = [row for row in rows if row.ended_at is None]
    assert len(rows) == 2 and [row.assistant_id for row in current] == [other.id]


def test_assigning_the_same_assistant_again_changes_nothing(db: Session) -> None:
    centre, coordinator, assistant = staff(db)
    family = make_family(db, centre, assistant=assistant.user)
    _assign(db, coordinator, family.id, assistant.id)
    assert len(db.exec(select(Assignment).where(Assignment.family_id == family.id)).all()) == 1


def _fill_caseload(db: Session, centre: object, assistant: object, n: int = 15) -> None:
    for _ in range(n):
        make_family(db, centre, assistant=assistant)  # type: ignore[arg-type]


def test_sixteenth_family_is_refused_with_a_message_naming_the_limit(db: Session) -> None:
    centre, coordinator, assistant = staff(db)
    _fill_caseload(db, centre, assistant.user, MAX_FAMILIES_PER_ASSISTANT)
    family = make_family(db, centre, status=CaseStatus.referred)
    with use_locale("pl"), pytest.raises(cases.CaseloadFull) as refused:
        _assign(db, coordinator, family.id, assistant.id)
    message = refused.value.message
    assert assistant.user.full_name in message
    assert "15" in message and "art. 15 ust. 4" in message
    assert message.startswith(f"{assistant.user.full_name} pracuje już z 15 rodzinami.")
    current = db.exec(
        select(Assignment).where(
            Assignment.family_id == family.id, col(Assignment.ended_at).is_(None)
        )
    ).all()
    assert current == []


def test_fifteenth_family_is_accepted(db: Session) -> None:
    centre, coordinator, assistant = staff(db)
    _fill_caseload(db, centre, assistant.user, MAX_FAMILIES_PER_ASSISTANT - 1)
    family = make_family(db, centre, status=CaseStatus.referred)
    assert _assign(db, coordinator, family.id, assistant.id).assistant_id == assistant.id


def test_families_in_monitoring_count_toward_the_limit_by_default(db: Session) -> None:
    centre, coordinator, assistant = staff(db)
    _fill_caseload(db, centre, assistant.user, MAX_FAMILIES_PER_ASSISTANT - 1)
    make_family(db, centre, assistant=assistant.user, status=CaseStatus.monitoring)
    family = make_family(db, centre, status=CaseStatus.referred)
    with pytest.raises(cases.CaseloadFull):
        _assign(db, coordinator, family.id, assistant.id)


def test_families_in_monitoring_do_not_count_when_the_centre_says_so(db: Session) -> None:
    centre, coordinator, assistant = staff(
        db, make_centre(db, monitoring_counts_toward_limit=False)
    )
    _fill_caseload(db, centre, assistant.user, MAX_FAMILIES_PER_ASSISTANT - 1)
    make_family(db, centre, assistant=assistant.user, status=CaseStatus.monitoring)
    family = make_family(db, centre, status=CaseStatus.referred)
    assert _assign(db, coordinator, family.id, assistant.id).assistant_id == assistant.id


def test_ended_and_closed_families_do_not_count(db: Session) -> None:
    centre, coordinator, assistant = staff(db)
    _fill_caseload(db, centre, assistant.user, MAX_FAMILIES_PER_ASSISTANT - 1)
    make_family(db, centre, assistant=assistant.user, status=CaseStatus.ended)
    make_family(db, centre, assistant=assistant.user, status=CaseStatus.closed)
    family = make_family(db, centre, status=CaseStatus.referred)
    assert _assign(db, coordinator, family.id, assistant.id).assistant_id == assistant.id


def test_reassigning_one_of_her_own_families_is_not_a_sixteenth(db: Session) -> None:
    centre, coordinator, assistant = staff(db)
    _fill_caseload(db, centre, assistant.user, MAX_FAMILIES_PER_ASSISTANT - 1)
    other = make_user(db, centre, Role.assistant)
    family = make_family(db, centre, assistant=other)
    assert _assign(db, coordinator, family.id, assistant.id).assistant_id == assistant.id
    with pytest.raises(cases.CaseloadFull):
        _assign(db, coordinator, make_family(db, centre).id, assistant.id)


@pytest.mark.parametrize("who", ["assistant_of_another_centre", "inactive", "family_user"])
def test_only_assistants_of_the_centre_can_be_assigned(db: Session, who: str) -> None:
    centre, coordinator, _assistant = staff(db)
    family = make_family(db, centre, status=CaseStatus.referred)
    if who == "assistant_of_another_centre":
        chosen = make_user(db, make_centre(db), Role.assistant)
    elif who == "inactive":
        chosen = make_user(db, centre, Role.assistant, is_active=False)
    else:
        chosen = make_user(db, centre, Role.family, family_id=family.id)
    with pytest.raises(Invalid) as refused:
        _assign(db, coordinator, family.id, chosen.id)
    assert set(refused.value.errors) == {"assistant_id"}


def test_a_closed_case_cannot_be_assigned(db: Session) -> None:
    centre, coordinator, assistant = staff(db)
    family = make_family(db, centre, status=CaseStatus.closed)
    with pytest.raises(Conflict):
        _assign(db, coordinator, family.id, assistant.id)


def test_an_assistant_cannot_assign(db: Session) -> None:
    centre, _coordinator, assistant = staff(db)
    family = make_family(db, centre, assistant=assistant.user)
    with pytest.raises(Forbidden):
        _assign(db, assistant, family.id, assistant.id)


def test_a_assistant_of_another_centre_cannot_assign(db: Session) -> None:
    centre, _coordinator, assistant = staff(db)
    family = make_family(db, centre, status=CaseStatus.referred)
    stranger = actor(make_user(db, make_centre(db), Role.coordinator))
    with pytest.raises(NotFound):
        _assign(db, stranger, family.id, assistant.id)
