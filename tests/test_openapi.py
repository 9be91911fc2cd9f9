"""The API described: GET /api/v1/openapi.json covers every route Flask serves, and is valid OpenAPI 3.1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import article_text
from flask import Flask
from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from web import manager_of
from web.openapi import description

DOCS = Path(__file__).resolve().parent.parent / "docs"
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}  # HEAD and OPTIONS come with them


def routes(app: Flask) -> set[tuple[str, str]]:
    """Every (path, method) Flask serves, paths written as OpenAPI writes them ({key})."""
    found = set()
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        found |= {(path, method.lower()) for method in (rule.methods or set()) & METHODS}
    return found


def described() -> set[tuple[str, str]]:
    return {
        (path, method)
        for path, item in description()["paths"].items()
        for method in item
        if method.upper() in METHODS
    }


def test_every_route_is_described(app):
    missing = routes(app) - described()
    assert not missing, f"describe these routes in web/openapi.yaml: {sorted(missing)}"


def test_every_description_is_of_a_route(app):
    stale = described() - routes(app)
    assert not stale, f"web/openapi.yaml describes routes that do not exist: {sorted(stale)}"


def test_the_description_is_valid_openapi_3_1():
    validate(description())  # raises on anything the OpenAPI 3.1 schema refuses
    assert description()["openapi"].startswith("3.1")


def test_every_operation_names_its_answers_and_errors_have_a_body():
    for path, item in description()["paths"].items():
        for method, operation in item.items():
            if method.upper() not in METHODS:
                continue
            answers = operation["responses"]
            assert any(status.startswith("2") or status.startswith("3") for status in answers), (path, method)
            for status, answer in answers.items():
                if status.startswith(("4", "5")):
                    assert "$ref" in answer or "content" in answer, (path, method, status)


def test_the_description_is_served_as_json_to_any_site(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json["openapi"] == "3.1.0"
    assert "/v1/audio/speech" in response.json["paths"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("page", ["web-player-and-api.md"])
def test_the_api_docs_link_the_description(page):
    assert "/api/v1/openapi.json" in (DOCS / page).read_text("utf-8")


def answer_schema(path: str, method: str, status: int) -> dict:
    """The JSON schema described for one answer, with the components its $refs point into."""
    spec = description()
    answer = spec["paths"][path][method]["responses"][str(status)]
    if "$ref" in answer:
        answer = spec["components"]["responses"][answer["$ref"].rsplit("/", 1)[-1]]
    schema = answer["content"]["application/json"]["schema"]
    return {**schema, "components": spec["components"]}


def assert_described(response, path: str, method: str = "get") -> None:
    OAS31Validator(answer_schema(path, method, response.status_code)).validate(response.json)


@pytest.mark.slow
def test_real_answers_match_their_descriptions(app, client):
    created = client.post("/api/v1/articles", json={"text": article_text()})
    assert_described(created, "/api/v1/articles", "post")
    manager_of(app).get(created.json["id"]).wait(60)
    assert_described(client.get(f"/api/v1/articles/{created.json['id']}"), "/api/v1/articles/{key}")
    assert_described(client.get("/api/v1/articles/" + "0" * 64), "/api/v1/articles/{key}")
    withdrawn = client.delete(f"/api/v1/articles/{created.json['id']}")
    assert_described(withdrawn, "/api/v1/articles/{key}", "delete")
    assert_described(client.get(f"/api/v1/articles/{created.json['id']}"), "/api/v1/articles/{key}")
    assert_described(client.post("/api/v1/articles", json={}), "/api/v1/articles", "post")
    assert_described(client.get("/api/v1/voices"), "/api/v1/voices")
    assert_described(client.get("/v1/models"), "/v1/models")
    assert_described(client.get("/v1/models/tts-1"), "/v1/models/{model}")
    assert_described(client.get("/v1/models/whisper-1"), "/v1/models/{model}")
    assert_described(client.post("/v1/audio/speech", json={"input": "Hi."}), "/v1/audio/speech", "post")


def test_a_described_schema_refuses_an_answer_that_breaks_it():
    with pytest.raises(ValidationError, match="required"):
        OAS31Validator(answer_schema("/v1/audio/speech", "post", 400)).validate({"error": {"message": "x"}})


def test_every_webhook_event_matches_its_description():
    from listen.publish.webhooks import event

    spec = description()
    schema = {**spec["webhooks"]["article"]["post"]["requestBody"]["content"]["application/json"]["schema"]}
    validator = OAS31Validator({**schema, "components": spec["components"]})
    ready = {"id": "a" * 64, "status": "ready", "duration_ms": 1500}
    failed = {"id": "a" * 64, "status": "failed", "error": "The engine failed."}
    for body in (
        event(ready, "http://listen.example/a.mp3"),
        event(failed, "http://listen.example/a.mp3"),
        event(ready, "http://listen.example/a.mp3", replaces="b" * 64),
        event(failed, "http://listen.example/a.mp3", replaces="b" * 64),
    ):
        validator.validate(body)
