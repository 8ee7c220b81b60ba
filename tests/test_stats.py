"""Agreement statistics: hand-computed pins, oracles (scikit-learn, krippendorff), degenerate cases, properties."""

from __future__ import annotations

import math
import random as random_module
import warnings
from fractions import Fraction as F

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score  # type: ignore[import-untyped]

import calibration.bootstrap as bootstrap_module
from calibration.bootstrap import _percentile_interval, bootstrap_alpha, bootstrap_kappa
from calibration.stats import (
    AgreementStat,
    ConfidenceInterval,
    KappaWeights,
    _alpha_estimate,
    _alpha_from_coincidences,
    _codes,
    _coincidence_blocks,
    _unit_value_counts,
    cohen_kappa,
    krippendorff_alpha,
    mean_pairwise_kappa,
    percent_agreement,
    prevalence,
)
from prompts import LevelOfMeasurement

nan = np.nan
LEVELS: tuple[LevelOfMeasurement, ...] = ("nominal", "ordinal", "interval")
WEIGHTS: tuple[KappaWeights | None, ...] = (None, "linear", "quadratic")

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 coders x 12 units, values 1-5.
KRIPPENDORFF_2011 = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ]
)


def from_table(table: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Rating vectors whose confusion matrix (rows a, columns b, labels 0..L-1) is ``table``."""
    a = [i for i, row in enumerate(table) for j, count in enumerate(row) for _ in range(count)]
    b = [j for i, row in enumerate(table) for j, count in enumerate(row) for _ in range(count)]
    return np.array(a, dtype=float), np.array(b, dtype=float)


def sklearn_kappa(a: np.ndarray, b: np.ndarray, labels: tuple[int, ...], weights: KappaWeights | None) -> float:
    both = ~np.isnan(a) & ~np.isnan(b)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # UndefinedMetricWarning: we compare its nan against our reason
        return float(cohen_kappa_score(a[both], b[both], labels=list(labels), weights=weights))


# --- strategies -------------------------------------------------------------------------------------------------

scales = st.lists(st.integers(-3, 12), min_size=2, max_size=6, unique=True).map(lambda xs: tuple(sorted(xs)))


@st.composite
def rating_pairs(draw: st.DrawFn, min_size: int = 1) -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
    labels = draw(scales)
    n = draw(st.integers(min_size, 40))
    values = st.one_of(st.sampled_from(labels), st.just(nan)) if draw(st.booleans()) else st.sampled_from(labels)
    a = np.array(draw(st.lists(values, min_size=n, max_size=n)), dtype=float)
    # Correlated b: copy a where a coin says so, so the data span agreement, chance and disagreement.
    copy = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    other = np.array(draw(st.lists(values, min_size=n, max_size=n)), dtype=float)
    return a, np.where(copy, a, other), labels


@st.composite
def reliability_matrices(draw: st.DrawFn) -> tuple[np.ndarray, tuple[int, ...]]:
    labels = draw(scales)
    m, n = draw(st.integers(2, 5)), draw(st.integers(1, 25))
    cells = st.one_of(st.sampled_from(labels), st.just(nan))
    data = np.array(draw(st.lists(st.lists(cells, min_size=n, max_size=n), min_size=m, max_size=m)), dtype=float)
    return data, labels


# --- hand-computed pins -----------------------------------------------------------------------------------------


def test_kappa_2x2_by_hand() -> None:
    # Table [[20, 5], [10, 15]], n = 50: p_o = (20 + 15)/50 = 7/10;
    # rows (25, 25), columns (30, 20): p_e = (25*30 + 25*20)/50**2 = 1250/2500 = 1/2;
    # kappa = (7/10 - 1/2) / (1 - 1/2) = 2/5.
    a, b = from_table([[20, 5], [10, 15]])
    assert cohen_kappa(a, b, labels=(0, 1)) == AgreementStat(name="cohen_kappa", value=float(F(2, 5)), n=50)


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        # Unweighted: p_o = (5 + 3 + 1)/15 = 3/5; p_e = (7*7 + 6*5 + 2*3)/15**2 = 85/225 = 17/45;
        # kappa = (27/45 - 17/45) / (28/45) = 10/28 = 5/14.
        (None, F(5, 14)),
        # Linear w = |i - j|: observed sum w C = 2*1 + 0*2 + 1*1 + 2*1 + 1*2 + 0*1 = 7;
        # chance sum w r_i c_j = 7*5*1 + 7*3*2 + 6*7*1 + 6*3*1 + 2*7*2 + 2*5*1 = 35+42+42+18+28+10 = 175;
        # kappa = 1 - n * 7/175 = 1 - 105/175 = 2/5.
        ("linear", F(2, 5)),
        # Quadratic w = (i - j)**2: observed = 2*1 + 0*4 + 1*1 + 2*1 + 1*4 + 0*1 = 9;
        # chance = 7*5*1 + 7*3*4 + 6*7*1 + 6*3*1 + 2*7*4 + 2*5*1 = 35+84+42+18+56+10 = 245;
        # kappa = 1 - 15*9/245 = 110/245 = 22/49.
        ("quadratic", F(22, 49)),
    ],
)
def test_kappa_three_levels_by_hand(weights: KappaWeights | None, expected: F) -> None:
    # Rows a, columns b over labels (0, 1, 2): row sums r = (7, 6, 2), column sums c = (7, 5, 3), n = 15.
    a, b = from_table([[5, 2, 0], [1, 3, 2], [1, 0, 1]])
    stat = cohen_kappa(a, b, labels=(0, 1, 2), weights=weights)
    assert stat.value == pytest.approx(float(expected), abs=1e-15)
    assert stat.n == 15
    assert stat.name == ("cohen_kappa" if weights is None else f"weighted_kappa_{weights}")
    assert stat.value == pytest.approx(sklearn_kappa(a, b, (0, 1, 2), weights), abs=1e-12)


def _krippendorff_2011_coincidences() -> dict[tuple[int, int], F]:
    # Each unit u with m_u >= 2 values adds 1/(m_u - 1) to o_ck for every ordered pair of its values (c, k):
    #   u1 {1,1,1}: o11 += 3*2/2 = 3          u7 {4,4,4,4}: o44 += 4
    #   u2 {2,2,3,2}: o22 += 3*2/3 = 2, o23 = o32 += 3/3 = 1
    #   u3, u4 {3,3,3,3}: o33 += 4 each       u8 {1,1,2,1}: o11 += 2, o12 = o21 += 1
    #   u5, u9 {2,2,2,2}: o22 += 4 each       u10 {5,5,5}: o55 += 3
    #   u6 {1,2,3,4}: every o_ck with c != k among 1..4 += 1/3
    #   u11 {1,1}: o11 += 2                   u12 {3}: one value, not pairable
    third = F(1, 3)
    o = {(c, k): F(0) for c in range(1, 6) for k in range(1, 6)}
    o[1, 1], o[2, 2], o[3, 3], o[4, 4], o[5, 5] = F(3 + 2 + 2), F(2 + 4 + 4), F(4 + 4), F(4), F(3)
    for c, k, value in [(1, 2, 1 + third), (1, 3, third), (1, 4, third), (2, 3, 1 + third), (2, 4, third)]:
        o[c, k] = o[k, c] = value
    o[3, 4] = o[4, 3] = third
    return o


def _alpha_from(o: dict[tuple[int, int], F], delta2: dict[tuple[int, int], F]) -> F:
    n_c = {c: sum((o[c, k] for k in range(1, 6)), F(0)) for c in range(1, 6)}
    n = sum(n_c.values(), F(0))
    observed = sum((o[c, k] * delta2[c, k] for c, k in o), F(0))
    expected = sum((n_c[c] * n_c[k] * delta2[c, k] for c, k in o), F(0))
    return 1 - (n - 1) * observed / expected


def test_krippendorff_2011_worked_example() -> None:
    o = _krippendorff_2011_coincidences()
    n_c = {c: sum(o[c, k] for k in range(1, 6)) for c in range(1, 6)}
    assert n_c == {1: 9, 2: 13, 3: 10, 4: 5, 5: 3}  # n = 40 pairable values

    # Nominal: sum_{c!=k} o_ck = 40 - (7+10+8+4+3) = 8; sum_{c!=k} n_c n_k = 40**2 - (81+169+100+25+9) = 1216;
    # alpha = 1 - 39*8/1216 = 904/1216 = 113/152 = 0.743 (published: .743).
    nominal = _alpha_from(o, {(c, k): F(c != k) for c, k in o})
    assert nominal == F(113, 152)
    # Interval delta2 = (c - k)**2: sum o delta2 = 2*(4/3*1 + 1/3*4 + 1/3*9 + 4/3*1 + 1/3*4 + 1/3*1) = 52/3;
    # sum n_c n_k delta2 = 2*(117+360+405+432+130+260+351+50+120+15) = 4480; alpha = 1 - 39*(52/3)/4480 = 951/1120.
    interval = _alpha_from(o, {(c, k): F((c - k) ** 2) for c, k in o})
    assert interval == F(951, 1120)

    # Ordinal delta_ck = sum_{g=c..k} n_g - (n_c + n_k)/2, e.g. delta_12 = 22 - 11 = 11, delta_13 = 32 - 19/2 = 45/2,
    # delta_14 = 37 - 7 = 30, delta_15 = 40 - 6 = 34, delta_24 = 28 - 9 = 19, delta_45 = 8 - 4 = 4.
    def ordinal_delta2(c: int, k: int) -> F:
        lo, hi = min(c, k), max(c, k)
        return (sum(n_c[g] for g in range(lo, hi + 1)) - F(n_c[c] + n_c[k], 2)) ** 2

    assert ordinal_delta2(1, 3) == F(45, 2) ** 2 and ordinal_delta2(5, 4) == 16
    ordinal = _alpha_from(o, {(c, k): ordinal_delta2(c, k) for c, k in o})
    assert ordinal == F(108577, 133160)

    cases: list[tuple[LevelOfMeasurement, F, float]] = [
        ("nominal", nominal, 0.743),
        ("ordinal", ordinal, 0.815),
        ("interval", interval, 0.849),
    ]
    for level, exact, published in cases:
        stat = krippendorff_alpha(KRIPPENDORFF_2011, level=level, labels=(1, 2, 3, 4, 5))
        assert stat.value == pytest.approx(float(exact), abs=1e-14)
        assert round(stat.value, 3) == published
        assert stat.n == 11  # u12 has a single value
        assert stat.name == f"krippendorff_alpha_{level}"
        assert _alpha_estimate(KRIPPENDORFF_2011, level=level, labels=(1, 2, 3, 4, 5)) == pytest.approx(
            float(exact), abs=1e-14
        )


def test_percent_agreement_by_hand() -> None:
    # Complete pairs: (0,0) (1,1) (2,1) (2,2); item 5 has b missing, item 6 has a missing -> 3/4.
    stat = percent_agreement([0, 1, 2, 2, 0, nan], [0, 1, 1, 2, nan, 2])
    assert stat == AgreementStat(name="percent_agreement", value=0.75, n=4)


def test_prevalence_by_hand() -> None:
    # Non-missing: 1, 1, 4, 5 -> 2/4 for 1, 1/4 for 4 and 5, 0 for the unused 2 and 3; keys in scale order.
    shares = prevalence(np.array([[1, 1, nan], [4, 5, nan]]), labels=(1, 2, 3, 4, 5))
    assert shares == {1: 0.5, 2: 0.0, 3: 0.0, 4: 0.25, 5: 0.25}
    assert list(shares) == [1, 2, 3, 4, 5]
    assert all(math.isnan(v) for v in prevalence([nan, nan], labels=(0, 1)).values())


def test_mean_pairwise_kappa_by_hand() -> None:
    judge = np.array([0, 0, 1, 1, nan])
    # Coder 1 agrees perfectly (kappa 1); coder 2: kappa 1/2 (as in the cohen_kappa doctest);
    # coder 3 rated only item 5, where the judge is missing: no pair, skipped. Mean = 3/4; items used 0..3.
    coders = np.array([[0, 0, 1, 1, nan], [0, 1, 1, 1, nan], [nan, nan, nan, nan, 1]])
    stat = mean_pairwise_kappa(judge, coders, labels=(0, 1))
    assert stat == AgreementStat(name="mean_pairwise_cohen_kappa", value=0.75, n=4)
    weighted = mean_pairwise_kappa(judge, coders[:2], labels=(0, 1, 2), weights="quadratic")
    assert weighted.name == "mean_pairwise_weighted_kappa_quadratic"
    assert weighted.value == pytest.approx(0.75, abs=1e-15)  # unused level 2 does not matter on 2 used levels

    # Coder A overlaps the judge only on items 2 and 3, where both said 1 (one category); coder B rated nothing.
    undefined = mean_pairwise_kappa(judge, np.array([[nan, nan, 1, 1, 1], [nan] * 5]), labels=(0, 1))
    assert not undefined.defined and math.isnan(undefined.value)
    assert undefined.undefined_reason == "all 2 judge-coder pairs undefined"
    assert undefined.n == 2
    assert mean_pairwise_kappa(judge, np.empty((0, 5)), labels=(0, 1)).undefined_reason == "no coders"


# --- oracles on random data -------------------------------------------------------------------------------------


@settings(deadline=None, max_examples=200)
@given(rating_pairs(), st.sampled_from(WEIGHTS))
def test_kappa_matches_sklearn(
    pair: tuple[np.ndarray, np.ndarray, tuple[int, ...]], weights: KappaWeights | None
) -> None:
    a, b, labels = pair
    stat = cohen_kappa(a, b, labels=labels, weights=weights)
    assert stat.n == int((~np.isnan(a) & ~np.isnan(b)).sum())
    if stat.n == 0:
        assert stat.undefined_reason == "no item has both ratings"
        return
    expected = sklearn_kappa(a, b, labels, weights)
    if stat.defined:
        assert stat.value == pytest.approx(expected, abs=1e-12)
    else:
        assert math.isnan(expected)
        assert stat.undefined_reason is not None and stat.undefined_reason.startswith("only one category observed")


@settings(deadline=None, max_examples=200)
@given(reliability_matrices(), st.sampled_from(LEVELS))
def test_alpha_matches_krippendorff_package(
    case: tuple[np.ndarray, tuple[int, ...]], level: LevelOfMeasurement
) -> None:
    data, labels = case
    stat = krippendorff_alpha(data, level=level, labels=labels)
    per_unit = (~np.isnan(data)).sum(axis=0)
    assert stat.n == int((per_unit >= 2).sum())
    if not stat.defined:
        assert stat.undefined_reason in {
            "no pairable values: no unit was rated by two or more raters",
            "only one category observed among pairable values",
        }
        return
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement=level, value_domain=list(labels))
    assert stat.value == pytest.approx(expected, rel=1e-12, abs=1e-12)
    # Our vectorised kernel, which the bootstrap uses, gives the same point estimate.
    assert _alpha_estimate(data, level=level, labels=labels) == pytest.approx(expected, rel=1e-12, abs=1e-12)


@settings(deadline=None, max_examples=100)
@given(reliability_matrices(), st.sampled_from(LEVELS))
def test_vectorised_alpha_with_unit_counts_all_ones_is_package_alpha(
    case: tuple[np.ndarray, tuple[int, ...]], level: LevelOfMeasurement
) -> None:
    data, labels = case
    blocks = _coincidence_blocks(_unit_value_counts(_codes(data, labels, "data"), len(labels)))
    size = len(labels)
    ones = np.ones((2, data.shape[1]))  # two identical "resamples" that each take every unit once
    alphas = _alpha_from_coincidences(
        (ones @ blocks).reshape(2, size, size), level=level, values=np.array(labels, float)
    )
    stat = krippendorff_alpha(data, level=level, labels=labels)
    if stat.defined:
        assert alphas == pytest.approx([stat.value, stat.value], rel=1e-12, abs=1e-12)
    else:
        assert np.isnan(alphas).all()


# --- degenerate and adversarial cases ---------------------------------------------------------------------------


def test_one_category_only_is_undefined_not_one() -> None:
    stat = cohen_kappa([2, 2, 2], [2, 2, 2], labels=(0, 1, 2), weights="quadratic")
    assert math.isnan(stat.value) and stat.n == 3 and not stat.defined
    assert stat.undefined_reason == "only one category observed: both raters used only 2"
    alpha = krippendorff_alpha(np.array([[1, 1, nan], [1, 1, 1]]), level="ordinal", labels=(0, 1, 2))
    assert math.isnan(alpha.value) and alpha.n == 2
    assert alpha.undefined_reason == "only one category observed among pairable values"
    # A lone 2 on a unit with no partner is not pairable, so it does not make alpha defined.
    assert not krippendorff_alpha(np.array([[1, 1, 2], [1, 1, nan]]), level="nominal", labels=(0, 1, 2)).defined
    # A one-label value domain (the package would raise ValueError) is the same undefined case.
    assert krippendorff_alpha([[1, 1], [1, 1]], level="nominal", labels=(1,)).undefined_reason == (
        "only one category observed among pairable values"
    )


def test_each_rater_constant_but_different_is_zero_not_undefined() -> None:
    # Table [[0, 4], [0, 0]]: observed disagreement 4, chance sum r_0 c_1 = 4*4 = 16; kappa = 1 - 4*4/16 = 0.
    assert cohen_kappa([0, 0, 0, 0], [1, 1, 1, 1], labels=(0, 1)).value == 0.0


def test_systematic_disagreement_gives_negative_kappa_and_alpha() -> None:
    a, b = [0, 1, 0, 1], [1, 0, 1, 0]
    # p_o = 0, p_e = (2*2 + 2*2)/16 = 1/2: kappa = (0 - 1/2)/(1/2) = -1.
    assert cohen_kappa(a, b, labels=(0, 1)).value == -1.0
    # o_01 = o_10 = 4 (each unit adds 1 to both), n = (4, 4), n.. = 8: alpha = 1 - 7*8/(2*4*4) = -3/4.
    assert krippendorff_alpha([a, b], level="nominal", labels=(0, 1)).value == pytest.approx(-0.75, abs=1e-15)


def test_unused_middle_level_changes_weighted_kappa() -> None:
    # A 1-5 scale on which nobody chose 3. Pairs (1,1) (2,4) (4,2) (5,5), rows = columns = one each of 1, 2, 4, 5.
    a, b = [1, 2, 4, 5], [1, 4, 2, 5]
    # Full labels: positions 0, 1, 3, 4. Observed sum w C = 2*(1-3)**2 = 8; chance = sum over ordered pairs of
    # used positions of (p-q)**2 = 2*(1+9+16+4+9+1) = 80; kappa = 1 - 4*8/80 = 3/5.
    full = cohen_kappa(a, b, labels=(1, 2, 3, 4, 5), weights="quadratic")
    assert full.value == pytest.approx(float(F(3, 5)), abs=1e-15)
    assert full.value == pytest.approx(
        sklearn_kappa(np.array(a, float), np.array(b, float), (1, 2, 3, 4, 5), "quadratic")
    )
    # Observed labels only: positions 0, 1, 2, 3 (2 and 4 become neighbours). Observed = 2*1 = 2;
    # chance = 2*(1+4+9+1+4+1) = 40; kappa = 1 - 4*2/40 = 4/5: a silently different answer.
    observed = cohen_kappa(a, b, labels=(1, 2, 4, 5), weights="quadratic")
    assert observed.value == pytest.approx(float(F(4, 5)), abs=1e-15)
    # Ordinal alpha does not depend on unused levels: its distances are sums of marginals, and n_3 = 0.
    data = [a, b]
    assert krippendorff_alpha(data, level="ordinal", labels=(1, 2, 3, 4, 5)).value == pytest.approx(
        krippendorff_alpha(data, level="ordinal", labels=(1, 2, 4, 5)).value, abs=1e-14
    )


def test_alphabetical_label_order_silently_changes_weighted_kappa() -> None:
    # Sorting the codes as strings puts 10 between 1 and 2: weights then measure the wrong distances.
    a, b = [1, 2, 10, 2, 1, 10], [2, 1, 10, 2, 1, 2]
    right = cohen_kappa(a, b, labels=(1, 2, 10), weights="linear")
    wrong = cohen_kappa(a, b, labels=(1, 10, 2), weights="linear")
    assert right.value != pytest.approx(wrong.value)
    assert right.value == pytest.approx(sklearn_kappa(np.array(a, float), np.array(b, float), (1, 2, 10), "linear"))


def test_missing_values_drop_pairs() -> None:
    a = [0, 1, nan, 1, 0, nan]
    b = [0, 1, 1, nan, 1, nan]
    stat = cohen_kappa(a, b, labels=(0, 1))
    # Complete pairs (0,0) (1,1) (0,1): rows (2, 1), columns (1, 2); observed 1, chance 2*2 + 1*1 = 5;
    # kappa = 1 - 3*1/5 = 2/5.
    assert stat.n == 3
    assert stat.value == pytest.approx(0.4, abs=1e-15)
    assert cohen_kappa([nan, 1], [0, nan], labels=(0, 1)).undefined_reason == "no item has both ratings"
    assert percent_agreement([nan], [nan]).undefined_reason == "no item has both ratings"


def test_fewer_than_two_raters_or_no_pairable_unit() -> None:
    one = krippendorff_alpha([[0, 1, 2]], level="nominal", labels=(0, 1, 2))
    assert (one.undefined_reason, one.n) == ("fewer than two raters", 0)
    unpaired = krippendorff_alpha([[0, nan, 2], [nan, 1, nan]], level="interval", labels=(0, 1, 2))
    assert unpaired.undefined_reason == "no pairable values: no unit was rated by two or more raters"
    assert unpaired.n == 0


def test_value_outside_labels_is_named() -> None:
    with pytest.raises(ValueError, match=r"a contains 3, which is not in labels \(0, 1, 2\)"):
        cohen_kappa([0, 3], [0, 1], labels=(0, 1, 2))
    with pytest.raises(ValueError, match=r"contains 1.5, which is not in labels"):
        krippendorff_alpha(np.array([[0, 1.5], [0, 1]]), level="interval", labels=(0, 1, 2))
    with pytest.raises(ValueError, match=r"values contains 7"):
        prevalence([7], labels=(0, 1))
    with pytest.raises(ValueError, match="b contains 9"):
        bootstrap_kappa([0, 1], [0, 9], labels=(0, 1))
    # scikit-learn silently drops a value outside explicit labels; we never do.
    assert cohen_kappa_score([0, 1, 3], [0, 1, 1], labels=[0, 1]) == 1.0


def test_string_codes_are_rejected_naming_the_value() -> None:
    with pytest.raises(ValueError, match=r"found '1' \(<U1\)"):
        cohen_kappa(["1", "2"], [1, 2], labels=(1, 2))
    with pytest.raises(ValueError, match=r"found 'high'"):
        krippendorff_alpha(np.array([[1, "high"], [1, 2]], dtype=object), level="ordinal", labels=(1, 2))
    with pytest.raises(ValueError, match="labels must be integer codes"):
        cohen_kappa([1, 2], [1, 2], labels=("1", "2"))  # type: ignore[arg-type]


def test_argument_errors() -> None:
    with pytest.raises(ValueError, match="same shape"):
        cohen_kappa([0, 1], [0], labels=(0, 1))
    with pytest.raises(ValueError, match="weights must be"):
        cohen_kappa([0, 1], [0, 1], labels=(0, 1), weights="cubic")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="level must be one of"):
        krippendorff_alpha([[0, 1], [0, 1]], level="ratio", labels=(0, 1))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="must be 2-D"):
        krippendorff_alpha([0, 1], level="nominal", labels=(0, 1))
    with pytest.raises(ValueError, match="distinct"):
        cohen_kappa([0, 1], [0, 1], labels=(0, 1, 1))
    with pytest.raises(ValueError, match="n_resamples"):
        bootstrap_kappa([0, 1], [0, 1], labels=(0, 1), n_resamples=0)
    with pytest.raises(ValueError, match="confidence"):
        bootstrap_alpha([[0, 1], [0, 1]], level="nominal", labels=(0, 1), confidence=1.0)
    with pytest.raises(ValueError, match="value must be nan exactly when"):
        AgreementStat(name="x", value=nan, n=0)


# --- properties -------------------------------------------------------------------------------------------------


@settings(deadline=None)
@given(rating_pairs(), st.sampled_from(WEIGHTS))
def test_kappa_and_percent_agreement_are_symmetric(
    pair: tuple[np.ndarray, np.ndarray, tuple[int, ...]], weights: KappaWeights | None
) -> None:
    a, b, labels = pair
    ab, ba = (cohen_kappa(x, y, labels=labels, weights=weights) for x, y in [(a, b), (b, a)])
    assert (ab.value == ba.value or (math.isnan(ab.value) and math.isnan(ba.value))) and ab.n == ba.n
    pa, pb = percent_agreement(a, b), percent_agreement(b, a)
    assert (pa.value == pb.value or (math.isnan(pa.value) and math.isnan(pb.value))) and pa.n == pb.n


@settings(deadline=None)
@given(rating_pairs(), st.randoms(use_true_random=False))
def test_nominal_kappa_invariant_when_labels_are_permuted(
    pair: tuple[np.ndarray, np.ndarray, tuple[int, ...]], random: random_module.Random
) -> None:
    a, b, labels = pair
    permuted = list(labels)
    random.shuffle(permuted)
    relabel = dict(zip(labels, permuted, strict=True))

    def apply(x: np.ndarray) -> np.ndarray:
        return np.array([v if math.isnan(v) else relabel[int(v)] for v in x])

    before = cohen_kappa(a, b, labels=labels)
    after = cohen_kappa(apply(a), apply(b), labels=tuple(relabel[label] for label in labels))
    # Integer-valued sums make the permuted computation bit-identical.
    assert before.value == after.value or (math.isnan(before.value) and math.isnan(after.value))


@settings(deadline=None)
@given(reliability_matrices(), st.randoms(use_true_random=False))
def test_nominal_alpha_invariant_when_labels_are_permuted(
    case: tuple[np.ndarray, tuple[int, ...]], random: random_module.Random
) -> None:
    data, labels = case
    permuted = list(labels)
    random.shuffle(permuted)
    relabel = dict(zip(labels, permuted, strict=True))
    moved = np.vectorize(lambda v: v if math.isnan(v) else relabel[int(v)], otypes=[float])(data)
    before = krippendorff_alpha(data, level="nominal", labels=labels)
    after = krippendorff_alpha(moved, level="nominal", labels=tuple(relabel[label] for label in labels))
    assert before.undefined_reason == after.undefined_reason
    if before.defined:
        assert after.value == pytest.approx(before.value, rel=1e-12, abs=1e-12)


@settings(deadline=None)
@given(rating_pairs(min_size=2), st.sampled_from(WEIGHTS), st.sampled_from(LEVELS))
def test_perfect_agreement_is_exactly_one(
    pair: tuple[np.ndarray, np.ndarray, tuple[int, ...]], weights: KappaWeights | None, level: LevelOfMeasurement
) -> None:
    a, _, labels = pair
    a = np.where(np.isnan(a), labels[0], a)
    a[:2] = labels[:2]  # at least two categories
    assert cohen_kappa(a, a, labels=labels, weights=weights).value == 1.0
    assert krippendorff_alpha([a, a, a], level=level, labels=labels).value == 1.0
    assert percent_agreement(a, a).value == 1.0


@settings(deadline=None)
@given(rating_pairs(), st.sampled_from(WEIGHTS), reliability_matrices(), st.sampled_from(LEVELS))
def test_bounds(
    pair: tuple[np.ndarray, np.ndarray, tuple[int, ...]],
    weights: KappaWeights | None,
    case: tuple[np.ndarray, tuple[int, ...]],
    level: LevelOfMeasurement,
) -> None:
    a, b, labels = pair
    kappa = cohen_kappa(a, b, labels=labels, weights=weights)
    assert not kappa.defined or kappa.value <= 1.0
    if weights is None:
        # Unweighted: p_o = 0 forces r_i + c_i <= n, so p_e <= 1/2 and kappa >= -1.
        assert not kappa.defined or kappa.value >= -1.0
    agreement = percent_agreement(a, b)
    assert not agreement.defined or 0.0 <= agreement.value <= 1.0
    alpha = krippendorff_alpha(case[0], level=level, labels=case[1])
    assert not alpha.defined or alpha.value <= 1.0


# --- bootstrap --------------------------------------------------------------------------------------------------


def _agreeing(n: int, seed: int, labels: tuple[int, ...] = (0, 1, 2, 3, 4)) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.choice(labels, n).astype(float)
    noise = np.clip(a + rng.integers(-1, 2, n), labels[0], labels[-1])
    return a, np.where(rng.random(n) < 0.6, a, noise)


@pytest.mark.parametrize("weights", WEIGHTS)
def test_bootstrap_kappa_contains_estimate_and_is_deterministic(weights: KappaWeights | None) -> None:
    a, b = _agreeing(300, seed=7)
    a[:10] = nan  # missing pairs are dropped before resampling
    point = cohen_kappa(a, b, labels=(0, 1, 2, 3, 4), weights=weights)
    ci = bootstrap_kappa(a, b, labels=(0, 1, 2, 3, 4), weights=weights, seed=3)
    assert ci.low < point.value < ci.high
    assert (ci.n_resamples, ci.n_degenerate, ci.confidence, ci.method, ci.reliable) == (
        1000,
        0,
        0.95,
        "percentile",
        True,
    )
    assert bootstrap_kappa(a, b, labels=(0, 1, 2, 3, 4), weights=weights, seed=3) == ci
    assert bootstrap_kappa(a, b, labels=(0, 1, 2, 3, 4), weights=weights, seed=4) != ci
    narrow = bootstrap_kappa(a, b, labels=(0, 1, 2, 3, 4), weights=weights, seed=3, confidence=0.5)
    assert ci.low < narrow.low < narrow.high < ci.high


@pytest.mark.parametrize("level", LEVELS)
def test_bootstrap_alpha_contains_estimate_and_is_deterministic(level: LevelOfMeasurement) -> None:
    a, b = _agreeing(200, seed=11)
    c, _ = _agreeing(200, seed=12)
    data = np.vstack([a, b, np.where(np.arange(200) % 3 == 0, nan, c)])
    data[0, :20] = nan
    data[1, :10] = nan  # units 0..9 keep only the third rater's value (or none): not pairable
    point = krippendorff_alpha(data, level=level, labels=(0, 1, 2, 3, 4))
    ci = bootstrap_alpha(data, level=level, labels=(0, 1, 2, 3, 4), seed=3)
    assert ci.low < point.value < ci.high
    assert (ci.n_resamples, ci.n_degenerate, ci.reliable) == (1000, 0, True)
    assert bootstrap_alpha(data, level=level, labels=(0, 1, 2, 3, 4), seed=3) == ci
    assert bootstrap_alpha(data, level=level, labels=(0, 1, 2, 3, 4), seed=4) != ci


def test_bootstrap_kappa_matches_index_resampling_reference() -> None:
    # The multinomial draw of the table is the item bootstrap; compare with the literal one (resample indices).
    a, b = _agreeing(200, seed=5)
    labels = (0, 1, 2, 3, 4)
    rng = np.random.default_rng(99)
    reference = []
    for _ in range(2000):
        i = rng.integers(0, 200, 200)
        reference.append(cohen_kappa(a[i], b[i], labels=labels, weights="quadratic").value)
    low, high = np.quantile(reference, [0.025, 0.975])
    ci = bootstrap_kappa(a, b, labels=labels, weights="quadratic", n_resamples=2000, seed=1)
    # Monte Carlo error of a 2.5% quantile with 2000 draws is about 0.005 here; both runs are seeded.
    assert ci.low == pytest.approx(low, abs=0.02) and ci.high == pytest.approx(high, abs=0.02)


def test_bootstrap_alpha_matches_unit_resampling_with_the_package() -> None:
    a, b = _agreeing(120, seed=21)
    data = np.vstack([a, b, np.where(np.arange(120) % 2 == 0, a, nan)])
    labels = [0, 1, 2, 3, 4]
    rng = np.random.default_rng(98)
    reference = []
    for _ in range(1000):
        units = rng.integers(0, 120, 120)
        reference.append(
            krippendorff.alpha(reliability_data=data[:, units], level_of_measurement="ordinal", value_domain=labels)
        )
    low, high = np.quantile(reference, [0.025, 0.975])
    ci = bootstrap_alpha(data, level="ordinal", labels=tuple(labels), n_resamples=2000, seed=1)
    assert ci.low == pytest.approx(low, abs=0.02) and ci.high == pytest.approx(high, abs=0.02)


def test_bootstrap_chunking_does_not_change_the_draws(monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = _agreeing(100, seed=2)
    whole = bootstrap_kappa(a, b, labels=(0, 1, 2, 3, 4), n_resamples=300, seed=8)
    data = np.vstack([a, b])
    whole_alpha = bootstrap_alpha(data, level="interval", labels=(0, 1, 2, 3, 4), n_resamples=300, seed=8)
    monkeypatch.setattr(bootstrap_module, "_CHUNK_ELEMENTS", 7)
    assert bootstrap_kappa(a, b, labels=(0, 1, 2, 3, 4), n_resamples=300, seed=8) == whole
    assert bootstrap_alpha(data, level="interval", labels=(0, 1, 2, 3, 4), n_resamples=300, seed=8) == whole_alpha


def test_bootstrap_degenerate_resamples_are_counted_and_flagged() -> None:
    # Five pairs, four (0,0) and one (1,1): a resample misses the (1,1) pair with probability (4/5)**5 = 0.33,
    # leaving one category (kappa undefined): (4/5)**5 = 0.32768, so about 328 of 1000 degenerate, far above 5%.
    ci = bootstrap_kappa([0, 0, 0, 0, 1], [0, 0, 0, 0, 1], labels=(0, 1), seed=0)
    assert 250 < ci.n_degenerate < 410
    assert ci.low == ci.high == 1.0  # every defined resample agrees perfectly
    assert (
        ci.unreliable_reason == f"only 5 items (< min_items=30); {ci.n_degenerate} of 1000 resamples undefined (> 5%)"
    )
    alpha = bootstrap_alpha([[0, 0, 0, 0, 1], [0, 0, 0, 0, 1]], level="nominal", labels=(0, 1), seed=0)
    assert 250 < alpha.n_degenerate < 410 and alpha.low == alpha.high == 1.0


def test_bootstrap_all_degenerate_or_empty_gives_nan_bounds() -> None:
    one = bootstrap_kappa([1] * 40, [1] * 40, labels=(0, 1), n_resamples=50)
    assert math.isnan(one.low) and math.isnan(one.high) and one.n_degenerate == 50
    assert one.unreliable_reason == "the statistic is undefined in every resample"
    empty = bootstrap_alpha([[0, nan], [nan, 1]], level="nominal", labels=(0, 1), n_resamples=10, min_items=0)
    assert isinstance(empty, ConfidenceInterval) and math.isnan(empty.low) and empty.n_degenerate == 10


def test_percentile_bounds_and_degenerate_threshold() -> None:
    # Defined values spaced evenly on [0, 1]: the linear-interpolation quantiles are exactly the probabilities.
    # Exactly 5% undefined (5 of 100) passes; 6 of 101 (5.9%) is flagged.
    grid = np.arange(95) / 94
    ok = _percentile_interval(np.concatenate([grid, [nan] * 5]), 30, confidence=0.95, min_items=30)
    assert (ok.low, ok.high) == pytest.approx((0.025, 0.975), abs=1e-15)
    assert (ok.n_resamples, ok.n_degenerate, ok.unreliable_reason) == (100, 5, None)
    flagged = _percentile_interval(np.concatenate([grid, [nan] * 6]), 30, confidence=0.8, min_items=30)
    assert (flagged.low, flagged.high) == pytest.approx((0.1, 0.9), abs=1e-15)
    assert flagged.unreliable_reason == "6 of 101 resamples undefined (> 5%)"


def test_alpha_kernel_with_many_labels_uses_row_unique_and_still_matches() -> None:
    # 3**45 > 2**62: value-count patterns no longer fit one int64 key, so units are grouped with unique(axis=0).
    rng = np.random.default_rng(4)
    labels = tuple(range(45))
    data = rng.choice(labels, size=(2, 300)).astype(float)
    data[1] = np.where(rng.random(300) < 0.5, data[0], data[1])
    for level in LEVELS:
        expected = krippendorff.alpha(reliability_data=data, level_of_measurement=level, value_domain=list(labels))
        assert _alpha_estimate(data, level=level, labels=labels) == pytest.approx(expected, rel=1e-12, abs=1e-12)
