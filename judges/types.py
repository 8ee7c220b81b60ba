"""The records that cross module boundaries: transcripts in, judgments out.

All records are frozen Pydantic models that forbid unknown fields. Field order is part of the on-disk format of
``judgments.jsonl``.
"""

from __future__ import annotations

import hashlib
import json
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Role = Literal["system", "user", "assistant", "tool"]
"""Canonical turn roles; readers map every alias (human, gpt, bot, model, developer, ...) onto these."""

EvidenceLevel = Literal["model", "response", "interaction", "deployment"]
"""At which level a transcript is evidence: a model benchmark item, a single response, a whole interaction with a
user (simulated or real) through a scaffold, or a logged deployment conversation."""

UnscoredStatus = Literal[
    "truncated",
    "refused",
    "content_filtered",
    "parse_error",
    "out_of_range",
    "timeout",
    "transport_error",
    "quota_exhausted",
    "too_long",
    "invalid_input",
    "backend_error",
]
"""Why a judgment carries no level. Such judgments are counted, never scored."""

Status = Literal["ok"] | UnscoredStatus
"""``ok`` (a level or N/A) or the reason there is none."""

TRANSCRIPT_FORMAT = "numbered-turns-v1"
"""Name of the text rendering of :meth:`Transcript.render`; part of every judge fingerprint."""

MetadataValue = str | int | float | bool | None


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class ToolCall(_Frozen):
    """A tool (function) call made by the assistant."""

    name: str
    """The tool's name."""

    arguments: str
    """The arguments as JSON text (canonicalised by readers when they arrive as objects)."""

    id: str | None = None
    """The provider's call id, used to pair the call with its result."""


class Turn(_Frozen):
    """One message of a conversation."""

    index: int = Field(ge=0)
    """Position in the transcript, from 0; evidence quotes cite it."""

    role: Role
    """Who produced the turn."""

    content: str | None = None
    """The text, or ``None`` (an assistant turn that only calls tools)."""

    tool_calls: tuple[ToolCall, ...] = ()
    """Tool calls the assistant made in this turn."""

    tool_call_id: str | None = None
    """For tool results: the id of the call this answers."""

    name: str | None = None
    """For tool results: the tool's name, where the source records it."""

    @model_validator(mode="after")
    def _not_empty(self) -> Turn:
        if self.content is None and not self.tool_calls:
            raise ValueError(f"turn {self.index} ({self.role}) has neither content nor tool calls")
        return self

    def render(self) -> str:
        """The turn as one text block, ``[index] role: content``, tool calls written out as calls."""
        who = self.role if self.role != "tool" or not self.name else f"tool {self.name}"
        lines = []
        if self.content is not None and self.content != "":
            lines.append(f"[{self.index}] {who}: {self.content}")
        for call in self.tool_calls:
            lines.append(f"[{self.index}] {who} calls {call.name}({call.arguments})")
        if not lines:  # an empty string was said; show it rather than dropping the turn
            lines.append(f"[{self.index}] {who}: ")
        return "\n".join(lines)


class TranscriptMetadata(_Frozen):
    """Where a transcript comes from and which system produced it."""

    source: str
    """The file (and line or record) it was read from."""

    format: str
    """The reader that produced it: ``chat-jsonl``, ``tau-bench``, ``tau2-bench``."""

    evidence_level: EvidenceLevel
    """What kind of evidence this transcript is (see :data:`EvidenceLevel`)."""

    model: str | None = None
    """The assistant's model, as the source names it."""

    scaffold: str | None = None
    """The scaffold around the model (agent harness, system prompt, tools, user simulator), as a name."""

    scaffold_digest: str | None = None
    """``sha256:<hex>`` over the scaffold's system prompt and tool list, when the source carries them."""

    domain: str | None = None
    """Task domain or family, e.g. ``airline``."""

    task_id: str | None = None
    """The task or scenario id within its benchmark, as a string."""

    outcome: float | None = None
    """A known outcome label (e.g. the benchmark's programmatic reward), if any."""

    extra: dict[str, MetadataValue] = Field(default_factory=dict)
    """Further source fields (trial, termination reason, user simulator, ...)."""


class Transcript(_Frozen):
    """A conversation to grade: id, ordered turns, metadata."""

    id: str = Field(min_length=1)
    """Unique within a transcript set; always a string (``"00123"`` is not ``123``)."""

    turns: tuple[Turn, ...] = Field(min_length=1)
    """The turns in order; ``turns[i].index == i``."""

    metadata: TranscriptMetadata
    """Provenance and system axes."""

    @model_validator(mode="after")
    def _indexed(self) -> Transcript:
        for position, turn in enumerate(self.turns):
            if turn.index != position:
                raise ValueError(f"turn at position {position} has index {turn.index}")
        return self

    def render(self) -> str:
        """The transcript as numbered turns, the text judges see and evidence quotes are checked against."""
        return "\n".join(turn.render() for turn in self.turns)

    @cached_property
    def digest(self) -> str:
        """``sha256:<hex>`` over the canonical JSON of id, turns and metadata except ``source``.

        Where the file was read from is left out: the same transcript read from a moved or differently
        spelled path is the same transcript (so a run can be resumed from anywhere).
        """
        content = self.model_dump(mode="json", exclude={"metadata": {"source"}})
        payload = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()


class Evidence(_Frozen):
    """A quote a judge cites from the transcript, and whether it was found there."""

    quote: str
    """The quoted text, as the judge gave it."""

    turn: int | None = None
    """The turn index the judge attributed it to."""

    verified: bool | None = None
    """Whether the quote was found in the transcript (``None``: not checked)."""

    found_turn: int | None = None
    """The turn where it was actually found."""

    match: Literal["exact", "normalized", "fuzzy", "none"] | None = None
    """How it was found."""


class Usage(_Frozen):
    """Token counts of the calls behind one judgment."""

    prompt_tokens: int = 0
    """Tokens sent (for a local model: evaluated, excluding a reused prefix)."""

    completion_tokens: int = 0
    """Tokens generated."""

    cached_tokens: int = 0
    """Prompt tokens served from a cache (the local model's reused prefix)."""


class Judgment(_Frozen):
    """One judge's answer for one transcript on one dimension: a level, N/A, or a typed reason for neither."""

    transcript_id: str
    """The graded transcript."""

    dimension: str
    """The rubric dimension id."""

    status: Status
    """``ok`` or why there is no level."""

    level: int | None = None
    """The chosen level (``ok`` and applicable only)."""

    not_applicable: bool = False
    """``True`` when the judge answered N/A (``status`` is ``ok``, ``level`` is ``None``)."""

    distribution: dict[str, float] | None = None
    """Probabilities over the answers (``"0"``, ``"1"``, ``"2"``, ``"N/A"``), for judges that expose them."""

    rationale: str | None = None
    """The judge's reasoning, when it gives one."""

    evidence: tuple[Evidence, ...] = ()
    """Quotes cited, with their verification."""

    attempts: int = Field(default=1, ge=0)
    """Calls made for this judgment (more than one means a retry or a re-ask)."""

    usage: Usage = Field(default_factory=Usage)
    """Token counts."""

    latency_s: float = 0.0
    """Wall time spent on this judgment by the backend."""

    error: str | None = None
    """For unscored judgments: what went wrong, in words."""

    raw: str | None = None
    """The raw model output or error body, for inspection."""

    @model_validator(mode="after")
    def _consistent(self) -> Judgment:
        if self.status == "ok":
            if (self.level is None) == (not self.not_applicable):
                raise ValueError("an ok judgment has exactly one of a level or not_applicable")
        elif self.level is not None or self.not_applicable:
            raise ValueError(f"a judgment with status {self.status!r} carries no level and no N/A")
        return self

    @property
    def key(self) -> tuple[str, str]:
        """``(transcript_id, dimension)``: what a run grades once."""
        return (self.transcript_id, self.dimension)
