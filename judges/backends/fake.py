"""A deterministic fake backend, registered like the real ones, for tests and dry runs.

The answer for (transcript, dimension) is a pure function of the transcript digest, the dimension id and the
seed, so repeated runs and resumed runs agree exactly. Options (``JudgeConfig.options``):

- ``latency`` (seconds, default 0): sleep per request, to make runs slow enough to interrupt;
- ``fail_rate`` (0 to 1, default 0): share of items that fail with ``transport_error`` (also deterministic);
- ``na_rate`` (0 to 1, default 0.1): share of applicable-N/A dimensions answered N/A.
"""

from __future__ import annotations

import asyncio
import hashlib
import time

from judges.backend import BackendInfo, Completion, JudgeRequest, Verdict
from judges.config import JudgeConfig
from judges.errors import ConfigError, JudgmentFailure
from judges.types import Usage


def _unit(*parts: str) -> float:
    """A deterministic number in [0, 1) from the parts."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


class FakeBackend:
    """Answers from a hash; never touches the network."""

    def __init__(self, config: JudgeConfig) -> None:
        """Read the options.

        Raises:
            ConfigError: for an unknown option or an out-of-range value.
        """
        known = {"latency", "fail_rate", "na_rate"}
        unknown = sorted(set(config.options) - known)
        if unknown:
            raise ConfigError(f"fake backend: unknown option(s) {unknown}; known: {sorted(known)}")
        try:
            self._latency = float(config.options.get("latency", 0.0))
            self._fail_rate = float(config.options.get("fail_rate", 0.0))
            self._na_rate = float(config.options.get("na_rate", 0.1))
        except ValueError as exc:
            raise ConfigError(f"fake backend: options must be numbers: {exc}") from exc
        for name, value in (("fail_rate", self._fail_rate), ("na_rate", self._na_rate)):
            if not 0.0 <= value <= 1.0:
                raise ConfigError(f"fake backend: {name} must be between 0 and 1, got {value}")
        self._seed = str(config.seed)
        model = config.model or "hash"
        self._info = BackendInfo(backend="fake", model=model, resolved_model=f"fake-{model}", scoring="hash")

    @property
    def info(self) -> BackendInfo:
        """Static description."""
        return self._info

    async def complete(self, request: JudgeRequest) -> Completion:
        """Answer each requested dimension from the hash, after the configured latency."""
        started = time.perf_counter()
        if self._latency:
            await asyncio.sleep(self._latency)
        digest = request.transcript.digest
        if _unit(digest, "fail", self._seed) < self._fail_rate:
            raise JudgmentFailure("transport_error", "injected failure (fake backend fail_rate)")
        verdicts = []
        for dimension in request.dimensions:
            if dimension.scale.allows_na and _unit(digest, dimension.id, "na", self._seed) < self._na_rate:
                verdicts.append(Verdict(dimension=dimension.id, not_applicable=True))
                continue
            values = dimension.scale.values
            pick = values[int(_unit(digest, dimension.id, self._seed) * len(values))]
            verdicts.append(Verdict(dimension=dimension.id, level=pick))
        return Completion(
            verdicts=tuple(verdicts),
            raw="fake",
            usage=Usage(prompt_tokens=sum(len(m.content) for m in request.messages) // 4),
            latency_s=time.perf_counter() - started,
        )

    async def aclose(self) -> None:
        """Nothing to release."""
