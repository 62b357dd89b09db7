"""A city-sized centre for benchmarks: 100 assistants, 1,500 families, five years of work.

`asysta demo-data --scale city` loads it (scale 1.0); smaller scale factors give the same
story in proportion (0.1: 10 assistants, 150 families). Deterministic: ids are uuid5 names
in CITY_NAMESPACE, every choice comes from one generator seeded with SEED, every date is
counted from `today`. Rows are built as plain dicts and written with bulk Core inserts, table
by table, so that its 230,000 rows take seconds rather than minutes. It refuses to run twice: once
the city centre exists nothing is touched. The domain rules hold: at most 15 counted families
per assistant, consent before any plan or visit, a periodic assessment within six months (but
for a few overdue on purpose), visits only inside the period of work.
"""

from __future__ import annotations

import random
import time as clock
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from pwa.demo import texts as txt
from pwa.domain.cases.caseload import MAX_FAMILIES_PER_ASSISTANT
from pwa.domain.kernel.dates import add_months
from pwa.domain.visits.office_hours import is_public_holiday
from pwa.i18n import WARSAW
from pwa.models import (
    AgreementMethod,
    Assessment,
    AssessmentKind,
    Assignment,
    CaseEvent,
    CaseStatus,
    Centre,
    Consent,
    ConsentForm,
    EndReason,
    Family,
    FamilyMember,
    Gender,
    Goal,
    GoalArea,
    Meeting,
    MeetingStatus,
    OfficeHours,
    PlaceKind,
    Plan,
    PlanStatus,
    Recommendation,
    Relation,
    Reminder,
    ReminderKind,
    ReminderStatus,
    Role,
    Task,
    TaskState,
    User,
    Visit,
    VisitAttendance,
    VisitKind,
)
from pwa.reminders.rules import dedupe_key

CITY_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "city.demo.asysta.pl")
SEED = 2027
DAY = timedelta(days=1)
BATCH = 2000  # rows per INSERT round trip

# The city at scale 1.0.
ASSISTANTS = 100
FAMILIES = 1500
MEMBERS = 5000
VISITS = 100_000
YEARS = 5
SCALES = {"city": 1.0}

SHARE_CURRENT = 0.66  # families with an open case (at most the assistants' caseloads allow)
SHARE_UNASSIGNED = 0.01  # referrals waiting for an assistant
SHARE_AWAITING_CONSENT = 0.04  # of the current ones: assigned, no consent yet
SHARE_MONITORING = 0.08  # of the current ones: work ended, monitoring until a date
SHARE_OVERDUE = 0.05  # active families whose last periodic assessment was never written
SHARE_APP_USERS = 0.1  # families with a member who signs in to the app
MEETING_REMINDER_AT = time(18, 0)  # the evening before (as pwa.reminders.rules schedules)

VISIT_KINDS = (  # (kind, weight, place, lengths in minutes)
    (VisitKind.home_visit, 72, PlaceKind.home, (60, 75, 90, 120, 150)),
    (VisitKind.consultation, 10, PlaceKind.centre, (45, 60, 90)),
    (VisitKind.phone, 10, PlaceKind.other, (30,)),
    (VisitKind.accompanying, 8, PlaceKind.other, (90, 120, 150, 180)),
)
VISIT_WEIGHTS = [weight for _, weight, _, _ in VISIT_KINDS]


def city_id(name: str) -> uuid.UUID:
    """The fixed id of the city row with this stable name ("family/3/visit/7" …)."""
    return uuid.uuid5(CITY_NAMESPACE, name)


CITY_CENTRE_ID = city_id("centre")


def scale_factor(value: str) -> float:
    """`city` is 1.0; a number (0 < n ≤ 1) is taken as it is (for tests and quick benches)."""
    if value in SCALES:
        return SCALES[value]
    try:
        factor = float(value)
    except ValueError:
        factor = 0.0
    if not 0 < factor <= 1:
        raise ValueError(f"scale must be 'city' or a number in (0, 1], not {value!r}")
    return factor


@dataclass(frozen=True)
class CitySummary:
    """What a load did: whether it created the centre, rows per table and seconds taken."""

    created: bool
    centre_id: uuid.UUID
    counts: dict[str, int]
    seconds: float


def load_city_data(db: Session, *, today: date, scale: float = 1.0) -> CitySummary:
    """Add the city centre at `scale`, unless it is already there (no commit)."""
    started = clock.perf_counter()
    if db.get(Centre, CITY_CENTRE_ID) is not None:
        return CitySummary(False, CITY_CENTRE_ID, {}, clock.perf_counter() - started)
    city = _City(today, scale)
    city.build()
    counts = city.insert_into(db)
    return CitySummary(True, CITY_CENTRE_ID, counts, clock.perf_counter() - started)


# --- dates ------------------------------------------------------------------------------------


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    """A Warsaw wall-clock time as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute), tzinfo=WARSAW).astimezone(UTC)


def _workday(day: date) -> date:
    """`day`, or the next working day after it."""
    while day.weekday() >= 5 or is_public_holiday(day):
        day += DAY
    return day


# --- the city ---------------------------------------------------------------------------------


@dataclass
class _Case:
    """One family being built: its dict, its people and its period of work."""

    n: int
    row: dict[str, Any]
    assistant: uuid.UUID | None
    status: CaseStatus
    lead: uuid.UUID | None = None
    older_child: uuid.UUID | None = None
    started: date | None = None
    ended: date | None = None
    members: list[uuid.UUID] = field(default_factory=list)


class _City:
    """Builds every row as a dict, in memory, then inserts them table by table."""

    def __init__(self, today: date, scale: float) -> None:
        self.today = today
        self.rng = random.Random(SEED)
        self.n_assistants = max(1, round(ASSISTANTS * scale))
        self.n_families = max(3, round(FAMILIES * scale))
        self.n_members = max(2 * self.n_families, round(MEMBERS * scale))
        self.n_visits = round(VISITS * scale)
        self.rows: defaultdict[type[SQLModel], list[dict[str, Any]]] = defaultdict(list)
        self.assistants: list[uuid.UUID] = []
        self.coordinator = city_id("user/coordinator")
        self.cases: list[_Case] = []
        self.extras: list[int] = []

    def add(self, model: type[SQLModel], **values: Any) -> dict[str, Any]:
        self.rows[model].append(values)
        return values

    def build(self) -> None:
        self.centre()
        self.families()
        for case in self.cases:
            self.members(case)
            self.history(case)
        self.plans()
        self.visits()
        self.meetings()
        self.assessments()

    def insert_into(self, db: Session) -> dict[str, int]:
        """Bulk Core inserts, parents before children, in batches of BATCH rows."""
        for table in SQLModel.metadata.sorted_tables:
            model = next((m for m in self.rows if m.__table__ is table), None)  # type: ignore[attr-defined]
            if model is None:
                continue
            values = self.rows[model]
            for start in range(0, len(values), BATCH):
                db.execute(sa.insert(table), values[start : start + BATCH])
        db.flush()
        return {str(m.__tablename__): len(v) for m, v in sorted(self.rows.items(), key=_name)}

    # --- the centre and its staff ---------------------------------------------------------------

    def centre(self) -> None:
        founded = _at(self.today - (YEARS * 366 + 30) * DAY, 9)
        self.add(
            Centre, id=CITY_CENTRE_ID, name="Miejski Ośrodek Pomocy Społecznej (dane testowe)",
            short_name="MOPS (miasto)", address=txt.CENTRE_ADDRESS, phone=txt.CENTRE_PHONE,
            email=txt.CENTRE_EMAIL, public_description=txt.PUBLIC_DESCRIPTION, created_at=founded,
        )  # fmt: skip
        self.add(
            OfficeHours, id=city_id("office-hours"), centre_id=CITY_CENTRE_ID, weekday=2,
            starts_at=time(7), ends_at=time(15), place=txt.OFFICE_HOURS_PLACE,
            phone=txt.CENTRE_PHONE, email=txt.CENTRE_EMAIL,
        )  # fmt: skip
        first, last, gender, *_contacts = txt.COORDINATOR
        self.user(self.coordinator, Role.coordinator, first, last, Gender(gender), founded)
        for k in range(self.n_assistants):
            female = self.rng.random() < 0.85
            his, hers, _plural, _address = self.rng.choice(txt.FAMILIES)
            first = self.rng.choice(txt.MOTHERS if female else txt.FATHERS)
            gender = Gender.female if female else Gender.male
            self.assistants.append(city_id(f"user/assistant/{k}"))
            self.user(self.assistants[-1], Role.assistant, first, hers if female else his, gender,
                      founded)  # fmt: skip

    def user(self, id: uuid.UUID, role: Role, first: str, last: str, gender: Gender,
             created: datetime, **more: Any) -> None:  # fmt: skip
        self.add(
            User, id=id, centre_id=CITY_CENTRE_ID, role=role, first_name=first, last_name=last,
            gender=gender, email="", work_phone="" if role is Role.family else txt.CENTRE_PHONE,
            locale="pl", is_active=True, is_demo=False, reminder_kinds="", created_at=created,
            family_id=more.get("family_id"), family_member_id=more.get("family_member_id"),
        )  # fmt: skip

    def caseload_targets(self) -> list[int]:
        """Families each assistant works with now: 5, 6 … 15, 5, 6 … (never above 15)."""
        return [min(5 + k % 11, MAX_FAMILIES_PER_ASSISTANT) for k in range(self.n_assistants)]

    def family_sizes(self) -> list[int]:
        """People beyond the first two of each family (0-4), MEMBERS in all, drawn at random."""
        extras = [0] * self.n_families
        spare = min(self.n_members - 2 * self.n_families, 4 * self.n_families)
        open_ = list(range(self.n_families))
        for _ in range(spare):
            k = self.rng.randrange(len(open_))
            extras[open_[k]] += 1
            if extras[open_[k]] == 4:
                open_[k] = open_[-1]
                open_.pop()
        return extras

    def families(self) -> None:
        rng, today = self.rng, self.today
        self.extras = self.family_sizes()
        targets = self.caseload_targets()
        unassigned = max(1, round(self.n_families * SHARE_UNASSIGNED))
        current = min(sum(targets), round(self.n_families * SHARE_CURRENT))
        # Round robin: every assistant below her target takes the next family.
        slots = [k for r in range(max(targets)) for k, t in enumerate(targets) if t > r]
        for n in range(self.n_families):
            his, hers, plural, address = rng.choice(txt.FAMILIES)
            worker, worker_phone, worker_email = rng.choice(txt.SOCIAL_WORKERS)
            if n < current:
                assistant: uuid.UUID | None = self.assistants[slots[n]]
                draw = rng.random()
                if draw < SHARE_AWAITING_CONSENT:
                    status = CaseStatus.referred
                elif draw < SHARE_AWAITING_CONSENT + SHARE_MONITORING:
                    status = CaseStatus.monitoring
                else:
                    status = CaseStatus.active
            elif n < current + unassigned:
                assistant, status = None, CaseStatus.referred
            else:
                assistant, status = rng.choice(self.assistants), CaseStatus.closed
            case = _Case(n, {}, assistant, status)
            if status is CaseStatus.active:
                case.started = _workday(today - rng.randint(30, 900) * DAY)
            elif status is CaseStatus.monitoring:
                case.ended = _workday(today - rng.randint(5, 80) * DAY)
                case.started = _workday(case.ended - rng.randint(180, 720) * DAY)
            elif status is CaseStatus.closed:
                case.started = _workday(today - rng.randint(400, YEARS * 365 - 60) * DAY)
                case.ended = min(_workday(case.started + rng.randint(180, 720) * DAY),
                                 _workday(today - 100 * DAY))  # fmt: skip
            if case.started is not None:
                referred = _workday(case.started - rng.randint(10, 30) * DAY)
            else:
                referred = _workday(today - rng.randint(3, 20) * DAY)
            monitoring_until = add_months(case.ended, 3) if case.ended else None
            closed = status is CaseStatus.closed
            case.row = self.add(
                Family, id=city_id(f"family/{n}"), centre_id=CITY_CENTRE_ID,
                case_number=f"AR.{referred.year}.{n + 1:05d}", name=plural,
                address=address, phone="", status=status,
                referral_reason=rng.choice(txt.REFERRAL_REASONS), referred_on=referred,
                social_worker_name=worker, social_worker_phone=worker_phone,
                social_worker_email=worker_email, za_zyciem=rng.random() < 0.03,
                foster_care=False, work_started_on=case.started, ended_on=case.ended,
                end_reason=(rng.choice((EndReason.goals_met, EndReason.goals_met,
                                        EndReason.consent_withdrawn)) if case.ended else None),
                monitoring_until=monitoring_until,
                closed_on=monitoring_until if closed else None,
                created_at=_at(referred, 10),
            )  # fmt: skip
            case.row["_names"] = (his, hers)
            self.cases.append(case)

    def members(self, case: _Case) -> None:
        """A lead adult and a child, then extra people so the city has MEMBERS in all."""
        rng, n = self.rng, case.n
        his, hers = case.row.pop("_names")
        extra = self.extras[n]
        mother = rng.random() < 0.8
        people: list[tuple[str, str, Relation, date, str]] = []
        lead_surname = hers if mother else his
        people.append((rng.choice(txt.MOTHERS if mother else txt.FATHERS), lead_surname,
                       Relation.parent, self.today - rng.randint(22 * 365, 48 * 365) * DAY, "lead"))  # fmt: skip
        second_adult = extra > 0 and rng.random() < 0.5
        if second_adult:
            people.append((rng.choice(txt.FATHERS if mother else txt.MOTHERS),
                           his if mother else hers, Relation.parent,
                           self.today - rng.randint(22 * 365, 50 * 365) * DAY, "adult"))  # fmt: skip
        for _ in range(1 + extra - (1 if second_adult else 0)):
            girl = rng.random() < 0.5
            people.append((rng.choice(txt.GIRLS if girl else txt.BOYS), hers if girl else his,
                           Relation.child, self.today - rng.randint(30, 17 * 365) * DAY, "child"))  # fmt: skip
        for k, (first, last, relation, born, role) in enumerate(people):
            member = city_id(f"family/{n}/member/{k}")
            case.members.append(member)
            if role == "lead":
                case.lead = member
            if role == "child" and self.today - born >= 12 * 365 * DAY and case.older_child is None:
                case.older_child = member
            self.add(
                FamilyMember, id=member, family_id=case.row["id"], first_name=first,
                last_name=last, relation=relation, birth_date=born, phone="",
                in_household=True, left_household_on=None, created_at=case.row["created_at"],
            )  # fmt: skip
        if case.started is not None and rng.random() < SHARE_APP_USERS:
            first, last, *_ = people[0]
            self.user(city_id(f"family/{n}/user"), Role.family, first, last,
                      Gender.female if mother else Gender.male, _at(case.started, 15),
                      family_id=case.row["id"], family_member_id=case.lead)  # fmt: skip

    def history(self, case: _Case) -> None:
        """The assignment, the consent (before anything else) and the case events."""
        family, n, today_ = case.row, case.n, self.today
        referred: date = family["referred_on"]
        events: list[tuple[CaseStatus | None, CaseStatus, date, uuid.UUID]] = [
            (None, CaseStatus.referred, referred, self.coordinator)
        ]
        if case.assistant is not None:
            assigned = _workday(referred + self.rng.randint(1, 5) * DAY)
            assigned = min(assigned, (case.started or today_) - DAY)
            ended = family["closed_on"]
            self.add(
                Assignment, id=city_id(f"family/{n}/assignment"), family_id=family["id"],
                assistant_id=case.assistant, assigned_by_id=self.coordinator,
                started_at=_at(assigned, 11), ended_at=_at(ended, 15) if ended else None,
            )  # fmt: skip
        if case.started is not None and case.assistant is not None and case.lead is not None:
            self.add(
                Consent, id=city_id(f"family/{n}/consent"), family_id=family["id"],
                given_on=case.started, given_by_member_id=case.lead,
                form=ConsentForm.written if self.rng.random() < 0.8 else ConsentForm.oral,
                recorded_by_id=case.assistant, created_at=_at(case.started, 16),
                withdrawn_on=None, withdrawal_reason="",
            )  # fmt: skip
            events.append((CaseStatus.referred, CaseStatus.active, case.started, case.assistant))
        if case.ended is not None and case.assistant is not None:
            events.append((CaseStatus.active, CaseStatus.ended, case.ended, case.assistant))
            events.append((CaseStatus.ended, CaseStatus.monitoring, case.ended, case.assistant))
        if family["closed_on"] is not None:
            events.append(
                (CaseStatus.monitoring, CaseStatus.closed, family["closed_on"], self.coordinator)
            )
        for k, (before, after, day, by) in enumerate(events):
            reason = txt.CASE_EVENT_REASONS.get(after.value, "Zakończenie monitorowania.")
            self.add(
                CaseEvent, id=city_id(f"family/{n}/event/{k}"), family_id=family["id"],
                at=_at(day, 12, k), on_date=day, from_status=before, to_status=after,
                reason=reason.format(worker=family["social_worker_name"],
                                     until=family["monitoring_until"] or day),
                by_user_id=by,
            )  # fmt: skip

    def working(self) -> Iterator[_Case]:
        """Families with consent and a period of work (so with a plan, visits, assessments)."""
        return (c for c in self.cases if c.started is not None and c.assistant is not None)

    # --- the work -------------------------------------------------------------------------------

    def plans(self) -> None:
        rng, today = self.rng, self.today
        for case in self.working():
            assert case.started is not None and case.assistant is not None
            agreed_on = _workday(case.started + rng.randint(7, 21) * DAY)
            plan = city_id(f"family/{case.n}/plan/1")
            self.add(
                Plan, id=plan, family_id=case.row["id"], version=1, status=PlanStatus.agreed,
                based_on_id=None, created_by_id=case.assistant,
                created_at=_at(case.started + DAY, 14), consulted_on=agreed_on - DAY,
                consulted_with=case.row["social_worker_name"],
                consultation_remarks=txt.CONSULTATION_REMARKS, foster_coordination_with="",
                foster_coordination_reference="", foster_coordination_on=None,
                agreed_at=_at(agreed_on, 12), agreement_method=AgreementMethod.paper,
                agreed_by_member_id=case.lead, agreed_by_user_id=None,
                recorded_by_id=case.assistant,
            )  # fmt: skip
            for g, (area, wording, tasks) in enumerate(rng.sample(txt.GOALS, rng.randint(2, 3))):
                goal = city_id(f"family/{case.n}/plan/1/goal/{g}")
                self.add(Goal, id=goal, plan_id=plan, lineage_id=city_id(f"{goal}/lineage"),
                         area=GoalArea(area), wording=wording, position=g)  # fmt: skip
                for t, (action, owner, effect) in enumerate(tasks):
                    due = _workday(agreed_on + rng.randint(20, 200) * DAY)
                    if case.ended is not None:
                        due = min(due, case.ended - DAY)
                    state = TaskState.open
                    if case.ended is not None or due < today:
                        state = TaskState.done if rng.random() < 0.85 else TaskState.open
                        if case.ended is not None and state is TaskState.open:
                            state = TaskState.dropped
                    member = {"adult": case.lead, "child": case.older_child or case.lead}
                    self.add(
                        Task, id=city_id(f"{goal}/task/{t}"), goal_id=goal,
                        lineage_id=city_id(f"{goal}/task/{t}/lineage"), action=action,
                        owner_member_id=member.get(owner), owner_is_assistant=owner == "assistant",
                        due_on=due, expected_effect=effect, state=state,
                        drop_reason=txt.DROP_REASON if state is TaskState.dropped else "",
                        done_at=_at(due, 17) if state is TaskState.done else None,
                        done_by_id=case.assistant if state is TaskState.done else None,
                        revision=1, position=t,
                    )  # fmt: skip

    def visits(self) -> None:
        """VISITS visits in all, spread over the families by the length of their work."""
        rng, today = self.rng, self.today
        cases = list(self.working())
        spans = [((c.ended or today - DAY) - c.started).days + 1 for c in cases]  # type: ignore[operator]
        total = sum(spans)
        made = 0
        for i, (case, span) in enumerate(zip(cases, spans, strict=True)):
            assert case.started is not None and case.lead is not None
            count = round(self.n_visits * span / total)
            if i == len(cases) - 1:
                count = self.n_visits - made  # the last family evens the total out exactly
            count = max(count, 0)
            made += count
            days = sorted(_workday(case.started + rng.randrange(span) * DAY) for _ in range(count))
            last = case.ended or today - DAY
            for j, day in enumerate(days):
                day = min(day, last)
                kind, _, place, lengths = rng.choices(VISIT_KINDS, VISIT_WEIGHTS)[0]
                place_text, notes, others = "", "", ""
                if j == 0:
                    kind, place, notes = VisitKind.home_visit, PlaceKind.home, txt.FIRST_VISIT_NOTE
                elif kind is VisitKind.home_visit:
                    notes = f"{rng.choice(txt.HOME_NOTES)} {rng.choice(txt.CLOSING_NOTES)}"
                elif kind is VisitKind.consultation:
                    notes = rng.choice(txt.CONSULTATION_NOTES)
                elif kind is VisitKind.phone:
                    place_text, notes = txt.PHONE_PLACE, rng.choice(txt.PHONE_NOTES)
                else:
                    place_text, notes, others = rng.choice(txt.ACCOMPANYING)
                visit = city_id(f"family/{case.n}/visit/{j}")
                starts = time(rng.randint(8, 15), rng.choice((0, 15, 30, 45)))
                self.add(
                    Visit, id=visit, family_id=case.row["id"], author_id=case.assistant,
                    visit_date=day, starts_at=starts, duration_minutes=rng.choice(lengths),
                    place_kind=place, place_text=place_text, present_others=others, kind=kind,
                    notes=notes, created_at=_at(day, 18), updated_at=None, confirmed_at=None,
                    confirmed_by_id=None,
                )  # fmt: skip
                if kind is not VisitKind.phone:
                    self.add(VisitAttendance, visit_id=visit, member_id=case.lead)

    def meetings(self) -> None:
        """Each active family: its last meeting (reminded) and the next one (to be reminded)."""
        rng, today = self.rng, self.today
        for case in self.working():
            if case.row["status"] is not CaseStatus.active or case.assistant is None:
                continue
            past = _workday(max(today - rng.randint(3, 14) * DAY, case.started or today))
            upcoming = _workday(today + rng.randint(1, 14) * DAY)
            for k, day in enumerate((past, upcoming)):
                if day >= today and k == 0:
                    continue
                meeting = city_id(f"family/{case.n}/meeting/{k}")
                starts = _at(day, rng.randint(8, 15), rng.choice((0, 30)))
                self.add(
                    Meeting, id=meeting, family_id=case.row["id"], assistant_id=case.assistant,
                    starts_at=starts, duration_minutes=60, place_kind=PlaceKind.home,
                    place_text="", status=MeetingStatus.scheduled, cancel_reason="",
                    previous_starts_at=None, created_from_visit_id=None,
                    created_at=_at(day - 7 * DAY, 16), updated_at=None,
                )  # fmt: skip
                eve = day - DAY
                sent = eve < today
                send_at = _at(eve, MEETING_REMINDER_AT.hour)
                key = dedupe_key(case.assistant, ReminderKind.meeting_tomorrow, meeting, eve)
                self.add(
                    Reminder, id=city_id(f"reminder/{key}"), dedupe_key=key,
                    user_id=case.assistant, kind=ReminderKind.meeting_tomorrow,
                    object_id=meeting, send_at=send_at, url="/assistant",
                    status=ReminderStatus.sent if sent else ReminderStatus.pending,
                    claimed_at=send_at if sent else None, sent_at=send_at if sent else None,
                    attempts=1 if sent else 0, last_error="", created_at=_at(eve - DAY, 8),
                )  # fmt: skip

    def assessments(self) -> None:
        """Initial, periodic (within six months, some overdue on purpose) and final ones."""
        rng, today = self.rng, self.today
        for case in self.working():
            assert case.started is not None
            until = case.ended or today
            days = [(AssessmentKind.initial, _workday(case.started + rng.randint(5, 20) * DAY))]
            while True:
                following = add_months(days[-1][1], 6) - rng.randint(3, 25) * DAY
                if following >= until - 3 * DAY:
                    break
                days.append((AssessmentKind.periodic, _workday(following)))
            overdue = case.ended is None and len(days) > 1 and rng.random() < SHARE_OVERDUE
            if overdue:
                days.pop()
            if case.ended is not None:
                days.append((AssessmentKind.final, case.ended - DAY))
            for k, (kind, day) in enumerate(days):
                if day >= today:
                    continue
                texts = (
                    txt.FINAL_ASSESSMENT
                    if kind is AssessmentKind.final
                    else {key: rng.choice(options) for key, options in txt.ASSESSMENT.items()}
                )
                self.add(
                    Assessment, id=city_id(f"family/{case.n}/assessment/{k}"),
                    family_id=case.row["id"], kind=kind, assessed_on=day,
                    author_id=case.assistant, **texts,
                    recommendation=(Recommendation.end_work if kind is AssessmentKind.final
                                    else Recommendation.continue_work),
                    created_at=_at(day, 17),
                )  # fmt: skip


def _name(item: tuple[type[SQLModel], list[dict[str, Any]]]) -> str:
    return str(item[0].__tablename__)
