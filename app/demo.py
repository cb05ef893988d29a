"""Demo data for the embedded default: regions, API clients and ready-to-use tokens."""

from dataclasses import dataclass
from datetime import date

import httpx
from sqlmodel.ext.asyncio.session import AsyncSession

from app import clock
from app.auth.models import ApiClient
from app.auth.scopes import DEFAULT_SCOPES, Role
from app.auth.secrets import generate_secret, hash_secret
from app.auth.tokens import issue_token
from app.config import Settings, get_settings
from app.db import database
from app.main import app
from app.months import month_of
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


def _demo_roster(count: int) -> bytes:
    """Eligible Kab. Pasuruan workers (NIKs built as real ones are: 351401 + DDMMYY + serial)."""
    occupations = ("petani_tembakau", "buruh_tani_tembakau", "nelayan", "pedagang", "ojek")
    lines = ["nik,full_name,birth_date,sex,domicile_region_code,occupation,village,district"]
    for i in range(1, count + 1):
        born = date(1975 + i % 25, 1 + i % 12, 1 + i % 28)
        female = i % 2 == 0
        day = born.day + (40 if female else 0)
        nik = f"351401{day:02d}{born.month:02d}{born.year % 100:02d}{i:04d}"
        lines.append(
            f"{nik},Pekerja Demo {i},{born.isoformat()},{'P' if female else 'L'},3514,"
            f"{occupations[i % len(occupations)]},Bangil,Bangil"
        )
    return ("\n".join(lines) + "\n").encode()


async def _demo_programme(settings: Settings) -> tuple[str, str] | None:
    """A Kab. Pasuruan DBHCHT programme for the business date's fiscal year with 200 members
    registered today (cover from this month: never backdated, R9), billed and paid to
    December, created through the API itself. Returns its id and months, or None when demo
    data already exists."""
    today = clock.today()
    this_month, december = month_of(today), f"{today.year}-12"

    def headers(role: Role, **claims: object) -> dict[str, str]:
        scopes = " ".join(sorted(DEFAULT_SCOPES[role]))
        token = issue_token(
            settings, f"demo-{role.value}", {"role": role.value, "scope": scopes, **claims}, 600
        )
        return {"Authorization": f"Bearer {token}"}

    pemda, bpjs = headers(Role.pemda, region="3514"), headers(Role.bpjs, regions=["3514"])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://demo") as api:
        existing = await api.get("/v1/programs", headers=pemda)
        if existing.json()["items"]:
            return None
        program = (
            await api.post(
                "/v1/programs",
                headers=pemda,
                json={
                    "name": f"Perlindungan Pekerja Rentan DBHCHT {today.year}",
                    "fiscal_year": today.year,
                    "funding_source": "DBHCHT",
                    "budget_idr": 2_800_000_000,
                    "target_workers": 28_448,
                    "coverage_start": f"{today.year}-01",
                    "coverage_end": december,
                },
            )
        ).json()
        url = f"/v1/programs/{program['id']}"
        await api.post(
            f"{url}/enrolments/import",
            content=_demo_roster(200),
            headers=pemda | {"content-type": "text/csv"},
        )
        await api.post(f"{url}/enrolments/activate", json={}, headers=bpjs)
        invoice = (
            await api.post(
                f"{url}/invoices",
                headers=bpjs,
                json={"from_month": this_month, "to_month": december},
            )
        ).json()
        payment = (
            await api.post(
                f"/v1/invoices/{invoice['id']}/payments",
                headers=pemda,
                json={
                    "amount_idr": invoice["amount_due_idr"],
                    "paid_on": today.isoformat(),
                    "reference": "DEMO-TRF-0001",
                },
            )
        ).json()
        await api.post(f"/v1/payments/{payment['id']}/confirm", headers=bpjs)
        return str(program["id"]), f"{this_month}–{december}"


async def prepare_demo(base_url: str) -> None:
    settings = get_settings()
    async with database.get_sessionmaker()() as session:
        await upsert_regions(session, bundled_regions())
        credentials = [await _ensure_client(session, demo) for demo in DEMO_CLIENTS]
        await session.commit()
    demo = await _demo_programme(settings)
    await database.dispose()

    print(f"\nJamsos Rentan demo on {settings.database_url}")
    print(f"Swagger UI: {base_url}/docs   (Authorize → client id + secret below)")
    print(f"Business date: {clock.today().isoformat()} (set APP_TODAY=YYYY-MM-DD to replay)")
    if demo:
        program_id, months = demo
        print(f"Demo programme (Kab. Pasuruan, 200 members, {months} paid): {program_id}")
    print()
    for client, secret in credentials:
        scopes = client.scopes.split()
        token = issue_token(settings, client.client_id, client.token_claims(scopes), DEMO_TOKEN_TTL)
        where = client.region_code or ",".join(client.regions or []) or "national"
        print(f"# {client.name} — role {client.role}, territory {where}")
        print(f"  client_id={client.client_id} client_secret={secret}")
        print(f"  export TOKEN_{client.client_id.upper().replace('-', '_')}={token}\n")
