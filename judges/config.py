"""The one frozen configuration object a grading run is built from and passes down."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

OptionValue = str | int | float | bool

Mode = Literal["per_dimension", "rubric"]


class JudgeConfig(BaseModel):
    """Everything that configures a judge and a grading run. Built once (CLI or file), never mutated.

    Fields marked *fingerprint* change what the judge is; the others only change how a run is executed.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    judge: str = "local"
    """*Fingerprint.* ``backend`` or ``backend/model``, e.g. ``local``, ``local/smollm2-135m``, ``fake/hash``."""

    model_path: str | None = None
    """*Fingerprint (through the file digest).* A GGUF file for the ``local`` backend instead of the bundled one."""

    template: str = "level-v1"
    """*Fingerprint.* Prompt template name or path."""

    mode: Mode = "per_dimension"
    """*Fingerprint.* One request per dimension, or one request for the whole rubric."""

    temperature: float = Field(default=0.0, ge=0.0)
    """*Fingerprint.* Sampling temperature (the local judge reads probabilities and does not sample)."""

    seed: int = 0
    """*Fingerprint.* Sampling seed, where the backend takes one."""

    max_tokens: int | None = Field(default=None, ge=1)
    """*Fingerprint.* Output token cap, where the backend generates text."""

    context_tokens: int | None = Field(default=None, ge=256)
    """*Fingerprint.* Context window for the local model (default: the model's training context, at most 8192)."""

    options: dict[str, OptionValue] = Field(default_factory=dict)
    """*Fingerprint.* Backend-specific options (e.g. the fake backend's ``latency`` and ``fail_rate``)."""

    max_retries: int = Field(default=2, ge=0)
    """Retries per judgment after a retryable failure."""

    timeout_s: float = Field(default=120.0, gt=0)
    """Time limit for one request."""

    concurrency: int = Field(default=1, ge=1)
    """Requests in flight at once (the local backend serialises its own work)."""

    threads: int | None = Field(default=None, ge=1)
    """CPU threads for the local model (default: all cores)."""

    max_failure_rate: float = Field(default=0.5, ge=0.0, le=1.0)
    """Stop the run once more than this share of judgments is unscored (checked after ``min_judgments``)."""

    min_judgments: int = Field(default=20, ge=1)
    """Judgments to finish before the failure rate is checked."""

    progress: bool = True
    """Show a progress bar."""

    @property
    def backend(self) -> str:
        """The backend name, the part of ``judge`` before ``/``."""
        return self.judge.split("/", 1)[0]

    @property
    def model(self) -> str | None:
        """The model part of ``judge`` after ``/``, or ``None`` for the backend's default."""
        parts = self.judge.split("/", 1)
        return parts[1] if len(parts) == 2 and parts[1] else None

    def fingerprint_params(self) -> dict[str, OptionValue | None]:
        """The sampling and shaping parameters that are part of the judge fingerprint."""
        params: dict[str, OptionValue | None] = {
            "temperature": self.temperature,
            "seed": self.seed,
            "max_tokens": self.max_tokens,
            "context_tokens": self.context_tokens,
        }
        params.update({f"option.{k}": v for k, v in sorted(self.options.items())})
        return params
