"""The grading engine: transcripts x dimensions -> judgments, appended to the run directory as they finish.

Scheduling sits behind one seam, :class:`Executor`: the default runs a bounded number of requests in flight on
one asyncio loop; another executor (processes, a cluster) only has to implement ``map``.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path
from typing import Protocol, TypeVar

from tqdm import tqdm

from judges.backend import Backend, Completion, JudgeRequest
from judges.config import JudgeConfig
from judges.errors import JudgmentFailure, RunError, RunInterrupted, RunLogError
from judges.registry import create_backend
from judges.runlog import (
    JudgeFingerprint,
    JudgmentWriter,
    Run,
    RunManifest,
    TranscriptSet,
    capture_environment,
    check_resumable,
    iter_judgments,
    load_run,
    new_run_id,
    read_manifest,
    transcript_set_digest,
    utc_now,
    write_items,
    write_manifest,
)
from judges.types import Judgment, Transcript, UnscoredStatus, Usage
from prompts import Dimension, PromptTemplate, Rubric, load_template, render

T = TypeVar("T")
R = TypeVar("R")

RETRYABLE: frozenset[UnscoredStatus] = frozenset({"transport_error", "timeout"})
"""Statuses worth another attempt; every other failure is final for that judgment."""


class Executor(Protocol):
    """Runs ``work`` over ``items`` and hands each result to ``on_result`` as soon as it is ready."""

    async def map(self, items: Iterable[T], work: Callable[[T], Awaitable[R]], on_result: Callable[[R], None]) -> None:
        """Process every item; an exception from ``work`` or ``on_result`` stops the whole map."""
        ...


class AsyncioExecutor:
    """At most ``concurrency`` items in flight on the running loop; items are pulled lazily (memory stays flat)."""

    def __init__(self, concurrency: int) -> None:
        """Set the bound on work in flight."""
        self._concurrency = concurrency

    async def map(self, items: Iterable[T], work: Callable[[T], Awaitable[R]], on_result: Callable[[R], None]) -> None:
        """Run workers that share one iterator; the first exception cancels the others."""
        iterator = iter(items)

        async def worker() -> None:
            for item in iterator:
                on_result(await work(item))

        try:
            async with asyncio.TaskGroup() as group:
                for _ in range(self._concurrency):
                    group.create_task(worker())
        except BaseExceptionGroup as errors:
            # The first error stopped the map (the others are its cancellations' fallout): raise it as itself.
            raise errors.exceptions[0] from None


def build_fingerprint(
    backend: Backend, config: JudgeConfig, template: PromptTemplate, rubric: Rubric
) -> JudgeFingerprint:
    """The judge fingerprint of this backend, configuration, template and rubric."""
    return JudgeFingerprint(
        backend=backend.info,
        mode=config.mode,
        template=template.name,
        template_digest=template.digest,
        rubric=rubric.name,
        rubric_digest=rubric.digest,
        params=config.fingerprint_params(),
    )


def _unscored(transcript_id: str, dimension: str, failure: JudgmentFailure, latency: float) -> Judgment:
    return Judgment(
        transcript_id=transcript_id,
        dimension=dimension,
        status=failure.status,
        attempts=failure.attempts,
        latency_s=latency,
        error=str(failure),
        raw=failure.raw,
    )


def _to_judgments(request: JudgeRequest, completion: Completion) -> list[Judgment]:
    """Check each verdict against its scale; an answer off the scale is ``out_of_range``, never clipped."""
    by_dimension = {v.dimension: v for v in completion.verdicts}
    out = []
    for dimension in request.dimensions:
        common = {
            "transcript_id": request.transcript.id,
            "dimension": dimension.id,
            "attempts": completion.attempts,
            "latency_s": completion.latency_s,
            "raw": completion.raw,
        }
        verdict = by_dimension.get(dimension.id)
        if verdict is None:
            out.append(Judgment(status="parse_error", error="no verdict for this dimension", **common))
        elif verdict.not_applicable and not dimension.scale.allows_na:
            out.append(Judgment(status="out_of_range", error="N/A is not allowed on this dimension", **common))
        elif not verdict.not_applicable and verdict.level not in dimension.scale.values:
            out.append(Judgment(status="out_of_range", error=f"level {verdict.level!r} is not on the scale", **common))
        else:
            out.append(
                Judgment(
                    status="ok",
                    level=None if verdict.not_applicable else verdict.level,
                    not_applicable=verdict.not_applicable,
                    distribution=verdict.distribution,
                    rationale=verdict.rationale,
                    evidence=verdict.evidence,
                    usage=completion.usage if len(request.dimensions) == 1 else Usage(),
                    **common,
                )
            )
    return out


class _Session:
    """One process's share of a run: requests to make, the writer, the counts and the failure-rate guard."""

    def __init__(self, config: JudgeConfig, backend: Backend, writer: JudgmentWriter, total: int) -> None:
        self.config = config
        self.backend = backend
        self.writer = writer
        self.counts: Counter[str] = Counter()
        self.bar = tqdm(total=total, unit="judgment", disable=not config.progress, dynamic_ncols=True, smoothing=0.1)

    async def judge(self, request: JudgeRequest) -> list[Judgment]:
        started = time.perf_counter()
        attempts = 0
        while True:
            attempts += 1
            try:
                completion = await asyncio.wait_for(self.backend.complete(request), timeout=self.config.timeout_s)
            except TimeoutError:
                failure = JudgmentFailure("timeout", f"no answer within {self.config.timeout_s:g} s")
            except JudgmentFailure as exc:
                failure = exc
            else:
                if attempts > 1:
                    completion = completion.model_copy(update={"attempts": completion.attempts + attempts - 1})
                return _to_judgments(request, completion)
            if failure.status not in RETRYABLE or attempts > self.config.max_retries:
                failure.attempts = max(failure.attempts, attempts) if failure.attempts else 0
                latency = time.perf_counter() - started
                return [_unscored(request.transcript.id, d.id, failure, latency) for d in request.dimensions]
            # full jitter: spreads retries of many concurrent items instead of synchronising them
            await asyncio.sleep(random.uniform(0, min(30.0, 0.5 * 2**attempts)))

    def record(self, judgments: list[Judgment]) -> None:
        for judgment in judgments:
            self.writer.write(judgment)
            self.counts[judgment.status] += 1
        self.bar.update(len(judgments))
        done = sum(self.counts.values())
        failed = done - self.counts["ok"]
        if failed:
            self.bar.set_postfix_str(", ".join(f"{k}={v}" for k, v in sorted(self.counts.items())), refresh=False)
        if done >= self.config.min_judgments and failed / done > self.config.max_failure_rate:
            raise RunError(
                f"stopped: {failed} of {done} judgments failed ({dict(sorted(self.counts.items()))}), over the "
                f"limit of {self.config.max_failure_rate:.0%}; judgments so far are saved"
            )


def _requests(
    transcripts: Sequence[Transcript],
    dimensions: tuple[Dimension, ...],
    rubric: Rubric,
    template: PromptTemplate,
    done: set[tuple[str, str]],
) -> Iterable[JudgeRequest]:
    """Transcript-major order, so consecutive requests share the transcript prefix (the local model reuses it)."""
    for transcript in transcripts:
        text: str | None = None
        for dimension in dimensions:
            if (transcript.id, dimension.id) in done:
                continue
            text = text if text is not None else transcript.render()
            yield JudgeRequest(
                transcript=transcript,
                dimensions=(dimension,),
                messages=render(template, text, rubric, (dimension,)),
                answer_prefix=template.answer_prefix,
            )


async def _execute(
    run_dir: Path,
    manifest: RunManifest,
    transcripts: Sequence[Transcript],
    rubric: Rubric,
    template: PromptTemplate,
    backend: Backend,
    executor: Executor | None,
) -> None:
    config = manifest.config
    dimensions = rubric.select(list(manifest.dimensions))
    done = {j.key for j in iter_judgments(run_dir, repair=True)}
    total = len(transcripts) * len(dimensions) - len(done)
    writer = JudgmentWriter(run_dir)
    session = _Session(config, backend, writer, total)
    try:
        await (executor or AsyncioExecutor(config.concurrency)).map(
            _requests(transcripts, dimensions, rubric, template, done), session.judge, session.record
        )
    finally:
        session.bar.close()
        writer.close()
        await backend.aclose()
    write_manifest(run_dir, manifest.model_copy(update={"completed_at": utc_now()}))


def _run(
    run_dir: Path,
    manifest: RunManifest,
    transcripts: Sequence[Transcript],
    rubric: Rubric,
    template: PromptTemplate,
    backend: Backend,
    executor: Executor | None,
) -> Run:
    """Execute on a fresh event loop; say how to resume when the run stops early."""
    out = "" if run_dir.parent == Path("runs") else f" --out {run_dir.parent}"
    hint = f"run {manifest.run_id} is saved in {run_dir}; finish it with: assay grade --resume {manifest.run_id}{out}"
    try:
        asyncio.run(_execute(run_dir, manifest, transcripts, rubric, template, backend, executor))
    except KeyboardInterrupt:
        raise RunInterrupted(f"interrupted; {hint}") from None
    except RunError as exc:
        raise type(exc)(f"{exc}; {hint}") from exc
    return load_run(run_dir)


def grade(
    transcripts: Sequence[Transcript],
    rubric: Rubric,
    config: JudgeConfig,
    *,
    out_dir: Path,
    rubric_source: str,
    dimensions: list[str] | None = None,
    sources: Sequence[str] = (),
    limit: int | None = None,
    input_problems: Sequence[str] = (),
    executor: Executor | None = None,
    run_id: str | None = None,
) -> Run:
    """Grade every transcript on every (selected) dimension into a new run directory under ``out_dir``.

    Args:
        transcripts: the transcripts, in the order to grade them.
        rubric: the rubric.
        config: the judge configuration.
        out_dir: where the run directory is created.
        rubric_source: how the rubric was named (name or path), recorded so that the run can be resumed.
        dimensions: dimension ids to grade (default: all, in rubric order).
        sources: the input files, recorded in the manifest.
        limit: ``--limit`` as given, recorded in the manifest.
        input_problems: records that could not be read, recorded in the manifest.
        executor: scheduling (default: asyncio with ``config.concurrency`` in flight).
        run_id: the new run's id (default: a fresh ULID), for callers that announce it before grading starts.

    Returns:
        The finished run as read back from disk.

    Raises:
        ConfigError, MissingExtraError, BackendError: the judge cannot be built.
        RunError: the failure rate passed ``config.max_failure_rate`` (the run stays resumable).
        RunInterrupted: the user pressed Ctrl-C (the run stays resumable).
    """
    selected = rubric.select(dimensions)
    template = load_template(config.template)
    backend = create_backend(config)
    fingerprint = build_fingerprint(backend, config, template, rubric)
    run_id = run_id or new_run_id()
    manifest = RunManifest(
        run_id=run_id,
        created_at=utc_now(),
        judge=fingerprint,
        judge_digest=fingerprint.digest,
        config=config,
        rubric_source=rubric_source,
        dimensions=tuple(d.id for d in selected),
        transcripts=TranscriptSet(
            sources=tuple(str(Path(s).resolve()) for s in sources),
            count=len(transcripts),
            limit=limit,
            digest=transcript_set_digest(transcripts),
            input_problems=tuple(input_problems),
        ),
        environment=capture_environment(),
    )
    run_dir = out_dir / run_id
    run_dir.mkdir(parents=True)
    write_manifest(run_dir, manifest)
    write_items(run_dir, ((t.id, t.metadata) for t in transcripts))
    return _run(run_dir, manifest, transcripts, rubric, template, backend, executor)


def resume(
    run_dir: Path,
    transcripts: Sequence[Transcript],
    rubric: Rubric,
    *,
    progress: bool | None = None,
    executor: Executor | None = None,
) -> Run:
    """Finish an interrupted run: make only the judgments it lacks, with the judge it was started with.

    Args:
        run_dir: the run directory.
        transcripts: the transcripts re-read from the run's sources, with the run's limit applied.
        rubric: the rubric re-loaded from the run's rubric source.
        progress: override the progress bar setting (``None``: as recorded).
        executor: scheduling (default: asyncio).

    Raises:
        RunLogError: when the transcripts, rubric or judge no longer match what the run was started with.
    """
    manifest = read_manifest(run_dir)
    check_resumable(manifest)
    if transcript_set_digest(transcripts) != manifest.transcripts.digest:
        raise RunLogError(f"{run_dir}: the transcripts differ from those the run was started with; not resuming")
    if rubric.digest != manifest.judge.rubric_digest:
        raise RunLogError(f"{run_dir}: rubric {rubric.name} has changed since the run started; not resuming")
    config = manifest.config if progress is None else manifest.config.model_copy(update={"progress": progress})
    template = load_template(config.template)
    backend = create_backend(config)
    fingerprint = build_fingerprint(backend, config, template, rubric)
    if fingerprint.digest != manifest.judge_digest:
        asyncio.run(backend.aclose())
        raise RunLogError(
            f"{run_dir}: the judge differs from the one the run was started with "
            f"({fingerprint.short} vs {manifest.judge.short}); start a new run instead"
        )
    manifest = manifest.model_copy(update={"config": config, "resumed_at": (*manifest.resumed_at, utc_now())})
    write_manifest(run_dir, manifest)
    return _run(run_dir, manifest, transcripts, rubric, template, backend, executor)
