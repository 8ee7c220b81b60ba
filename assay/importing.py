"""``assay import``: judge outputs made elsewhere become ordinary runs."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import click

from calibration import import_outputs


@click.command("import")
@click.argument("format", type=click.Choice(["abc-eval", "abc-eval-specialized", "llmbar", "long", "tau2-judges"]))
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--rubric", help="Rubric of the labels (needed for the long format).")
@click.option("--mapping", "mapping_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSON: off-schema label -> level (null for N/A). Unmapped labels stay unscored.")  # fmt: skip
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("runs"), show_default=True,
              help="Where the runs are written.")  # fmt: skip
def import_command(
    format: str, paths: tuple[Path, ...], rubric: str | None, mapping_file: Path | None, out: Path
) -> None:
    """Import judge labels in FORMAT from PATHS as runs (one run per judge configuration).

    \b
    abc-eval        ABC-Eval behavior-classification-results.json (GPT-3.5 labels)
    llmbar          an LLMBar folder with <subset>/llm_judges_vanilla.json (six judges x two orders)
    tau2-judges     tau2-bench judge_<prompt>.json files (one run per prompt)
    long            a CSV/JSONL/Parquet table: item, dimension, judge, label [, rationale] (needs --rubric)
    """
    mapping = json.loads(mapping_file.read_text(encoding="utf-8")) if mapping_file else None
    runs = import_outputs(format, list(paths), out_dir=out, rubric=rubric, mapping=mapping)
    for run in runs:
        statuses = Counter(judgment.status for judgment in run.judgments)
        counts = ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
        click.echo(f"{run.manifest.run_id}  {run.manifest.judge.short}  {run.manifest.judge.template}  {counts}")
