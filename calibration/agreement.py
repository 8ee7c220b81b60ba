"""Agreement of a judge's run with human codes, per dimension, on a stated split of the items.

For each dimension the report gives, on the same items:

- the judge against the human **consensus**: Cohen's kappa (unweighted, linear, quadratic), percent agreement,
  the confusion matrix, prevalence of each level for humans and judge;
- the judge against **each coder**: mean pairwise kappa (only meaningful where coder ids are stable persons);
- the **human ceiling**: Krippendorff's alpha of the human coders alone, and alpha with the judge added as one
  more coder;
- bootstrap 95% CIs (resampling items), with the count of degenerate resamples and a flag when there are too few
  items for the interval to be trusted;
- the items left out, by reason (the judgment was unscored, the judge said N/A, not judged, consensus tie).

**Consensus rule.** Nominal scales: the most frequent value; ordinal and interval scales: the median. An item
whose consensus is a tie (two values equally frequent, or an even number of codes whose two middle values
differ) has no consensus: it is left out of the consensus statistics and counted as ``consensus_tie``; it still
counts in alpha and in the pairwise kappas.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

from calibration.bootstrap import bootstrap_alpha, bootstrap_kappa
from calibration.errors import AlignmentError
from calibration.human import AlignedDimension, HumanCodes, align, check_same_rubric
from calibration.split import Part, SplitSpec
from calibration.stats import (
    AgreementStat,
    ConfidenceInterval,
    _confusion,
    cohen_kappa,
    krippendorff_alpha,
    mean_pairwise_kappa,
    percent_agreement,
    prevalence,
)
from judges import Run
from judges.runlog import utc_now

REPORT_SCHEMA_VERSION = 1

CONSENSUS_RULE = (
    "nominal: most frequent value; ordinal/interval: median; ties (equal top frequencies, or an even number of "
    "codes whose middle values differ) have no consensus and are excluded from consensus statistics"
)

Weights = Literal["linear", "quadratic"] | None


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class Estimate(_Frozen):
    """A statistic with its bootstrap interval."""

    stat: AgreementStat
    """The point estimate (value, n, undefined reason)."""

    ci: ConfidenceInterval | None = None
    """Bootstrap interval over items, when computed."""


class DimensionAgreement(_Frozen):
    """Agreement on one dimension."""

    dimension: str
    """The dimension id."""

    level_of_measurement: str
    """From the rubric's scale."""

    labels: tuple[int, ...]
    """The scale's values in order (rows and columns of the confusion matrix)."""

    n_items: int
    """Items with a scored judgment and at least one human value."""

    n_coders: int
    """Human coders on this dimension."""

    n_consensus: int
    """Items with a human consensus (the consensus statistics use these)."""

    kappa: Estimate
    """Unweighted Cohen's kappa, judge vs consensus."""

    weighted_kappa_linear: Estimate
    """Linearly weighted kappa, judge vs consensus."""

    weighted_kappa_quadratic: Estimate
    """Quadratically weighted kappa, judge vs consensus."""

    percent_agreement: Estimate
    """Raw agreement, judge vs consensus."""

    mean_pairwise_kappa: AgreementStat
    """Mean over coders of the judge's (quadratic-weighted for ordinal/interval) kappa with that coder."""

    alpha_humans: Estimate
    """Krippendorff's alpha of the humans alone: the ceiling."""

    alpha_with_judge: Estimate
    """Alpha with the judge added as one more coder."""

    prevalence_humans: dict[int, float]
    """Share of each level among the human consensus values."""

    prevalence_judge: dict[int, float]
    """Share of each level among the judge's levels on the consensus items."""

    confusion: tuple[tuple[int, ...], ...]
    """Counts, rows = consensus level, columns = judge level, in ``labels`` order."""

    excluded: dict[str, int]
    """Coded items left out, by reason."""


class AgreementReport(_Frozen):
    """A judge run against human codes: identity of both sides, the split, and per-dimension agreement."""

    schema_version: int = REPORT_SCHEMA_VERSION
    """Report format version."""

    created_at: datetime
    """When the report was computed (UTC)."""

    run_id: str
    """The judge's run."""

    judge: str
    """The judge's short handle."""

    judge_digest: str
    """The judge fingerprint digest (admission is keyed by it)."""

    rubric: str
    """Rubric name."""

    rubric_digest: str
    """Rubric digest."""

    codes_source: str
    """Where the human codes came from."""

    codes_digest: str
    """Digest of the human codes."""

    coder_ids: str
    """``stable`` or ``exchangeable`` (per-coder kappas are only meaningful for ``stable``)."""

    split: SplitSpec
    """How items were split."""

    part: Part
    """Which part this report covers."""

    consensus_rule: str = CONSENSUS_RULE
    """How the human consensus is formed."""

    n_resamples: int
    """Bootstrap resamples per interval."""

    seed: int
    """Bootstrap seed."""

    dimensions: tuple[DimensionAgreement, ...]
    """One entry per dimension both the run and the codes have."""

    def dimension(self, dimension_id: str) -> DimensionAgreement:
        """The entry of one dimension.

        Raises:
            KeyError: when the report has no such dimension.
        """
        for entry in self.dimensions:
            if entry.dimension == dimension_id:
                return entry
        raise KeyError(f"the report has no dimension {dimension_id!r}")


def consensus(
    humans: npt.NDArray[np.float64], labels: tuple[int, ...], level: str
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Per-item human consensus of a coders x items matrix.

    Returns:
        ``(values, tie)``: the consensus value per item (NaN where none) and whether the item was a tie.

    Example:
        >>> m = np.array([[0, 1, 2, 0], [0, 2, 2, 1], [1, 2, np.nan, np.nan]])
        >>> values, tie = consensus(m, (0, 1, 2), "ordinal")
        >>> values.tolist()[:3], tie.tolist()
        ([0.0, 2.0, 2.0], [False, False, False, True])
    """
    counts = np.stack([(humans == label).sum(axis=0) for label in labels], axis=1)  # (N, L)
    total = counts.sum(axis=1)
    present = total > 0
    label_array = np.asarray(labels, dtype=np.float64)
    if level == "nominal":
        top = counts.max(axis=1)
        n_top = (counts == top[:, None]).sum(axis=1)
        tie = present & (n_top > 1)
        values = np.where(present & ~tie, label_array[counts.argmax(axis=1)], np.nan)
    else:
        cumulative = counts.cumsum(axis=1)
        lower = (cumulative >= np.ceil(total / 2)[:, None]).argmax(axis=1)
        upper = (cumulative >= (np.floor(total / 2) + 1)[:, None]).argmax(axis=1)
        tie = present & (lower != upper)
        values = np.where(present & ~tie, label_array[lower], np.nan)
    return values, tie


def _dimension_agreement(
    aligned: AlignedDimension, *, n_resamples: int, seed: int, min_items: int
) -> DimensionAgreement:
    scale = aligned.dimension.scale
    labels = scale.values
    level = scale.level_of_measurement
    agreed, tie = consensus(aligned.humans, labels, level)
    has = ~np.isnan(agreed)
    judge_c, human_c = aligned.judge[has], agreed[has]
    boot = {"n_resamples": n_resamples, "seed": seed, "min_items": min_items}

    def kappa(weights: Weights) -> Estimate:
        return Estimate(
            stat=cohen_kappa(human_c, judge_c, labels=labels, weights=weights),
            ci=bootstrap_kappa(human_c, judge_c, labels=labels, weights=weights, **boot),
        )

    pairwise_weights: Weights = None if level == "nominal" else "quadratic"
    with_judge = np.vstack([aligned.humans, aligned.judge[None, :]])
    confusion, _ = _confusion(human_c, judge_c, labels)
    excluded = dict(aligned.excluded)
    if int(tie.sum()):
        excluded["consensus_tie"] = int(tie.sum())
    return DimensionAgreement(
        dimension=aligned.dimension.id,
        level_of_measurement=level,
        labels=labels,
        n_items=len(aligned.items),
        n_coders=len(aligned.coders),
        n_consensus=int(has.sum()),
        kappa=kappa(None),
        weighted_kappa_linear=kappa("linear"),
        weighted_kappa_quadratic=kappa("quadratic"),
        percent_agreement=Estimate(stat=percent_agreement(human_c, judge_c)),
        mean_pairwise_kappa=mean_pairwise_kappa(aligned.judge, aligned.humans, labels=labels, weights=pairwise_weights),
        alpha_humans=Estimate(
            stat=krippendorff_alpha(aligned.humans, level=level, labels=labels),
            ci=bootstrap_alpha(aligned.humans, level=level, labels=labels, **boot),
        ),
        alpha_with_judge=Estimate(
            stat=krippendorff_alpha(with_judge, level=level, labels=labels),
            ci=bootstrap_alpha(with_judge, level=level, labels=labels, **boot),
        ),
        prevalence_humans=prevalence(human_c, labels=labels),
        prevalence_judge=prevalence(judge_c, labels=labels),
        confusion=tuple(tuple(int(c) for c in row) for row in confusion),
        excluded=excluded,
    )


def agreement_report(
    run: Run,
    codes: HumanCodes,
    *,
    split: SplitSpec,
    part: Part = "test",
    dimensions: list[str] | None = None,
    n_resamples: int = 1000,
    seed: int = 0,
    min_items: int = 30,
) -> AgreementReport:
    """Compare a run with human codes on one part of the split.

    Args:
        run: the judge's run (graded or imported).
        codes: human codes on the same rubric.
        split: the dev/test split of coded items.
        part: which part to report on (admission uses ``test``).
        dimensions: dimension ids (default: every dimension both sides have).
        n_resamples: bootstrap resamples per interval.
        seed: bootstrap seed.
        min_items: fewer items than this flags an interval as unreliable.

    Raises:
        AlignmentError: when the run and the codes are on different rubrics or share no dimension.
    """
    check_same_rubric(codes, run)
    shared = [d for d in codes.dimensions if d in run.manifest.dimensions]
    wanted = shared if dimensions is None else [d for d in dimensions if d in shared]
    if not wanted:
        raise AlignmentError(
            f"run {run.manifest.run_id} ({list(run.manifest.dimensions)}) and the codes ({codes.dimensions}) "
            f"share none of the requested dimensions ({dimensions or 'all'})"
        )
    judged = {j.transcript_id for j in run.judgments}
    coded = {i for d in wanted for i in codes.item_ids(d)}
    if not judged & coded:
        raise AlignmentError(
            f"none of the {len(coded)} coded items is an item of run {run.manifest.run_id} "
            f"(codes ids look like {sorted(coded)[:2]}, the run's like {sorted(judged)[:2]}); "
            "the item ids of the codes must be the run's transcript ids"
        )
    entries = []
    for dimension_id in wanted:
        items = split.select(codes.item_ids(dimension_id), part)
        aligned = align(codes, run, dimension_id, items=items)
        entries.append(_dimension_agreement(aligned, n_resamples=n_resamples, seed=seed, min_items=min_items))
    return AgreementReport(
        created_at=utc_now(),
        run_id=run.manifest.run_id,
        judge=run.manifest.judge.short,
        judge_digest=run.manifest.judge_digest,
        rubric=run.manifest.judge.rubric,
        rubric_digest=run.manifest.judge.rubric_digest,
        codes_source=codes.source,
        codes_digest=codes.digest,
        coder_ids=codes.coder_ids,
        split=split,
        part=part,
        n_resamples=n_resamples,
        seed=seed,
        dimensions=tuple(entries),
    )
