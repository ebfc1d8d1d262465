"""Screening: 任职条件 and the "三好一会" rubric, edited in versions; scores remember their version; ranking."""

THREE_AND_ONE = {"political": 20, "coordination": 15, "mass_base": 25, "mass_work": 10}
ALL_YES = {"law_abiding": True, "resident": True, "health": True, "willing": True}


def score(recruit, headers, candidate_id, eligibility=None, scores=None, **extra):
    return recruit.client.post(
        f"/v1/recruitment/candidates/{candidate_id}/scores",
        json={"eligibility": eligibility or ALL_YES, "scores": scores or THREE_AND_ONE, **extra},
        headers=headers,
    )


def test_defaults_until_the_committee_edits(recruit):
    auditor = recruit.login("auditor")
    current = recruit.client.get("/v1/recruitment/screening", headers=auditor).json()
    assert [item["label"] for item in current["rubric"]["items"]] == [
        "政治素质好",
        "协调能力好",
        "群众基础好",
        "会做群众工作",
    ]
    assert (current["rubric"]["version"], current["rubric"]["id"], current["rubric"]["max_total"]) == (
        1,
        None,
        100,
    )
    assert current["criteria"]["version"] == 1
    assert len(current["criteria"]["items"]) == 4
    assert recruit.client.get("/v1/recruitment/criteria", headers=auditor).json() == []
    assert recruit.client.get("/v1/recruitment/rubrics", headers=auditor).json() == []


def test_edits_are_versions_and_scores_remember_theirs(recruit):
    staff, admin = recruit.login("staff"), recruit.login("tenant_admin")
    client = recruit.client
    need = recruit.need(staff)
    early = recruit.candidate(staff, name="早", need_id=need["id"])
    first = score(recruit, staff, early["id"], notes="入户了解")
    assert first.status_code == 201, first.text
    assert (first.json()["total"], first.json()["eligible"]) == (70, True)
    assert (first.json()["criteria_version"], first.json()["rubric_version"]) == (1, 1)
    stored = client.get("/v1/recruitment/rubrics", headers=staff).json()
    assert [(version["version"], version["created_by"]) for version in stored] == [(1, "default")]

    rubric = client.post(
        "/v1/recruitment/rubrics",
        json={
            "items": [
                {"key": "political", "label": "政治素质好", "max_score": 40},
                {"key": "mass_work", "label": "会做群众工作", "max_score": 60},
            ]
        },
        headers=admin,
    )
    assert rubric.status_code == 201, rubric.text
    assert (rubric.json()["version"], rubric.json()["max_total"]) == (2, 100)
    criteria = client.post(
        "/v1/recruitment/criteria",
        json={
            "items": [{"key": "resident", "text": "本居民区常住居民"}, {"key": "age", "text": "年满18周岁"}]
        },
        headers=staff,
    )
    assert criteria.status_code == 201
    assert criteria.json()["version"] == 2
    again = client.post(
        "/v1/recruitment/criteria", json={"items": [{"key": "age", "text": "年满18周岁"}]}, headers=staff
    )
    assert again.json()["version"] == 3
    assert [item["version"] for item in client.get("/v1/recruitment/criteria", headers=staff).json()] == [
        3,
        2,
        1,
    ]
    current = client.get("/v1/recruitment/screening", headers=staff).json()
    assert (current["criteria"]["version"], current["rubric"]["version"]) == (3, 2)

    late = recruit.candidate(staff, name="晚", need_id=need["id"])
    stale = score(recruit, staff, late["id"])
    assert stale.status_code == 422
    assert stale.json()["type"].endswith("/score-mismatch")
    assert stale.json()["rubric_version"] == 2
    too_high = score(recruit, staff, late["id"], {"age": True}, {"political": 41, "mass_work": 60})
    assert too_high.status_code == 422
    assert "political is at most 40" in too_high.json()["detail"]
    missing = score(recruit, staff, late["id"], {"age": True}, {"political": 40})
    assert missing.status_code == 422
    ok = score(recruit, staff, late["id"], {"age": False}, {"political": 40, "mass_work": 55})
    assert ok.status_code == 201, ok.text
    assert (
        ok.json()["total"],
        ok.json()["eligible"],
        ok.json()["criteria_version"],
        ok.json()["rubric_version"],
    ) == (
        95,
        False,
        3,
        2,
    )

    history = client.get(f"/v1/recruitment/candidates/{early['id']}/scores", headers=staff).json()
    assert [(item["rubric_version"], item["scores"]) for item in history] == [(1, THREE_AND_ONE)]
    assert client.get(f"/v1/recruitment/candidates/{late['id']}/scores", headers=staff).json()[0][
        "eligibility"
    ] == {"age": False}
    for body in (
        {"items": []},
        {"items": [{"key": "a", "label": "甲", "max_score": 0}]},
        {"items": [{"key": "a", "label": "甲", "max_score": 101}]},
        {"items": [{"key": "a", "label": "甲", "max_score": 5}, {"key": "a", "label": "乙", "max_score": 5}]},
        {"items": [{"key": "Bad Key", "label": "甲", "max_score": 5}]},
        {"items": [{"key": "a", "label": "x" * 51, "max_score": 5}]},
    ):
        assert client.post("/v1/recruitment/rubrics", json=body, headers=staff).status_code == 422, body
    assert [item["version"] for item in client.get("/v1/recruitment/rubrics", headers=staff).json()] == [2, 1]
    valid = {"items": [{"key": "a", "label": "甲", "max_score": 5}]}
    assert (
        client.post("/v1/recruitment/rubrics", json=valid, headers=recruit.login("auditor")).status_code
        == 403
    )
    assert (
        client.post(
            "/v1/recruitment/criteria",
            json={"items": [{"key": "a", "text": "甲"}]},
            headers=recruit.login("auditor"),
        ).status_code
        == 403
    )


def test_ranking_by_total(recruit):
    staff, auditor = recruit.login("staff"), recruit.login("auditor")
    need = recruit.need(staff, headcount=3)
    names = {}
    for name in ("甲", "乙", "丙", "丁", "戊"):
        names[name] = recruit.candidate(staff, name=name, need_id=need["id"])["id"]
    score(
        recruit,
        staff,
        names["甲"],
        scores={"political": 10, "coordination": 10, "mass_base": 10, "mass_work": 10},
    )
    score(
        recruit,
        staff,
        names["乙"],
        scores={"political": 25, "coordination": 25, "mass_base": 25, "mass_work": 20},
    )
    score(
        recruit,
        staff,
        names["丙"],
        scores={"political": 25, "coordination": 25, "mass_base": 25, "mass_work": 25},
        eligibility={**ALL_YES, "health": False},
    )
    score(
        recruit,
        staff,
        names["丁"],
        scores={"political": 5, "coordination": 5, "mass_base": 5, "mass_work": 5},
    )
    # a re-screening replaces the earlier one in the ranking
    score(
        recruit,
        staff,
        names["丁"],
        scores={"political": 20, "coordination": 20, "mass_base": 20, "mass_work": 20},
    )
    ranked = recruit.client.get(f"/v1/recruitment/needs/{need['id']}/ranking", headers=auditor).json()
    assert [(row["rank"], row["candidate"]["name"]) for row in ranked] == [
        (1, "乙"),
        (2, "丁"),
        (3, "甲"),
        (4, "丙"),
        (5, "戊"),
    ]
    assert [row["candidate"]["score"]["total"] if row["candidate"]["score"] else None for row in ranked] == [
        95,
        80,
        40,
        100,
        None,
    ]
    assert recruit.decide(staff, names["乙"], "accepted", "综合最高").status_code == 200
    assert score(recruit, staff, names["乙"]).status_code == 409, "a decided candidate is no longer screened"
