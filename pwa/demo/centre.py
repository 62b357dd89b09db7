"""The demo centre: OPS Bystrzyca Kłodzka with its staff, 38 families and half a year of work.

Deterministic: every id is a uuid5 name in DEMO_NAMESPACE, every random choice comes from one
generator seeded with 2026, and every date and timestamp is counted from `today`; two loads
with the same `today` into empty databases give identical rows. Idempotent: once the demo
centre exists nothing is touched, so what visitors changed in the demo stays. The loader only
adds and flushes; the caller commits. The Polish texts live in `demo_texts`.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, SQLModel

from pwa.demo import texts as txt
from pwa.domain.kernel.dates import add_months
from pwa.domain.visits.office_hours import is_public_holiday
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
    CourtOpinion,
    EndReason,
    Family,
    FamilyMember,
    FirstContact,
    Gender,
    Goal,
    GoalArea,
    GoalProgress,
    InstitutionContact,
    Meeting,
    MeetingStatus,
    OfficeHours,
    PlaceKind,
    Plan,
    PlanStatus,
    Recommendation,
    Relation,
    Role,
    SupportCategory,
    SupportRequest,
    SupportService,
    Task,
    TaskState,
    TeamDecision,
    TeamDecisionKind,
    User,
    Visit,
    VisitAttendance,
    VisitKind,
)

DEMO_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "demo.asysta.pl")


def demo_id(name: str) -> uuid.UUID:
    """The fixed id of the demo row with this stable name ("family/3", "family/3/visit/0" …)."""
    return uuid.uuid5(DEMO_NAMESPACE, name)


DEMO_CENTRE_ID = demo_id("centre")
DEMO_ORGANISATION_ID = demo_id("centre/organisation")
SEED = 2026
WARSAW = ZoneInfo("Europe/Warsaw")
DAY = timedelta(days=1)

# The roster, by family number (1-based, the order of demo_texts.FAMILIES).
CASELOAD = {"katarzyna": range(1, 16), "marek": range(16, 24), "joanna": range(24, 30)}
FAMILY_USERS = (1, 16, 24)  # one family of each assistant has a member using the app
AWAITING_CONSENT = 15  # assigned a few days ago, no consent yet
OVERDUE = 3  # work started ~8 months ago, the periodic assessment never written
PLAN_V2 = 2  # v1 superseded after the first assessment, v2 agreed
DRAFT_V2 = 17  # v1 agreed, v2 being prepared
FOSTER = 4  # one child temporarily in foster care
COURT_CASE = 5  # the court asked for an opinion
ZA_ZYCIEM = 16
MONITORING = 25
INITIAL_ASSESSMENT = (1, 9, 16, 20, 24)
PAST_MEETINGS = (6, 18)
CANCELLED_MEETING = 7
NO_MEETING = (10, 21, 28)
STARTED_DAYS_AGO = {1: 300, 2: 430, 3: 245, 16: 120, 24: 200, 25: 400}  # others: 2-18 months
MONITORING_ENDED_DAYS_AGO = 30
VISIT_HISTORY_DAYS = 182  # about six months of diary

VISIT_KINDS = {  # kind: (weight, place, lengths in minutes)
    VisitKind.home_visit: (72, PlaceKind.home, (60, 75, 90, 120, 150)),
    VisitKind.consultation: (10, PlaceKind.centre, (45, 60, 90)),
    VisitKind.phone: (10, PlaceKind.other, (30,)),
    VisitKind.accompanying: (8, PlaceKind.other, (90, 120, 150, 180)),
    VisitKind.monitoring: (0, PlaceKind.home, (60, 90)),
}

GoalSpec = tuple[str, str, tuple[tuple[str, str, str], ...]]  # area, wording, tasks


@dataclass(frozen=True)
class DemoSummary:
    """What a load did: whether it created the centre, and the rows it added per table."""

    created: bool
    centre_id: uuid.UUID
    counts: dict[str, int]


def load_demo_data(db: Session, *, today: date) -> DemoSummary:
    """Add the demo centre and everything in it, unless it is already there (no commit)."""
    if db.get(Centre, DEMO_CENTRE_ID) is not None:
        return DemoSummary(created=False, centre_id=DEMO_CENTRE_ID, counts={})
    counts = _Loader(today).insert_into(db)
    return DemoSummary(created=True, centre_id=DEMO_CENTRE_ID, counts=counts)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    """A Warsaw wall-clock time as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute), tzinfo=WARSAW).astimezone(UTC)


def _is_workday(day: date) -> bool:
    return day.weekday() < 5 and not is_public_holiday(day)


def _workday(day: date) -> date:
    """The day itself, or the last working day before it (no weekends, no public holidays)."""
    while not _is_workday(day):
        day -= DAY
    return day


def _age(born: date | None, on: date) -> int:
    if born is None:
        return 0
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass
class _Case:
    """One family while it is being built."""

    n: int
    family: Family
    assistant: User | None
    adults: list[FamilyMember] = field(default_factory=list)
    children: list[FamilyMember] = field(default_factory=list)
    lead_gender: Gender = Gender.female
    user: User | None = None
    goal_specs: list[GoalSpec] = field(default_factory=list)
    periodic: list[date] = field(default_factory=list)  # periodic assessment days
    plans: list[Plan] = field(default_factory=list)  # agreed versions, oldest first
    goals: dict[uuid.UUID, list[Goal]] = field(default_factory=dict)
    visits: list[Visit] = field(default_factory=list)

    @property
    def lead(self) -> FamilyMember:
        return self.adults[0]

    @property
    def started(self) -> date:
        assert self.family.work_started_on is not None
        return self.family.work_started_on

    @property
    def staff(self) -> User:
        assert self.assistant is not None
        return self.assistant

    def written(self, name: str) -> dict[str, Any]:
        """The fields of a record the family's assistant wrote: its demo id (after `name`), the
        family, the author."""
        return {
            "id": demo_id(f"family/{self.n}/{name}"),
            "family_id": self.family.id,
            "author_id": self.staff.id,
        }

    def present_on(self, day: date) -> list[FamilyMember]:
        return [
            member
            for member in self.adults + self.children
            if (member.birth_date is None or member.birth_date <= day)
            and (member.in_household or (member.left_household_on or day) > day)
        ]


class _Loader:
    """Builds every row in memory, then inserts them table by table."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.rng = random.Random(SEED)
        self.rows: list[SQLModel] = []
        self.cases: list[_Case] = []
        self.staff: dict[str, User] = {}

    def insert_into(self, db: Session) -> dict[str, int]:
        for step in (self.centre, self.families, self.family_users, self.case_history):
            step()
        # Who the families are and what they work on is drawn first, so that it does not
        # depend on `today`; the calendar of the work is drawn after it.
        for case in self.working():
            case.goal_specs = self.goal_specs(case)
        for case in self.working():
            if case.n != OVERDUE:
                until = case.family.ended_on - 10 * DAY if case.family.ended_on else self.today
                case.periodic = self.periodic_days(case.started, until - 3 * DAY)
        for case in self.working():
            self.plans(case)
            self.visits(case)
            self.meetings(case)
            self.assessments(case)
        self.catalogue()
        self.cooperation()
        _Intake(self).add_all()
        by_table: defaultdict[str, list[SQLModel]] = defaultdict(list)
        for row in self.rows:
            by_table[str(type(row).__tablename__)].append(row)
        # Parents before children: without relationship()s the unit of work does not order
        # inserts across tables, so each table is flushed on its own, in dependency order.
        for table in SQLModel.metadata.sorted_tables:
            if table.name in by_table:
                db.add_all(by_table[table.name])
                db.flush()
        return {name: len(rows) for name, rows in sorted(by_table.items())}

    def add(self, *rows: SQLModel) -> None:
        self.rows.extend(rows)

    def working(self) -> list[_Case]:
        return [case for case in self.cases if case.family.work_started_on is not None]

    def case(self, n: int) -> _Case:
        return self.cases[n - 1]

    def phone(self) -> str:
        prefix = self.rng.choice(("501", "512", "531", "604", "661", "693", "721", "785"))
        return f"{prefix} {self.rng.randint(100, 999)} {self.rng.randint(100, 999)}"

    # --- the centre and its people ---------------------------------------------------------

    def centre(self) -> None:
        founded = _at(self.today - 730 * DAY, 9)
        self.add(
            Centre(
                id=DEMO_CENTRE_ID,
                name=txt.CENTRE_NAME,
                short_name=txt.CENTRE_SHORT_NAME,
                address=txt.CENTRE_ADDRESS,
                phone=txt.CENTRE_PHONE,
                email=txt.CENTRE_EMAIL,
                public_description=txt.PUBLIC_DESCRIPTION,
                created_at=founded,
            ),
            OfficeHours(
                id=demo_id("office-hours/wednesday"),
                centre_id=DEMO_CENTRE_ID,
                weekday=2,
                starts_at=time(7),
                ends_at=time(15),
                place=txt.OFFICE_HOURS_PLACE,
                phone=txt.CENTRE_PHONE,
                email=txt.CENTRE_EMAIL,
            ),
        )
        people = {"coordinator": (Role.coordinator, txt.COORDINATOR)}
        people |= {key: (Role.assistant, person) for key, person in txt.ASSISTANTS.items()}
        for key, (role, (first, last, gender, phone, email)) in people.items():
            self.staff[key] = User(
                id=demo_id(f"user/{key}"),
                centre_id=DEMO_CENTRE_ID,
                role=role,
                first_name=first,
                last_name=last,
                gender=Gender(gender),
                email=email,
                work_phone=phone,
                is_demo=True,
                created_at=founded,
            )
            self.add(self.staff[key])

    def families(self) -> None:
        rng, today = self.rng, self.today
        for n, (his, hers, plural, address) in enumerate(txt.FAMILIES, start=1):
            key = next((key for key, numbers in CASELOAD.items() if n in numbers), None)
            worker_name, worker_phone, worker_email = rng.choice(txt.SOCIAL_WORKERS)
            family = Family(
                id=demo_id(f"family/{n}"),
                centre_id=DEMO_CENTRE_ID,
                case_number="",  # numbered below, in the order of referral
                name=plural,
                address=address,
                referral_reason=rng.choice(txt.REFERRAL_REASONS),
                social_worker_name=worker_name,
                social_worker_phone=worker_phone,
                social_worker_email=worker_email,
                za_zyciem=n == ZA_ZYCIEM,
                foster_care=n == FOSTER,
                foster_care_coordinator=txt.FOSTER_COORDINATOR if n == FOSTER else "",
            )
            family.referral_reason = {
                AWAITING_CONSENT: txt.REFERRED_AWAITING_REASON,
                ZA_ZYCIEM: txt.ZA_ZYCIEM_REASON,
                FOSTER: txt.FOSTER_REASON,
            }.get(n, family.referral_reason)
            if key is None or n == AWAITING_CONSENT:
                family.referred_on = _workday(today - rng.randint(3, 12) * DAY)
            else:
                started = _workday(today - (STARTED_DAYS_AGO.get(n) or rng.randint(60, 540)) * DAY)
                family.status, family.work_started_on = CaseStatus.active, started
                family.referred_on = _workday(started - rng.randint(10, 30) * DAY)
            if n == MONITORING:
                family.status, family.end_reason = CaseStatus.monitoring, EndReason.goals_met
                family.ended_on = _workday(today - MONITORING_ENDED_DAYS_AGO * DAY)
                family.monitoring_until = add_months(family.ended_on, 3)
            family.created_at = _at(family.referred_on, 10)
            case = _Case(n, family, self.staff[key] if key else None)
            self.cases.append(case)
            self.members(case, his, hers)
            family.phone = case.lead.phone
            self.add(family, *case.adults, *case.children)
        per_year: Counter[int] = Counter()
        for case in sorted(self.cases, key=lambda case: (case.family.referred_on, case.n)):
            year = case.family.referred_on.year
            per_year[year] += 1
            case.family.case_number = f"AR.4011.{per_year[year]}.{year}"

    def members(self, case: _Case, his: str, hers: str) -> None:
        rng, today = self.rng, self.today

        def person(first: str, last: str, relation: Relation, years: int) -> FamilyMember:
            return FamilyMember(
                id=demo_id(f"family/{case.n}/member/{len(case.adults) + len(case.children)}"),
                family_id=case.family.id,
                first_name=first,
                last_name=last,
                relation=relation,
                birth_date=today - (years * 365 + rng.randint(0, 364)) * DAY,
                phone=self.phone() if relation != Relation.child else "",
                created_at=case.family.created_at,
            )

        shapes = ("couple", "mother", "father", "grandmother")
        shape = "couple" if case.n == ZA_ZYCIEM else rng.choices(shapes, (50, 35, 7, 8))[0]
        parent_age = rng.randint(24, 42)
        if shape == "grandmother":
            grandmother = rng.choice(txt.GRANDMOTHERS)
            case.adults.append(person(grandmother, hers, Relation.guardian, rng.randint(55, 66)))
        if shape in ("couple", "mother"):
            mother = rng.choice(txt.MOTHERS)
            case.adults.append(person(mother, hers, Relation.parent, parent_age))
        if shape in ("couple", "father"):
            father, age = rng.choice(txt.FATHERS), parent_age + rng.randint(0, 5)
            case.adults.append(person(father, his, Relation.parent, age))
        case.lead_gender = Gender.male if shape == "father" else Gender.female

        youngest, oldest = (2, 15) if shape == "grandmother" else (0, min(17, parent_age - 19))
        count = 2 if case.n in (ZA_ZYCIEM, FOSTER) else rng.randint(1, 4)
        ages = sorted((rng.randint(youngest, oldest) for _ in range(count)), reverse=True)
        if case.n in (ZA_ZYCIEM, FOSTER):
            ages[0] = max(ages[0], 3 if case.n == ZA_ZYCIEM else 8)
        girls, boys = rng.sample(txt.GIRLS, count), rng.sample(txt.BOYS, count)
        for i, age in enumerate(ages):
            infant = case.n == ZA_ZYCIEM and i == 1  # the son of the "Za życiem" reason
            girl = rng.random() < 0.5 and not infant
            child = person(
                girls[i] if girl else boys[i], hers if girl else his, Relation.child, age
            )
            if infant:
                child.birth_date = today - 150 * DAY
            case.children.append(child)
        if case.n == FOSTER:
            placed = case.children[0]
            placed.in_household = False
            placed.left_household_on = case.family.referred_on - 14 * DAY

    def periodic_days(self, started: date, until: date) -> list[date]:
        # Every 150-170 days: the last one is always less than six months old.
        days, day = [], started
        while (day := day + self.rng.randint(150, 170) * DAY) <= until:
            day = _workday(day)
            days.append(day)
        return days

    def family_users(self) -> None:
        for n in FAMILY_USERS:
            case = self.case(n)
            case.user = User(
                id=demo_id(f"user/family/{n}"),
                centre_id=DEMO_CENTRE_ID,
                role=Role.family,
                first_name=case.lead.first_name,
                last_name=case.lead.last_name,
                gender=case.lead_gender,
                family_id=case.family.id,
                family_member_id=case.lead.id,
                is_demo=True,
                created_at=_at(case.started + 3 * DAY, 12),
            )
            self.add(case.user)

    def case_history(self) -> None:
        coordinator = self.staff["coordinator"]
        for case in self.cases:
            family, n = case.family, case.n
            events: list[tuple[CaseStatus | None, CaseStatus, date, User]] = [
                (None, CaseStatus.referred, family.referred_on, coordinator)
            ]
            if case.assistant is not None:
                assigned = family.referred_on + self.rng.randint(1, 5) * DAY
                assigned = _workday(min(assigned, (family.work_started_on or self.today) - DAY))
                assignment = Assignment(
                    id=demo_id(f"family/{n}/assignment"),
                    family_id=family.id,
                    assistant_id=case.assistant.id,
                    assigned_by_id=coordinator.id,
                    started_at=_at(assigned, 11),
                )
                self.add(assignment)
            if family.work_started_on is not None:
                form = ConsentForm.written if self.rng.random() < 0.8 else ConsentForm.oral
                consent = Consent(
                    id=demo_id(f"family/{n}/consent"),
                    family_id=family.id,
                    given_on=case.started,
                    given_by_member_id=case.lead.id,
                    form=form,
                    recorded_by_id=case.staff.id,
                    created_at=_at(case.started, 16),
                )
                self.add(consent)
                events.append((CaseStatus.referred, CaseStatus.active, case.started, case.staff))
            if family.ended_on is not None:
                events.append((CaseStatus.active, CaseStatus.ended, family.ended_on, case.staff))
                events.append(
                    (CaseStatus.ended, CaseStatus.monitoring, family.ended_on, case.staff)
                )
            for k, (before, after, day, by) in enumerate(events):
                reason = txt.CASE_EVENT_REASONS[after].format(
                    worker=family.social_worker_name, until=family.monitoring_until
                )
                event = CaseEvent(
                    id=demo_id(f"family/{n}/event/{k}"),
                    family_id=family.id,
                    at=_at(day, 12, k),
                    on_date=day,
                    from_status=before,
                    to_status=after,
                    end_reason=family.end_reason if after is CaseStatus.ended else None,
                    reason=reason,
                    by_user_id=by.id,
                )
                self.add(event)

    # --- one family's work: plans, visits, meetings, assessments --------------------------

    def plans(self, case: _Case) -> None:
        today = self.today
        specs = case.goal_specs
        agreed = _workday(case.started + self.rng.randint(7, 21) * DAY)
        current = (max(today - 60 * DAY, agreed + 7 * DAY), today + 60 * DAY)
        ended = case.family.ended_on
        if case.n == PLAN_V2:  # the first assessment asked for a change: v2 adds a goal
            second = _workday(case.periodic[0] + 10 * DAY)
            first = self.plan(case, 1, specs[:-1], agreed, (agreed + 7 * DAY, second), second)
            first.status = PlanStatus.superseded
            window = (max(current[0], second + 7 * DAY), current[1])
            self.plan(case, 2, specs, second, window, today, based_on=first)
        elif ended is not None:
            self.plan(case, 1, specs, agreed, (ended - 150 * DAY, ended), ended, finished=True)
        elif case.n == DRAFT_V2:
            first = self.plan(case, 1, specs[:-1], agreed, current, today)
            window = (today + 7 * DAY, today + 60 * DAY)
            self.plan(case, 2, specs, None, window, None, based_on=first)
        else:
            self.plan(case, 1, specs, agreed, current, today)

    def goal_specs(self, case: _Case) -> list[GoalSpec]:
        school_age = any(
            c.in_household and _age(c.birth_date, self.today) >= 7 for c in case.children
        )
        pool = [goal for goal in txt.GOALS if school_age or goal[0] != "school"]
        self.rng.shuffle(pool)
        count = 3 if case.n in (PLAN_V2, DRAFT_V2) else self.rng.randint(2, 4)
        chosen: list[GoalSpec] = [txt.ZA_ZYCIEM_GOAL] if case.n == ZA_ZYCIEM else []
        for area, wording, tasks in pool:  # one goal per area
            if len(chosen) < count and area not in {spec[0] for spec in chosen}:
                chosen.append((area, wording, tasks[: self.rng.randint(1, len(tasks))]))
        return chosen

    def plan(
        self,
        case: _Case,
        version: int,
        specs: list[GoalSpec],
        agreed: date | None,
        window: tuple[date, date],
        as_of: date | None,
        *,
        based_on: Plan | None = None,
        finished: bool = False,
    ) -> Plan:
        """One plan version, its goals and tasks (due within `window`, settled as of `as_of`)."""
        n, rng, assistant = case.n, self.rng, case.staff
        consulted = agreed - rng.randint(1, 4) * DAY if agreed else None
        plan = Plan(
            id=demo_id(f"family/{n}/plan/{version}"),
            family_id=case.family.id,
            version=version,
            status=PlanStatus.agreed if agreed else PlanStatus.draft,
            based_on_id=based_on.id if based_on else None,
            created_by_id=assistant.id,
            created_at=_at((consulted or self.today) - 2 * DAY, 10),
            consulted_on=consulted,
            consulted_with=case.family.social_worker_name if consulted else "",
            consultation_remarks=txt.CONSULTATION_REMARKS if consulted else "",
        )
        if agreed is not None:  # on the phone where a member has the app, else on paper
            plan.agreed_at = _at(agreed, 12)
            plan.agreement_method = AgreementMethod.phone if case.user else AgreementMethod.paper
            plan.agreed_by_member_id = case.lead.id
            plan.agreed_by_user_id = case.user.id if case.user else None
            plan.recorded_by_id = None if case.user else assistant.id
            case.plans.append(plan)
        if case.family.foster_care and consulted:
            plan.foster_coordination_with = txt.FOSTER_COORDINATOR.split(",")[0]
            plan.foster_coordination_reference = txt.FOSTER_PLAN_REFERENCE
            plan.foster_coordination_on = consulted
        self.add(plan)
        older = [
            c for c in case.children if c.in_household and _age(c.birth_date, self.today) >= 10
        ]
        owners = {"adult": case.lead, "child": older[0] if older else case.lead}
        case.goals[plan.id] = []
        for i, (area, wording, tasks) in enumerate(specs):
            name = f"family/{n}/plan/{version}/goal/{i}"
            goal = Goal(
                id=demo_id(name),
                plan_id=plan.id,
                lineage_id=demo_id(f"family/{n}/goal/{i}"),
                area=GoalArea(area),
                wording=wording,
                position=i,
            )
            case.goals[plan.id].append(goal)
            self.add(goal)
            for j, (action, owner, effect) in enumerate(tasks):
                due = window[0] + rng.randint(0, (window[1] - window[0]).days) * DAY
                state, done_on = self.task_state(due, as_of, agreed, finished)
                member = owners.get(owner)
                task = Task(
                    id=demo_id(f"{name}/task/{j}"),
                    goal_id=goal.id,
                    lineage_id=demo_id(f"family/{n}/goal/{i}/task/{j}"),
                    action=action,
                    owner_member_id=member.id if member else None,
                    owner_is_assistant=member is None,
                    due_on=due,
                    expected_effect=effect,
                    state=state,
                    drop_reason=txt.DROP_REASON if state == TaskState.dropped else "",
                    done_at=_at(done_on, 18) if done_on else None,
                    done_by_id=assistant.id if done_on else None,
                    revision=1 if state == TaskState.open else 2,
                    position=j,
                )
                self.add(task)
        return plan

    def task_state(
        self, due: date, as_of: date | None, agreed: date | None, finished: bool
    ) -> tuple[TaskState, date | None]:
        if as_of is None or agreed is None:
            return TaskState.open, None
        roll = self.rng.random()
        if finished or roll < (0.75 if due <= as_of else 0.15):
            latest = min(due, as_of - DAY)
            return TaskState.done, max(agreed, latest - self.rng.randint(0, 5) * DAY)
        if due <= as_of and roll < 0.85:
            return TaskState.dropped, None
        return TaskState.open, None

    def visits(self, case: _Case) -> None:
        rng, today = self.rng, self.today
        kinds = [kind for kind, (weight, _, _) in VISIT_KINDS.items() if weight]
        weights = [VISIT_KINDS[kind][0] for kind in kinds]
        window = today - VISIT_HISTORY_DAYS * DAY
        day = case.started
        if day < window:
            day = max(day, _workday(window + rng.randint(0, 6) * DAY))
        while day <= (case.family.ended_on or today - DAY):
            first = day == case.started
            self.visit(case, day, VisitKind.home_visit if first else rng.choices(kinds, weights)[0])
            day = _workday(day + rng.randint(7, 21) * DAY)
        if case.family.ended_on is not None:
            day = _workday(case.family.ended_on + 16 * DAY)
            if day < today:
                self.visit(case, day, VisitKind.monitoring)

    def visit(self, case: _Case, day: date, kind: VisitKind) -> None:
        rng = self.rng
        start = time(rng.randint(8, 16), rng.choice((0, 15, 30, 45)))
        _, place, lengths = VISIT_KINDS[kind]
        minutes = rng.choice(lengths)
        place_text, others = "", ""
        if kind == VisitKind.home_visit and day == case.started:
            notes = txt.FIRST_VISIT_NOTE
        elif kind == VisitKind.home_visit:
            notes = " ".join([*rng.sample(txt.HOME_NOTES, 2), rng.choice(txt.CLOSING_NOTES)])
        elif kind == VisitKind.consultation:
            notes = f"{rng.choice(txt.CONSULTATION_NOTES)} {rng.choice(txt.CLOSING_NOTES)}"
        elif kind == VisitKind.phone:
            place_text, notes = txt.PHONE_PLACE, rng.choice(txt.PHONE_NOTES)
        elif kind == VisitKind.accompanying:
            place_text, notes, others = rng.choice(txt.ACCOMPANYING)
        else:
            notes = txt.MONITORING_NOTE
        ends = datetime.combine(day, start, tzinfo=WARSAW) + timedelta(minutes=minutes)
        visit = Visit(
            **case.written(f"visit/{len(case.visits)}"),
            visit_date=day,
            starts_at=start,
            duration_minutes=minutes,
            place_kind=place,
            place_text=place_text,
            present_others=others,
            kind=kind,
            notes=notes,
            created_at=ends.astimezone(UTC),
        )
        user = case.user  # the member with the app confirms most visits the same evening
        if user and kind != VisitKind.phone and visit.created_at > user.created_at:
            confirmed = rng.random() < 0.7
            visit.confirmed_at = visit.created_at + timedelta(hours=2) if confirmed else None
            visit.confirmed_by_id = user.id if confirmed else None
        case.visits.append(visit)
        others_present = [
            member
            for member in case.present_on(day)
            if member is not case.lead and place == PlaceKind.home and rng.random() < 0.6
        ]
        self.add(visit)
        self.add(
            *(
                VisitAttendance(visit_id=visit.id, member_id=member.id)
                for member in [case.lead, *others_present]
            )
        )

    def meetings(self, case: _Case) -> None:
        if case.n in NO_MEETING:
            return
        ahead = [self.today + k * DAY for k in range(1, 15)]
        workdays = [day for day in ahead if _is_workday(day)]
        last = case.visits[-1]
        if case.n == CANCELLED_MEETING:
            self.meeting(case, "cancelled", workdays[0], last, cancelled=True)
        self.meeting(case, "next", self.rng.choice(workdays), last)
        if case.n in PAST_MEETINGS:  # the last visit was booked as a meeting at the one before
            self.meeting(case, "past", last.visit_date, case.visits[-2], at=last.starts_at)

    def meeting(
        self,
        case: _Case,
        name: str,
        day: date,
        booked_at: Visit,
        *,
        at: time | None = None,
        cancelled: bool = False,
    ) -> None:
        rng = self.rng
        start = at or time(rng.randint(8, 15), rng.choice((0, 30)))
        place = rng.choices((PlaceKind.home, PlaceKind.centre, PlaceKind.other), (70, 20, 10))[0]
        meeting = Meeting(
            id=demo_id(f"family/{case.n}/meeting/{name}"),
            family_id=case.family.id,
            assistant_id=case.staff.id,
            starts_at=_at(day, start.hour, start.minute),
            duration_minutes=rng.choice((60, 90)),
            place_kind=place,
            place_text=rng.choice(txt.MEETING_PLACES_OTHER) if place == PlaceKind.other else "",
            status=MeetingStatus.cancelled if cancelled else MeetingStatus.scheduled,
            cancel_reason=txt.CANCEL_REASON if cancelled else "",
            created_from_visit_id=booked_at.id,
            created_at=booked_at.created_at,
            # The family phoned the same evening to call it off.
            updated_at=booked_at.created_at + timedelta(hours=3) if cancelled else None,
        )
        self.add(meeting)

    def assessments(self, case: _Case) -> None:
        kinds = [(AssessmentKind.initial, case.started)] if case.n in INITIAL_ASSESSMENT else []
        kinds += [(AssessmentKind.periodic, day) for day in case.periodic]
        if case.family.ended_on is not None:
            kinds.append((AssessmentKind.final, case.family.ended_on))
        for k, (kind, day) in enumerate(kinds):
            self.assessment(case, k, kind, day)

    def assessment(self, case: _Case, k: int, kind: AssessmentKind, day: date) -> None:
        rng = self.rng
        final = kind == AssessmentKind.final
        if final:
            texts, recommendation = dict(txt.FINAL_ASSESSMENT), Recommendation.end_work
        else:
            texts = {name: rng.choice(options) for name, options in txt.ASSESSMENT.items()}
            change = case.n == PLAN_V2 and case.periodic[:1] == [day]
            recommendation = Recommendation.change_plan if change else Recommendation.continue_work
        name = f"family/{case.n}/assessment/{k}"
        assessment = Assessment(
            id=demo_id(name),
            family_id=case.family.id,
            kind=kind,
            assessed_on=day,
            author_id=case.staff.id,
            recommendation=recommendation,
            created_at=_at(day, 15),
            **texts,
        )
        self.add(assessment)
        in_force = [p for p in case.plans if p.agreed_at and p.agreed_at.date() <= day]
        if kind == AssessmentKind.initial or not in_force:
            return
        for i, goal in enumerate(case.goals[in_force[-1].id]):
            rating = rng.choice((3, 4)) if final else min(4, 1 + k // 2 + rng.randint(0, 1))
            progress = GoalProgress(
                id=demo_id(f"{name}/progress/{i}"),
                assessment_id=assessment.id,
                goal_id=goal.id,
                rating=rating,
                comment=txt.PROGRESS_COMMENTS[rating],
            )
            self.add(progress)

    # --- the centre's catalogue and cooperation with institutions ---------------------------

    def catalogue(self) -> None:
        services = [
            SupportService(
                id=demo_id(f"support-service/{i}"),
                centre_id=DEMO_CENTRE_ID,
                category=SupportCategory(category),
                name=name,
                description=description,
                address=address,
                phone=phone,
                hours=hours,
            )
            for i, (category, name, description, address, phone, hours) in enumerate(
                txt.SUPPORT_SERVICES
            )
        ]
        self.add(*services)
        case = self.case(ZA_ZYCIEM)
        rehabilitation = next(s for s in services if s.category == SupportCategory.rehabilitation)
        request = SupportRequest(
            id=demo_id(f"family/{case.n}/support-request/0"),
            family_id=case.family.id,
            service_id=rehabilitation.id,
            requested_on=_workday(case.started + 10 * DAY),
            outcome=txt.SUPPORT_REQUEST_OUTCOME,
            recorded_by_id=case.staff.id,
        )
        self.add(request)

    def cooperation(self) -> None:
        case = self.case(COURT_CASE)
        for i, (days_ago, institution, purpose, outcome) in enumerate(txt.INSTITUTION_CONTACTS):
            day = _workday(self.today - days_ago * DAY)
            contact = InstitutionContact(
                **case.written(f"contact/{i}"),
                contact_on=day,
                institution=institution,
                purpose=purpose,
                outcome=outcome,
                created_at=_at(day, 14),
            )
            self.add(contact)
        requested = _workday(self.today - 12 * DAY)
        members = ", ".join(
            f"{m.full_name} ({txt.RELATION_LABELS[m.relation]}, ur. {m.birth_date:%d.%m.%Y})"
            for m in case.adults + case.children
        )
        body = txt.COURT_OPINION_BODY.format(
            family=case.family.name,
            address=case.family.address,
            started=f"{case.started:%d.%m.%Y}",
            visits=len(case.visits),
            members=members,
            goals="; ".join(goal.wording for goal in case.goals[case.plans[-1].id]),
        )
        opinion = CourtOpinion(
            **case.written("opinion/0"),
            court=txt.COURT,
            case_reference=f"III Nsm {self.rng.randint(120, 480)}/{requested:%y}",
            requested_on=requested,
            deadline=self.today + 10 * DAY,
            body=body,
            created_at=_at(requested + DAY, 13),
        )
        self.add(opinion)


# --- intake: the path from the request to the plan ---------------------------------------------

# Seven families at the steps of intake, numbered after the others (INTAKE_FIRST + 0 … 6).
INTAKE_FIRST = 32
INTAKE_STEPS = (
    "request",  # the referral only: the interview and the director's request still to come
    "team_pending",  # the request is complete, the team has not met yet
    "taken_on",  # the team decided to take the family on: an assistant is to be assigned
    "first_contact",  # the assistant met the family: the consent is still to come
    "initial_assessment",  # the work started and the initial assessment is written
    "plan_drafted",  # the first plan is being prepared: a draft with two goals so far
    "handed_over",  # taken on, then handed over to the contracted organisation to assign
)
# Days before `today`: referral, team meeting, assignment, first contact (= consent),
# initial assessment, draft plan.
INTAKE_DAYS = {
    "request": (3,),
    "team_pending": (8,),
    "taken_on": (15, 6),
    "first_contact": (25, 16, 14, 7),
    "initial_assessment": (40, 30, 28, 21, 12),
    "plan_drafted": (50, 42, 40, 33, 25, 18),
    "handed_over": (20, 10),
}
HANDED_OVER_DAYS_AGO = 9
INTAKE_ASSISTANTS = {
    "first_contact": "marek",
    "initial_assessment": "joanna",
    "plan_drafted": "marek",
}


class _Intake:
    """The request recorded on every referral, the initial assessment before every plan, and
    seven families at the steps of intake. Its own random generator: the rest of the demo is
    drawn exactly as before."""

    def __init__(self, loader: _Loader) -> None:
        self.loader = loader
        self.rng = random.Random(SEED + 13)
        self.today = loader.today

    def add_all(self) -> None:
        self.organisation()
        for case in self.loader.cases:
            self.request(case.family, case.n, complete=True)
        for case in self.loader.working():
            if case.n not in INITIAL_ASSESSMENT:  # every plan follows an initial assessment
                self.initial_assessment(case.family, case.n, case.started, case.staff)
        per_year = Counter(case.family.referred_on.year for case in self.loader.cases)
        for i, step in enumerate(INTAKE_STEPS):
            self.family(INTAKE_FIRST + i, step, per_year)

    def day(self, days_ago: int) -> date:
        return _workday(self.today - days_ago * DAY)

    def organisation(self) -> None:
        """The contracted organisation, with its coordinator and one assistant."""
        name, short_name, address, phone, email = txt.ORGANISATION
        founded = _at(self.today - 400 * DAY, 9)
        self.loader.add(
            Centre(
                id=DEMO_ORGANISATION_ID, name=name, short_name=short_name, address=address,
                phone=phone, email=email, parent_centre_id=DEMO_CENTRE_ID, created_at=founded,
            )
        )  # fmt: skip
        for key, (first, last, gender, work_phone, mail) in txt.ORGANISATION_STAFF.items():
            role = Role.coordinator if key.endswith("coordinator") else Role.assistant
            self.loader.add(
                User(
                    id=demo_id(f"user/{key}"), centre_id=DEMO_ORGANISATION_ID, role=role,
                    first_name=first, last_name=last, gender=Gender(gender), email=mail,
                    work_phone=work_phone, is_demo=True, created_at=founded,
                )
            )  # fmt: skip

    def request(self, family: Family, n: int, *, complete: bool) -> None:
        """The social worker's interview and analysis, and the director's request."""
        family.interview_on = _workday(family.referred_on - self.rng.randint(7, 14) * DAY)
        family.interview_by = family.social_worker_name
        if complete:
            family.situation_analysis = self.rng.choice(txt.SITUATION_ANALYSES)
            family.director_request_on = _workday(family.referred_on - DAY)
            family.director_request_reference = txt.DIRECTOR_REFERENCE.format(
                n=n, year=family.director_request_on.year
            )

    def initial_assessment(self, family: Family, n: int, day: date, author: User) -> Assessment:
        texts = {name: self.rng.choice(options) for name, options in txt.ASSESSMENT.items()}
        assessment = Assessment(
            id=demo_id(f"family/{n}/assessment/initial"),
            family_id=family.id,
            kind=AssessmentKind.initial,
            assessed_on=day,
            author_id=author.id,
            recommendation=Recommendation.continue_work,
            created_at=_at(day, 15),
            **texts,
        )
        self.loader.add(assessment)
        return assessment

    def family(self, n: int, step: str, per_year: Counter[int]) -> None:
        rng, days = self.rng, INTAKE_DAYS[step]
        his, hers, plural, address = txt.INTAKE_FAMILIES[n - INTAKE_FIRST]
        worker, worker_phone, worker_email = rng.choice(txt.SOCIAL_WORKERS)
        referred = self.day(days[0])
        per_year[referred.year] += 1
        family = Family(
            id=demo_id(f"family/{n}"),
            centre_id=DEMO_CENTRE_ID,
            case_number=f"AR.4011.{per_year[referred.year]}.{referred.year}",
            name=plural,
            address=address,
            referral_reason=txt.INTAKE_REASONS[n - INTAKE_FIRST],
            referred_on=referred,
            social_worker_name=worker,
            social_worker_phone=worker_phone,
            social_worker_email=worker_email,
            created_at=_at(referred, 10),
        )
        self.request(family, n, complete=step != "request")
        mother = self.member(family, n, 0, rng.choice(txt.MOTHERS), hers, Relation.parent, 31)
        family.phone = mother.phone
        children = [
            self.member(family, n, k, rng.choice(txt.GIRLS if k % 2 else txt.BOYS),
                        hers if k % 2 else his, Relation.child, rng.randint(3, 14))
            for k in (1, 2)
        ]  # fmt: skip
        self.loader.add(family, mother, *children)
        coordinator = self.loader.staff["coordinator"]
        self.event(family, n, 0, None, CaseStatus.referred, referred, coordinator)
        if len(days) < 2:
            return
        self.team_decision(family, n, self.day(days[1]), coordinator)
        if step == "handed_over":
            family.handled_by_centre_id = DEMO_ORGANISATION_ID
            family.handed_over_on = self.day(HANDED_OVER_DAYS_AGO)
        if len(days) < 3:
            return
        assistant = self.loader.staff[INTAKE_ASSISTANTS[step]]
        self.loader.add(
            Assignment(
                id=demo_id(f"family/{n}/assignment"),
                family_id=family.id,
                assistant_id=assistant.id,
                assigned_by_id=coordinator.id,
                started_at=_at(self.day(days[2]), 11),
            )
        )
        met = self.day(days[3])
        consented = len(days) > 4
        self.loader.add(
            FirstContact(
                id=demo_id(f"family/{n}/first-contact"),
                family_id=family.id,
                met_on=met,
                role_explained=True,
                expectations=rng.choice(txt.EXPECTATIONS),
                outcome="consent" if consented else "",
                recorded_by_id=assistant.id,
                created_at=_at(met, 14),
            )
        )
        if not consented:
            return
        family.status, family.work_started_on = CaseStatus.active, met
        self.loader.add(
            Consent(
                id=demo_id(f"family/{n}/consent"),
                family_id=family.id,
                given_on=met,
                given_by_member_id=mother.id,
                form=ConsentForm.written,
                recorded_by_id=assistant.id,
                created_at=_at(met, 15),
            )
        )
        self.event(family, n, 1, CaseStatus.referred, CaseStatus.active, met, assistant)
        assessment = self.initial_assessment(family, n, self.day(days[4]), assistant)
        if len(days) > 5:
            self.draft_plan(family, n, self.day(days[5]), assistant, assessment)

    def member(
        self, family: Family, n: int, k: int, first: str, last: str, relation: Relation, years: int
    ) -> FamilyMember:
        return FamilyMember(
            id=demo_id(f"family/{n}/member/{k}"),
            family_id=family.id,
            first_name=first,
            last_name=last,
            relation=relation,
            birth_date=self.today - (years * 365 + self.rng.randint(0, 364)) * DAY,
            phone=self.loader.phone() if relation is not Relation.child else "",
            created_at=family.created_at,
        )

    def event(
        self, family: Family, n: int, k: int, before: CaseStatus | None, after: CaseStatus,
        day: date, by: User,
    ) -> None:  # fmt: skip
        reason = txt.CASE_EVENT_REASONS[after].format(worker=family.social_worker_name, until=None)
        self.loader.add(
            CaseEvent(
                id=demo_id(f"family/{n}/event/{k}"),
                family_id=family.id,
                at=_at(day, 12, k),
                on_date=day,
                from_status=before,
                to_status=after,
                reason=reason,
                by_user_id=by.id,
            )
        )

    def team_decision(self, family: Family, n: int, met: date, coordinator: User) -> None:
        participants = "\n".join(txt.TEAM_PARTICIPANTS).format(worker=family.social_worker_name)
        self.loader.add(
            TeamDecision(
                id=demo_id(f"family/{n}/team-decision/0"),
                family_id=family.id,
                met_on=met,
                participants=participants,
                deficits=txt.TEAM_DEFICITS,
                resources=txt.TEAM_RESOURCES,
                decision=TeamDecisionKind.take_on,
                remarks=txt.TEAM_REMARKS,
                recorded_by_id=coordinator.id,
                created_at=_at(met, 13),
            )
        )

    def draft_plan(
        self, family: Family, n: int, day: date, assistant: User, assessment: Assessment
    ) -> None:
        """The first version, being prepared: two goals so far."""
        plan = Plan(
            id=demo_id(f"family/{n}/plan/1"),
            family_id=family.id,
            version=1,
            status=PlanStatus.draft,
            created_by_id=assistant.id,
            created_at=_at(day, 10),
        )
        self.loader.add(plan)
        for i, (area, wording, _tasks) in enumerate(txt.GOALS[:2]):
            self.loader.add(
                Goal(
                    id=demo_id(f"family/{n}/plan/1/goal/{i}"),
                    plan_id=plan.id,
                    lineage_id=demo_id(f"family/{n}/goal/{i}"),
                    area=GoalArea(area),
                    wording=wording,
                    position=i,
                )
            )
