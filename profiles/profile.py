"""Alignment profiles: per system x dimension distributions from admitted judges only, gaps named, CIs by bootstrap.

A system is a combination of the grouping axes (default: model and scaffold) read from each item's metadata.
For every dimension, only runs whose judge is admitted for it (the admissions registry, matching the judge
fingerprint and the rubric digest) count. A dimension no admitted judge covers is a gap; with ``provisional``
the runs' unadmitted judges fill it, and the cell says so.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from calibration import AdmissionDecision, AdmissionsRegistry, krippendorff_alpha
from judges import Judgment, Run, TranscriptMetadata, read_items
from judges.runlog import utc_now
from profiles.errors import ProfileError
from profiles.model import Cell, Comparison, Interaction, JudgeUse, ProfileReport, System
from prompts import Rubric, load_rubric

COMBINE_RULE = (
    "one judge: its label; several admitted judges: the lower median of their levels for the item, N/A when none "
    "gave a level but one said N/A, otherwise unscored; their agreement is Krippendorff's alpha on shared items"
)
GAP = "not measured: no admitted judge"
UNKNOWN = "unknown"


def axis_value(metadata: TranscriptMetadata | None, axis: str) -> str:
    """The value of a grouping axis: a metadata field (``model``, ``scaffold``, ...) or a key of ``extra``."""
    if metadata is None:
        return UNKNOWN
    if axis in TranscriptMetadata.model_fields and axis != "extra":
        value = getattr(metadata, axis)
    else:
        value = metadata.extra.get(axis)
    return UNKNOWN if value is None else str(value)


def _combine(judgments: list[Judgment]) -> Judgment:
    levels = sorted(j.level for j in judgments if j.status == "ok" and j.level is not None)
    if levels:
        return judgments[0].model_copy(
            update={"status": "ok", "level": levels[(len(levels) - 1) // 2], "not_applicable": False}
        )
    for judgment in judgments:
        if judgment.status == "ok" and judgment.not_applicable:
            return judgment
    return judgments[0]


def _bootstrap_means(
    values: npt.NDArray[np.float64], rng: np.random.Generator, n_resamples: int
) -> npt.NDArray[np.float64]:
    index = rng.integers(0, len(values), size=(n_resamples, len(values)))
    means: npt.NDArray[np.float64] = values[index].mean(axis=1)
    return means


def _evidence(
    decisions: Mapping[tuple[str, str, str], AdmissionDecision], run: Run, dimension: str
) -> tuple[bool, str]:
    decision = decisions.get((run.manifest.judge_digest, run.manifest.judge.rubric_digest, dimension))
    if decision is None:
        return False, "never calibrated for this dimension"
    ci = f"[{decision.ci_low:.3f}, {decision.ci_high:.3f}]"
    text = (
        f"{decision.statistic} {decision.value:.3f} {ci}, n {decision.n}, human ceiling {decision.ceiling:.3f}, "
        f"split seed {decision.split.seed} test; codes {decision.codes_source}"
    )
    if decision.admitted:
        return True, "admitted: " + text
    return False, "refused: " + "; ".join(decision.reasons)


def build_profile(
    runs: Sequence[Run],
    registry: AdmissionsRegistry,
    *,
    by: Sequence[str] = ("model", "scaffold"),
    provisional: bool = False,
    n_resamples: int = 1000,
    seed: int = 0,
) -> ProfileReport:
    """Compute the profile of every system in ``runs``.

    Args:
        runs: graded or imported runs, all on one rubric.
        registry: the admissions registry deciding which judges count.
        by: grouping axes (metadata fields or ``extra`` keys).
        provisional: fill dimensions without an admitted judge from unadmitted ones, marked provisional.
        n_resamples: bootstrap resamples for the CIs.
        seed: bootstrap seed.

    Raises:
        ProfileError: for no runs, or runs on different rubrics.
    """
    if not runs:
        raise ProfileError("no runs to profile")
    digests = {run.manifest.judge.rubric_digest for run in runs}
    if len(digests) > 1:
        names = sorted({run.manifest.judge.rubric for run in runs})
        raise ProfileError(f"the runs use different rubrics ({names}); profile one rubric at a time")
    rubric = _rubric(runs[0])
    metadata: dict[str, TranscriptMetadata] = {}
    for run in runs:
        metadata.update(read_items(run.path))
    # one pass over the judgments: (run, dimension) -> item -> judgment
    index: dict[tuple[str, str], dict[str, Judgment]] = {}
    for run in runs:
        for judgment in run.judgments:
            index.setdefault((run.manifest.run_id, judgment.dimension), {})[judgment.transcript_id] = judgment
    grouped: dict[tuple[str, ...], list[str]] = {}
    for item in sorted({item for by_item in index.values() for item in by_item}):
        grouped.setdefault(tuple(axis_value(metadata.get(item), axis) for axis in by), []).append(item)
    systems = tuple(_system(values, items, metadata, by) for values, items in sorted(grouped.items()))
    items_of = {system.key: grouped[tuple(system.axes[axis] for axis in by)] for system in systems}

    judge_uses: list[JudgeUse] = []
    admitted_for: dict[str, list[Run]] = {}
    graded_by: dict[str, list[Run]] = {}
    decisions = registry.current()  # read once: every lookup below would re-read the registry file
    for run in runs:
        for dimension_id in run.manifest.dimensions:
            admitted, evidence = _evidence(decisions, run, dimension_id)
            judge_uses.append(
                JudgeUse(
                    run_id=run.manifest.run_id,
                    judge=run.manifest.judge.short,
                    judge_digest=run.manifest.judge_digest,
                    rubric=run.manifest.judge.rubric,
                    dimension=dimension_id,
                    admitted=admitted,
                    evidence=evidence,
                )
            )
            graded_by.setdefault(dimension_id, []).append(run)
            if admitted:
                admitted_for.setdefault(dimension_id, []).append(run)

    rng = np.random.default_rng(seed)
    cells: list[Cell] = []
    boots: dict[tuple[str, str], npt.NDArray[np.float64]] = {}
    for dimension in rubric.dimensions:
        chosen = admitted_for.get(dimension.id, [])
        status = "measured"
        if not chosen and provisional:
            chosen, status = graded_by.get(dimension.id, []), "provisional"
        judged = [index.get((run.manifest.run_id, dimension.id), {}) for run in chosen]
        judges = tuple(sorted({run.manifest.judge.short for run in chosen}))
        several = len({run.manifest.judge_digest for run in chosen}) > 1
        for system in systems:
            if not chosen:
                reason = GAP if dimension.id in graded_by else "not measured: no run graded this dimension"
                cells.append(Cell(system=system.key, dimension=dimension.id, status="gap", gap_reason=reason))
                continue
            cell, boot = _cell(
                system.key, items_of[system.key], dimension.id, dimension.scale.values, judged, judges, several,
                status, rng, n_resamples,
            )  # fmt: skip
            cells.append(cell)
            if boot is not None:
                boots[(system.key, dimension.id)] = boot
    comparisons = _comparisons(cells, boots, rubric)
    return ProfileReport(
        created_at=utc_now(),
        runs=tuple(run.manifest.run_id for run in runs),
        rubric=rubric.name,
        rubric_digest=rubric.digest,
        by=tuple(by),
        provisional=provisional,
        combine_rule=COMBINE_RULE,
        dimensions=tuple(d.id for d in rubric.dimensions),
        levels={d.id: d.scale.values for d in rubric.dimensions},
        systems=systems,
        cells=tuple(cells),
        comparisons=tuple(comparisons),
        interactions=tuple(_interactions(comparisons, systems, by)),
        judges=tuple(judge_uses),
    )


def _rubric(run: Run) -> Rubric:
    rubric = load_rubric(run.manifest.rubric_source)
    if rubric.digest != run.manifest.judge.rubric_digest:
        raise ProfileError(f"rubric {run.manifest.rubric_source} has changed since run {run.manifest.run_id}")
    return rubric


def _system(
    values: tuple[str, ...], items: list[str], metadata: dict[str, TranscriptMetadata], by: Sequence[str]
) -> System:
    metas = [metadata.get(i) for i in items]
    levels = Counter(m.evidence_level if m is not None else UNKNOWN for m in metas)
    digests = sorted({m.scaffold_digest for m in metas if m is not None and m.scaffold_digest})
    return System(
        key=" / ".join(values),
        axes=dict(zip(by, values, strict=True)),
        n_transcripts=len(items),
        evidence_levels=dict(sorted(levels.items())),
        scaffold_digests=tuple(digests),
    )


def _cell(
    system: str,
    items: list[str],
    dimension: str,
    values: tuple[int, ...],
    judged: list[dict[str, Judgment]],
    judges: tuple[str, ...],
    several: bool,
    status: str,
    rng: np.random.Generator,
    n_resamples: int,
) -> tuple[Cell, npt.NDArray[np.float64] | None]:
    """One system on one dimension from the chosen runs' judgments (``judged``: one item -> judgment map per run)."""
    per_item = {i: [by_item[i] for by_item in judged if i in by_item] for i in items}
    combined = [_combine(found) for found in per_item.values() if found]
    levels = np.array([j.level for j in combined if j.status == "ok" and j.level is not None], dtype=np.float64)
    counts = Counter(int(v) for v in levels)
    unscored = Counter(j.status for j in combined if j.status != "ok")
    boot = _bootstrap_means(levels, rng, n_resamples) if len(levels) else None
    agreement = None
    if several:
        shared = [i for i, found in per_item.items() if found]
        matrix = np.array([[_level(by_item.get(item)) for item in shared] for by_item in judged], dtype=np.float64)
        stat = krippendorff_alpha(matrix, level="ordinal", labels=values)
        agreement = stat.value if stat.defined else None
    cell = Cell(
        system=system,
        dimension=dimension,
        status="measured" if status == "measured" else "provisional",
        judges=judges,
        n_scored=len(levels),
        n_na=sum(1 for j in combined if j.status == "ok" and j.not_applicable),
        unscored=dict(sorted(unscored.items())),
        distribution={v: counts.get(v, 0) for v in values},
        mean=float(levels.mean()) if len(levels) else None,
        ci_low=float(np.quantile(boot, 0.025)) if boot is not None else None,
        ci_high=float(np.quantile(boot, 0.975)) if boot is not None else None,
        judge_agreement=agreement,
    )
    return cell, boot


def _level(judgment: Judgment | None) -> float:
    if judgment is None or judgment.status != "ok" or judgment.level is None:
        return math.nan
    return float(judgment.level)


def _comparisons(
    cells: list[Cell], boots: dict[tuple[str, str], npt.NDArray[np.float64]], rubric: Rubric
) -> list[Comparison]:
    out = []
    for dimension in rubric.dimensions:
        scored = [c for c in cells if c.dimension == dimension.id and c.mean is not None]
        for a, b in itertools.combinations(scored, 2):
            assert a.mean is not None and b.mean is not None
            diff = boots[(b.system, dimension.id)] - boots[(a.system, dimension.id)]
            out.append(
                Comparison(
                    dimension=dimension.id,
                    a=a.system,
                    b=b.system,
                    difference=b.mean - a.mean,
                    ci_low=float(np.quantile(diff, 0.025)),
                    ci_high=float(np.quantile(diff, 0.975)),
                    provisional="provisional" in (a.status, b.status),
                )
            )
    return out


def _interactions(comparisons: list[Comparison], systems: tuple[System, ...], by: Sequence[str]) -> list[Interaction]:
    """Per dimension: a model whose scaffolds differ clearly, next to a model whose scaffolds do not."""
    if "model" not in by or "scaffold" not in by:
        return []
    model_of = {s.key: s.axes["model"] for s in systems}
    out = []
    for dimension in sorted({c.dimension for c in comparisons}):
        within: dict[str, list[Comparison]] = {}
        for comparison in comparisons:
            if comparison.dimension == dimension and model_of[comparison.a] == model_of[comparison.b]:
                within.setdefault(model_of[comparison.a], []).append(comparison)
        changed = {m: next(c for c in cs if c.clear) for m, cs in within.items() if any(c.clear for c in cs)}
        unchanged = [m for m, cs in within.items() if not any(c.clear for c in cs)]
        for model, comparison in sorted(changed.items()):
            for other in sorted(unchanged):
                out.append(
                    Interaction(
                        dimension=dimension,
                        changed_for=model,
                        unchanged_for=other,
                        detail=(
                            f"{comparison.b} vs {comparison.a}: {comparison.difference:+.2f} "
                            f"[{comparison.ci_low:+.2f}, {comparison.ci_high:+.2f}]; no clear scaffold "
                            f"difference for {other}"
                        ),
                    )
                )
    return out
