"""The roster's list: search, filters, paging, the Excel export, and registering a volunteer."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.integration


def register(services, login, who, name, phone, **more):
    """A volunteer registered through the roster's API, as the world user `who`."""
    body = {"name": name, "phone": phone, "joined_on": "2024-03-01", "channel": "self_recommended", **more}
    made = services["roster"].client.post("/v1/volunteers", json=body, headers=login(who))
    assert made.status_code == 201, made.text
    return made.json()


def roster_names(services, login, **params):
    found = services["roster"].client.get("/v1/volunteers", params=params, headers=login("tenant_admin"))
    return [volunteer["name"] for volunteer in found.json()["items"]]


def test_the_list_searches_by_name_or_phone_and_filters_by_tier(browse, world, services, login):
    wang = register(services, login, "tenant_admin", "王芳", "13800001234")
    register(services, login, "tenant_admin", "李强", "13900005678")
    promoted = services["roster"].client.post(
        f"/v1/volunteers/{wang['id']}/tier",
        json={"tier": "backbone", "reason": "表现突出"},
        headers=login("staff"),
    )
    assert promoted.status_code == 200, promoted.text
    admin = browse("tenant_admin")
    base = f"/t/{world.committee.slug}/volunteers"

    page = admin.get(base)
    assert page.status_code == 200, page.text
    assert "登记志愿者" in page.text
    assert "王芳" in page.text
    assert "李强" in page.text
    assert f'href="{base}/{wang["id"]}"' in page.text
    assert "志愿骨干" in page.text

    by_phone = admin.get(f"{base}?q=5678")
    assert "李强" in by_phone.text
    assert "王芳" not in by_phone.text
    by_name = admin.get(f"{base}?q=王")
    assert "王芳" in by_name.text
    assert "李强" not in by_name.text
    backbone = admin.get(f"{base}?tier=backbone")
    assert "王芳" in backbone.text
    assert "李强" not in backbone.text
    # the export link carries the same filters
    assert f"{base}/export.xlsx?tier=backbone&amp;status=active" in backbone.text


def test_the_list_pages_with_the_roster_cursor(browse, world, services, login, monkeypatch):
    from linli_portal.volunteers import router as volunteers_router

    monkeypatch.setattr(volunteers_router, "PAGE_SIZE", 2)
    for number in range(3):
        register(services, login, "tenant_admin", f"志愿者{number}", f"1370000000{number}")
    admin = browse("tenant_admin")
    base = f"/t/{world.committee.slug}/volunteers"
    first = admin.get(base)
    assert sum(f">志愿者{number}</a>" in first.text for number in range(3)) == 2
    assert "下一页" in first.text
    next_link = first.text.split('class="pager"')[1].split('href="')[-1].split('"')[0].replace("&amp;", "&")
    second = admin.get(next_link)
    assert second.status_code == 200
    assert sum(f">志愿者{number}</a>" in second.text for number in range(3)) == 1
    assert "下一页" not in second.text
    assert "第一页" in second.text


def test_a_search_the_roster_cannot_read_is_a_400_page(browse, world):
    page = browse("tenant_admin").get(f"/t/{world.committee.slug}/volunteers?q=<b>%01")
    assert page.status_code == 400
    assert "form-error" in page.text
    assert "<b>" not in page.text


def test_the_export_passes_the_roster_xlsx_through_with_the_filters(browse, world, services, login):
    register(services, login, "tenant_admin", "王芳", "13800001234")
    register(services, login, "tenant_admin", "李强", "13900005678")
    admin = browse("tenant_admin")
    sheet = admin.get(f"/t/{world.committee.slug}/volunteers/export.xlsx?q=1234")
    assert sheet.status_code == 200, sheet.text
    assert sheet.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in sheet.headers["content-disposition"]
    cells = [
        cell
        for row in load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True)
        for cell in row
    ]
    assert "王芳" in cells
    assert "李强" not in cells


def test_registering_a_volunteer(browse, world, services, login):
    admin = browse("tenant_admin")
    base = f"/t/{world.committee.slug}/volunteers"
    form = admin.get(f"{base}/new")
    assert form.status_code == 200
    assert "来源渠道" in form.text
    sent = admin.post(
        base,
        data={
            "name": "赵敏",
            "phone": "13611112222",
            "skills": "理发、 修电器",
            "availability": "周末上午",
            "party_member": "true",
            "joined_on": "2024-05-04",
            "channel": "residents_recommended",
        },
    )
    assert sent.status_code == 303, sent.text
    found = services["roster"].client.get(
        "/v1/volunteers", params={"name": "赵敏"}, headers=login("tenant_admin")
    )
    (made,) = found.json()["items"]
    assert sent.headers["location"] == f"{base}/{made['id']}"
    assert made["skills"] == ["理发", "修电器"]
    assert made["party_member"] is True
    assert made["joined_on"] == "2024-05-04"
    assert made["channel"] == "residents_recommended"
    shown = admin.get(sent.headers["location"])
    assert "志愿者已登记" in shown.text
    assert "赵敏" in shown.text


def test_a_bad_registration_shows_the_roster_messages_and_registers_nobody(browse, world, services, login):
    admin = browse("tenant_admin")
    future = date(date.today().year + 1, 1, 1).isoformat()
    sent = admin.post(
        f"/t/{world.committee.slug}/volunteers",
        data={"name": "钱多", "phone": "12345", "joined_on": future, "channel": "self_recommended"},
    )
    assert sent.status_code == 422, sent.text
    assert "phone" in sent.text
    assert 'value="钱多"' in sent.text
    assert roster_names(services, login) == []


def test_an_auditor_sees_the_list_but_cannot_register(browse, world, services, login):
    register(services, login, "tenant_admin", "王芳", "13800001234")
    auditor = browse("auditor")
    base = f"/t/{world.committee.slug}/volunteers"
    page = auditor.get(base)
    assert page.status_code == 200
    assert "王芳" in page.text
    assert "登记志愿者" not in page.text
    assert 'name="phone"' not in auditor.get(f"{base}/new").text
    sent = auditor.post(
        base,
        data={
            "name": "孙悟",
            "phone": "13611112222",
            "joined_on": "2024-05-04",
            "channel": "self_recommended",
        },
    )
    assert sent.status_code == 403
    assert roster_names(services, login) == ["王芳"]


def test_another_committees_roster_is_not_found(browse, world):
    sibling = browse("sibling_admin")
    assert sibling.get(f"/t/{world.committee.slug}/volunteers").status_code == 404
    assert sibling.get(f"/t/{world.committee.slug}/volunteers/export.xlsx").status_code == 404
    assert sibling.get(f"/t/{world.committee.slug}/volunteers/new").status_code == 404
