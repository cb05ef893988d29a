"""The one place that moves a programme's committed money (R6, R23).

Callers hold the programme row's lock (`programs.repository.get_visible(for_update=True)`):
that lock serialises every change to `committed_idr`, and the CHECK constraint
`committed_idr <= budget_idr` backs the R6 invariant in the database itself."""

from app.db import utcnow
from app.programs.models import Program


def reserve(program: Program, cost_idr: int, workers: int = 1) -> None:
    """Commit money for new enrolments (pending from now on)."""
    program.committed_idr += cost_idr
    program.enrolled_workers += workers
    program.updated_at = utcnow()


def release(program: Program, cost_idr: int, workers: int = 0) -> None:
    """Give back money of months that will never be covered; `workers` that no longer count
    towards `max_workers`."""
    program.committed_idr -= cost_idr
    program.enrolled_workers -= workers
    program.updated_at = utcnow()
