"""Service projects (项目孵化) through the portal over the real scheduling service: started, edited with the
version last read, given a team, established; refused input shown again; another committee's projects absent."""

import re

import pytest

pytestmark = pytest.mark.integration


def ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


def project_of(services, login, project_id: str) -> dict:
    return ok(services["scheduling"].client.get(f"/v1/projects/{project_id}", headers=login("staff")))


def project_count(services, login) -> int:
    return len(ok(services["scheduling"].client.get("/v1/projects", headers=login("staff")))["items"])


def test_a_project_is_started_edited_staffed_and_established(browse, world, services, login, settle, enrol):
    owner = enrol("李老师")
    member = enrol("张阿姨")
    settle()
    admin = browse("tenant_admin")
    base = f"/t/{world.committee.slug}/projects"

    form = admin.get(f"{base}/new")
    assert form.status_code == 200
    assert "新建项目" in form.text
    assert "李老师" in form.text
    made = admin.post(
        base,
        {
            "name": "关爱银发，乐龄生活",
            "description": "为独居老人提供陪伴",
            "owner_volunteer_id": owner,
            "goals": "每周探访独居老人\n\n建立结对档案",
        },
    )
    assert made.status_code == 303, made.text
    project_id = made.headers["location"].rsplit("/", 1)[1]
    held = project_of(services, login, project_id)
    assert held["goals"] == ["每周探访独居老人", "建立结对档案"]
    assert held["owner_volunteer_id"] == owner
    assert held["status"] == "incubating"

    page = admin.get(made.headers["location"])
    assert page.status_code == 200
    assert "关爱银发，乐龄生活" in page.text
    assert "孵化中" in page.text
    assert "每周探访独居老人" in page.text
    assert "李老师" in page.text

    joined = admin.post(f"{base}/{project_id}/members", {"volunteer_id": member, "duty": "联络员"})
    assert joined.status_code == 303
    assert [m["name"] for m in project_of(services, login, project_id)["team"]] == ["张阿姨"]

    edit = admin.get(f"{base}/{project_id}/edit")
    version = re.search(r'name="version" value="(\d+)"', edit.text).group(1)
    saved = admin.post(
        f"{base}/{project_id}/edit",
        {
            "version": version,
            "name": "关爱银发",
            "description": "",
            "owner_volunteer_id": owner,
            "goals": "每周探访",
        },
    )
    assert saved.status_code == 303, saved.text
    held = project_of(services, login, project_id)
    assert held["name"] == "关爱银发"
    assert held["goals"] == ["每周探访"]

    # an edit made from a page read before that change is refused, not lost over the newer one
    stale = admin.post(
        f"{base}/{project_id}/edit",
        {"version": version, "name": "旧名字", "description": "", "owner_volunteer_id": "", "goals": ""},
    )
    assert stale.status_code == 409
    assert "旧名字" in stale.text
    assert project_of(services, login, project_id)["name"] == "关爱银发"

    established = admin.post(f"{base}/{project_id}/status", {"status": "established", "note": "试运行良好"})
    assert established.status_code == 303
    left = admin.post(f"{base}/{project_id}/members/{member}/leave")
    assert left.status_code == 303
    held = project_of(services, login, project_id)
    assert held["status"] == "established"
    assert held["team"] == []
    assert [m["name"] for m in held["former_members"]] == ["张阿姨"]

    listed = admin.get(f"{base}?status=established")
    assert listed.status_code == 200
    assert "服务项目" in listed.text
    assert "关爱银发" in listed.text
    assert "关爱银发" not in admin.get(f"{base}?status=closed").text


def test_refused_input_is_shown_again_and_nothing_is_written(browse, world, services, login, settle):
    admin = browse("tenant_admin")
    base = f"/t/{world.committee.slug}/projects"
    before = project_count(services, login)

    nameless = admin.post(base, {"name": "  ", "goals": "一个目标"})
    assert nameless.status_code == 422
    assert "一个目标" in nameless.text  # the form comes back as it was typed
    unknown_owner = admin.post(base, {"name": "邻里守望", "owner_volunteer_id": "not-a-volunteer"})
    assert unknown_owner.status_code == 422
    assert project_count(services, login) == before

    made = admin.post(base, {"name": "智慧社区，邻里守望"})
    project_id = made.headers["location"].rsplit("/", 1)[1]
    nobody = admin.post(f"{base}/{project_id}/members", {"volunteer_id": ""})
    assert nobody.status_code == 422
    backwards = admin.post(f"{base}/{project_id}/status", {"status": "incubating"})
    assert backwards.status_code == 409
    held = project_of(services, login, project_id)
    assert held["team"] == []
    assert held["status"] == "incubating"


def test_another_committees_projects_do_not_exist_here(browse, world, services, login, settle):
    theirs = ok(
        services["scheduling"].client.post(
            "/v1/projects", json={"name": "乙居民区的项目"}, headers=login("sibling_admin")
        ),
        201,
    )
    assert browse("sibling_admin").get(f"/t/{world.committee.slug}/projects").status_code == 404

    admin = browse("tenant_admin")
    base = f"/t/{world.committee.slug}/projects"
    assert admin.get(f"{base}/{theirs['id']}").status_code == 404
    assert admin.get(f"{base}/{theirs['id']}/edit").status_code == 404
    assert admin.post(f"{base}/{theirs['id']}/status", {"status": "closed"}).status_code == 404
    renamed = admin.post(f"{base}/{theirs['id']}/edit", {"version": "1", "name": "改名"})
    assert renamed.status_code == 404
    held = ok(
        services["scheduling"].client.get(f"/v1/projects/{theirs['id']}", headers=login("sibling_admin"))
    )
    assert held["name"] == "乙居民区的项目"
    assert held["status"] == "incubating"
    assert "乙居民区的项目" not in admin.get(base).text
