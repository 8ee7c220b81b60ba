"""Transcript readers: the real τ files, the bundled subset, and every way an input can be bad.

Expected line numbers are computed from the fixture text independently of the readers (``_line``), and problems
are matched on their exact line and the key words of their message.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import get_args

import pytest

from judges.errors import SourceError
from judges.sources import FORMATS, ROLE_ALIASES, ReadResult, SourceProblem, detect_format, read_transcripts
from judges.types import Role, Transcript

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "sources"
CHAT = FIXTURES / "chat.jsonl"
TAU = FIXTURES / "gpt-4o-airline.tiny.json"
TAU2 = FIXTURES / "tau2-telecom.tiny.json"
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
BUNDLED = Path(__file__).resolve().parents[1] / "data" / "tau2-airline"
FT_MODEL = "ft:gpt-4.1-2025-04-14:sierra:tau2-full-sft:BzrYdMNm"

# τ²-bench files of ../shared/data/tau2_bench/simulations: (simulations, reward=1 count, agent model), per its NOTE.
TAU2_FILES = {
    "gpt-4.1_airline.json": (20, 10, "gpt-4.1"),
    "ft-gpt-4.1-sft_airline.json": (20, 13, FT_MODEL),
    "gpt-4.1_retail.json": (40, 34, "gpt-4.1"),
    "ft-gpt-4.1-sft_retail.json": (40, 34, FT_MODEL),
    "gpt-4.1_telecom.json": (40, 18, "gpt-4.1"),
    "ft-gpt-4.1-sft_telecom.json": (40, 30, FT_MODEL),
}


def _line(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the ``occurrence``-th ``needle`` in ``text``."""
    at = -1
    for _ in range(occurrence):
        at = text.index(needle, at + 1)
    return text.count("\n", 0, at) + 1


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _jsonl(path: Path, *records: object) -> Path:
    return _write(path, "".join(json.dumps(record) + "\n" for record in records))


def _chat(record_id: object, *messages: dict[str, object], **metadata: object) -> dict[str, object]:
    record: dict[str, object] = {"id": record_id, "messages": list(messages) or [{"role": "user", "content": "hi"}]}
    if metadata:
        record["metadata"] = metadata
    return record


def _only_problem(result: ReadResult) -> SourceProblem:
    assert len(result.problems) == 1, [str(p) for p in result.problems]
    return result.problems[0]


def _no_none_calls(transcript: Transcript) -> None:
    """A tool-calling turn renders its calls; a null content is never written out as ``None``."""
    for turn in transcript.turns:
        if turn.tool_calls and turn.content is None:
            rendered = turn.render()
            assert "None" not in rendered, rendered
            assert rendered.startswith(f"[{turn.index}] {turn.role} calls {turn.tool_calls[0].name}(")


# --- surface -------------------------------------------------------------------------------------------------------


def test_all_is_sorted_and_complete() -> None:
    import judges.sources as sources

    def key(name: str) -> tuple[int, str]:
        return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)

    assert sources.__all__ == sorted(sources.__all__, key=key)
    public = {name for name in vars(sources) if not name.startswith("_")}
    modules = {"chat_jsonl", "fed", "tau_bench", "tau2_bench"}
    assert public - modules == set(sources.__all__)
    assert FORMATS == ("chat-jsonl", "tau-bench", "tau2-bench", "fed")


def test_role_aliases_is_one_read_only_table() -> None:
    assert set(ROLE_ALIASES.values()) == set(get_args(Role))
    assert all(name == name.lower() for name in ROLE_ALIASES)
    expected = {"human": "user", "gpt": "assistant", "bot": "assistant", "model": "assistant", "ai": "assistant"}
    expected |= {"developer": "system", "function": "tool", "ipython": "tool"}
    assert {name: ROLE_ALIASES[name] for name in expected} == expected
    with pytest.raises(TypeError):
        ROLE_ALIASES["narrator"] = "user"  # type: ignore[index]


def test_problem_str_names_file_and_line() -> None:
    assert str(SourceProblem(path="a.jsonl", line=3, message="bad")) == "a.jsonl:3: bad"
    assert str(SourceProblem(path="a.jsonl", line=None, message="file not found")) == "a.jsonl: file not found"


def test_single_path_and_unknown_format_are_caller_errors() -> None:
    with pytest.raises(TypeError, match="sequence of paths"):
        read_transcripts(str(CHAT))
    with pytest.raises(ValueError, match="unknown transcript format 'sharegpt'"):
        read_transcripts([CHAT], format="sharegpt")


# --- chat JSONL ----------------------------------------------------------------------------------------------------


def test_chat_fixture_reads_ids_turns_and_metadata() -> None:
    result = read_transcripts([CHAT])
    assert result.problems == ()
    first, second = result.transcripts
    assert [first.id, second.id] == ["00123", "7"]  # a JSON string id keeps its zeros; a JSON integer becomes text
    assert first.metadata.source == f"{CHAT}:1"
    assert second.metadata.source == f"{CHAT}:3"  # line 2 is blank and skipped
    assert first.turns[1].content == "Cancel booking ABC123.\nThanks!"  # list of text parts, joined
    meta = first.metadata
    assert (meta.format, meta.model, meta.scaffold, meta.domain) == ("chat-jsonl", "gpt-4o", "travel-bot/v2", "travel")
    assert (meta.task_id, meta.outcome, meta.evidence_level) == ("17", 1.0, "deployment")
    assert meta.extra == {"rater": "anon-4", "tags": '["refund", "short"]', "score": 0.5, "flagged": False}
    assert second.metadata.evidence_level == "interaction"  # the default for chat JSONL
    assert second.metadata.model is None


def test_chat_tool_call_with_null_content_renders_as_the_call() -> None:
    transcript = read_transcripts([CHAT]).transcripts[0]
    call_turn = transcript.turns[2]
    assert call_turn.content is None
    assert call_turn.render() == '[2] assistant calls cancel_booking({"booking_id": "ABC123"})'
    assert call_turn.tool_calls[0].id == "call_1"
    result = transcript.turns[3]
    assert (result.role, result.tool_call_id, result.name) == ("tool", "call_1", "cancel_booking")  # named by its call
    assert "None" not in transcript.render()
    _no_none_calls(transcript)


def test_chat_role_aliases_and_flat_tool_calls() -> None:
    transcript = read_transcripts([CHAT]).transcripts[1]
    assert [turn.role for turn in transcript.turns] == ["system", "user", "assistant", "tool", "assistant"]
    call = transcript.turns[2].tool_calls[0]
    assert (call.name, call.id) == ("calculator", None)
    assert call.arguments == '{"a": 2, "b": 2, "note": "café"}'  # object arguments: sorted keys, unescaped text
    assert transcript.turns[2].content == ""  # an empty string is kept, not turned into None
    assert transcript.turns[3].render() == "[3] tool calculator: 4"


def test_unknown_role_is_a_problem_for_that_record_only(tmp_path: Path) -> None:
    path = _jsonl(
        tmp_path / "roles.jsonl",
        _chat("a"),
        _chat("b", {"role": "user", "content": "hi"}, {"role": "narrator", "content": "Meanwhile..."}),
        _chat("c", {"role": " HUMAN ", "content": "hi"}),
    )
    result = read_transcripts([path])
    assert [t.id for t in result.transcripts] == ["a", "c"]
    assert result.transcripts[1].turns[0].role == "user"  # lookups ignore case and blanks
    assert str(_only_problem(result)) == f"{path}:2: messages[1].role: unknown role 'narrator'"


@pytest.mark.parametrize("content", [b"", b"\n\n  \n", b"\xef\xbb\xbf"])
def test_empty_file_is_a_problem(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_bytes(content)
    for format in ("auto", "chat-jsonl", "tau-bench", "tau2-bench"):
        problem = _only_problem(read_transcripts([path], format=format))
        assert (problem.path, problem.line, problem.message) == (str(path), None, "empty file: no records")


def test_malformed_line_is_skipped_and_named(tmp_path: Path) -> None:
    good = json.dumps(_chat("a"))
    path = _write(tmp_path / "broken.jsonl", f'{good}\n\n{{"id": "b", "messages": [\n{json.dumps(_chat("c"))}\n')
    result = read_transcripts([path])
    assert [t.id for t in result.transcripts] == ["a", "c"]
    problem = _only_problem(result)
    assert problem.line == 3
    column = len('{"id": "b", "messages": [') + 1  # the line ends where a value was expected
    assert problem.message == f"invalid JSON: Expecting value (column {column})"


def test_crlf_lines_and_a_byte_order_mark_are_read(tmp_path: Path) -> None:
    path = tmp_path / "windows.jsonl"
    path.write_bytes(
        b"\xef\xbb\xbf" + json.dumps(_chat("a")).encode() + b"\r\n\r\n" + json.dumps(_chat("b")).encode() + b"\r\n"
    )
    result = read_transcripts([path])
    assert result.problems == ()
    assert [t.metadata.source for t in result.transcripts] == [f"{path}:1", f"{path}:3"]
    assert detect_format(path) == "chat-jsonl"


def test_non_object_line_is_a_problem(tmp_path: Path) -> None:
    path = _write(tmp_path / "list.jsonl", '[1, 2]\n"text"\n')
    result = read_transcripts([path])
    assert [(p.line, p.message) for p in result.problems] == [
        (1, "a record must be a JSON object, not an array"),
        (2, "a record must be a JSON object, not a string"),
    ]


def test_duplicate_id_within_a_file(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "dup.jsonl", _chat("x"), _chat("y"), _chat("x"))
    result = read_transcripts([path])
    assert [t.id for t in result.transcripts] == ["x", "y"]
    assert str(_only_problem(result)) == f"{path}:3: duplicate transcript id 'x'; first read at {path}:1"


def test_duplicate_id_across_files_keeps_the_first(tmp_path: Path) -> None:
    first = _jsonl(tmp_path / "one.jsonl", _chat("shared"), _chat("only-one"))
    second = _jsonl(tmp_path / "two.jsonl", _chat("only-two"), _chat("shared"))
    result = read_transcripts([first, second])
    assert [t.id for t in result.transcripts] == ["shared", "only-one", "only-two"]
    assert result.transcripts[0].metadata.source == f"{first}:1"
    assert str(_only_problem(result)) == f"{second}:2: duplicate transcript id 'shared'; first read at {first}:1"
    # Reading the same file twice duplicates every record of the second pass.
    again = read_transcripts([first, first])
    assert [p.line for p in again.problems] == [1, 2]


def test_integer_id_is_text_and_zero_padded_string_stays(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "ids.jsonl",
        '{"id": "00123", "messages": [{"role": "user", "content": "a"}]}\n'
        '{"id": 123, "messages": [{"role": "user", "content": "b"}]}\n',
    )
    assert [t.id for t in read_transcripts([path]).transcripts] == ["00123", "123"]


@pytest.mark.parametrize(
    ("record_id", "message"),
    [
        (1.5, "id must be a string or an integer, not a number"),
        (True, "id must be a string or an integer, not a boolean"),
        ("  ", "id is empty"),
        (None, "id must be a string or an integer, not null"),
    ],
)
def test_bad_id_is_a_problem(tmp_path: Path, record_id: object, message: str) -> None:
    path = _jsonl(tmp_path / "bad-id.jsonl", _chat(record_id), _chat("fine"))
    result = read_transcripts([path])
    assert [t.id for t in result.transcripts] == ["fine"]
    assert (_only_problem(result).line, _only_problem(result).message) == (1, message)


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"messages": [{"role": "user", "content": "hi"}]}, "id is missing"),
        ({"id": "a"}, "messages is missing"),
        ({"id": "a", "messages": []}, "messages is empty"),
        ({"id": "a", "messages": [{"content": "hi"}]}, "messages[0].role is missing"),
        ({"id": "a", "messages": ["hi"]}, "messages[0] must be an object, not a string"),
        (
            {"id": "a", "messages": [{"role": "user", "content": "hi"}], "metdata": {}},
            "unknown field(s) 'metdata'; a record has id, messages and metadata",
        ),
        (
            {"id": "a", "messages": [{"role": "assistant", "content": None}]},
            "messages[0]: a assistant message with neither content nor tool calls",
        ),
        (
            {"id": "a", "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}]},
            "messages[0].content[0]: content part of type 'image_url' is not text; only text can be graded",
        ),
        (
            {"id": "a", "messages": [{"role": "assistant", "content": None, "tool_calls": [{"id": "c", "name": "f"}]}]},
            "messages[0].tool_calls[0].arguments must be JSON text or an object, not null",
        ),
        (
            {"id": "a", "messages": [{"role": "user", "content": "hi"}], "metadata": {"model": 4}},
            "metadata.model must be a string, not a number",
        ),
        (
            {"id": "a", "messages": [{"role": "user", "content": "hi"}], "metadata": {"outcome": "pass"}},
            "metadata.outcome must be a number, not a string",
        ),
    ],
)
def test_missing_or_malformed_fields_are_problems(tmp_path: Path, record: dict[str, object], message: str) -> None:
    path = _jsonl(tmp_path / "fields.jsonl", _chat("ok-1"), record, _chat("ok-2"))
    result = read_transcripts([path])
    assert [t.id for t in result.transcripts] == ["ok-1", "ok-2"]
    problem = _only_problem(result)
    assert (problem.line, problem.message) == (2, message)


def test_bad_evidence_level_is_a_problem(tmp_path: Path) -> None:
    path = _jsonl(
        tmp_path / "levels.jsonl",
        _chat("a", evidence_level="session"),
        _chat("b", evidence_level="model"),
        _chat("c", evidence_level=None),
    )
    result = read_transcripts([path])
    assert [(t.id, t.metadata.evidence_level) for t in result.transcripts] == [("b", "model"), ("c", "interaction")]
    problem = _only_problem(result)
    assert problem.line == 1
    assert problem.message == (
        "metadata.evidence_level must be one of 'model', 'response', 'interaction', 'deployment', not 'session'"
    )


def test_non_finite_outcome_is_a_problem(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "nan.jsonl",
        '{"id": "a", "messages": [{"role": "user", "content": "x"}], "metadata": {"outcome": NaN}}\n',
    )
    assert _only_problem(read_transcripts([path])).message == "metadata.outcome must be a finite number, not nan"


def test_non_utf8_line_is_skipped_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.jsonl"
    lines = [
        json.dumps(_chat("a")),
        '{"id": "b", "messages": [{"role": "user", "content": "caf\xe9"}]}',
        json.dumps(_chat("c")),
    ]
    path.write_bytes("\n".join(lines[:1]).encode() + b"\n" + lines[1].encode("latin-1") + b"\n" + lines[2].encode())
    result = read_transcripts([path])
    assert [t.id for t in result.transcripts] == ["a", "c"]
    problem = _only_problem(result)
    assert problem.line == 2
    assert problem.message == f"not valid UTF-8: byte 0xe9 at column {lines[1].index(chr(0xE9)) + 1}"


def test_lone_surrogate_escape_is_a_problem(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "surrogate.jsonl",
        '{"id": "a", "messages": [{"role": "user", "content": "x\\ud800"}]}\n' + json.dumps(_chat("b")) + "\n",
    )
    result = read_transcripts([path])
    assert [t.id for t in result.transcripts] == ["b"]
    assert (_only_problem(result).line, _only_problem(result).message) == (
        1,
        "contains a lone surrogate escape, which is not valid text",
    )


def test_missing_file_and_directory_are_problems_and_others_still_read(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.jsonl"
    result = read_transcripts([missing, CHAT, tmp_path])
    assert [t.id for t in result.transcripts] == ["00123", "7"]
    assert [str(p) for p in result.problems] == [
        f"{missing}: file not found",
        f"{tmp_path}: is a directory, not a file",
    ]


def test_wrong_explicit_format_is_a_problem_not_a_crash() -> None:
    assert _only_problem(read_transcripts([CHAT], format="tau-bench")).message == (
        "not a τ-bench file: expected a JSON array"
    )
    as_tau2 = read_transcripts([CHAT], format="tau2-bench").problems
    assert [p.message for p in as_tau2] == [
        "info is missing: not a τ²-bench simulations file",
        "invalid JSON: Extra data (line 3, column 1); the rest of the file was not read",
    ]
    problems = read_transcripts([TAU], format="chat-jsonl").problems
    assert problems and all(p.message.startswith(("invalid JSON", "a record must be")) for p in problems)


# --- format detection ----------------------------------------------------------------------------------------------


def test_detect_format_of_each_fixture(tmp_path: Path) -> None:
    assert detect_format(CHAT) == "chat-jsonl"
    assert detect_format(TAU) == "tau-bench"
    assert detect_format(TAU2) == "tau2-bench"
    single = _write(tmp_path / "one.json", json.dumps(_chat("a")) + "\n")  # chat JSONL under a .json name
    assert detect_format(single) == "chat-jsonl"
    assert [t.id for t in read_transcripts([CHAT, TAU, TAU2, single]).transcripts][-1] == "a"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.json", "", "empty file; its format cannot be detected"),
        (
            "other.json",
            '{"conversations": []}',
            "cannot detect the format (one of chat-jsonl, tau-bench, tau2-bench, fed)",
        ),
        ("numbers.json", "[1, 2]", "cannot detect the format"),
        ("chats.json", '[{"id": "a", "messages": []}]', "a JSON array of chat records: write one record per line"),
    ],
)
def test_detect_format_refuses_unknown_content(tmp_path: Path, name: str, content: str, reason: str) -> None:
    path = _write(tmp_path / name, content)
    with pytest.raises(SourceError) as raised:
        detect_format(path)
    assert raised.value.line is None
    assert raised.value.reason.startswith(reason)
    problem = _only_problem(read_transcripts([path]))
    assert problem.message.startswith("empty file" if not content else reason)


def test_detect_format_of_missing_file_raises() -> None:
    with pytest.raises(SourceError, match="file not found"):
        detect_format(FIXTURES / "absent.json")


# --- τ-bench -------------------------------------------------------------------------------------------------------


def test_tau_bench_fixture() -> None:
    result = read_transcripts([TAU])
    assert result.problems == ()
    first, second = result.transcripts
    text = TAU.read_text(encoding="utf-8")
    assert first.id == "tau-bench/airline/gpt-4o/task-3/trial-0"
    assert second.id == "tau-bench/airline/gpt-4o/task-3/trial-1"
    assert first.metadata.source == f"{TAU}:2"
    second_start = _line(text, '"task_id": 3', 2) - 1
    assert second.metadata.source == f"{TAU}:{second_start}"
    meta = first.metadata
    assert (meta.format, meta.model, meta.domain, meta.task_id, meta.outcome) == (
        "tau-bench",
        "gpt-4o",
        "airline",
        "3",
        1.0,
    )
    assert (meta.scaffold, meta.evidence_level) == ("tau-bench/tool-calling", "interaction")
    assert meta.scaffold_digest == second.metadata.scaffold_digest
    assert meta.scaffold_digest is not None and meta.scaffold_digest.startswith("sha256:")
    assert meta.extra == {"trial": 0, "user_cost": 0.0012, "last_step_source": "user", "r_actions": 1.0}
    assert second.metadata.extra == {
        "trial": 1,
        "user_cost": 0.0009,
        "last_step_source": "transfer_to_human_agents",
        "r_outputs": 0.0,
    }
    assert first.turns[0].role == "system" and first.turns[0].content is not None
    assert first.turns[0].content.startswith("# Airline Agent Policy")
    assert second.turns[2].render() == (
        "[2] assistant: Sure, transferring you.\n"
        '[2] assistant calls transfer_to_human_agents({"summary": "wants a human"})'
    )
    assert second.turns[3].render() == "[3] tool transfer_to_human_agents: "  # empty tool output stays visible
    for transcript in result.transcripts:
        _no_none_calls(transcript)
        assert "SECRET" not in transcript.model_dump_json()  # the user simulator's brief and ground truth stay out


def test_tau_bench_records_starting_in_column_one(tmp_path: Path) -> None:
    records = json.loads(TAU.read_text(encoding="utf-8"))
    path = _write(tmp_path / "gpt-4o-airline.json", "[\n" + ",\n".join(json.dumps(r) for r in records) + "\n]\n")
    result = read_transcripts([path])
    assert [t.metadata.source for t in result.transcripts] == [f"{path}:2", f"{path}:3"]


def test_tau_bench_domain_from_heading_when_the_name_lacks_it(tmp_path: Path) -> None:
    path = _write(tmp_path / "trajectories.json", TAU.read_text(encoding="utf-8"))
    transcript = read_transcripts([path]).transcripts[0]
    assert transcript.id == "tau-bench/airline/task-3/trial-0"  # no model segment: the name does not give one
    assert (transcript.metadata.domain, transcript.metadata.model) == ("airline", None)


def test_tau_bench_name_and_policy_disagreeing_is_a_problem(tmp_path: Path) -> None:
    path = _write(tmp_path / "gpt-4o-retail.json", TAU.read_text(encoding="utf-8"))
    result = read_transcripts([path])
    assert result.transcripts == ()
    assert [p.message for p in result.problems] == [
        "the file name says 'retail' but the system prompt is the 'airline' policy"
    ] * 2


def test_tau_bench_bad_record_names_its_start_line(tmp_path: Path) -> None:
    text = TAU.read_text(encoding="utf-8").replace('"trial": 1', '"trial": "one"')
    path = _write(tmp_path / "gpt-4o-airline.json", text)
    result = read_transcripts([path])
    assert [t.id for t in result.transcripts] == ["tau-bench/airline/gpt-4o/task-3/trial-0"]
    problem = _only_problem(result)
    assert (problem.line, problem.message) == (
        _line(text, '"task_id": 3', 2) - 1,
        "trial must be an integer, not a string",
    )


def test_tau_bench_unknown_role_in_second_record(tmp_path: Path) -> None:
    text = TAU.read_text(encoding="utf-8").replace(
        '"role": "user",\n    "content": "I need', '"role": "narrator",\n    "content": "I need'
    )
    assert "narrator" in text
    path = _write(tmp_path / "gpt-4o-airline.json", text)
    problem = _only_problem(read_transcripts([path]))
    assert (problem.line, problem.message) == (
        _line(text, '"task_id": 3', 2) - 1,
        "traj[1].role: unknown role 'narrator'",
    )


def test_tau_bench_syntax_error_keeps_earlier_records(tmp_path: Path) -> None:
    text = TAU.read_text(encoding="utf-8").replace('"reward": 0.0,', '"reward": 0.0', 1)
    path = _write(tmp_path / "gpt-4o-airline.json", text)
    result = read_transcripts([path])
    assert [t.id for t in result.transcripts] == ["tau-bench/airline/gpt-4o/task-3/trial-0"]
    problem = _only_problem(result)
    error_line = _line(text, '"reward": 0.0') + 1  # the decoder stops at the next key, one line down
    assert problem.line == _line(text, '"task_id": 3', 2) - 1
    assert problem.message == (
        f"invalid JSON in the record starting here: Expecting ',' delimiter (line {error_line}, column 3); "
        "this record and the rest of the file were not read"
    )


def test_tau_bench_missing_comma_between_records(tmp_path: Path) -> None:
    text = TAU.read_text(encoding="utf-8").replace(" },\n {", " }\n {", 1)
    path = _write(tmp_path / "gpt-4o-airline.json", text)
    result = read_transcripts([path])
    assert len(result.transcripts) == 1
    problem = _only_problem(result)
    assert problem.line == _line(text, '"task_id": 3', 2) - 1
    assert problem.message.startswith("invalid JSON: Expecting ',' or ']'")


def test_tau_bench_non_utf8_record_is_skipped(tmp_path: Path) -> None:
    data = TAU.read_bytes().replace(b"I need a human.", b"I need a hum\xe1n.")
    path = tmp_path / "gpt-4o-airline.json"
    path.write_bytes(data)
    result = read_transcripts([path])
    assert [t.id for t in result.transcripts] == ["tau-bench/airline/gpt-4o/task-3/trial-0"]
    problem = _only_problem(result)
    text = TAU.read_text(encoding="utf-8")
    bad_line = _line(text, "I need a human.")
    line_text = text.splitlines()[bad_line - 1]
    column = line_text.index("I need a human.") + len("I need a hum") + 1
    start = _line(text, '"task_id": 3', 2) - 1
    assert problem.line == bad_line
    assert problem.message == (
        f"not valid UTF-8: byte 0xe1 at column {column}; the record starting at line {start} was not read"
    )


# --- τ²-bench ------------------------------------------------------------------------------------------------------


def test_tau2_fixture() -> None:
    result = read_transcripts([TAU2])
    assert result.problems == ()
    first, second = result.transcripts
    text = TAU2.read_text(encoding="utf-8")
    assert first.id == "tau2/telecom/gpt-4.1/task-7/trial-0"
    starts = [_line(text, '"id": "sim-a"') - 1, _line(text, '"id": "sim-b"') - 1]
    assert [first.metadata.source, second.metadata.source] == [f"{TAU2}:{line}" for line in starts]
    meta = first.metadata
    assert (meta.format, meta.model, meta.domain, meta.task_id, meta.outcome) == (
        "tau2-bench",
        "gpt-4.1",
        "telecom",
        "7",
        1.0,
    )
    assert (meta.scaffold, meta.evidence_level) == ("tau2-bench/llm_agent", "interaction")
    assert meta.extra == {
        "simulation_id": "sim-a",
        "trial": 0,
        "termination_reason": "user_stop",
        "user_model": "gpt-4.1",
        "rejected_messages": 1,
    }
    assert second.metadata.extra["termination_reason"] == "max_steps"
    assert [turn.index for turn in first.turns] == list(range(9))
    assert first.turns[0].role == "system"
    assert first.turns[0].content == "# Telecom Agent Policy\n\nHelp the user get online."
    # turn_idx order, not file order: the call (turn_idx 2) comes before its result (turn_idx 3).
    assert first.turns[3].render() == '[3] assistant calls get_line({"customer_id": "C1", "phone": "555-0100"})'
    assert first.turns[4].render() == '[4] tool get_line: {"line": "active"}'
    assert first.turns[4].tool_call_id == "call_9"
    # The telecom user acts on their own phone: the call stays on the user's turn.
    assert first.turns[6].render() == "[6] user calls toggle_airplane_mode({})"
    assert first.turns[7].render() == "[7] tool toggle_airplane_mode: Airplane mode is now OFF."
    for transcript in result.transcripts:
        _no_none_calls(transcript)
        assert "SECRET" not in transcript.model_dump_json()


def test_tau2_duplicate_task_and_trial_fall_back_to_simulation_ids(tmp_path: Path) -> None:
    text = TAU2.read_text(encoding="utf-8").replace('"task_id": "8"', '"task_id": "7"')
    result = read_transcripts([_write(tmp_path / "tau2.json", text)])
    assert result.problems == ()
    assert [t.id for t in result.transcripts] == ["tau2/telecom/gpt-4.1/sim-sim-a", "tau2/telecom/gpt-4.1/sim-sim-b"]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('"task_id": "8"', '"task_id": "99"', "task_id '99' is not among the file's tasks"),
        ('"reward": 0.0', '"reward": null', "reward_info.reward is null"),
        ('"turn_idx": 1\n', '"turn_idx": 0\n', "messages[1].turn_idx 0 repeats that of messages[0]"),
        ('"content": "My data is slow."', '"content": null', "messages[1]: a user message with neither content"),
        (
            '"role": "user",\n     "content": "My data',
            '"role": "customer",\n     "content": "My data',
            "messages[1].role: unknown role 'customer'",
        ),
    ],
)
def test_tau2_bad_simulation_names_its_start_line(tmp_path: Path, old: str, new: str, message: str) -> None:
    original = TAU2.read_text(encoding="utf-8")
    assert original.count(old) >= 1
    text = original.replace(old, new) if old.startswith('"task_id"') else _replace_in_sim_b(original, old, new)
    result = read_transcripts([_write(tmp_path / "tau2.json", text)])
    assert [t.id for t in result.transcripts] == ["tau2/telecom/gpt-4.1/task-7/trial-0"]
    problem = _only_problem(result)
    assert problem.line == _line(text, '"id": "sim-b"') - 1
    assert problem.message.startswith(message)


def _replace_after(text: str, anchor: str, old: str, new: str) -> str:
    at = text.index(anchor)
    assert old in text[at:]
    return text[:at] + text[at:].replace(old, new, 1)


def _replace_in_sim_b(text: str, old: str, new: str) -> str:
    return _replace_after(text, '"id": "sim-b"', old, new)


def test_tau2_messages_without_turn_idx_keep_file_order(tmp_path: Path) -> None:
    data = json.loads(TAU2.read_text(encoding="utf-8"))
    for message in data["simulations"][1]["messages"]:
        del message["turn_idx"]
    result = read_transcripts([_write(tmp_path / "tau2.json", json.dumps(data, indent=1))])
    assert [turn.content for turn in result.transcripts[1].turns[1:]] == [
        "Hi! How can I help you today?",
        "My data is slow.",
    ]


def test_tau2_shared_part_problems_stop_the_file(tmp_path: Path) -> None:
    text = TAU2.read_text(encoding="utf-8")
    no_model = _write(tmp_path / "no-model.json", _replace_after(text, '"agent_info"', '"llm": "gpt-4.1",', ""))
    problem = _only_problem(read_transcripts([no_model]))
    assert (problem.line, problem.message) == (
        _line(text, '"info": {'),
        "info.agent_info.llm is missing; no simulation was read",
    )
    bad = tmp_path / "bad-policy.json"
    bad.write_bytes(TAU2.read_bytes().replace(b"Help the user", b"Help the \xffuser"))
    problem = _only_problem(read_transcripts([bad]))
    assert problem.line == _line(text, "Help the user")
    assert problem.message.startswith("not valid UTF-8: byte 0xff at column ")
    assert problem.message.endswith(" in info; no simulation was read")


def test_tau2_syntax_error_in_a_simulation_keeps_the_earlier_ones(tmp_path: Path) -> None:
    text = _replace_in_sim_b(TAU2.read_text(encoding="utf-8"), '"duration": 0.5,', '"duration": 0.5,,')
    result = read_transcripts([_write(tmp_path / "tau2.json", text)])
    assert [t.id for t in result.transcripts] == ["tau2/telecom/gpt-4.1/task-7/trial-0"]
    problem = _only_problem(result)
    assert problem.line == _line(text, '"id": "sim-b"') - 1
    error_line = _line(text, "0.5,,")
    assert f"(line {error_line}, column" in problem.message


def test_tau2_truncated_file(tmp_path: Path) -> None:
    text = TAU2.read_text(encoding="utf-8")
    cut = text[: text.index('"id": "sim-b"')]
    result = read_transcripts([_write(tmp_path / "tau2.json", cut)])
    assert [t.id for t in result.transcripts] == ["tau2/telecom/gpt-4.1/task-7/trial-0"]
    assert _only_problem(result).message.startswith("invalid JSON in the record starting here: Expecting")


# --- real data -----------------------------------------------------------------------------------------------------


def _shared() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real datasets not available: {SHARED_DATA} is absent (it sits beside the checkout)")
    return SHARED_DATA


def test_real_tau_bench_files() -> None:
    files = sorted((_shared() / "tau_bench").glob("*.json"))
    assert [f.name for f in files] == ["gpt-4o-airline.sample60.json"]
    result = read_transcripts(files)
    assert result.problems == ()
    assert len(result.transcripts) == 60
    assert len({t.id for t in result.transcripts}) == 60
    raw = json.loads(files[0].read_text(encoding="utf-8"))
    rewards = {f"tau-bench/airline/gpt-4o/task-{r['task_id']}/trial-{r['trial']}": r["reward"] for r in raw}
    assert {t.id: t.metadata.outcome for t in result.transcripts} == rewards
    assert Counter(t.metadata.outcome for t in result.transcripts) == {1.0: 30, 0.0: 30}
    assert {t.metadata.model for t in result.transcripts} == {"gpt-4o"}
    assert len({t.metadata.scaffold_digest for t in result.transcripts}) == 1  # one policy text
    for transcript, record in zip(result.transcripts, raw, strict=True):
        assert len(transcript.turns) == len(record["traj"])
        assert transcript.turns[0].role == "system"
        assert record["info"]["task"]["instruction"] not in transcript.render()
        _no_none_calls(transcript)


def test_real_tau2_bench_files() -> None:
    folder = _shared() / "tau2_bench" / "simulations"
    files = sorted(folder.glob("*.json"))
    assert {f.name for f in files} == set(TAU2_FILES)
    everything = read_transcripts(files)
    assert everything.problems == ()
    assert len({t.id for t in everything.transcripts}) == len(everything.transcripts) == 200
    for path in files:
        expected_count, expected_successes, model = TAU2_FILES[path.name]
        result = read_transcripts([path])
        assert result.problems == ()
        assert len(result.transcripts) == expected_count
        assert sum(t.metadata.outcome == 1.0 for t in result.transcripts) == expected_successes
        assert {t.metadata.model for t in result.transcripts} == {model}
        raw = json.loads(path.read_text(encoding="utf-8"))
        domain = raw["info"]["environment_info"]["domain_name"]
        policy = raw["info"]["environment_info"]["policy"]
        by_simulation = {s["id"]: s for s in raw["simulations"]}
        for transcript in result.transcripts:
            simulation = by_simulation[transcript.metadata.extra["simulation_id"]]
            assert transcript.id == f"tau2/{domain}/{model}/task-{simulation['task_id']}/trial-{simulation['trial']}"
            assert transcript.metadata.outcome == simulation["reward_info"]["reward"]
            assert transcript.turns[0].role == "system" and transcript.turns[0].content == policy
            assert len(transcript.turns) == len(simulation["messages"]) + 1
            assert all(turn.name for turn in transcript.turns if turn.role == "tool")
            _no_none_calls(transcript)
    telecom_user_calls = [
        turn
        for t in everything.transcripts
        if t.metadata.domain == "telecom"
        for turn in t.turns
        if turn.role == "user" and turn.tool_calls
    ]
    assert telecom_user_calls  # τ²'s dual control: the simulated user calls tools on their phone


def test_bundled_tau2_airline_subset() -> None:
    files = sorted(BUNDLED.glob("*.json"))
    if not files:
        pytest.skip(f"no bundled τ²-bench subset at {BUNDLED} (the demo data is added separately)")
    result = read_transcripts(files)
    assert result.problems == ()
    assert len({t.id for t in result.transcripts}) == len(result.transcripts) > 0
    for transcript in result.transcripts:
        assert transcript.metadata.format == "tau2-bench"
        assert transcript.metadata.domain == "airline"
        assert transcript.turns[0].role == "system"
        _no_none_calls(transcript)
    if SHARED_DATA.is_dir():  # the subset is a copy: the same simulations give the same turns
        full = read_transcripts(sorted((SHARED_DATA / "tau2_bench" / "simulations").glob("*_airline.json")))
        turns = {t.id: t.turns for t in full.transcripts}
        assert all(turns[t.id] == t.turns for t in result.transcripts)
