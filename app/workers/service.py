"""The workers registry: records created by enrolment, corrected by the pemda."""

from sqlmodel.ext.asyncio.session import AsyncSession

from app.audit.service import record
from app.auth.subject import Subject
from app.db import utcnow
from app.errors import DomainError
from app.i18n import msg
from app.workers import nik as nik_rules
from app.workers.models import Worker
from app.workers.nik import Sex
from app.workers.schemas import WorkerInput, WorkerPublic, WorkerSummary, WorkerUpdate


class NikMismatch(DomainError):
    status, code, title = 422, "NIK_MISMATCH", "Birth date or sex disagrees with the NIK"


def to_summary(worker: Worker) -> WorkerSummary:
    return WorkerSummary.model_validate(
        worker.model_dump() | {"nik_masked": nik_rules.mask(worker.nik)}
    )


def to_public(worker: Worker, *, deceased: bool) -> WorkerPublic:
    return WorkerPublic.model_validate(
        worker.model_dump() | {"nik_masked": nik_rules.mask(worker.nik), "deceased": deceased}
    )


def worker_values(data: WorkerInput) -> dict[str, object]:
    """Columns of a worker row from what the pemda stated (the NIK in its compact form)."""
    values = data.model_dump(mode="json", exclude={"domicile_region_code"})
    values["nik"] = nik_rules.normalise(data.nik)
    values["birth_date"] = data.birth_date
    return values


async def upsert_worker(
    session: AsyncSession, region_code: str, data: WorkerInput, existing: Worker | None
) -> Worker:
    """The roster is the latest word on a person: refresh a known worker, else add one."""
    values = worker_values(data)
    if existing is None:
        worker = Worker(region_code=region_code, **values)  # type: ignore[arg-type]
    else:
        worker = existing
        for field, value in values.items():
            setattr(worker, field, value)
        worker.updated_at = utcnow()
    session.add(worker)
    await session.flush()
    return worker


async def update_worker(
    session: AsyncSession, subject: Subject, worker: Worker, data: WorkerUpdate
) -> Worker:
    changes = data.model_dump(exclude_unset=True, mode="json")
    if "birth_date" in changes and data.birth_date is not None:
        changes["birth_date"] = data.birth_date
    birth_date = changes.get("birth_date", worker.birth_date)
    sex = Sex(changes.get("sex", worker.sex))
    wrong = nik_rules.mismatches(worker.nik, birth_date, sex)
    if wrong:
        raise NikMismatch(msg("worker.nik_mismatch", facts=wrong))
    for field, value in changes.items():
        setattr(worker, field, value)
    worker.updated_at = utcnow()
    session.add(worker)
    await session.flush()
    record(
        session,
        subject,
        "worker.correct",
        "worker",
        worker.id,
        region_code=worker.region_code,
        details={"fields": sorted(changes)},
    )
    return worker
