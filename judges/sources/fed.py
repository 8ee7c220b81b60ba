"""Reader for FED conversations (``fed_data.json`` of Mehri & Eskenazi, SIGDIAL 2020).

A file is a JSON array of ``{"context", "system", "annotations"}`` records; turn-level records also have a
``response`` (one system turn rated in the context before it). How each transcript is built:

- **Which records**: only the dialogue-level records (no ``response``), the whole conversations that FED rates on
  its dialogue-level qualities (rubric ``fed-dialogue-v1``). Turn-level records are skipped without a problem: each
  repeats a prefix of a conversation that is read whole, and the format has no option to read them. A file with no
  dialogue-level record at all is one problem.
- **Id**: ``fed/dialogue/{k}``, ``k`` being the record's 0-based position in the file's array counted over all
  records, turn-level ones included. ``calibration.readers.fed.read_fed_codes`` gives the human codes of the same
  record the same id, so a judge run on these transcripts aligns with them.
- **Turns**: ``context`` split at each newline; a line starting ``User:`` is a user turn and one starting ``System:`` an
  assistant turn, with the prefix and the surrounding spaces removed. A line with neither prefix makes the record a
  problem (naming the line of the conversation).
- **Metadata**: model ``system`` (``Meena``, ``Mitsuku`` or ``Human``, a person playing the system), scaffold
  ``fed-chat``, evidence level ``interaction``, domain ``open-domain chat``. The annotations are not read: they are
  the human codes, not part of the conversation.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from judges.sources._common import (
    Item,
    RecordError,
    SourceProblem,
    as_mapping,
    guarded,
    req_mapping,
    req_str,
)
from judges.sources._text import SourceText, describe_broken, first_char, walk_array
from judges.types import Role, Transcript, TranscriptMetadata, Turn

FORMAT = "fed"
SCAFFOLD = "fed-chat"
DOMAIN = "open-domain chat"
PREFIXES: tuple[tuple[str, Role], ...] = (("User:", "user"), ("System:", "assistant"))
"""Speaker prefixes of ``context`` lines and the roles they become."""


def read(source: SourceText) -> Iterator[Item]:
    """Read every dialogue-level conversation of a FED file.

    Args:
        source: the file's text.

    Yields:
        A transcript or a problem per dialogue-level record, in file order, then a problem for a syntax error if the
        file stops parsing (the records before it are kept).
    """
    if first_char(source.text) != "[":
        yield SourceProblem(path=source.path, line=None, message="not a FED file: expected a JSON array")
        return
    walk = walk_array(source.text)
    dialogues = 0
    for k, element in enumerate(walk.records):
        line = source.line_of(element.start)
        bad = source.first_bad(element.start, element.end)
        if bad is not None:
            message = f"{source.describe_bad(bad)}; the record starting at line {line} was not read"
            yield SourceProblem(path=source.path, line=source.line_of(bad), message=message)
            continue
        if isinstance(element.value, dict) and "response" in element.value:
            continue
        dialogues += 1
        yield from guarded(source.path, line, partial(_transcript, element.value, k, f"{source.path}:{line}"))
    if walk.broken is not None:
        line, message = describe_broken(source, walk.broken)
        yield SourceProblem(path=source.path, line=line, message=message)
    elif not dialogues:
        message = "no dialogue-level records (records without 'response'); turn-level records are not read"
        yield SourceProblem(path=source.path, line=None, message=message)


def _transcript(value: object, k: int, where: str) -> Transcript:
    record = as_mapping(value, "the record")
    req_mapping(record, "annotations")
    model = req_str(record, "system")
    return Transcript(
        id=f"fed/dialogue/{k}",
        turns=_turns(req_str(record, "context")),
        metadata=TranscriptMetadata(
            source=where,
            format=FORMAT,
            evidence_level="interaction",
            model=model,
            scaffold=SCAFFOLD,
            domain=DOMAIN,
        ),
    )


def _turns(context: str) -> tuple[Turn, ...]:
    turns: list[Turn] = []
    for number, line in enumerate(context.split("\n"), start=1):
        for prefix, role in PREFIXES:
            if line.startswith(prefix):
                turns.append(Turn(index=len(turns), role=role, content=line[len(prefix) :].strip()))
                break
        else:
            known = " or ".join(repr(prefix) for prefix, _ in PREFIXES)
            raise RecordError(f"context line {number} starts with neither {known}: {line[:60]!r}")
    return tuple(turns)
