"""The resident's page: no login, the signed link is the credential. One rating per record; expired, forged
and foreign links refused; spam accepted-looking and dropped; bad input shown again with nothing stored."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest

from linli_evaluation.feedback.exceptions import AlreadyRated
from linli_evaluation.feedback.links import FeedbackClaims, FeedbackSigner
from linli_evaluation.feedback.service import FeedbackService, Submission
from linli_shared.clock import SHANGHAI

NOW = datetime(2026, 11, 10, 10, 0, tzinfo=SHANGHAI)
READING = timedelta(seconds=5)


def stamp_of(page_text: str) -> str:
    return page_text.split('name="rendered" value="', 1)[1].split('"', 1)[0]


def test_the_page_shows_what_was_served_and_no_personal_data(
    committee, register, record, link, feedback_client, clock
):
    volunteer = register(committee.tenant, "欧阳娜娜")
    record_id = record(
        committee.tenant,
        volunteer,
        volunteer_name="欧阳娜娜",
        recipient="张奶奶（5号楼302）",
        activity_name="助老陪护",
    )
    clock.at = NOW
    page = feedback_client.get(f"/feedback/{link(committee.tenant, record_id)}")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    assert '<html lang="zh-CN">' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "助老陪护" in html
    assert "2026年11月7日（星期六） 09:00–11:00" in html
    assert "欧阳志愿者" in html
    assert "欧阳娜娜" not in html
    assert "张奶奶" not in html
    assert "5号楼" not in html
    for score, text in ((1, "非常不满意"), (3, "一般"), (5, "非常满意")):
        assert f'<input type="radio" id="score-{score}" name="score" value="{score}" required>' in html
        assert f'<label for="score-{score}">' in html
        assert text in html
    assert '<label class="field" for="comment">' in html
    assert 'maxlength="500"' in html
    assert 'name="website"' in html
    assert 'aria-hidden="true"' in html
    assert stamp_of(html)
    # the link is the credential: it must not leak, be cached, framed or run anything
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert "<script" not in html


def test_a_rating_is_stored_once_and_announced_without_the_comment(
    committee, register, record, link, rate, ratings, rating_events, feedback_client
):
    volunteer = register(committee.tenant, "王阿姨")
    record_id = record(committee.tenant, volunteer)
    token = link(committee.tenant, record_id)

    thanks = rate(token, 5, "  王阿姨很耐心，谢谢！\r\n下次还找她。  ")
    assert thanks.status_code == 200
    assert "感谢您的评价" in thanks.text

    [stored] = ratings(committee.tenant)
    assert (stored.record_id, stored.volunteer_id, stored.score) == (record_id, volunteer, 5)
    assert stored.comment == "王阿姨很耐心，谢谢！\n下次还找她。"
    assert stored.submitted_at == NOW + READING
    assert len(stored.client_hash) == 64
    assert "198.51.100.10" not in stored.client_hash

    [event] = rating_events(volunteer)
    assert event["type"] == "linli.evaluation.rating.received.v1"
    assert event["subject"] == str(volunteer)
    assert event["tenantid"] == str(committee.id)
    assert event["data"] == {
        "record_id": str(record_id),
        "volunteer_id": str(volunteer),
        "score": 5,
        "service_date": "2026-11-07",
    }

    # once per record: the page says so, and a second form posted anyway changes nothing
    again = feedback_client.get(f"/feedback/{token}")
    assert again.status_code == 409
    assert "这次服务已评价过" in again.text
    second = feedback_client.post(
        f"/feedback/{token}", data={"score": "1", "comment": "", "website": "", "rendered": "x.y"}
    )
    assert second.status_code == 409
    assert [row.score for row in ratings(committee.tenant)] == [5]
    assert len(rating_events(volunteer)) == 1


def test_a_second_rating_is_refused_by_the_primary_key_in_a_savepoint(
    committee, register, record, link, signer, evaluation_settings, evaluation_database, ratings
):
    """Past every earlier check (as when two forms are sent at the same instant), the primary key refuses
    the second rating; the savepoint keeps the first, and its event, in the same transaction."""
    volunteer = register(committee.tenant, "李叔")
    token = link(committee.tenant, record(committee.tenant, volunteer))
    submission = Submission(score=4, comment="", rendered_at=NOW)
    with evaluation_database.transaction() as session:
        service = FeedbackService(session, signer, evaluation_settings, NOW + READING)
        opened = service.open(token)
        service.submit(opened, submission, "192.0.2.1")
        with pytest.raises(AlreadyRated):
            service.submit(opened, Submission(score=1, comment="", rendered_at=NOW), "192.0.2.2")
    assert [row.score for row in ratings(committee.tenant)] == [4]


def test_two_forms_sent_at_once_store_one_rating(
    committee, register, record, link, ratings, rating_events, feedback_client, other_address_client, clock
):
    volunteer = register(committee.tenant, "李婶")
    token = link(committee.tenant, record(committee.tenant, volunteer))
    clock.at = NOW
    stamps = [stamp_of(feedback_client.get(f"/feedback/{token}").text) for _ in range(2)]
    clock.at = NOW + READING
    barrier = threading.Barrier(2)

    def send(client, score: str, stamp: str) -> int:
        barrier.wait()
        return client.post(f"/feedback/{token}", data={"score": score, "rendered": stamp}).status_code

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(send, (feedback_client, other_address_client), ("4", "2"), stamps))
    assert sorted(answers) == [200, 409]
    assert len(ratings(committee.tenant)) == 1
    assert len(rating_events(volunteer)) == 1


def test_an_expired_link_is_refused(committee, register, record, link, ratings, feedback_client, clock):
    volunteer = register(committee.tenant, "赵大姐")
    token = link(committee.tenant, record(committee.tenant, volunteer))
    clock.at = NOW
    stamp = stamp_of(feedback_client.get(f"/feedback/{token}").text)

    # 30 days after the 7th, through the whole day (Asia/Shanghai)
    clock.at = datetime(2026, 12, 7, 23, 59, tzinfo=SHANGHAI)
    assert feedback_client.get(f"/feedback/{token}").status_code == 200
    clock.at = datetime(2026, 12, 8, 0, 0, tzinfo=SHANGHAI)
    page = feedback_client.get(f"/feedback/{token}")
    assert page.status_code == 410
    assert "评价链接已过期" in page.text
    posted = feedback_client.post(f"/feedback/{token}", data={"score": "5", "rendered": stamp})
    assert posted.status_code == 410
    assert ratings(committee.tenant) == []


def tampered(token: str) -> list[str]:
    payload, signature = token.split(".")
    flipped = payload[:10] + ("A" if payload[10] != "A" else "B") + payload[11:]
    return [
        f"{flipped}.{signature}",
        f"{payload}.{signature[:-2]}",
        f"{payload}.",
        payload,
        "not-a-token",
        f"{payload}.{signature}.{signature}",
        "é" * 20 + "." + signature,
        "x" * 2000,
    ]


def test_forged_and_tampered_links_are_not_found(
    committee, register, record, link, ratings, feedback_client, clock
):
    volunteer = register(committee.tenant, "孙师傅")
    record_id = record(committee.tenant, volunteer)
    token = link(committee.tenant, record_id)
    clock.at = NOW
    for forged in tampered(token):
        page = feedback_client.get(f"/feedback/{forged}")
        assert page.status_code == 404, forged
        assert "评价链接无效" in page.text
        posted = feedback_client.post(f"/feedback/{forged}", data={"score": "5", "rendered": "1.x"})
        assert posted.status_code == 404
    # a link of the same shape, signed with another deployment's key
    other = FeedbackSigner(b"another-deployment-key-" + b"9" * 32)
    foreign = other.link(
        FeedbackClaims(
            tenant_id=committee.id,
            tenant_path=committee.path,
            record_id=record_id,
            expires_at=NOW + timedelta(days=1),
        )
    )
    assert feedback_client.get(f"/feedback/{foreign}").status_code == 404
    assert ratings(committee.tenant) == []


def test_a_link_binds_its_committee(
    committee, world, register, record, link, signer, ratings, feedback_client, clock
):
    """A's record named in a link for B (or B's record in a link for A) is nowhere to be found: the link
    acts as its own committee only."""
    volunteer_a = register(committee.tenant, "周阿姨")
    volunteer_b = register(world.sibling, "吴叔叔")
    record_a = record(committee.tenant, volunteer_a)
    record_b = record(world.sibling, volunteer_b)
    clock.at = NOW
    for foreign in (link(world.sibling, record_a), link(committee.tenant, record_b)):
        assert feedback_client.get(f"/feedback/{foreign}").status_code == 404
        assert (
            feedback_client.post(f"/feedback/{foreign}", data={"score": "5", "rendered": "1.x"}).status_code
            == 404
        )
    # a path that does not end at the tenant it names is not ours, signature or not
    mixed = signer.link(
        FeedbackClaims(
            tenant_id=committee.id,
            tenant_path=world.town.path,
            record_id=record_a,
            expires_at=NOW + timedelta(days=1),
        )
    )
    assert feedback_client.get(f"/feedback/{mixed}").status_code == 404
    assert ratings(committee.tenant) == []
    assert ratings(world.sibling) == []
    # the links themselves still work where they belong
    assert feedback_client.get(f"/feedback/{link(world.sibling, record_b)}").status_code == 200


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"website": "http://spam.example"}, "honeypot"),
        ({"rendered": "FILL"}, "too fast"),
        ({"rendered": ""}, "no stamp"),
        ({"rendered": "1700000000000.AAAA"}, "forged stamp"),
        ({"rendered": "OTHER"}, "another record's stamp"),
    ],
)
def test_spam_looks_accepted_and_stores_nothing(
    fields,
    why,
    committee,
    register,
    record,
    link,
    signer,
    ratings,
    rating_events,
    feedback_client,
    clock,
    caplog,
):
    volunteer = register(committee.tenant, "郑阿婆")
    token = link(committee.tenant, record(committee.tenant, volunteer))
    clock.at = NOW
    stamp = stamp_of(feedback_client.get(f"/feedback/{token}").text)
    form = {"score": "5", "comment": "好", "website": "", "rendered": stamp}
    form.update(fields)
    if form["rendered"] == "FILL":
        clock.at = NOW + timedelta(seconds=1)  # a second after the page was shown
    else:
        clock.at = NOW + READING
    if form["rendered"] == "OTHER":
        form["rendered"] = signer.stamp(uuid.uuid4(), NOW)
    with caplog.at_level("WARNING", logger="linli_evaluation.feedback.service"):
        answer = feedback_client.post(f"/feedback/{token}", data=form)
    assert answer.status_code == 200, why
    assert "感谢您的评价" in answer.text
    assert ratings(committee.tenant) == []
    assert rating_events(volunteer) == []
    assert any("spam" in message for message in caplog.messages)
    # the resident's own unhurried submission still counts afterwards
    clock.at = NOW + timedelta(seconds=30)
    assert (
        feedback_client.post(
            f"/feedback/{token}", data={**form, "website": "", "rendered": stamp}
        ).status_code
        == 200
    )
    assert [row.score for row in ratings(committee.tenant)] == [5]


@pytest.mark.parametrize(
    "fields",
    [
        {"score": "0"},
        {"score": "6"},
        {"score": "true"},
        {"score": "5.0"},
        {"score": " 5"},
        {"score": ""},
        {},
        {"score": "5", "comment": "好" * 501},
        {"score": "5", "comment": "bad\x00byte"},
        {"score": "5", "comment": "bell\x07"},
    ],
)
def test_bad_input_is_shown_again_and_nothing_is_stored(
    fields, committee, register, record, link, ratings, feedback_client, clock
):
    volunteer = register(committee.tenant, "冯大爷")
    token = link(committee.tenant, record(committee.tenant, volunteer))
    clock.at = NOW
    stamp = stamp_of(feedback_client.get(f"/feedback/{token}").text)
    clock.at = NOW + READING
    answer = feedback_client.post(f"/feedback/{token}", data={**fields, "rendered": stamp})
    assert answer.status_code == 422
    assert 'role="alert"' in answer.text
    assert 'name="score"' in answer.text  # the form again, to correct
    assert ratings(committee.tenant) == []


def test_a_comment_of_500_characters_with_line_breaks_fits(committee, register, record, link, rate, ratings):
    volunteer = register(committee.tenant, "陈老师")
    token = link(committee.tenant, record(committee.tenant, volunteer))
    comment = ("好" * 49 + "\r\n") * 10  # 500 characters as typed, 510 as a browser sends them
    assert rate(token, 4, comment).status_code == 200
    [stored] = ratings(committee.tenant)
    assert len(stored.comment) == 499  # the last line break trimmed


def test_a_body_that_is_not_our_form_is_refused(
    committee, register, record, link, ratings, feedback_client, clock
):
    volunteer = register(committee.tenant, "褚阿姨")
    token = link(committee.tenant, record(committee.tenant, volunteer))
    clock.at = NOW
    stamp = stamp_of(feedback_client.get(f"/feedback/{token}").text)
    clock.at = NOW + READING
    for answer in (
        feedback_client.post(f"/feedback/{token}", json={"score": 5, "rendered": stamp}),
        feedback_client.post(
            f"/feedback/{token}",
            content=f"score=5&score=1&rendered={stamp}",
            headers={"content-type": "application/x-www-form-urlencoded"},
        ),
        feedback_client.post(
            f"/feedback/{token}",
            content=b"score=5&comment=%ff%fe",
            headers={"content-type": "application/x-www-form-urlencoded"},
        ),
    ):
        assert answer.status_code == 400
        assert "无法读取提交内容" in answer.text
    assert ratings(committee.tenant) == []


def test_a_voided_record_cannot_be_rated(
    committee, register, record, link, void, ratings, feedback_client, clock
):
    volunteer = register(committee.tenant, "卫师傅")
    record_id = record(committee.tenant, volunteer)
    token = link(committee.tenant, record_id)
    clock.at = NOW
    stamp = stamp_of(feedback_client.get(f"/feedback/{token}").text)
    void(committee.tenant, record_id, volunteer)
    clock.at = NOW + READING
    page = feedback_client.get(f"/feedback/{token}")
    assert page.status_code == 409
    assert "已撤销" in page.text
    assert (
        feedback_client.post(f"/feedback/{token}", data={"score": "5", "rendered": stamp}).status_code == 409
    )
    assert ratings(committee.tenant) == []


def test_a_deactivated_committee_takes_no_more_ratings(
    committee, register, record, link, deliver, ratings, feedback_client, clock
):
    volunteer = register(committee.tenant, "蒋阿姨")
    token = link(committee.tenant, record(committee.tenant, volunteer))
    clock.at = NOW
    stamp = stamp_of(feedback_client.get(f"/feedback/{token}").text)
    deliver(
        "linli.identity.tenant.deactivated.v1",
        "identity.tenants",
        committee.tenant,
        committee.id,
        {"tenant_id": str(committee.id)},
        source="/linli/identity",
    )
    clock.at = NOW + READING
    answer = feedback_client.post(f"/feedback/{token}", data={"score": "5", "rendered": stamp})
    assert answer.status_code == 409
    assert "暂时无法评价" in answer.text
    assert feedback_client.get(f"/feedback/{token}").status_code == 409
    assert ratings(committee.tenant) == []
