"""Importing a sheet of volunteers: the roster's dry-run preview, then every row or none."""

import io
import re

import pytest
from openpyxl import Workbook

pytestmark = pytest.mark.integration

HEADER = ["序号", "姓名", "手机号", "技能", "是否党员", "加入日期", "来源渠道"]
CARRIED = re.compile(r'name="part" value="([^"]+)"')


def workbook(*rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["甲居民区志愿者名册"])  # a title line above the header, as committees' sheets have
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(browser, slug, data, name="名册.xlsx"):
    files = {"file": (name, data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}
    return browser.post(f"/t/{slug}/volunteers/import", files=files)


def roster_names(services, login):
    found = services["roster"].client.get("/v1/volunteers", headers=login("tenant_admin"))
    return sorted(volunteer["name"] for volunteer in found.json()["items"])


def test_preview_then_import_all(browse, world, services, login):
    admin = browse("staff")
    slug = world.committee.slug
    assert "姓名" in admin.get(f"/t/{slug}/volunteers/import").text
    sheet = workbook(
        [1, "王芳", "13800001234", "理发、修电器", "是", "2023-05-01", "个人自荐"],
        [2, "李强", "13900005678", "", "否", "2024/01/15", "组织推荐"],
    )
    preview = upload(admin, slug, sheet)
    assert preview.status_code == 200, preview.text
    assert "检查导入内容" in preview.text
    assert "王芳" in preview.text
    assert "李强" in preview.text
    assert "序号" in preview.text  # the column the import does not read
    assert "导入全部 2 名志愿者" in preview.text
    assert roster_names(services, login) == []  # a preview writes nothing

    parts = CARRIED.findall(preview.text)
    done = admin.post(f"/t/{slug}/volunteers/import/confirm", data={"part": parts})
    assert done.status_code == 303, done.text
    assert done.headers["location"] == f"/t/{slug}/volunteers"
    assert roster_names(services, login) == ["李强", "王芳"]
    assert "已导入 2 名志愿者" in admin.get(done.headers["location"]).text


def test_rows_with_errors_are_shown_and_cannot_be_imported(browse, world, services, login):
    admin = browse("tenant_admin")
    slug = world.committee.slug
    sheet = workbook(
        [1, "王芳", "13800001234", "", "是", "2023-05-01", "个人自荐"],
        [2, "李强", "12345", "", "否", "2024-01-15", "组织推荐"],
    )
    preview = upload(admin, slug, sheet)
    assert preview.status_code == 200, preview.text
    assert "手机号" in preview.text
    assert "部分行有错误" in preview.text
    assert 'name="part"' not in preview.text  # no confirm form

    # sent anyway (an old tab, a crafted form): the roster refuses all of it
    import base64

    parts = [base64.urlsafe_b64encode(sheet).decode()]
    refused = admin.post(f"/t/{slug}/volunteers/import/confirm", data={"part": parts})
    assert refused.status_code == 422, refused.text
    assert "第 3 行" in refused.text or "第 4 行" in refused.text
    assert roster_names(services, login) == []


@pytest.mark.parametrize(
    "data",
    [
        "name,phone\n王芳,13800001234\n".encode(),  # a CSV, not a workbook
        workbook(["王芳", "13800001234"], header=["名字", "电话号码", "备注"]),  # no known columns
    ],
    ids=["not-xlsx", "wrong-columns"],
)
def test_a_bad_file_is_a_4xx_page_with_the_roster_message(browse, world, services, login, data):
    admin = browse("tenant_admin")
    page = upload(admin, world.committee.slug, data, name="名册.csv")
    assert 400 <= page.status_code < 500, page.text
    assert "form-error" in page.text
    assert "从 Excel 导入志愿者" in page.text
    assert roster_names(services, login) == []


def test_an_empty_or_oversized_upload_or_a_tampered_confirm_is_refused(browse, world, services, login):
    admin = browse("tenant_admin")
    slug = world.committee.slug
    assert upload(admin, slug, b"").status_code in (400, 422)
    # too big to carry back in the confirm form under the portal's request cap
    assert upload(admin, slug, b"\0" * (4 * 1024 * 1024 + 1)).status_code == 413
    tampered = admin.post(f"/t/{slug}/volunteers/import/confirm", data={"part": ["not*base64!"]})
    assert tampered.status_code == 400
    assert roster_names(services, login) == []


def test_an_auditor_cannot_import(browse, world, services, login):
    auditor = browse("auditor")
    slug = world.committee.slug
    page = auditor.get(f"/t/{slug}/volunteers/import")
    assert page.status_code == 200
    assert 'type="file"' not in page.text
    sheet = workbook([1, "王芳", "13800001234", "", "是", "2023-05-01", "个人自荐"])
    assert upload(auditor, slug, sheet).status_code == 403
    assert roster_names(services, login) == []


def test_another_committees_import_is_not_found(browse, world):
    sibling = browse("sibling_admin")
    slug = world.committee.slug
    assert sibling.get(f"/t/{slug}/volunteers/import").status_code == 404
    sheet = workbook([1, "王芳", "13800001234", "", "是", "2023-05-01", "个人自荐"])
    assert upload(sibling, slug, sheet).status_code == 404
