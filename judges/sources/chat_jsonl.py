"""Reader for chat JSONL: one conversation per line, OpenAI-style messages.

Each non-blank line is ``{"id": ..., "messages": [...], "metadata": {...}}`` (``metadata`` optional); any other
top-level field is a problem, so that a misspelt ``metdata`` cannot silently drop the evidence level. Message
rules are those of :mod:`judges.sources._messages`.

Metadata keys ``model``, ``scaffold``, ``scaffold_digest``, ``domain``, ``task_id``, ``outcome`` and
``evidence_level`` fill the :class:`~judges.types.TranscriptMetadata` fields of those names (``evidence_level``
absent or null means ``"interaction"``). Other keys go to ``extra``: scalars as they are, arrays and objects as
canonical JSON text. A line that is not valid UTF-8 or not valid JSON is a problem for that line only.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import partial
from typing import get_args

from judges.sources._common import (
    Item,
    RecordError,
    SourceProblem,
    canonical_arguments,
    guarded,
    json_type,
    opt_key,
    opt_mapping,
    opt_number,
    opt_str,
    req_key,
    req_list,
)
from judges.sources._messages import openai_turns
from judges.sources._text import SourceText
from judges.types import EvidenceLevel, MetadataValue, Transcript, TranscriptMetadata

FORMAT = "chat-jsonl"

_FIELDS = frozenset({"id", "messages", "metadata"})
_TEXT_METADATA = ("model", "scaffold", "scaffold_digest", "domain")
_KNOWN_METADATA = frozenset({*_TEXT_METADATA, "task_id", "outcome", "evidence_level"})
_EVIDENCE_LEVELS: tuple[EvidenceLevel, ...] = get_args(EvidenceLevel)


def read(source: SourceText) -> Iterator[Item]:
    """Read every line of a chat JSONL file.

    Args:
        source: the file's text.

    Yields:
        A transcript or a problem per non-blank line, in file order.
    """
    for number, start, line in source.lines():
        if not line.strip():
            continue
        bad = source.first_bad(start, start + len(line))
        if bad is not None:
            yield SourceProblem(path=source.path, line=number, message=source.describe_bad(bad))
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            message = f"invalid JSON: {error.msg} (column {error.colno})"
            yield SourceProblem(path=source.path, line=number, message=message)
            continue
        yield from guarded(source.path, number, partial(_transcript, record, f"{source.path}:{number}"))


def _transcript(value: object, where: str) -> Transcript:
    if not isinstance(value, dict):
        raise RecordError(f"a record must be a JSON object, not {json_type(value)}")
    record: Mapping[str, object] = value
    unknown = sorted(set(record) - _FIELDS)
    if unknown:
        names = ", ".join(repr(name) for name in unknown)
        raise RecordError(f"unknown field(s) {names}; a record has id, messages and metadata")
    transcript_id = req_key(record, "id")
    turns = openai_turns(req_list(record, "messages"), "messages")
    return Transcript(id=transcript_id, turns=turns, metadata=_metadata(opt_mapping(record, "metadata"), where))


def _metadata(raw: Mapping[str, object] | None, where: str) -> TranscriptMetadata:
    fields = {} if raw is None else raw
    wanted = fields.get("evidence_level")
    if wanted is None:
        wanted = "interaction"
    levels = [name for name in _EVIDENCE_LEVELS if name == wanted]
    if not levels:
        allowed = ", ".join(repr(name) for name in _EVIDENCE_LEVELS)
        raise RecordError(f"metadata.evidence_level must be one of {allowed}, not {wanted!r}")
    extra: dict[str, MetadataValue] = {}
    for key, value in fields.items():
        if key in _KNOWN_METADATA:
            continue
        if value is None or isinstance(value, str | int | float | bool):
            extra[key] = value
        else:
            extra[key] = canonical_arguments(value)
    text = {key: opt_str(fields, key, "metadata") for key in _TEXT_METADATA}
    return TranscriptMetadata(
        source=where,
        format=FORMAT,
        evidence_level=levels[0],
        model=text["model"],
        scaffold=text["scaffold"],
        scaffold_digest=text["scaffold_digest"],
        domain=text["domain"],
        task_id=opt_key(fields, "task_id", "metadata"),
        outcome=opt_number(fields, "outcome", "metadata"),
        extra=extra,
    )
