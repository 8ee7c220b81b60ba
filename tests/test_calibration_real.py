"""Calibration on real public data: ABC-Eval's GPT-3.5 judge, τ²-bench's judge prompts, FED's human ceiling."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from assay import main
from calibration import AdmissionPolicy, SplitSpec, agreement_report, decide, import_outputs, read_codes
from judges import JudgeConfig, grade, read_transcripts
from prompts import load_rubric


def _kappa_from_confusion(confusion: tuple[tuple[int, ...], ...]) -> Fraction:
    """Cohen's kappa by hand: (p_o - p_e) / (1 - p_e) from the count table."""
    n = sum(sum(row) for row in confusion)
    p_o = Fraction(sum(confusion[i][i] for i in range(len(confusion))), n)
    rows = [sum(row) for row in confusion]
    cols = [sum(row[j] for row in confusion) for j in range(len(confusion))]
    p_e = Fraction(sum(r * c for r, c in zip(rows, cols, strict=True)), n * n)
    return (p_o - p_e) / (1 - p_e)


def test_tau2_judges_against_the_programmatic_reward(shared_data: Path, tmp_path: Path) -> None:
    folder = shared_data / "tau2_bench" / "judge_viewer_airline"
    runs = import_outputs("tau2-judges", sorted(folder.glob("judge_*.json")), out_dir=tmp_path)
    reward = read_codes(folder / "azure-airline-full.simulations.json")
    assert reward.coder_ids == "stable" and reward.coders("verdict") == ["tau2_reward"]
    by_prompt = {run.manifest.judge.template: run for run in runs}
    # the NOTE's agreement counts: quick_triage 25/50, customer_outcome 20/50, policy_conversation 34/50
    expected = {"quick_triage_v1": (25, 50), "customer_outcome_v1": (20, 50), "policy_conversation_v1": (34, 50)}
    for prompt, (agree, n) in expected.items():
        report = agreement_report(by_prompt[prompt], reward, split=SplitSpec(), part="all", n_resamples=200)
        entry = report.dimension("verdict")
        assert entry.n_consensus == n
        assert entry.percent_agreement.stat.value == pytest.approx(agree / n, abs=1e-12)
        assert entry.kappa.stat.value == pytest.approx(float(_kappa_from_confusion(entry.confusion)), abs=1e-12)
        # one reference coder: the human ceiling is undefined, with a reason, never 0 or 1
        assert not entry.alpha_humans.stat.defined and "fewer than two" in str(entry.alpha_humans.stat.undefined_reason)
    # chain-of-thought emits off-schema verdicts: unscored and counted, never guessed
    cot = agreement_report(
        by_prompt["policy_chain_of_thought_v1"], reward, split=SplitSpec(), part="all", n_resamples=50
    )
    assert cot.dimension("verdict").excluded == {"out_of_range": 27}
    assert cot.dimension("verdict").n_items == 23


def test_abc_eval_gpt_judge_high_raw_agreement_low_kappa_refused(shared_data: Path, tmp_path: Path) -> None:
    path = shared_data / "abc_eval" / "behavior-classification-results.json"
    (run,) = import_outputs("abc-eval", [path], out_dir=tmp_path)
    codes = read_codes(path)
    report = agreement_report(run, codes, split=SplitSpec(), part="test", n_resamples=300)
    assert len(report.dimensions) == 9
    for entry in report.dimensions:
        # low prevalence: raw agreement flatters the judge, kappa does not
        assert entry.kappa.stat.value < entry.percent_agreement.stat.value - 0.3, entry.dimension
        assert entry.kappa.stat.value == pytest.approx(float(_kappa_from_confusion(entry.confusion)), abs=1e-12)
    fact = report.dimension("incorrect_fact")
    assert fact.percent_agreement.stat.value > 0.9 and fact.kappa.stat.value < 0.5
    decisions = decide(report, AdmissionPolicy())
    assert [d.admitted for d in decisions] == [False] * 9
    assert all(d.statistic == "kappa" for d in decisions)  # nominal scales: unweighted kappa
    assert all(any("lower CI bound" in r for r in d.reasons) for d in decisions)


def test_fed_human_ceiling_through_a_graded_run(shared_data: Path, tmp_path: Path) -> None:
    path = shared_data / "fed" / "fed_data.json"
    rubric = load_rubric("fed-dialogue-v1")
    transcripts = list(read_transcripts([path]).transcripts)
    assert len(transcripts) == 125
    run = grade(transcripts, rubric, JudgeConfig(judge="fake/hash", progress=False), out_dir=tmp_path,
                rubric_source="fed-dialogue-v1", dimensions=["understanding", "coherent"])  # fmt: skip
    codes = read_codes(path)
    report = agreement_report(run, codes, split=SplitSpec(), part="all", n_resamples=100)
    # the humans' own alpha on all 125 dialogues (pinned in the FED reader's tests with the krippendorff package)
    assert report.dimension("understanding").alpha_humans.stat.value == pytest.approx(0.3390, abs=5e-5)
    assert report.dimension("coherent").alpha_humans.stat.value == pytest.approx(0.3213, abs=5e-5)
    assert report.coder_ids == "exchangeable"


def test_cli_import_calibrate_admit(shared_data: Path, tmp_path: Path) -> None:
    folder = shared_data / "tau2_bench" / "judge_viewer_airline"
    runner = CliRunner()
    result = runner.invoke(main, ["import", "tau2-judges", str(folder / "judge_policy_conversation_v1.json"),
                                  "--out", str(tmp_path)])  # fmt: skip
    assert result.exit_code == 0, result.output
    run_id = result.stdout.split()[0]
    human = str(folder / "azure-airline-full.simulations.json")
    result = runner.invoke(main, ["calibrate", run_id, "--human", human, "--runs", str(tmp_path), "--split", "all"])
    assert result.exit_code == 0, result.output
    assert "verdict" in result.stdout and "0.680" in result.stdout
    assert list((tmp_path / run_id).glob("calibration-all-*.md"))
    result = runner.invoke(main, ["admit", run_id, "--human", human, "--runs", str(tmp_path)])
    assert result.exit_code == 1 and "refused" in result.stdout
    entries = [json.loads(line) for line in (tmp_path / "admissions.jsonl").read_text().splitlines()]
    assert [e["dimension"] for e in entries] == ["verdict"] and entries[0]["admitted"] is False
    assert entries[0]["split"] == {"seed": 0, "test_fraction": 0.5}


def test_abc_eval_profile_shows_admitted_behaviours_and_named_gaps(shared_data: Path, tmp_path: Path) -> None:
    from calibration import registry_for
    from profiles import build_profile

    path = shared_data / "abc_eval" / "behavior-classification-results.json"
    (run,) = import_outputs("abc-eval", [path], out_dir=tmp_path)
    report = agreement_report(run, read_codes(path), split=SplitSpec(), part="test", n_resamples=1000)
    lenient = AdmissionPolicy(threshold=0.3, ceiling_fraction=0.5)
    decisions = decide(report, lenient)
    registry_for(tmp_path).record(decisions)
    admitted = sorted(d.dimension for d in decisions if d.admitted)
    assert admitted == ["incorrect_fact"]
    profile = build_profile([run], registry_for(tmp_path), by=("model",), n_resamples=500)
    assert [s.key for s in profile.systems] == ["bart_fid_rag_bcb", "blender2_3B", "emora", "rerank_blender"]
    for system in profile.systems:
        fact = profile.cell(system.key, "incorrect_fact")
        assert fact.status == "measured" and fact.n_scored == system.n_transcripts > 400
        assert fact.ci_low is not None and fact.ci_high is not None and fact.ci_low < fact.ci_high
        assert profile.cell(system.key, "empathetic").status == "gap"
    # the retrieval-augmented bots state incorrect facts more often than the others, clearly
    clear = {(c.a, c.b) for c in profile.comparisons if c.clear}
    assert ("bart_fid_rag_bcb", "blender2_3B") in clear and ("emora", "rerank_blender") in clear
