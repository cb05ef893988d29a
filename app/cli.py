"""Operator CLI: `python -m app <command>`."""

import argparse
import asyncio
import secrets
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
PURGE_BATCH = 10_000


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


async def _list_clients() -> None:
    async with database.get_sessionmaker()() as session:
        clients = await auth_service.list_clients(session)
    await database.dispose()
    if not clients:
        print("no clients (python -m app clients create …)")
        return
    header = ("client_id", "name", "role", "territory", "status", "created (UTC)", "scopes")
    rows = [header] + [
        (
            c.client_id,
            c.name,
            c.role,
            c.region_code or ",".join(c.regions or []) or "national",
            "active" if c.active else "disabled",
            f"{c.created_at:%Y-%m-%d %H:%M}",
            c.scopes,
        )
        for c in clients
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    for row in rows:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=False)), row[-1])


async def _change_client(args: argparse.Namespace) -> None:
    bound = get_settings().client_status_ttl_seconds
    async with database.get_sessionmaker()() as session:
        if args.action == "rotate-secret":
            client, secret = await auth_service.rotate_secret(session, args.id)
        else:
            active = args.action == "enable"
            client = await auth_service.set_active(session, args.id, active=active)
        await session.commit()
    await database.dispose()
    if args.action == "rotate-secret":
        print(f"client_id:     {client.client_id}")
        print(f"client_secret: {secret}   (shown once; store it now)")
        print(f"The old secret is refused from now on, the tokens it got within {bound} s.")
    elif args.action == "disable":
        print(
            f"{client.client_id} disabled: no new tokens; its tokens are refused within {bound} s."
        )
    else:
        print(f"{client.client_id} enabled: it asks for new tokens (its old ones stay refused).")


async def _purge() -> None:
    from app.idempotency import delete_expired, retention_cutoff

    settings = get_settings()
    cutoff = retention_cutoff(settings)
    deleted = 0
    # A transaction per batch: short locks, and a purge interrupted keeps what it did.
    while True:
        async with database.get_sessionmaker()() as session:
            batch = await delete_expired(session, cutoff, PURGE_BATCH)
            await session.commit()
        deleted += batch
        if batch < PURGE_BATCH:
            break
    await database.dispose()
    print(
        f"{deleted} idempotency records older than {settings.idempotency_retention_hours} h deleted"
    )


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
    # A subject of its own unless asked: two tokens issued here never share idempotency keys.
    sub = args.sub or f"cli-{role.value}-{secrets.token_hex(4)}"
    print(issue_token(settings, sub, claims, args.ttl))


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
    serve = sub.add_parser("serve", help="serve the API (migrating first only with --migrate)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--migrate",
        action="store_true",
        help="apply migrations first (the container's default; replicas take turns)",
    )
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
    clients.add_parser("list", help="every client: territory, scopes, status (never a secret)")
    for action, text in (
        ("rotate-secret", "print a new secret once; the old one and its tokens stop working"),
        ("disable", "no new tokens; its tokens are refused (within CLIENT_STATUS_TTL_SECONDS)"),
        ("enable", "let a disabled client ask for tokens again"),
    ):
        clients.add_parser(action, help=text).add_argument("--id", required=True)

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
    sub.add_parser(
        "purge", help="delete idempotency records past IDEMPOTENCY_RETENTION_HOURS (cron-safe)"
    )
    return parser


def _serve(host: str, port: int, workers: int | None = None) -> None:
    import uvicorn

    from app.logs import uvicorn_logging
    from app.metrics import multiprocess_directory

    settings = get_settings()
    workers = workers or settings.web_concurrency
    with multiprocess_directory(settings, workers):
        uvicorn.run(
            "app.main:app",
            host=host,
            port=port,
            proxy_headers=True,
            forwarded_allow_ips=settings.forwarded_allow_ips,
            workers=workers,
            **uvicorn_logging(settings),
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
            if args.migrate:
                migrate()
            _serve(args.host, args.port, args.workers)
        elif args.command == "clients" and args.action == "create":
            asyncio.run(_create_client(args))
        elif args.command == "clients" and args.action == "list":
            asyncio.run(_list_clients())
        elif args.command == "clients":
            asyncio.run(_change_client(args))
        elif args.command == "purge":
            asyncio.run(_purge())
        elif args.command == "tokens":
            _issue(args)
        elif args.command == "regions":
            asyncio.run(_import_regions(Path(args.file).read_text(encoding="utf-8-sig")))
        elif args.command == "openapi":
            _write_openapi(args.output)
    except (auth_service.InvalidClientDefinition, ValueError, OSError) as exc:
        sys.exit(f"error: {exc}")
