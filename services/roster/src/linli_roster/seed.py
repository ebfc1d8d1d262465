"""Demo roster for `make run`: one committee modelled on the source practice (西门居民区) — about 190
volunteers, about 40 backbone, 3 grids with 12 micro-grids and their buildings, stacked roles."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from linli_roster.database import messaging
from linli_roster.events import types as events
from linli_roster.protection import IdNumberCipher
from linli_roster.spaces.models import Area, AreaKind
from linli_roster.spaces.service import area_event
from linli_roster.volunteers.models import Channel, RoleKind, Tier, Volunteer, VolunteerRole
from linli_roster.volunteers.service import role_event, volunteer_snapshot
from linli_shared.db import Database
from linli_shared.tenancy import Role, TenantContext

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "秀英桂兰玉华建国志强丽娟海燕明杰文静春梅凤英德明金凤美玲国庆红霞伟东小平卫东淑珍"
SKILLS = ("垃圾分类", "应急救护", "消防安全", "助老陪伴", "理发", "维修", "书法", "调解", "摄影", "文艺")
VOLUNTEERS, BACKBONE = 190, 40


def seed_committee(database: Database, cipher: IdNumberCipher, tenant_id: uuid.UUID, tenant_path: str) -> int:
    """Idempotent: a committee that already has volunteers is left as it is. Returns the roster size."""
    context = TenantContext(
        tenant_id=tenant_id, tenant_path=tenant_path, role=Role.TENANT_ADMIN, subject="seed"
    )
    rng = random.Random(20_261_125)  # the same demo every time
    with database.transaction(context) as session:
        existing = session.scalar(select(func.count()).select_from(Volunteer))
        if existing:
            return int(existing)

        def area(kind: AreaKind, name: str, parent: Area | None) -> Area:
            row = Area(
                tenant_id=tenant_id,
                id=uuid.uuid4(),
                tenant_path=tenant_path,
                parent_id=parent.id if parent else None,
                kind=kind,
                name=name,
                active=True,
            )
            session.add(row)
            session.flush()
            return row

        grids = [area(AreaKind.GRID, f"第{n}网格", None) for n in "一二三"]
        micro_grids = [area(AreaKind.MICRO_GRID, f"{n + 1}号微网格", grids[n // 4]) for n in range(12)]
        buildings = [area(AreaKind.BUILDING, f"{n + 1}号楼", micro_grids[n // 2]) for n in range(24)]

        people = []
        for n in range(VOLUNTEERS):
            person = Volunteer(
                tenant_id=tenant_id,
                id=uuid.uuid4(),
                tenant_path=tenant_path,
                name=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2)))),
                phone=f"139{rng.randrange(10**8):08d}",
                building_id=buildings[n % len(buildings)].id,
                skills=rng.sample(SKILLS, rng.randint(1, 3)),
                availability=rng.choice(("工作日上午", "周末", "晚上", "随时")),
                party_member=rng.random() < 0.35,
                joined_on=date(2019, 1, 1) + timedelta(days=rng.randrange(2000)),
                channel=rng.choice([channel for channel in Channel if channel is not Channel.IMPORTED]),
                tier=Tier.BACKBONE
                if n < BACKBONE
                else Tier.RESERVE
                if n >= VOLUNTEERS - 15
                else Tier.VOLUNTEER,
            )
            id_number = f"310116{1950 + rng.randrange(50)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}{rng.randrange(1000):03d}X"
            person.id_number_sealed = cipher.seal(id_number, str(tenant_id))
            person.id_number_hint = id_number[-4:]
            people.append(person)
        session.add_all(people)
        session.flush()

        roles: list[VolunteerRole] = []

        def role(person: Volunteer, kind: RoleKind, scope: Area | None = None, note: str = "") -> None:
            roles.append(
                VolunteerRole(
                    tenant_id=tenant_id,
                    id=uuid.uuid4(),
                    tenant_path=tenant_path,
                    volunteer_id=person.id,
                    role=kind,
                    area_id=scope.id if scope else None,
                    scope_note=note,
                    starts_on=date(2024, 1, 1),
                )
            )

        # backbone volunteers carry the stacked roles (多重身份叠加): one person may hold several
        for n, micro in enumerate(micro_grids):
            role(people[n], RoleKind.MICRO_GRID_LEADER, micro)
            micro.responsible_volunteer_id = people[n].id
        for n, building in enumerate(buildings[:20]):
            role(people[n + 5], RoleKind.BUILDING_GROUP_LEADER, building)
            building.responsible_volunteer_id = people[n + 5].id
        for n, grid in enumerate(grids):
            grid.responsible_volunteer_id = people[n].id
        for n in range(6):
            role(people[n * 3], RoleKind.PARTY_GROUP_LEADER, note=f"第{n + 1}党小组")
        for n in range(9):
            role(people[n + 12], RoleKind.DELIBERATION_MEMBER, note="西门议事小组")
        for n in range(5):
            role(people[n + 20], RoleKind.MEDIATOR, note="老娘舅调解工作室")
        session.add_all(roles)
        session.flush()
        _announce(session, [*grids, *micro_grids, *buildings], people, roles)
        return VOLUNTEERS


def _announce(
    session: Session, areas: list[Area], people: list[Volunteer], roles: list[VolunteerRole]
) -> None:
    """The events the API would have published, so other services (scheduling plans shifts for these
    volunteers in these places) learn the demo roster the way they learn any roster."""
    for area in areas:
        messaging.publish(
            session,
            events.AREA_CHANGED,
            area_event(area),
            subject=area.id,
            tenant_id=area.tenant_id,
            tenant_path=area.tenant_path,
        )
    for person in people:
        messaging.publish(
            session,
            events.VOLUNTEER_REGISTERED,
            volunteer_snapshot(person),
            subject=person.id,
            tenant_id=person.tenant_id,
            tenant_path=person.tenant_path,
        )
    for held in roles:
        messaging.publish(
            session,
            events.VOLUNTEER_ROLE_ASSIGNED,
            role_event(held),
            subject=held.volunteer_id,
            tenant_id=held.tenant_id,
            tenant_path=held.tenant_path,
        )


def seed_programmes(database: Database, tenant_id: uuid.UUID, tenant_path: str) -> None:
    """Training, mentor pairs (以老带新), a deliberation group (议事小组) and the mediation studio (调解工作室),
    through the same use cases the API runs, so the demo data obeys every rule. Idempotent."""
    from linli_roster.deliberation.schemas import (
        DecisionCreate,
        GroupCreate,
        MeetingCreate,
        MemberAdd,
        TopicCreate,
    )
    from linli_roster.deliberation.service import DeliberationService
    from linli_roster.mediation.schemas import CaseCreate, MediatorAssign, SessionCreate
    from linli_roster.mediation.service import MediationService
    from linli_roster.mentoring.schemas import PairCreate
    from linli_roster.mentoring.service import MentorPairService
    from linli_roster.training.models import Course
    from linli_roster.training.schemas import CompletionCreate, CourseCreate
    from linli_roster.training.service import TrainingService

    context = TenantContext(
        tenant_id=tenant_id, tenant_path=tenant_path, role=Role.TENANT_ADMIN, subject="seed"
    )
    with database.transaction(context) as session:
        if session.scalar(select(func.count()).select_from(Course)):
            return
        people = session.scalars(select(Volunteer).order_by(Volunteer.joined_on, Volunteer.id)).all()
        training = TrainingService(session, context)
        first_aid = training.create_course(
            CourseCreate(
                name="应急救护",
                description="红十字会救护员培训",
                qualification="应急救护证",
                validity_months=36,
            )
        )
        sorting = training.create_course(CourseCreate(name="垃圾分类", description="分类指导员上岗培训"))
        training.create_course(CourseCreate(name="消防安全", qualification="消防安全员", validity_months=24))
        for n, person in enumerate(people[:30]):
            training.record_completion(
                first_aid.id,
                CompletionCreate(volunteer_id=person.id, completed_on=date(2024, 5, 1 + n % 20), passed=True),
            )
        for person in people[30:90]:
            training.record_completion(
                sorting.id,
                CompletionCreate(volunteer_id=person.id, completed_on=date(2025, 3, 15), passed=True),
            )

        pairs = MentorPairService(session, context)
        for senior, junior in zip(people[:8], people[-8:], strict=True):
            pairs.form(
                PairCreate(
                    mentor_id=senior.id, mentee_id=junior.id, starts_on=date(2025, 9, 1), goals="熟悉楼组工作"
                )
            )

        mediators = session.scalars(
            select(VolunteerRole.volunteer_id).where(VolunteerRole.role == RoleKind.MEDIATOR)
        ).all()
        deliberation = DeliberationService(session, context)
        group = deliberation.create_group(
            GroupCreate(name="西门议事小组", purpose="居民提出的难点堵点, 一起商量解决")
        )
        members = session.scalars(
            select(VolunteerRole.volunteer_id).where(VolunteerRole.role == RoleKind.DELIBERATION_MEMBER)
        ).all()
        for member in members:
            deliberation.add_member(group.id, MemberAdd(volunteer_id=member, joined_on=date(2024, 1, 1)))
        topic = deliberation.raise_topic(
            group.id,
            TopicCreate(
                title="非机动车乱停放",
                description="3号楼门口电瓶车堵住消防通道",
                raised_by="居民 陈先生",
                raised_on=date(2026, 10, 8),
            ),
        )
        meeting = deliberation.hold_meeting(
            group.id,
            MeetingCreate(
                held_on=date(2026, 10, 15),
                place="居委会议室",
                minutes="议定划线停车并设充电桩",
                attendee_ids=list(members),
                topic_ids=[topic.id],
            ),
        )
        deliberation.decide(
            group.id,
            topic.id,
            DecisionCreate(
                text="划定停车区, 申请安装充电桩", decided_on=date(2026, 10, 15), meeting_id=meeting.id
            ),
        )

        mediation = MediationService(session, context)
        case = mediation.open_case(
            CaseCreate(
                parties=["楼上住户", "楼下住户"],
                category="neighbour",
                summary="空调滴水引发邻里矛盾",
                received_on=date(2026, 11, 2),
            )
        )
        for mediator in mediators[:2]:  # a mentor and a newer mediator co-mediate
            mediation.assign(case.id, MediatorAssign(volunteer_id=mediator, assigned_on=date(2026, 11, 3)))
        mediation.record_session(
            case.id, SessionCreate(held_on=date(2026, 11, 5), notes="双方同意加装接水管")
        )
