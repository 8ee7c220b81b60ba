"""Agreement statistics: percent agreement, Cohen's kappa, Krippendorff's alpha (bootstrap intervals: bootstrap.py).

Pure NumPy kernels: no pandas, no I/O, no logging. Conventions shared by every function:

* Ratings are numeric codes; a missing rating is ``np.nan`` (so arrays are float). Integer arrays are accepted.
* ``labels`` are the scale's values **in scale order** (``Scale.values``), including levels nobody chose. Weighted
  statistics measure distance by position in ``labels``, so a wrong order gives a silently wrong answer.
* A code that is not in ``labels`` is a ``ValueError`` naming it, never dropped (scikit-learn drops it silently).
* An undefined statistic is ``nan`` with an ``undefined_reason``; it never raises and never becomes 1.0 or 0.0.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import Literal, get_args

import krippendorff
import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, model_validator

from prompts import LevelOfMeasurement

KappaWeights = Literal["linear", "quadratic"]
"""Disagreement weights of weighted kappa: ``|i - j|`` or ``(i - j)**2`` over positions in ``labels``."""

_FloatArray = npt.NDArray[np.float64]
_IntArray = npt.NDArray[np.int64]


class AgreementStat(BaseModel):
    """One agreement statistic, the number of units behind it, and why it is undefined when it is."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    name: str
    """What was computed, e.g. ``"cohen_kappa"``, ``"weighted_kappa_quadratic"``, ``"krippendorff_alpha_ordinal"``."""

    value: float
    """The statistic; ``nan`` exactly when ``undefined_reason`` is set."""

    n: int
    """Items (units) that entered the computation: complete pairs for kappa, pairable units for alpha."""

    undefined_reason: str | None = None
    """Why ``value`` is ``nan``; ``None`` when it is defined."""

    @model_validator(mode="after")
    def _nan_iff_undefined(self) -> AgreementStat:
        if math.isnan(self.value) != (self.undefined_reason is not None):
            raise ValueError("value must be nan exactly when undefined_reason is set")
        return self

    @property
    def defined(self) -> bool:
        """Whether the statistic has a value."""
        return self.undefined_reason is None


class ConfidenceInterval(BaseModel):
    """A bootstrap confidence interval and what makes it unreliable, if anything."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    low: float
    """Lower bound; ``nan`` when the statistic was undefined in every resample."""

    high: float
    """Upper bound; ``nan`` when the statistic was undefined in every resample."""

    confidence: float
    """Nominal coverage, e.g. ``0.95``."""

    n_resamples: int
    """Bootstrap resamples drawn."""

    n_degenerate: int
    """Resamples in which the statistic was undefined; they are excluded from the percentiles."""

    method: str = "percentile"
    """How the bounds were read off the resampled statistics."""

    unreliable_reason: str | None = None
    """Why the interval should not be trusted (too few items, many undefined resamples); ``None`` if none."""

    @property
    def reliable(self) -> bool:
        """Whether nothing is known to make the interval untrustworthy."""
        return self.unreliable_reason is None


def percent_agreement(a: npt.ArrayLike, b: npt.ArrayLike) -> AgreementStat:
    """Share of items on which two raters gave the same code.

    ``p_o = (1/n) * sum_i [a_i == b_i]`` over the ``n`` items where both ratings are present. It ignores chance
    agreement, so report it beside kappa or alpha, never alone.

    Args:
        a: Ratings of the first rater, shape ``(N,)``; ``nan`` marks a missing rating.
        b: Ratings of the second rater, shape ``(N,)``.

    Returns:
        ``AgreementStat`` named ``"percent_agreement"`` (a proportion in [0, 1]); undefined when no item has both.

    Raises:
        ValueError: if the shapes differ, are not 1-D, or a rating is not numeric.

    References:
        Artstein, R. & Poesio, M. (2008). Inter-coder agreement for computational linguistics. Comput. Ling. 34(4).

    Example:
        Two of the three complete pairs agree; the fourth item is missing for ``a``.

        >>> import numpy as np
        >>> stat = percent_agreement([0, 1, 2, np.nan], [0, 1, 1, 2])
        >>> round(stat.value, 4), stat.n
        (0.6667, 3)
    """
    x, y = _as_float(a, "a", ndim=1), _as_float(b, "b", ndim=1)
    if x.shape != y.shape:
        raise ValueError(f"a and b must have the same shape, got {x.shape} and {y.shape}")
    both = ~np.isnan(x) & ~np.isnan(y)
    n = int(both.sum())
    if n == 0:
        return _undefined("percent_agreement", 0, "no item has both ratings")
    return AgreementStat(name="percent_agreement", value=float(np.mean(x[both] == y[both])), n=n)


def cohen_kappa(
    a: npt.ArrayLike, b: npt.ArrayLike, *, labels: Sequence[int], weights: KappaWeights | None = None
) -> AgreementStat:
    """Cohen's kappa, optionally weighted, between two raters over a fixed label set.

    With ``C`` the ``L x L`` confusion matrix over ``labels`` (rows ``a``, columns ``b``), ``r`` and ``c`` its row
    and column sums, ``n`` its total and ``w_ij`` the disagreement weight (``[i != j]``, ``|i - j|`` or
    ``(i - j)**2``, with ``i, j`` positions in ``labels``)::

        kappa = 1 - n * sum_ij w_ij C_ij / sum_ij w_ij r_i c_j

    which equals ``(p_o - p_e) / (1 - p_e)`` when unweighted. ``C`` always spans the full label set, so an unused
    level still counts in the distances (scikit-learn gives the same with explicit ``labels``).

    Args:
        a: Ratings of the first rater, shape ``(N,)``; ``nan`` marks a missing rating (the pair is dropped).
        b: Ratings of the second rater, shape ``(N,)``.
        labels: Scale values in scale order (``Scale.values``).
        weights: ``None`` for Cohen's kappa, ``"linear"`` or ``"quadratic"`` for weighted kappa.

    Returns:
        ``AgreementStat`` named ``"cohen_kappa"`` or ``"weighted_kappa_<weights>"`` with ``n`` complete pairs.
        Undefined when there is no complete pair, or when the chance disagreement is 0 (both raters used one and
        the same category). Zero and negative values are returned as they are.

    Raises:
        ValueError: if a rating is not in ``labels``, shapes differ, or ``weights`` is unknown.

    References:
        Cohen, J. (1960). A coefficient of agreement for nominal scales. Educ. Psychol. Meas. 20(1), 37-46.
        Cohen, J. (1968). Weighted kappa. Psychol. Bull. 70(4), 213-220.

    Example:
        ``r = (2, 2)``, ``c = (1, 3)``, one disagreement: ``1 - 4 * 1 / (2*3 + 2*1) = 0.5``.

        >>> cohen_kappa([0, 0, 1, 1], [0, 1, 1, 1], labels=(0, 1)).value
        0.5
        >>> cohen_kappa([1, 1], [1, 1], labels=(0, 1)).undefined_reason
        'only one category observed: both raters used only 1'
    """
    name, w = _kappa_name(weights), _kappa_weights(len(labels), weights)
    table, n = _confusion(a, b, labels)
    if n == 0:
        return _undefined(name, 0, "no item has both ratings")
    value = float(_kappa_from_tables(table[np.newaxis].astype(np.float64), w)[0])
    if math.isnan(value):
        only = labels[int(np.argmax(table.diagonal()))]
        return _undefined(name, n, f"only one category observed: both raters used only {only}")
    return AgreementStat(name=name, value=value, n=n)


def krippendorff_alpha(
    reliability_data: npt.ArrayLike, *, level: LevelOfMeasurement, labels: Sequence[int]
) -> AgreementStat:
    """Krippendorff's alpha for any number of raters with missing ratings, via the ``krippendorff`` package.

    ``alpha = 1 - D_o / D_e = 1 - (n - 1) * sum_ck o_ck delta2_ck / sum_ck n_c n_k delta2_ck``, where ``o`` is the
    coincidence matrix (``o_ck = sum_u sum_{i != j} [v_ui = c][v_uj = k] / (m_u - 1)`` over units with
    ``m_u >= 2`` values), ``n_c`` its marginals and ``delta2`` the metric of ``level``. The level is always passed
    (the package defaults to interval) and so is the value domain in scale order (the package defaults to the sorted
    observed values). Unused levels have ``n_c = 0`` and change no metric, ordinal included.

    Args:
        reliability_data: Raters x units, shape ``(M, N)``; ``nan`` marks a missing rating.
        level: ``Scale.level_of_measurement``: ``"nominal"``, ``"ordinal"`` or ``"interval"``.
        labels: Scale values in scale order (``Scale.values``); interval distances use the values themselves.

    Returns:
        ``AgreementStat`` named ``"krippendorff_alpha_<level>"``; ``n`` is the number of units with at least two
        ratings. Undefined with fewer than two raters, no pairable unit, or one category among pairable values.

    Raises:
        ValueError: if a rating is not in ``labels``, the data are not 2-D, or ``level`` is unknown.

    References:
        Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for Communication.

    Example:
        Units ``(0,0), (0,1), (1,1), (1,1)``: ``o_01 = o_10 = 1``, ``n_c = (3, 5)``, so
        ``alpha = 1 - 7 * 2 / (2 * 3 * 5) = 8/15``.

        >>> round(krippendorff_alpha([[0, 0, 1, 1], [0, 1, 1, 1]], level="nominal", labels=(0, 1)).value, 4)
        0.5333
    """
    name = f"krippendorff_alpha_{_check_level(level)}"
    data = _as_float(reliability_data, "reliability_data", ndim=2)
    codes = _codes(data, labels, "reliability_data")
    if data.shape[0] < 2:
        return _undefined(name, 0, "fewer than two raters")
    counts = _unit_value_counts(codes, len(labels))
    pairable = counts[counts.sum(axis=1) >= 2]
    n = len(pairable)
    if n == 0:
        return _undefined(name, 0, "no pairable values: no unit was rated by two or more raters")
    if np.count_nonzero(pairable.sum(axis=0)) < 2:
        # With an explicit value_domain the package does not raise here: it divides 0 by 0 and warns.
        return _undefined(name, n, "only one category observed among pairable values")
    value = krippendorff.alpha(reliability_data=data, level_of_measurement=level, value_domain=list(labels))
    return AgreementStat(name=name, value=float(value), n=n)


def prevalence(values: npt.ArrayLike, *, labels: Sequence[int]) -> dict[int, float]:
    """Share of each label among the non-missing ratings.

    ``share_c = count(values == c) / count(values not nan)``, for every label in scale order.

    Args:
        values: Ratings of any shape; ``nan`` marks a missing rating.
        labels: Scale values in scale order.

    Returns:
        A dict with every label as a key in scale order (0.0 for unused levels); all ``nan`` if nothing is rated.

    Raises:
        ValueError: if a rating is not in ``labels``.

    References:
        Byrt, T., Bishop, J. & Carlin, J. B. (1993). Bias, prevalence and kappa. J. Clin. Epidemiol. 46(5), 423-429.

    Example:
        >>> import numpy as np
        >>> {k: round(v, 4) for k, v in prevalence([0, 2, 2, np.nan], labels=(0, 1, 2)).items()}
        {0: 0.3333, 1: 0.0, 2: 0.6667}
    """
    codes = _codes(_as_float(values, "values"), labels, "values")
    present = codes[codes >= 0]
    counts = np.bincount(present, minlength=len(labels))
    total = len(present)
    return {int(label): float(counts[i] / total) if total else math.nan for i, label in enumerate(labels)}


def mean_pairwise_kappa(
    judge: npt.ArrayLike, coders: npt.ArrayLike, *, labels: Sequence[int], weights: KappaWeights | None = None
) -> AgreementStat:
    """Mean of kappa between the judge and each human coder.

    ``mean_m kappa(judge, coders[m])`` over the coders whose kappa is defined; undefined pairs are skipped. This is
    Light's averaging of pairwise kappas, restricted to the pairs that include the judge.

    Args:
        judge: Judge ratings, shape ``(N,)``; ``nan`` for missing.
        coders: Human coders x items, shape ``(M, N)``; ``nan`` for missing.
        labels: Scale values in scale order.
        weights: As in :func:`cohen_kappa`.

    Returns:
        ``AgreementStat`` named ``"mean_pairwise_<kappa name>"``. ``n`` counts distinct items that entered at least
        one defined pair (all pairs when none is defined), not coder pairs. Undefined when there are no coders or
        every pair is undefined; the reason then gives the count.

    Raises:
        ValueError: as :func:`cohen_kappa`, or if ``coders`` is not ``(M, N)`` with ``N`` matching ``judge``.

    References:
        Light, R. J. (1971). Measures of response agreement for qualitative data. Psychol. Bull. 76(5), 365-377.

    Example:
        Kappa is 1 with the first coder and 0.5 with the second (see :func:`cohen_kappa`).

        >>> mean_pairwise_kappa([0, 0, 1, 1], [[0, 0, 1, 1], [0, 1, 1, 1]], labels=(0, 1)).value
        0.75
    """
    name = f"mean_pairwise_{_kappa_name(weights)}"
    j = _as_float(judge, "judge", ndim=1)
    rows = _as_float(coders, "coders", ndim=2)
    if rows.shape[1] != len(j):
        raise ValueError(f"coders must have shape (M, {len(j)}) to match judge, got {rows.shape}")
    if len(rows) == 0:
        return _undefined(name, 0, "no coders")
    stats = [cohen_kappa(j, row, labels=labels, weights=weights) for row in rows]
    used = ~np.isnan(j) & ~np.isnan(rows)
    defined = np.array([s.defined for s in stats])
    if not defined.any():
        return _undefined(name, int(used.any(axis=0).sum()), f"all {len(stats)} judge-coder pairs undefined")
    value = float(np.mean([s.value for s in stats if s.defined]))
    return AgreementStat(name=name, value=value, n=int(used[defined].any(axis=0).sum()))


def _undefined(name: str, n: int, reason: str) -> AgreementStat:
    return AgreementStat(name=name, value=math.nan, n=n, undefined_reason=reason)


def _as_float(values: npt.ArrayLike, what: str, ndim: int | None = None) -> _FloatArray:
    array = np.asarray(values)
    if array.dtype.kind not in "iuf":
        bad = next((v for v in array.ravel().tolist() if isinstance(v, bool) or not isinstance(v, int | float)), None)
        raise ValueError(f"{what} must hold numeric codes (nan for missing); found {bad!r} ({array.dtype})")
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{what} must be {ndim}-D, got shape {array.shape}")
    return array.astype(np.float64, copy=False)


def _codes(values: _FloatArray, labels: Sequence[int], what: str) -> _IntArray:
    """Positions in ``labels`` (scale order) of each rating, ``-1`` where it is missing."""
    try:
        label_array = np.array([operator.index(label) for label in labels], dtype=np.float64)
    except TypeError:
        raise ValueError(f"labels must be integer codes in scale order, got {tuple(labels)}") from None
    if label_array.size == 0 or len(np.unique(label_array)) != label_array.size:
        raise ValueError(f"labels must be non-empty and distinct, got {tuple(labels)}")
    order = np.argsort(label_array, kind="stable")
    ordered = label_array[order]
    pos = np.minimum(np.searchsorted(ordered, values), len(ordered) - 1)
    missing = np.isnan(values)
    unknown = (ordered[pos] != values) & ~missing
    if unknown.any():
        raise ValueError(f"{what} contains {values[unknown][0]:g}, which is not in labels {tuple(labels)}")
    return np.where(missing, -1, order[pos]).astype(np.int64)


def _confusion(a: npt.ArrayLike, b: npt.ArrayLike, labels: Sequence[int]) -> tuple[_IntArray, int]:
    """The ``(L, L)`` table of complete pairs over ``labels`` (rows ``a``) and the number of pairs."""
    x, y = _as_float(a, "a", ndim=1), _as_float(b, "b", ndim=1)
    if x.shape != y.shape:
        raise ValueError(f"a and b must have the same shape, got {x.shape} and {y.shape}")
    ca, cb = _codes(x, labels, "a"), _codes(y, labels, "b")
    both = (ca >= 0) & (cb >= 0)
    size = len(labels)
    table = np.bincount(ca[both] * size + cb[both], minlength=size * size).reshape(size, size)
    return table.astype(np.int64), int(both.sum())


def _kappa_name(weights: KappaWeights | None) -> str:
    return "cohen_kappa" if weights is None else f"weighted_kappa_{weights}"


def _kappa_weights(size: int, weights: KappaWeights | None) -> _FloatArray:
    distance = np.abs(np.subtract.outer(np.arange(size), np.arange(size))).astype(np.float64)
    if weights is None:
        return (distance > 0).astype(np.float64)
    if weights == "linear":
        return distance
    if weights == "quadratic":
        return distance**2
    raise ValueError(f"weights must be None, 'linear' or 'quadratic', got {weights!r}")


def _kappa_from_tables(tables: _FloatArray, weights: _FloatArray) -> _FloatArray:
    """Kappa of each ``(B, L, L)`` table; ``nan`` where the chance disagreement is 0."""
    n = tables.sum(axis=(1, 2))
    # Integer-valued sums (exact below 2**53), so kappa is one division away from exact and 0 is a true 0.
    observed = (tables * weights).sum(axis=(1, 2))
    chance = np.einsum("bi,ij,bj->b", tables.sum(axis=2), weights, tables.sum(axis=1))
    out = np.full(len(tables), np.nan)
    ok = chance > 0
    out[ok] = 1.0 - n[ok] * observed[ok] / chance[ok]
    return out


def _check_level(level: str) -> str:
    if level not in get_args(LevelOfMeasurement):
        raise ValueError(f"level must be one of {get_args(LevelOfMeasurement)}, got {level!r}")
    return level


def _unit_value_counts(codes: _IntArray, size: int) -> _IntArray:
    """``(N, L)`` number of raters who gave each label to each unit, from ``(M, N)`` codes."""
    units = np.broadcast_to(np.arange(codes.shape[1]), codes.shape)
    present = codes >= 0
    flat = np.bincount(units[present] * size + codes[present], minlength=codes.shape[1] * size)
    return flat.reshape(codes.shape[1], size).astype(np.int64)


def _unit_patterns(reliability_data: npt.ArrayLike, labels: Sequence[int]) -> tuple[_FloatArray, _IntArray]:
    """Coincidence blocks ``(P, L*L)`` of the distinct value-count patterns of pairable units, and their counts."""
    codes = _codes(_as_float(reliability_data, "reliability_data", ndim=2), labels, "reliability_data")
    counts = _unit_value_counts(codes, len(labels))
    counts = counts[counts.sum(axis=1) >= 2]
    base = codes.shape[0] + 1
    if base ** len(labels) < 2**62:
        # One integer key per pattern (digits in base M + 1): a 1-D unique is ~50x faster than unique(axis=0).
        keys = counts @ (base ** np.arange(len(labels), dtype=np.int64))
        _, first, multiplicity = np.unique(keys, return_index=True, return_counts=True)
        patterns = counts[first]
    else:
        patterns, multiplicity = np.unique(counts, axis=0, return_counts=True)
    return _coincidence_blocks(patterns), multiplicity.astype(np.int64)


def _coincidence_blocks(value_counts: _IntArray) -> _FloatArray:
    """``(K, L*L)`` coincidence contribution of each unit: ``(n_uc n_uk - [c = k] n_uc) / (m_u - 1)``."""
    size = value_counts.shape[1]
    pairs = value_counts[:, :, np.newaxis] * value_counts[:, np.newaxis, :]
    pairs = pairs - value_counts[:, :, np.newaxis] * np.eye(size, dtype=np.int64)
    # A unit with one rating has no pairs (1*1 - 1 = 0); the max only avoids dividing 0 by 0.
    m = np.maximum(value_counts.sum(axis=1) - 1, 1).astype(np.float64)
    blocks: _FloatArray = pairs / m[:, np.newaxis, np.newaxis]
    return blocks.reshape(len(value_counts), size * size)


def _delta2(level: str, values: _FloatArray, n_c: _FloatArray) -> _FloatArray:
    """Squared distance ``delta2_ck`` (broadcastable to ``(B, L, L)``) given marginals ``n_c`` of shape ``(B, L)``."""
    size = len(values)
    if level == "nominal":
        return (1.0 - np.eye(size))[np.newaxis]
    if level == "interval":
        squared: _FloatArray = np.subtract.outer(values, values)[np.newaxis] ** 2
        return squared
    # Ordinal: sum of n_g for g between c and k inclusive, minus half the two ends (Krippendorff 2011).
    idx = np.arange(size)
    lo, hi = np.minimum.outer(idx, idx), np.maximum.outer(idx, idx)
    between = ((idx >= lo[..., np.newaxis]) & (idx <= hi[..., np.newaxis])).astype(np.float64)
    spans: _FloatArray = np.einsum("bg,ckg->bck", n_c, between)
    return (spans - (n_c[:, :, np.newaxis] + n_c[:, np.newaxis, :]) / 2) ** 2


def _alpha_from_coincidences(o: _FloatArray, *, level: str, values: _FloatArray) -> _FloatArray:
    """Alpha of each ``(B, L, L)`` coincidence matrix; ``nan`` where the expected disagreement is 0."""
    n_c = o.sum(axis=2)
    delta2 = _delta2(level, values, n_c)
    observed = (o * delta2).sum(axis=(1, 2))
    # Expected coincidences e_ck = (n_c n_k - [c = k] n_c) / (n - 1); delta2_cc = 0 removes the diagonal term.
    expected = np.einsum("bc,bck,bk->b", n_c, np.broadcast_to(delta2, o.shape), n_c)
    out = np.full(len(o), np.nan)
    ok = expected > 0
    out[ok] = 1.0 - (n_c.sum(axis=1)[ok] - 1) * observed[ok] / expected[ok]
    return out


def _alpha_estimate(reliability_data: npt.ArrayLike, *, level: LevelOfMeasurement, labels: Sequence[int]) -> float:
    """Alpha from this module's kernel (what each bootstrap resample computes); the bench compares it to the package."""
    blocks, multiplicity = _unit_patterns(reliability_data, labels)
    o = multiplicity.astype(np.float64) @ blocks
    size = len(labels)
    values = np.asarray(labels, dtype=np.float64)
    return float(_alpha_from_coincidences(o.reshape(1, size, size), level=level, values=values)[0])
