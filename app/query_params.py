"""Query parameters an operation does not declare are refused, not silently ignored: a
misspelt filter (`?stauts=active`) would otherwise answer every row as if it had matched."""

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from app.errors import DomainError
from app.i18n import msg

_DECLARED: dict[int, frozenset[str]] = {}  # by route: the names its dependants read


class UnknownQueryParameter(DomainError):
    status, code, title = 422, "UNKNOWN_QUERY_PARAMETER", "Unknown query parameter"


def _query_names(dependant: Dependant) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def _declared(route: APIRoute) -> frozenset[str]:
    names = _DECLARED.get(id(route))
    if names is None:
        names = _DECLARED[id(route)] = frozenset(_query_names(route.dependant))
    return names


async def reject_unknown_query(request: Request) -> None:
    """An app-wide dependency: 422 naming the unknown parameters and the accepted ones."""
    if not request.scope.get("query_string"):
        return
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    declared = _declared(route)
    unknown = sorted(set(request.query_params) - declared)
    if unknown:
        accepted = ", ".join(sorted(declared)) or msg("query.none")
        raise UnknownQueryParameter(
            msg("query.unknown", unknown=", ".join(unknown), accepted=accepted),
            extra={
                "errors": [
                    {"loc": ["query", name], "msg": "Unknown query parameter", "type": "unknown"}
                    for name in unknown
                ]
            },
        )
