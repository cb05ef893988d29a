"""`openapi.yaml` at the root is exactly what the app serves, and valid OpenAPI 3.1."""

from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from openapi_spec_validator import validate

from app.openapi import render_openapi
from tests.conftest import PEMDA_3514, assert_problem, auth

COMMITTED = Path(__file__).resolve().parent.parent / "openapi.yaml"


def test_committed_openapi_matches_the_app() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == render_openapi(), (
        "openapi.yaml drifted: run `python -m app openapi` and commit it"
    )


def test_openapi_is_valid_3_1() -> None:
    document = yaml.safe_load(render_openapi())
    assert document["openapi"].startswith("3.1")
    validate(document)


async def test_served_schema_equals_the_committed_file(client: httpx.AsyncClient) -> None:
    served = (await client.get("/openapi.json")).json()
    assert served == yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))


def test_every_operation_has_a_stable_id_and_a_summary_line() -> None:
    document = yaml.safe_load(render_openapi())
    ids = [op["operationId"] for path in document["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    for path in document["paths"].values():
        for op in path.values():
            assert op.get("description"), op["operationId"]


DOCUMENT: dict[str, Any] = yaml.safe_load(render_openapi())
OPERATIONS = [
    (method, path, operation)
    for path, item in DOCUMENT["paths"].items()
    for method, operation in item.items()
]


def problem_codes(operation: dict[str, Any], status: int) -> list[str]:
    """The `code` enum of an operation's error response: `[]` when it has none."""
    response = operation["responses"].get(str(status))
    if response is None:
        return []
    schema = response["content"]["application/problem+json"]["schema"]
    assert schema["allOf"][0] == {"$ref": "#/components/schemas/Problem"}
    codes: list[str] = schema["allOf"][1]["properties"]["code"]["enum"]
    return codes


def test_every_error_response_lists_the_problem_codes_it_answers_with() -> None:
    for method, path, operation in OPERATIONS:
        for status, response in operation["responses"].items():
            if int(status) < 400:
                continue
            codes = problem_codes(operation, int(status))
            assert codes, f"{method} {path} {status}: no problem codes"
            media = response["content"]["application/problem+json"]
            assert media["example"]["code"] in codes
            assert media["example"]["status"] == int(status)
            for code in codes:
                assert f"(`{code}`)" in response["description"]


def test_the_codes_every_operation_of_a_kind_can_answer_are_listed() -> None:
    for method, path, operation in OPERATIONS:
        where = f"{method} {path}"
        assert "UNKNOWN_QUERY_PARAMETER" in problem_codes(operation, 422), where
        if operation.get("security"):
            assert "UNAUTHENTICATED" in problem_codes(operation, 401), where
        if "requestBody" in operation:
            assert "PAYLOAD_TOO_LARGE" in problem_codes(operation, 413), where
            assert "MALFORMED_BODY" in problem_codes(operation, 400), where
        if operation.get("security"):
            assert "SERVICE_UNAVAILABLE" in problem_codes(operation, 503), where
            assert "Retry-After" in operation["responses"]["503"]["headers"], where
        if operation.get("parameters") or "requestBody" in operation:
            invalid = problem_codes(operation, 422) + problem_codes(operation, 400)
            assert {"VALIDATION_FAILED", "INVALID_REQUEST"} & set(invalid), where
        if any(p["name"] == "cursor" for p in operation.get("parameters", [])):
            assert "INVALID_CURSOR" in problem_codes(operation, 400), where


JSON = {"content-type": "application/json"}


def documented(method: str, path: str, status: int) -> list[str]:
    return problem_codes(DOCUMENT["paths"][path][method], status)


@pytest.mark.parametrize(
    ("method", "path", "url", "kwargs", "status"),
    [
        ("get", "/healthz", "/healthz?verbose=1", {}, 422),
        ("get", "/v1/programs", "/v1/programs", {}, 401),
        ("get", "/v1/programs", "/v1/programs?cursor=nonsense", {"auth": True}, 400),
        ("get", "/v1/programs", "/v1/programs?limit=0", {"auth": True}, 422),
        ("post", "/v1/programs", "/v1/programs", {"auth": True, "json": {}}, 422),
        (
            "post",
            "/v1/programs",
            "/v1/programs",
            {"auth": True, "content": b'"\xff"', "headers": JSON},
            400,
        ),
        ("post", "/v1/auth/token", "/v1/auth/token", {"data": {"grant_type": "x"}}, 400),
        ("post", "/v1/auth/token", "/v1/auth/token", {"data": {}}, 400),
    ],
)
async def test_answers_carry_a_documented_code(
    client: httpx.AsyncClient,
    method: str,
    path: str,
    url: str,
    kwargs: dict[str, Any],
    status: int,
) -> None:
    headers = auth(**PEMDA_3514) if kwargs.pop("auth", False) else {}
    headers |= kwargs.pop("headers", {})
    response = await client.request(method, url, headers=headers, **kwargs)
    body = assert_problem(response, status)
    assert body["code"] in documented(method, path, status), body
