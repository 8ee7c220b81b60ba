"""LLMBar (Zeng et al., ICLR 2024): the authors' gold preference per output pair, and the paper's LLM judges.

Layout under the root: one folder per subset (``Natural``, ``Adversarial_Neighbor``, ``Adversarial_GPTInst``,
``Adversarial_GPTOut``, ``Adversarial_Manual``), each with ``dataset.json`` (a list of
``{input, output_1, output_2, label}``, ``label`` 1 or 2) and ``llm_judges_vanilla.json`` (judge name ->
``[{idx, winner_swap_false, winner_swap_true}]``, winners as strings ``"1"``/``"2"`` or ``null``). Item ids are
``llmbar/<subset>/<idx>`` with ``idx`` the position in ``dataset.json``; the levels of ``llmbar-v1``
``preferred_output`` are 1 (Output (a) = ``output_1``) and 2 (Output (b) = ``output_2``).

Swap convention: ``winner_swap_true`` is **already in the original numbering**. LLMBar's ``evaluate.py`` shows the
judge ``output_2`` first when ``swap`` is true and stores ``reverse_label(winner)``; the data agree: GPT-4 on
Natural matches the gold label in 96 of 100 swapped verdicts taken as they are and in 4 of 100 when flipped, and
the as-is count (e.g. PaLM2 on Natural, 88/100) is the repo's own ``correct_True``. So both orders are imported as
they are, never flipped; a pair whose two verdicts differ is positional bias.

A ``null`` winner (LLMBar's answer parser matched nothing) becomes a ``parse_error`` judgment and any other label
an ``out_of_range`` one: never a guessed level.
"""

from __future__ import annotations

from pathlib import Path

from calibration.errors import CodesError
from calibration.human import CodeRecord, HumanCodes, build_codes
from calibration.imports import ImportedJudge, label_judgment, write_imported_run
from calibration.table import read_json
from judges import Judgment, Run
from prompts import load_rubric

RUBRIC = "llmbar-v1"
"""The shipped rubric the labels are on."""

DIMENSION = "preferred_output"
"""Its one dimension."""

DATASET = "dataset.json"
JUDGES = "llm_judges_vanilla.json"
_ORDERS = (("winner_swap_false", "llmbar-vanilla-swap-false"), ("winner_swap_true", "llmbar-vanilla-swap-true"))


def read_llmbar_gold(root: Path) -> HumanCodes:
    """Read the gold labels of every subset under ``root`` as one coder, ``gold``.

    Args:
        root: the folder holding one folder per subset, each with ``dataset.json``.

    Returns:
        Codes on ``llmbar-v1`` with item ids ``llmbar/<subset>/<idx>``, coder ``gold`` (the authors' curated label,
        so inter-human agreement cannot be computed) and item metadata ``subset``. A code's ``line`` is its
        1-based position in its subset's ``dataset.json``.

    Raises:
        CodesError: naming the file when there is no subset, a file is unreadable, or a label is not 1 or 2.
    """
    rubric = load_rubric(RUBRIC)
    records: list[CodeRecord] = []
    subsets: list[str] = []
    items: list[str] = []
    for subset in _subsets(root):
        path = root / subset / DATASET
        data = read_json(path)
        if not isinstance(data, list):
            raise CodesError(str(path), None, "expected a list of {input, output_1, output_2, label}")
        for idx, pair in enumerate(data):
            if not isinstance(pair, dict) or "label" not in pair:
                raise CodesError(str(path), idx + 1, "record without a 'label'")
            item = f"llmbar/{subset}/{idx}"
            records.append(CodeRecord(item_id=item, dimension=DIMENSION, coder="gold", value=pair["label"],
                                      line=idx + 1))  # fmt: skip
            items.append(item)
            subsets.append(subset)
    meta = [{"item_id": i, "subset": s} for i, s in zip(items, subsets, strict=True)]
    return build_codes(records, rubric, source=str(root), coder_ids="stable", items=meta)


def import_llmbar(root: Path, *, out_dir: Path) -> list[Run]:
    """Write each judge's verdicts in each presentation order as a run (Vanilla prompt).

    Args:
        root: the folder holding one folder per subset, each with ``dataset.json`` and ``llm_judges_vanilla.json``.
        out_dir: where the run directories are created.

    Returns:
        One run per judge x order, judges in order of first appearance, ``swap-false`` before ``swap-true``:
        ``ImportedJudge(model=<judge name as the file gives it>, prompt="llmbar-vanilla-swap-false"|"...-true")``.
        A run's items are the pairs of the subsets the judge was run on; its manifest names every judge file it
        read, with its sha256.

    Raises:
        CodesError: naming the file when it is unreadable, an ``idx`` is outside ``dataset.json`` or repeated.
    """
    rubric = load_rubric(RUBRIC)
    dimension = rubric.dimension(DIMENSION)
    # judge -> order -> judgments; judge -> items and source files, in subset order
    verdicts: dict[str, dict[str, list[Judgment]]] = {}
    judged_items: dict[str, list[str]] = {}
    judge_files: dict[str, list[Path]] = {}
    for subset in _subsets(root):
        size = _dataset_size(root / subset / DATASET)
        path = root / subset / JUDGES
        if not path.is_file():
            continue
        data = read_json(path)
        if not isinstance(data, dict):
            raise CodesError(str(path), None, "expected an object mapping judge names to lists of verdicts")
        for judge, rows in data.items():
            if not isinstance(rows, list):
                raise CodesError(str(path), None, f"judge {judge!r}: expected a list of verdicts")
            seen: set[int] = set()
            for number, row in enumerate(rows, start=1):
                idx = row.get("idx") if isinstance(row, dict) else None
                if not isinstance(idx, int) or isinstance(idx, bool) or not 0 <= idx < size:
                    raise CodesError(str(path), number, f"judge {judge!r}: idx {idx!r} is not a position in "
                                     f"{subset}/{DATASET} (0..{size - 1})")  # fmt: skip
                if idx in seen:
                    raise CodesError(str(path), number, f"judge {judge!r}: idx {idx} repeated")
                seen.add(idx)
                assert isinstance(row, dict)
                item = f"llmbar/{subset}/{idx}"
                for field, _prompt in _ORDERS:
                    judgment = label_judgment(item, dimension, row.get(field))
                    verdicts.setdefault(judge, {}).setdefault(field, []).append(judgment)
            judged_items.setdefault(judge, []).extend(f"llmbar/{subset}/{idx}" for idx in range(size))
            judge_files.setdefault(judge, []).append(path)
    runs: list[Run] = []
    for judge, orders in verdicts.items():
        for field, prompt in _ORDERS:
            run = write_imported_run(
                orders.get(field, []),
                judge=ImportedJudge(model=judge, prompt=prompt),
                rubric=rubric,
                rubric_source=RUBRIC,
                sources=judge_files[judge],
                items=judged_items[judge],
                out_dir=out_dir,
            )
            runs.append(run)
    return runs


def _subsets(root: Path) -> list[str]:
    if not root.is_dir():
        raise CodesError(str(root), None, "not a directory of LLMBar subsets")
    subsets = sorted(p.name for p in root.iterdir() if (p / DATASET).is_file())
    if not subsets:
        raise CodesError(str(root), None, f"no subset folder with a {DATASET}")
    return subsets


def _dataset_size(path: Path) -> int:
    data = read_json(path)
    if not isinstance(data, list):
        raise CodesError(str(path), None, "expected a list of {input, output_1, output_2, label}")
    return len(data)
