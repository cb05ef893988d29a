"""Both locks: the scope, and BPJS-only actions refused to other roles (DESIGN.md §2)."""

import httpx
from fastapi import APIRouter, Security

from app.auth.dependencies import authenticate
from app.auth.scopes import BPJS_ONLY_SCOPES, Scope
from app.auth.subject import Subject
from app.main import app
from tests.conftest import assert_problem, auth

# A probe route per BPJS-only scope, so the role lock is tested apart from any domain.
probe = APIRouter(prefix="/_test/probe")


def _add_probe(scope: Scope) -> None:
    async def endpoint(
        subject: Subject = Security(authenticate, scopes=[scope.value]),
    ) -> dict[str, str]:
        return {"role": subject.role.value}

    probe.add_api_route(f"/{scope.value.replace(':', '-')}", endpoint, methods=["POST"])


for _scope in Scope:
    _add_probe(_scope)
app.include_router(probe, include_in_schema=False)


def probe_url(scope: Scope) -> str:
    return f"/_test/probe/{scope.value.replace(':', '-')}"


class TestScopeLock:
    async def test_missing_scope_is_403_with_insufficient_scope(
        self, client: httpx.AsyncClient
    ) -> None:
        headers = auth("pemda", region="3514", scopes=["programs:read"])
        response = await client.post(probe_url(Scope.programs_write), headers=headers)
        assert_problem(response, 403, "FORBIDDEN")
        challenge = response.headers["www-authenticate"]
        assert 'error="insufficient_scope"' in challenge
        assert 'scope="programs:write"' in challenge

    async def test_the_scope_present_passes(self, client: httpx.AsyncClient) -> None:
        headers = auth("pemda", region="3514", scopes=["programs:write"])
        response = await client.post(probe_url(Scope.programs_write), headers=headers)
        assert response.status_code == 200


class TestRoleLock:
    async def test_a_pemda_token_carrying_a_bpjs_only_scope_is_refused(
        self, client: httpx.AsyncClient
    ) -> None:
        for scope in BPJS_ONLY_SCOPES:
            headers = auth("pemda", region="3514", scopes=[scope.value])
            response = await client.post(probe_url(scope), headers=headers)
            assert_problem(response, 403, "FORBIDDEN")

    async def test_admin_and_service_with_bpjs_only_scopes_are_refused(
        self, client: httpx.AsyncClient
    ) -> None:
        for role in ("admin", "service"):
            headers = auth(role, scopes=[Scope.claims_pay.value])
            response = await client.post(probe_url(Scope.claims_pay), headers=headers)
            assert_problem(response, 403)

    async def test_bpjs_with_the_scope_passes(self, client: httpx.AsyncClient) -> None:
        for scope in BPJS_ONLY_SCOPES:
            headers = auth("bpjs", regions=["3514"], scopes=[scope.value])
            response = await client.post(probe_url(scope), headers=headers)
            assert response.status_code == 200, scope
