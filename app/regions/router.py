from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, Security, status

from app.auth.dependencies import AUTH_ERRORS, AnyToken, authenticate
from app.auth.scopes import Scope
from app.auth.subject import Subject
from app.db import SessionDep as Session
from app.errors import error_responses
from app.pagination import Page, PageParams, page_params
from app.regions import service
from app.regions.schemas import RegionCreate, RegionPublic

router = APIRouter(prefix="/v1/regions", tags=["regions"])

Admin = Annotated[Subject, Security(authenticate, scopes=[Scope.admin])]
CodePath = Annotated[str, Path(pattern=r"^[0-9]{4}$", description="4-digit Kemendagri code")]


@router.get("", response_model=Page[RegionPublic], responses=error_responses(*AUTH_ERRORS))
async def list_regions(
    _subject: AnyToken,
    session: Session,
    params: Annotated[PageParams, Depends(page_params)],
    province: Annotated[str | None, Query(max_length=80)] = None,
) -> Page[RegionPublic]:
    """List regions in code order."""
    rows, cursor = await service.list_regions(session, params, province)
    return Page(
        items=[RegionPublic.model_validate(r, from_attributes=True) for r in rows],
        next_cursor=cursor,
    )


@router.get(
    "/{code}",
    response_model=RegionPublic,
    responses=error_responses(*AUTH_ERRORS, service.RegionNotFound),
)
async def get_region(code: CodePath, _subject: AnyToken, session: Session) -> RegionPublic:
    """Read one region."""
    return RegionPublic.model_validate(
        await service.get_region(session, code), from_attributes=True
    )


@router.post(
    "",
    response_model=RegionPublic,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(*AUTH_ERRORS, service.RegionExists),
)
async def create_region(
    body: RegionCreate, subject: Admin, session: Session, response: Response
) -> RegionPublic:
    """Register a kabupaten or kota (admin)."""
    region = await service.create_region(session, subject, body)
    response.headers["Location"] = f"/v1/regions/{region.code}"
    return RegionPublic.model_validate(region, from_attributes=True)
