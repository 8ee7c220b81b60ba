"""Bootstrap confidence intervals for kappa and Krippendorff's alpha, resampling items (units).

Vectorised: a resample of ``n`` items is drawn as one multinomial over what the items contribute (the cells of
the confusion table for kappa, the distinct per-unit value patterns for alpha), which has the same distribution
as drawing items with replacement and costs nothing per item. The kernels are those of :mod:`calibration.stats`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from calibration.stats import (
    ConfidenceInterval,
    KappaWeights,
    _alpha_from_coincidences,
    _check_level,
    _confusion,
    _FloatArray,
    _IntArray,
    _kappa_from_tables,
    _kappa_weights,
    _unit_patterns,
)
from prompts import LevelOfMeasurement

_MAX_DEGENERATE_SHARE = 0.05
"""Above this share of undefined resamples the percentiles describe a conditional distribution: flag the CI."""

_CHUNK_ELEMENTS = 1 << 22
"""Resample count matrices are drawn in chunks of about this many elements (32 MiB of int64)."""


def bootstrap_kappa(
    a: npt.ArrayLike,
    b: npt.ArrayLike,
    *,
    labels: Sequence[int],
    weights: KappaWeights | None = None,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    min_items: int = 30,
) -> ConfidenceInterval:
    """Percentile bootstrap interval for (weighted) kappa, resampling complete pairs.

    Drawing ``n`` pairs with replacement and tabulating them is the same as drawing the ``L x L`` table from
    ``Multinomial(n, C / n)``, so each resample costs ``O(L**2)`` whatever ``n`` is; kappa is then computed for all
    tables at once with the kernel of :func:`cohen_kappa`. Bounds are the ``(1 -/+ confidence) / 2`` quantiles
    (linear interpolation) of the defined resamples.

    Args:
        a: Ratings of the first rater, shape ``(N,)``; ``nan`` marks a missing rating (the pair is dropped).
        b: Ratings of the second rater, shape ``(N,)``.
        labels: Scale values in scale order.
        weights: As in :func:`cohen_kappa`.
        n_resamples: Number of bootstrap resamples.
        confidence: Nominal coverage in (0, 1).
        seed: Seed of ``np.random.default_rng``; the same seed gives the same interval.
        min_items: Fewer complete pairs than this marks the interval unreliable.

    Returns:
        ``ConfidenceInterval``; resamples with only one shared category are counted in ``n_degenerate``.

    Raises:
        ValueError: as :func:`cohen_kappa`, or for a non-positive ``n_resamples`` or ``confidence`` outside (0, 1).

    References:
        Efron, B. & Tibshirani, R. (1993). An Introduction to the Bootstrap, ch. 13. Chapman & Hall.

    Example:
        Perfect agreement on two categories: every resample has kappa 1.

        >>> ci = bootstrap_kappa([0, 1] * 20, [0, 1] * 20, labels=(0, 1), seed=0)
        >>> ci.low, ci.high, ci.n_degenerate, ci.unreliable_reason
        (1.0, 1.0, 0, None)
    """
    _check_bootstrap(n_resamples, confidence)
    w = _kappa_weights(len(labels), weights)
    table, n = _confusion(a, b, labels)
    shape = table.shape

    def kappas(tables: _IntArray) -> _FloatArray:
        return _kappa_from_tables(tables.reshape(-1, *shape).astype(np.float64), w)

    values = _resample(table.ravel(), n, kappas, n_resamples=n_resamples, seed=seed)
    return _percentile_interval(values, n, confidence=confidence, min_items=min_items)


def bootstrap_alpha(
    reliability_data: npt.ArrayLike,
    *,
    level: LevelOfMeasurement,
    labels: Sequence[int],
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    min_items: int = 30,
) -> ConfidenceInterval:
    """Percentile bootstrap interval for Krippendorff's alpha, resampling pairable units.

    Each unit adds a fixed block to the coincidence matrix, and units with the same value counts add the same
    block. A resample's coincidence matrix is therefore ``counts @ blocks``, with ``counts`` drawn from
    ``Multinomial(n, multiplicity / n)`` over the distinct patterns; alpha (same formula and metrics as
    :func:`krippendorff_alpha`, ordinal distances recomputed from each resample's marginals) follows for a whole
    chunk at once. Units with fewer than two ratings contribute nothing and are not resampled.

    Args:
        reliability_data: Raters x units, shape ``(M, N)``; ``nan`` marks a missing rating.
        level: ``Scale.level_of_measurement``.
        labels: Scale values in scale order.
        n_resamples: Number of bootstrap resamples.
        confidence: Nominal coverage in (0, 1).
        seed: Seed of ``np.random.default_rng``; the same seed gives the same interval.
        min_items: Fewer pairable units than this marks the interval unreliable.

    Returns:
        ``ConfidenceInterval``; resamples with one category only are counted in ``n_degenerate``.

    Raises:
        ValueError: as :func:`krippendorff_alpha`, or for a non-positive ``n_resamples`` or ``confidence`` outside
            (0, 1).

    References:
        Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for Communication.
        Efron, B. & Tibshirani, R. (1993). An Introduction to the Bootstrap, ch. 13. Chapman & Hall.

    Example:
        Perfect agreement on two categories: every resample has alpha 1.

        >>> ci = bootstrap_alpha([[0, 1] * 20, [0, 1] * 20], level="nominal", labels=(0, 1), seed=0)
        >>> ci.low, ci.high, ci.n_degenerate, ci.unreliable_reason
        (1.0, 1.0, 0, None)
    """
    _check_bootstrap(n_resamples, confidence)
    _check_level(level)
    blocks, multiplicity = _unit_patterns(reliability_data, labels)
    shape = (len(labels), len(labels))
    values_f = np.asarray(labels, dtype=np.float64)

    def alphas(weights: _IntArray) -> _FloatArray:
        o = (weights.astype(np.float64) @ blocks).reshape(-1, *shape)
        return _alpha_from_coincidences(o, level=level, values=values_f)

    n = int(multiplicity.sum())
    values = _resample(multiplicity, n, alphas, n_resamples=n_resamples, seed=seed)
    return _percentile_interval(values, n, confidence=confidence, min_items=min_items)


def _check_bootstrap(n_resamples: int, confidence: float) -> None:
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be positive, got {n_resamples}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")


def _resample(
    multiplicity: _IntArray, n: int, stat: Callable[[_IntArray], _FloatArray], *, n_resamples: int, seed: int
) -> _FloatArray:
    """``stat`` of ``n_resamples`` multinomial resamples of ``n`` items over categories with these multiplicities."""
    values = np.full(n_resamples, np.nan)
    if n == 0:
        return values
    rng = np.random.default_rng(seed)
    p = multiplicity / n
    chunk = max(1, _CHUNK_ELEMENTS // len(p))
    for start in range(0, n_resamples, chunk):
        size = min(chunk, n_resamples - start)
        values[start : start + size] = stat(rng.multinomial(n, p, size=size).astype(np.int64))
    return values


def _percentile_interval(values: _FloatArray, n: int, *, confidence: float, min_items: int) -> ConfidenceInterval:
    defined = values[~np.isnan(values)]
    n_degenerate = len(values) - len(defined)
    reasons = [f"only {n} items (< min_items={min_items})"] if n < min_items else []
    if len(defined) == 0:
        low = high = math.nan
        reasons.append("the statistic is undefined in every resample")
    else:
        low, high = (float(q) for q in np.quantile(defined, [(1 - confidence) / 2, (1 + confidence) / 2]))
        if n_degenerate > _MAX_DEGENERATE_SHARE * len(values):
            reasons.append(f"{n_degenerate} of {len(values)} resamples undefined (> {_MAX_DEGENERATE_SHARE:.0%})")
    return ConfidenceInterval(
        low=low,
        high=high,
        confidence=confidence,
        n_resamples=len(values),
        n_degenerate=n_degenerate,
        unreliable_reason="; ".join(reasons) or None,
    )
