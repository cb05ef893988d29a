"""Swagger UI and ReDoc served by the app itself: government networks are often offline.

FastAPI's own pages load their JavaScript, CSS, favicon and ReDoc's Google fonts from CDNs;
these load the copies bundled by `fastapi-offline` from `ASSETS_URL` instead.
"""

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_URL = "/docs"
REDOC_URL = "/redoc"
ASSETS_URL = "/docs/assets"
# ReDoc's sidebar credit always loads its logo from cdn.redoc.ly, and a description may embed
# an image from anywhere: the browser is told to take images from this app only.
IMAGES_FROM_HERE = "img-src 'self' data:"


def _images_from_here(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = IMAGES_FROM_HERE
    return page


def install_docs(app: FastAPI) -> None:
    """Add /docs, its OAuth2 redirect page, /redoc and their assets, all out of the schema.
    The app must be built with `docs_url=None, redoc_url=None`."""
    assert app.openapi_url and app.swagger_ui_oauth2_redirect_url
    openapi_url, redirect_url = app.openapi_url, app.swagger_ui_oauth2_redirect_url
    app.mount(ASSETS_URL, StaticFiles(packages=[("fastapi_offline", "static")]), name="docs-assets")

    def root(request: Request) -> str:
        return str(request.scope.get("root_path", "")).rstrip("/")

    async def swagger_ui(request: Request) -> HTMLResponse:
        base = root(request)
        page = get_swagger_ui_html(
            openapi_url=base + openapi_url,
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{base}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{base}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{base}{ASSETS_URL}/favicon.png",
            oauth2_redirect_url=base + redirect_url,
            init_oauth=app.swagger_ui_init_oauth,
            swagger_ui_parameters=app.swagger_ui_parameters,
        )
        return _images_from_here(page)

    async def swagger_ui_oauth2_redirect(_request: Request) -> HTMLResponse:
        return _images_from_here(get_swagger_ui_oauth2_redirect_html())

    async def redoc(request: Request) -> HTMLResponse:
        base = root(request)
        page = get_redoc_html(
            openapi_url=base + openapi_url,
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{base}{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{base}{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        )
        return _images_from_here(page)

    # Plain routes, as FastAPI's own docs are: outside the schema and untouched by the
    # app-wide dependencies of API operations.
    app.add_route(DOCS_URL, swagger_ui, include_in_schema=False)
    app.add_route(redirect_url, swagger_ui_oauth2_redirect, include_in_schema=False)
    app.add_route(REDOC_URL, redoc, include_in_schema=False)
