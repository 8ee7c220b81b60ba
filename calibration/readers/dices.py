"""DICES human codes (Aroyo et al., NeurIPS 2023): safety verdicts on the last chatbot turn of adversarial chats.

The sources are JUDGE-BENCH's conversions (``../shared/data/dices/NOTE.md``): a JSON object whose ``instances``
are ``{"id", "instance": {"user_prompt", "response"}, "annotations": {"safety": {"majority_human",
"individual_human_scores"}}}``; the scores are the labels ``"Yes"`` (safe), ``"No"`` (unsafe) and ``"Unsure"``,
coded on ``dices-v1`` (nominal; labels matched case-insensitively).

Three files, three kinds of coders:

- ``dices_350_crowdsourced.json``: 123 ratings per conversation. They carry no rater ids, but the NOTE's position
  check (the per-position "No" rate varies with sd 0.21 across positions against 0.024 after shuffling within items;
  in DICES-350 every rater rated every conversation) shows that position j is the same rater throughout. Coders are
  ``r001`` to ``r123`` by position with ``coder_ids="stable"``. **This is inferred, not documented.**
- ``dices_350_expert.json`` (the file says ``"expert_annotator": "true"``): one rating per conversation, coder
  ``expert``.
- ``dices_990.json``: 69 to 76 ratings per conversation, positions not aligned across items (list lengths differ).
  Coders are positions ``"1"``, ``"2"``, ... with ``coder_ids="exchangeable"``.

Item ids are ``dices/{id}`` for both 350 files: the two share the same 350 ids with identical conversations, so
crowd and expert codes combine item by item. The 990 set numbers its own, different conversations from 0, so its ids
are ``dices/990/{id}``: ``dices/5`` and ``dices/990/5`` are different conversations. The set is told from the file
name (``990`` in it), and a crowd file whose name does not contain ``350`` is treated as positions too.

Item metadata: ``system`` (always ``LaMDA``; the NOTE: every DICES conversation is with LaMDA) and ``majority``
(the file's ``majority_human`` label, kept verbatim).

Because these files are single-line JSON, every record starts on line 1; an off-scale label therefore also names
the instance id and rating position.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from calibration.errors import CodesError
from calibration.human import CodeRecord, CoderIds, HumanCodes, build_codes, canonical_value
from calibration.readers.fed import JsonDocument
from prompts import load_rubric

RUBRIC = "dices-v1"
"""The shipped rubric the verdicts are on."""

DIMENSION = "safety"
"""The one dimension that survives in the JUDGE-BENCH conversion."""

SYSTEM = "LaMDA"
"""The chatbot of every DICES conversation."""


def read_dices_codes(path: Path) -> HumanCodes:
    """Read one DICES file's safety verdicts as codes on ``dices-v1``.

    Args:
        path: ``dices_350_crowdsourced.json``, ``dices_350_expert.json`` or ``dices_990.json``.

    Returns:
        Codes on the dimension ``safety``. Crowd 350: coders ``r001``.. by position, ``coder_ids="stable"``
        (inferred, see the module docstring); expert: coder ``expert``; 990: positions ``"1"``.., ``"exchangeable"``.
        Item ids ``dices/{id}`` (``dices/990/{id}`` for the 990 set); metadata ``system`` and ``majority``. A code's
        ``line`` is the line where its instance starts.

    Raises:
        CodesError: naming the file, line and instance, for unreadable JSON, an instance of the wrong shape, a
            stable-rater file whose rating lists differ in length, or a label that is not Yes, No or Unsure.
    """
    rubric = load_rubric(RUBRIC)
    dimension = rubric.dimension(DIMENSION)
    document = JsonDocument(path)
    source = document.source
    root = document.value
    instances_at = document.member(document.start, "instances") if isinstance(root, dict) else None
    if not isinstance(root, dict) or instances_at is None or not isinstance(root["instances"], list):
        raise CodesError(source, document.line_of(document.start), "a DICES file is an object with 'instances'")
    expert = str(root.get("expert_annotator", "false")).lower() == "true"
    name = path.name.lower()
    prefix = "dices/990/" if "990" in name else "dices/"
    coder_ids: CoderIds = "stable" if expert or (prefix == "dices/" and "350" in name) else "exchangeable"
    records: list[CodeRecord] = []
    items: list[tuple[str, str, object]] = []
    width: int | None = None
    for index, (offset, instance) in enumerate(document.elements(instances_at)):
        line = document.line_of(offset)
        where = f"instance {index}"
        if not isinstance(instance, Mapping) or isinstance(instance.get("id"), bool):
            raise CodesError(source, line, f"{where}: not an object with an 'id'")
        raw_id = instance.get("id")
        if not isinstance(raw_id, int | str) or not str(raw_id).strip():
            raise CodesError(source, line, f"{where}: 'id' must be an integer or a string, not {raw_id!r}")
        item = f"{prefix}{raw_id}"
        where = f"instance {index} (id {raw_id})"
        scores, majority = _safety(instance, source, line, where)
        if expert and len(scores) != 1:
            raise CodesError(source, line, f"{where}: an expert file has one rating per instance, not {len(scores)}")
        if coder_ids == "stable" and not expert:
            if width is not None and len(scores) != width:
                reason = f"{len(scores)} ratings where earlier instances have {width}"
                raise CodesError(source, line, f"{where}: {reason}; positions cannot be the same raters")
            width = len(scores)
        for position, score in enumerate(scores, start=1):
            try:
                canonical_value(score, dimension)
            except ValueError as exc:
                raise CodesError(source, line, f"{where}, rating {position}: {exc}") from None
            coder = "expert" if expert else f"r{position:03d}" if coder_ids == "stable" else str(position)
            records.append(CodeRecord(item_id=item, dimension=DIMENSION, coder=coder, value=score, line=line))
        items.append((item, SYSTEM, majority))
    frame = [dict(zip(("item_id", "system", "majority"), row, strict=True)) for row in items]
    return build_codes(records, rubric, source=source, coder_ids=coder_ids, items=frame)


def _safety(instance: Mapping[str, object], source: str, line: int, where: str) -> tuple[list[object], object]:
    annotations = instance.get("annotations")
    safety = annotations.get(DIMENSION) if isinstance(annotations, Mapping) else None
    if not isinstance(safety, Mapping):
        raise CodesError(source, line, f"{where}: no annotations.safety object")
    scores = safety.get("individual_human_scores")
    if not isinstance(scores, list) or not scores:
        raise CodesError(source, line, f"{where}: annotations.safety.individual_human_scores must be a non-empty list")
    return scores, safety.get("majority_human")
