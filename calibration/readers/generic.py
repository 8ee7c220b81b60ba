"""Judge labels made elsewhere, as a long table: one row per (item, dimension, judge).

Columns (case-insensitive): ``item`` or ``item_id``, ``dimension``, ``judge``, ``label`` and optionally
``rationale``; further columns are ignored. Formats: CSV (UTF-8, header on line 1), JSONL (one object per line)
and Parquet. Ids are text: ``"00123"`` stays ``"00123"`` (CSV and JSONL strings are never parsed as numbers; an
integral number in JSONL or Parquet becomes its decimal text). Labels go through :func:`label_judgment`: a level
value, a level label, N/A text or a ``mapping`` entry; anything else is an ``out_of_range`` judgment, a blank label
a ``parse_error`` one, never a guessed level.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from calibration.errors import CodesError
from calibration.imports import ImportedJudge, label_judgment, write_imported_run
from calibration.table import read_rows
from judges import Judgment, Run
from prompts import Rubric

_ALIASES = {"item": "item_id", "item_id": "item_id", "dimension": "dimension", "judge": "judge", "label": "label",
            "rationale": "rationale"}  # fmt: skip
_REQUIRED = ("item_id", "dimension", "judge", "label")


def import_long_judgments(
    path: Path,
    rubric: Rubric,
    *,
    rubric_source: str,
    out_dir: Path,
    mapping: Mapping[str, int | None] | None = None,
) -> list[Run]:
    """Write a long table of judge labels as one run per distinct ``judge``.

    Args:
        path: a ``.csv``, ``.jsonl``/``.ndjson`` or ``.parquet`` file.
        rubric: the rubric the labels are on.
        rubric_source: the rubric's name or path, as recorded in the manifests.
        out_dir: where the run directories are created.
        mapping: label text -> level value (``None`` for N/A), applied before the scale's own values and labels.

    Returns:
        One run per judge, in order of first appearance, with ``ImportedJudge(model=<judge>, prompt="imported")``.
        Every run's items are all items of the file (in order of first appearance), so an item a judge did not
        label shows up as a missing judgment.

    Raises:
        CodesError: naming the file and line (CSV: the header is line 1; JSONL: the line; Parquet: the 1-based
            row) for an unreadable file, a missing column, an empty id, a dimension not in ``rubric``, or a
            repeated (judge, item, dimension).
    """
    source = str(path)
    known = {d.id for d in rubric.dimensions}
    items: dict[str, None] = {}
    per_judge: dict[str, list[Judgment]] = {}
    first_line: dict[tuple[str, str, str], int | None] = {}
    for row in read_rows(path, required=_REQUIRED, aliases=_ALIASES):
        item = _text(row.fields["item_id"], "item id", source, row.line)
        judge = _text(row.fields["judge"], "judge", source, row.line)
        dimension_id = _text(row.fields["dimension"], "dimension", source, row.line)
        if dimension_id not in known:
            raise CodesError(source, row.line, f"dimension {dimension_id!r} is not in rubric {rubric.name} "
                             f"({sorted(known)})")  # fmt: skip
        key = (judge, item, dimension_id)
        if key in first_line:
            first = first_line[key]
            where = f" (first at line {first})" if first is not None else ""
            raise CodesError(source, row.line, f"repeated label for item {item!r}, {dimension_id}, judge {judge!r}"
                             f"{where}")  # fmt: skip
        first_line[key] = row.line
        rationale = row.fields.get("rationale")
        text = rationale.strip() if isinstance(rationale, str) else None
        judgment = label_judgment(item, rubric.dimension(dimension_id), row.fields["label"], mapping=mapping,
                                  rationale=text or None)  # fmt: skip
        items.setdefault(item, None)
        per_judge.setdefault(judge, []).append(judgment)
    if not per_judge:
        raise CodesError(source, None, "no labels")
    return [
        write_imported_run(
            judgments,
            judge=ImportedJudge(model=judge, prompt="imported"),
            rubric=rubric,
            rubric_source=rubric_source,
            sources=[path],
            items=list(items),
            out_dir=out_dir,
            mapping=mapping,
        )
        for judge, judgments in per_judge.items()
    ]


def _text(raw: object, what: str, source: str, line: int | None) -> str:
    if isinstance(raw, str):
        text = raw.strip()
    elif isinstance(raw, int) and not isinstance(raw, bool):
        text = str(raw)
    elif isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    elif raw is None:
        text = ""
    else:
        raise CodesError(source, line, f"{what} {raw!r} is not text")
    if not text:
        raise CodesError(source, line, f"empty {what}")
    return text
