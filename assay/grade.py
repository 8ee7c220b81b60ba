"""``assay grade``: read transcripts, build the judge configuration, grade, print the run summary."""

from __future__ import annotations

from pathlib import Path

import click

from assay.tables import summary_table
from judges import (
    FORMATS,
    JudgeConfig,
    SourceProblem,
    check_backend,
    check_resumable,
    find_run,
    grade,
    new_run_id,
    read_manifest,
    read_transcripts,
    resume,
    summarise,
)
from prompts import load_rubric


def _options(pairs: tuple[str, ...]) -> dict[str, str | int | float | bool]:
    out: dict[str, str | int | float | bool] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{pair!r}: expected KEY=VALUE", param_hint="--option")
        out[key] = value
    return out


@click.command("grade")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--rubric", default="interaction-v1", show_default=True, help="Shipped rubric name or a YAML path.")
@click.option("--judge", default="local", show_default=True, help="Backend or backend/model: local, fake/hash.")
@click.option("--model-path", type=click.Path(dir_okay=False, path_type=Path), help="A GGUF file for --judge local.")
@click.option("--template", default="level-v1", show_default=True, help="Prompt template name or YAML path.")
@click.option("--dimensions", help="Comma-separated dimension ids (default: all).")
@click.option("--format", "fmt", type=click.Choice(["auto", *FORMATS]), default="auto", show_default=True,
              help="Transcript format (default: detected per file).")  # fmt: skip
@click.option("--limit", type=click.IntRange(min=1), help="Grade only the first N transcripts (input order).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("runs"), show_default=True,
              help="Where the run directory is written (and looked up for --resume).")  # fmt: skip
@click.option("--resume", "resume_id", metavar="RUN_ID", help="Finish an interrupted run (PATHS default to its own).")
@click.option("--concurrency", type=click.IntRange(min=1), default=1, show_default=True, help="Requests in flight.")
@click.option("--context-tokens", type=click.IntRange(min=256), help="Local model context (default: model's, <=8192).")
@click.option("--threads", type=click.IntRange(min=1), help="CPU threads for the local model (default: all cores).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=120.0, show_default=True,
              help="Seconds allowed per request.")  # fmt: skip
@click.option("--max-failure-rate", type=click.FloatRange(0, 1), default=0.5, show_default=True,
              help="Stop when more than this share of judgments fails.")  # fmt: skip
@click.option("--option", "options", multiple=True, metavar="KEY=VALUE", help="Backend option (repeatable).")
@click.option("--progress/--no-progress", default=True, show_default=True, help="Show the progress bar.")
def grade_command(
    paths: tuple[Path, ...],
    rubric: str,
    judge: str,
    model_path: Path | None,
    template: str,
    dimensions: str | None,
    fmt: str,
    limit: int | None,
    out: Path,
    resume_id: str | None,
    concurrency: int,
    context_tokens: int | None,
    threads: int | None,
    timeout: float,
    max_failure_rate: float,
    options: tuple[str, ...],
    progress: bool,
) -> None:
    """Grade transcripts in PATHS against a rubric and write a run to OUT/<run_id>/.

    PATHS are chat JSONL files ({"id", "messages", "metadata"} per line), tau-bench trajectory files or
    tau2-bench simulation files; the format is detected unless --format says it. Records that cannot be read
    are reported with file and line and left out; the others are graded. Each judgment is appended to
    judgments.jsonl as soon as it is made, so an interrupted run loses nothing: finish it with --resume.
    """
    if resume_id is not None:
        run_dir = find_run(out, resume_id)
        manifest = read_manifest(run_dir)
        check_resumable(manifest)  # before re-reading its sources
        sources = [Path(s) for s in manifest.transcripts.sources]
        if paths and sorted(p.resolve() for p in paths) != sorted(sources):
            raise click.UsageError(
                f"--resume {resume_id}: PATHS differ from the run's sources ({', '.join(map(str, sources))})"
            )
        result = read_transcripts(sources, format=fmt)
        _report_problems(result.problems)
        transcripts = list(result.transcripts)[: manifest.transcripts.limit]
        rubric_obj = load_rubric(manifest.rubric_source)
        click.echo(f"run {manifest.run_id}: resuming in {run_dir}", err=True)
        run = resume(run_dir, transcripts, rubric_obj, progress=progress)
    else:
        if not paths:
            raise click.UsageError("give at least one transcript file (or --resume RUN_ID)")
        config = JudgeConfig(
            judge=judge,
            model_path=str(model_path) if model_path else None,
            template=template,
            context_tokens=context_tokens,
            options=_options(options),
            timeout_s=timeout,
            concurrency=concurrency,
            threads=threads,
            max_failure_rate=max_failure_rate,
            progress=progress,
        )
        check_backend(config)  # before any reading or grading starts
        rubric_obj = load_rubric(rubric)
        selected = rubric_obj.select(_split(dimensions))
        result = read_transcripts(list(paths), format=fmt)
        _report_problems(result.problems)
        transcripts = list(result.transcripts)[:limit]
        if not transcripts:
            raise click.UsageError("no readable transcripts in the given files")
        run_id = new_run_id()
        click.echo(
            f"run {run_id}: grading {_count(len(transcripts), 'transcript')} x {_count(len(selected), 'dimension')} "
            f"with {judge} into {out / run_id}",
            err=True,
        )
        run = grade(
            transcripts,
            rubric_obj,
            config,
            out_dir=out,
            rubric_source=str(Path(rubric).resolve()) if Path(rubric).is_file() else rubric,
            dimensions=_split(dimensions),
            sources=[str(p) for p in paths],
            limit=limit,
            input_problems=[str(p) for p in result.problems],
            run_id=run_id,
        )
    click.echo(summary_table(summarise(run, rubric_obj)))
    if result.problems:
        click.secho(f"{_count(len(result.problems), 'input record')} could not be read and were left out "
                    "(listed above and in the manifest)", fg="yellow", err=True)  # fmt: skip


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _report_problems(problems: tuple[SourceProblem, ...]) -> None:
    for problem in problems:
        click.secho(f"skipped {problem}", fg="yellow", err=True)


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None
