"""Long tables (CSV, JSONL, Parquet) read row by row, with the line each row starts on.

Shared by the human-code and judge-label readers: ids stay text (``"00123"``), the CSV header is line 1, a JSONL
row is its line, a Parquet row is its 1-based position. Every problem is a :class:`CodesError` naming file and line.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from calibration.errors import CodesError


class Row(NamedTuple):
    """One row of a table."""

    line: int | None
    """Where the row starts (1-based), or its position for Parquet."""

    fields: dict[str, object]
    """Values by canonical column name; columns without an alias keep their own name."""


def read_json(path: Path) -> object:
    """The parsed JSON of a whole file.

    Raises:
        CodesError: naming the file when it is missing, not UTF-8 or not JSON.
    """
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CodesError(str(path), None, "file not found") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CodesError(str(path), None, f"unreadable: {exc}") from exc


def read_rows(path: Path, *, required: Sequence[str], aliases: Mapping[str, str]) -> Iterator[Row]:
    """Rows of a ``.csv``, ``.jsonl``/``.ndjson`` or ``.parquet`` table.

    Args:
        path: the table.
        required: canonical column names that must be present.
        aliases: lower-cased column name -> canonical name (e.g. ``{"item": "item_id"}``).

    Raises:
        CodesError: for a missing file, an unknown suffix, a missing or repeated column, a malformed row.
    """
    source = str(path)
    if not path.is_file():
        raise CodesError(source, None, "file not found")
    suffix = path.suffix.lower()
    columns = _Columns(required, aliases, source)
    if suffix == ".csv":
        return _csv_rows(path, columns)
    if suffix in {".jsonl", ".ndjson"}:
        return _jsonl_rows(path, columns)
    if suffix == ".parquet":
        return _parquet_rows(path, columns)
    raise CodesError(source, None, "unknown table format; use .csv, .jsonl or .parquet")


class _Columns:
    def __init__(self, required: Sequence[str], aliases: Mapping[str, str], source: str) -> None:
        self.required = tuple(required)
        self.aliases = dict(aliases)
        self.source = source

    def __call__(self, names: list[str], line: int | None) -> list[str]:
        """Canonical column names, checked for the required ones."""
        canonical = [self.aliases.get(str(name).strip().lower(), str(name).strip()) for name in names]
        repeated = sorted({c for c in canonical if canonical.count(c) > 1})
        if repeated:
            raise CodesError(self.source, line, f"column(s) {repeated} given twice (aliases name the same column)")
        missing = [c for c in self.required if c not in canonical]
        if missing:
            raise CodesError(self.source, line, f"missing column(s) {missing}; found {names}")
        return canonical


def _csv_rows(path: Path, columns_of: _Columns) -> Iterator[Row]:
    source = str(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise CodesError(source, 1, "empty file: expected a header line")
            columns = columns_of(header, 1)
            end = reader.line_num
            for values in reader:
                line, end = end + 1, reader.line_num  # a quoted field may span lines; cite where the row starts
                if not any(v.strip() for v in values):
                    continue
                if len(values) != len(columns):
                    raise CodesError(source, line, f"{len(values)} fields, the header has {len(columns)}")
                yield Row(line, dict(zip(columns, values, strict=True)))
    except UnicodeDecodeError as exc:
        raise CodesError(source, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except csv.Error as exc:
        raise CodesError(source, None, f"malformed CSV: {exc}") from None


def _jsonl_rows(path: Path, columns_of: _Columns) -> Iterator[Row]:
    source = str(path)
    try:
        with path.open(encoding="utf-8") as handle:
            for number, text in enumerate(handle, start=1):
                if not text.strip():
                    continue
                try:
                    record = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise CodesError(source, number, f"malformed JSON: {exc.msg}") from None
                if not isinstance(record, dict):
                    raise CodesError(source, number, "each line must be a JSON object")
                columns = columns_of([str(k) for k in record], number)
                yield Row(number, dict(zip(columns, record.values(), strict=True)))
    except UnicodeDecodeError as exc:
        raise CodesError(source, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def _parquet_rows(path: Path, columns_of: _Columns) -> Iterator[Row]:
    import pandas as pd  # Parquet only; pyarrow does the reading

    source = str(path)
    try:
        frame = pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise CodesError(source, None, f"unreadable Parquet: {exc}") from exc
    columns = columns_of([str(c) for c in frame.columns], None)
    # object dtype turns NumPy scalars into Python ones; missing values become None
    frame = frame.astype(object).where(frame.notna(), None)
    for number, values in enumerate(frame.itertuples(index=False, name=None), start=1):
        yield Row(number, dict(zip(columns, values, strict=True)))
