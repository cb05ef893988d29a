"""The words a roster cell may hold (R11): Indonesian forms as well as the API's codes."""

import csv
import io
from datetime import date

import pytest

from app.enrolments import roster_template
from app.enrolments.importer import parse_row
from app.enrolments.roster import _delimiter
from app.enrolments.roster_values import birth_date, occupation, sex
from app.enrolments.xlsx_reader import cell_text
from app.programs.costing import Occupation
from app.regions.importer import bundled_regions
from app.workers import nik as nik_rules
from app.workers.nik import Sex
from tests.factories import roster_rows


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("L", Sex.male),
        ("l", Sex.male),
        ("Laki-laki", Sex.male),
        ("LAKI-LAKI", Sex.male),
        ("laki laki", Sex.male),
        ("Pria", Sex.male),
        ("male", Sex.male),
        ("P", Sex.female),
        ("Perempuan", Sex.female),
        ("PEREMPUAN", Sex.female),
        ("wanita", Sex.female),
        ("Female", Sex.female),
        ("X", "X"),
        ("laki", "laki"),
    ],
)
def test_sex(written: str, read: str) -> None:
    assert sex(written) == read


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("petani", Occupation.petani),
        ("Petani", Occupation.petani),
        ("PETANI", Occupation.petani),
        ("Buruh Tani Tembakau", Occupation.buruh_tani_tembakau),
        ("buruh_tani_tembakau", Occupation.buruh_tani_tembakau),
        ("buruh  tani-tembakau", Occupation.buruh_tani_tembakau),
        ("Guru Ngaji", Occupation.guru_ngaji),
        ("UMKM", Occupation.umkm),
        ("astronaut", "astronaut"),
        ("buruh", "buruh"),
    ],
)
def test_occupation(written: str, read: str) -> None:
    assert occupation(written) == read


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("17/08/1990", date(1990, 8, 17)),
        ("7/8/1990", date(1990, 8, 7)),
        ("17-08-1990", date(1990, 8, 17)),
        ("17.08.1990", date(1990, 8, 17)),
        ("1990-08-17", date(1990, 8, 17)),
        ("31/02/1990", "31/02/1990"),  # no such day
        ("08/17/1990", "08/17/1990"),  # month first is not how Indonesia writes dates
        ("17/08-1990", "17/08-1990"),
        ("17/08/90", "17/08/90"),  # which century?
        ("kemarin", "kemarin"),
    ],
)
def test_birth_date(written: str, read: date | str) -> None:
    assert birth_date(written) == read


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [
        ("nik,full_name,birth_date,sex,domicile_region_code,occupation\n1;2", ","),
        ("nik;full_name;birth_date;sex;domicile_region_code;occupation\n1,2", ";"),
        ("nik", ","),
    ],
)
def test_the_header_line_decides_the_delimiter(header: str, delimiter: str) -> None:
    assert _delimiter(header) == delimiter


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        (3514011708900001.0, "3514011708900001"),  # a NIK stored as a number keeps its digits
        (1500000.0, "1500000"),
        (2.5, "2.5"),
        (2.0**53, "9007199254740992.0"),  # a double no longer exact: never read as a NIK
        (date(1990, 8, 17), "1990-08-17"),
        (True, "true"),
        ("Budi", "Budi"),
    ],
)
def test_xlsx_cells_become_the_text_a_csv_would_hold(cell: object, text: str) -> None:
    assert cell_text(cell) == text


class TestRefusals:
    def test_a_refused_value_says_what_is_accepted_and_never_quotes_the_cell(self) -> None:
        good = roster_rows(1)[0]
        row = parse_row(
            1,
            good
            | {"sex": "Xy", "occupation": "astronaut", "birth_date": "1990/17/08", "phone": ""},
        )
        assert row.worker is None
        details = [r.detail for r in row.reasons]
        assert {r.code for r in row.reasons} == {"INVALID_FIELD"}
        assert details == [
            "birth_date is not accepted; use DD/MM/YYYY, DD-MM-YYYY or YYYY-MM-DD "
            "(or a date cell in .xlsx).",
            "sex is not accepted; use L/P, Laki-laki/Perempuan or male/female.",
            "occupation is not accepted; use one of petani, buruh_tani, petani_tembakau, "
            "buruh_tani_tembakau, buruh_pabrik_rokok, nelayan, pedagang, umkm, ojek, sopir, "
            "tukang, marbot, guru_ngaji, lainnya (any case; spaces for underscores, "
            "e.g. Buruh Tani Tembakau).",
        ]
        assert not any(v in d for d in details for v in ("Xy", "astronaut", "1990/17/08"))

    def test_a_missing_value_is_named(self) -> None:
        row = parse_row(1, roster_rows(1)[0] | {"full_name": " "})
        assert [r.detail for r in row.reasons] == ["full_name is missing."]

    def test_rows_refused_for_one_cause_share_one_reason(self) -> None:
        first, second = (parse_row(n, r | {"sex": "?"}) for n, r in enumerate(roster_rows(2)))
        assert first.reasons[0] is second.reasons[0]

    def test_indonesian_values_are_read(self) -> None:
        row = parse_row(
            1,
            roster_rows(12)[11]  # a woman born 13 January 1982
            | {
                "sex": "Perempuan",
                "occupation": "Buruh Tani Tembakau",
                "birth_date": "13/01/1982",
                "extreme_poor": "Ya",
            },
        )
        assert row.reasons == []
        assert row.worker is not None
        assert (row.worker.sex, row.worker.occupation, row.worker.birth_date) == (
            Sex.female,
            Occupation.buruh_tani_tembakau,
            date(1982, 1, 13),
        )
        assert row.worker.extreme_poor is True


@pytest.mark.parametrize("region", [r.code for r in bundled_regions()])
def test_the_template_example_nik_is_valid_in_every_region(region: str) -> None:
    row = roster_template.example_row(region, 40, date(2026, 1, 5))
    assert nik_rules.is_valid(row["nik"])
    assert not nik_rules.mismatches(row["nik"], row["birth_date"], Sex.male)


def test_the_template_csv_has_every_column() -> None:
    text = roster_template._csv(roster_template.example_row("3514", 40, date(2026, 1, 5)))
    (row,) = csv.DictReader(io.StringIO(text))
    assert list(row) == list(roster_template.COLUMNS)
    assert row["birth_date"] == "17/08/1986"
