"""The command line end to end (in-process through click's runner, and as a real subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from assay import main


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_help_explains_the_commands() -> None:
    code, out, _ = _invoke("--help")
    assert code == 0
    for word in ("grade", "runs", "assay grade", "assay runs show RUN_ID"):
        assert word in out
    code, out, _ = _invoke("grade", "--help")
    assert code == 0 and "--resume" in out and "chat JSONL" in out


def test_grade_then_list_and_show(tmp_path: Path, bundled_files: list[Path]) -> None:
    bad = tmp_path / "chats.jsonl"
    good_line = {
        "id": "00123",
        "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}],
    }
    bad.write_text(
        json.dumps(good_line) + "\n"
        + "{not json\n"
        + json.dumps({"id": "x", "messages": [{"role": "wizard", "content": "boo"}]}) + "\n"
    )  # fmt: skip
    out = tmp_path / "runs"
    code, stdout, stderr = _invoke(
        "grade", *map(str, bundled_files), str(bad), "--judge", "fake/hash", "--no-progress", "--out", str(out)
    )
    assert code == 0, stderr
    (run_dir,) = out.iterdir()
    assert f"run {run_dir.name}: grading 7 transcripts x 8 dimensions with fake/hash" in stderr
    assert "2 input records could not be read" in stderr
    assert f"{bad}:2:" in stderr and f"{bad}:3:" in stderr and "wizard" in stderr
    assert "transcripts 7  complete" in stdout
    assert "intent_clarification" in stdout and "judgments: ok 56; duplicates 0" in stdout
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert len(manifest["transcripts"]["input_problems"]) == 2
    ids = {json.loads(line)["transcript_id"] for line in (run_dir / "judgments.jsonl").read_text().splitlines()}
    assert "00123" in ids

    code, stdout, _ = _invoke("runs", "list", "--runs", str(out))
    assert code == 0 and run_dir.name in stdout and "fake/hash@" in stdout and "7x8" in stdout
    code, stdout, _ = _invoke("runs", "show", run_dir.name[:20], "--runs", str(out))
    assert code == 0 and "L0  L1  L2  N/A" in stdout


def test_errors_are_one_line_messages_with_exit_2(tmp_path: Path, bundled_files: list[Path]) -> None:
    code, _, stderr = _invoke("grade", str(bundled_files[0]), "--rubric", "nope-v1", "--out", str(tmp_path))
    assert code == 2 and "error: unknown rubric 'nope-v1'" in stderr
    code, _, stderr = _invoke("grade", str(bundled_files[0]), "--judge", "gpt/4", "--out", str(tmp_path))
    assert code == 2 and "unknown judge backend 'gpt'; available: fake, local" in stderr and "grading" not in stderr
    code, _, stderr = _invoke("runs", "show", "01NOSUCHRUN", "--runs", str(tmp_path))
    assert code == 2 and "no run '01NOSUCHRUN'" in stderr
    code, _, stderr = _invoke("grade", "--out", str(tmp_path))
    assert code == 2 and "give at least one transcript file" in stderr
    code, _, stderr = _invoke("grade", str(bundled_files[0]), "--format", "bogus", "--out", str(tmp_path))
    assert code == 2 and "'bogus' is not one of" in stderr
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    code, _, stderr = _invoke("grade", str(empty), "--judge", "fake", "--out", str(tmp_path))
    assert code == 2 and "no readable transcripts" in stderr and "empty.jsonl" in stderr


def test_console_script_runs_as_a_module() -> None:
    result = subprocess.run([sys.executable, "-m", "assay", "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("assay, version ")


def test_resume_works_when_the_run_was_started_with_relative_paths(
    tmp_path: Path, bundled_files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(bundled_files[0].parent)
    out = tmp_path / "runs"
    code, _, stderr = _invoke(
        "grade", bundled_files[0].name, "--judge", "fake/hash", "--no-progress", "--out", str(out)
    )
    assert code == 0, stderr
    (run_dir,) = out.iterdir()
    path = run_dir / "judgments.jsonl"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:7]))
    manifest = json.loads((run_dir / "manifest.json").read_text())
    manifest["completed_at"] = None  # as a run stopped before it finished
    (run_dir / "manifest.json").write_text(json.dumps(manifest))
    monkeypatch.chdir(tmp_path)
    code, stdout, stderr = _invoke("grade", "--resume", run_dir.name, "--out", str(out), "--no-progress")
    assert code == 0, stderr
    assert "judgments: ok 24; duplicates 0" in stdout
    assert f"run {run_dir.name}: resuming" in stderr
    code, _, stderr = _invoke("grade", "--resume", run_dir.name, "--out", str(out))
    assert code == 2 and "is already complete; nothing to resume" in stderr


def test_profile_command_writes_every_view(tmp_path: Path, bundled_files: list[Path]) -> None:
    out = tmp_path / "runs"
    code, _, stderr = _invoke(
        "grade", *map(str, bundled_files), "--judge", "fake/hash", "--no-progress", "--out", str(out)
    )
    assert code == 0, stderr
    code, stdout, stderr = _invoke("profile", "latest", "--runs", str(out), "--resamples", "200")
    assert code == 0, stderr
    assert "GAP (no admitted judge): intent_clarification" in stdout and "*" not in stdout.splitlines()[2]
    code, stdout, stderr = _invoke(
        "profile", "latest", "--provisional", "--runs", str(out), "--out", str(tmp_path / "p")
    )
    assert code == 0, stderr
    assert "gpt-4.1 / tau2-bench/llm_agent" in stdout and "* provisional" in stdout
    names = sorted(p.name for p in (tmp_path / "p").iterdir())
    assert names == [
        "profile.html",
        "profile.json",
        "profile.md",
        "profile_cells.csv",
        "profile_cells.parquet",
        "profile_comparisons.csv",
        "profile_comparisons.parquet",
    ]
    assert "**Provisional.**" in (tmp_path / "p" / "profile.md").read_text()
