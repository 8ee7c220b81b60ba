"""Plain-text tables for the terminal."""

from __future__ import annotations

from collections.abc import Sequence

from judges import RunSummary


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Columns of numbers (or "-") are right-aligned, text columns left-aligned."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [all(_is_number(row[i]) for row in cells[1:]) and len(cells) > 1 for i in range(len(headers))]

    def line(row: list[str]) -> str:
        parts = [c.rjust(w) if right else c.ljust(w) for c, w, right in zip(row, widths, numeric, strict=True)]
        return "  ".join(parts).rstrip()

    return "\n".join([line(cells[0]), "  ".join("-" * w for w in widths), *(line(r) for r in cells[1:])])


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return text == "-"
    return True


def summary_table(summary: RunSummary) -> str:
    """Per-dimension levels (full scale), N/A, unscored by status, missing; then the run's totals."""
    level_values = sorted({v for d in summary.dimensions for v in d.levels})
    statuses = sorted({s for d in summary.dimensions for s in d.unscored})
    headers = ["dimension", *(f"L{v}" for v in level_values), "N/A", *statuses, "missing", "mean"]
    rows = []
    for d in summary.dimensions:
        rows.append(
            [
                d.dimension,
                *(d.levels.get(v, "-") for v in level_values),
                d.not_applicable,
                *(d.unscored.get(s, 0) for s in statuses),
                d.missing,
                "-" if d.mean is None else f"{d.mean:.2f}",
            ]
        )
    state = "complete" if summary.complete else "INCOMPLETE (resume with: assay grade --resume " + summary.run_id + ")"
    counts = ", ".join(f"{k} {v}" for k, v in summary.statuses.items()) or "none"
    lines = [
        f"run {summary.run_id}  judge {summary.judge}  transcripts {summary.transcripts}  {state}",
        table(headers, rows),
        f"judgments: {counts}; duplicates {summary.duplicates}",
    ]
    if not summary.imported:
        lines.append(
            f"prompt tokens evaluated {summary.prompt_tokens:,}, reused from cache {summary.cached_tokens:,}; "
            f"judge time {summary.judge_seconds:.1f} s"
        )
    return "\n".join(lines)
