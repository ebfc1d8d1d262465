"""The `make run` demo roster announces itself the way the API would: other services learn it from events."""

from collections import Counter

from sqlalchemy import select

from linli_roster.database import messaging
from linli_roster.protection import IdNumberCipher
from linli_roster.seed import seed_committee


def test_the_demo_roster_publishes_its_volunteers_areas_and_roles(roster_database, roster_settings, world):
    cipher = IdNumberCipher(roster_settings.id_number_keys)
    committee = world.committee
    size = seed_committee(roster_database, cipher, committee.id, committee.path)
    assert seed_committee(roster_database, cipher, committee.id, committee.path) == size  # idempotent

    with roster_database.transaction() as session:
        rows = session.execute(select(messaging.outbox.c.event)).scalars().all()
    published = Counter(event["type"] for event in rows if event["tenantid"] == str(committee.id))
    assert published["linli.roster.volunteer.registered.v1"] == size
    assert published["linli.roster.area.changed.v1"] == 3 + 12 + 24
    assert published["linli.roster.volunteer.role_assigned.v1"] > 0
