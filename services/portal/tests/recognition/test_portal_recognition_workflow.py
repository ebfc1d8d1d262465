"""Recognition pages: a programme's candidates with their evidence, a nomination from draft through
approval (never by whoever made it), public notice with an objection, to an honour; refusals shown on the
page with nothing written; another committee's programmes and nominations are not there."""

from datetime import date

import pytest

from linli_evaluation.recognition.tasks import confer_due_honours

pytestmark = pytest.mark.integration

PROGRAMME = {
    "name": "最美志愿者",
    "description": "年度服务时长俱佳的志愿者",
    "period_kind": "year",
    "max_nominees": "3",
    "notice_days": "7",
    "min_verified_hours": "4",
}


def define(browser, slug) -> str:
    response = browser.post(f"/t/{slug}/recognition/programmes", data=PROGRAMME)
    assert response.status_code == 303, response.text
    return response.headers["location"].rsplit("/", 1)[-1]


def nominations(services, login, **params) -> list[dict]:
    response = services["evaluation"].client.get("/v1/nominations", params=params, headers=login("staff"))
    assert response.status_code == 200, response.text
    return response.json()["items"]


@pytest.fixture
def served(now, committee, enrol, serve, settle):
    """Two volunteers of the committee: 王阿姨 with 6 verified hours this year, 李叔叔 with 2."""
    wang, li = enrol("王阿姨", party_member=True), enrol("李叔叔")
    settle()
    serve(committee, wang, 4.0, on=date(2026, 10, 8))
    serve(committee, wang, 2.0, on=date(2026, 11, 5))
    serve(committee, li, 2.0, on=date(2026, 11, 6))
    settle()
    return {"wang": wang, "li": li}


def test_a_nomination_goes_from_candidate_to_honour(browse, world, served, services, login, now):
    slug = world.committee.slug
    admin, staff = browse("tenant_admin"), browse("staff")
    programme_id = define(admin, slug)

    overview = staff.get(f"/t/{slug}/recognition")
    assert overview.status_code == 200
    assert "评优项目" in overview.text
    assert "最美志愿者" in overview.text

    page = staff.get(f"/t/{slug}/recognition/programmes/{programme_id}")
    assert page.status_code == 200, page.text
    assert "符合条件的候选人" in page.text
    assert "2026" in page.text
    assert "王阿姨" in page.text
    assert "李叔叔" not in page.text

    made = staff.post(
        f"/t/{slug}/recognition/nominations",
        data={
            "programme_id": programme_id,
            "period": "2026",
            "volunteer_id": served["wang"],
            "statement": "常年坚持垃圾分类值守",
        },
    )
    assert made.status_code == 303, made.text
    nomination_page = made.headers["location"]
    nomination_id = nomination_page.rsplit("/", 1)[-1]
    draft = staff.get(nomination_page)
    assert "草稿" in draft.text
    assert "常年坚持垃圾分类值守" in draft.text
    assert "推荐时的依据" in draft.text

    assert staff.post(f"{nomination_page}/submit").status_code == 303
    approved = admin.post(f"{nomination_page}/decision", data={"approve": "true", "note": "同意"})
    assert approved.status_code == 303, approved.text
    shown = admin.get(nomination_page)
    assert "公示中" in shown.text
    [stored] = nominations(services, login)
    assert stored["status"] == "in_notice"
    assert stored["notice_ends_on"] == "2026-11-26"

    objected = staff.post(f"{nomination_page}/objections", data={"by_name": "张先生", "text": "时长有出入"})
    assert objected.status_code == 303, objected.text
    [objection] = nominations(services, login)[0]["objections"]
    assert "时长有出入" in admin.get(nomination_page).text
    dismissed = admin.post(
        f"{nomination_page}/objections/{objection['id']}/resolution",
        data={"upheld": "false", "note": "经核实时长无误"},
    )
    assert dismissed.status_code == 303, dismissed.text
    assert nominations(services, login)[0]["objections"][0]["status"] == "dismissed"

    # the notice runs out; the daily conferral makes the nomination an honour
    conferred = confer_due_honours(
        services["evaluation"].database, world.committee.id, world.committee.path, date(2026, 11, 27)
    )
    assert conferred == 1
    overview = admin.get(f"/t/{slug}/recognition")
    assert "已授予的荣誉" in overview.text
    assert "王阿姨" in overview.text
    assert nominations(services, login)[0]["id"] == nomination_id


def test_whoever_made_a_nomination_does_not_approve_it(browse, world, served, services, login):
    slug = world.committee.slug
    admin = browse("tenant_admin")
    programme_id = define(admin, slug)
    made = admin.post(
        f"/t/{slug}/recognition/nominations",
        data={
            "programme_id": programme_id,
            "period": "2026",
            "volunteer_id": served["wang"],
            "statement": "好",
        },
    )
    nomination_page = made.headers["location"]
    assert admin.post(f"{nomination_page}/submit").status_code == 303

    refused = admin.post(f"{nomination_page}/decision", data={"approve": "true"})

    assert refused.status_code == 403
    assert "不能审批自己推荐或提交的推荐" in refused.text
    assert "Whoever made or submitted a nomination does not also approve it" in refused.text
    assert "已提交" in refused.text  # the nomination's page, still awaiting someone else's decision
    assert nominations(services, login)[0]["status"] == "submitted"

    withdrawn = browse("staff").post(f"{nomination_page}/withdraw", data={"reason": "本人婉拒"})
    assert withdrawn.status_code == 303
    assert nominations(services, login)[0]["status"] == "withdrawn"


def test_refused_nominations_write_nothing(browse, world, served, services, login):
    slug = world.committee.slug
    staff = browse("staff")
    programme_id = define(browse("tenant_admin"), slug)
    base = {"programme_id": programme_id, "period": "2026", "statement": "热心服务"}

    short = staff.post(f"/t/{slug}/recognition/nominations", data={**base, "volunteer_id": served["li"]})
    assert short.status_code == 422
    assert "verified hours" in short.text
    assert "最美志愿者" in short.text
    blank = staff.post(
        f"/t/{slug}/recognition/nominations", data={**base, "volunteer_id": served["wang"], "statement": " "}
    )
    assert blank.status_code == 422
    nonsense = staff.post(f"/t/{slug}/recognition/nominations", data={**base, "volunteer_id": "nobody"})
    assert nonsense.status_code == 400
    wrong_kind = staff.get(f"/t/{slug}/recognition/programmes/{programme_id}?period=2026-Q4")
    assert wrong_kind.status_code == 422
    assert "最美志愿者" in wrong_kind.text
    assert staff.get(f"/t/{slug}/recognition/programmes/{programme_id}?period=26").status_code == 400

    assert nominations(services, login) == []


def test_another_committees_recognition_is_not_there(
    browse, world, services, login, enrol, serve, settle, now
):
    slug = world.committee.slug
    assert browse("sibling_admin").get(f"/t/{slug}/recognition").status_code == 404

    # the sibling committee's own programme and nomination
    sibling = login("sibling_admin")
    evaluation = services["evaluation"].client
    made = evaluation.post(
        "/v1/award-programmes",
        json={"name": "优秀党员", "period_kind": "year", "max_nominees": 1},
        headers=sibling,
    )
    assert made.status_code == 201, made.text
    programme_id = made.json()["id"]
    volunteer = enrol("赵大姐", as_user="sibling_admin")
    settle()
    serve(world.sibling, volunteer, 3.0)
    settle()
    nominated = evaluation.post(
        "/v1/nominations",
        json={"programme_id": programme_id, "period": "2026", "volunteer_id": volunteer, "statement": "好"},
        headers=sibling,
    )
    assert nominated.status_code == 201, nominated.text
    nomination_id = nominated.json()["id"]

    admin = browse("tenant_admin")
    assert admin.get(f"/t/{slug}/recognition/programmes/{programme_id}").status_code == 404
    assert admin.get(f"/t/{slug}/recognition/nominations/{nomination_id}").status_code == 404
    assert (
        admin.post(
            f"/t/{slug}/recognition/nominations/{nomination_id}/withdraw", data={"reason": "x"}
        ).status_code
        == 404
    )
    still = evaluation.get(f"/v1/nominations/{nomination_id}", headers=sibling).json()
    assert still["status"] == "draft"
