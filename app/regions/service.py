"""Regions: reading and registering kabupaten/kota."""

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.audit.service import record
from app.auth.subject import Subject
from app.errors import DomainError, NotFound, violation_means
from app.i18n import msg
from app.pagination import PageParams, keyset, page_of
from app.regions.models import Region
from app.regions.schemas import RegionCreate


class RegionExists(DomainError):
    status, code, title = 409, "REGION_EXISTS", "A region with this code exists"


class RegionNotFound(NotFound):
    code, title = "REGION_NOT_FOUND", "No such region"


async def list_regions(
    session: AsyncSession, params: PageParams, province: str | None = None
) -> tuple[list[Region], str | None]:
    stmt = select(Region)
    if province:
        stmt = stmt.where(Region.province == province)
    rows = list((await session.exec(keyset(stmt, Region.code, params))).all())
    return page_of(rows, params, lambda r: r.code)


async def get_region(session: AsyncSession, code: str) -> Region:
    region = await session.get(Region, code)
    if region is None:
        raise RegionNotFound.by_id(code)
    return region


async def create_region(session: AsyncSession, subject: Subject, data: RegionCreate) -> Region:
    if await session.get(Region, data.code) is not None:
        raise RegionExists(msg("region.exists", code=data.code))
    region = Region(**data.model_dump(mode="json"))
    session.add(region)
    # Nothing locks a code not yet taken: the same code created twice at once meets here.
    with violation_means("pk_regions", RegionExists(msg("region.exists", code=data.code))):
        await session.flush()
    record(session, subject, "region.create", "region", region.code, region_code=region.code)
    return region


async def upsert_regions(session: AsyncSession, rows: list[RegionCreate]) -> tuple[int, int]:
    """Operator import: add new codes, refresh names of known ones. Returns (added, updated)."""
    added = updated = 0
    for data in rows:
        region = await session.get(Region, data.code)
        if region is None:
            session.add(Region(**data.model_dump(mode="json")))
            added += 1
        elif (region.name, region.kind, region.province) != (
            data.name,
            data.kind.value,
            data.province,
        ):
            region.name, region.kind, region.province = data.name, data.kind.value, data.province
            updated += 1
    await session.flush()
    return added, updated
