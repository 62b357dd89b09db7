"""A small world for the matrix: two centres, three families, one of everything in each."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session

from pwa.domain.people import invitations, sessions
from pwa.i18n import local_today
from pwa.models import (
    Assessment,
    AssessmentKind,
    Centre,
    CourtOpinion,
    Family,
    GoalArea,
    InstitutionContact,
    Meeting,
    PasskeyCredential,
    PlaceKind,
    Relation,
    Role,
    SupportCategory,
    SupportRequest,
    SupportService,
    Task,
    User,
    Visit,
    VisitKind,
)
from tests.authz.rules import Scenario
from tests.support.factories.core import (
    give_consent,
    make_centre,
    make_family,
    make_family_user,
    make_goal,
    make_member,
    make_office_hours,
    make_user,
)

POLICY = sessions.SessionPolicy(idle_timeout=3600, max_age=86400)


@dataclass
class FamilyObjects:
    """One family and one of every object in its record, by path-parameter name."""

    family: Family
    assistant: User
    family_user: User
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class World:
    centre: Centre
    foreign_centre: Centre
    users: dict[Role, User]  # the actors, all of centre A
    own: FamilyObjects  # the family of the family actor, assigned to the assistant actor
    other: FamilyObjects  # another family of centre A (another assistant)
    foreign: FamilyObjects  # a family of centre B
    tokens: dict[uuid.UUID, str] = field(default_factory=dict)  # user id -> session token
    extra: dict[str, dict[Scenario, str]] = field(default_factory=dict)

    def params(self, scenario: Scenario) -> dict[str, str]:
        objects = {
            Scenario.own: self.own,
            Scenario.other_family: self.other,
            Scenario.other_centre: self.foreign,
        }[scenario]
        values = dict(objects.params)
        values.update({name: by_scenario[scenario] for name, by_scenario in self.extra.items()})
        return values


def _family_with_record(db: Session, centre: Centre, assistant: User, n: int) -> FamilyObjects:
    family = make_family(db, centre, assistant=assistant, name=f"Rodzina {n}")
    parent = make_member(db, family, relation=Relation.parent, first_name=f"Ewa{n}")
    second_adult = make_member(db, family, relation=Relation.guardian, first_name=f"Jan{n}")
    child = make_member(db, family, relation=Relation.child, first_name=f"Ola{n}")
    give_consent(db, family, parent)
    family_user = make_family_user(db, family, parent)
    goal = make_goal(db, family, area=GoalArea.school, wording="Dzieci chodzą do szkoły")
    task = Task(
        goal_id=goal.id,
        action="Odprowadzać Olę do szkoły",
        owner_member_id=parent.id,
        due_on=local_today() + timedelta(days=7),
        expected_effect="Ola nie opuszcza lekcji",
    )
    visit = Visit(
        id=uuid.uuid4(),
        family_id=family.id,
        author_id=assistant.id,
        visit_date=local_today() - timedelta(days=1),
        starts_at=time(10, 0),
        duration_minutes=60,
        place_kind=PlaceKind.home,
        kind=VisitKind.home_visit,
        notes="Notatka wewnętrzna",
    )
    meeting = Meeting(
        family_id=family.id,
        assistant_id=assistant.id,
        starts_at=datetime.now(UTC) + timedelta(days=2),
    )
    assessment = Assessment(
        family_id=family.id,
        kind=AssessmentKind.periodic,
        assessed_on=local_today() - timedelta(days=30),
        author_id=assistant.id,
    )
    opinion = CourtOpinion(
        family_id=family.id,
        author_id=assistant.id,
        court="Sąd Rejonowy",
        case_reference="III Nsm 1/26",
        requested_on=local_today(),
        deadline=local_today() + timedelta(days=14),
    )
    contact = InstitutionContact(
        family_id=family.id, author_id=assistant.id, contact_on=local_today(), institution="Szkoła"
    )
    service = SupportService(centre_id=centre.id, category=SupportCategory.legal, name="Porady")
    db.add_all([task, visit, meeting, assessment, opinion, contact, service])
    db.flush()
    support_request = SupportRequest(
        family_id=family.id, service_id=service.id, requested_on=local_today()
    )
    db.add(support_request)
    issued = invitations.issue(
        db, centre_id=centre.id, role=Role.family, first_name="Jan", last_name=f"{n}",
        created_by=assistant, family_id=family.id, family_member_id=second_adult.id,
    )  # fmt: skip
    db.flush()
    objects = FamilyObjects(family=family, assistant=assistant, family_user=family_user)
    objects.params = {
        "family_id": str(family.id),
        "member_id": str(second_adult.id),
        "child_id": str(child.id),
        "parent_id": str(parent.id),
        "plan_id": str(goal.plan_id),
        "goal_id": str(goal.id),
        "task_id": str(task.id),
        "visit_id": str(visit.id),
        "meeting_id": str(meeting.id),
        "assessment_id": str(assessment.id),
        "opinion_id": str(opinion.id),
        "contact_id": str(contact.id),
        "service_id": str(service.id),
        "support_request_id": str(support_request.id),
        "invitation_id": str(issued.invitation.id),
        "token": issued.token,
    }
    return objects


def _passkey(db: Session, user: User) -> PasskeyCredential:
    passkey = PasskeyCredential(
        user_id=user.id, credential_id=uuid.uuid4().bytes, public_key=b"k", label="telefon"
    )
    db.add(passkey)
    db.flush()
    return passkey


def build_world(db: Session) -> World:
    centre = make_centre(db)
    make_office_hours(db, centre)
    foreign_centre = make_centre(db)
    coordinator = make_user(db, centre, Role.coordinator)
    assistant = make_user(db, centre, Role.assistant)
    other_assistant = make_user(db, centre, Role.assistant)
    foreign_assistant = make_user(db, foreign_centre, Role.assistant)
    make_user(db, foreign_centre, Role.coordinator)
    own = _family_with_record(db, centre, assistant, 1)
    other = _family_with_record(db, centre, other_assistant, 2)
    foreign = _family_with_record(db, foreign_centre, foreign_assistant, 3)
    users = {Role.coordinator: coordinator, Role.assistant: assistant, Role.family: own.family_user}
    world = World(
        centre=centre,
        foreign_centre=foreign_centre,
        users=users,
        own=own,
        other=other,
        foreign=foreign,
    )
    for user in (*users.values(), other.family_user, foreign.family_user, other_assistant):
        _row, token = sessions.start_session(db, user=user, policy=POLICY)
        world.tokens[user.id] = token
    # Per-account objects: the actor's own passkey/second session, someone else's, another centre's.
    for role, user in users.items():
        own_passkey = _passkey(db, user)
        spare, _token = sessions.start_session(db, user=user, policy=POLICY)
        world.extra.setdefault(f"passkey_id:{role.value}", {})[Scenario.own] = str(own_passkey.id)
        world.extra.setdefault(f"session_id:{role.value}", {})[Scenario.own] = str(spare.id)
    _passkey(db, own.family_user)  # the family actor keeps a second passkey (the last cannot go)
    neighbour, neighbour_foreign = other.family_user, foreign.family_user
    for name, by_user in (("passkey_id", _passkey), ("session_id", None)):
        for role in users:
            key = f"{name}:{role.value}"
            if by_user is not None:
                world.extra[key][Scenario.other_family] = str(by_user(db, neighbour).id)
                world.extra[key][Scenario.other_centre] = str(by_user(db, neighbour_foreign).id)
            else:
                row, _t = sessions.start_session(db, user=neighbour, policy=POLICY)
                world.extra[key][Scenario.other_family] = str(row.id)
                row, _t = sessions.start_session(db, user=neighbour_foreign, policy=POLICY)
                world.extra[key][Scenario.other_centre] = str(row.id)
    # Accounts a coordinator manages: a colleague in her centre, a user of another centre.
    world.extra["user_id"] = {
        Scenario.own: str(other_assistant.id),
        Scenario.other_family: str(other.family_user.id),
        Scenario.other_centre: str(foreign_assistant.id),
    }
    db.flush()
    return world
