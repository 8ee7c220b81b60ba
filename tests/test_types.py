"""Transcript and judgment records: rendering, invariants."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from judges import Judgment, ToolCall, Transcript, TranscriptMetadata, Turn

META = TranscriptMetadata(source="t.jsonl:1", format="chat-jsonl", evidence_level="interaction")


def test_tool_call_with_null_content_renders_as_the_call() -> None:
    turn = Turn(index=1, role="assistant", content=None, tool_calls=(ToolCall(name="get_user", arguments='{"id": 7}'),))
    assert turn.render() == '[1] assistant calls get_user({"id": 7})'
    assert "None" not in turn.render()


def test_turn_needs_content_or_calls_and_transcript_needs_order() -> None:
    with pytest.raises(ValidationError, match="neither content nor tool calls"):
        Turn(index=0, role="assistant")
    with pytest.raises(ValidationError, match="position 0 has index 1"):
        Transcript(id="x", turns=(Turn(index=1, role="user", content="hi"),), metadata=META)


def test_id_stays_a_string_and_digest_tracks_content() -> None:
    a = Transcript(id="00123", turns=(Turn(index=0, role="user", content="hi"),), metadata=META)
    b = Transcript(id="00123", turns=(Turn(index=0, role="user", content="hi!"),), metadata=META)
    assert a.id == "00123"
    assert a.digest != b.digest
    assert a.digest == Transcript.model_validate_json(a.model_dump_json()).digest
    with pytest.raises(ValidationError):
        a.id = "1"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("fields", "ok"),
    [
        ({"status": "ok", "level": 2}, True),
        ({"status": "ok", "not_applicable": True}, True),
        ({"status": "ok"}, False),
        ({"status": "ok", "level": 1, "not_applicable": True}, False),
        ({"status": "too_long"}, True),
        ({"status": "too_long", "level": 0}, False),
        ({"status": "parse_error", "not_applicable": True}, False),
        ({"status": "exploded"}, False),
    ],
)
def test_judgment_is_a_level_or_na_or_a_typed_failure(fields: dict[str, object], ok: bool) -> None:
    base = {"transcript_id": "t", "dimension": "d"}
    if ok:
        Judgment.model_validate(base | fields)
    else:
        with pytest.raises(ValidationError):
            Judgment.model_validate(base | fields)


def test_digest_ignores_where_the_file_was_read_from() -> None:
    turns = (Turn(index=0, role="user", content="hi"),)
    here = Transcript(id="a", turns=turns, metadata=META)
    moved = Transcript(id="a", turns=turns, metadata=META.model_copy(update={"source": "/elsewhere/t.jsonl:1"}))
    other_model = Transcript(id="a", turns=turns, metadata=META.model_copy(update={"model": "m2"}))
    assert here.digest == moved.digest != other_model.digest
