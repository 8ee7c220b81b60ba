"""Agreement reports and the admission gate on hand-checkable data, end to end through imported runs."""

from __future__ import annotations

import csv
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from calibration import (
    AdmissionError,
    AdmissionPolicy,
    AlignmentError,
    SplitSpec,
    agreement_report,
    consensus,
    decide,
    import_outputs,
    read_long_codes,
    registry_for,
)
from judges import Run
from prompts import load_rubric

TOY = str(Path(__file__).parent / "fixtures" / "rubrics" / "toy-v1.yaml")


def test_consensus_rules_and_ties() -> None:
    nan = np.nan
    humans = np.array(
        [
            [0, 1, 1, 0, 2, nan],
            [0, 0, 2, 1, 2, nan],
            [1, 1, nan, nan, 0, nan],
        ]
    )
    values, tie = consensus(humans, (0, 1, 2), "ordinal")
    # medians: (0,0,1)->0; (1,0,1)->1; (1,2) even, middles differ -> tie; (0,1) tie; (2,2,0)->2; no codes
    assert values.tolist()[:2] == [0.0, 1.0] and values[4] == 2.0
    assert math.isnan(values[2]) and math.isnan(values[5])
    assert tie.tolist() == [False, False, True, True, False, False]
    values, tie = consensus(humans, (0, 1, 2), "nominal")
    # modes: 0; 1; {1,2} tie; {0,1} tie; 2; none
    assert tie.tolist() == [False, False, True, True, False, False]
    assert values[0] == 0 and values[1] == 1 and values[4] == 2


def _write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def toy(tmp_path: Path) -> tuple[Run, Path]:
    """40 items; two coders who agree; a judge whose labels are chosen so that kappa is a known fraction."""
    codes_rows: list[list[object]] = []
    judge_rows: list[list[object]] = []
    for i in range(40):
        item = f"{i:03d}"
        human = 1 if i < 16 else 0  # 16 present, 24 absent
        for coder in ("ann", "bob"):
            codes_rows.append([item, "present", coder, human])
        # judge: right on 12 of the 16 present and 20 of the 24 absent
        judge = human if (i < 12 or i >= 20) else 1 - human
        judge_rows.append([item, "present", "judge-x", judge])
        quality = i % 3
        codes_rows += [[item, "quality", "ann", quality], [item, "quality", "bob", quality]]
        judge_rows.append([item, "quality", "judge-x", quality])
    # one extra coded item the judge never saw, one it answered N/A, one with an off-scale label
    codes_rows += [["900", "present", "ann", 1], ["900", "present", "bob", 1]]
    codes_rows += [["901", "quality", "ann", 2], ["901", "quality", "bob", 2]]
    judge_rows.append(["901", "quality", "judge-x", "N/A"])
    codes_rows += [["902", "quality", "ann", 1], ["902", "quality", "bob", 1]]
    judge_rows.append(["902", "quality", "judge-x", "7"])
    codes = _write_csv(tmp_path / "codes.csv", ["item", "dimension", "coder", "value"], codes_rows)
    labels = _write_csv(tmp_path / "labels.csv", ["item", "dimension", "judge", "label"], judge_rows)
    (run,) = import_outputs("long", [labels], out_dir=tmp_path / "runs", rubric=TOY)
    return run, codes


def test_report_matches_hand_computed_kappa(toy: tuple[Run, Path]) -> None:
    run, codes_path = toy
    codes = read_long_codes(codes_path, load_rubric(TOY))
    report = agreement_report(run, codes, split=SplitSpec(), part="all", n_resamples=200)
    present = report.dimension("present")
    # 2x2 table (rows human, cols judge): [[20, 4], [4, 12]], n = 40
    # p_o = 32/40; p_e = (24*24 + 16*16)/1600 = 832/1600; kappa = (p_o - p_e)/(1 - p_e) = 448/768 = 7/12
    assert present.confusion == ((20, 4), (4, 12))
    assert present.kappa.stat.value == pytest.approx(float(Fraction(7, 12)), abs=1e-12)
    assert present.percent_agreement.stat.value == pytest.approx(0.8)
    assert present.n_items == 40 and present.excluded == {"not_judged": 1}
    # humans agree perfectly -> ceiling 1
    assert present.alpha_humans.stat.value == pytest.approx(1.0)
    assert present.prevalence_humans == {0: 0.6, 1: 0.4}
    quality = report.dimension("quality")
    assert quality.weighted_kappa_quadratic.stat.value == pytest.approx(1.0)
    assert quality.excluded == {"judge_na": 1, "out_of_range": 1}
    ci = present.kappa.ci
    assert ci is not None and ci.low <= present.kappa.stat.value <= ci.high and ci.n_resamples == 200


def test_admission_gate_decides_on_test_items_with_reasons(toy: tuple[Run, Path], tmp_path: Path) -> None:
    run, codes_path = toy
    codes = read_long_codes(codes_path, load_rubric(TOY))
    split = SplitSpec(seed=0, test_fraction=0.5)
    with pytest.raises(AdmissionError, match="held-out test items only"):
        decide(agreement_report(run, codes, split=split, part="dev", n_resamples=50), AdmissionPolicy())
    report = agreement_report(run, codes, split=split, part="test", n_resamples=200)
    n_test = len(split.select([f"{i:03d}" for i in range(40)], "test"))
    decisions = {d.dimension: d for d in decide(report, AdmissionPolicy(min_items=10))}
    assert decisions["quality"].admitted, decisions["quality"].reasons
    assert not decisions["present"].admitted
    assert decisions["present"].n == n_test
    assert any("lower CI bound" in r for r in decisions["present"].reasons)
    strict = {d.dimension: d for d in decide(report, AdmissionPolicy(min_items=1000))}
    assert not strict["quality"].admitted
    assert strict["quality"].reasons[0] == f"only {n_test} test items (policy needs 1000)"

    registry = registry_for(tmp_path)
    registry.record(list(decisions.values()))
    assert registry.is_admitted(run.manifest.judge_digest, report.rubric_digest, "quality")
    assert not registry.is_admitted(run.manifest.judge_digest, report.rubric_digest, "present")
    assert not registry.is_admitted("sha256:another-judge", report.rubric_digest, "quality")
    registry.revoke(run.manifest.judge_digest, report.rubric_digest, "quality", reason="drifted", by="drift-x")
    assert not registry.is_admitted(run.manifest.judge_digest, report.rubric_digest, "quality")
    assert len(registry.entries()) == 3
    with pytest.raises(AdmissionError, match="no admission in force"):
        registry.revoke(run.manifest.judge_digest, report.rubric_digest, "quality", reason="again", by="x")
    registry.path.write_text(registry.path.read_text() + "{broken\n")
    with pytest.raises(AdmissionError, match=r"admissions.jsonl:4: corrupt"):
        registry.entries()


def test_run_and_codes_on_different_rubrics_do_not_align(toy: tuple[Run, Path], tmp_path: Path) -> None:
    run, _ = toy
    other = _write_csv(tmp_path / "c.csv", ["item", "dimension", "coder", "value"], [["000", "task_outcome", "a", 1]])
    codes = read_long_codes(other, load_rubric("interaction-v1"))
    with pytest.raises(AlignmentError, match="digests differ"):
        agreement_report(run, codes, split=SplitSpec(), part="all", n_resamples=10)


def test_codes_that_share_no_item_with_the_run_are_an_error(toy: tuple[Run, Path], tmp_path: Path) -> None:
    run, _ = toy
    other = _write_csv(tmp_path / "c.csv", ["item", "dimension", "coder", "value"],
                       [["item-1", "present", "ann", 1], ["item-2", "present", "ann", 0]])  # fmt: skip
    codes = read_long_codes(other, load_rubric(TOY))
    with pytest.raises(AlignmentError, match=r"none of the 2 coded items is an item of run .*\['item-1', 'item-2'\]"):
        agreement_report(run, codes, split=SplitSpec(), part="all", n_resamples=10)


def test_policy_file_errors_list_the_fields(tmp_path: Path) -> None:
    from calibration import load_policy

    path = tmp_path / "policy.yaml"
    path.write_text("threshhold: 0.5\n")
    with pytest.raises(
        AdmissionError, match=r"policy.yaml: invalid policy: threshhold: Extra inputs.*statistic, threshold"
    ):
        load_policy(path)
    path.write_text("threshold: 0.4\nceiling_fraction: 0.5\n")
    assert load_policy(path) == AdmissionPolicy(threshold=0.4, ceiling_fraction=0.5)
