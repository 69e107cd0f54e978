"""Property: any table csv.writer writes, in any common dialect, with or without a BOM, reads back
identically, with each row's physical line number."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import given, settings
from hypothesis import strategies as st

from accord.importers.reading import SourceRow, read_source_file

DIALECTS = [
    {"delimiter": ",", "quoting": csv.QUOTE_MINIMAL},
    {"delimiter": ";", "quoting": csv.QUOTE_ALL},
    {"delimiter": "\t", "quoting": csv.QUOTE_MINIMAL},
    {"delimiter": "|", "quoting": csv.QUOTE_MINIMAL, "lineterminator": "\n"},
    {"delimiter": ",", "quoting": csv.QUOTE_NONNUMERIC, "lineterminator": "\n"},
]
AWKWARD = st.sampled_from(['"', "'", ",", ";", "\t", "|", "\n", "=", "+", "-", "@", " ", "é", "€", "\ufeff"])
CELL = st.lists(
    st.one_of(AWKWARD, st.characters(codec="utf-8", exclude_characters="\r\x00")), max_size=12
).map("".join)
HEADER_NAME = (
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz_ ", min_size=1, max_size=10).map(str.strip).filter(bool)
)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    header = draw(st.lists(HEADER_NAME, min_size=2, max_size=5, unique=True))
    rows = draw(st.lists(st.lists(CELL, min_size=len(header), max_size=len(header)), max_size=8))
    return header, rows


@settings(max_examples=150, deadline=None)
@given(table=tables(), dialect=st.sampled_from(DIALECTS), bom=st.booleans())
def test_a_written_table_reads_back_identically(
    table: tuple[list[str], list[list[str]]], dialect: dict[str, object], bom: bool
) -> None:
    header, rows = table
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, **dialect)  # type: ignore[arg-type]
    writer.writerow(header)
    writer.writerows(rows)
    with TemporaryDirectory() as folder:
        path = Path(folder) / "table.csv"
        path.write_bytes(("\ufeff" if bom else "").encode() + buffer.getvalue().encode("utf-8"))
        source = read_source_file(path)
        read = list(source.rows())
    assert source.columns == tuple(header)
    expected, line = [], 2
    for row in rows:
        expected.append(SourceRow(line, dict(zip(header, row, strict=True))))
        line += 1 + sum(cell.count("\n") for cell in row)
    assert read == expected
