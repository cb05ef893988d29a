"""A generated client proves the contract: openapi-python-client turns the committed
`openapi.yaml` into a package without a single warning, and that package alone — typed
models and operations, no hand-written HTTP — gets a token, creates a programme, enrols a
worker, uploads a roster and reads the enrolment back from `python -m app serve`.

This runs in the SQLite pass of tests/run.sh only: it tests the contract, not the database,
and the service under test has its own fresh SQLite file in either pass.
"""

import importlib
import io
import re
import subprocess
import sys
from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IS_POSTGRES
from tests.demo_service import DemoService, demo_service
from tests.factories import program_body, roster_rows, to_csv, worker

pytestmark = pytest.mark.skipif(
    IS_POSTGRES, reason="the generated client runs in the SQLite pass: it tests the contract"
)

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "jamsos_rentan_client"
# The generator's default hooks only run ruff over its output: formatting proves nothing.
# It knows JSON, form, multipart and octet-stream bodies only; its documented
# `content_type_overrides` tells it that the roster's text/csv and .xlsx bodies are raw bytes,
# so the contract keeps offering them to scripts (curl --data-binary) beside the form.
GENERATOR_CONFIG = """post_hooks: []
content_type_overrides:
  text/csv: application/octet-stream
  application/vnd.openxmlformats-officedocument.spreadsheetml.sheet: application/octet-stream
"""


def generate_client(document: Path, into: Path) -> subprocess.CompletedProcess[str]:
    """Generate the client package `into/PACKAGE`, failing on warnings."""
    config = into / "generator.yaml"
    config.write_text(GENERATOR_CONFIG, encoding="utf-8")
    return subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            f"--path={document}",
            f"--output-path={into / PACKAGE}",
            "--meta=none",
            f"--config={config}",
            "--fail-on-warning",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def generator_complaints(done: subprocess.CompletedProcess[str]) -> str:
    """Whatever the generator printed besides its "Generating …" line: warnings, errors."""
    printed = re.sub(r"^Generating .*$", "", done.stdout + done.stderr, flags=re.MULTILINE)
    return printed.strip()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The client generated from the committed openapi.yaml once, importable as PACKAGE."""
    into = tmp_path_factory.mktemp("generated-client")
    done = generate_client(ROOT / "openapi.yaml", into)
    complaints = generator_complaints(done)
    assert done.returncode == 0 and complaints == "", (
        f"openapi-python-client on openapi.yaml (exit {done.returncode}):\n{complaints}"
    )
    sys.path.insert(0, str(into))
    try:
        yield PACKAGE
    finally:
        sys.path.remove(str(into))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoService]:
    with demo_service(tmp_path_factory.mktemp("generated-client-service") / "demo.db") as running:
        yield running


def test_the_generated_client_enrols_workers(generated: str, service: DemoService) -> None:
    package = importlib.import_module(generated)
    auth = importlib.import_module(f"{generated}.api.auth.auth_issue_token")
    programs = importlib.import_module(f"{generated}.api.programs.programs_create_program")
    enrol = importlib.import_module(f"{generated}.api.enrolments.enrolments_enrol")
    import_roster = importlib.import_module(
        f"{generated}.api.enrolments.enrolments_import_enrolments"
    )
    get_enrolment = importlib.import_module(f"{generated}.api.enrolments.enrolments_get_enrolment")
    models = importlib.import_module(f"{generated}.models")
    File = importlib.import_module(f"{generated}.types").File

    issued = auth.sync_detailed(
        client=package.Client(base_url=service.url),
        body=models.TokenRequest(
            grant_type="client_credentials",
            client_id=service.client_id,
            client_secret=service.client_secret,
        ),
    )
    token = expect(issued, HTTPStatus.OK, models.TokenResponse)
    assert token.token_type == "bearer" and "enrolments:write" in token.scope.split()
    api = package.AuthenticatedClient(base_url=service.url, token=token.access_token)

    created = programs.sync_detailed(
        client=api, body=models.ProgramCreate.from_dict(program_body())
    )
    program = expect(created, HTTPStatus.CREATED, models.ProgramPublic)
    assert program.region_code == "3514"
    assert program.status == models.ProgramStatus.OPEN
    assert program.funding_source == models.FundingSource.DBHCHT
    assert program.monthly_contribution_idr == 16_800  # R1: JKK 10,000 + JKM 6,800

    enrolled = enrol.sync_detailed(
        program.id,
        client=api,
        body=models.EnrolmentCreate(worker=models.WorkerInput.from_dict(worker(serial=1))),
    )
    enrolment = expect(enrolled, HTTPStatus.CREATED, models.EnrolmentPublic)
    assert enrolment.program_id == program.id
    assert enrolment.status == models.EnrolmentStatus.PENDING
    assert enrolment.nik_masked.endswith("0001") and "*" in enrolment.nik_masked
    assert (enrolment.start_month, enrolment.end_month) == ("2026-07", "2026-12")
    assert enrolment.cost_idr == 6 * 16_800

    roster = to_csv(roster_rows(3, start_serial=100))
    uploaded = import_roster.sync_detailed(
        program.id,
        client=api,
        body=models.EnrolmentsImportEnrolmentsFilesBody(
            file=File(payload=io.BytesIO(roster), file_name="roster.csv", mime_type="text/csv")
        ),
    )
    report = expect(uploaded, HTTPStatus.OK, models.ImportReport)
    assert not report.dry_run and report.total_rows == report.accepted == 3
    assert report.rejected == 0 and report.rejections == []
    assert report.accepted_cost_idr == 3 * 6 * 16_800

    read = get_enrolment.sync_detailed(enrolment.id, client=api)
    again = expect(read, HTTPStatus.OK, models.EnrolmentPublic)
    assert again.id == enrolment.id
    assert again.worker_id == enrolment.worker_id
    assert again.status == models.EnrolmentStatus.PENDING
    assert again.cost_idr == enrolment.cost_idr


def expect(response: Any, status: HTTPStatus, model: type) -> Any:
    """The typed body of a generated `Response`, after checking its status and type."""
    assert response.status_code == status, response.content
    assert isinstance(response.parsed, model), response.parsed
    return response.parsed
