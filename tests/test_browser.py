"""Swagger UI and ReDoc work offline, proven in a real browser: Debian's Chromium, driven by
Playwright, against `python -m app serve` in its own process. Every request to another
origin is refused and recorded, and fails the test.

These run in the SQLite pass of tests/run.sh only: they test the docs pages, not the
database, and the service under test has its own SQLite file in either pass.
"""

import os
import re
import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import pytest
from playwright.async_api import Page, Route, async_playwright, expect

from tests.conftest import IS_POSTGRES
from tests.demo_service import DemoService, demo_service

pytestmark = pytest.mark.skipif(
    IS_POSTGRES, reason="browser tests run in the SQLite pass: they test the docs, not the DB"
)

WAIT_MS = 30_000  # two shared cores load a 1.5 MB Swagger UI bundle


@pytest.fixture(scope="module")
def chromium() -> str:
    """Debian's Chromium (never `playwright install`): a skip without it, a failure in CI."""
    for name in ("chromium", "chromium-browser"):
        if path := shutil.which(name):
            return path
    message = "the browser tests need Chromium: apt-get install -y chromium"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoService]:
    with demo_service(tmp_path_factory.mktemp("browser") / "demo.db") as running:
        yield running


@dataclass
class OfflinePage:
    page: Page
    left_the_machine: list[str] = field(default_factory=list)


@pytest.fixture
async def offline(chromium: str, service: DemoService) -> AsyncIterator[OfflinePage]:
    """A page that may reach the service and nothing else."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium)
        context = await browser.new_context(base_url=service.url)
        context.set_default_timeout(WAIT_MS)
        page = OfflinePage(await context.new_page())

        async def only_the_service(route: Route) -> None:
            if route.request.url.startswith(f"{service.url}/"):
                await route.continue_()
            else:
                page.left_the_machine.append(route.request.url)
                await route.abort("internetdisconnected")

        await context.route("**/*", only_the_service)
        try:
            yield page
        finally:
            await browser.close()


async def test_swagger_ui_authorizes_and_runs_a_request_offline(
    offline: OfflinePage, service: DemoService
) -> None:
    page = offline.page
    await page.goto("/docs", wait_until="networkidle")
    assert offline.left_the_machine == []
    await expect(page.locator(".info .title")).to_contain_text("Jamsos Rentan", timeout=WAIT_MS)

    await page.locator(".auth-wrapper .authorize").click()
    oauth = page.locator(".auth-container").filter(has_text="OAuth2ClientCredentials")
    await oauth.get_by_label("client_id:").fill(service.client_id)
    await oauth.get_by_label("client_secret:").fill(service.client_secret)
    await oauth.get_by_role("button", name="Apply given OAuth2 credentials").click()
    authorized = oauth.get_by_role("button", name="Remove authorization")
    await expect(authorized).to_be_visible(timeout=WAIT_MS)
    await oauth.get_by_role("button", name="Close").click()

    operation = page.locator("#operations-programs-programs-list-programs")
    await operation.locator(".opblock-summary-control").click()
    await operation.get_by_role("button", name="Try it out").click()
    await operation.get_by_role("button", name="Execute").click()
    response = operation.locator(".live-responses-table .response").first
    await expect(response.locator(".response-col_status")).to_have_text(
        re.compile(r"^\s*2\d\d"), timeout=WAIT_MS
    )
    await expect(response).to_contain_text("DBHCHT")
    assert offline.left_the_machine == []


async def test_redoc_renders_the_api_offline(offline: OfflinePage) -> None:
    page = offline.page
    await page.goto("/redoc", wait_until="networkidle")
    await expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Jamsos Rentan", timeout=WAIT_MS
    )
    assert offline.left_the_machine == []
