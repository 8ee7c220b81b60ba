"""Judge outputs made elsewhere, turned into ordinary runs (``assay import``).

An imported run has the same directory layout as a graded one; its manifest names the source file (and its
sha256), the judge model and prompt as the source gives them, and the label mapping used. Labels the mapping does
not cover become unscored judgments (``out_of_range``), never a guessed level.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from calibration.errors import CodesError
from calibration.human import canonical_value
from judges import (
    BackendInfo,
    JudgeConfig,
    JudgeFingerprint,
    Judgment,
    Run,
    RunManifest,
    TranscriptMetadata,
    TranscriptSet,
    load_run,
)
from judges.runlog import JudgmentWriter, capture_environment, new_run_id, utc_now, write_items, write_manifest
from prompts import Dimension, Rubric


class ImportedJudge(BaseModel):
    """Who made the imported labels, as far as the source says."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    model: str
    """The judge model as the source names it, e.g. ``gpt-3.5-turbo-0301``."""

    prompt: str
    """A name for the judge prompt or configuration, e.g. ``abc-eval-paper`` or ``policy_chain_of_thought_v1``."""

    prompt_text: str | None = None
    """The prompt itself when the source carries it (its digest becomes the template digest)."""


def file_sha256(path: Path) -> str:
    """``sha256:<hex>`` of a file's bytes."""
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def label_judgment(
    item_id: str,
    dimension: Dimension,
    raw: object,
    *,
    mapping: Mapping[str, int | None] | None = None,
    rationale: str | None = None,
) -> Judgment:
    """One imported label as a judgment: a level, N/A, or ``out_of_range`` when the label is not on the scale.

    ``mapping`` (label text -> level value, ``None`` for N/A) is applied first, case-insensitively; everything else
    goes through the scale's own values and labels. A label neither covers is kept verbatim in ``raw``.
    """
    text = str(raw).strip().lower() if isinstance(raw, str) else None
    lowered = {k.lower(): v for k, v in (mapping or {}).items()}
    if text is not None and text in lowered:
        value = lowered[text]
        if value is None and dimension.scale.allows_na:
            return Judgment(transcript_id=item_id, dimension=dimension.id, status="ok", not_applicable=True,
                            rationale=rationale, raw=str(raw))  # fmt: skip
        if value is not None:
            raw = value
    try:
        level, na = canonical_value(raw, dimension)
    except ValueError as exc:
        return Judgment(transcript_id=item_id, dimension=dimension.id, status="out_of_range", error=str(exc),
                        rationale=rationale, raw=str(raw))  # fmt: skip
    if level is None:
        if na and dimension.scale.allows_na:
            return Judgment(transcript_id=item_id, dimension=dimension.id, status="ok", not_applicable=True,
                            rationale=rationale, raw=str(raw))  # fmt: skip
        return Judgment(transcript_id=item_id, dimension=dimension.id, status="parse_error",
                        error=f"no label ({raw!r})", rationale=rationale, raw=str(raw))  # fmt: skip
    return Judgment(transcript_id=item_id, dimension=dimension.id, status="ok", level=level, rationale=rationale,
                    raw=str(raw))  # fmt: skip


def write_imported_run(
    judgments: Iterable[Judgment],
    *,
    judge: ImportedJudge,
    rubric: Rubric,
    rubric_source: str,
    sources: Sequence[Path],
    items: Sequence[str],
    out_dir: Path,
    mapping: Mapping[str, int | None] | None = None,
    metadata: Mapping[str, TranscriptMetadata] | None = None,
) -> Run:
    """Write imported judgments as a complete run under ``out_dir`` and read it back.

    Args:
        judgments: one per (item, dimension) at most; items and dimensions must belong to ``items`` and ``rubric``.
        judge: the judge as the source describes it.
        rubric: the rubric the labels are on.
        rubric_source: the rubric's name or path.
        sources: the file(s) the labels came from.
        items: every item id of the imported set, in order.
        out_dir: where the run directory is created.
        mapping: the explicit label mapping used (recorded in the manifest).
        metadata: per-item metadata (system, model, evidence level), written to ``items.jsonl`` for profiles.

    Raises:
        CodesError: when a judgment names an unknown item or dimension, or repeats one.
    """
    if not sources:
        raise CodesError("-", None, "an imported run needs the file(s) its labels came from")
    source = sources[0]
    item_set = set(items)
    listed = list(judgments)
    seen: set[tuple[str, str]] = set()
    for judgment in listed:
        if judgment.transcript_id not in item_set:
            raise CodesError(str(source), None, f"judgment for unknown item {judgment.transcript_id!r}")
        rubric.dimension(judgment.dimension)
        if judgment.key in seen:
            raise CodesError(str(source), None, f"two labels for {judgment.key}")
        seen.add(judgment.key)
    graded = {j.dimension for j in listed}
    dimensions = tuple(d.id for d in rubric.dimensions if d.id in graded)
    source_digests = [file_sha256(p) for p in sources]
    prompt_digest = (
        "sha256:" + hashlib.sha256(judge.prompt_text.encode("utf-8")).hexdigest()
        if judge.prompt_text is not None
        else "sha256:" + hashlib.sha256("".join(source_digests).encode()).hexdigest()
    )
    backend = BackendInfo(
        backend="import",
        model=judge.model,
        resolved_model=judge.model,
        scoring="imported-labels",
        details={"mapping": json.dumps(dict(mapping or {}), sort_keys=True)},
    )
    fingerprint = JudgeFingerprint(
        backend=backend,
        mode="imported",
        template=judge.prompt,
        template_digest=prompt_digest,
        rubric=rubric.name,
        rubric_digest=rubric.digest,
        transcript_format="imported",
        params={},
    )
    ids_digest = "sha256:" + hashlib.sha256(json.dumps(list(items)).encode("utf-8")).hexdigest()
    run_id = new_run_id()
    manifest = RunManifest(
        run_id=run_id,
        created_at=utc_now(),
        completed_at=utc_now(),
        judge=fingerprint,
        judge_digest=fingerprint.digest,
        config=JudgeConfig(judge=f"import/{judge.model}", template=judge.prompt, progress=False),
        rubric_source=rubric_source,
        dimensions=dimensions,
        transcripts=TranscriptSet(
            sources=tuple(str(p.resolve()) for p in sources), count=len(items), digest=ids_digest
        ),
        environment=capture_environment(),
        imported_from="; ".join(f"{p.resolve()} ({d})" for p, d in zip(sources, source_digests, strict=True)),
    )
    run_dir = out_dir / run_id
    run_dir.mkdir(parents=True)
    write_manifest(run_dir, manifest)
    if metadata:
        write_items(run_dir, ((i, metadata[i]) for i in items if i in metadata))
    writer = JudgmentWriter(run_dir)
    try:
        for judgment in listed:
            writer.write(judgment)
    finally:
        writer.close()
    return load_run(run_dir)
