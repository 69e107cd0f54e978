"""Columnar tables: rows held as numpy columns, the shape bulk data takes between a generator or an
importer and the bulk loader. Low-cardinality text is held as codes into a list of labels."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Coded:
    """A column whose values are ``labels[codes[i]]``; a label may be None (NULL) or any JSON value."""

    codes: np.ndarray
    labels: tuple[object, ...]

    def __len__(self) -> int:
        return len(self.codes)

    def slice(self, start: int, stop: int) -> Coded:
        return Coded(self.codes[start:stop], self.labels)

    def values(self) -> list[object]:
        lookup = np.empty(len(self.labels), dtype=object)
        lookup[:] = list(self.labels)
        return lookup[self.codes].tolist()  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Numbered:
    """A text column made of a prefix and a number zero-padded to ``width`` digits, e.g. ``act-0017``.
    Padding makes text order equal number order, so a unique index on the column grows at its end."""

    prefix: str
    numbers: np.ndarray
    width: int = 0

    def __len__(self) -> int:
        return len(self.numbers)

    def slice(self, start: int, stop: int) -> Numbered:
        return Numbered(self.prefix, self.numbers[start:stop], self.width)

    def values(self) -> list[str]:
        prefix, width = self.prefix, self.width
        return [prefix + number.zfill(width) for number in map(str, self.numbers.tolist())]


Column = np.ndarray | Coded | Numbered


def column_slice(column: Column, start: int, stop: int) -> Column:
    return column[start:stop] if isinstance(column, np.ndarray) else column.slice(start, stop)


@dataclass(frozen=True)
class ColumnTable:
    """Rows of one table as equal-length columns keyed by the model's field names (or attnames)."""

    name: str
    columns: Mapping[str, Column]

    def __post_init__(self) -> None:
        lengths = {name: len(column) for name, column in self.columns.items()}
        if len(set(lengths.values())) > 1:
            raise ValueError(f"table {self.name}: columns differ in length: {lengths}")

    @property
    def row_count(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def with_column(self, name: str, column: Column) -> ColumnTable:
        return ColumnTable(self.name, {**self.columns, name: column})

    def batches(self, batch_rows: int) -> Iterator[ColumnTable]:
        for start in range(0, self.row_count, batch_rows):
            stop = min(start + batch_rows, self.row_count)
            yield ColumnTable(
                self.name, {name: column_slice(column, start, stop) for name, column in self.columns.items()}
            )
