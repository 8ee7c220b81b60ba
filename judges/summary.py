"""Per-dimension counts of a run: level distribution over the full scale, N/A, unscored by status, missing."""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, ConfigDict

from judges.runlog import Run
from prompts import Rubric


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class DimensionSummary(_Frozen):
    """What a run holds for one dimension."""

    dimension: str
    """The dimension id."""

    level_of_measurement: str
    """From the rubric's scale (no mean level is shown for nominal scales)."""

    planned: int
    """Transcripts the run set out to grade on it."""

    levels: dict[int, int]
    """Count per level, every level of the scale included (unused ones as 0), in scale order."""

    not_applicable: int
    """Judgments that answered N/A."""

    unscored: dict[str, int]
    """Count per unscored status (only statuses that occurred)."""

    missing: int
    """Planned judgments not (yet) made."""

    @property
    def scored(self) -> int:
        """Judgments with a level."""
        return sum(self.levels.values())

    @property
    def mean(self) -> float | None:
        """Mean level over scored judgments; ``None`` when there are none or the scale is nominal."""
        if not self.scored or self.level_of_measurement == "nominal":
            return None
        return sum(k * v for k, v in self.levels.items()) / self.scored


class RunSummary(_Frozen):
    """A run's totals and per-dimension summaries."""

    run_id: str
    """The run."""

    judge: str
    """The judge's short handle."""

    transcripts: int
    """Transcripts in the run."""

    dimensions: tuple[DimensionSummary, ...]
    """One per graded dimension, in rubric order."""

    statuses: dict[str, int]
    """Count per status over the whole run."""

    prompt_tokens: int
    """Tokens evaluated or sent."""

    cached_tokens: int
    """Prompt tokens reused from a cache."""

    judge_seconds: float
    """Sum of per-judgment backend time."""

    duplicates: int
    """Records written twice for the same (transcript, dimension); 0 in a healthy run."""

    complete: bool
    """Whether the run finished."""

    imported: bool
    """Whether the judgments were imported (no tokens or timings to report)."""


def summarise(run: Run, rubric: Rubric) -> RunSummary:
    """Count a run's judgments per dimension against the rubric's scales.

    Raises:
        KeyError: when the run graded a dimension the rubric does not have.
    """
    by_dimension: dict[str, list[str | int]] = {d: [] for d in run.manifest.dimensions}
    statuses: Counter[str] = Counter()
    for judgment in run.judgments:
        statuses[judgment.status] += 1
        outcome: str | int
        if judgment.status != "ok":
            outcome = judgment.status
        elif judgment.not_applicable:
            outcome = "N/A"
        else:
            assert judgment.level is not None  # ok and applicable: guaranteed by Judgment's validator
            outcome = judgment.level
        by_dimension.setdefault(judgment.dimension, []).append(outcome)
    planned = run.manifest.transcripts.count
    summaries = []
    for dimension_id, outcomes in by_dimension.items():
        scale = rubric.dimension(dimension_id).scale
        counts = Counter(outcomes)
        summaries.append(
            DimensionSummary(
                dimension=dimension_id,
                level_of_measurement=scale.level_of_measurement,
                planned=planned,
                levels={v: counts.get(v, 0) for v in scale.values},
                not_applicable=counts.get("N/A", 0),
                unscored={k: v for k, v in sorted(counts.items(), key=str) if isinstance(k, str) and k != "N/A"},
                missing=max(planned - len(outcomes), 0),
            )
        )
    return RunSummary(
        run_id=run.manifest.run_id,
        judge=run.manifest.judge.short,
        transcripts=planned,
        dimensions=tuple(summaries),
        statuses=dict(sorted(statuses.items())),
        prompt_tokens=sum(j.usage.prompt_tokens for j in run.judgments),
        cached_tokens=sum(j.usage.cached_tokens for j in run.judgments),
        judge_seconds=sum(j.latency_s for j in run.judgments),
        duplicates=run.duplicates,
        complete=run.complete,
        imported=run.manifest.imported_from is not None,
    )
