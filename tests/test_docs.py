"""Swagger UI and ReDoc are served by the app itself, with nothing fetched from elsewhere
(tests/test_browser.py proves it in a real browser)."""

import re

import httpx
import pytest

from app.docs import ASSETS_URL
from app.main import app

ABSOLUTE_URL = re.compile(r"(?:https?:)?//[\w.-]+", re.IGNORECASE)


@pytest.mark.parametrize("path", ["/docs", "/docs/oauth2-redirect", "/redoc"])
async def test_the_page_names_no_other_host(client: httpx.AsyncClient, path: str) -> None:
    page = await client.get(path)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert ABSOLUTE_URL.findall(page.text) == []
    assert page.headers["content-security-policy"] == "img-src 'self' data:"


@pytest.mark.parametrize(
    ("path", "kinds"),
    [
        ("/docs", {"text/css", "text/javascript", "image/png"}),
        ("/redoc", {"text/javascript", "image/png"}),
    ],
)
async def test_every_asset_the_page_loads_is_served_here(
    client: httpx.AsyncClient, path: str, kinds: set[str]
) -> None:
    page = (await client.get(path)).text
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert all(asset.startswith(f"{ASSETS_URL}/") for asset in assets), assets
    served = [await client.get(asset) for asset in assets]
    assert [response.status_code for response in served] == [200] * len(assets)
    assert {response.headers["content-type"].split(";")[0] for response in served} == kinds


def test_the_docs_pages_stay_out_of_the_schema() -> None:
    paths = app.openapi()["paths"]
    assert not [path for path in paths if path.startswith(("/docs", "/redoc"))]


async def test_swagger_ui_keeps_the_authorization_across_reloads(
    client: httpx.AsyncClient,
) -> None:
    page = (await client.get("/docs")).text
    assert '"persistAuthorization": true' in page
    assert "'/docs/oauth2-redirect'" in page
