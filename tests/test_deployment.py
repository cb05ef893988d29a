"""The deployment files, checked without Docker (none runs where the suite runs): compose.yaml
is the production shape — PostgreSQL, a one-shot migration, two API replicas behind one
proxy port — with pinned images, healthchecks and only real settings; the Dockerfile and
.dockerignore keep the image pinned, small and free of secrets."""

import fnmatch
import ipaddress
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.config import Settings

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = {name.upper() for name in Settings.model_fields}
APP_SERVICES = ("migrate", "api")  # the services that run the Dockerfile's image
# A compose variable: ${NAME}, ${NAME:-default}, ${NAME:?message} …
VARIABLE = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?:(:?[-?])([^}]*))?\}")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return document


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = compose["services"]
    return found


def env_example() -> dict[str, str]:
    lines = (ROOT / ".env.example").read_text().splitlines()
    pairs = (line.split("=", 1) for line in lines if line and not line.startswith("#"))
    return {name: value for name, value in pairs}


def pinned(image: str) -> bool:
    """A digest, or a tag naming a patch release (postgres:17.6-bookworm, nginx:1.28.0-alpine)."""
    if "@sha256:" in image:
        return True
    _, _, tag = image.rpartition(":")
    return re.match(r"\d+\.\d+(\.\d+)?\b", tag) is not None and tag != "latest"


class TestCompose:
    def test_the_production_shape(self, services: dict[str, Any]) -> None:
        assert set(services) == {"postgres", "migrate", "api", "proxy"}
        assert services["api"]["deploy"]["replicas"] >= 2

    def test_the_app_services_run_the_dockerfiles_image(self, services: dict[str, Any]) -> None:
        for name in APP_SERVICES:
            assert services[name]["build"] == "."
        assert services["migrate"]["image"] == services["api"]["image"]

    def test_the_migration_runs_once_before_the_replicas(self, services: dict[str, Any]) -> None:
        assert services["migrate"]["command"] == ["python", "-m", "app", "migrate"]
        assert services["migrate"]["restart"] == "no"
        assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert (
            services["api"]["depends_on"]["migrate"]["condition"]
            == "service_completed_successfully"
        )

    def test_the_replicas_do_not_migrate_themselves(self, services: dict[str, Any]) -> None:
        # Without a command of its own, a replica would run the image's `serve --migrate`.
        command = services["api"]["command"]
        assert command[:4] == ["python", "-m", "app", "serve"]
        assert "migrate" not in command and "--migrate" not in command

    def test_one_port_for_the_world_the_proxys(self, services: dict[str, Any]) -> None:
        published = {name for name, service in services.items() if service.get("ports")}
        assert published == {"proxy"}
        assert services["proxy"]["ports"] == ["${JAMSOS_PORT:-8000}:8080"]
        assert services["proxy"]["depends_on"]["api"]["condition"] == "service_healthy"

    def test_images_are_pinned(self, services: dict[str, Any]) -> None:
        for name, service in services.items():
            if "build" not in service:
                assert pinned(service["image"]), f"{name}: {service['image']} is not pinned"

    def test_every_long_running_service_has_a_healthcheck(self, services: dict[str, Any]) -> None:
        for name in ("postgres", "api", "proxy"):
            assert services[name]["healthcheck"]["test"][0] == "CMD", name
        assert "/readyz" in services["api"]["healthcheck"]["test"][-1]

    def test_the_app_is_configured_by_real_settings_only(self, services: dict[str, Any]) -> None:
        for name in APP_SERVICES:
            environment = services[name]["environment"]
            assert set(environment) <= SETTINGS, set(environment) - SETTINGS
            assert environment["APP_ENV"] == "production"
            Settings(
                **{
                    key.lower(): VARIABLE.sub(lambda m: m[3] if m[2] == ":-" else "x" * 40, value)
                    for key, value in environment.items()
                }
            )

    def test_the_proxy_alone_is_trusted_for_forwarded_headers(
        self, compose: dict[str, Any], services: dict[str, Any]
    ) -> None:
        proxy = services["proxy"]["networks"]["backend"]["ipv4_address"]
        subnet = compose["networks"]["backend"]["ipam"]["config"][0]["subnet"]
        assert ipaddress.ip_address(proxy) in ipaddress.ip_network(subnet)
        for name in APP_SERVICES:
            assert services[name]["environment"]["FORWARDED_ALLOW_IPS"] == proxy

    def test_the_proxy_sends_to_the_api_port(self, services: dict[str, Any]) -> None:
        config = (ROOT / "deploy" / "nginx.conf").read_text()
        command = services["api"]["command"]
        port = command[command.index("--port") + 1]
        assert re.search(rf"^\s*server api:{port} resolve;", config, re.MULTILINE)
        assert (
            "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro"
            in (services["proxy"]["volumes"])
        )


class TestSecrets:
    def test_every_variable_compose_uses_is_documented_in_env_example(self) -> None:
        used = {m[1] for m in VARIABLE.finditer((ROOT / "compose.yaml").read_text())}
        assert used == set(env_example())

    def test_secrets_are_required_and_never_committed(self) -> None:
        text = (ROOT / "compose.yaml").read_text()
        required = {m[1] for m in VARIABLE.finditer(text) if m[2] == ":?"}
        assert required == {"POSTGRES_PASSWORD", "JWT_SECRET"}
        example = env_example()
        assert all(example[name] == "" for name in required)
        assert ".env" in (ROOT / ".gitignore").read_text().split()
        assert ".env" in (ROOT / ".dockerignore").read_text().split()


def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


def dockerignore() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def ignored(path: str) -> bool:
    """Docker's reading, near enough: patterns start at the context's root; `**/` at any depth."""
    parts = path.split("/")
    tails = ["/".join(parts[i:]) for i in range(len(parts))]
    return any(
        any(fnmatch.fnmatch(tail, pattern.removeprefix("**/")) for tail in tails)
        if pattern.startswith("**/")
        else fnmatch.fnmatch(path, pattern)
        for pattern in dockerignore()
    )


class TestDockerfile:
    def test_the_base_image_is_pinned_to_a_patch_release(self) -> None:
        base = re.search(r"^FROM (\S+)", dockerfile(), re.MULTILINE)
        assert base and re.fullmatch(
            r"python:3\.11\.\d+-slim-bookworm(@sha256:[0-9a-f]{64})?", base[1]
        )

    def test_the_command_migrates_then_serves(self) -> None:
        assert (
            'CMD ["python", "-m", "app", "serve", "--migrate", "--host", "0.0.0.0", "--port", '
            '"8000"]' in dockerfile()
        )

    def test_the_sqlite_default_lives_in_the_app_users_data_directory(self) -> None:
        text = dockerfile()
        assert "DATABASE_URL=sqlite+aiosqlite:////srv/data/jamsos_rentan.db" in text
        assert "install -d -o jamsos -g jamsos -m 0750 /srv/data" in text
        assert re.search(r"^USER 10001$", text, re.MULTILINE)

    def test_its_settings_are_real_and_trust_no_proxy_by_default(self) -> None:
        block = re.search(r"^ENV ((?:.*\\\n)*.*)$", dockerfile(), re.MULTILINE)
        assert block
        names = set(re.findall(r"([A-Z_]+)=", block[1]))
        assert names - {n for n in names if n.startswith(("PYTHON", "PIP_"))} <= SETTINGS
        assert "FORWARDED_ALLOW_IPS" not in names  # the setting's default: 127.0.0.1


class TestDockerignore:
    @pytest.mark.parametrize(
        "path",
        [
            ".git",
            ".venv",
            "app/__pycache__",
            "app/claims/service.cpython-311.pyc",
            ".mypy_cache",
            ".pytest_cache",
            ".ruff_cache",
            "jamsos_rentan.db",
            "jamsos_rentan.db-wal",
            ".benchmarks",
            ".benchmark-37357.log",
            ".env",
            "tests",
        ],
    )
    def test_keeps_out(self, path: str) -> None:
        assert ignored(path)

    def test_keeps_what_the_image_copies(self) -> None:
        sources = []
        for line in re.findall(r"^COPY (.+)$", dockerfile(), re.MULTILINE):
            sources += line.split()[:-1]
        assert sources  # pyproject.toml README.md alembic.ini migrations app
        for source in sources:
            assert not ignored(source), source
