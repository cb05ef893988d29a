import logging

import pytest

from app.observability import MaskNikFilter, mask_digits


def test_sixteen_digit_runs_are_masked_to_the_last_four() -> None:
    assert mask_digits("GET /v1/coverage?nik=3514094108900001&on=2026-01-01") == (
        "GET /v1/coverage?nik=************0001&on=2026-01-01"
    )
    assert mask_digits("kpj 12345678901 stays") == "kpj 12345678901 stays"


def test_the_filter_masks_formatted_log_records(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.masking")
    logger.addFilter(MaskNikFilter())
    with caplog.at_level(logging.INFO, logger="test.masking"):
        logger.info("worker %s enrolled", "3514094108900001")
    assert "3514094108900001" not in caplog.text
    assert "************0001" in caplog.text


def test_arguments_stay_arguments_for_formatters_that_read_them(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # uvicorn's access formatter unpacks record.args itself: they must survive masking.
    logger = logging.getLogger("test.access")
    logger.addFilter(MaskNikFilter())
    with caplog.at_level(logging.INFO, logger="test.access"):
        logger.info(
            '%s - "%s %s" %d', "127.0.0.1:5000", "GET", "/v1/coverage?nik=3514094108900001", 200
        )
    record = caplog.records[-1]
    assert record.args == ("127.0.0.1:5000", "GET", "/v1/coverage?nik=************0001", 200)
    assert "3514094108900001" not in caplog.text


@pytest.mark.parametrize(
    "written",
    [
        "3514-0941-0890-0001",
        "3514 0941 0890 0001",
        "3514.0941.0890.0001",
        "3514%200941%200890%200001",
    ],
)
def test_niks_written_with_separators_are_masked_too(written: str) -> None:
    assert mask_digits(f"GET /v1/coverage?nik={written}") == "GET /v1/coverage?nik=" + (
        "*" * 12 + "0001"
    )
