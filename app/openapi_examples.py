"""Examples in the OpenAPI document exactly as written, nulls included.

FastAPI encodes the document leaving out every null, and so also the nulls inside examples:
`"kpj_number": null` of a pending enrolment would vanish, and the example would no longer
match its schema (the member is required, only nullable). Pydantic also sorts the members of
an example by name. This puts every example back as it was written: the models'
`json_schema_extra` (pydantic tells which schema of the document is which model's) and the
routes' `responses` and `openapi_extra`.
"""

import inspect
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, get_args

from fastapi.routing import RouteContext
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema
from pydantic_core import to_jsonable_python
from starlette.routing import BaseRoute

from app.openapi_problems import api_routes

EXAMPLE_KEYS = ("example", "examples")


def _models(routes: Sequence[RouteContext]) -> Iterator[type[BaseModel]]:
    for route in routes:
        fields = [route.body_field, route.response_field, *route.response_fields.values()]
        for field in fields:
            annotation = getattr(getattr(field, "field_info", None), "annotation", None)
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                yield annotation


def _in(annotation: Any) -> Iterator[type[BaseModel]]:
    """The models an annotation names: `X`, `list[X]`, `X | None`, `dict[str, X]` …"""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in get_args(annotation):
        yield from _in(arg)


def _with_nested(models: Iterable[type[BaseModel]]) -> list[type[BaseModel]]:
    found: dict[type[BaseModel], None] = {}
    stack = list(models)
    while stack:
        model = stack.pop()
        if model not in found:
            found[model] = None
            stack += [m for f in model.model_fields.values() for m in _in(f.annotation)]
    return sorted(found, key=lambda m: m.__qualname__)


def _written(model: type[BaseModel]) -> dict[str, Any]:
    """The model's examples as its `json_schema_extra` gives them."""
    extra = model.model_config.get("json_schema_extra")
    written: dict[str, Any] = {}
    if isinstance(extra, dict):
        written = dict(extra)
    elif callable(extra):
        if len(inspect.signature(extra).parameters) > 1:
            extra(written, model)  # type: ignore[call-arg]
        else:
            extra(written)  # type: ignore[call-arg]
    return {k: to_jsonable_python(written[k]) for k in EXAMPLE_KEYS if k in written}


def _copy_examples(written: dict[str, Any], documented: dict[str, Any]) -> None:
    for key in EXAMPLE_KEYS:
        if key in written:
            documented[key] = written[key]


def _media_examples(written: dict[str, Any], documented: dict[str, Any]) -> None:
    """`written`, `documented`: a response or request body, with their `content`."""
    for media_type, media in written.get("content", {}).items():
        if media_type in documented.get("content", {}):
            _copy_examples(media, documented["content"][media_type])


def restore_examples(document: dict[str, Any], routes: Sequence[BaseRoute]) -> None:
    by_id = api_routes(routes)
    models = _with_nested(_models(list(by_id.values())))
    modes: tuple[JsonSchemaMode, ...] = ("validation", "serialization")
    refs, _ = models_json_schema(
        [(model, mode) for model in models for mode in modes],
        ref_template="#/components/schemas/{model}",
    )
    components = document.get("components", {}).get("schemas", {})
    for model in models:
        for mode in modes:
            name = refs[(model, mode)].get("$ref", "").rpartition("/")[2]
            if name in components:
                _copy_examples(_written(model), components[name])
    for item in document.get("paths", {}).values():
        for operation in item.values():
            route = by_id.get(operation.get("operationId", ""))
            if route is None:
                continue
            for status, response in (route.responses or {}).items():
                documented = operation["responses"].get(str(status).upper())
                if documented is not None:
                    _media_examples(response, documented)
            body = (route.openapi_extra or {}).get("requestBody")
            if body is not None and "requestBody" in operation:
                _media_examples(body, operation["requestBody"])
