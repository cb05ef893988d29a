"""Demo data for the embedded default: regions, API clients and ready-to-use tokens."""

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.models import ApiClient
from app.auth.scopes import DEFAULT_SCOPES, Role
from app.auth.secrets import generate_secret, hash_secret
from app.auth.tokens import issue_token
from app.config import get_settings
from app.db import database
from app.regions.importer import bundled_regions
from app.regions.service import upsert_regions

DEMO_TOKEN_TTL = 8 * 3600


@dataclass(frozen=True)
class DemoClient:
    client_id: str
    name: str
    role: Role
    region: str | None = None
    regions: tuple[str, ...] | None = None


DEMO_CLIENTS = (
    DemoClient("pemda-3514", "Disnaker Kabupaten Pasuruan", Role.pemda, region="3514"),
    DemoClient("pemda-3575", "Disnaker Kota Pasuruan", Role.pemda, region="3575"),
    DemoClient(
        "bpjs-pasuruan", "BPJS Ketenagakerjaan Cabang Pasuruan", Role.bpjs, regions=("3514", "3575")
    ),
    DemoClient("bpjs-national", "BPJS Ketenagakerjaan Kantor Pusat", Role.bpjs),
    DemoClient("admin", "Operator Jamsos Rentan", Role.admin),
    DemoClient("mobile-app", "Mobile app back end", Role.service),
)


async def _ensure_client(session: AsyncSession, demo: DemoClient) -> tuple[ApiClient, str]:
    """Create the client, or give it a fresh secret: secrets are stored only as hashes."""
    secret = generate_secret()
    client = await session.get(ApiClient, demo.client_id)
    if client is None:
        client = ApiClient(
            client_id=demo.client_id,
            name=demo.name,
            role=demo.role.value,
            region_code=demo.region,
            secret_hash="",
            regions=list(demo.regions) if demo.regions is not None else None,
            scopes=" ".join(sorted(DEFAULT_SCOPES[demo.role])),
        )
        session.add(client)
    client.secret_hash = hash_secret(secret)
    return client, secret


async def prepare_demo(base_url: str) -> None:
    settings = get_settings()
    async with database.get_sessionmaker()() as session:
        await upsert_regions(session, bundled_regions())
        credentials = [await _ensure_client(session, demo) for demo in DEMO_CLIENTS]
        await session.commit()
    await database.dispose()

    print(f"\nJamsos Rentan demo on {settings.database_url}")
    print(f"Swagger UI: {base_url}/docs   (Authorize → client id + secret below)\n")
    for client, secret in credentials:
        scopes = client.scopes.split()
        token = issue_token(settings, client.client_id, client.token_claims(scopes), DEMO_TOKEN_TTL)
        where = client.region_code or ",".join(client.regions or []) or "national"
        print(f"# {client.name} — role {client.role}, territory {where}")
        print(f"  client_id={client.client_id} client_secret={secret}")
        print(f"  export TOKEN_{client.client_id.upper().replace('-', '_')}={token}\n")
