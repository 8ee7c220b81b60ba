"""Benchmark the agreement kernels of calibration.stats on a large synthetic coding (default 10 coders x 100k items).

    .venv/bin/python bench/agreement.py [--coders 10 --items 100000 --resamples 1000]

Prints wall time and peak traced memory (tracemalloc, which sees NumPy's buffers) for Krippendorff's alpha from the
``krippendorff`` package, our wrapper around it, our vectorised alpha kernel (what each bootstrap resample
computes), quadratic-weighted kappa for one coder pair, and both bootstraps. Each step is timed (best of
``--repeat`` untraced runs), then run once more under tracemalloc for memory. A benchmark, not a test: it asserts
nothing, and it prints how far our alpha is from the package's.
"""

from __future__ import annotations

import argparse
import math
import time
import tracemalloc
from collections.abc import Callable

import krippendorff
import numpy as np

from calibration.bootstrap import bootstrap_alpha, bootstrap_kappa
from calibration.stats import _alpha_estimate, cohen_kappa, krippendorff_alpha

LABELS = (1, 2, 3, 4, 5)


def synthetic_codes(coders: int, items: int, missing: float, seed: int) -> np.ndarray:
    """Ordinal 1-5 codes: a latent item score plus per-coder noise, rounded and clipped; ``missing`` share is nan."""
    rng = np.random.default_rng(seed)
    truth = rng.normal(3.0, 1.0, size=items)
    codes = np.clip(np.rint(truth + rng.normal(0.0, 0.7, size=(coders, items))), 1, 5)
    codes[rng.random((coders, items)) < missing] = np.nan
    return codes


def measure(step: Callable[[], object], repeat: int) -> tuple[object, float, float]:
    """Result, best wall seconds of ``repeat`` untraced runs, and peak traced MiB of one more, traced run."""
    seconds = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        result = step()
        seconds = min(seconds, time.perf_counter() - start)
    tracemalloc.start()
    step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, seconds, peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coders", type=int, default=10)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--missing", type=float, default=0.1, help="share of missing ratings")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per step; the best is shown")
    args = parser.parse_args()

    data = synthetic_codes(args.coders, args.items, args.missing, args.seed)
    rated = int((~np.isnan(data)).sum())
    print(f"{args.coders} coders x {args.items} items = {data.size:,} cells, {rated:,} ratings, ordinal 1-5")
    print(f"{'step':<44} {'seconds':>9} {'peak MiB':>9}  result")

    steps: list[tuple[str, Callable[[], object]]] = [
        (
            "alpha, krippendorff package",
            lambda: krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal", value_domain=LABELS),
        ),
        (
            "alpha, krippendorff_alpha (checks + package)",
            lambda: krippendorff_alpha(data, level="ordinal", labels=LABELS).value,
        ),
        ("alpha, our vectorised kernel", lambda: _alpha_estimate(data, level="ordinal", labels=LABELS)),
        (
            "weighted kappa (quadratic), coders 0 vs 1",
            lambda: cohen_kappa(data[0], data[1], labels=LABELS, weights="quadratic").value,
        ),
        (
            f"bootstrap_kappa, {args.resamples} resamples",
            lambda: bootstrap_kappa(data[0], data[1], labels=LABELS, weights="quadratic", n_resamples=args.resamples),
        ),
        (
            f"bootstrap_alpha, {args.resamples} resamples",
            lambda: bootstrap_alpha(data, level="ordinal", labels=LABELS, n_resamples=args.resamples),
        ),
    ]
    seconds: dict[str, float] = {}
    results: dict[str, object] = {}
    for name, step in steps:
        result, took, peak = measure(step, args.repeat)
        seconds[name], results[name] = took, result
        shown = f"[{result.low:.4f}, {result.high:.4f}]" if hasattr(result, "low") else f"{result:.6f}"  # type: ignore[attr-defined]
        print(f"{name:<44} {took:>9.3f} {peak:>9.1f}  {shown}")

    package, ours = results["alpha, krippendorff package"], results["alpha, our vectorised kernel"]
    print(f"|our alpha - package alpha| = {abs(float(ours) - float(package)):.2e}")  # type: ignore[arg-type]
    ratio = seconds["alpha, our vectorised kernel"] / seconds["alpha, krippendorff package"]
    print(f"our alpha time / package alpha time = {ratio:.3f}")


if __name__ == "__main__":
    main()
