"""Operator CLI: `python -m app <command>`."""

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from app.auth import service as auth_service
from app.auth.scopes import DEFAULT_SCOPES, Role
from app.auth.tokens import issue_token
from app.config import AppEnv, describe, get_settings
from app.db import database

ROOT = Path(__file__).resolve().parent.parent


def migrate(url: str | None = None) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["configure_logging"] = False
    if url:
        config.attributes["database_url"] = url
    command.upgrade(config, "head")


async def _create_client(args: argparse.Namespace) -> None:
    scopes = frozenset(args.scopes.split()) if args.scopes else None
    regions = args.regions.split(",") if args.regions else None
    async with database.get_sessionmaker()() as session:
        client, secret = await auth_service.create_client(
            session,
            client_id=args.id,
            name=args.name or args.id,
            role=Role(args.role),
            region=args.region,
            regions=regions,
            scopes=scopes,
        )
        await session.commit()
    await database.dispose()
    print(f"client_id:     {client.client_id}")
    print(f"client_secret: {secret}   (shown once; store it now)")
    print(f"scopes:        {client.scopes}")


def _issue(args: argparse.Namespace) -> None:
    settings = get_settings()
    if settings.app_env is AppEnv.production:
        sys.exit("tokens issue is for development and demos; use POST /v1/auth/token")
    role = Role(args.role)
    scopes = args.scopes.split() if args.scopes else sorted(DEFAULT_SCOPES[role])
    regions = args.regions.split(",") if args.regions else None
    auth_service.validate_client_shape(role, args.region, regions, frozenset(scopes))
    claims: dict[str, Any] = {"role": role.value, "scope": " ".join(scopes)}
    if args.region:
        claims["region"] = args.region
    if regions is not None:
        claims["regions"] = regions
    print(issue_token(settings, args.sub or f"cli-{role.value}", claims, args.ttl))


async def _import_regions(text: str) -> None:
    from app.regions.importer import parse_regions
    from app.regions.service import upsert_regions

    rows = parse_regions(text)
    async with database.get_sessionmaker()() as session:
        added, updated = await upsert_regions(session, rows)
        await session.commit()
    await database.dispose()
    print(f"{len(rows)} regions read: {added} added, {updated} updated")


def _write_openapi(path: str) -> None:
    from app.openapi import render_openapi

    Path(path).write_text(render_openapi(), encoding="utf-8")
    print(f"wrote {path}")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("migrate", help="apply migrations to DATABASE_URL")
    demo = sub.add_parser("demo", help="migrate, load demo data, print tokens and serve")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--no-serve", action="store_true", help="prepare and print only")
    serve = sub.add_parser("serve", help="serve the API (no migration)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers",
        type=_positive,
        help="worker processes (default: the WEB_CONCURRENCY setting)",
    )

    clients = sub.add_parser("clients", help="API clients").add_subparsers(
        dest="action", required=True
    )
    create = clients.add_parser("create", help="register a client and print its secret once")
    create.add_argument("--id", required=True)
    create.add_argument("--name")
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--region", help="pemda: 4-digit region code")
    create.add_argument("--regions", help="bpjs branch: comma-separated region codes")
    create.add_argument("--scopes", help="space-separated; default: the role's usual scopes")

    tokens = sub.add_parser("tokens", help="tokens for development").add_subparsers(
        dest="action", required=True
    )
    issue = tokens.add_parser("issue", help="print a signed token (refused in production)")
    issue.add_argument("--role", required=True, choices=[r.value for r in Role])
    issue.add_argument("--region")
    issue.add_argument("--regions")
    issue.add_argument("--scopes")
    issue.add_argument("--sub")
    issue.add_argument("--ttl", type=int, default=8 * 3600)

    regions = sub.add_parser("regions", help="regions").add_subparsers(dest="action", required=True)
    imp = regions.add_parser("import", help="import an official region list (CSV)")
    imp.add_argument("file")

    openapi = sub.add_parser("openapi", help="write the OpenAPI document as YAML")
    openapi.add_argument("--output", default=str(ROOT / "openapi.yaml"))
    return parser


def _serve(host: str, port: int, workers: int | None = None) -> None:
    import uvicorn

    uvicorn.run(
        "app.main:app",
        host=host,
        port=port,
        proxy_headers=True,
        workers=workers or get_settings().web_concurrency,
    )


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    try:
        get_settings()
    except ValidationError as exc:
        sys.exit(f"error: {describe(exc)}")
    try:
        if args.command == "migrate":
            migrate()
        elif args.command == "demo":
            from app.demo import prepare_demo

            migrate()
            asyncio.run(prepare_demo(f"http://{args.host}:{args.port}"))
            if not args.no_serve:
                _serve(args.host, args.port)
        elif args.command == "serve":
            _serve(args.host, args.port, args.workers)
        elif args.command == "clients":
            asyncio.run(_create_client(args))
        elif args.command == "tokens":
            _issue(args)
        elif args.command == "regions":
            asyncio.run(_import_regions(Path(args.file).read_text(encoding="utf-8-sig")))
        elif args.command == "openapi":
            _write_openapi(args.output)
    except (auth_service.InvalidClientDefinition, ValueError, OSError) as exc:
        sys.exit(f"error: {exc}")
