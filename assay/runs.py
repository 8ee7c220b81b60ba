"""``assay runs list`` and ``assay runs show``."""

from __future__ import annotations

from pathlib import Path

import click

from assay.tables import summary_table, table
from judges import find_run, list_runs, load_run, summarise
from prompts import load_rubric

RUNS_OPTION = click.option(
    "--runs", "runs_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("runs"), show_default=True,
    help="Where runs (and the admissions registry) are looked up.",
)  # fmt: skip


@click.group("runs")
def runs_group() -> None:
    """List and inspect grading runs."""


@runs_group.command("list")
@RUNS_OPTION
def list_command(runs_dir: Path) -> None:
    """One line per run under --runs: id, start time, judge, rubric, size, state."""
    manifests = list_runs(runs_dir)
    if not manifests:
        click.echo(f"no runs under {runs_dir}")
        return
    rows = [
        [
            m.run_id,
            m.created_at.strftime("%Y-%m-%d %H:%M:%SZ"),
            m.judge.short,
            m.judge.rubric,
            f"{m.transcripts.count}x{len(m.dimensions)}",
            "complete" if m.completed_at else "incomplete",
        ]
        for m in manifests
    ]
    click.echo(table(["run", "started (UTC)", "judge", "rubric", "items", "state"], rows))


@runs_group.command("show")
@click.argument("run_id")
@RUNS_OPTION
def show_command(run_id: str, runs_dir: Path) -> None:
    """Per dimension: count per level (full scale), N/A, unscored by status, missing, mean level.

    RUN_ID may be a unique prefix of the id, or a run directory path.
    """
    run = load_run(find_run(runs_dir, run_id))
    click.echo(summary_table(summarise(run, load_rubric(run.manifest.rubric_source))))
