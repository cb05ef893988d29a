"""`openapi.yaml` at the root is exactly what the app serves, and valid OpenAPI 3.1."""

from pathlib import Path

import httpx
import yaml
from openapi_spec_validator import validate

from app.openapi import render_openapi

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
