"""Reader for τ²-bench simulation files (sierra-research/tau2-bench results: ``{"info", "tasks", "simulations"}``).

How each simulation becomes a transcript:

- **Turn 0** is the agent's domain policy (``info.environment_info.policy``) with role ``system``. The agent saw
  it, and putting it first gives every transcript of one scaffold the same prefix. The τ² harness wraps the policy
  in its own agent instructions, which the file does not record, so turn 0 is the policy alone.
- **Then the messages**, ordered by ``turn_idx`` (file order if no message has one). Tool calls are flat
  (``{"id", "name", "arguments": {...}}``) and their arguments become canonical JSON text. A tool result's ``id`` is
  the call it answers, so it becomes ``tool_call_id``, and the result takes that call's name. In telecom the
  *user* also calls tools (on their phone); those calls stay on the user's turns.
- Not read: the task's ``user_scenario`` (the user simulator's secret brief) and ``evaluation_criteria``. The
  messages' ``errors`` (drafts the harness rejected, e.g. for mixing text and tool calls, which the model then
  redid) are not turns, because neither party saw them; ``extra["rejected_messages"]`` counts them.
- **Axes**: the model is ``info.agent_info.llm``, the domain ``info.environment_info.domain_name``, and the scaffold
  ``tau2-bench/<info.agent_info.implementation>`` (``llm_agent`` if absent). The digest covers the policy and
  ``tool_defs`` (``null`` in the bundled files).
- **Id**: ``tau2/{domain}/{model}/task-{task_id}/trial-{trial}``. If two simulations in one file share a task and a
  trial, both use ``tau2/{domain}/{model}/sim-{simulation id}`` instead.
- **Outcome** is ``reward_info.reward`` (``None`` when the simulation was not evaluated). The evidence level is
  ``interaction``.
- **Extra**: ``simulation_id``, ``trial``, ``termination_reason``, ``user_model`` (``info.user_info.llm``) and
  ``rejected_messages``.

A problem with the shared part (``info``, ``tasks``) concerns the whole file and no simulation is read. A problem
with one simulation is reported at the line where its record starts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from functools import partial
from typing import NamedTuple

from judges.sources._common import (
    Item,
    RecordError,
    SourceProblem,
    as_mapping,
    child,
    guarded,
    json_type,
    opt_key,
    opt_mapping,
    opt_str,
    req_int,
    req_key,
    req_list,
    req_mapping,
    req_number,
    req_str,
    scaffold_digest,
)
from judges.sources._messages import TurnList, parse_content, parse_role, parse_tool_calls
from judges.sources._text import SourceText, Walk, describe_broken, first_char, walk_object
from judges.types import MetadataValue, Transcript, TranscriptMetadata

FORMAT = "tau2-bench"


class _Context(NamedTuple):
    """What every simulation of one file shares."""

    domain: str
    model: str
    scaffold: str
    digest: str
    policy: str
    user_model: str | None
    task_ids: frozenset[str]


class _FileProblem(Exception):
    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line


def read(source: SourceText) -> Iterator[Item]:
    """Read every simulation of a τ²-bench results file.

    Args:
        source: the file's text.

    Yields:
        A transcript or a problem per simulation, in file order, then a problem for a syntax error if the file
        stops parsing (the simulations before it are kept). A problem with the shared part is the only item.
    """
    if first_char(source.text) != "{":
        yield SourceProblem(path=source.path, line=None, message="not a τ²-bench file: expected a JSON object")
        return
    walk = walk_object(source.text, "simulations")
    broken = None if walk.broken is None else describe_broken(source, walk.broken)
    try:
        context = _context(source, walk)
    except _FileProblem as problem:
        context = None
        if walk.closed or problem.line is not None:  # a part cut off by a syntax error is no extra news
            yield SourceProblem(path=source.path, line=problem.line, message=str(problem))
    if context is not None:
        keys = Counter(_join_key(element.value) for element in walk.records)
        for element in walk.records:
            line = source.line_of(element.start)
            bad = source.first_bad(element.start, element.end)
            if bad is not None:
                message = f"{source.describe_bad(bad)}; the simulation starting at line {line} was not read"
                yield SourceProblem(path=source.path, line=source.line_of(bad), message=message)
                continue
            unique = keys[_join_key(element.value)] == 1
            build = partial(_transcript, element.value, f"{source.path}:{line}", context, unique)
            yield from guarded(source.path, line, build)
    if broken is not None:
        yield SourceProblem(path=source.path, line=broken[0], message=broken[1])


def _context(source: SourceText, walk: Walk) -> _Context:
    for key in ("info", "tasks"):
        if key not in walk.fields:
            raise _FileProblem(None, f"{key} is missing: not a τ²-bench simulations file")
        bad = source.first_bad(walk.fields[key].start, walk.fields[key].end)
        if bad is not None:
            raise _FileProblem(source.line_of(bad), f"{source.describe_bad(bad)} in {key}; no simulation was read")
    if not walk.found_records:
        raise _FileProblem(None, "simulations is missing: not a τ²-bench simulations file")
    if not walk.records and walk.broken is None:
        raise _FileProblem(None, "simulations is empty")
    info_line = source.line_of(walk.fields["info"].start)
    try:
        info = as_mapping(walk.fields["info"].value, "info")
        agent = req_mapping(info, "agent_info", "info")
        environment = req_mapping(info, "environment_info", "info")
        policy = req_str(environment, "policy", "info.environment_info")
        user = opt_mapping(info, "user_info", "info") or {}
        implementation = opt_str(agent, "implementation", "info.agent_info") or "llm_agent"
        context = _Context(
            domain=req_str(environment, "domain_name", "info.environment_info"),
            model=req_str(agent, "llm", "info.agent_info"),
            scaffold=f"tau2-bench/{implementation}",
            digest=scaffold_digest(policy, environment.get("tool_defs")),
            policy=policy,
            user_model=opt_str(user, "llm", "info.user_info"),
            task_ids=frozenset(),
        )
    except RecordError as error:
        raise _FileProblem(info_line, f"{error}; no simulation was read") from None
    except UnicodeEncodeError:
        raise _FileProblem(info_line, "info holds a lone surrogate escape; no simulation was read") from None
    tasks = walk.fields["tasks"]
    try:
        if not isinstance(tasks.value, list):
            raise RecordError(f"tasks must be an array, not {json_type(tasks.value)}")
        task_ids = frozenset(
            req_key(as_mapping(task, f"tasks[{i}]"), "id", f"tasks[{i}]") for i, task in enumerate(tasks.value)
        )
    except RecordError as error:
        raise _FileProblem(source.line_of(tasks.start), f"{error}; no simulation was read") from None
    return context._replace(task_ids=task_ids)


def _join_key(value: object) -> tuple[str, str]:
    if not isinstance(value, dict):
        return ("", "")
    return (str(value.get("task_id")), str(value.get("trial")))


def _transcript(value: object, where: str, context: _Context, unique: bool) -> Transcript:
    simulation = as_mapping(value, "the simulation")
    simulation_id = req_key(simulation, "id")
    task_id = req_key(simulation, "task_id")
    if task_id not in context.task_ids:
        raise RecordError(f"task_id {task_id!r} is not among the file's tasks")
    trial = req_int(simulation, "trial")
    reward_info = opt_mapping(simulation, "reward_info")
    outcome = None if reward_info is None else req_number(reward_info, "reward", "reward_info")
    turns = TurnList()
    turns.add(path="info.environment_info.policy", role="system", content=context.policy)
    rejected = 0
    for position, message in _ordered(req_list(simulation, "messages")):
        path = f"messages[{position}]"
        role = parse_role(message, path)
        turns.add(
            path=path,
            role=role,
            content=parse_content(message.get("content"), child(path, "content")),
            tool_calls=parse_tool_calls(message, path),
            tool_call_id=opt_key(message, "id", path) if role == "tool" else None,
        )
        errors = message.get("errors")
        rejected += len(errors) if isinstance(errors, list) else 0
    key = f"task-{task_id}/trial-{trial}" if unique else f"sim-{simulation_id}"
    extra: dict[str, MetadataValue] = {"simulation_id": simulation_id, "trial": trial}
    termination = opt_str(simulation, "termination_reason")
    if termination is not None:
        extra["termination_reason"] = termination
    if context.user_model is not None:
        extra["user_model"] = context.user_model
    extra["rejected_messages"] = rejected
    return Transcript(
        id=f"tau2/{context.domain}/{context.model}/{key}",
        turns=turns.turns(),
        metadata=TranscriptMetadata(
            source=where,
            format=FORMAT,
            evidence_level="interaction",
            model=context.model,
            scaffold=context.scaffold,
            scaffold_digest=context.digest,
            domain=context.domain,
            task_id=task_id,
            outcome=outcome,
            extra=extra,
        ),
    )


def _ordered(messages: list[object]) -> list[tuple[int, Mapping[str, object]]]:
    """The messages with their file positions, in ``turn_idx`` order (file order when none has one)."""
    indexed = [(position, as_mapping(raw, f"messages[{position}]")) for position, raw in enumerate(messages)]
    orders: dict[int, int] = {}
    seen: dict[int, int] = {}
    for position, message in indexed:
        turn_idx = message.get("turn_idx")
        if turn_idx is None:
            continue
        if isinstance(turn_idx, bool) or not isinstance(turn_idx, int):
            raise RecordError(f"messages[{position}].turn_idx must be an integer, not {json_type(turn_idx)}")
        if turn_idx in seen:
            raise RecordError(f"messages[{position}].turn_idx {turn_idx} repeats that of messages[{seen[turn_idx]}]")
        seen[turn_idx] = position
        orders[position] = turn_idx
    if not orders:
        return indexed
    if len(orders) != len(indexed):
        missing = next(position for position, _ in indexed if position not in orders)
        raise RecordError(f"messages[{missing}].turn_idx is missing while other messages have one")
    return sorted(indexed, key=lambda pair: orders[pair[0]])
