"""Certificate pages: issuing one for the committee's recorded hours (an ID number typed in full is refused
and nothing is written), its page with the QR code and the PDF, revoking it, and the public check anyone
opens from the QR code without signing in; another committee's certificates are not there."""

from datetime import date
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.integration

FORM = {
    "id_type": "居民身份证",
    "id_number_masked": "310101********123X",
    "handler": "赵经办",
    "purpose": "升学",
}


@pytest.fixture
def wang(now, committee, enrol, serve, settle) -> str:
    """王阿姨, with 2 + 1.5 hours the committee recorded."""
    volunteer = enrol("王阿姨")
    settle()
    serve(committee, volunteer, 2.0, on=date(2026, 9, 3))
    serve(committee, volunteer, 1.5, on=date(2026, 11, 5))
    settle()
    return volunteer


def certificates(services, headers) -> list[dict]:
    response = services["evaluation"].client.get("/v1/certificates", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_issue_check_and_revoke_a_certificate(browse, anonymous, world, wang, services, login):
    slug = world.committee.slug
    staff = browse("staff")
    form = staff.get(f"/t/{slug}/certificates/new?volunteer_id={wang}")
    assert form.status_code == 200
    assert "出具证明" in form.text
    assert "王阿姨" in form.text
    assert "居民身份证" in form.text

    issued = staff.post(f"/t/{slug}/certificates", data={**FORM, "volunteer_id": wang})
    assert issued.status_code == 303, issued.text
    [certificate] = certificates(services, login("staff"))
    assert certificate["hours"] == 3.5
    assert certificate["purpose"] == "升学"
    assert issued.headers["location"] == f"/t/{slug}/certificates/{certificate['id']}"

    page = staff.get(issued.headers["location"])
    assert page.status_code == 200
    assert certificate["serial"] in page.text
    assert "志愿服务证明" in page.text
    assert "data:image/svg+xml" in page.text  # the QR code of the public check
    listed = staff.get(f"/t/{slug}/certificates")
    assert certificate["serial"] in listed.text
    assert "有效" in listed.text

    pdf = staff.get(f"/t/{slug}/certificates/{certificate['id']}.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    check = urlsplit(certificate["check_url"])
    public = anonymous.get(f"{check.path}?{check.query}")
    assert public.status_code == 200, public.text
    assert "此证明真实有效" in public.text
    assert "王*" in public.text
    assert "甲居民区" in public.text
    assert "王阿姨" not in public.text
    assert anonymous.get(f"{check.path}?code=WRONG").status_code == 404
    assert anonymous.get("/certificates/check/ZYFW-NOPE-2026-000001").status_code == 404

    blank = staff.post(f"/t/{slug}/certificates/{certificate['id']}/revoke", data={"reason": " "})
    assert blank.status_code == 422
    assert certificates(services, login("staff"))[0]["status"] == "valid"

    revoked = staff.post(
        f"/t/{slug}/certificates/{certificate['id']}/revoke", data={"reason": "时长登记有误"}
    )
    assert revoked.status_code == 303
    assert certificates(services, login("staff"))[0]["status"] == "revoked"
    public = anonymous.get(f"{check.path}?{check.query}")
    assert public.status_code == 200
    assert "已被撤销" in public.text


def test_a_full_id_number_is_refused_and_nothing_is_issued(browse, world, wang, services, login):
    slug = world.committee.slug
    staff = browse("staff")

    refused = staff.post(
        f"/t/{slug}/certificates",
        data={**FORM, "volunteer_id": wang, "id_number_masked": "310101199001011234"},
    )

    assert refused.status_code == 422
    assert "请输入脱敏后的证件号码" in refused.text
    assert "give the number masked" in refused.text
    assert 'value="310101199001011234"' in refused.text  # the form comes back as it was typed
    not_a_volunteer = staff.post(f"/t/{slug}/certificates", data={**FORM, "volunteer_id": "nobody"})
    assert not_a_volunteer.status_code == 400
    bad_date = staff.post(
        f"/t/{slug}/certificates", data={**FORM, "volunteer_id": wang, "served_from": "yesterday"}
    )
    assert bad_date.status_code == 400
    assert certificates(services, login("staff")) == []


def test_another_committees_certificates_are_not_there(
    browse, world, now, committee, enrol, serve, settle, services, login
):
    slug = world.committee.slug
    assert browse("sibling_admin").get(f"/t/{slug}/certificates").status_code == 404

    theirs = enrol("赵大姐", as_user="sibling_admin")
    settle()
    serve(world.sibling, theirs, 2.0)
    settle()
    sibling = login("sibling_admin")
    made = services["evaluation"].client.post(
        "/v1/certificates", json={**FORM, "volunteer_id": theirs}, headers=sibling
    )
    assert made.status_code == 201, made.text
    certificate_id = made.json()["id"]

    admin = browse("tenant_admin")
    assert admin.get(f"/t/{slug}/certificates/{certificate_id}").status_code == 404
    assert admin.get(f"/t/{slug}/certificates/{certificate_id}.pdf").status_code == 404
    revoke = admin.post(f"/t/{slug}/certificates/{certificate_id}/revoke", data={"reason": "不是我们的"})
    assert revoke.status_code == 404
    assert certificates(services, sibling)[0]["status"] == "valid"
