"""``assay profile``: alignment profiles of the systems in one or more runs, from admitted judges only."""

from __future__ import annotations

from pathlib import Path

import click

from assay.runs import RUNS_OPTION
from assay.tables import table
from calibration import registry_for
from judges import find_run, load_run
from profiles import build_profile, render_html, render_markdown, write_tables


@click.command("profile")
@click.argument("run_ids", nargs=-1, required=True)
@click.option("--by", default="model,scaffold", show_default=True,
              help="Grouping axes: metadata fields (model, scaffold, domain, task_id, ...) or extra keys.")  # fmt: skip
@click.option("--provisional", is_flag=True,
              help="Show judges that are not admitted, every such cell marked provisional.")  # fmt: skip
@click.option("--template", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Your own Markdown template ($title, $evidence, $table, ... sections).")  # fmt: skip
@click.option("--resamples", type=click.IntRange(min=1), default=1000, show_default=True, help="Bootstrap resamples.")
@RUNS_OPTION
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the report (default: RUNS/profile-<first run id>).")  # fmt: skip
def profile_command(run_ids: tuple[str, ...], by: str, provisional: bool, template: Path | None, resamples: int,
                    runs_dir: Path, out: Path | None) -> None:  # fmt: skip
    """Profile the systems graded in RUN_IDS ("latest" names the newest run) over the rubric's dimensions.

    Only judgments from judges admitted for a dimension (RUNS/admissions.jsonl) count; a dimension without one is
    a named gap. Writes profile.md, profile.html (plots), profile.json and the tables as CSV and Parquet.
    """
    runs = [load_run(find_run(runs_dir, run_id)) for run_id in run_ids]
    axes = [a.strip() for a in by.split(",") if a.strip()]
    report = build_profile(runs, registry_for(runs_dir), by=axes, provisional=provisional, n_resamples=resamples)
    markdown = render_markdown(report, template.read_text(encoding="utf-8") if template else None)
    target = out or runs_dir / f"profile-{runs[0].manifest.run_id}"
    target.mkdir(parents=True, exist_ok=True)
    (target / "profile.md").write_text(markdown, encoding="utf-8")
    (target / "profile.json").write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
    (target / "profile.html").write_text(render_html(report, markdown=markdown), encoding="utf-8")
    write_tables(report, target)
    headers = ["system", *report.dimensions]
    rows = []
    for system in report.systems:
        row = [system.key]
        for dimension in report.dimensions:
            cell = report.cell(system.key, dimension)
            row.append("GAP" if cell.status == "gap" else "-" if cell.mean is None else
                       f"{cell.mean:.2f}{'*' if cell.status == 'provisional' else ''}")  # fmt: skip
        rows.append(row)
    click.echo(table(headers, rows))
    if provisional:
        click.secho("* provisional: the judge is not admitted for this dimension; not a measurement", fg="yellow")
    gaps = [d for d in report.dimensions if any(c.dimension == d and c.status == "gap" for c in report.cells)]
    if gaps:
        click.echo(f"GAP (no admitted judge): {', '.join(gaps)}")
    click.echo(f"report: {target / 'profile.md'} and profile.html, profile.json, profile_*.csv/.parquet")
