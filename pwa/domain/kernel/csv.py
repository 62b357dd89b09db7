"""CSV files that Polish Excel opens as they are meant: the diary, the reports, the data export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

# Excel opens a CSV file with a spreadsheet formula in a cell as that formula: free text that
# starts like one is written as plain text instead (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: str) -> str:
    """Free text made safe for a spreadsheet cell."""
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def csv_file(rows: Iterable[Sequence[object]]) -> bytes:
    """A CSV file for Polish Excel: UTF-8 with a BOM, ";" between cells, text cells made safe."""
    buffer = io.StringIO()
    # Polish Excel splits a CSV file on the list separator of the Polish regional settings,
    # which is ";" (the comma is the decimal separator there): with "," every row would land
    # in a single column.
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([text_cell(cell) if isinstance(cell, str) else cell for cell in row])
    # The byte-order mark tells Excel the file is UTF-8; without it Excel reads it as
    # Windows-1250 and garbles ą, ę, ł, ó, ś, ź, ż.
    return buffer.getvalue().encode("utf-8-sig")
