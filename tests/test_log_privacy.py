"""No NIK in any log line, whatever its spelling (issue 12): the demo's service, in text and
in JSON logs, is asked for one of its members by NIK in every spelling that finds the record
— separators `+`, `%2E`, `%2D`, doubled, a leading `%20`, percent-encoded digits — on every
look-up that takes a NIK, and its whole log, decoded and stripped of everything but digits,
never holds the NIK."""

import re
from pathlib import Path
from urllib.parse import unquote_plus

import httpx
import pytest

from app.demo import _demo_roster
from tests.demo_service import demo_service

# The demo's first member (registered, billed and paid through December: covered).
NIK = _demo_roster(1).decode().splitlines()[1].split(",")[0]
GROUPS = [NIK[i : i + 4] for i in range(0, 16, 4)]

# As they stand in a URL's query string, sent as written (httpx keeps valid escapes).
SPELLINGS = {
    "plain": NIK,
    "plus": "+".join(GROUPS),
    "encoded dots": "%2E".join(GROUPS),
    "encoded dashes": "%2D".join(GROUPS),
    "doubled separator": "--".join(GROUPS),
    "leading space": "%20" + NIK,
    "encoded digits": "".join(f"%3{digit}" for digit in NIK),
    "spaces": "%20".join(GROUPS),
}


def holds_the_nik(text: str) -> bool:
    """The NIK in any spelling: decoded (twice, for a value encoded twice), every character
    but a digit removed."""
    return NIK in re.sub(r"\D", "", unquote_plus(unquote_plus(text)))


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_no_spelling_of_a_nik_reaches_the_log(tmp_path: Path, log_format: str) -> None:
    log = tmp_path / "service.log"
    with demo_service(tmp_path / "demo.db", log, LOG_FORMAT=log_format) as service:
        pemda = {"Authorization": f"Bearer {service.tokens['pemda-3514']}"}
        mobile = {"Authorization": f"Bearer {service.tokens['mobile-app']}"}
        with httpx.Client(base_url=service.url, timeout=30) as http:
            for name, spelled in SPELLINGS.items():
                coverage = http.get(f"/v1/coverage?nik={spelled}&on=2026-01-05", headers=mobile)
                assert coverage.json()["status"] == "covered", (name, coverage.text)
                workers = http.get(f"/v1/workers?nik={spelled}", headers=pemda)
                assert len(workers.json()["items"]) == 1, (name, workers.text)
                enrolments = http.get(f"/v1/enrolments?nik={spelled}", headers=pemda)
                assert len(enrolments.json()["items"]) == 1, (name, enrolments.text)
                in_path = http.get(f"/v1/workers/{spelled}", headers=pemda)
                assert in_path.status_code == 422, (name, in_path.text)
                unknown_path = http.get(f"/v1/nik/{spelled}", headers=pemda)
                assert unknown_path.status_code == 404, (name, unknown_path.text)
            decoded = unquote_plus(unquote_plus(SPELLINGS["plus"]))
            posted = http.post("/v1/coverage-checks", json={"nik": decoded}, headers=mobile)
            assert posted.json()["status"] == "covered", posted.text
    text = log.read_text()
    access = [line for line in text.splitlines() if "/v1/coverage" in line]
    assert len(access) == len(SPELLINGS) + 1, text  # the access lines were written
    assert not [line for line in text.splitlines() if holds_the_nik(line)]
    assert not holds_the_nik(text)
