"""Finding people: the candidates' board, adding a candidate, a candidate's screening and decision, and needs
with their ranking — each form checked against what the roster then holds."""

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture
def roster(services):
    return services["roster"].client


@pytest.fixture
def admin(login, committee):
    return login("tenant_admin")


def _post(roster, headers, path: str, body: dict) -> dict:
    response = roster.post(path, json=body, headers=headers)
    assert response.status_code in (200, 201), response.text
    return response.json()


def _candidates(roster, headers, **params) -> list[dict]:
    response = roster.get("/v1/recruitment/candidates", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def _need(roster, headers, title: str = "3–7号楼楼组长", headcount: int = 2) -> dict:
    return _post(roster, headers, "/v1/recruitment/needs", {"title": title, "headcount": headcount})


def _candidate(roster, headers, name: str, phone: str, need_id=None, channel="self_recommended") -> dict:
    body = {"name": name, "phone": phone, "channel": channel, "need_id": need_id}
    return _post(roster, headers, "/v1/recruitment/candidates", body)


# the board -----------------------------------------------------------------------------------------------


def test_the_board_shows_candidates_by_status_with_their_channel(browse, committee, roster, admin):
    need = _need(roster, admin)
    _candidate(roster, admin, "李建国", "13900000001", need["id"])
    reserved = _candidate(roster, admin, "赵丽", "13900000002")
    _post(
        roster,
        admin,
        f"/v1/recruitment/candidates/{reserved['id']}/decision",
        {"decision": "reserve", "reason": "明年再议"},
    )

    page = browse("staff").get(f"/t/{committee.slug}/recruitment")
    assert page.status_code == 200, page.text
    text = page.text
    assert all(word in text for word in ("候选人", "待处理", "已录用", "储备库", "未录用"))
    reserve_column = text[text.index('id="column-reserve"') : text.index('id="column-declined"')]
    assert "赵丽" in reserve_column
    assert "李建国" not in reserve_column
    pending_column = text[text.index('id="column-pending"') : text.index('id="column-accepted"')]
    assert "李建国" in pending_column
    assert "个人自荐" in pending_column
    assert "添加候选人" in text

    # filtered by the need: only its candidates
    filtered = browse("staff").get(f"/t/{committee.slug}/recruitment?need={need['id']}")
    assert filtered.status_code == 200
    assert "李建国" in filtered.text
    assert "赵丽" not in filtered.text
    unlinked = browse("staff").get(f"/t/{committee.slug}/recruitment?need=none")
    assert "赵丽" in unlinked.text
    assert "李建国" not in unlinked.text


def test_staff_add_a_candidate_recommended_by_residents_for_a_need(browse, committee, roster, admin):
    need = _need(roster, admin)
    staff = browse("staff")
    response = staff.post(
        f"/t/{committee.slug}/recruitment/candidates",
        data={
            "name": "孙秀英",
            "phone": "13912345678",
            "channel": "residents_recommended",
            "need_id": need["id"],
            "recommenders": "王阿姨，5号楼\n张师傅, 6号楼\n",
            "recommending_organisation": "left over from another channel",
            "notes": "热心，退休教师",
        },
    )
    assert response.status_code == 303, response.text
    [made] = _candidates(roster, admin)
    assert response.headers["location"] == f"/t/{committee.slug}/recruitment/candidates/{made['id']}"
    assert made["channel"] == "residents_recommended"
    assert made["need_id"] == need["id"]
    assert made["recommending_organisation"] is None
    assert made["recommenders"] == [
        {"name": "王阿姨", "building": "5号楼"},
        {"name": "张师傅", "building": "6号楼"},
    ]

    page = staff.get(response.headers["location"])
    assert page.status_code == 200
    assert "已添加候选人" in page.text
    assert "居民联荐" in page.text
    assert "王阿姨 (5号楼)" in page.text


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"name": "钱多", "phone": "12345", "channel": "self_recommended"}, 422),
        ({"name": "钱多", "phone": "13900000009", "channel": "organisation_recommended"}, 422),
        (
            {
                "name": "钱多",
                "phone": "13900000009",
                "channel": "residents_recommended",
                "recommenders": "王阿姨",
            },
            400,
        ),
    ],
)
def test_a_refused_candidate_shows_the_form_again_and_nothing_is_added(
    browse, committee, roster, admin, data, status
):
    page = browse("tenant_admin").post(f"/t/{committee.slug}/recruitment/candidates", data=data)
    assert page.status_code == status, page.text
    assert 'class="form-error"' in page.text
    assert 'value="钱多"' in page.text, "what was typed stays in the form"
    assert _candidates(roster, admin) == []


def test_an_auditor_reads_the_board_but_cannot_add(browse, committee, roster, admin):
    auditor = browse("auditor")
    page = auditor.get(f"/t/{committee.slug}/recruitment")
    assert page.status_code == 200
    assert 'action="/t/' + committee.slug + '/recruitment/candidates"' not in page.text
    refused = auditor.post(
        f"/t/{committee.slug}/recruitment/candidates",
        data={"name": "钱多", "phone": "13900000009", "channel": "self_recommended"},
    )
    assert refused.status_code == 403
    assert _candidates(roster, admin) == []


# one candidate -------------------------------------------------------------------------------------------


def test_staff_screen_a_candidate_on_the_rubric_in_force(browse, committee, roster, admin):
    candidate = _candidate(roster, admin, "周强", "13900000003")
    staff = browse("staff")
    path = f"/t/{committee.slug}/recruitment/candidates/{candidate['id']}"
    page = staff.get(path)
    assert page.status_code == 200
    assert "政治素质好" in page.text
    assert "遵纪守法" in page.text
    assert "尚未考察" in page.text

    response = staff.post(
        f"{path}/scores",
        data={
            "criterion": ["law_abiding", "resident", "health", "willing"],
            "answer": ["yes", "yes", "no", "yes"],
            "item": ["political", "coordination", "mass_base", "mass_work"],
            "score": ["20", "18", "22", "15"],
            "notes": "面谈",
        },
    )
    assert response.status_code == 303, response.text
    [screening] = roster.get(f"/v1/recruitment/candidates/{candidate['id']}/scores", headers=admin).json()
    assert screening["total"] == 75
    assert screening["eligible"] is False
    assert screening["eligibility"]["health"] is False

    page = staff.get(path)
    assert "考察评分已记录" in page.text
    assert "协调能力好: 18 / 25" in page.text
    assert "不符合条件" in page.text


@pytest.mark.parametrize(
    ("score", "status"),
    [(["20", "18", "22", "26"], 422), (["20", "18", "22", "很好"], 400)],
)
def test_a_score_out_of_range_is_refused_and_nothing_is_recorded(
    browse, committee, roster, admin, score, status
):
    candidate = _candidate(roster, admin, "周强", "13900000003")
    path = f"/t/{committee.slug}/recruitment/candidates/{candidate['id']}"
    page = browse("staff").post(
        f"{path}/scores",
        data={
            "criterion": ["law_abiding", "resident", "health", "willing"],
            "answer": ["yes", "yes", "yes", "yes"],
            "item": ["political", "coordination", "mass_base", "mass_work"],
            "score": score,
        },
    )
    assert page.status_code == status, page.text
    assert 'class="form-error"' in page.text
    assert roster.get(f"/v1/recruitment/candidates/{candidate['id']}/scores", headers=admin).json() == []


def test_accepting_a_candidate_registers_the_volunteer(browse, committee, roster, admin):
    candidate = _candidate(roster, admin, "吴敏", "13900000004", channel="two_way_selection")
    path = f"/t/{committee.slug}/recruitment/candidates/{candidate['id']}"
    response = browse("tenant_admin").post(
        f"{path}/decision", data={"decision": "accepted", "reason": "考察合格"}
    )
    assert response.status_code == 303, response.text
    decided = roster.get(f"/v1/recruitment/candidates/{candidate['id']}", headers=admin).json()
    assert decided["status"] == "accepted"
    volunteer = roster.get(f"/v1/volunteers/{decided['volunteer_id']}", headers=admin).json()
    assert volunteer["name"] == "吴敏"
    assert volunteer["channel"] == "two_way_selection"

    page = browse("tenant_admin").get(path)
    assert "考察合格" in page.text
    assert f"/t/{committee.slug}/volunteers/{decided['volunteer_id']}" in page.text
    assert "记录决定" not in page.text, "an accepted candidate is decided"


def test_a_decision_without_a_reason_is_refused_and_nothing_changes(browse, committee, roster, admin):
    candidate = _candidate(roster, admin, "吴敏", "13900000004")
    path = f"/t/{committee.slug}/recruitment/candidates/{candidate['id']}"
    page = browse("tenant_admin").post(f"{path}/decision", data={"decision": "declined", "reason": " "})
    assert page.status_code == 422, page.text
    assert 'class="form-error"' in page.text
    after = roster.get(f"/v1/recruitment/candidates/{candidate['id']}", headers=admin).json()
    assert after["status"] == "pending"
    assert after["decisions"] == []


# needs ---------------------------------------------------------------------------------------------------


def test_staff_record_a_need_and_see_its_candidates_ranked(browse, committee, roster, admin):
    staff = browse("staff")
    response = staff.post(
        f"/t/{committee.slug}/recruitment/needs",
        data={"title": "5名急救志愿者", "headcount": "5", "required_skill": "急救", "required_role": ""},
    )
    assert response.status_code == 303, response.text
    [need] = roster.get("/v1/recruitment/needs", headers=admin).json()["items"]
    assert (need["title"], need["headcount"], need["required_skill"]) == ("5名急救志愿者", 5, "急救")
    assert response.headers["location"] == f"/t/{committee.slug}/recruitment/needs/{need['id']}"

    low = _candidate(roster, admin, "低分", "13900000005", need["id"])
    high = _candidate(roster, admin, "高分", "13900000006", need["id"])
    _candidate(roster, admin, "孙新人", "13900000007", need["id"])
    for candidate, mark in ((low, 10), (high, 24)):
        _post(
            roster,
            admin,
            f"/v1/recruitment/candidates/{candidate['id']}/scores",
            {
                "eligibility": {"law_abiding": True, "resident": True, "health": True, "willing": True},
                "scores": {"political": mark, "coordination": mark, "mass_base": mark, "mass_work": mark},
            },
        )

    page = staff.get(response.headers["location"])
    assert page.status_code == 200
    assert "候选人排名" in page.text
    assert page.text.index("高分") < page.text.index("低分") < page.text.index("孙新人")
    listing = staff.get(f"/t/{committee.slug}/recruitment/needs")
    assert listing.status_code == 200
    assert "5名急救志愿者" in listing.text
    assert "需求识别" in listing.text


def test_a_need_for_nobody_is_refused_and_nothing_is_recorded(browse, committee, roster, admin):
    page = browse("staff").post(
        f"/t/{committee.slug}/recruitment/needs", data={"title": "楼组长", "headcount": "0"}
    )
    assert page.status_code == 422, page.text
    assert 'class="form-error"' in page.text
    assert 'value="楼组长"' in page.text
    assert roster.get("/v1/recruitment/needs", headers=admin).json()["items"] == []


def test_staff_edit_then_close_a_need(browse, committee, roster, admin):
    need = _need(roster, admin)
    path = f"/t/{committee.slug}/recruitment/needs/{need['id']}"
    staff = browse("staff")
    edited = staff.post(
        path,
        data={"title": "3–8号楼楼组长", "headcount": "3", "required_role": "building_group_leader"},
    )
    assert edited.status_code == 303, edited.text
    stored = roster.get(f"/v1/recruitment/needs/{need['id']}", headers=admin).json()
    assert (stored["title"], stored["headcount"], stored["required_role"]) == (
        "3–8号楼楼组长",
        3,
        "building_group_leader",
    )

    refused = staff.post(f"{path}/close", data={"reason": ""})
    assert refused.status_code == 422
    assert roster.get(f"/v1/recruitment/needs/{need['id']}", headers=admin).json()["status"] == "open"

    closed = staff.post(f"{path}/close", data={"reason": "已从储备库补齐"})
    assert closed.status_code == 303
    stored = roster.get(f"/v1/recruitment/needs/{need['id']}", headers=admin).json()
    assert (stored["status"], stored["closed_reason"]) == ("closed", "已从储备库补齐")
    assert "已从储备库补齐" in staff.get(path).text


# another committee's ---------------------------------------------------------------------------------------


def test_another_committee_sees_none_of_it(browse, committee, world, roster, admin, login):
    need = _need(roster, admin)
    candidate = _candidate(roster, admin, "李建国", "13900000001", need["id"])
    sibling = browse("sibling_admin")
    for path in ("", "/needs", f"/needs/{need['id']}", f"/candidates/{candidate['id']}"):
        assert sibling.get(f"/t/{committee.slug}/recruitment{path}").status_code == 404, path

    # the sibling's own pages do not open this committee's ids either
    own = f"/t/{world.sibling.slug}/recruitment"
    assert sibling.get(f"{own}/candidates/{candidate['id']}").status_code == 404
    assert sibling.get(f"{own}/needs/{need['id']}").status_code == 404
    refused = sibling.post(
        f"{own}/candidates/{candidate['id']}/decision", data={"decision": "declined", "reason": "不是你的"}
    )
    assert refused.status_code == 404
    assert (
        roster.get(f"/v1/recruitment/candidates/{candidate['id']}", headers=admin).json()["status"]
        == "pending"
    )
    assert sibling.post(f"{own}/needs/{need['id']}/close", data={"reason": "x"}).status_code == 404
    assert roster.get(f"/v1/recruitment/needs/{need['id']}", headers=admin).json()["status"] == "open"
