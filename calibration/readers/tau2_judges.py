"""τ²-bench judge viewer (airline): the programmatic reward as a reference coder, and four LLM-judge prompts.

Two file shapes carry the reward: the simulations file (``{"simulations": [{"id", "task_id",
"reward_info": {"reward"}}]}``) and each judge summary (``{"entries": [{"simulation_id", "task_id",
"tau2_reward", "judge_verdict", "judge_justification", "judge_issues", "judge_model", "judge_system_prompt",
"judge_prompt_name", ...}]}``). Items are ``tau2/<simulation id>``; the rubric is ``tau2-judge-v1`` (``verdict``:
0 fail, 1 pass).

The judges' verdicts are mapped through the level labels (``pass`` -> 1, ``fail`` -> 0). The
``policy_chain_of_thought_v1`` prompt also answers ``satisfied`` (22 of 50), ``satisfactory`` (3), ``compliant``
and ``correct`` (1 each); without an explicit ``mapping`` these 27 become ``out_of_range`` judgments. The
source's own ``agreement`` field (and the NOTE's 18/50) counts ``satisfied`` as pass and leaves the other four
off-schema verdicts as no agreement (``null``): ``mapping={"satisfied": 1}`` reproduces it exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from calibration.errors import CodesError
from calibration.human import CodeRecord, HumanCodes, build_codes
from calibration.imports import ImportedJudge, label_judgment, write_imported_run
from calibration.table import read_json
from judges import Judgment, Run
from prompts import load_rubric

RUBRIC = "tau2-judge-v1"
"""The shipped rubric the reward and the verdicts are on."""

DIMENSION = "verdict"
"""Its one dimension."""

REWARD_CODER = "tau2_reward"
"""The coder name of τ²'s programmatic reward."""


def read_tau2_reward(path: Path) -> HumanCodes:
    """Read τ²'s programmatic reward per simulation as the codes of a reference coder, ``tau2_reward``.

    Args:
        path: the simulations file or a judge summary file (both carry the reward).

    Returns:
        Codes on ``tau2-judge-v1`` ``verdict`` (reward 0 or 1) with item ids ``tau2/<simulation id>``,
        ``coder_ids="stable"`` and item metadata ``task_id``. A code's ``line`` is the 1-based position of its
        simulation or entry.

    Raises:
        CodesError: naming the file and record when it is neither shape, a field is missing, or a reward is not 0
            or 1 (a partial reward is not a pass/fail code).
    """
    rubric = load_rubric(RUBRIC)
    source = str(path)
    data = read_json(path)
    records: list[CodeRecord] = []
    meta: list[tuple[str, str]] = []
    if isinstance(data, dict) and isinstance(data.get("simulations"), list):
        for number, sim in enumerate(data["simulations"], start=1):
            sim_id = _field(sim, "id", source, number)
            reward_info = _field(sim, "reward_info", source, number)
            reward = _field(reward_info, "reward", source, number)
            records.append(_reward_record(sim_id, reward, number))
            meta.append((f"tau2/{sim_id}", str(_field(sim, "task_id", source, number))))
    elif isinstance(data, dict) and isinstance(data.get("entries"), list):
        for number, entry in enumerate(data["entries"], start=1):
            sim_id = _field(entry, "simulation_id", source, number)
            records.append(_reward_record(sim_id, _field(entry, "tau2_reward", source, number), number))
            meta.append((f"tau2/{sim_id}", str(_field(entry, "task_id", source, number))))
    else:
        raise CodesError(source, None, "neither a τ² simulations file ('simulations') nor a judge file ('entries')")
    items = [dict(zip(("item_id", "task_id"), row, strict=True)) for row in meta]
    return build_codes(records, rubric, source=source, coder_ids="stable", items=items)


def import_tau2_judges(
    paths: Sequence[Path],
    *,
    out_dir: Path,
    mapping: Mapping[str, int | None] | None = None,
) -> list[Run]:
    """Write each judge summary file as a run.

    Args:
        paths: judge summary files (``judge_<prompt>.json``), one judge prompt each.
        out_dir: where the run directories are created.
        mapping: extra verdict labels -> level (``None`` for N/A), e.g. ``{"satisfied": 1}``; ``pass`` and
            ``fail`` need none. Verdicts neither covers become ``out_of_range`` judgments.

    Returns:
        One run per file, in the order given, with ``ImportedJudge(model=judge_model, prompt=judge_prompt_name,
        prompt_text=judge_system_prompt)``. Each judgment's rationale is ``judge_justification``, followed by the
        listed ``judge_issues`` when there are any (one line each; an object's fields as ``key: value; ...``).

    Raises:
        CodesError: naming the file and entry when it is not a judge file, a field is missing, a simulation is
            repeated, or the entries disagree on the judge model, prompt name or system prompt.
    """
    rubric = load_rubric(RUBRIC)
    dimension = rubric.dimension(DIMENSION)
    runs: list[Run] = []
    for path in paths:
        source = str(path)
        data = read_json(path)
        entries = data.get("entries") if isinstance(data, dict) else None
        if not isinstance(entries, list) or not entries:
            raise CodesError(source, None, "not a τ² judge summary: no 'entries' list")
        judge: ImportedJudge | None = None
        items: list[str] = []
        seen: set[str] = set()
        judgments: list[Judgment] = []
        for number, entry in enumerate(entries, start=1):
            this = ImportedJudge(
                model=str(_field(entry, "judge_model", source, number)),
                prompt=str(entry.get("judge_prompt_name") or _prompt_from_name(path)),
                prompt_text=str(_field(entry, "judge_system_prompt", source, number)),
            )
            if judge is None:
                judge = this
            elif this != judge:
                raise CodesError(source, number, f"entry judged by {this.model}/{this.prompt}, not {judge.model}/"
                                 f"{judge.prompt} (or another system prompt): one file must be one judge")  # fmt: skip
            item = f"tau2/{_field(entry, 'simulation_id', source, number)}"
            if item in seen:
                raise CodesError(source, number, f"simulation {item} judged twice")
            seen.add(item)
            items.append(item)
            # a missing verdict is the judge's failure (parse_error), not a broken file
            verdict = entry.get("judge_verdict")
            judgments.append(label_judgment(item, dimension, verdict, mapping=mapping, rationale=_rationale(entry)))
        assert judge is not None
        runs.append(
            write_imported_run(
                judgments,
                judge=judge,
                rubric=rubric,
                rubric_source=RUBRIC,
                sources=[path],
                items=items,
                out_dir=out_dir,
                mapping=mapping,
            )
        )
    return runs


def _reward_record(sim_id: object, reward: object, number: int) -> CodeRecord:
    return CodeRecord(item_id=f"tau2/{sim_id}", dimension=DIMENSION, coder=REWARD_CODER, value=reward, line=number)


def _rationale(entry: dict[str, object]) -> str | None:
    justification = entry.get("judge_justification")
    parts = [justification] if isinstance(justification, str) and justification.strip() else []
    issues = entry.get("judge_issues")
    if isinstance(issues, list) and issues:
        lines = []
        for issue in issues:
            # the judges follow no schema for issues (text, or objects with issue/description/evidence/turn/...)
            if isinstance(issue, dict):
                lines.append("- " + "; ".join(f"{key}: {value}" for key, value in issue.items()))
            else:
                lines.append(f"- {issue}")
        parts.append("Issues:\n" + "\n".join(lines))
    return "\n\n".join(parts) if parts else None


def _prompt_from_name(path: Path) -> str:
    return path.stem.removeprefix("judge_")


def _field(record: object, name: str, source: str, number: int) -> object:
    if not isinstance(record, dict) or record.get(name) is None:
        raise CodesError(source, number, f"record without {name!r}")
    return record[name]
