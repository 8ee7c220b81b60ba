"""Records and helpers shared by the readers: problems, results, typed field access, canonical JSON.

A reader validates every field it takes from a record through the ``req_*``/``opt_*`` accessors below. They raise
:class:`RecordError` with the field's path (``messages[3].role``), which the reader turns into a
:class:`SourceProblem` for that record only.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterator, Mapping
from typing import Annotated, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from judges.types import Transcript


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class SourceProblem(_Frozen):
    """One record (or whole file) that could not be read, and why; the rest of the input is still read."""

    path: str
    """The file, as it was given."""

    line: Annotated[int, Field(ge=1)] | None
    """The 1-based line where the record starts; for an undecodable byte, or a syntax error outside any record,
    the line where it is. ``None`` when the problem concerns the whole file (missing, empty, unrecognised)."""

    message: str
    """What is wrong, naming the field (``messages[3].role: unknown role 'narrator'``)."""

    def __str__(self) -> str:
        """``path:line: message`` (``path: message`` when the problem concerns the whole file)."""
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class ReadResult(_Frozen):
    """What :func:`~judges.sources.read_transcripts` read: the transcripts, and every record it had to leave out."""

    transcripts: tuple[Transcript, ...]
    """The transcripts, in the order of the files and of the records within each file."""

    problems: tuple[SourceProblem, ...]
    """The records (or files) that were not read, in the order they were met."""


class RecordError(Exception):
    """One record (or the file-level part of a file) is unusable; the message names the field and the fault."""


class Parsed(NamedTuple):
    """A transcript read from a file, with the line its record starts on."""

    line: int
    transcript: Transcript


Item = Parsed | SourceProblem
"""What a reader yields, in file order."""


def _problem_from(path: str, line: int | None, error: RecordError | ValidationError) -> SourceProblem:
    """Turn a record-level failure into a :class:`SourceProblem`."""
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        message = f"{where}: {first['msg']}" if where else first["msg"]
    else:
        message = str(error)
    return SourceProblem(path=path, line=line, message=message)


def guarded(path: str, line: int, build: Callable[[], Transcript]) -> Iterator[Item]:
    """Build one record's transcript, yielding it or the problem that stopped it."""
    try:
        transcript = build()
        # The digest encodes every string as UTF-8; a lone surrogate written as a JSON \\u escape fails here, with
        # its line, instead of later in a run.
        _ = transcript.digest
    except (RecordError, ValidationError) as error:
        yield _problem_from(path, line, error)
    except UnicodeEncodeError:
        yield SourceProblem(path=path, line=line, message="contains a lone surrogate escape, which is not valid text")
    else:
        yield Parsed(line, transcript)


def json_type(value: object) -> str:
    """The JSON name of a decoded value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def child(parent: str, key: str) -> str:
    """The path of ``key`` inside ``parent`` (``info.agent_info``)."""
    return f"{parent}.{key}" if parent else key


def as_mapping(value: object, path: str) -> Mapping[str, object]:
    """``value`` as a JSON object, or a :class:`RecordError` naming ``path``."""
    if not isinstance(value, dict):
        raise RecordError(f"{path} must be an object, not {json_type(value)}")
    return value


def _field(record: Mapping[str, object], key: str, parent: str) -> object:
    if key not in record:
        raise RecordError(f"{child(parent, key)} is missing")
    return record[key]


def req_str(record: Mapping[str, object], key: str, parent: str = "") -> str:
    """A required, non-blank string field."""
    value = _field(record, key, parent)
    if not isinstance(value, str):
        raise RecordError(f"{child(parent, key)} must be a string, not {json_type(value)}")
    if not value.strip():
        raise RecordError(f"{child(parent, key)} is empty")
    return value


def opt_str(record: Mapping[str, object], key: str, parent: str = "") -> str | None:
    """An optional string field (absent or ``null``: ``None``)."""
    value = record.get(key)
    if value is None or isinstance(value, str):
        return value
    raise RecordError(f"{child(parent, key)} must be a string, not {json_type(value)}")


def _as_key(value: object, path: str) -> str:
    # Ids stay text: a JSON string "00123" is kept as written; only a JSON integer is converted.
    if isinstance(value, str):
        if not value.strip():
            raise RecordError(f"{path} is empty")
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise RecordError(f"{path} must be a string or an integer, not {json_type(value)}")


def req_key(record: Mapping[str, object], key: str, parent: str = "") -> str:
    """A required identifier: a non-blank string as written, or an integer as its decimal text."""
    return _as_key(_field(record, key, parent), child(parent, key))


def opt_key(record: Mapping[str, object], key: str, parent: str = "") -> str | None:
    """An optional identifier (absent or ``null``: ``None``)."""
    value = record.get(key)
    return None if value is None else _as_key(value, child(parent, key))


def req_int(record: Mapping[str, object], key: str, parent: str = "") -> int:
    """A required integer field (booleans are not integers here)."""
    value = _field(record, key, parent)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise RecordError(f"{child(parent, key)} must be an integer, not {json_type(value)}")


def opt_number(record: Mapping[str, object], key: str, parent: str = "") -> float | None:
    """An optional finite number (absent or ``null``: ``None``)."""
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RecordError(f"{child(parent, key)} must be a number, not {json_type(value)}")
    if not math.isfinite(value):
        raise RecordError(f"{child(parent, key)} must be a finite number, not {value}")
    return float(value)


def req_number(record: Mapping[str, object], key: str, parent: str = "") -> float:
    """A required finite number."""
    value = opt_number(record, key, parent)
    if value is None:
        raise RecordError(f"{child(parent, key)} is missing" if key not in record else f"{child(parent, key)} is null")
    return value


def req_list(record: Mapping[str, object], key: str, parent: str = "") -> list[object]:
    """A required, non-empty array field."""
    value = _field(record, key, parent)
    if not isinstance(value, list):
        raise RecordError(f"{child(parent, key)} must be an array, not {json_type(value)}")
    if not value:
        raise RecordError(f"{child(parent, key)} is empty")
    return value


def req_mapping(record: Mapping[str, object], key: str, parent: str = "") -> Mapping[str, object]:
    """A required object field."""
    return as_mapping(_field(record, key, parent), child(parent, key))


def opt_mapping(record: Mapping[str, object], key: str, parent: str = "") -> Mapping[str, object] | None:
    """An optional object field (absent or ``null``: ``None``)."""
    value = record.get(key)
    return None if value is None else as_mapping(value, child(parent, key))


def canonical_arguments(value: object) -> str:
    """Tool-call arguments given as a JSON value, as stable JSON text (sorted keys, readable separators)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def scaffold_digest(system_prompt: str, tools: object = None) -> str:
    """``sha256:<hex>`` over the canonical JSON of the scaffold's system prompt and tool definitions.

    Args:
        system_prompt: the instructions the agent saw (the benchmark's policy text).
        tools: the tool definitions as decoded JSON, when the source records them.

    Returns:
        The digest; equal scaffolds give equal digests whichever file they were read from.
    """
    payload = json.dumps(
        {"system_prompt": system_prompt, "tools": tools}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()
