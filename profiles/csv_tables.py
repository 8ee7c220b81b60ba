"""Write a `ProfileReport`'s cells and comparisons as flat tables (CSV and Parquet) for analysis elsewhere.

``profile_cells`` has one row per system x dimension: ``system``, one column per grouping axis, ``dimension``,
``status``, ``gap_reason``, ``judges`` (``;``-joined), ``n_scored``, ``n_na``, ``unscored_<status>`` for every
unscored status in the report, ``level_<v>`` for every scale value of any dimension (empty where ``v`` is not
on that dimension's scale), ``mean``, ``ci_low``, ``ci_high`` and ``judge_agreement``. ``profile_comparisons``
has one row per `Comparison`. The Parquet and CSV files hold the same rows and columns.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from profiles.model import ProfileReport

CELLS_STEM = "profile_cells"
"""File name (without suffix) of the cells table."""

COMPARISONS_STEM = "profile_comparisons"
"""File name (without suffix) of the comparisons table."""

_FIXED = frozenset(
    {"system", "dimension", "status", "gap_reason", "judges", "n_scored", "n_na", "mean", "ci_low", "ci_high"}
    | {"judge_agreement"}
)
_COMPARISON_COLUMNS = ("dimension", "a", "b", "difference", "ci_low", "ci_high", "provisional", "clear")


def write_tables(report: ProfileReport, out_dir: Path) -> list[Path]:
    """Write ``profile_cells`` and ``profile_comparisons`` as ``.csv`` and ``.parquet`` into ``out_dir``.

    Args:
        report: The profiles to write; every value is copied from it, nothing is recomputed.
        out_dir: The directory to write into (created if missing); existing files of these names are replaced.

    Returns:
        The written paths: cells CSV, cells Parquet, comparisons CSV, comparisons Parquet.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, frame in ((CELLS_STEM, _cells_frame(report)), (COMPARISONS_STEM, _comparisons_frame(report))):
        csv, parquet = out_dir / f"{stem}.csv", out_dir / f"{stem}.parquet"
        frame.to_csv(csv, index=False)
        frame.to_parquet(parquet, index=False)
        written += [csv, parquet]
    return written


def _axis_column(axis: str) -> str:
    # an axis may share its name with a fixed column (say, a metadata key "status"); the fixed column wins
    return f"axis_{axis}" if axis in _FIXED or axis.startswith(("unscored_", "level_")) else axis


def _cells_frame(report: ProfileReport) -> pd.DataFrame:
    axes = {s.key: s.axes for s in report.systems}
    statuses = sorted({status for cell in report.cells for status in cell.unscored})
    values = sorted({v for levels in report.levels.values() for v in levels})
    rows = []
    for cell in report.cells:
        row: dict[str, object] = {"system": cell.system}
        row.update({_axis_column(a): axes.get(cell.system, {}).get(a, "unknown") for a in report.by})
        row.update(
            dimension=cell.dimension,
            status=cell.status,
            gap_reason=cell.gap_reason,
            judges=";".join(cell.judges) or None,
            n_scored=cell.n_scored,
            n_na=cell.n_na,
        )
        row.update({f"unscored_{s}": cell.unscored.get(s, 0) for s in statuses})
        scale = report.levels.get(cell.dimension, ())
        row.update({f"level_{v}": cell.distribution.get(v, 0) if v in scale else None for v in values})
        row.update(mean=cell.mean, ci_low=cell.ci_low, ci_high=cell.ci_high, judge_agreement=cell.judge_agreement)
        rows.append(row)
    axis_columns = [_axis_column(a) for a in report.by]
    counts = ["n_scored", "n_na", *(f"unscored_{s}" for s in statuses), *(f"level_{v}" for v in values)]
    text = ["system", *axis_columns, "dimension", "status", "gap_reason", "judges"]
    floats = ["mean", "ci_low", "ci_high", "judge_agreement"]
    frame = pd.DataFrame(rows, columns=[*text, *counts, *floats])
    return frame.astype(
        {**dict.fromkeys(text, "string"), **dict.fromkeys(counts, "Int64"), **dict.fromkeys(floats, "float64")}
    )


def _comparisons_frame(report: ProfileReport) -> pd.DataFrame:
    rows = [
        (c.dimension, c.a, c.b, c.difference, c.ci_low, c.ci_high, c.provisional, c.clear) for c in report.comparisons
    ]
    frame = pd.DataFrame(rows, columns=list(_COMPARISON_COLUMNS))
    return frame.astype(
        {
            **dict.fromkeys(["dimension", "a", "b"], "string"),
            **dict.fromkeys(["difference", "ci_low", "ci_high"], "float64"),
            **dict.fromkeys(["provisional", "clear"], "bool"),
        }
    )
