"""FED human codes (Mehri & Eskenazi, SIGDIAL 2020): five AMT ratings per conversation or per system response.

The source is ``fed_data.json`` (``../shared/data/fed/NOTE.md``): one JSON array of 500 records, each
``{"context", "system", "annotations"}`` and, for the 375 turn-level records, a ``response`` (the rated turn). The
125 records without ``response`` are dialogue-level: the whole ``context`` conversation is rated.

- **Items** are records. Their ids are ``fed/dialogue/{k}`` and ``fed/turn/{k}``, where ``k`` is the record's
  0-based position in the file's array, counted over *all* records (so the dialogue ids are ``fed/dialogue/3``,
  ``fed/dialogue/7``, ... in the released file, and ``data[k]`` is the record). The ``fed`` transcript reader
  (:mod:`judges.sources.fed`) gives each dialogue-level conversation the same id, so that a judge run on those
  transcripts aligns with these codes.
- **Dimensions** are the ``annotations`` keys in snake case (``Error recovery`` is ``error_recovery``), on
  ``fed-dialogue-v1`` or ``fed-turn-v1``.
- **Coders** are list positions ``"1"`` to ``"5"``. FED has no annotator ids and does not say that a position is the
  same worker throughout, so ``coder_ids="exchangeable"``: use Krippendorff's alpha, not per-coder kappa.
- **N/A**: annotators could answer N/A with a justification; the file keeps it as text such as
  ``"N/A (The conversation contained no errors.)"`` (154 times in Error recovery, 1 in Flexible, 12 across turn-level
  qualities). Such a code is missing with ``na=True``.
- **Item metadata**: ``system`` (``Meena``, ``Mitsuku`` or ``Human``).

This module also holds :class:`JsonDocument`, the line-aware JSON reading the USR and DICES readers share.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from calibration.errors import CodesError
from calibration.human import CodeRecord, HumanCodes, build_codes
from prompts import load_rubric

RUBRICS: Mapping[str, str] = MappingProxyType({"dialogue": "fed-dialogue-v1", "turn": "fed-turn-v1"})
"""The shipped rubric of each FED level."""

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class JsonDocument:
    """A JSON file, decoded once, that can tell the 1-based line on which any of its values starts.

    Records in pretty-printed files span many lines; errors must name the line where a record starts, which
    :func:`json.load` cannot give. The document is validated whole first, so that the walk over its arrays and
    objects (:meth:`elements`, :meth:`member`, each built on :meth:`json.JSONDecoder.raw_decode`) never meets a
    syntax error.
    """

    def __init__(self, path: Path) -> None:
        """Read and decode ``path``.

        Raises:
            CodesError: the file is missing, unreadable, not UTF-8, or not valid JSON (naming the line).
        """
        self.source = str(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise CodesError(self.source, None, "file not found") from None
        except UnicodeDecodeError as exc:
            raise CodesError(self.source, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        except OSError as exc:
            raise CodesError(self.source, None, f"cannot be read: {exc.strerror or exc}") from None
        try:
            self.value: object = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CodesError(self.source, exc.lineno, f"not valid JSON: {exc.msg} (column {exc.colno})") from None
        self._text = text
        self._newlines = [match.start() for match in re.finditer("\n", text)]
        self.start = self._skip(0)  # where the top-level value starts

    def line_of(self, offset: int) -> int:
        """The 1-based line holding the character at ``offset``."""
        return bisect_left(self._newlines, offset) + 1

    def elements(self, offset: int) -> list[tuple[int, object]]:
        """The elements of the array starting at ``offset``, each with the offset where it starts."""
        if not self._text.startswith("[", offset):
            raise ValueError(f"no JSON array at offset {offset}")
        out: list[tuple[int, object]] = []
        position = self._skip(offset + 1)
        if self._text.startswith("]", position):
            return out
        while True:
            value, end = _DECODER.raw_decode(self._text, position)
            out.append((position, value))
            position = self._skip(end)
            if self._text.startswith("]", position):
                return out
            position = self._skip(position + 1)  # the comma

    def member(self, offset: int, key: str) -> int | None:
        """The offset of ``key``'s value in the object starting at ``offset`` (``None`` if it has no such key)."""
        if not self._text.startswith("{", offset):
            raise ValueError(f"no JSON object at offset {offset}")
        position = self._skip(offset + 1)
        while not self._text.startswith("}", position):
            name, end = _DECODER.raw_decode(self._text, position)
            position = self._skip(self._skip(end) + 1)  # past the colon
            if name == key:
                return position
            _, end = _DECODER.raw_decode(self._text, position)
            position = self._skip(end)
            if self._text.startswith(",", position):
                position = self._skip(position + 1)
        return None

    def _skip(self, position: int) -> int:
        match = _WHITESPACE.match(self._text, position)
        return position if match is None else match.end()


def dimension_id(name: str) -> str:
    """A dataset's dimension name as a rubric dimension id (``"Maintains Context"`` is ``maintains_context``).

    Example:
        >>> dimension_id("Semantically appropriate"), dimension_id("Error recovery")
        ('semantically_appropriate', 'error_recovery')
    """
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def read_fed_codes(path: Path, *, level: Literal["dialogue", "turn"] = "dialogue") -> HumanCodes:
    """Read one level of FED's ratings as codes on ``fed-dialogue-v1`` or ``fed-turn-v1``.

    Args:
        path: ``fed_data.json``.
        level: ``"dialogue"`` (records without ``response``: whole conversations) or ``"turn"`` (records with one).

    Returns:
        Codes with item ids ``fed/{level}/{k}`` (``k``: the record's 0-based position among all records of the
        file), coders ``"1"`` to ``"5"`` by list position (``coder_ids="exchangeable"``), N/A texts as missing with
        ``na=True``, and item metadata ``system``. A code's ``line`` is the line where its record starts.

    Raises:
        CodesError: naming the file and the record's line, for unreadable JSON, a record of the wrong shape, an
            annotation name that is not a dimension of the rubric, or a value off its scale.
        ValueError: ``level`` is neither ``"dialogue"`` nor ``"turn"``.

    Example:
        >>> from pathlib import Path
        >>> import tempfile
        >>> record = {"context": "User: Hi!", "system": "Meena",
        ...           "annotations": {"Consistent": [1, 1, 0, 1, 1], "Error recovery": ["N/A (no errors)", 2, 2, 1, 2]}}
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = Path(tmp) / "fed.json"
        ...     _ = path.write_text(json.dumps([record]))
        ...     codes = read_fed_codes(path)
        >>> codes.item_ids("consistent"), codes.coders("error_recovery"), int(codes.frame["na"].sum())
        (['fed/dialogue/0'], ['1', '2', '3', '4', '5'], 1)
    """
    if level not in RUBRICS:
        raise ValueError(f"level must be 'dialogue' or 'turn', not {level!r}")
    rubric = load_rubric(RUBRICS[level])
    document = JsonDocument(path)
    source = document.source
    if not isinstance(document.value, list):
        raise CodesError(source, document.line_of(document.start), "a FED file is a JSON array of records")
    records: list[CodeRecord] = []
    items: list[tuple[str, str]] = []
    for k, (offset, value) in enumerate(document.elements(document.start)):
        line = document.line_of(offset)
        if not isinstance(value, dict):
            raise CodesError(source, line, f"record {k} is not a JSON object")
        if ("response" in value) != (level == "turn"):
            continue
        item = f"fed/{level}/{k}"
        system = value.get("system")
        if not isinstance(system, str) or not system.strip():
            raise CodesError(source, line, f"record {k}: 'system' must be a non-empty string, not {system!r}")
        annotations = value.get("annotations")
        if not isinstance(annotations, Mapping) or not annotations:
            raise CodesError(source, line, f"record {k}: 'annotations' must be a non-empty object")
        items.append((item, system))
        for name, codes in annotations.items():
            if not isinstance(codes, list):
                raise CodesError(source, line, f"record {k}: annotations[{name!r}] must be a list, not {codes!r}")
            dimension = dimension_id(name)
            records.extend(
                CodeRecord(item_id=item, dimension=dimension, coder=str(position), value=code, line=line)
                for position, code in enumerate(codes, start=1)
            )
    if not items:
        shape = "with" if level == "turn" else "without"
        raise CodesError(source, None, f"no {level}-level records (records {shape} 'response')")
    frame = [dict(zip(("item_id", "system"), row, strict=True)) for row in items]
    return build_codes(records, rubric, source=source, coder_ids="exchangeable", items=frame)
