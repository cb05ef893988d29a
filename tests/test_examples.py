"""Examples everywhere (issue 10): every request body and every JSON success response of the
OpenAPI document has an example, each example is valid against its schema, and the examples
tell one consistent story (valid NIKs, real regions, contributions that add up)."""

import csv
import io
import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from app.months import month_count
from app.openapi import render_openapi
from app.programs import costing
from app.programs.schemas import PROGRAM_EXAMPLE
from app.regions.importer import bundled_regions
from app.workers import nik as nik_rules

DOCUMENT: dict[str, Any] = yaml.safe_load(render_openapi())
COMPONENTS = DOCUMENT["components"]["schemas"]
OPERATIONS = [
    (f"{method.upper()} {path}", operation)
    for path, item in DOCUMENT["paths"].items()
    for method, operation in item.items()
]


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = COMPONENTS[schema["$ref"].removeprefix("#/components/schemas/")]
    return schema


def is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


def is_file(schema: dict[str, Any]) -> bool:
    """A file upload or download: bytes, nothing an example could show."""
    schema = resolve(schema)
    if schema.get("format") == "binary":
        return True
    properties = schema.get("properties", {}).values()
    return bool(properties) and all(is_file(p) for p in properties)


def examples_of(media: dict[str, Any]) -> list[Any]:
    """Examples at media-type level (`example`, `examples` by name) and at schema level."""
    found = []
    if "example" in media:
        found.append(media["example"])
    found += [e["value"] for e in media.get("examples", {}).values() if "value" in e]
    schema = resolve(media.get("schema", {}))
    if "example" in schema:
        found.append(schema["example"])
    found += schema.get("examples", [])
    return found


def page_item(schema: dict[str, Any]) -> dict[str, Any] | None:
    """The item model of a `Page[...]`: an object whose `items` is an array of a model."""
    items = resolve(schema).get("properties", {}).get("items", {}).get("items", {})
    return resolve(items) if "$ref" in items else None


def media_types() -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(where, media type, media object) for every request body with a schema and every
    2xx JSON response."""
    for name, operation in OPERATIONS:
        content = operation.get("requestBody", {}).get("content", {})
        for media_type, media in content.items():
            if "schema" in media and not is_file(media["schema"]):
                yield f"{name} request", media_type, media
        for status, response in operation["responses"].items():
            if status.startswith("2"):
                for media_type, media in response.get("content", {}).items():
                    if is_json(media_type):
                        yield f"{name} {status}", media_type, media


MEDIA = list(media_types())


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    # `#/components/...` references resolve against this root, which holds the components.
    root = {**schema, "components": DOCUMENT["components"]}
    return Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)


def every_example() -> Iterator[tuple[str, Any, dict[str, Any]]]:
    """(where, example, schema) for every example of the document: media types of requests
    and responses (errors included) and component schemas."""
    for name, operation in OPERATIONS:
        bodies = [("request", operation.get("requestBody", {}))]
        bodies += list(operation["responses"].items())
        for label, body in bodies:
            for media_type, media in body.get("content", {}).items():
                for example in examples_of(media):
                    yield f"{name} {label} {media_type}", example, media["schema"]
    for component, schema in COMPONENTS.items():
        for example in schema.get("examples", []) + (
            [schema["example"]] if "example" in schema else []
        ):
            yield f"components.{component}", example, schema


EXAMPLES = list(every_example())


@pytest.mark.parametrize(("where", "media_type", "media"), MEDIA, ids=[m[0] for m in MEDIA])
def test_every_body_and_json_success_has_an_example(
    where: str, media_type: str, media: dict[str, Any]
) -> None:
    assert examples_of(media), f"{where} {media_type}: no example"
    item = page_item(media["schema"])
    if item is not None:
        assert item.get("examples") or "example" in item, f"{where}: the page's item model"


@pytest.mark.parametrize(("where", "example", "schema"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_every_example_is_valid_against_its_schema(
    where: str, example: Any, schema: dict[str, Any]
) -> None:
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator(schema).iter_errors(example)
    ]
    assert not errors, f"{where}: {errors}"


def walk(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for member in value.values():
            yield from walk(member)
    elif isinstance(value, list):
        for member in value:
            yield from walk(member)


OBJECTS = [obj for _, example, _ in EXAMPLES for obj in walk(example)]
CSV_ROWS = [  # rows of the CSV examples (rosters, exports) that have a `nik` column
    row
    for _, example, _ in EXAMPLES
    if isinstance(example, str) and example.startswith(("nik,", "nik;"))
    for row in csv.DictReader(io.StringIO(example), delimiter=example[3])
]


def birth_date(text: str) -> date:
    return datetime.strptime(text, "%d/%m/%Y").date() if "/" in text else date.fromisoformat(text)


def test_example_niks_are_valid_and_agree_with_the_person() -> None:
    niks = [obj for obj in OBJECTS if isinstance(obj.get("nik"), str)]
    assert niks
    for person in niks:
        assert nik_rules.is_valid(person["nik"]), person["nik"]
        if "birth_date" in person and "sex" in person:
            sex = nik_rules.Sex(person["sex"])
            born = date.fromisoformat(person["birth_date"])
            assert not nik_rules.mismatches(person["nik"], born, sex), person
    for row in CSV_ROWS:
        assert nik_rules.is_valid(row["nik"]), row
        if row.get("birth_date") and row.get("sex"):
            sex = nik_rules.Sex.female if row["sex"] in ("P", "female") else nik_rules.Sex.male
            assert not nik_rules.mismatches(row["nik"], birth_date(row["birth_date"]), sex), row


def test_example_region_codes_are_real() -> None:
    known = {r.code for r in bundled_regions()}
    for obj in OBJECTS:
        for key in ("region_code", "domicile_region_code", "actor_region_code", "code"):
            value = obj.get(key)
            if key == "code" and not (isinstance(value, str) and value.isdigit()):
                continue  # a problem or reason code, not a region
            if value is not None:
                assert value in known, (key, value)


def test_masked_niks_show_only_the_last_four_digits() -> None:
    for obj in OBJECTS:
        if "nik_masked" in obj:
            assert re.fullmatch(r"\*{12}[0-9]{4}", obj["nik_masked"]), obj["nik_masked"]


def test_example_contributions_follow_the_rate_table() -> None:
    """R1/R2: a DBHCHT programme pays Rp 16,800 a worker and month; the budget figures of the
    programme example add up as the service computes them (on 1 June 2026)."""
    program, budget = PROGRAM_EXAMPLE, PROGRAM_EXAMPLE["budget"]
    source = costing.FundingSource(program["funding_source"])
    monthly = costing.monthly_contribution(
        program["coverage_start"], source, costing.Occupation.lainnya, 1_000_000
    )
    assert program["monthly_contribution_idr"] == monthly == 16_800
    assert budget["remaining_idr"] == budget["budget_idr"] - budget["committed_idr"]
    assert budget["capacity_workers"] == costing.capacity_workers(
        budget["remaining_idr"], "2026-06", program["coverage_end"], source
    )
    for obj in OBJECTS:
        if "monthly_contribution_idr" in obj and obj["monthly_contribution_idr"] is not None:
            assert obj["monthly_contribution_idr"] == monthly, obj
        if {"start_month", "end_month", "cost_idr"} <= obj.keys() and obj["cost_idr"]:
            months = month_count(obj["start_month"], obj["end_month"])
            assert obj["cost_idr"] == months * monthly, obj


def test_eligibility_example_says_where_its_programme_id_comes_from() -> None:
    """Swagger's "Try it out" sends the example as it is: its programme id exists in no
    database, and the field says where a real one comes from."""
    field = COMPONENTS["EligibilityCheckRequest"]["properties"]["program_id"]
    assert "GET /v1/programs" in field["description"]
    assert "PROGRAM_NOT_FOUND" in field["description"]
