"""USR human codes (Mehri & Eskenazi, ACL 2020): three named annotators rate candidate responses on six qualities.

The sources are the USR releases ``usr_topical_chat.json`` (Topical-Chat, 60 contexts x 6 responses) and
``usr_persona_chat.json`` (PersonaChat, 60 x 5), see ``../shared/data/usr/NOTE.md``. Each file is a JSON array of
contexts ``{"context", "fact", "annotators", "responses"}``; each response carries its ``model`` and one list of
scores per quality, in the order of the context's ``annotators``.

- **Items** are responses: ``usr/{corpus}/{context index}/{response index}`` (0-based positions in the file), where
  ``corpus`` is ``tc`` (Topical-Chat) or ``pc`` (PersonaChat), decided from the file name, so that the two corpora's
  items never share an id.
- **Dimensions** are the quality names in snake case (``Maintains Context`` is ``maintains_context``) on ``usr-v1``.
- **Coders** are the annotator ids (``sm``, ``me``, ``er``, ``fl``, ``yf``; ``shikib``, ``maxine``, ``mckenna``,
  ``yulan``), stable across items (``coder_ids="stable"``): each names one person, so per-coder kappa is meaningful.
- **Item metadata**: ``system`` (the response's ``model``) and ``corpus``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from calibration.errors import CodesError
from calibration.human import CodeRecord, HumanCodes, build_codes
from calibration.readers.fed import JsonDocument, dimension_id
from prompts import load_rubric

RUBRIC = "usr-v1"
"""The shipped rubric the ratings are on."""

_NOT_SCORES = frozenset({"response", "model"})
_TOPICAL = re.compile(r"topical|(?:^|[^a-z])tc(?:[^a-z]|$)")
_PERSONA = re.compile(r"persona|percona|(?:^|[^a-z])pc(?:[^a-z]|$)")


def usr_corpus(path: Path) -> Literal["tc", "pc"]:
    """The USR corpus a file holds, from its name: ``tc`` (Topical-Chat) or ``pc`` (PersonaChat).

    Names containing ``topical`` or a separate ``tc`` (``tc_usr_data.json``) are Topical-Chat; ``persona``, the
    release's own misspelling ``percona``, or a separate ``pc`` are PersonaChat.

    Raises:
        CodesError: the name says neither, or both.

    Example:
        >>> usr_corpus(Path("usr_topical_chat.json")), usr_corpus(Path("pc_usr_data.json"))
        ('tc', 'pc')
    """
    name = path.name.lower()
    topical, persona = bool(_TOPICAL.search(name)), bool(_PERSONA.search(name))
    if topical == persona:
        reason = "cannot tell the USR corpus from the file name: it must contain 'topical' (or 'tc') or 'persona'"
        raise CodesError(str(path), None, f"{reason} (or 'pc'), and not both")
    return "tc" if topical else "pc"


def read_usr_codes(path: Path) -> HumanCodes:
    """Read one USR file's ratings as codes on ``usr-v1``.

    Args:
        path: ``usr_topical_chat.json`` or ``usr_persona_chat.json`` (the corpus comes from the name, see
            :func:`usr_corpus`).

    Returns:
        Codes with item ids ``usr/{tc|pc}/{context index}/{response index}``, the annotator ids as coders
        (``coder_ids="stable"``) and item metadata ``system`` and ``corpus``. A code's ``line`` is the line where
        its response object starts.

    Raises:
        CodesError: naming the file and line, for unreadable JSON, a context or response of the wrong shape, a score
            list whose length differs from the number of annotators, an unknown quality, or a value off its scale.
    """
    corpus = usr_corpus(path)
    rubric = load_rubric(RUBRIC)
    document = JsonDocument(path)
    source = document.source
    if not isinstance(document.value, list):
        raise CodesError(source, document.line_of(document.start), "a USR file is a JSON array of contexts")
    records: list[CodeRecord] = []
    items: list[tuple[str, str, str]] = []
    for c, (offset, context) in enumerate(document.elements(document.start)):
        line = document.line_of(offset)
        if not isinstance(context, dict):
            raise CodesError(source, line, f"context {c} is not a JSON object")
        annotators = context.get("annotators")
        if not isinstance(annotators, list) or not annotators or not all(isinstance(a, str) for a in annotators):
            raise CodesError(source, line, f"context {c}: 'annotators' must be a non-empty list of ids")
        responses_at = document.member(offset, "responses")
        if responses_at is None or not isinstance(context.get("responses"), list):
            raise CodesError(source, line, f"context {c}: 'responses' must be a list")
        for r, (response_at, response) in enumerate(document.elements(responses_at)):
            line = document.line_of(response_at)
            item = f"usr/{corpus}/{c}/{r}"
            if not isinstance(response, Mapping):
                raise CodesError(source, line, f"{item}: a response must be a JSON object")
            model = response.get("model")
            if not isinstance(model, str) or not model.strip():
                raise CodesError(source, line, f"{item}: 'model' must be a non-empty string, not {model!r}")
            items.append((item, model, corpus))
            for name, scores in response.items():
                if name in _NOT_SCORES:
                    continue
                if not isinstance(scores, list) or len(scores) != len(annotators):
                    reason = f"{name!r} must list one score per annotator {annotators}, got {scores!r}"
                    raise CodesError(source, line, f"{item}: {reason}")
                dimension = dimension_id(name)
                records.extend(
                    CodeRecord(item_id=item, dimension=dimension, coder=coder, value=score, line=line)
                    for coder, score in zip(annotators, scores, strict=True)
                )
    frame = [dict(zip(("item_id", "system", "corpus"), row, strict=True)) for row in items]
    return build_codes(records, rubric, source=source, coder_ids="stable", items=frame)
