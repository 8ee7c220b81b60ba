"""File text with line numbers, undecodable bytes located, and JSON decoded record by record.

Files are decoded as UTF-8 with ``surrogateescape``: a byte that is not valid UTF-8 becomes a lone surrogate
(U+DC80..U+DCFF) at its place in the text instead of failing the whole file, so the readers can skip exactly the
record (or JSONL line) that contains it and name its line.

JSON documents (as opposed to JSONL) are decoded one element of the records array at a time with
:meth:`json.JSONDecoder.raw_decode`, which gives each record's start offset, hence its line. A syntax error stops
the walk (there is no safe place to resume), but the records before it are kept.
"""

from __future__ import annotations

import codecs
import json
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from typing import NamedTuple

_DECODER = json.JSONDecoder()
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_BAD_BYTE = re.compile("[\udc80-\udcff]")


class SourceText:
    """One file's text, its line index and the offsets of its undecodable bytes."""

    def __init__(self, path: str, data: bytes) -> None:
        """Decode ``data`` leniently.

        Args:
            path: the file as the caller named it; problems and ``source`` fields use it verbatim.
            data: the raw bytes. A UTF-8 byte order mark is dropped.
        """
        self.path = path
        if data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8) :]
        self.text = data.decode("utf-8", errors="surrogateescape")
        self._line_starts = [0, *(match.end() for match in re.finditer("\n", self.text))]
        self._bad = [match.start() for match in _BAD_BYTE.finditer(self.text)]

    def line_of(self, offset: int) -> int:
        """The 1-based line holding the character at ``offset``."""
        return bisect_right(self._line_starts, offset)

    def first_bad(self, start: int, end: int) -> int | None:
        """Offset of the first undecodable byte in ``text[start:end]``, if any."""
        position = bisect_left(self._bad, start)
        if position < len(self._bad) and self._bad[position] < end:
            return self._bad[position]
        return None

    def describe_bad(self, offset: int) -> str:
        """Words for the undecodable byte at ``offset``: its value and column."""
        byte = ord(self.text[offset]) - 0xDC00
        column = offset - self._line_starts[self.line_of(offset) - 1] + 1
        return f"not valid UTF-8: byte 0x{byte:02x} at column {column}"

    def lines(self) -> Iterator[tuple[int, int, str]]:
        """``(line number, start offset, text)`` for each line, without its newline."""
        ends = [*self._line_starts[1:], len(self.text) + 1]
        for number, (start, end) in enumerate(zip(self._line_starts, ends, strict=True), start=1):
            yield number, start, self.text[start : end - 1]


class Element(NamedTuple):
    """A decoded JSON value and the span of its text."""

    start: int
    end: int
    value: object


class BrokenJSON(NamedTuple):
    """Where a JSON document stopped parsing."""

    error: json.JSONDecodeError
    """The decoder's error (its ``pos`` is an offset into the whole text)."""

    record_start: int | None
    """Start offset of the record the error is inside, when it is inside one."""


class Walk(NamedTuple):
    """A JSON document decoded as far as it parses."""

    fields: dict[str, Element]
    """Top-level members of an object document; the records array's entry has its span but no value."""

    records: list[Element]
    """The records array's elements decoded before any error."""

    found_records: bool
    """Whether the records array was found at all."""

    closed: bool
    """Whether the top-level value was decoded to its end (a syntax error, if any, lies after it)."""

    broken: BrokenJSON | None
    """The syntax error that stopped the walk, if any."""


def first_char(text: str) -> str:
    """The first non-whitespace character of ``text`` (``""`` if none)."""
    position = skip_whitespace(text, 0)
    return text[position : position + 1]


def skip_whitespace(text: str, position: int) -> int:
    """The offset of the first non-JSON-whitespace character at or after ``position``."""
    match = _WHITESPACE.match(text, position)
    return position if match is None else match.end()


def _expect(text: str, position: int, allowed: str) -> str:
    found = text[position : position + 1]
    if not found or found not in allowed:
        wanted = " or ".join(repr(char) for char in allowed)
        raise json.JSONDecodeError(f"Expecting {wanted}", text, position)
    return found


class _Broken(Exception):
    def __init__(self, broken: BrokenJSON) -> None:
        super().__init__(broken.error.msg)
        self.broken = broken


def _array(text: str, position: int, into: list[Element]) -> int:
    """Decode the array at ``position`` element by element into ``into``; return the offset after it.

    Raises:
        _Broken: on a syntax error, carrying the error and the failing element's start (if in an element).
    """
    try:
        _expect(text, position, "[")
    except json.JSONDecodeError as error:
        raise _Broken(BrokenJSON(error, None)) from None
    position = skip_whitespace(text, position + 1)
    if text.startswith("]", position):
        return position + 1
    while True:
        start = position
        try:
            value, position = _DECODER.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise _Broken(BrokenJSON(error, start)) from None
        into.append(Element(start, position, value))
        position = skip_whitespace(text, position)
        try:
            if _expect(text, position, ",]") == "]":
                return position + 1
        except json.JSONDecodeError as error:
            raise _Broken(BrokenJSON(error, None)) from None
        position = skip_whitespace(text, position + 1)


def _end(text: str, position: int) -> BrokenJSON | None:
    position = skip_whitespace(text, position)
    if position != len(text):
        return BrokenJSON(json.JSONDecodeError("Extra data", text, position), None)
    return None


def walk_array(text: str) -> Walk:
    """Decode a document whose top level is the records array."""
    records: list[Element] = []
    try:
        end = _array(text, skip_whitespace(text, 0), records)
    except _Broken as stop:
        return Walk({}, records, True, False, stop.broken)
    return Walk({}, records, True, True, _end(text, end))


def walk_object(text: str, records_key: str) -> Walk:
    """Decode a document whose top level is an object holding the records array under ``records_key``."""
    fields: dict[str, Element] = {}
    records: list[Element] = []
    try:
        end = _members(text, records_key, fields, records)
    except _Broken as stop:
        return Walk(fields, records, records_key in fields, False, stop.broken)
    return Walk(fields, records, records_key in fields, True, _end(text, end))


def _members(text: str, records_key: str, fields: dict[str, Element], records: list[Element]) -> int:
    """Decode the top-level object's members into ``fields`` (the records array into ``records``); return its end.

    The records array is also noted in ``fields``, with its span and no value, so that callers know it was seen.
    """
    position = skip_whitespace(text, 0)
    try:
        _expect(text, position, "{")
        position = skip_whitespace(text, position + 1)
        if text.startswith("}", position):
            return position + 1
        while True:
            _expect(text, position, '"')
            key, position = _DECODER.raw_decode(text, position)
            position = skip_whitespace(text, position)
            _expect(text, position, ":")
            start = skip_whitespace(text, position + 1)
            if key == records_key:
                fields[key] = Element(start, start, None)
                position = _array(text, start, records)
                value: object = None
            else:
                value, position = _DECODER.raw_decode(text, start)
            fields[key] = Element(start, position, value)
            position = skip_whitespace(text, position)
            if _expect(text, position, ",}") == "}":
                return position + 1
            position = skip_whitespace(text, position + 1)
    except json.JSONDecodeError as error:
        raise _Broken(BrokenJSON(error, None)) from None


def describe_broken(source: SourceText, broken: BrokenJSON) -> tuple[int, str]:
    """The line to report a syntax error at and the words for it.

    Inside a record the line is where that record starts (the exact place is in the words); elsewhere it is the
    line of the error itself.
    """
    error = broken.error
    bad = source.first_bad(error.pos, error.pos + 1)
    cause = source.describe_bad(bad) if bad is not None else f"{error.msg} (line {error.lineno}, column {error.colno})"
    if broken.record_start is None:
        return error.lineno, f"invalid JSON: {cause}; the rest of the file was not read"
    return (
        source.line_of(broken.record_start),
        f"invalid JSON in the record starting here: {cause}; this record and the rest of the file were not read",
    )
