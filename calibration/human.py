"""Human codes: a long table (item, dimension, coder, value) checked against a rubric, and its alignment with a run.

Every reader ends in :class:`HumanCodes`, whose values are already canonical: item ids are strings, ``"2.0"`` is
``2``, N/A and blanks are missing, and every value is a level of its dimension's scale. This is the only module
that pivots codes into the raters x items matrices the statistics take.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from calibration.errors import AlignmentError, CodesError
from calibration.table import read_rows
from judges import Run
from prompts import Dimension, Rubric

CoderIds = Literal["stable", "exchangeable"]
"""``stable``: a coder id names the same person on every item (pairwise kappa per coder is meaningful);
``exchangeable``: ids are only positions (use Krippendorff's alpha, not per-coder kappa)."""

COLUMNS = ("item_id", "dimension", "coder", "value", "na")
_NA_WORDS = frozenset({"n/a", "na", "not applicable", "none", "null", "nan"})


@dataclass(frozen=True)
class CodeRecord:
    """One code as a reader produced it, before canonicalisation."""

    item_id: object
    """The item (transcript, turn, response) id as found in the file."""

    dimension: str
    """The rubric dimension id."""

    coder: object
    """The coder id or position."""

    value: object
    """The raw value: a level number, a numeric string, a level label, N/A text or blank."""

    line: int | None = None
    """Where it was read (1-based line or record number), for error messages."""


def canonical_value(raw: object, dimension: Dimension) -> tuple[int | None, bool]:
    """Map a raw code onto the dimension's scale.

    Returns:
        ``(value, na)``: the level value (``None`` when missing) and whether the coder said N/A.

    Raises:
        ValueError: naming the value and the scale, when it is not a level.

    Example:
        >>> from prompts import load_rubric
        >>> dim = load_rubric("interaction-v1").dimension("grounding_repair")
        >>> canonical_value("2.0", dim), canonical_value("N/A (no errors)", dim), canonical_value("", dim)
        ((2, False), (None, True), (None, False))
    """
    scale = dimension.scale
    value: object = raw
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None, False
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None, False
        lowered = text.lower()
        if lowered in _NA_WORDS or lowered.startswith("n/a"):
            return None, True
        for level in scale.levels:
            if lowered == level.label.lower():
                return level.value, False
        try:
            value = float(text)
        except ValueError:
            raise ValueError(_off_scale(raw, dimension)) from None
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(_off_scale(raw, dimension))
        value = int(value)
    if isinstance(value, int | np.integer) and int(value) in scale.values:
        return int(value), False
    raise ValueError(_off_scale(raw, dimension))


def _off_scale(raw: object, dimension: Dimension) -> str:
    levels = ", ".join(f"{lv.value} ({lv.label})" for lv in dimension.scale.levels)
    return f"value {raw!r} is not on the scale of {dimension.id!r}: {levels}"


@dataclass(frozen=True)
class HumanCodes:
    """Canonical human codes for one rubric.

    ``frame`` has the columns ``item_id`` (str), ``dimension`` (str), ``coder`` (str), ``value`` (float, NaN when
    missing) and ``na`` (bool, the coder answered N/A), one row per (item, dimension, coder).
    """

    rubric: Rubric
    """The rubric whose scales the values are on."""

    frame: pd.DataFrame
    """The long table."""

    source: str
    """Where the codes were read from."""

    coder_ids: CoderIds
    """Whether coder ids identify persons across items."""

    items: pd.DataFrame = field(default_factory=lambda: pd.DataFrame({"item_id": pd.Series(dtype=str)}))
    """Optional per-item metadata (``item_id`` plus columns such as ``system``), for grouping."""

    @cached_property
    def digest(self) -> str:
        """``sha256:<hex>`` over the sorted canonical records and the rubric digest."""
        ordered = self.frame.sort_values(["item_id", "dimension", "coder"])
        values = ordered["value"].to_numpy(dtype=np.float64)
        rows = [
            [item, dimension, coder, None if math.isnan(value) else int(value), bool(na)]
            for item, dimension, coder, value, na in zip(
                ordered["item_id"], ordered["dimension"], ordered["coder"], values, ordered["na"], strict=True
            )
        ]
        payload = json.dumps({"rubric": self.rubric.digest, "rows": rows}, separators=(",", ":"), sort_keys=True)
        return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()

    @property
    def dimensions(self) -> list[str]:
        """Dimensions with at least one code, in rubric order."""
        present = set(self.frame["dimension"])
        return [d.id for d in self.rubric.dimensions if d.id in present]

    def coders(self, dimension: str) -> list[str]:
        """Coder ids on this dimension, sorted."""
        return sorted(set(self.frame.loc[self.frame["dimension"] == dimension, "coder"]))

    def item_ids(self, dimension: str) -> list[str]:
        """Items with at least one non-missing value on this dimension, sorted."""
        rows = self.frame[(self.frame["dimension"] == dimension) & self.frame["value"].notna()]
        return sorted(set(rows["item_id"]))

    def matrix(self, dimension: str, items: Sequence[str]) -> npt.NDArray[np.float64]:
        """Coders x items values (NaN where missing), rows in :meth:`coders` order, columns in ``items`` order."""
        rows = self.frame[self.frame["dimension"] == dimension]
        wide = rows.pivot(index="coder", columns="item_id", values="value")
        wide = wide.reindex(index=self.coders(dimension), columns=list(items))
        return wide.to_numpy(dtype=np.float64)

    def subset(self, items: Iterable[str]) -> HumanCodes:
        """The same codes restricted to ``items``."""
        keep = set(items)
        return HumanCodes(
            rubric=self.rubric,
            frame=self.frame[self.frame["item_id"].isin(keep)].reset_index(drop=True),
            source=self.source,
            coder_ids=self.coder_ids,
            items=self.items[self.items["item_id"].isin(keep)].reset_index(drop=True),
        )


def build_codes(
    records: Iterable[CodeRecord],
    rubric: Rubric,
    *,
    source: str,
    coder_ids: CoderIds,
    items: Iterable[Mapping[str, object]] | None = None,
) -> HumanCodes:
    """Canonicalise raw records into :class:`HumanCodes`.

    ``items`` are per-item metadata records, each with ``item_id`` and further fields such as ``system``.

    Raises:
        CodesError: naming ``source``, the record's line and the value, for an unknown dimension, an off-scale
            value or a repeated (item, dimension, coder).
    """
    rows: list[tuple[str, str, str, float, bool]] = []
    seen: dict[tuple[str, str, str], int | None] = {}
    for record in records:
        try:
            dimension = rubric.dimension(record.dimension)
        except KeyError:
            known = [d.id for d in rubric.dimensions]
            raise CodesError(source, record.line, f"dimension {record.dimension!r} is not in rubric "
                             f"{rubric.name} ({known})") from None  # fmt: skip
        item = _id(record.item_id, source, record.line, "item id")
        coder = _id(record.coder, source, record.line, "coder")
        key = (item, dimension.id, coder)
        if key in seen:
            first = seen[key]
            where = f" (first at line {first})" if first is not None else ""
            raise CodesError(
                source, record.line, f"repeated code for item {item!r}, {dimension.id}, coder {coder!r}{where}"
            )
        seen[key] = record.line
        try:
            value, na = canonical_value(record.value, dimension)
        except ValueError as exc:
            raise CodesError(source, record.line, str(exc)) from None
        rows.append((item, dimension.id, coder, math.nan if value is None else float(value), na))
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame = frame.astype({"item_id": str, "dimension": str, "coder": str, "value": "float64", "na": bool})
    meta = pd.DataFrame(list(items)) if items is not None else pd.DataFrame()
    if "item_id" not in meta.columns:
        meta = pd.DataFrame({"item_id": pd.Series(dtype=str)})
    meta = meta.astype({"item_id": str})
    return HumanCodes(rubric=rubric, frame=frame, source=source, coder_ids=coder_ids, items=meta)


def _id(raw: object, source: str, line: int | None, what: str) -> str:
    if isinstance(raw, bool) or raw is None or (isinstance(raw, float) and not raw.is_integer()):
        raise CodesError(source, line, f"{what} {raw!r} is not an id")
    text = str(int(raw)) if isinstance(raw, float) else str(raw).strip()
    if not text:
        raise CodesError(source, line, f"empty {what}")
    return text


_LONG_ALIASES = {"item": "item_id", "item_id": "item_id", "dimension": "dimension", "coder": "coder", "value": "value"}


def read_long_codes(path: Path, rubric: Rubric, *, coder_ids: CoderIds = "stable") -> HumanCodes:
    """Read a long table of codes: CSV, JSONL or Parquet.

    Columns: ``item`` (or ``item_id``), ``dimension``, ``coder``, ``value``; further columns are kept as per-item
    metadata (first row per item). Ids are read as text (``"00123"`` stays ``"00123"``); in errors the CSV header
    is line 1.

    Raises:
        CodesError: naming the file and line for an unreadable file, a missing column or a bad value.
    """
    records: list[CodeRecord] = []
    items: dict[str, dict[str, object]] = {}
    for row in read_rows(path, required=("item_id", "dimension", "coder", "value"), aliases=_LONG_ALIASES):
        fields = row.fields
        records.append(
            CodeRecord(
                item_id=fields["item_id"],
                dimension=str(fields["dimension"]),
                coder=fields["coder"],
                value=fields["value"],
                line=row.line,
            )
        )
        extra = {k: v for k, v in fields.items() if k not in _LONG_ALIASES.values()}
        if extra:
            item_id = _id(fields["item_id"], str(path), row.line, "item id")  # the same key as the codes use
            items.setdefault(item_id, {"item_id": item_id, **extra})
    return build_codes(records, rubric, source=str(path), coder_ids=coder_ids, items=list(items.values()) or None)


@dataclass(frozen=True)
class AlignedDimension:
    """A run's judgments and the human codes on the items both have, for one dimension."""

    dimension: Dimension
    """The dimension (its scale gives labels and level of measurement)."""

    items: tuple[str, ...]
    """Items with a scored judge level and at least one human value."""

    judge: npt.NDArray[np.float64]
    """Judge levels, shape (N,)."""

    humans: npt.NDArray[np.float64]
    """Human values, coders x items (M, N), NaN where missing."""

    coders: tuple[str, ...]
    """Row labels of ``humans``."""

    excluded: dict[str, int]
    """Coded items left out, by reason: the judgment's unscored status, ``judge_na``, ``not_judged``."""


def check_same_rubric(codes: HumanCodes, run: Run) -> None:
    """Codes and a run are comparable only on the same rubric (digest).

    Raises:
        AlignmentError: naming both rubrics when they differ.
    """
    if run.manifest.judge.rubric_digest != codes.rubric.digest:
        raise AlignmentError(
            f"run {run.manifest.run_id} used rubric {run.manifest.judge.rubric}, the codes are on "
            f"{codes.rubric.name} (digests differ); calibrate a judge on the rubric its codes use"
        )


def align(codes: HumanCodes, run: Run, dimension_id: str, *, items: Iterable[str] | None = None) -> AlignedDimension:
    """Pair a run's judgments with the codes of one dimension (optionally restricted to ``items``).

    Raises:
        AlignmentError: when the run's rubric differs from the codes' rubric, or the run did not grade the dimension.
    """
    check_same_rubric(codes, run)
    if dimension_id not in run.manifest.dimensions:
        raise AlignmentError(f"run {run.manifest.run_id} did not grade dimension {dimension_id!r}")
    dimension = codes.rubric.dimension(dimension_id)
    coded = codes.item_ids(dimension_id)
    if items is not None:
        wanted = set(items)
        coded = [i for i in coded if i in wanted]
    judgments = {j.transcript_id: j for j in run.judgments if j.dimension == dimension_id}
    excluded: dict[str, int] = {}
    kept: list[str] = []
    levels: list[float] = []
    for item in coded:
        judgment = judgments.get(item)
        reason = None
        if judgment is None:
            reason = "not_judged"
        elif judgment.status != "ok":
            reason = judgment.status
        elif judgment.not_applicable:
            reason = "judge_na"
        if reason is not None:
            excluded[reason] = excluded.get(reason, 0) + 1
            continue
        assert judgment is not None and judgment.level is not None
        kept.append(item)
        levels.append(float(judgment.level))
    return AlignedDimension(
        dimension=dimension,
        items=tuple(kept),
        judge=np.asarray(levels, dtype=np.float64),
        humans=codes.matrix(dimension_id, kept),
        coders=tuple(codes.coders(dimension_id)),
        excluded=dict(sorted(excluded.items())),
    )
