"""Readers of judge-calibration datasets: ABC-Eval, LLMBar, τ²-bench judges, and the generic long-table importer.

The real files live in ``../shared/data`` beside the checkout; tests that need them skip where it is absent. Every
expected count below was computed from the files independently of the readers (plain ``json`` loops), and the
published figures they must reproduce are cited where they come from a NOTE or the source repository.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from calibration.errors import CodesError
from calibration.human import HumanCodes
from calibration.imports import file_sha256
from calibration.readers.abc_eval import import_abc_eval, read_abc_eval_codes
from calibration.readers.generic import import_long_judgments
from calibration.readers.llmbar import import_llmbar, read_llmbar_gold
from calibration.readers.tau2_judges import import_tau2_judges, read_tau2_reward
from judges import Run, load_run
from prompts import load_rubric

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
ABC = SHARED_DATA / "abc_eval" / "behavior-classification-results.json"
LLMBAR = SHARED_DATA / "llmbar"
TAU2 = SHARED_DATA / "tau2_bench" / "judge_viewer_airline"
TAU2_PROMPTS = ("quick_triage_v1", "customer_outcome_v1", "policy_conversation_v1", "policy_chain_of_thought_v1")


@pytest.fixture(scope="module")
def data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real datasets not available: {SHARED_DATA} is absent (it sits beside the checkout in CI)")
    return SHARED_DATA


def _assert_round_trip(run: Run, *sources: Path) -> None:
    """The run reads back identically, and its manifest names each source file with its sha256."""
    again = load_run(run.path)
    assert again == run
    assert again.duplicates == 0
    assert again.manifest.completed_at is not None
    assert again.manifest.imported_from is not None
    for source in sources:
        assert f"{source.resolve()} ({file_sha256(source)})" in again.manifest.imported_from


def _levels(run: Run) -> dict[tuple[str, str], int | None]:
    return {j.key: j.level for j in run.judgments}


def _reward(codes: HumanCodes) -> dict[str, int]:
    return {str(item): int(value) for item, value in zip(codes.frame["item_id"], codes.frame["value"], strict=True)}


# --- ABC-Eval ------------------------------------------------------------------------------------------------------

BEHAVIOURS = (
    "empathetic",
    "lack_of_empathy",
    "commonsense_contradiction",
    "incorrect_fact",
    "self_contradiction",
    "partner_contradiction",
    "redundant",
    "ignore",
    "irrelevant",
)

# Turns (of 1,634) on which the two human labels are equal, per behaviour. The NOTE gives the range as 0.77
# (empathetic: 1260 / 1634 = 0.7711) to 0.95 (incorrect fact: 1555 / 1634 = 0.9517).
HUMAN_AGREEMENT = {
    "empathetic": 1260,
    "lack_of_empathy": 1410,
    "commonsense_contradiction": 1338,
    "incorrect_fact": 1555,
    "self_contradiction": 1521,
    "partner_contradiction": 1479,
    "redundant": 1527,
    "ignore": 1503,
    "irrelevant": 1395,
}

# Turns ChatGPT labelled 1 per behaviour, and the specialised classifiers (six behaviours only).
GPT_PRESENT = {
    "empathetic": 146,
    "lack_of_empathy": 396,
    "commonsense_contradiction": 219,
    "incorrect_fact": 146,
    "self_contradiction": 250,
    "partner_contradiction": 79,
    "redundant": 148,
    "ignore": 696,
    "irrelevant": 543,
}
SPECIALIZED_PRESENT = {
    "empathetic": 1343,
    "lack_of_empathy": 291,
    "incorrect_fact": 223,
    "self_contradiction": 215,
    "ignore": 365,
    "irrelevant": 365,
}


@pytest.fixture(scope="module")
def abc_codes(data: Path) -> HumanCodes:
    return read_abc_eval_codes(ABC)


@pytest.fixture(scope="module")
def abc_gpt(data: Path, tmp_path_factory: pytest.TempPathFactory) -> Run:
    return import_abc_eval(ABC, out_dir=tmp_path_factory.mktemp("runs"))


def test_abc_eval_counts(abc_codes: HumanCodes) -> None:
    assert abc_codes.rubric.name == "abc-eval-v1"
    assert abc_codes.coder_ids == "exchangeable"
    assert abc_codes.dimensions == list(BEHAVIOURS)
    items = abc_codes.items
    assert items["dialogue"].nunique() == 108
    assert len(items) == items["item_id"].nunique() == 1634
    assert items.groupby("system")["dialogue"].nunique().to_dict() == {
        "bart_fid_rag_bcb": 27,
        "blender2_3B": 27,
        "emora": 27,
        "rerank_blender": 27,
    }
    assert len(abc_codes.frame) == 1634 * 9 * 2
    assert abc_codes.frame["value"].notna().all()
    for behaviour in BEHAVIOURS:
        assert abc_codes.coders(behaviour) == ["h1", "h2"]
        assert len(abc_codes.item_ids(behaviour)) == 1634
    first = items.iloc[0]
    assert first["item_id"] == "abc/(109,13)_rerank_blender/0"
    assert (first["system"], first["dialogue"], first["turn"]) == ("rerank_blender", "(109,13)_rerank_blender", 0)
    # the 15 exchanges of the first dialogue are turns 0..14
    assert "abc/(109,13)_rerank_blender/14" in set(items["item_id"])
    assert "abc/(109,13)_rerank_blender/15" not in set(items["item_id"])


def test_abc_eval_human_raw_agreement(abc_codes: HumanCodes) -> None:
    rates = {}
    for behaviour in BEHAVIOURS:
        items = abc_codes.item_ids(behaviour)
        h1, h2 = abc_codes.matrix(behaviour, items)
        assert int((h1 == h2).sum()) == HUMAN_AGREEMENT[behaviour]
        rates[behaviour] = float((h1 == h2).mean())
    assert min(rates, key=rates.__getitem__) == "empathetic"
    assert max(rates, key=rates.__getitem__) == "incorrect_fact"
    assert round(min(rates.values()), 2) == 0.77
    assert round(max(rates.values()), 2) == 0.95


def test_abc_eval_gpt_run(abc_gpt: Run, abc_codes: HumanCodes) -> None:
    assert len(abc_gpt.judgments) == 1634 * 9 == abc_gpt.expected
    assert abc_gpt.manifest.dimensions == BEHAVIOURS
    assert {j.status for j in abc_gpt.judgments} == {"ok"}
    assert {j.transcript_id for j in abc_gpt.judgments} == set(abc_codes.items["item_id"])
    present = Counter(j.dimension for j in abc_gpt.judgments if j.level == 1)
    assert dict(present) == GPT_PRESENT
    backend = abc_gpt.manifest.judge.backend
    assert (backend.backend, backend.model, abc_gpt.manifest.judge.template) == (
        "import",
        "gpt-3.5-turbo",
        "abc-eval-gpt-paper",
    )
    assert abc_gpt.manifest.judge.rubric_digest == abc_codes.rubric.digest
    _assert_round_trip(abc_gpt, ABC)


def test_abc_eval_specialized_run(data: Path, tmp_path: Path) -> None:
    run = import_abc_eval(ABC, out_dir=tmp_path, judge="specialized")
    assert run.manifest.dimensions == tuple(b for b in BEHAVIOURS if b in SPECIALIZED_PRESENT)
    assert len(run.judgments) == 1634 * 6
    assert dict(Counter(j.dimension for j in run.judgments if j.level == 1)) == SPECIALIZED_PRESENT
    # an oddity of the source: one classifier's output serves both ignore and irrelevant
    levels = _levels(run)
    items = {j.transcript_id for j in run.judgments}
    assert all(levels[(i, "ignore")] == levels[(i, "irrelevant")] for i in items)
    _assert_round_trip(run, ABC)


def test_abc_eval_rejects_unknown_behaviour_and_off_scale_label(tmp_path: Path) -> None:
    good = {"user": "Hi", "system": "Hello", "behaviors": {"ignore": {"human": [0, 1], "gpt": 1}}}
    unknown = {"user": "Hi", "system": "Hello", "behaviors": {"rudeness": {"human": [0, 1], "gpt": 1}}}
    path = tmp_path / "abc.json"
    path.write_text(json.dumps({"(1,1)_bot_x": [good, unknown]}), encoding="utf-8")
    with pytest.raises(CodesError, match=r"abc/\(1,1\)_bot_x/1: behaviour 'rudeness'"):
        read_abc_eval_codes(path)
    off = {"user": "Hi", "system": "Hello", "behaviors": {"ignore": {"human": [0, 2], "gpt": 7}}}
    path.write_text(json.dumps({"(1,1)_bot_x": [good, off]}), encoding="utf-8")
    with pytest.raises(CodesError, match=r"abc\.json:2: value 2 is not on the scale of 'ignore'"):
        read_abc_eval_codes(path)
    # the judge's off-scale label is a judgment, not an error
    run = import_abc_eval(path, out_dir=tmp_path / "runs")
    assert [(j.transcript_id, j.status, j.raw) for j in run.judgments] == [
        ("abc/(1,1)_bot_x/0", "ok", "1"),
        ("abc/(1,1)_bot_x/1", "out_of_range", "7"),
    ]


# --- LLMBar --------------------------------------------------------------------------------------------------------

SUBSETS = {
    "Natural": 100,
    "Adversarial_Neighbor": 134,
    "Adversarial_GPTInst": 92,
    "Adversarial_GPTOut": 47,
    "Adversarial_Manual": 46,
}
LLMBAR_JUDGES = ("GPT-4", "ChatGPT", "ChatGPT-0301", "PaLM2", "LLaMA2", "Falcon")


@pytest.fixture(scope="module")
def llmbar_gold(data: Path) -> HumanCodes:
    return read_llmbar_gold(LLMBAR)


@pytest.fixture(scope="module")
def llmbar_runs(data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Run]:
    runs = import_llmbar(LLMBAR, out_dir=tmp_path_factory.mktemp("runs"))
    return {(r.manifest.judge.backend.model, r.manifest.judge.template): r for r in runs}


def _correct(run: Run, gold: HumanCodes, subset: str | None = None) -> int:
    truth = _reward(gold)
    prefix = f"llmbar/{subset}/" if subset else "llmbar/"
    return sum(1 for j in run.judgments if j.transcript_id.startswith(prefix) and j.level == truth[j.transcript_id])


def test_llmbar_gold_counts(llmbar_gold: HumanCodes) -> None:
    assert llmbar_gold.rubric.name == "llmbar-v1"
    assert llmbar_gold.coders("preferred_output") == ["gold"]
    assert len(llmbar_gold.item_ids("preferred_output")) == 419
    assert llmbar_gold.items["subset"].value_counts().to_dict() == SUBSETS
    assert set(llmbar_gold.frame["value"]) == {1.0, 2.0}
    assert "llmbar/Natural/0" in set(llmbar_gold.items["item_id"])
    assert "llmbar/Natural/99" in set(llmbar_gold.items["item_id"])
    assert "llmbar/Natural/100" not in set(llmbar_gold.items["item_id"])


def test_llmbar_runs(llmbar_runs: dict[tuple[str, str], Run]) -> None:
    orders = ("llmbar-vanilla-swap-false", "llmbar-vanilla-swap-true")
    assert list(llmbar_runs) == [(judge, order) for judge in LLMBAR_JUDGES for order in orders]
    judge_files = [LLMBAR / subset / "llm_judges_vanilla.json" for subset in SUBSETS]
    for run in llmbar_runs.values():
        assert run.manifest.transcripts.count == 419
        assert len(run.judgments) == 419
        assert run.manifest.transcripts.sources == tuple(sorted(str(p.resolve()) for p in judge_files))
        _assert_round_trip(run, *judge_files)
    # verdicts that LLMBar's answer parser could not read (null) are parse errors, never guessed:
    # PaLM2 has (null, null) once in GPTInst and Manual and twice in Natural; LLaMA2 one null in each order.
    unscored = {key: Counter(j.status for j in run.judgments if j.status != "ok") for key, run in llmbar_runs.items()}
    assert unscored[("PaLM2", orders[0])] == unscored[("PaLM2", orders[1])] == {"parse_error": 4}
    assert unscored[("LLaMA2", orders[0])] == unscored[("LLaMA2", orders[1])] == {"parse_error": 1}
    assert not any(
        unscored[(judge, order)] for judge in ("GPT-4", "ChatGPT", "ChatGPT-0301", "Falcon") for order in orders
    )


def test_llmbar_swapped_verdicts_are_in_original_numbering(
    llmbar_runs: dict[tuple[str, str], Run], llmbar_gold: HumanCodes
) -> None:
    swapped = llmbar_runs[("GPT-4", "llmbar-vanilla-swap-true")]
    # GPT-4 on Natural: 96 of 100 swapped verdicts match the gold label as they are (a flip would give 4 / 100)
    assert _correct(swapped, llmbar_gold, "Natural") == 96
    # LLMBar's own statistics.json for PaLM2/Vanilla on Natural: correct_False 78 / 100, correct_True 88 / 100
    assert _correct(llmbar_runs[("PaLM2", "llmbar-vanilla-swap-false")], llmbar_gold, "Natural") == 78
    assert _correct(llmbar_runs[("PaLM2", "llmbar-vanilla-swap-true")], llmbar_gold, "Natural") == 88
    # positional bias shows as a changed verdict between orders: ChatGPT on Natural changes 29 of 100 verdicts
    a, b = (
        _levels(llmbar_runs[("ChatGPT", order)]) for order in ("llmbar-vanilla-swap-false", "llmbar-vanilla-swap-true")
    )
    assert sum(1 for key in a if key[0].startswith("llmbar/Natural/") and a[key] != b[key]) == 29


def _llmbar_tree(root: Path, verdicts: list[dict[str, object]]) -> None:
    (root / "Natural").mkdir(parents=True)
    pairs = [{"input": f"q{i}", "output_1": "a", "output_2": "b", "label": 1 + i % 2} for i in range(len(verdicts))]
    (root / "Natural" / "dataset.json").write_text(json.dumps(pairs), encoding="utf-8")
    (root / "Natural" / "llm_judges_vanilla.json").write_text(json.dumps({"J": verdicts}), encoding="utf-8")


def test_llmbar_labels_other_than_1_or_2_are_unscored(tmp_path: Path) -> None:
    _llmbar_tree(
        tmp_path / "llmbar",
        [
            {"idx": 0, "winner_swap_false": "1", "winner_swap_true": "2"},
            {"idx": 1, "winner_swap_false": "3", "winner_swap_true": "tie"},
            {"idx": 2, "winner_swap_false": None, "winner_swap_true": "Output (b)"},
        ],
    )
    false, true = import_llmbar(tmp_path / "llmbar", out_dir=tmp_path / "runs")
    assert [(j.status, j.level) for j in false.judgments] == [("ok", 1), ("out_of_range", None), ("parse_error", None)]
    assert [(j.status, j.level) for j in true.judgments] == [("ok", 2), ("out_of_range", None), ("ok", 2)]
    gold = read_llmbar_gold(tmp_path / "llmbar")
    assert _reward(gold) == {"llmbar/Natural/0": 1, "llmbar/Natural/1": 2, "llmbar/Natural/2": 1}


def test_llmbar_rejects_an_idx_outside_the_dataset(tmp_path: Path) -> None:
    _llmbar_tree(tmp_path / "llmbar", [{"idx": 5, "winner_swap_false": "1", "winner_swap_true": "1"}])
    with pytest.raises(CodesError, match=r"llm_judges_vanilla\.json:1: judge 'J': idx 5 is not a position"):
        import_llmbar(tmp_path / "llmbar", out_dir=tmp_path / "runs")


# --- τ²-bench judges -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tau2_reward(data: Path) -> HumanCodes:
    return read_tau2_reward(TAU2 / "azure-airline-full.simulations.json")


def _tau2_files() -> list[Path]:
    return [TAU2 / f"judge_{prompt}.json" for prompt in TAU2_PROMPTS]


def _agreement(run: Run, reward: HumanCodes) -> int:
    truth = _reward(reward)
    return sum(1 for j in run.judgments if j.status == "ok" and j.level == truth[j.transcript_id])


def test_tau2_reward_codes(tau2_reward: HumanCodes) -> None:
    assert tau2_reward.rubric.name == "tau2-judge-v1"
    assert tau2_reward.coders("verdict") == ["tau2_reward"]
    assert tau2_reward.coder_ids == "stable"
    assert Counter(_reward(tau2_reward).values()) == {0: 27, 1: 23}
    assert all(i.startswith("tau2/") for i in tau2_reward.items["item_id"])
    assert tau2_reward.items["task_id"].nunique() == 50
    # every judge file carries the same reward on the same simulations
    for path in _tau2_files():
        assert read_tau2_reward(path).digest == tau2_reward.digest


def test_tau2_judges_reproduce_the_published_agreement(tau2_reward: HumanCodes, tmp_path: Path) -> None:
    runs = dict(zip(TAU2_PROMPTS, import_tau2_judges(_tau2_files(), out_dir=tmp_path), strict=True))
    # NOTE: quick_triage 25/50, customer_outcome 20/50, policy_conversation 34/50 (pure pass/fail verdicts)
    assert _agreement(runs["quick_triage_v1"], tau2_reward) == 25
    assert _agreement(runs["customer_outcome_v1"], tau2_reward) == 20
    assert _agreement(runs["policy_conversation_v1"], tau2_reward) == 34
    # chain_of_thought without a mapping: 23 pass/fail verdicts, 10 of them agree; 27 off-schema verdicts unscored
    cot = runs["policy_chain_of_thought_v1"]
    assert _agreement(cot, tau2_reward) == 10
    off = Counter(j.raw for j in cot.judgments if j.status == "out_of_range")
    assert off == {"satisfied": 22, "satisfactory": 3, "compliant": 1, "correct": 1}
    for prompt, run in runs.items():
        judge = run.manifest.judge
        assert (judge.backend.model, judge.template) == ("azure/gpt-4o-2024-11-20", prompt)
        assert len(run.judgments) == 50
        _assert_round_trip(run, TAU2 / f"judge_{prompt}.json")


def test_tau2_chain_of_thought_with_mappings(tau2_reward: HumanCodes, tmp_path: Path) -> None:
    path = TAU2 / "judge_policy_chain_of_thought_v1.json"
    entries = json.loads(path.read_text(encoding="utf-8"))["entries"]
    # The NOTE's 18/50 is the source's own `agreement` field, which counts "satisfied" as pass and leaves
    # satisfactory/compliant/correct as no agreement (null): 4 pass+1, 6 fail+0, 8 satisfied+1.
    (noted,) = import_tau2_judges([path], out_dir=tmp_path, mapping={"satisfied": 1})
    assert _agreement(noted, tau2_reward) == 18
    agreeing = {j.transcript_id for j in noted.judgments if j.level == _reward(tau2_reward)[j.transcript_id]}
    assert agreeing == {f"tau2/{e['simulation_id']}" for e in entries if e["agreement"] is True}
    assert Counter(j.status for j in noted.judgments) == {"ok": 45, "out_of_range": 5}
    # mapping every off-schema verdict to pass scores all 50: 18 + satisfactory (2 of 3) + compliant + correct
    everything = {"compliant": 1, "correct": 1, "satisfactory": 1, "satisfied": 1}
    (mapped,) = import_tau2_judges([path], out_dir=tmp_path, mapping=everything)
    assert {j.status for j in mapped.judgments} == {"ok"}
    assert _agreement(mapped, tau2_reward) == 22
    assert json.loads(str(mapped.manifest.judge.backend.details["mapping"])) == everything


def test_tau2_judge_records(tmp_path: Path, data: Path) -> None:
    path = TAU2 / "judge_policy_conversation_v1.json"  # 32 issues, all objects
    entries = json.loads(path.read_text(encoding="utf-8"))["entries"]
    (run,) = import_tau2_judges([path], out_dir=tmp_path)
    prompt = entries[0]["judge_system_prompt"]
    assert run.manifest.judge.template_digest == "sha256:" + hashlib.sha256(prompt.encode("utf-8")).hexdigest()
    by_item = {j.transcript_id: j for j in run.judgments}
    for entry in entries:
        judgment = by_item[f"tau2/{entry['simulation_id']}"]
        assert judgment.level == {"pass": 1, "fail": 0}[entry["judge_verdict"]]
        assert judgment.rationale is not None
        assert judgment.rationale.startswith(entry["judge_justification"])
        for issue in entry["judge_issues"]:  # objects with varying keys: the judge follows no schema here
            assert "- " + "; ".join(f"{k}: {v}" for k, v in issue.items()) in judgment.rationale


def test_tau2_rejects_a_partial_reward_and_a_mixed_judge_file(tmp_path: Path) -> None:
    entry = {"simulation_id": "s1", "task_id": "1", "tau2_reward": 0.5, "judge_verdict": "pass",
             "judge_justification": "ok", "judge_issues": [], "judge_model": "m", "judge_system_prompt": "p",
             "judge_prompt_name": "x"}  # fmt: skip
    path = tmp_path / "judge_x.json"
    path.write_text(json.dumps({"entries": [entry]}), encoding="utf-8")
    with pytest.raises(CodesError, match=r"judge_x\.json:1: value 0\.5 is not on the scale of 'verdict'"):
        read_tau2_reward(path)
    other = {**entry, "simulation_id": "s2", "judge_model": "other"}
    path.write_text(json.dumps({"entries": [entry, other]}), encoding="utf-8")
    with pytest.raises(CodesError, match=r"judge_x\.json:2: entry judged by other/x"):
        import_tau2_judges([path], out_dir=tmp_path)
    path.write_text(json.dumps({"runs": []}), encoding="utf-8")
    with pytest.raises(CodesError, match="neither a τ² simulations file"):
        read_tau2_reward(path)


# --- generic long table --------------------------------------------------------------------------------------------

ABC_RUBRIC = load_rubric("abc-eval-v1")


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_generic_csv_keeps_text_ids_and_splits_judges(tmp_path: Path) -> None:
    path = _write_csv(
        tmp_path / "labels.csv",
        [
            ["item", "dimension", "judge", "label", "rationale"],
            ["00123", "ignore", "judge-a", "1", "answered nothing"],
            ["00123", "redundant", "judge-a", "absent", ""],
            ["7", "ignore", "judge-a", "maybe", "hedged"],
            ["00123", "ignore", "judge-b", "0", ""],
            ["7", "ignore", "judge-b", "", ""],
        ],
    )
    runs = import_long_judgments(path, ABC_RUBRIC, rubric_source="abc-eval-v1", out_dir=tmp_path / "runs")
    a, b = runs
    assert (a.manifest.judge.backend.model, a.manifest.judge.template) == ("judge-a", "imported")
    assert b.manifest.judge.backend.model == "judge-b"
    assert [(j.transcript_id, j.dimension, j.status, j.level, j.rationale) for j in a.judgments] == [
        ("00123", "ignore", "ok", 1, "answered nothing"),
        ("00123", "redundant", "ok", 0, None),
        ("7", "ignore", "out_of_range", None, "hedged"),
    ]
    assert [(j.transcript_id, j.status, j.level) for j in b.judgments] == [
        ("00123", "ok", 0),
        ("7", "parse_error", None),
    ]
    for run in runs:
        assert run.manifest.transcripts.count == 2  # the file's items, whichever judge labelled them
        assert run.manifest.rubric_source == "abc-eval-v1"
        _assert_round_trip(run, path)


def test_generic_mapping_scores_a_custom_label(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "l.csv", [["item_id", "dimension", "judge", "label"], ["x", "ignore", "j", "YES"]])
    (run,) = import_long_judgments(path, ABC_RUBRIC, rubric_source="abc-eval-v1", out_dir=tmp_path, mapping={"yes": 1})
    assert [(j.status, j.level) for j in run.judgments] == [("ok", 1)]


def test_generic_unknown_dimension_names_the_line(tmp_path: Path) -> None:
    path = _write_csv(
        tmp_path / "labels.csv",
        [
            ["item", "dimension", "judge", "label", "rationale"],
            ["1", "ignore", "j", "1", "two\nlines"],  # lines 2-3: a quoted field spans them
            ["2", "rudeness", "j", "1", ""],  # line 4
        ],
    )
    with pytest.raises(CodesError, match=r"labels\.csv:4: dimension 'rudeness' is not in rubric abc-eval-v1") as info:
        import_long_judgments(path, ABC_RUBRIC, rubric_source="abc-eval-v1", out_dir=tmp_path)
    assert info.value.line == 4


def test_generic_missing_column_and_repeats(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "labels.csv", [["item", "dimension", "label"], ["1", "ignore", "1"]])
    with pytest.raises(CodesError, match=r"labels\.csv:1: missing column\(s\) \['judge'\]"):
        import_long_judgments(path, ABC_RUBRIC, rubric_source="abc-eval-v1", out_dir=tmp_path)
    path = _write_csv(
        tmp_path / "labels.csv",
        [["item", "dimension", "judge", "label"], ["1", "ignore", "j", "1"], ["1", "ignore", "j", "0"]],
    )
    with pytest.raises(CodesError, match=r"labels\.csv:3: repeated label .* \(first at line 2\)"):
        import_long_judgments(path, ABC_RUBRIC, rubric_source="abc-eval-v1", out_dir=tmp_path)
    path = _write_csv(tmp_path / "labels.csv", [["item", "dimension", "judge", "label"], ["", "ignore", "j", "1"]])
    with pytest.raises(CodesError, match=r"labels\.csv:2: empty item id"):
        import_long_judgments(path, ABC_RUBRIC, rubric_source="abc-eval-v1", out_dir=tmp_path)


def test_generic_jsonl_and_parquet(tmp_path: Path) -> None:
    rows = [
        {"item_id": "00123", "dimension": "ignore", "judge": "j", "label": 1},
        {"item_id": "00124", "dimension": "ignore", "judge": "j", "label": "present", "rationale": "r"},
    ]
    jsonl = tmp_path / "labels.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    (run,) = import_long_judgments(jsonl, ABC_RUBRIC, rubric_source="abc-eval-v1", out_dir=tmp_path / "a")
    assert [(j.transcript_id, j.level) for j in run.judgments] == [("00123", 1), ("00124", 1)]
    _assert_round_trip(run, jsonl)

    parquet = tmp_path / "labels.parquet"
    pd.DataFrame(rows).astype({"label": str}).to_parquet(parquet)
    (run,) = import_long_judgments(parquet, ABC_RUBRIC, rubric_source="abc-eval-v1", out_dir=tmp_path / "b")
    assert [(j.transcript_id, j.level, j.rationale) for j in run.judgments] == [("00123", 1, None), ("00124", 1, "r")]
    _assert_round_trip(run, parquet)

    jsonl.write_text(json.dumps(rows[0]) + "\n" + json.dumps({"item_id": "9", "judge": "j", "label": 1}) + "\n")
    with pytest.raises(CodesError, match=r"labels\.jsonl:2: missing column\(s\) \['dimension'\]"):
        import_long_judgments(jsonl, ABC_RUBRIC, rubric_source="abc-eval-v1", out_dir=tmp_path)
