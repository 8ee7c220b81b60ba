"""Profiles: admitted judges only, gaps named, provisional marked, combination, comparisons, interactions."""

from __future__ import annotations

from pathlib import Path

import pytest

from calibration import AdmissionDecision, AdmissionPolicy, SplitSpec, registry_for, write_imported_run
from calibration.imports import ImportedJudge, label_judgment
from judges import JudgeConfig, Run, TranscriptMetadata, grade, read_items, read_transcripts
from judges.runlog import utc_now
from profiles import ProfileError, TemplateFieldError, build_profile, render_markdown
from prompts import load_rubric

RUBRIC = load_rubric("interaction-v1")
TOY = Path(__file__).parent / "fixtures" / "rubrics" / "toy-v1.yaml"


def _admit(runs_dir: Path, run: Run, dimension: str, admitted: bool = True) -> None:
    registry_for(runs_dir).record(
        [
            AdmissionDecision(
                judge_digest=run.manifest.judge_digest,
                judge=run.manifest.judge.short,
                rubric_digest=run.manifest.judge.rubric_digest,
                rubric=run.manifest.judge.rubric,
                dimension=dimension,
                admitted=admitted,
                reasons=("test",),
                statistic="kappa",
                value=0.9,
                ci_low=0.8,
                ci_high=0.95,
                n=100,
                ceiling=0.9,
                policy=AdmissionPolicy(),
                split=SplitSpec(),
                codes_source="codes.csv",
                codes_digest="sha256:x",
                run_id=run.manifest.run_id,
                decided_at=utc_now(),
            )
        ]
    )


@pytest.fixture
def fake_run(tmp_path: Path, bundled_files: list[Path]) -> Run:
    transcripts = list(read_transcripts(bundled_files).transcripts)
    return grade(
        transcripts,
        RUBRIC,
        JudgeConfig(judge="fake/hash", progress=False),
        out_dir=tmp_path,
        rubric_source="interaction-v1",
    )


def test_only_admitted_judges_count_and_gaps_are_named(fake_run: Run, tmp_path: Path) -> None:
    report = build_profile([fake_run], registry_for(tmp_path), n_resamples=200)
    assert [s.key for s in report.systems] == [
        "ft:gpt-4.1-2025-04-14:sierra:tau2-full-sft:BzrYdMNm / tau2-bench/llm_agent",
        "gpt-4.1 / tau2-bench/llm_agent",
    ]
    assert all(s.n_transcripts == 3 and s.evidence_levels == {"interaction": 3} for s in report.systems)
    assert all(len(s.scaffold_digests) == 1 for s in report.systems)
    assert {c.status for c in report.cells} == {"gap"} and report.comparisons == ()
    assert all(c.gap_reason == "not measured: no admitted judge" for c in report.cells)

    _admit(tmp_path, fake_run, "task_outcome")
    _admit(tmp_path, fake_run, "policy_adherence", admitted=False)
    report = build_profile([fake_run], registry_for(tmp_path), n_resamples=200)
    items = read_items(fake_run.path)
    statuses = {(c.dimension, c.status) for c in report.cells}
    assert ("task_outcome", "measured") in statuses and ("policy_adherence", "gap") in statuses
    for system in report.systems:
        cell = report.cell(system.key, "task_outcome")
        levels = [
            j.level
            for j in fake_run.judgments
            if j.dimension == "task_outcome" and items[j.transcript_id].model == system.axes["model"]
        ]
        assert cell.n_scored == len(levels) == 3
        assert cell.distribution == {v: levels.count(v) for v in (0, 1, 2)}
        assert cell.mean == pytest.approx(sum(levels) / 3)  # type: ignore[arg-type]
        assert cell.ci_low is not None and cell.ci_high is not None and cell.ci_low <= cell.mean <= cell.ci_high
    (comparison,) = report.comparisons
    a, b = report.cell(comparison.a, "task_outcome"), report.cell(comparison.b, "task_outcome")
    assert comparison.difference == pytest.approx(b.mean - a.mean)  # type: ignore[operator]
    evidence = {j.dimension: j for j in report.judges}
    assert evidence["task_outcome"].admitted and evidence["task_outcome"].evidence.startswith("admitted: kappa 0.900")
    assert evidence["policy_adherence"].evidence == "refused: test"
    assert evidence["intent_clarification"].evidence == "never calibrated for this dimension"

    markdown = render_markdown(report)
    assert "| gpt-4.1 / tau2-bench/llm_agent |" in markdown and "GAP" in markdown
    assert "`policy_adherence`: not measured: no admitted judge" in markdown
    assert "Provisional" not in markdown
    assert "The evidence is at the **interaction** level" in markdown


def test_provisional_cells_are_marked_everywhere(fake_run: Run, tmp_path: Path) -> None:
    report = build_profile([fake_run], registry_for(tmp_path), provisional=True, n_resamples=100)
    assert {c.status for c in report.cells} == {"provisional"}
    assert all(c.provisional for c in report.comparisons)
    markdown = render_markdown(report)
    assert "**Provisional.**" in markdown and "*" in markdown.split("## Profiles")[1].split("###")[0]


def _imported(tmp_path: Path, labels: dict[tuple[str, str], int], name: str) -> Run:
    rubric = load_rubric(TOY)
    items = sorted({item for item, _ in labels})
    metadata = {
        item: TranscriptMetadata(
            source="x",
            format="test",
            evidence_level="interaction",
            model=item.split("-")[0],
            scaffold=item.split("-")[1],
        )
        for item in items
    }
    judgments = [label_judgment(item, rubric.dimension(dim), level) for (item, dim), level in labels.items()]
    source = tmp_path / f"{name}.csv"
    source.write_text(name)
    return write_imported_run(
        judgments,
        judge=ImportedJudge(model=name, prompt="p"),
        rubric=rubric,
        rubric_source=str(TOY),
        sources=[source],
        items=items,
        out_dir=tmp_path / "runs",
        metadata=metadata,
    )


def test_interaction_several_judges_and_custom_template(tmp_path: Path) -> None:
    labels: dict[tuple[str, str], int] = {}
    for i in range(40):
        labels[(f"m1-s1-{i}", "quality")] = 0
        labels[(f"m1-s2-{i}", "quality")] = 2  # the scaffold moves m1 from 0 to 2
        labels[(f"m2-s1-{i}", "quality")] = i % 3
        labels[(f"m2-s2-{i}", "quality")] = (i + 1) % 3  # ... but not m2 (same mix)
    first = _imported(tmp_path, labels, "judge-a")
    second = _imported(tmp_path, {k: (v if not k[0].endswith("-0") else 1) for k, v in labels.items()}, "judge-b")
    for run in (first, second):
        _admit(tmp_path / "runs", run, "quality")
    report = build_profile([first, second], registry_for(tmp_path / "runs"), n_resamples=300)
    assert [s.key for s in report.systems] == ["m1 / s1", "m1 / s2", "m2 / s1", "m2 / s2"]
    cell = report.cell("m1 / s1", "quality")
    # item m1-s1-0: judge-a says 0, judge-b says 1 -> lower median 0; every other item: both 0
    assert cell.distribution == {0: 40, 1: 0, 2: 0} and len(cell.judges) == 2
    assert cell.judge_agreement is not None and cell.judge_agreement < 1
    (interaction,) = report.interactions
    assert (interaction.dimension, interaction.changed_for, interaction.unchanged_for) == ("quality", "m1", "m2")
    assert report.cell("m1 / s1", "present").status == "gap"
    assert report.cell("m1 / s1", "present").gap_reason == "not measured: no run graded this dimension"

    assert render_markdown(report, "$title\n\n$table\n").startswith("# Alignment profile on `toy-v1`")
    with pytest.raises(TemplateFieldError, match=r"unknown report section\(s\) \['tabel'\]"):
        render_markdown(report, "$title $tabel")


def test_runs_on_different_rubrics_are_refused(fake_run: Run, tmp_path: Path) -> None:
    other = _imported(tmp_path, {("m1-s1-0", "quality"): 1}, "judge-x")
    with pytest.raises(ProfileError, match="different rubrics"):
        build_profile([fake_run, other], registry_for(tmp_path))
    with pytest.raises(ProfileError, match="no runs"):
        build_profile([], registry_for(tmp_path))
