"""Chat messages to turns: the role table, content parts, tool calls, and consecutive turn indices.

Rules every reader shares:

- Roles go through :data:`ROLE_ALIASES`, case-insensitively; an unknown role is a problem for the record.
- Content is a string, ``null``, or an OpenAI list of text parts (joined with newlines). A non-text part (an image,
  audio) is a problem for the record: the judge could not see it, and silently dropping it would misquote the turn.
- A message with neither content nor tool calls is a problem for the record. Mapping it to ``""`` would invent an
  utterance; dropping it would hide that the speaker produced something (a refusal field, a filtered reply) the
  source did not keep. None of the bundled τ-bench or τ²-bench files contains such a message.
- Tool calls come in the OpenAI shape ``{"id", "type": "function", "function": {"name", "arguments"}}`` or flat
  ``{"id", "name", "arguments"}``; arguments given as text are kept verbatim (they are what the model emitted),
  arguments given as an object are written as canonical JSON text.
- A tool result without a ``name`` takes the name of the call it answers (matched by call id), so that the
  rendering says which tool spoke.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

from judges.sources._common import (
    RecordError,
    as_mapping,
    canonical_arguments,
    child,
    json_type,
    opt_key,
    opt_str,
)
from judges.types import Role, ToolCall, Turn

ROLE_ALIASES: Mapping[str, Role] = MappingProxyType(
    {
        "user": "user",
        "human": "user",
        "assistant": "assistant",
        "gpt": "assistant",
        "bot": "assistant",
        "model": "assistant",
        "ai": "assistant",
        "agent": "assistant",
        "system": "system",
        "developer": "system",
        "tool": "tool",
        "function": "tool",
        "ipython": "tool",
    }
)
"""The one role table: source role names (lower case; lookups ignore case and surrounding blanks) to
:data:`~judges.types.Role`. ShareGPT (human/gpt), Gemini (model), LangChain (human/ai), OpenAI (developer,
function) and Llama 3 (ipython) spellings are covered."""

_TEXT_PARTS = frozenset({"text", "input_text", "output_text"})


def parse_role(message: Mapping[str, object], path: str) -> Role:
    """The canonical role of ``message`` (at ``path``), through :data:`ROLE_ALIASES`."""
    if "role" not in message:
        raise RecordError(f"{child(path, 'role')} is missing")
    raw = message["role"]
    if not isinstance(raw, str):
        raise RecordError(f"{child(path, 'role')} must be a string, not {json_type(raw)}")
    role = ROLE_ALIASES.get(raw.strip().casefold())
    if role is None:
        raise RecordError(f"{child(path, 'role')}: unknown role {raw!r}")
    return role


def parse_content(value: object, path: str) -> str | None:
    """Message content as text: a string, ``None``, or text parts joined with newlines."""
    if value is None or isinstance(value, str):
        return value
    if not isinstance(value, list):
        raise RecordError(f"{path} must be a string, null or a list of text parts, not {json_type(value)}")
    texts: list[str] = []
    for position, part in enumerate(value):
        part_path = f"{path}[{position}]"
        if isinstance(part, str):
            texts.append(part)
            continue
        fields = as_mapping(part, part_path)
        kind = fields.get("type")
        if kind not in _TEXT_PARTS:
            raise RecordError(f"{part_path}: content part of type {kind!r} is not text; only text can be graded")
        text = fields.get("text")
        if not isinstance(text, str):
            raise RecordError(f"{child(part_path, 'text')} must be a string, not {json_type(text)}")
        texts.append(text)
    return "\n".join(texts) if texts else None


def parse_tool_call(value: object, path: str) -> ToolCall:
    """One tool call, OpenAI-shaped or flat."""
    call = as_mapping(value, path)
    spec_path = path
    spec = call
    if call.get("function") is not None:
        spec_path = child(path, "function")
        spec = as_mapping(call["function"], spec_path)
    name = spec.get("name")
    if not isinstance(name, str) or not name.strip():
        raise RecordError(f"{child(spec_path, 'name')}: a tool call needs a name, got {json_type(name)}")
    arguments = spec.get("arguments")
    if isinstance(arguments, str):
        text = arguments
    elif isinstance(arguments, dict | list):
        text = canonical_arguments(arguments)
    else:
        raise RecordError(f"{child(spec_path, 'arguments')} must be JSON text or an object, not {json_type(arguments)}")
    return ToolCall(name=name, arguments=text, id=opt_key(call, "id", path))


def parse_tool_calls(message: Mapping[str, object], path: str) -> tuple[ToolCall, ...]:
    """The tool calls of ``message``: ``tool_calls`` plus a legacy OpenAI ``function_call``."""
    raw = message.get("tool_calls")
    calls: list[ToolCall] = []
    if raw is not None:
        if not isinstance(raw, list):
            raise RecordError(f"{child(path, 'tool_calls')} must be an array, not {json_type(raw)}")
        calls.extend(parse_tool_call(call, f"{path}.tool_calls[{i}]") for i, call in enumerate(raw))
    if message.get("function_call") is not None:
        calls.append(parse_tool_call(message["function_call"], child(path, "function_call")))
    return tuple(calls)


class TurnList:
    """Collects turns with consecutive indices; names tool results after the call they answer."""

    def __init__(self) -> None:
        """Start empty."""
        self._turns: list[Turn] = []
        self._call_names: dict[str, str] = {}

    def add(
        self,
        *,
        path: str,
        role: Role,
        content: str | None,
        tool_calls: tuple[ToolCall, ...] = (),
        tool_call_id: str | None = None,
        name: str | None = None,
    ) -> None:
        """Append one turn made from the source message at ``path``."""
        if content is None and not tool_calls:
            raise RecordError(f"{path}: a {role} message with neither content nor tool calls")
        if role == "tool" and name is None and tool_call_id is not None:
            name = self._call_names.get(tool_call_id)
        self._turns.append(
            Turn(
                index=len(self._turns),
                role=role,
                content=content,
                tool_calls=tool_calls,
                tool_call_id=tool_call_id,
                name=name,
            )
        )
        for call in tool_calls:
            if call.id is not None:
                self._call_names[call.id] = call.name

    def turns(self) -> tuple[Turn, ...]:
        """The turns so far."""
        return tuple(self._turns)


def openai_turns(messages: Sequence[object], path: str) -> tuple[Turn, ...]:
    """Turns from OpenAI-style chat messages (``role``, ``content``, ``tool_calls``, ``tool_call_id``, ``name``).

    Args:
        messages: the decoded messages.
        path: the messages array's path in the record, for problems (``messages``, ``traj``).

    Returns:
        All turns, indexed from 0.

    Raises:
        RecordError: a message is malformed (the message names it).
    """
    turns = TurnList()
    for position, raw in enumerate(messages):
        message_path = f"{path}[{position}]"
        message = as_mapping(raw, message_path)
        turns.add(
            path=message_path,
            role=parse_role(message, message_path),
            content=parse_content(message.get("content"), child(message_path, "content")),
            tool_calls=parse_tool_calls(message, message_path),
            tool_call_id=opt_key(message, "tool_call_id", message_path),
            name=opt_str(message, "name", message_path),
        )
    return turns.turns()
