"""The embedded judge on real transcripts: llama.cpp in-process, no network, no API key."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from judges import BackendError, ConfigError, JudgeConfig, JudgeRequest, Transcript, grade, read_transcripts
from judges.backends.local import LocalBackend, bundled_model_path
from prompts import load_rubric, load_template, render

pytest.importorskip("llama_cpp", reason="the local judge needs the [local] extra (make install)")

RUBRIC = load_rubric("interaction-v1")
TEMPLATE = load_template("level-v1")


@pytest.fixture(scope="module")
def backend() -> LocalBackend:
    return LocalBackend(JudgeConfig(judge="local", progress=False))


@pytest.fixture(scope="module")
def two_transcripts() -> list[Transcript]:
    files = sorted((Path(__file__).resolve().parents[1] / "data" / "tau2-airline").glob("*.subset.json"))
    transcripts = list(read_transcripts(files).transcripts)
    # the shortest transcript of each agent model: two real transcripts, two systems
    by_model: dict[str, Transcript] = {}
    for t in sorted(transcripts, key=lambda t: len(t.render())):
        by_model.setdefault(str(t.metadata.model), t)
    assert len(by_model) == 2
    return list(by_model.values())


def _request(transcript: Transcript, dimension_id: str) -> JudgeRequest:
    dimension = RUBRIC.dimension(dimension_id)
    return JudgeRequest(
        transcript=transcript,
        dimensions=(dimension,),
        messages=render(TEMPLATE, transcript.render(), RUBRIC, (dimension,)),
        answer_prefix=TEMPLATE.answer_prefix,
    )


def test_levels_come_from_answer_probabilities(backend: LocalBackend, two_transcripts: list[Transcript]) -> None:
    for transcript in two_transcripts:
        for dimension_id in ("grounding_repair", "task_outcome"):
            completion = asyncio.run(backend.complete(_request(transcript, dimension_id)))
            (verdict,) = completion.verdicts
            assert verdict.distribution is not None
            expected_keys = ["0", "1", "2", "N/A"] if dimension_id == "grounding_repair" else ["0", "1", "2"]
            assert list(verdict.distribution) == expected_keys
            assert sum(verdict.distribution.values()) == pytest.approx(1.0, abs=1e-9)
            best = max(verdict.distribution, key=verdict.distribution.__getitem__)
            if best == "N/A":
                assert verdict.not_applicable and verdict.level is None
            else:
                assert verdict.level == int(best) and not verdict.not_applicable
            assert completion.raw is not None and completion.raw.startswith("p(valid answers)=")


def test_second_dimension_reuses_the_transcript_prefix(
    backend: LocalBackend, two_transcripts: list[Transcript]
) -> None:
    transcript = two_transcripts[0]
    first = asyncio.run(backend.complete(_request(transcript, "verification_support")))
    second = asyncio.run(backend.complete(_request(transcript, "policy_adherence")))
    total = first.usage.prompt_tokens + first.usage.cached_tokens
    assert second.usage.cached_tokens > total // 2
    assert second.usage.prompt_tokens < first.usage.prompt_tokens


def test_bit_identical_on_repeat(backend: LocalBackend, two_transcripts: list[Transcript]) -> None:
    request = _request(two_transcripts[1], "process_steerability")
    other = _request(two_transcripts[0], "process_steerability")
    a = asyncio.run(backend.complete(request))
    asyncio.run(backend.complete(other))  # evict the prefix so the repeat is evaluated from scratch
    b = asyncio.run(backend.complete(request))
    assert a.verdicts == b.verdicts


def test_transcript_longer_than_context_is_too_long(tmp_path: Path, two_transcripts: list[Transcript]) -> None:
    config = JudgeConfig(judge="local", context_tokens=512, progress=False, max_failure_rate=1.0)
    run = grade(two_transcripts[:1], RUBRIC, config, out_dir=tmp_path, rubric_source="interaction-v1",
                dimensions=["task_outcome"])  # fmt: skip
    (judgment,) = run.judgments
    assert judgment.status == "too_long" and judgment.level is None and judgment.attempts == 0
    assert "context is 512" in (judgment.error or "")


def test_bundled_model_is_found_without_importing_the_plugin() -> None:
    path = bundled_model_path()
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf" and path.is_file()
    with pytest.raises(ConfigError, match="no bundled local model 'gpt-5'"):
        bundled_model_path("gpt-5")
    with pytest.raises(BackendError, match="model file not found"):
        LocalBackend(JudgeConfig(judge="local", model_path="/nonexistent/model.gguf"))


def test_ctrl_c_during_local_evaluation_exits_cleanly(tmp_path: Path) -> None:
    """The worker thread may be inside llama.cpp when Ctrl-C arrives: the model must not be freed under it."""
    files = sorted((Path(__file__).resolve().parents[1] / "data" / "tau2-airline").glob("*.subset.json"))
    out = tmp_path / "runs"
    command = [sys.executable, "-m", "assay", "grade", str(files[0]), "--judge", "local", "--no-progress",
               "--out", str(out)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not any(p.read_text() for p in out.glob("*/judgments.jsonl")):
        time.sleep(0.1)
    time.sleep(0.5)  # now the next dimension is being evaluated in the worker thread
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, (process.returncode, stderr[-2000:])
    assert "finish it with: python -m assay grade --resume" in stderr
