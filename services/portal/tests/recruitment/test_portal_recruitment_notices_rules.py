"""Public notices (公示) for promotion to backbone, and the volunteer rules (《志愿者管理办法》) with who has
acknowledged which version."""

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture
def roster(services):
    return services["roster"].client


@pytest.fixture
def admin(login, committee):
    return login("tenant_admin")


def _volunteer(roster, headers, name: str, phone: str) -> dict:
    response = roster.post(
        "/v1/volunteers",
        json={"name": name, "phone": phone, "joined_on": "2025-01-10", "channel": "self_recommended"},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


def _notices(roster, headers) -> list[dict]:
    return roster.get("/v1/recruitment/notices", headers=headers).json()["items"]


def _open_notice(roster, headers, volunteer_id: str) -> dict:
    response = roster.post(
        "/v1/recruitment/notices",
        json={"volunteer_id": volunteer_id, "statement": "拟任志愿骨干"},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


def _rules(roster, headers) -> list[dict]:
    return roster.get("/v1/rules", headers=headers).json()


# public notices ------------------------------------------------------------------------------------------


def test_staff_open_a_notice_from_the_page(browse, committee, roster, admin):
    wang = _volunteer(roster, admin, "王芳", "13800001111")
    staff = browse("staff")
    page = staff.get(f"/t/{committee.slug}/recruitment/notices?volunteer_id={wang['id']}")
    assert page.status_code == 200, page.text
    assert "推荐志愿骨干" in page.text
    assert "暂无公示" in page.text
    assert f'value="{wang["id"]}" selected' in page.text

    response = staff.post(
        f"/t/{committee.slug}/recruitment/notices",
        data={"volunteer_id": wang["id"], "statement": "王芳同志服务三年，拟任志愿骨干", "period_days": "7"},
    )
    assert response.status_code == 303, response.text
    [notice] = _notices(roster, admin)
    assert (notice["volunteer_id"], notice["period_days"], notice["status"]) == (wang["id"], 7, "open")
    assert response.headers["location"] == f"/t/{committee.slug}/recruitment/notices/{notice['id']}"
    shown = staff.get(response.headers["location"])
    assert "公示已发布" in shown.text
    assert "王芳同志服务三年" in shown.text
    assert "公示中" in shown.text


@pytest.mark.parametrize("period_days", ["0", "三十"])
def test_a_bad_notice_is_refused_and_nothing_is_opened(browse, committee, roster, admin, period_days):
    wang = _volunteer(roster, admin, "王芳", "13800001111")
    page = browse("staff").post(
        f"/t/{committee.slug}/recruitment/notices",
        data={"volunteer_id": wang["id"], "statement": "拟任", "period_days": period_days},
    )
    assert page.status_code == 422, page.text
    assert 'class="form-error"' in page.text
    assert _notices(roster, admin) == []


def test_an_objection_is_recorded_then_dismissed_by_the_admin(browse, committee, roster, admin):
    notice = _open_notice(roster, admin, _volunteer(roster, admin, "王芳", "13800001111")["id"])
    path = f"/t/{committee.slug}/recruitment/notices/{notice['id']}"
    staff = browse("staff")

    refused = staff.post(f"{path}/objections", data={"text": "", "from_whom": "5号楼居民"})
    assert refused.status_code == 422
    assert roster.get(f"/v1/recruitment/notices/{notice['id']}", headers=admin).json()["objections"] == []

    recorded = staff.post(f"{path}/objections", data={"text": "曾与邻居有纠纷", "from_whom": "5号楼居民"})
    assert recorded.status_code == 303, recorded.text
    [objection] = roster.get(f"/v1/recruitment/notices/{notice['id']}", headers=admin).json()["objections"]
    assert (objection["text"], objection["status"]) == ("曾与邻居有纠纷", "pending")
    assert "异议不成立" not in staff.get(path).text, "only the committee's admin rules"

    admin_browser = browse("tenant_admin")
    assert "异议不成立" in admin_browser.get(path).text
    ruled = admin_browser.post(
        f"{path}/objections/{objection['id']}/ruling",
        data={"status": "dismissed", "note": "经核实，纠纷已调解"},
    )
    assert ruled.status_code == 303, ruled.text
    after = roster.get(f"/v1/recruitment/notices/{notice['id']}", headers=admin).json()
    assert after["status"] == "open"
    assert (after["objections"][0]["status"], after["objections"][0]["ruling_note"]) == (
        "dismissed",
        "经核实，纠纷已调解",
    )


def test_staff_cannot_rule_and_nothing_changes(browse, committee, roster, admin):
    notice = _open_notice(roster, admin, _volunteer(roster, admin, "王芳", "13800001111")["id"])
    objection = roster.post(
        f"/v1/recruitment/notices/{notice['id']}/objections",
        json={"text": "有异议", "from_whom": "居民"},
        headers=admin,
    ).json()["objections"][0]
    path = f"/t/{committee.slug}/recruitment/notices/{notice['id']}"
    page = browse("staff").post(
        f"{path}/objections/{objection['id']}/ruling", data={"status": "upheld", "note": "成立"}
    )
    assert page.status_code == 403
    after = roster.get(f"/v1/recruitment/notices/{notice['id']}", headers=admin).json()
    assert after["status"] == "open"
    assert after["objections"][0]["status"] == "pending"


def test_staff_withdraw_a_notice(browse, committee, roster, admin):
    notice = _open_notice(roster, admin, _volunteer(roster, admin, "王芳", "13800001111")["id"])
    path = f"/t/{committee.slug}/recruitment/notices/{notice['id']}"
    staff = browse("staff")
    assert staff.post(f"{path}/withdraw", data={"reason": ""}).status_code == 422
    assert roster.get(f"/v1/recruitment/notices/{notice['id']}", headers=admin).json()["status"] == "open"

    response = staff.post(f"{path}/withdraw", data={"reason": "本人申请暂缓"})
    assert response.status_code == 303, response.text
    after = roster.get(f"/v1/recruitment/notices/{notice['id']}", headers=admin).json()
    assert (after["status"], after["outcome_reason"]) == ("withdrawn", "本人申请暂缓")
    page = staff.get(path)
    assert "已撤回" in page.text or "撤回" in page.text
    assert "撤回公示" not in page.text, "a withdrawn notice takes no more objections or withdrawals"


def test_another_committee_never_sees_a_notice(browse, committee, world, roster, admin):
    notice = _open_notice(roster, admin, _volunteer(roster, admin, "王芳", "13800001111")["id"])
    sibling = browse("sibling_admin")
    assert sibling.get(f"/t/{committee.slug}/recruitment/notices").status_code == 404
    own = f"/t/{world.sibling.slug}/recruitment/notices/{notice['id']}"
    assert sibling.get(own).status_code == 404
    assert sibling.post(f"{own}/withdraw", data={"reason": "不是你的"}).status_code == 404
    assert roster.get(f"/v1/recruitment/notices/{notice['id']}", headers=admin).json()["status"] == "open"


# the volunteer rules -------------------------------------------------------------------------------------


def test_staff_publish_rules_and_see_who_has_not_acknowledged(browse, committee, roster, admin):
    wang = _volunteer(roster, admin, "王芳", "13800001111")
    li = _volunteer(roster, admin, "李强", "13800002222")
    staff = browse("staff")
    page = staff.get(f"/t/{committee.slug}/recruitment/rules")
    assert page.status_code == 200, page.text
    assert "志愿者管理办法" in page.text
    assert "尚未发布任何版本" in page.text

    response = staff.post(
        f"/t/{committee.slug}/recruitment/rules",
        data={
            "title": "西门居民区志愿者管理办法",
            "body": "第一条 总则\n第二条 服务",
            "published_on": "2025-03-01",
        },
    )
    assert response.status_code == 303, response.text
    [document] = _rules(roster, admin)
    assert (document["version"], document["published_on"]) == (1, "2025-03-01")
    assert response.headers["location"] == f"/t/{committee.slug}/recruitment/rules/{document['id']}"

    version_page = staff.get(response.headers["location"])
    assert version_page.status_code == 200
    assert "尚未签收" in version_page.text
    assert "王芳" in version_page.text
    assert "李强" in version_page.text
    assert "<p>第二条 服务</p>" in version_page.text

    recorded = staff.post(
        f"{response.headers['location']}/acknowledgements",
        data={"volunteer_id": wang["id"], "acknowledged_on": "2025-03-02"},
    )
    assert recorded.status_code == 303, recorded.text
    status = roster.get(f"/v1/rules/{document['id']}/acknowledgements", headers=admin).json()
    assert [(p["name"], p["acknowledged_on"]) for p in status["acknowledged"]] == [("王芳", "2025-03-02")]
    assert [p["volunteer_id"] for p in status["missing"]] == [li["id"]]


@pytest.mark.parametrize(
    "data",
    [
        {"title": "管理办法", "body": "正文", "published_on": "2999-01-01"},
        {"title": "", "body": "正文", "published_on": "2025-03-01"},
    ],
)
def test_bad_rules_are_refused_and_nothing_is_published(browse, committee, roster, admin, data):
    page = browse("staff").post(f"/t/{committee.slug}/recruitment/rules", data=data)
    assert page.status_code == 422, page.text
    assert 'class="form-error"' in page.text
    assert _rules(roster, admin) == []


def test_an_auditor_reads_the_rules_but_cannot_publish(browse, committee, roster, admin):
    auditor = browse("auditor")
    page = auditor.get(f"/t/{committee.slug}/recruitment/rules")
    assert page.status_code == 200
    assert "发布新版本" not in page.text
    refused = auditor.post(
        f"/t/{committee.slug}/recruitment/rules",
        data={"title": "管理办法", "body": "正文", "published_on": "2025-03-01"},
    )
    assert refused.status_code == 403
    assert _rules(roster, admin) == []


def test_another_committee_never_sees_the_rules(browse, committee, world, roster, admin):
    document = roster.post(
        "/v1/rules", json={"title": "管理办法", "body": "正文", "published_on": "2025-03-01"}, headers=admin
    ).json()
    sibling = browse("sibling_admin")
    assert sibling.get(f"/t/{committee.slug}/recruitment/rules").status_code == 404
    assert sibling.get(f"/t/{committee.slug}/recruitment/rules/{document['id']}").status_code == 404
    assert sibling.get(f"/t/{world.sibling.slug}/recruitment/rules/{document['id']}").status_code == 404
