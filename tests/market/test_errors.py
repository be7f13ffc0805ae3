"""Every error is problem+json: unknown paths, wrong methods, unmigrated databases."""

from tests.factories import bearer, make_user


def test_unknown_path_is_a_404_problem(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 404 and response.json["title"]


def test_wrong_method_is_a_405_problem(client, session):
    headers = bearer(make_user(session, "admin")[1])
    response = client.delete("/api/v1/markets", headers=headers)
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"


def test_every_response_carries_a_request_id(client):
    response = client.get("/api/v1/markets", headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"
    assert response.json["request_id"] == "abc-123"
    odd = client.get("/api/v1/markets", headers={"X-Request-ID": "<script>"})
    assert odd.headers["X-Request-ID"] != "<script>"


def test_an_unexpected_error_is_a_generic_500_without_internals(make_app, database_url):
    app = make_app(DATABASE_URL=database_url)

    @app.get("/api/v1/_boom_for_test")
    def _boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/api/v1/_boom_for_test")
    assert response.status_code == 500
    assert "secret" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_an_unmigrated_database_says_what_to_run(make_app, tmp_path):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'empty.db'}")
    response = app.test_client().get("/api/v1/markets")
    assert response.status_code == 503
    assert "db upgrade" in response.json["detail"]


def test_the_openapi_document_and_docs_are_served(client):
    spec = client.get("/api/v1/openapi.json").json
    assert "/api/v1/markets/{code}/vendors/import" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and b"swagger" in docs.data.lower()
    asset = client.get("/api/docs/static/swagger-ui-bundle.js")
    asset.close()
    assert asset.status_code == 200
