"""The backend seam: one method, ``complete``, from a rendered request to verdicts.

A backend raises :class:`~judges.errors.JudgmentFailure` for an item it could not judge (the runner records it)
and :class:`~judges.errors.BackendError` when it cannot serve the run at all.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from judges.types import Evidence, Transcript, Usage
from prompts import ChatMessage, Dimension


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class BackendInfo(_Frozen):
    """What a backend resolved its configuration to; recorded in the judge fingerprint."""

    backend: str
    """Registry name, e.g. ``local``."""

    model: str
    """The model as requested (or the backend's default name for it)."""

    resolved_model: str
    """The model actually served (a file name, a provider's dated snapshot)."""

    model_digest: str | None = None
    """``sha256:<hex>`` of the model weights, where the backend can see them."""

    scoring: str
    """How a level is obtained, e.g. ``level-token-probabilities`` or ``structured-output``."""

    details: dict[str, str | int | float | bool | None] = Field(default_factory=dict)
    """Further resolved settings that change answers (context size, quantisation, ...)."""


class JudgeRequest(_Frozen):
    """One request to a backend: a transcript, the dimensions to judge, and the rendered prompt."""

    transcript: Transcript
    """The transcript being judged."""

    dimensions: tuple[Dimension, ...] = Field(min_length=1)
    """The dimensions this request answers (one in ``per_dimension`` mode)."""

    messages: tuple[ChatMessage, ...] = Field(min_length=1)
    """The rendered prompt."""

    answer_prefix: str = ""
    """Text the answer starts with, for backends that pre-fill the assistant turn."""


class Verdict(_Frozen):
    """A backend's answer for one dimension."""

    dimension: str
    """The dimension id."""

    level: int | None = None
    """The chosen level, or ``None`` with ``not_applicable``."""

    not_applicable: bool = False
    """The judge answered N/A."""

    distribution: dict[str, float] | None = None
    """Probabilities over the answers, where the backend exposes them."""

    rationale: str | None = None
    """The judge's reasoning, if any."""

    evidence: tuple[Evidence, ...] = ()
    """Quotes the judge cited (verification is the runner's job)."""


class Completion(_Frozen):
    """A backend's whole answer to one request."""

    verdicts: tuple[Verdict, ...]
    """One verdict per requested dimension."""

    raw: str | None = None
    """The raw output, for inspection."""

    usage: Usage = Field(default_factory=Usage)
    """Tokens used by the request."""

    attempts: int = Field(default=1, ge=1)
    """Calls made, retries and re-asks included."""

    latency_s: float = 0.0
    """Wall time of the request."""


@runtime_checkable
class Backend(Protocol):
    """A judge backend. ``info`` describes it; ``complete`` answers one request; ``aclose`` releases it."""

    @property
    def info(self) -> BackendInfo:
        """The resolved backend description (part of the judge fingerprint)."""
        ...

    async def complete(self, request: JudgeRequest) -> Completion:
        """Answer one request.

        Raises:
            JudgmentFailure: the item could not be judged (typed status).
            BackendError: the backend cannot serve any request.
        """
        ...

    async def aclose(self) -> None:
        """Release the model, clients and connections."""
        ...
