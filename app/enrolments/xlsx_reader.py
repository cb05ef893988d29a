"""An .xlsx roster's first sheet as CSV: run as a process of its own by app.enrolments.roster.

    python -P xlsx_reader.py MAX_ROWS MEMORY_BYTES < workbook.xlsx > roster.csv

Standard library and python-calamine only (it runs without the app). Cells become the text a
CSV roster would hold: a NIK stored as a number keeps its 16 digits, a date cell is written
YYYY-MM-DD. Exit 0 on success, 2 when the file is not a workbook, 3 (or the operating system
ends the process) when the sheet needs more memory or time than allowed.
"""

import contextlib
import csv
import io
import resource
import sys
from datetime import date, datetime
from typing import Any

EXACT_INTEGERS = 2**53  # beyond, a double no longer holds every integer: refuse, never guess
CPU_SECONDS = 60


def cell_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < EXACT_INTEGERS:
            return str(int(value))  # 3514011708900001, not 3.514011708900001e+15
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)  # int; a time or a duration is no roster value: validation refuses it


def limit(memory_bytes: int) -> None:
    for kind, amount in ((resource.RLIMIT_AS, memory_bytes), (resource.RLIMIT_CPU, CPU_SECONDS)):
        with contextlib.suppress(ValueError, OSError):  # not every system has each limit
            resource.setrlimit(kind, (amount, amount))


def main() -> int:
    max_rows, memory_bytes = int(sys.argv[1]), int(sys.argv[2])
    limit(memory_bytes)
    from python_calamine import CalamineWorkbook  # after the limits: its allocations count

    workbook = sys.stdin.buffer.read()
    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(workbook)).get_sheet_by_index(0)
        rows = sheet.iter_rows()
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        writer = csv.writer(out, lineterminator="\n")
        written = 0
        for row in rows:
            values = [cell_text(v) for v in row]
            if not "".join(values).strip():
                continue
            writer.writerow(values)
            written += 1
            if written > max_rows + 1:  # the header and one row too many: the caller refuses
                break
        out.flush()
    except MemoryError:
        return 3
    except Exception:  # calamine's errors, zip or XML: not a workbook it can read
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
