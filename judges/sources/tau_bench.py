"""Reader for τ-bench trajectory files (``historical_trajectories/<model>-<domain>.json`` of sierra-research/tau-bench).

A file is a JSON array of ``{"task_id", "trial", "reward", "info", "traj"}``; ``traj`` is the OpenAI-style message
list the agent saw, starting with the system policy. How each transcript is built:

- **Turns** are ``traj`` as it is. Nothing from ``info.task`` is read: its ``instruction`` is the user simulator's
  secret brief, and ``actions``/``outputs`` are the ground truth. Neither was visible to the agent, and both would
  tell a judge the answer.
- **Domain** comes from the file name when it contains a τ-bench domain (``airline``, ``retail``), otherwise from
  the system prompt's heading (``# Airline Agent Policy``). If both exist and disagree, the record is a problem.
- **Model**: τ-bench files have no model field. The model is taken from the file name, as the part before the
  domain (``gpt-4o-airline.json`` gives ``gpt-4o``). When the name does not contain the domain, the model is unknown
  (``None``).
- **Id**: ``tau-bench/{domain}/{model}/task-{task_id}/trial-{trial}``. The model segment keeps the trajectories of
  two models on the same tasks apart; it is left out when the model is unknown.
- **Scaffold**: ``tau-bench/tool-calling``. The historical trajectories come from τ-bench's tool-calling agent
  (native tool calls, no ReAct text). The digest covers the system prompt only, because the file holds no tool
  schemas.
- **Outcome** is ``reward``. The evidence level is ``interaction``: the user is an LLM simulator.
- **Extra**: ``trial``; ``user_cost`` (what the simulated user cost); ``last_step_source``, τ-bench's ``info.source``,
  which is ``"user"`` when the episode ended on a user turn and otherwise the tool that ended it (such as
  ``transfer_to_human_agents``); and the reward's parts ``r_actions`` and ``r_outputs`` when present.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import partial
from pathlib import PurePath

from judges.sources._common import (
    Item,
    RecordError,
    SourceProblem,
    as_mapping,
    guarded,
    opt_mapping,
    opt_number,
    opt_str,
    req_int,
    req_key,
    req_list,
    req_number,
    scaffold_digest,
)
from judges.sources._messages import openai_turns
from judges.sources._text import SourceText, describe_broken, first_char, walk_array
from judges.types import MetadataValue, Transcript, TranscriptMetadata

FORMAT = "tau-bench"
SCAFFOLD = "tau-bench/tool-calling"
DOMAINS = ("airline", "retail")
"""The τ-bench domains recognised in file names."""

_HEADING = re.compile(r"\s*#\s*(\w+)\s+agent\s+policy\b", re.IGNORECASE)


def read(source: SourceText) -> Iterator[Item]:
    """Read every trajectory of a τ-bench file.

    Args:
        source: the file's text.

    Yields:
        A transcript or a problem per trajectory, in file order, then a problem for a syntax error if the file
        stops parsing (the trajectories before it are kept).
    """
    if first_char(source.text) != "[":
        yield SourceProblem(path=source.path, line=None, message="not a τ-bench file: expected a JSON array")
        return
    domain, model = file_axes(source.path)
    walk = walk_array(source.text)
    for element in walk.records:
        line = source.line_of(element.start)
        bad = source.first_bad(element.start, element.end)
        if bad is not None:
            message = f"{source.describe_bad(bad)}; the record starting at line {line} was not read"
            yield SourceProblem(path=source.path, line=source.line_of(bad), message=message)
            continue
        build = partial(_transcript, element.value, f"{source.path}:{line}", domain, model)
        yield from guarded(source.path, line, build)
    if walk.broken is not None:
        line, message = describe_broken(source, walk.broken)
        yield SourceProblem(path=source.path, line=line, message=message)


def file_axes(path: str) -> tuple[str | None, str | None]:
    """The domain and model a τ-bench file name states (``gpt-4o-airline.json``: ``("airline", "gpt-4o")``)."""
    name = PurePath(path).name
    for domain in DOMAINS:
        at = name.find(domain)
        if at >= 0:
            return domain, name[:at].rstrip("-_. ") or None
    return None, None


def _transcript(value: object, where: str, file_domain: str | None, model: str | None) -> Transcript:
    record = as_mapping(value, "the record")
    task_id = req_key(record, "task_id")
    trial = req_int(record, "trial")
    reward = req_number(record, "reward")
    info = opt_mapping(record, "info") or {}
    turns = openai_turns(req_list(record, "traj"), "traj")
    system = turns[0].content if turns[0].role == "system" else None
    heading = _HEADING.match(system or "")
    prompt_domain = heading.group(1).lower() if heading else None
    if file_domain and prompt_domain and file_domain != prompt_domain:
        raise RecordError(f"the file name says {file_domain!r} but the system prompt is the {prompt_domain!r} policy")
    domain = file_domain or prompt_domain
    if domain is None:
        raise RecordError("no domain: neither the file name nor the system prompt heading names one")
    model_part = f"{model}/" if model else ""
    return Transcript(
        id=f"tau-bench/{domain}/{model_part}task-{task_id}/trial-{trial}",
        turns=turns,
        metadata=TranscriptMetadata(
            source=where,
            format=FORMAT,
            evidence_level="interaction",
            model=model,
            scaffold=SCAFFOLD,
            scaffold_digest=scaffold_digest(system) if system else None,
            domain=domain,
            task_id=task_id,
            outcome=reward,
            extra=_extra(trial, info),
        ),
    )


def _extra(trial: int, info: Mapping[str, object]) -> dict[str, MetadataValue]:
    extra: dict[str, MetadataValue] = {"trial": trial}
    user_cost = opt_number(info, "user_cost", "info")
    if user_cost is not None:
        extra["user_cost"] = user_cost
    last_step = opt_str(info, "source", "info")
    if last_step is not None:
        extra["last_step_source"] = last_step
    reward_info = opt_mapping(info, "reward_info", "info") or {}
    parts = opt_mapping(reward_info, "info", "info.reward_info") or {}
    for key in ("r_actions", "r_outputs"):
        part = opt_number(parts, key, "info.reward_info.info")
        if part is not None:
            extra[key] = part
    return extra
