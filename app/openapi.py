"""The committed contract: `openapi.yaml` is rendered from the app, never written by hand."""

import yaml

from app.main import app


def render_openapi() -> str:
    return yaml.safe_dump(app.openapi(), sort_keys=False, allow_unicode=True, width=100)
