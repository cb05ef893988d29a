"""Reading an official region list (CSV: code, name, kind, province)."""

import csv
import io
from pathlib import Path

from pydantic import ValidationError

from app.regions.schemas import RegionCreate

BUNDLED = Path(__file__).with_name("kemendagri.csv")


class RegionFileError(ValueError):
    pass


def parse_regions(text: str) -> list[RegionCreate]:
    reader = csv.DictReader(io.StringIO(text))
    missing = {"code", "name", "kind", "province"} - set(reader.fieldnames or [])
    if missing:
        raise RegionFileError(f"missing columns: {', '.join(sorted(missing))}")
    regions = []
    for line, row in enumerate(reader, start=2):
        try:
            regions.append(
                RegionCreate.model_validate(
                    {k: (row.get(k) or "").strip() for k in ("code", "name", "kind", "province")}
                )
            )
        except ValidationError as exc:
            raise RegionFileError(f"line {line}: {exc.errors()[0]['msg']}") from None
    return regions


def bundled_regions() -> list[RegionCreate]:
    return parse_regions(BUNDLED.read_text(encoding="utf-8"))
