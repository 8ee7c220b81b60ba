"""``assay calibrate`` and ``assay admit``: a run against held-out human codes, then the admission gate."""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Mapping
from pathlib import Path

import click

from assay.runs import RUNS_OPTION
from assay.tables import table
from calibration import (
    AdmissionPolicy,
    AgreementReport,
    SplitSpec,
    agreement_report,
    decide,
    load_policy,
    read_codes,
    registry_for,
    report_markdown,
)
from calibration.markdown import HEADERS, report_row
from judges import Run, find_run, load_run


def _common(function: click.decorators.FC) -> click.decorators.FC:
    options = [
        click.argument("run_id"),
        click.option("--human", "human", required=True, type=click.Path(exists=True, path_type=Path),
                      help="Human codes: a long table (item, dimension, coder, value) or a known dataset file."),
        click.option("--codes-format", default="auto", show_default=True,
                     help="long, fed, fed-turn, usr, dices, squality, abc-eval, llmbar-gold, tau2-reward."),
        click.option("--dimensions", help="Comma-separated dimension ids (default: all shared)."),
        click.option("--test-fraction", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.5,
                     show_default=True, help="Share of coded items held out as the test part."),
        click.option("--split-seed", type=int, default=0, show_default=True, help="Salt of the split hash."),
        click.option("--resamples", type=click.IntRange(min=0), default=1000, show_default=True,
                     help="Bootstrap resamples per interval."),
        RUNS_OPTION,
    ]  # fmt: skip
    for option in reversed(options):
        function = option(function)
    return function


def _report(run: Run, human: Path, codes_format: str, dimensions: str | None, part: str, test_fraction: float,
            split_seed: int, resamples: int) -> AgreementReport:  # fmt: skip
    rubric = run.manifest.rubric_source if codes_format in {"auto", "long"} else None
    codes = read_codes(human, format=codes_format, rubric=rubric)
    wanted = [d.strip() for d in dimensions.split(",")] if dimensions else None
    return agreement_report(
        run, codes, split=SplitSpec(seed=split_seed, test_fraction=test_fraction), part=part,  # type: ignore[arg-type]
        dimensions=wanted, n_resamples=resamples,
    )  # fmt: skip


def _print_table(report: AgreementReport) -> None:
    rows = [report_row(entry) for entry in report.dimensions]
    click.echo(f"judge {report.judge}  rubric {report.rubric}  codes {report.codes_source}")
    click.echo(f"split seed {report.split.seed}, test fraction {report.split.test_fraction}: {report.part} items")
    click.echo(table(HEADERS, rows))


def _write(
    run: Run, report: AgreementReport, markdown: str, stem: str, extra: Mapping[str, object] | None = None
) -> Path:
    base = run.path / f"{stem}-{report.part}-{report.codes_digest[7:15]}"
    payload = report.model_dump(mode="json")
    payload.update(extra or {})
    base.with_suffix(".json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    base.with_suffix(".md").write_text(markdown, encoding="utf-8")
    return base


@click.command("calibrate")
@_common
@click.option("--split", "part", type=click.Choice(["test", "dev", "all"]), default="test", show_default=True,
              help="Which coded items to report on (admission only ever uses test).")  # fmt: skip
def calibrate_command(run_id: str, human: Path, codes_format: str, dimensions: str | None, test_fraction: float,
                      split_seed: int, resamples: int, runs_dir: Path, part: str) -> None:  # fmt: skip
    """Compare run RUN_ID with human codes: kappa, weighted kappa, alpha, the human ceiling, with bootstrap CIs.

    Writes the report as JSON and Markdown into the run directory. Statistics that are undefined (a single
    category, too few coders, no pairs) are shown as undefined with the reason, never as 0 or 1.
    """
    run = load_run(find_run(runs_dir, run_id))
    report = _report(run, human, codes_format, dimensions, part, test_fraction, split_seed, resamples)
    _print_table(report)
    base = _write(run, report, report_markdown(report), "calibration")
    click.echo(f"report: {base}.md and .json")


@click.command("admit")
@_common
@click.option("--policy", "policy_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="YAML/JSON: statistic, threshold, min_items, ceiling_fraction, require_ceiling.")  # fmt: skip
def admit_command(run_id: str, human: Path, codes_format: str, dimensions: str | None, test_fraction: float,
                  split_seed: int, resamples: int, runs_dir: Path, policy_file: Path | None) -> None:  # fmt: skip
    """Admit or refuse the judge of run RUN_ID per dimension, on held-out test items only.

    Default policy: the lower 95% CI bound of kappa against the human consensus (quadratic-weighted on ordinal
    scales, unweighted on nominal ones) >= 0.6, at least 30 test items, and kappa >= 0.8 x the humans' own alpha
    on the same items. Decisions are recorded in
    the admissions registry (RUNS/admissions.jsonl). Exit code 0 only when every dimension is admitted.
    """
    run = load_run(find_run(runs_dir, run_id))
    policy = load_policy(policy_file) if policy_file else AdmissionPolicy()
    report = _report(run, human, codes_format, dimensions, "test", test_fraction, split_seed, resamples)
    decisions = decide(report, policy)
    registry = registry_for(runs_dir)
    registry.record(decisions)
    _print_table(report)
    click.echo("")
    rows = [[d.dimension, "ADMITTED" if d.admitted else "refused", "; ".join(d.reasons)] for d in decisions]
    click.echo(table(["dimension", "decision", "reasons"], rows))
    policy_id = hashlib.sha256(policy.model_dump_json().encode()).hexdigest()[:8]
    extra = {"policy": policy.model_dump(), "decisions": [d.model_dump(mode="json") for d in decisions]}
    base = _write(run, report, report_markdown(report, decisions), f"admission-policy-{policy_id}", extra)
    click.echo(f"recorded in {registry.path}; report: {base}.md")
    sys.exit(0 if decisions and all(d.admitted for d in decisions) else 1)
