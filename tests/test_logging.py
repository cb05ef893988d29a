import io
import logging
from collections.abc import Iterator

import pytest

from app.observability import MaskingFormatter, install_log_masking, mask_digits


def test_sixteen_digit_runs_are_masked_to_the_last_four() -> None:
    assert mask_digits("GET /v1/coverage?nik=3514094108900001&on=2026-01-01") == (
        "GET /v1/coverage?nik=************0001&on=2026-01-01"
    )
    assert mask_digits("kpj 12345678901 stays") == "kpj 12345678901 stays"


@pytest.mark.parametrize(
    "written",
    [
        "3514-0941-0890-0001",
        "3514 0941 0890 0001",
        "3514.0941.0890.0001",
        "3514%200941%200890%200001",
        "3514+0941+0890+0001",
        "3514%2E0941%2E0890%2E0001",
        "3514%2d0941%2d0890%2d0001",
        "3514--0941--0890--0001",
        "3514 / 0941 / 0890 / 0001",
        "%203514094108900001",
        "%33%35%31%34%30%39%34%31%30%38%39%30%30%30%30%31",
        "%2533%2535%2531%2534094108900001",
    ],
)
def test_niks_in_any_spelling_are_masked_too(written: str) -> None:
    masked = mask_digits(f"GET /v1/coverage?nik={written}")
    assert masked.startswith("GET /v1/coverage?nik=") and masked.endswith("*" * 12 + "0001")
    assert "0941" not in masked


@pytest.mark.parametrize(
    "kept",
    [
        "kpj 12345678901",
        "at 2026-11-23 16:11:05,123 from 10.0.0.7:51522",
        "id 0192f3a4-5b6c-7d8e-9f01-234567890abc",
        "17 digits 35140941089000011 are no NIK",
        "a%20b stays encoded",
    ],
)
def test_what_is_no_nik_is_left_as_written(kept: str) -> None:
    assert mask_digits(kept) == kept


@pytest.fixture
def handler() -> Iterator[logging.StreamHandler[io.StringIO]]:
    """A handler of the `test.parent` logger, as a process manager's logging config sets one."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    parent = logging.getLogger("test.parent")
    parent.addHandler(handler)
    parent.setLevel(logging.INFO)
    yield handler
    parent.removeHandler(handler)


def test_every_handler_masks_child_loggers_and_tracebacks(
    handler: logging.StreamHandler[io.StringIO],
) -> None:
    install_log_masking()
    assert isinstance(handler.formatter, MaskingFormatter)
    try:
        raise ValueError("no worker 3514+0941+0890+0001")
    except ValueError:
        logging.getLogger("test.parent.child").exception("looking up %s", "3514094108900001")
    written = handler.stream.getvalue()
    assert written.startswith("test.parent.child looking up ************0001")
    assert "ValueError: no worker ************0001" in written
    assert "0941" not in written
    install_log_masking()  # a second start wraps nothing twice
    assert not isinstance(handler.formatter.inner, MaskingFormatter)  # type: ignore[union-attr]
