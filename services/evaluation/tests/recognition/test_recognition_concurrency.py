"""Real concurrency: requests (or task runs) released together by a barrier, each in its own thread and
transaction. A committee's places for a programme and period are handed out exactly; one volunteer gets
one live nomination however many staff press the button; two conferral runs confer each honour once."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from linli_evaluation.events.recognition import HONOUR_CONFERRED
from linli_evaluation.recognition.tasks import confer_due_honours


def at_once(calls):
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait(timeout=30)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def slug(response) -> str:
    return response.json()["type"].rsplit("/", 1)[-1]


def test_places_and_people_are_not_double_booked_and_honours_not_double_conferred(
    api, committee, world, login, define, volunteer, serve, today, evaluation_database, published
):
    a = world.committee
    staff = login("staff")
    programme = define(login("district_admin"), max_nominees=2, criteria={"min_verified_hours": 1})
    people = []
    for number in range(6):
        person = volunteer(a, f"志愿者{number}")
        serve(a, person, 2)
        people.append(person)

    def nominate(person: uuid.UUID):
        return lambda: api.post(
            "/v1/nominations",
            json={
                "programme_id": programme["id"],
                "period": "2026",
                "volunteer_id": str(person),
                "statement": "好",
            },
            headers=staff,
        )

    responses = at_once([nominate(person) for person in people])
    assert sorted(response.status_code for response in responses) == [201, 201, 409, 409, 409, 409]
    assert {slug(response) for response in responses if response.status_code == 409} == {
        "award-nominees-full"
    }

    other = define(login("district_admin"), name="金山好人", max_nominees=5, criteria={})
    same = [
        lambda: api.post(
            "/v1/nominations",
            json={
                "programme_id": other["id"],
                "period": "2026",
                "volunteer_id": str(people[0]),
                "statement": "好",
            },
            headers=staff,
        )
    ] * 5
    responses = at_once(same)
    assert sorted(response.status_code for response in responses) == [201, 409, 409, 409, 409]
    assert {slug(response) for response in responses if response.status_code == 409} == {"already-nominated"}
    [made] = [response.json() for response in responses if response.status_code == 201]

    api.post(f"/v1/nominations/{made['id']}/submit", headers=staff)
    decided = api.post(
        f"/v1/nominations/{made['id']}/decision", json={"approve": True}, headers=login("tenant_admin")
    )
    assert decided.status_code == 200, decided.text
    runs = at_once([lambda: confer_due_honours(evaluation_database, a.id, a.path, date(2026, 12, 8))] * 4)
    assert sorted(runs) == [0, 0, 0, 1]
    assert len(published(HONOUR_CONFERRED.type, people[0])) == 1
