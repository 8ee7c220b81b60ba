"""SQuALITY human evaluation (Wang et al., EMNLP 2022): story-question summaries rated 0-100 by named workers.

The source is ``human-eval/all-responses.jsonl`` (``../shared/data/squality/NOTE.md``): one JSON object per line and
story, ``{"passage-id", "questions": {"0".."4": {"bart" | "bart-dpr" | "human": {"response", "reviews",
"overall"}}}}``. Each of the three reviews of a response has a ``worker_id`` and the ratings
``correctness-rating``, ``selection-rating`` and ``overall-rating``, coded on ``squality-v1``.

- **Items** are responses: ``squality/{passage-id}/{question key}/{system}``, e.g. ``squality/50827/0/bart-dpr``.
  The question key is the file's (0-based); it is question ``question_number == key + 1`` of the story in
  ``v1_test_passages_in_human_eval.jsonl``.
- **Coders** are the ``worker_id`` values (``"2"``, ``"3"``, ``"6"``, ``"8"``), stable across items
  (``coder_ids="stable"``).
- **Scale**: the ratings run 0-100 in the file, although the documentation says 1-100 (0 occurs 159 times); the
  rubric's interval scale has all 101 values.
- The per-response means under ``overall``, the ranks and the span comments are not codes and are not read.
- **Item metadata**: ``system`` (``bart``, ``bart-dpr``, ``human``), ``passage`` and ``question``.

A code's ``line`` is the JSONL line of its story.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from calibration.errors import CodesError
from calibration.human import CodeRecord, HumanCodes, build_codes
from prompts import load_rubric

RUBRIC = "squality-v1"
"""The shipped rubric the ratings are on."""

RATINGS: Mapping[str, str] = MappingProxyType(
    {"correctness-rating": "correctness", "selection-rating": "selection", "overall-rating": "overall"}
)
"""The review fields read, and the rubric dimension each one codes."""


def read_squality_codes(path: Path) -> HumanCodes:
    """Read SQuALITY's human-evaluation ratings as codes on ``squality-v1``.

    Args:
        path: ``all-responses.jsonl``.

    Returns:
        Codes with item ids ``squality/{passage-id}/{question key}/{system}``, the worker ids as coders
        (``coder_ids="stable"``) and item metadata ``system``, ``passage`` and ``question``. A code's ``line`` is the
        line of its story.

    Raises:
        CodesError: naming the file and line, for an unreadable file or line, a story, response or review of the
            wrong shape, a review whose ``system`` differs from the response it sits under, a repeated worker on one
            response, or a rating off the 0-100 scale.
    """
    rubric = load_rubric(RUBRIC)
    source = str(path)
    records: list[CodeRecord] = []
    items: list[tuple[str, str, str, str]] = []
    for line, story in _stories(path):
        passage = story.get("passage-id")
        if not isinstance(passage, str | int) or isinstance(passage, bool) or not str(passage).strip():
            raise CodesError(source, line, f"'passage-id' must be a string or an integer, not {passage!r}")
        questions = story.get("questions")
        if not isinstance(questions, Mapping) or not questions:
            raise CodesError(source, line, f"story {passage}: 'questions' must be a non-empty object")
        for question, systems in questions.items():
            if not isinstance(systems, Mapping):
                raise CodesError(source, line, f"story {passage}, question {question}: not an object of systems")
            for system, response in systems.items():
                item = f"squality/{passage}/{question}/{system}"
                reviews = response.get("reviews") if isinstance(response, Mapping) else None
                if not isinstance(reviews, list) or not reviews:
                    raise CodesError(source, line, f"{item}: 'reviews' must be a non-empty list")
                items.append((item, str(system), str(passage), str(question)))
                for review in reviews:
                    records.extend(_review(review, item, system, source, line))
    frame = [dict(zip(("item_id", "system", "passage", "question"), row, strict=True)) for row in items]
    return build_codes(records, rubric, source=source, coder_ids="stable", items=frame)


def _stories(path: Path) -> list[tuple[int, Mapping[str, object]]]:
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CodesError(source, None, "file not found") from None
    except UnicodeDecodeError as exc:
        raise CodesError(source, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise CodesError(source, None, f"cannot be read: {exc.strerror or exc}") from None
    stories: list[tuple[int, Mapping[str, object]]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            story = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CodesError(source, number, f"not valid JSON: {exc.msg} (column {exc.colno})") from None
        if not isinstance(story, dict):
            raise CodesError(source, number, "each line must be a JSON object (one story)")
        stories.append((number, story))
    if not stories:
        raise CodesError(source, None, "no stories: the file is empty")
    return stories


def _review(review: object, item: str, system: str, source: str, line: int) -> list[CodeRecord]:
    if not isinstance(review, Mapping):
        raise CodesError(source, line, f"{item}: a review must be a JSON object")
    worker = review.get("worker_id")
    if not isinstance(worker, str | int) or isinstance(worker, bool) or not str(worker).strip():
        raise CodesError(source, line, f"{item}: 'worker_id' must be a string or an integer, not {worker!r}")
    if review.get("system", system) != system:
        raise CodesError(source, line, f"{item}: a review of system {review.get('system')!r} filed under {system!r}")
    codes = []
    for field, dimension in RATINGS.items():
        if field not in review:
            raise CodesError(source, line, f"{item}: worker {worker}'s review has no {field!r}")
        codes.append(CodeRecord(item_id=item, dimension=dimension, coder=worker, value=review[field], line=line))
    return codes
