def test_login_and_me(client, world, login):
    headers = login("tenant_admin")
    response = client.get("/v1/me", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["role"] == "tenant_admin"
