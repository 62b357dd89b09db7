"""The visit diary per family and per assistant, its CSV, and the family's confirmation."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import date, time, timedelta

import pytest
from sqlmodel import Session, col, select

from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Forbidden, NotFound
from pwa.domain.visits.diary import (
    FamilyVisit,
    assistant_diary,
    confirm_visit,
    diary_csv,
    family_diary,
    visit_detail,
    visits_for_family_member,
)
from pwa.i18n import use_locale
from pwa.models import Assignment, AuditEvent, PlaceKind, Role, VisitKind
from tests.support.clock import NOW
from tests.support.factories.core import make_family_user, make_member, make_user
from tests.support.factories.visits import Case, make_case, make_visit

NOVEMBER = date(2026, 11, 1)


@pytest.fixture
def case(db: Session) -> Case:
    return make_case(db, case_number="AR.4011.7.2026", name="Kowalscy")


def audited(db: Session, action: str) -> list[AuditEvent]:
    return list(db.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


# --- per family -----------------------------------------------------------------------------


def test_the_family_diary_lists_the_months_visits_in_order(db, case):
    make_visit(db, case.family, case.assistant, visit_date=date(2026, 10, 31))
    later = make_visit(db, case.family, case.assistant, visit_date=date(2026, 11, 20))
    first = make_visit(db, case.family, case.assistant, visit_date=date(2026, 11, 1), starts_at=time(8))  # fmt: skip
    make_visit(db, case.family, case.assistant, visit_date=date(2026, 12, 1))
    diary = family_diary(db, actor=case.as_assistant, family_id=case.family.id, month=NOVEMBER)
    assert [row.visit_id for row in diary.rows] == [first.id, later.id]
    assert diary.month == NOVEMBER and diary.total_minutes == 120


def test_any_day_of_the_month_stands_for_the_month(db, case):
    make_visit(db, case.family, case.assistant, visit_date=date(2026, 11, 2))
    diary = family_diary(db, actor=case.as_assistant, family_id=case.family.id, month=date(2026, 11, 17))  # fmt: skip
    assert diary.month == NOVEMBER and len(diary.rows) == 1


def test_a_diary_row_shows_length_place_kind_who_was_present_and_who_confirmed(db, case):
    make_visit(
        db, case.family, case.assistant, present=(case.parent, case.child),
        place_kind=PlaceKind.other, place_text="Poradnia psychologiczno-pedagogiczna",
        kind=VisitKind.accompanying, present_others="pedagog szkolny",
        confirmed_at=NOW, confirmed_by_id=case.parent_user.id, duration_minutes=150,
    )  # fmt: skip
    (row,) = family_diary(db, actor=case.as_coordinator, family_id=case.family.id, month=NOVEMBER).rows  # fmt: skip
    assert row.duration_minutes == 150 and row.kind is VisitKind.accompanying
    assert row.place == "Poradnia psychologiczno-pedagogiczna"
    assert row.present == f"{case.parent.full_name}, {case.child.full_name}, pedagog szkolny"
    assert (row.confirmed_at, row.confirmed_by_name) == (NOW, case.parent_user.full_name)
    assert (row.case_number, row.author_name) == ("AR.4011.7.2026", case.assistant.full_name)


def test_reading_the_family_diary_is_audited(db, case):
    family_diary(db, actor=case.as_assistant, family_id=case.family.id, month=NOVEMBER)
    (event,) = audited(db, "diary.read")
    assert (event.family_id, event.actor_id) == (case.family.id, case.assistant.id)


def test_other_assistants_and_the_family_do_not_read_the_family_diary(db, case):
    stranger = make_user(db, case.centre, Role.assistant)
    for actor in (Actor(user=stranger), case.as_parent):
        with pytest.raises(NotFound):
            family_diary(db, actor=actor, family_id=case.family.id, month=NOVEMBER)


# --- per assistant --------------------------------------------------------------------------


def test_a_coordinator_reads_an_assistants_diary_across_her_families(db, case):
    other = make_case(db, centre=case.centre)
    db.add(Assignment(family_id=other.family.id, assistant_id=case.assistant.id))
    mine = make_visit(db, case.family, case.assistant)
    also_mine = make_visit(db, other.family, case.assistant, starts_at=time(14))
    make_visit(db, other.family, other.assistant)  # someone else's visit
    diary = assistant_diary(db, actor=case.as_coordinator, assistant_id=case.assistant.id, month=NOVEMBER)  # fmt: skip
    assert [row.visit_id for row in diary.rows] == [mine.id, also_mine.id]
    assert {e.family_id for e in audited(db, "diary.read")} == {case.family.id, other.family.id}


def test_an_assistant_reads_her_own_diary_only_for_the_families_assigned_to_her_now(db, case):
    other = make_case(db, centre=case.centre)
    make_visit(db, case.family, case.assistant)
    make_visit(db, other.family, case.assistant)  # written before that family moved on
    diary = assistant_diary(db, actor=case.as_assistant, assistant_id=case.assistant.id, month=NOVEMBER)  # fmt: skip
    assert [row.case_number for row in diary.rows] == ["AR.4011.7.2026"]


def test_nobody_else_reads_an_assistants_diary(db, case):
    colleague = make_user(db, case.centre, Role.assistant)
    for actor in (Actor(user=colleague), case.as_parent):
        with pytest.raises(NotFound):
            assistant_diary(db, actor=actor, assistant_id=case.assistant.id, month=NOVEMBER)
    elsewhere = make_case(db)
    with pytest.raises(NotFound):
        assistant_diary(db, actor=elsewhere.as_coordinator, assistant_id=case.assistant.id, month=NOVEMBER)  # fmt: skip


# --- CSV ------------------------------------------------------------------------------------


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_has_a_bom_semicolons_polish_dates_and_polish_letters(db, case):
    make_visit(
        db, case.family, case.assistant, visit_date=date(2026, 11, 23), starts_at=time(9, 5),
        place_kind=PlaceKind.other, place_text="Sąd Rejonowy w Kłodzku; sala 5",
        duration_minutes=75,
    )  # fmt: skip
    with use_locale("pl"):
        data = diary_csv(family_diary(db, actor=case.as_assistant, family_id=case.family.id, month=NOVEMBER))  # fmt: skip
    assert data.startswith(b"\xef\xbb\xbf")
    header, row = csv_rows(data)
    assert data.splitlines()[0].count(b";") == len(header) - 1
    assert '"Sąd Rejonowy w Kłodzku; sala 5"'.encode() in data  # UTF-8, quoted for its ";"
    assert len(row) == len(header) == 11
    assert row[:4] == ["23.11.2026", "09:05", "75", "Sąd Rejonowy w Kłodzku; sala 5"]
    assert row[5:7] == ["AR.4011.7.2026", "Kowalscy"]


def test_the_csv_headers_and_kinds_are_in_the_users_language(db, case):
    make_visit(db, case.family, case.assistant, kind=VisitKind.consultation)
    diary = family_diary(db, actor=case.as_assistant, family_id=case.family.id, month=NOVEMBER)
    with use_locale("pl"):
        polish = csv_rows(diary_csv(diary))
    with use_locale("en"):
        english = csv_rows(diary_csv(diary))
    assert english[0][0] == "Date" and english[1][4] == "consultation"
    assert polish[1][4] == "konsultacja"


def test_a_cell_that_looks_like_a_formula_is_written_as_text(db, case):
    make_visit(db, case.family, case.assistant, place_kind=PlaceKind.other, place_text="=HYPERLINK(1)")  # fmt: skip
    diary = family_diary(db, actor=case.as_assistant, family_id=case.family.id, month=NOVEMBER)
    assert csv_rows(diary_csv(diary))[1][3] == "'=HYPERLINK(1)"


def test_an_empty_month_is_a_csv_with_only_the_header(db, case):
    diary = family_diary(db, actor=case.as_assistant, family_id=case.family.id, month=NOVEMBER)
    assert len(csv_rows(diary_csv(diary))) == 1


# --- one visit, for staff -------------------------------------------------------------------


def test_staff_read_a_visit_with_its_notes_and_the_read_is_audited(db, case):
    visit = make_visit(db, case.family, case.assistant, present=(case.child,), notes="Tajne")
    detail = visit_detail(db, actor=case.as_coordinator, visit_id=visit.id, now=NOW)
    assert detail.visit.notes == "Tajne" and detail.present == [case.child]
    assert not detail.may_edit  # the coordinator is not the author
    assert audited(db, "visit.read")[0].object_id == visit.id


def test_the_author_may_edit_until_the_window_closes(db, case):
    visit = make_visit(db, case.family, case.assistant)
    assert visit_detail(db, actor=case.as_assistant, visit_id=visit.id, now=NOW).may_edit
    late = NOW + timedelta(hours=49)
    assert not visit_detail(db, actor=case.as_assistant, visit_id=visit.id, now=late).may_edit


def test_the_family_never_reads_a_visit_with_its_notes(db, case):
    visit = make_visit(db, case.family, case.assistant, present=(case.parent,))
    with pytest.raises(NotFound):
        visit_detail(db, actor=case.as_parent, visit_id=visit.id, now=NOW)


# --- the family's side ----------------------------------------------------------------------


def test_the_family_member_sees_the_visits_they_took_part_in_without_notes(db, case):
    seen = make_visit(db, case.family, case.assistant, present=(case.parent,), notes="Tajne")
    make_visit(db, case.family, case.assistant, present=(case.child,))  # held without them
    with use_locale("pl"):
        (visit,) = visits_for_family_member(db, actor=case.as_parent)
    assert visit.id == seen.id and visit.duration_minutes == 60
    assert (visit.kind, visit.place) == (VisitKind.home_visit, "dom rodziny")
    assert "notes" not in {field.name for field in dataclasses.fields(FamilyVisit)}
    assert "Tajne" not in repr(visit)
    assert audited(db, "visit.list")[0].family_id == case.family.id


def test_a_visit_at_the_centre_shows_the_centres_address_to_the_family(db, case):
    make_visit(db, case.family, case.assistant, present=(case.parent,), place_kind=PlaceKind.centre)  # fmt: skip
    (visit,) = visits_for_family_member(db, actor=case.as_parent)
    assert visit.place == case.centre.address


def test_staff_have_no_family_view_of_visits(db, case):
    with pytest.raises(NotFound):
        visits_for_family_member(db, actor=case.as_assistant)


def test_the_family_member_confirms_a_visit_and_the_diary_shows_who_and_when(db, case):
    visit = make_visit(db, case.family, case.assistant, present=(case.parent,))
    confirmed = confirm_visit(db, actor=case.as_parent, visit_id=visit.id, now=NOW)
    assert confirmed.is_confirmed and confirmed.confirmed_by_name == case.parent_user.full_name
    (row,) = family_diary(db, actor=case.as_assistant, family_id=case.family.id, month=NOVEMBER).rows  # fmt: skip
    assert (row.confirmed_at, row.confirmed_by_name) == (NOW, case.parent_user.full_name)


def test_confirming_twice_changes_nothing(db, case):
    visit = make_visit(db, case.family, case.assistant, present=(case.parent,))
    confirm_visit(db, actor=case.as_parent, visit_id=visit.id, now=NOW)
    again = confirm_visit(db, actor=case.as_parent, visit_id=visit.id, now=NOW + timedelta(hours=1))  # fmt: skip
    assert again.confirmed_at == NOW
    assert len(audited(db, "visit.confirm")) == 1


def test_a_visit_confirmed_by_one_parent_stays_confirmed_by_them(db, case):
    other_parent = make_member(db, case.family, first_name="Jan")
    other_user = make_family_user(db, case.family, other_parent)
    visit = make_visit(db, case.family, case.assistant, present=(case.parent, other_parent))
    confirm_visit(db, actor=case.as_parent, visit_id=visit.id, now=NOW)
    seen = confirm_visit(db, actor=Actor(user=other_user), visit_id=visit.id, now=NOW)
    assert seen.confirmed_by_name == case.parent_user.full_name


def test_a_member_cannot_confirm_a_visit_they_were_not_at(db, case):
    visit = make_visit(db, case.family, case.assistant, present=(case.child,))
    with pytest.raises(NotFound):
        confirm_visit(db, actor=case.as_parent, visit_id=visit.id, now=NOW)
    assert visit.confirmed_at is None


def test_nobody_confirms_another_familys_visit_and_staff_do_not_confirm(db, case):
    other = make_case(db, centre=case.centre)
    theirs = make_visit(db, other.family, other.assistant, present=(other.parent,))
    with pytest.raises(NotFound):
        confirm_visit(db, actor=case.as_parent, visit_id=theirs.id, now=NOW)
    with pytest.raises(Forbidden):
        confirm_visit(db, actor=other.as_assistant, visit_id=theirs.id, now=NOW)
    assert (
        db.exec(select(AuditEvent).where(col(AuditEvent.action) == "visit.confirm")).first() is None
    )
