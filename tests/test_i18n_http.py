"""`Accept-Language: id` over HTTP (issue 10): problem titles and details and every row
reason in Indonesian, English by default exactly as before, and the response says which."""

import uuid
from typing import Any

import httpx
import pytest
from starlette.requests import Request

from app.errors import _unexpected_error
from tests.conftest import PEMDA_3514, assert_problem, auth
from tests.factories import create_program, roster_rows, to_csv, worker

pytestmark = pytest.mark.usefixtures("regions")

ID = {"Accept-Language": "id"}
PEMDA = auth(**PEMDA_3514)


def said_in(response: httpx.Response, language: str) -> None:
    assert response.headers["content-language"] == language
    assert "Accept-Language" in response.headers["vary"]


def detail_of(body: dict[str, Any]) -> tuple[str, str]:
    return body["title"], body["detail"]


class TestProblems:
    async def test_an_unknown_path(self, client: httpx.AsyncClient) -> None:
        english = await client.get("/v1/nothing-here")
        assert detail_of(assert_problem(english, 404, "NOT_FOUND")) == ("Not Found", "Not Found")
        said_in(english, "en")
        indonesian = await client.get("/v1/nothing-here", headers=ID)
        assert detail_of(assert_problem(indonesian, 404, "NOT_FOUND")) == (
            "Data tidak ditemukan",
            "Alamat (path) ini tidak ada pada layanan.",
        )
        said_in(indonesian, "id")

    async def test_a_programme_that_is_not_there(self, client: httpx.AsyncClient) -> None:
        missing = uuid.uuid4()
        url = f"/v1/programs/{missing}"
        english = assert_problem(await client.get(url, headers=PEMDA), 404, "PROGRAM_NOT_FOUND")
        assert detail_of(english) == ("No such programme", f"No programme {missing}.")
        indonesian = assert_problem(await client.get(url, headers=PEMDA | ID), 404)
        assert detail_of(indonesian) == (
            "Program tidak ditemukan",
            f"Program {missing} tidak ditemukan.",
        )

    async def test_request_validation_keeps_pydantic_s_field_messages(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post("/v1/programs", json={"name": 1}, headers=PEMDA | ID)
        body = assert_problem(response, 422, "VALIDATION_FAILED")
        assert detail_of(body) == (
            "Permintaan tidak valid",
            "Satu atau beberapa isian kosong atau tidak valid; lihat `errors`.",
        )
        assert {"loc": ["body", "fiscal_year"], "msg": "Field required", "type": "missing"} in (
            body["errors"]
        )
        said_in(response, "id")
        english = await client.post("/v1/programs", json={"name": 1}, headers=PEMDA)
        assert detail_of(english.json()) == (
            "The request is not valid",
            "One or more fields are missing or invalid; see `errors`.",
        )

    async def test_an_oauth_error_also_in_its_error_description(
        self, client: httpx.AsyncClient
    ) -> None:
        form = {"grant_type": "password"}
        response = await client.post("/v1/auth/token", data=form, headers=ID)
        body = assert_problem(response, 400, "UNSUPPORTED_GRANT_TYPE")
        assert detail_of(body) == (
            "Hanya client_credentials yang didukung",
            "Gunakan grant_type=client_credentials.",
        )
        assert (body["error"], body["error_description"]) == (
            "unsupported_grant_type",
            "Gunakan grant_type=client_credentials.",
        )
        assert response.headers["cache-control"] == "no-store"
        english = (await client.post("/v1/auth/token", data=form)).json()
        assert (english["title"], english["error_description"]) == (
            "Only client_credentials is supported",
            "Use grant_type=client_credentials.",
        )

    async def test_an_unknown_query_parameter(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/programs?stauts=open", headers=PEMDA | ID)
        body = assert_problem(response, 422, "UNKNOWN_QUERY_PARAMETER")
        assert body["title"] == "Parameter kueri tidak dikenal"
        assert body["detail"].startswith("Parameter kueri tidak dikenal: stauts. Yang diterima")

    async def test_a_body_refused_before_the_app_reads_it(self, client: httpx.AsyncClient) -> None:
        big = b'{"name": "' + b"x" * 2_000_000 + b'"}'
        headers = auth("admin") | ID | {"content-type": "application/json"}
        response = await client.post("/v1/regions", content=big, headers=headers)
        body = assert_problem(response, 413, "PAYLOAD_TOO_LARGE")
        assert body["title"] == "Ukuran permintaan terlalu besar"
        assert body["detail"].startswith("Body permintaan paling besar ")
        said_in(response, "id")

    async def test_an_unexpected_error_outside_the_middleware(self) -> None:
        request = Request({"type": "http", "headers": [(b"accept-language", b"en;q=0.2, id")]})
        response = await _unexpected_error(request, RuntimeError("boom"))
        assert response.status_code == 500
        assert b'"title":"Kesalahan internal"' in response.body
        assert response.headers["content-language"] == "id"


class TestRowReasons:
    async def test_ineligible_lists_every_reason_in_indonesian(
        self, client: httpx.AsyncClient
    ) -> None:
        program = await create_program(client)
        person = worker(birth_date="1991-08-17", domicile_region_code="3575", sex="female")
        url = f"/v1/programs/{program['id']}/enrolments"
        response = await client.post(url, json={"worker": person}, headers=PEMDA | ID)
        body = assert_problem(response, 422, "INELIGIBLE")
        assert detail_of(body) == (
            "Pekerja tidak memenuhi syarat program ini",
            "Lihat `reasons` untuk setiap ketentuan yang tidak dipenuhi.",
        )
        assert body["reasons"] == [
            {
                "code": "NIK_MISMATCH",
                "detail": "NIK tidak sesuai dengan tanggal lahir dan jenis kelamin yang "
                "dicantumkan.",
            },
            {"code": "NOT_RESIDENT", "detail": "Domisili tidak berada di wilayah 3514."},
        ]
        english = (await client.post(url, json={"worker": person}, headers=PEMDA)).json()
        assert english["reasons"] == [
            {
                "code": "NIK_MISMATCH",
                "detail": "The NIK does not agree with the stated birth date and sex.",
            },
            {"code": "NOT_RESIDENT", "detail": "Domicile is not in region 3514."},
        ]

    async def test_an_eligibility_check_says_its_language(self, client: httpx.AsyncClient) -> None:
        program = await create_program(client, budget_idr=10_000)
        check = {"program_id": program["id"], "worker": worker()}
        response = await client.post("/v1/eligibility-checks", json=check, headers=PEMDA | ID)
        assert response.status_code == 200, response.text
        assert response.json()["reasons"] == [
            {
                "code": "BUDGET_EXHAUSTED",
                "detail": "Biaya Rp 100.800 melebihi sisa anggaran Rp 10.000.",
            }
        ]
        said_in(response, "id")
        english = await client.post("/v1/eligibility-checks", json=check, headers=PEMDA)
        assert english.json()["reasons"][0]["detail"] == (
            "The cost Rp 100,800 exceeds the remaining budget Rp 10,000."
        )
        said_in(english, "en")

    async def test_a_roster_s_rejections(self, client: httpx.AsyncClient) -> None:
        program = await create_program(client)
        good = roster_rows(3)
        rows = [good[0], good[0], good[1] | {"sex": "X"}, good[2] | {"nik": "12345"}]
        url = f"/v1/programs/{program['id']}/enrolments/import?dry_run=true"

        async def details(language: dict[str, str]) -> dict[int, list[str]]:
            headers = PEMDA | {"content-type": "text/csv"} | language
            response = await client.post(url, content=to_csv(rows), headers=headers)
            assert response.status_code == 200, response.text
            said_in(response, language.get("Accept-Language", "en")[:2])
            report = response.json()
            return {r["row"]: [x["detail"] for x in r["reasons"]] for r in report["rejections"]}

        assert await details({"Accept-Language": "id-ID, en;q=0.5"}) == {
            2: ["NIK ini sudah muncul pada baris sebelumnya."],
            3: [
                "Isian sex tidak dapat diterima; gunakan L/P, Laki-laki/Perempuan atau male/female."
            ],
            4: ["NIK tidak valid; NIK harus berupa 16 digit yang sah."],
        }
        assert await details({}) == {
            2: ["This NIK appears on an earlier row."],
            3: ["sex is not accepted; use L/P, Laki-laki/Perempuan or male/female."],
            4: ["The NIK is not a valid 16-digit NIK."],
        }


class TestNegotiation:
    @pytest.mark.parametrize(
        ("accept_language", "language"),
        [
            ("id;q=0.9, en;q=0.8", "id"),
            ("en;q=0.8, id;q=0.9", "id"),
            ("en-GB, id;q=0.5", "en"),
            ("fr, id-ID;q=0.3", "id"),
            ("fr", "en"),
            ("*", "en"),
        ],
    )
    async def test_the_best_supported_language_answers(
        self, client: httpx.AsyncClient, accept_language: str, language: str
    ) -> None:
        response = await client.get("/v1/nothing", headers={"Accept-Language": accept_language})
        said_in(response, language)

    async def test_a_response_without_words_does_not_claim_a_language(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/healthz", headers=ID)
        assert response.status_code == 200
        assert "content-language" not in response.headers
