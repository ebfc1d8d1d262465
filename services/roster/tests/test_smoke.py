def test_staff_register_and_list(roster_client, login, sync_directory):
    sync_directory()
    headers = login("tenant_admin")
    created = roster_client.post(
        "/v1/volunteers",
        json={
            "name": "张阿姨",
            "phone": "13800001234",
            "joined_on": "2024-03-01",
            "channel": "self_recommended",
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    listed = roster_client.get("/v1/volunteers", headers=headers)
    assert listed.status_code == 200, listed.text
    assert [item["name"] for item in listed.json()["items"]] == ["张阿姨"]
