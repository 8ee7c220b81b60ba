"""Format detection and the one entry point that reads many files into one checked transcript set."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from os import PathLike
from pathlib import Path
from types import MappingProxyType

from judges.errors import SourceError
from judges.sources import chat_jsonl, fed, tau2_bench, tau_bench
from judges.sources._common import Item, ReadResult, SourceProblem
from judges.sources._text import SourceText, skip_whitespace
from judges.types import Transcript

FORMATS: tuple[str, ...] = ("chat-jsonl", "tau-bench", "tau2-bench", "fed")
"""The transcript formats :func:`read_transcripts` understands, by name."""

_READERS: Mapping[str, Callable[[SourceText], Iterator[Item]]] = MappingProxyType(
    {
        chat_jsonl.FORMAT: chat_jsonl.read,
        tau_bench.FORMAT: tau_bench.read,
        tau2_bench.FORMAT: tau2_bench.read,
        fed.FORMAT: fed.read,
    }
)
_JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
_TAU2_MEMBER = re.compile(r'"simulations"\s*:\s*\[')  # outside a string; quotes inside strings are escaped
_DECODER = json.JSONDecoder()


def detect_format(path: str | Path) -> str:
    """Name the format of a transcript file from its extension and a look at its content.

    ``.jsonl``/``.ndjson`` files are chat JSONL. Otherwise a JSON array whose first element has ``traj`` is
    τ-bench, one whose first element has ``context`` and ``annotations`` is FED, an object with a ``simulations``
    array is τ²-bench, and a file whose first line is an object with ``messages`` is chat JSONL.

    Args:
        path: the file.

    Returns:
        One of :data:`FORMATS`.

    Raises:
        SourceError: the file cannot be read, is empty, or matches no format.
    """
    label = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise SourceError(label, None, _os_reason(error)) from error
    return _sniff(SourceText(label, data))


def _sniff(source: SourceText) -> str:
    text = source.text
    if not text.strip():
        raise SourceError(source.path, None, "empty file; its format cannot be detected")
    if Path(source.path).suffix.lower() in _JSONL_SUFFIXES:
        return chat_jsonl.FORMAT
    start = skip_whitespace(text, 0)
    head = text[start : start + 1]
    if head == "[":
        first = _first_element(text, skip_whitespace(text, start + 1))
        if isinstance(first, dict) and "traj" in first:
            return tau_bench.FORMAT
        if isinstance(first, dict) and "context" in first and "annotations" in first:
            return fed.FORMAT
        if isinstance(first, dict) and "messages" in first:
            raise SourceError(source.path, None, "a JSON array of chat records: write one record per line (chat JSONL)")
    elif head == "{":
        line_end = text.find("\n", start)
        try:
            first_line = json.loads(text[start : None if line_end < 0 else line_end])
        except json.JSONDecodeError:
            first_line = None
        if isinstance(first_line, dict) and "messages" in first_line:
            return chat_jsonl.FORMAT
        if _TAU2_MEMBER.search(text):
            return tau2_bench.FORMAT
    expected = ", ".join(FORMATS)
    raise SourceError(source.path, None, f"cannot detect the format (one of {expected}); name it explicitly")


def _first_element(text: str, position: int) -> object:
    try:
        value, _ = _DECODER.raw_decode(text, position)
    except json.JSONDecodeError:
        return None
    return value


def _os_reason(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "file not found"
    if isinstance(error, IsADirectoryError):
        return "is a directory, not a file"
    if isinstance(error, PermissionError):
        return "permission denied"
    return f"cannot be read: {error.strerror or error}"


def read_transcripts(paths: Sequence[str | Path], *, format: str = "auto") -> ReadResult:
    """Read transcripts from files, keeping every good record and reporting every bad one.

    A bad record or file never raises. An unknown role, a malformed or undecodable line, a missing field, an
    empty or missing file, or a transcript id already read (in this file or an earlier one) each become a
    :class:`SourceProblem` naming the file and the 1-based line. Reading then continues. For duplicates, the first
    occurrence is kept.

    Args:
        paths: the files, read in this order.
        format: one of :data:`FORMATS`, or ``"auto"`` to detect each file's format (see :func:`detect_format`).

    Returns:
        The transcripts in file and record order, and the problems in the order they were met.

    Raises:
        TypeError: ``paths`` is a single path rather than a sequence of them.
        ValueError: ``format`` is neither ``"auto"`` nor one of :data:`FORMATS`.
    """
    if isinstance(paths, str | bytes | PathLike):
        raise TypeError("paths must be a sequence of paths, not a single path")
    if format != "auto" and format not in _READERS:
        raise ValueError(f"unknown transcript format {format!r}; expected 'auto' or one of {', '.join(FORMATS)}")
    transcripts: list[Transcript] = []
    problems: list[SourceProblem] = []
    first_seen: dict[str, str] = {}
    for path in paths:
        for item in _read_file(path, format):
            if isinstance(item, SourceProblem):
                problems.append(item)
                continue
            transcript = item.transcript
            if transcript.id in first_seen:
                message = f"duplicate transcript id {transcript.id!r}; first read at {first_seen[transcript.id]}"
                problems.append(SourceProblem(path=str(path), line=item.line, message=message))
                continue
            first_seen[transcript.id] = transcript.metadata.source
            transcripts.append(transcript)
    return ReadResult(transcripts=tuple(transcripts), problems=tuple(problems))


def _read_file(path: str | Path, format: str) -> Iterator[Item]:
    label = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        yield SourceProblem(path=label, line=None, message=_os_reason(error))
        return
    source = SourceText(label, data)
    if not source.text.strip():
        yield SourceProblem(path=label, line=None, message="empty file: no records")
        return
    if format == "auto":
        try:
            format = _sniff(source)
        except SourceError as error:
            yield SourceProblem(path=label, line=error.line, message=error.reason)
            return
    yield from _READERS[format](source)
