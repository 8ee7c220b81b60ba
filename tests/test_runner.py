"""The grading engine with the fake backend: completeness, resume (also after kill -9), failures as records."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from judges import (
    Completion,
    JudgeConfig,
    JudgeRequest,
    RunError,
    RunLogError,
    Transcript,
    Verdict,
    grade,
    load_run,
    read_transcripts,
    resume,
)
from judges.runner import _to_judgments
from prompts import load_rubric, load_template, render

RUBRIC = load_rubric("interaction-v1")


def _transcripts(files: list[Path]) -> list[Transcript]:
    result = read_transcripts(files)
    assert result.problems == ()
    return list(result.transcripts)


def _config(**options: object) -> JudgeConfig:
    extra = {k: options.pop(k) for k in list(options) if k in {"latency", "fail_rate", "na_rate"}}
    return JudgeConfig(judge="fake/hash", options=extra, progress=False, **options)  # type: ignore[arg-type]


def _interrupted(run_dir: Path) -> None:
    """Make a finished run look like one that was stopped before it finished."""
    manifest = json.loads((run_dir / "manifest.json").read_text())
    manifest["completed_at"] = None
    (run_dir / "manifest.json").write_text(json.dumps(manifest))


def _lines(run_dir: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (run_dir / "judgments.jsonl").read_text().splitlines()]


def test_grade_writes_manifest_and_every_judgment(tmp_path: Path, bundled_files: list[Path]) -> None:
    transcripts = _transcripts(bundled_files)
    run = grade(transcripts, RUBRIC, _config(), out_dir=tmp_path, rubric_source="interaction-v1",
                sources=[str(p) for p in bundled_files])  # fmt: skip
    assert run.complete and run.duplicates == 0
    assert len(run.judgments) == len(transcripts) * len(RUBRIC.dimensions) == 48
    assert {j.key for j in run.judgments} == {(t.id, d.id) for t in transcripts for d in RUBRIC.dimensions}
    assert all(j.status == "ok" for j in run.judgments)
    manifest = json.loads((run.path / "manifest.json").read_text())
    assert list(manifest)[:4] == ["schema_version", "run_id", "created_at", "completed_at"]
    assert manifest["judge"]["rubric_digest"] == RUBRIC.digest
    assert manifest["judge"]["template_digest"] == load_template("level-v1").digest
    assert manifest["transcripts"]["count"] == 6
    assert manifest["environment"]["packages"]["pydantic"]
    # Grading order is transcript-major, so the local judge can reuse each transcript's evaluated prefix.
    order = [j.transcript_id for j in run.judgments]
    assert order == sorted(order, key=[t.id for t in transcripts].index)


def test_fake_judge_is_deterministic_across_runs(tmp_path: Path, bundled_files: list[Path]) -> None:
    transcripts = _transcripts(bundled_files)
    a = grade(transcripts, RUBRIC, _config(), out_dir=tmp_path, rubric_source="interaction-v1")
    b = grade(transcripts, RUBRIC, _config(), out_dir=tmp_path, rubric_source="interaction-v1")
    assert a.manifest.run_id != b.manifest.run_id
    assert a.manifest.judge_digest == b.manifest.judge_digest
    assert [(j.key, j.level, j.not_applicable) for j in a.judgments] == [
        (j.key, j.level, j.not_applicable) for j in b.judgments
    ]
    c = grade(transcripts, RUBRIC, _config(seed=1), out_dir=tmp_path, rubric_source="interaction-v1")
    assert c.manifest.judge_digest != a.manifest.judge_digest


def test_resume_after_kill_9_loses_and_duplicates_nothing(tmp_path: Path, bundled_files: list[Path]) -> None:
    out = tmp_path / "runs"
    command = [sys.executable, "-m", "assay", "grade", *map(str, bundled_files), "--judge", "fake/hash",
               "--option", "latency=0.05", "--no-progress", "--out", str(out)]  # fmt: skip
    with (tmp_path / "stderr.txt").open("wb") as stderr:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr)
    deadline = time.monotonic() + 60
    judgments: Path | None = None
    while time.monotonic() < deadline:
        found = list(out.glob("*/judgments.jsonl"))
        if found and len(found[0].read_text().splitlines()) >= 10:
            judgments = found[0]
            break
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    assert judgments is not None, "the run never got going"
    run_dir = judgments.parent
    before = len(_lines(run_dir))
    assert 10 <= before < 48, before
    assert json.loads((run_dir / "manifest.json").read_text())["completed_at"] is None

    finished = subprocess.run(
        [sys.executable, "-m", "assay", "grade", "--resume", run_dir.name, "--out", str(out), "--no-progress"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr
    lines = _lines(run_dir)
    keys = [(line["transcript_id"], line["dimension"]) for line in lines]
    assert len(keys) == len(set(keys)) == 48
    run = load_run(run_dir)
    assert run.complete and run.duplicates == 0 and len(run.manifest.resumed_at) == 1
    # Same answers as an uninterrupted run: nothing was redone differently.
    reference = grade(_transcripts(bundled_files), RUBRIC, _config(latency=0.05), out_dir=tmp_path / "ref",
                      rubric_source="interaction-v1")  # fmt: skip
    assert {j.key: (j.level, j.not_applicable) for j in run.judgments} == {
        j.key: (j.level, j.not_applicable) for j in reference.judgments
    }


def test_torn_last_line_is_dropped_and_redone(tmp_path: Path, bundled_files: list[Path]) -> None:
    transcripts = _transcripts(bundled_files)[:2]
    run = grade(transcripts, RUBRIC, _config(), out_dir=tmp_path, rubric_source="interaction-v1")
    path = run.path / "judgments.jsonl"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:5]) + lines[5][:30])  # a kill in the middle of a write
    _interrupted(run.path)
    resumed = resume(run.path, transcripts, RUBRIC, progress=False)
    assert len(resumed.judgments) == 16 and resumed.duplicates == 0
    assert all(line.endswith("\n") for line in path.read_text().splitlines(keepends=True))


def test_corrupt_line_in_the_middle_is_an_error_naming_file_and_line(tmp_path: Path, bundled_files: list[Path]) -> None:
    run = grade(_transcripts(bundled_files)[:1], RUBRIC, _config(), out_dir=tmp_path, rubric_source="interaction-v1")
    path = run.path / "judgments.jsonl"
    lines = path.read_text().splitlines(keepends=True)
    lines[2] = '{"transcript_id": "x"}\n'
    path.write_text("".join(lines))
    with pytest.raises(RunLogError, match=rf"{path}:3: corrupt judgment record"):
        load_run(run.path)


def test_resume_refuses_other_transcripts_or_judge(tmp_path: Path, bundled_files: list[Path]) -> None:
    transcripts = _transcripts(bundled_files)
    run = grade(transcripts[:2], RUBRIC, _config(), out_dir=tmp_path, rubric_source="interaction-v1")
    with pytest.raises(RunLogError, match="already complete"):
        resume(run.path, transcripts[:2], RUBRIC)
    _interrupted(run.path)
    with pytest.raises(RunLogError, match="transcripts differ"):
        resume(run.path, transcripts[:3], RUBRIC)
    manifest = json.loads((run.path / "manifest.json").read_text())
    manifest["config"]["options"] = {"na_rate": 0.5}  # another judge than the one that started the run
    (run.path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(RunLogError, match="the judge differs"):
        resume(run.path, transcripts[:2], RUBRIC)


def test_failures_are_records_and_a_failing_run_stops(tmp_path: Path, bundled_files: list[Path]) -> None:
    transcripts = _transcripts(bundled_files)
    config = _config(fail_rate=1.0, max_retries=0, min_judgments=10, max_failure_rate=0.5)
    with pytest.raises(
        RunError, match=r"stopped: 10 of 10 judgments failed.*finish it with: assay grade --resume \S+ --out "
    ):
        grade(transcripts, RUBRIC, config, out_dir=tmp_path, rubric_source="interaction-v1")
    (run_dir,) = tmp_path.iterdir()
    lines = _lines(run_dir)
    assert len(lines) == 10
    assert {line["status"] for line in lines} == {"transport_error"}
    assert all(line["level"] is None and line["attempts"] == 1 for line in lines)


def test_retryable_failures_are_retried_and_counted(tmp_path: Path, bundled_files: list[Path]) -> None:
    transcripts = _transcripts(bundled_files)[:1]
    config = _config(fail_rate=1.0, max_retries=2, max_failure_rate=1.0)
    run = grade(transcripts, RUBRIC, config, out_dir=tmp_path, rubric_source="interaction-v1",
                dimensions=["task_outcome"])  # fmt: skip
    (judgment,) = run.judgments
    assert judgment.status == "transport_error" and judgment.attempts == 3


def test_timeout_is_a_typed_status(tmp_path: Path, bundled_files: list[Path]) -> None:
    transcripts = _transcripts(bundled_files)[:1]
    config = _config(latency=5.0, timeout_s=0.1, max_retries=0, max_failure_rate=1.0)
    run = grade(transcripts, RUBRIC, config, out_dir=tmp_path, rubric_source="interaction-v1",
                dimensions=["task_outcome", "grounding_repair"])  # fmt: skip
    assert [j.status for j in run.judgments] == ["timeout", "timeout"]
    assert run.complete


def test_verdicts_off_the_scale_are_out_of_range_never_clipped(bundled_files: list[Path]) -> None:
    transcript = _transcripts(bundled_files)[0]
    intent = RUBRIC.dimension("intent_clarification")  # N/A not allowed
    request = JudgeRequest(
        transcript=transcript,
        dimensions=(intent,),
        messages=render(load_template("level-v1"), transcript.render(), RUBRIC, (intent,)),
    )
    cases = [
        (Verdict(dimension=intent.id, level=3), "out_of_range"),
        (Verdict(dimension=intent.id, not_applicable=True), "out_of_range"),
        (Verdict(dimension="other", level=1), "parse_error"),
        (Verdict(dimension=intent.id, level=2), "ok"),
    ]
    for verdict, status in cases:
        (judgment,) = _to_judgments(request, Completion(verdicts=(verdict,)))
        assert judgment.status == status
        assert (judgment.level is None) == (status != "ok")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_stops_cleanly_and_says_how_to_resume(
    tmp_path: Path, bundled_files: list[Path], signum: signal.Signals
) -> None:
    out = tmp_path / "runs"
    command = [sys.executable, "-m", "assay", "grade", str(bundled_files[0]), "--judge", "fake/hash",
               "--option", "latency=0.05", "--no-progress", "--out", str(out)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(
        len(p.read_text().splitlines()) >= 5 for p in out.glob("*/judgments.jsonl")
    ):
        time.sleep(0.02)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    (run_dir,) = out.iterdir()
    # the command is printed as it was invoked, with --out, so it can be pasted back
    assert f"finish it with: python -m assay grade --resume {run_dir.name} --out {out}" in stderr
    assert "Traceback" not in stderr
    done = len(_lines(run_dir))
    assert 5 <= done < 24
    finished = subprocess.run(
        [sys.executable, "-m", "assay", "grade", "--resume", run_dir.name, "--out", str(out), "--no-progress"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr
    assert len(_lines(run_dir)) == 24
