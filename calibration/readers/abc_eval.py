"""ABC-Eval behaviour labels: two humans, ChatGPT and specialised classifiers on the same bot turns.

The source is GPT-ABCEval's ``outputs/behavior-classification-results.json``. It maps a dialogue key such as
``(109,13)_rerank_blender`` (the text after ``)_`` is the bot) to the dialogue's ordered list of
``{user, system, behaviors}`` exchanges. Each exchange is one item, the bot turn, with id
``abc/<dialogue key>/<turn index>`` (0-based position in the list). ``behaviors`` maps a behaviour name with spaces
(``lack of empathy``) to ``{"human": [a, b], "gpt": g, "specialized": s}``; the rubric ``abc-eval-v1`` spells the
ids with underscores.

The two human labels carry no annotator ids and the source does not say that a position is the same person
throughout, so they become coders ``h1`` and ``h2`` by position with ``coder_ids="exchangeable"``.

``gpt`` is ChatGPT with the paper's per-behaviour prompts (the NOTE and the paper say gpt-3.5-turbo; the repo's
``gpt_utils.py`` names ``gpt-3.5-turbo-301``). ``specialized`` is a task-specific classifier present for six of
the nine behaviours; on this file its ``ignore`` and ``irrelevant`` labels are identical on every turn (one
relevance classifier for both, apparently).

Item metadata: ``system`` (the bot), ``dialogue`` (the key) and ``turn`` (the index).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from calibration.errors import CodesError
from calibration.human import CodeRecord, HumanCodes, build_codes
from calibration.imports import ImportedJudge, label_judgment, write_imported_run
from calibration.table import read_json
from judges import Judgment, Run, TranscriptMetadata
from prompts import Rubric, load_rubric

RUBRIC = "abc-eval-v1"
"""The shipped rubric the labels are on."""

GPT_JUDGE = ImportedJudge(model="gpt-3.5-turbo", prompt="abc-eval-gpt-paper")
"""ChatGPT with GPT-ABCEval's best per-behaviour prompts (dialogue first, reasoning, then ``Decision: [YES]``)."""

SPECIALIZED_JUDGE = ImportedJudge(model="abc-eval-specialized-classifiers", prompt="abc-eval-specialized")
"""The task-specific classifiers the paper compares ChatGPT with (one per behaviour, six of nine behaviours)."""


def read_abc_eval_codes(path: Path) -> HumanCodes:
    """Read the two human labels per (bot turn, behaviour) as codes on ``abc-eval-v1``.

    Args:
        path: ``behavior-classification-results.json``.

    Returns:
        Codes with coders ``h1`` and ``h2`` (label positions, ``coder_ids="exchangeable"``), one item per bot turn
        (``abc/<dialogue key>/<turn index>``) and item metadata ``system``, ``dialogue`` and ``turn``. A code's
        ``line`` is the 1-based number of its bot turn in file order.

    Raises:
        CodesError: naming the file (and the item) when it is unreadable, a behaviour is unknown, or a label is not
            0 or 1.
    """
    rubric = load_rubric(RUBRIC)
    source = str(path)
    records: list[CodeRecord] = []
    meta: list[tuple[str, str, str, int]] = []
    for number, (item, dialogue, turn, behaviours) in enumerate(_turns(path), start=1):
        meta.append((item, _system(dialogue), dialogue, turn))
        for name, labels in behaviours.items():
            dimension = _dimension(name, rubric, source, item)
            humans = labels.get("human")
            if not isinstance(humans, list):
                raise CodesError(source, number, f"{item} {name!r}: 'human' is not a list of labels ({humans!r})")
            records.extend(
                CodeRecord(item_id=item, dimension=dimension, coder=f"h{position}", value=value, line=number)
                for position, value in enumerate(humans, start=1)
            )
    items = [dict(zip(("item_id", "system", "dialogue", "turn"), row, strict=True)) for row in meta]
    return build_codes(records, rubric, source=source, coder_ids="exchangeable", items=items)


def import_abc_eval(path: Path, *, out_dir: Path, judge: Literal["gpt", "specialized"] = "gpt") -> Run:
    """Write ChatGPT's (or the specialised classifiers') labels as a run on the human codes' item ids.

    Args:
        path: ``behavior-classification-results.json``.
        out_dir: where the run directory is created.
        judge: ``gpt`` (all nine behaviours) or ``specialized`` (only the behaviours it labels).

    Returns:
        The run as read back. Every bot turn is an item of the run; a behaviour the judge did not label on a turn
        has no judgment there.

    Raises:
        CodesError: naming the file when it is unreadable or a behaviour is unknown.
    """
    rubric = load_rubric(RUBRIC)
    source = str(path)
    judgments: list[Judgment] = []
    items: list[str] = []
    metadata: dict[str, TranscriptMetadata] = {}
    for item, dialogue, turn, behaviours in _turns(path):
        items.append(item)
        # crowdworkers chatting live with each bot: interaction-level evidence, coded per bot turn
        metadata[item] = TranscriptMetadata(
            source=source, format="abc-eval", evidence_level="interaction", model=_system(dialogue),
            scaffold="abc-eval-chat", domain="open-domain chat", extra={"dialogue": dialogue, "turn": turn},
        )  # fmt: skip
        for name, labels in behaviours.items():
            if judge not in labels:
                continue
            dimension = rubric.dimension(_dimension(name, rubric, source, item))
            judgments.append(label_judgment(item, dimension, labels[judge]))
    return write_imported_run(
        judgments,
        judge=GPT_JUDGE if judge == "gpt" else SPECIALIZED_JUDGE,
        rubric=rubric,
        rubric_source=RUBRIC,
        sources=[path],
        items=items,
        out_dir=out_dir,
        metadata=metadata,
    )


def _turns(path: Path) -> Iterator[tuple[str, str, int, dict[str, dict[str, object]]]]:
    """Yield ``(item id, dialogue key, turn index, behaviours)`` per bot turn, in file order."""
    source = str(path)
    data = read_json(path)
    if not isinstance(data, dict):
        raise CodesError(source, None, "expected an object mapping dialogue keys to lists of exchanges")
    for dialogue, exchanges in data.items():
        if not isinstance(exchanges, list):
            raise CodesError(source, None, f"dialogue {dialogue!r}: expected a list of exchanges")
        for turn, exchange in enumerate(exchanges):
            item = f"abc/{dialogue}/{turn}"
            behaviours = exchange.get("behaviors") if isinstance(exchange, dict) else None
            if not isinstance(behaviours, dict) or not all(isinstance(v, dict) for v in behaviours.values()):
                raise CodesError(source, None, f"{item}: no 'behaviors' object of label objects")
            yield item, dialogue, turn, behaviours


def _dimension(name: str, rubric: Rubric, source: str, item: str) -> str:
    dimension = name.strip().lower().replace(" ", "_")
    if dimension not in {d.id for d in rubric.dimensions}:
        raise CodesError(source, None, f"{item}: behaviour {name!r} is not in rubric {rubric.name}")
    return dimension


def _system(dialogue: str) -> str:
    # The key is "(<dialogue>,<annotation>)_<bot>"; the bot name may itself contain underscores.
    _, sep, bot = dialogue.partition(")_")
    return bot if sep else dialogue
