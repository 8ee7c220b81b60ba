"""The admission gate: a judge configuration is admitted per dimension only when it agrees with held-out human codes.

A decision is keyed by judge fingerprint digest x rubric digest x dimension and stored, with its evidence, in an
append-only registry (``admissions.jsonl`` beside the runs). The latest entry for a key is in force; a judge with
a different fingerprint (another model snapshot, prompt, mode or parameter) has no entry until it is calibrated.
"""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from calibration.agreement import AgreementReport, DimensionAgreement, Estimate
from calibration.errors import AdmissionError
from calibration.split import SplitSpec
from judges.runlog import utc_now

REGISTRY_FILE = "admissions.jsonl"
"""The registry's file name inside the runs directory."""

Statistic = Literal["auto", "weighted_kappa_quadratic", "weighted_kappa_linear", "kappa", "alpha_with_judge"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class AdmissionPolicy(_Frozen):
    """When a judge is admitted for a dimension. Every criterion must hold, on the test part of the split."""

    statistic: Statistic = "auto"
    """The statistic of the judge against the human consensus that is gated; ``auto`` is quadratic-weighted kappa
    on ordinal and interval scales and unweighted kappa on nominal ones (distances between nominal categories
    mean nothing)."""

    threshold: float = Field(default=0.6, ge=-1.0, le=1.0)
    """The lower bound of the statistic's bootstrap CI must reach this."""

    min_items: int = Field(default=30, ge=1)
    """At least this many test items must enter the statistic."""

    ceiling_fraction: float = Field(default=0.8, ge=0.0, le=1.0)
    """The statistic's point estimate must reach this fraction of the human ceiling (humans' alpha, same items)."""

    require_ceiling: bool = False
    """Refuse when the ceiling is undefined (e.g. a single reference coder); otherwise that criterion is skipped."""


def load_policy(path: Path) -> AdmissionPolicy:
    """Read a policy from YAML or JSON.

    Raises:
        AdmissionError: naming the file and the field.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return AdmissionPolicy.model_validate(data or {})
    except (OSError, yaml.YAMLError) as exc:
        raise AdmissionError(f"{path}: unreadable policy: {exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        fields = ", ".join(AdmissionPolicy.model_fields)
        raise AdmissionError(f"{path}: invalid policy: {problems} (policy fields: {fields})") from exc


class AdmissionDecision(_Frozen):
    """Admitted or refused, for one judge x rubric x dimension, with the evidence and the reasons."""

    judge_digest: str
    """The judge fingerprint digest."""

    judge: str
    """The judge's short handle."""

    rubric_digest: str
    """The rubric digest."""

    rubric: str
    """The rubric name."""

    dimension: str
    """The dimension id."""

    admitted: bool
    """Whether the judge may be used for profiles on this dimension."""

    reasons: tuple[str, ...]
    """Why: each failed criterion, or the criteria met."""

    statistic: str
    """The gated statistic."""

    value: float
    """Its point estimate (NaN when undefined)."""

    ci_low: float
    """Lower CI bound."""

    ci_high: float
    """Upper CI bound."""

    n: int
    """Test items that entered the statistic."""

    ceiling: float
    """Humans' alpha on the same items (NaN when undefined)."""

    policy: AdmissionPolicy
    """The policy applied."""

    split: SplitSpec
    """The split; the decision uses its test part."""

    codes_source: str
    """Where the human codes came from."""

    codes_digest: str
    """Digest of the human codes."""

    run_id: str
    """The run the evidence came from."""

    decided_at: datetime
    """When (UTC)."""

    revoked_by: str | None = None
    """For a revocation entry: what revoked the admission (e.g. a drift report)."""

    @property
    def key(self) -> tuple[str, str, str]:
        """``(judge_digest, rubric_digest, dimension)``."""
        return (self.judge_digest, self.rubric_digest, self.dimension)


def _statistic(entry: DimensionAgreement, statistic: Statistic) -> str:
    if statistic != "auto":
        return statistic
    return "kappa" if entry.level_of_measurement == "nominal" else "weighted_kappa_quadratic"


def decide(report: AgreementReport, policy: AdmissionPolicy) -> list[AdmissionDecision]:
    """Apply the policy to every dimension of a report made on the test part.

    Raises:
        AdmissionError: when the report is not on the held-out test part.
    """
    if report.part != "test":
        raise AdmissionError(f"admission is decided on held-out test items only; this report covers {report.part!r}")
    decided_at = utc_now()
    decisions = []
    for entry in report.dimensions:
        name = _statistic(entry, policy.statistic)
        estimate: Estimate = getattr(entry, name)
        value = estimate.stat.value
        low = estimate.ci.low if estimate.ci is not None else math.nan
        high = estimate.ci.high if estimate.ci is not None else math.nan
        ceiling = entry.alpha_humans.stat.value
        failed: list[str] = []
        met: list[str] = []
        n = estimate.stat.n
        if n < policy.min_items:
            failed.append(f"only {n} test items (policy needs {policy.min_items})")
        if not estimate.stat.defined:
            failed.append(f"{name} undefined: {estimate.stat.undefined_reason}")
        elif math.isnan(low):
            reason = estimate.ci.unreliable_reason if estimate.ci is not None else "no interval"
            failed.append(f"no confidence interval ({reason})")
        elif low < policy.threshold:
            failed.append(f"{name} lower CI bound {low:.3f} < {policy.threshold} (value {value:.3f})")
        else:
            met.append(f"{name} lower CI bound {low:.3f} >= {policy.threshold}")
        if math.isnan(ceiling):
            why = entry.alpha_humans.stat.undefined_reason
            if policy.require_ceiling:
                failed.append(f"human ceiling undefined ({why})")
            else:
                met.append(f"ceiling criterion skipped: human ceiling undefined ({why})")
        elif estimate.stat.defined and value < policy.ceiling_fraction * ceiling:
            failed.append(
                f"{value:.3f} < {policy.ceiling_fraction:g} x human ceiling {ceiling:.3f} "
                f"(= {policy.ceiling_fraction * ceiling:.3f})"
            )
        elif estimate.stat.defined:
            met.append(f"{value:.3f} >= {policy.ceiling_fraction:g} x human ceiling {ceiling:.3f}")
        decisions.append(
            AdmissionDecision(
                judge_digest=report.judge_digest,
                judge=report.judge,
                rubric_digest=report.rubric_digest,
                rubric=report.rubric,
                dimension=entry.dimension,
                admitted=not failed,
                reasons=tuple(failed or met),
                statistic=name,
                value=value,
                ci_low=low,
                ci_high=high,
                n=n,
                ceiling=ceiling,
                policy=policy,
                split=report.split,
                codes_source=report.codes_source,
                codes_digest=report.codes_digest,
                run_id=report.run_id,
                decided_at=decided_at,
            )
        )
    return decisions


class AdmissionsRegistry:
    """The append-only log of decisions; the latest entry per key is in force."""

    def __init__(self, path: Path) -> None:
        """Use the registry file at ``path`` (created on first record)."""
        self.path = path

    def entries(self) -> list[AdmissionDecision]:
        """Every entry in order.

        Raises:
            AdmissionError: naming the file and line of a corrupt entry.
        """
        if not self.path.exists():
            return []
        out = []
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                out.append(AdmissionDecision.model_validate_json(line))
            except ValidationError as exc:
                raise AdmissionError(
                    f"{self.path}:{number}: corrupt admission entry: {exc.errors()[0]['msg']}"
                ) from exc
        return out

    def current(self) -> dict[tuple[str, str, str], AdmissionDecision]:
        """The decision in force per key."""
        return {entry.key: entry for entry in self.entries()}

    def lookup(self, judge_digest: str, rubric_digest: str, dimension: str) -> AdmissionDecision | None:
        """The decision in force for this judge, rubric and dimension, or ``None`` (never calibrated)."""
        return self.current().get((judge_digest, rubric_digest, dimension))

    def is_admitted(self, judge_digest: str, rubric_digest: str, dimension: str) -> bool:
        """Whether that judge is admitted for that dimension now."""
        decision = self.lookup(judge_digest, rubric_digest, dimension)
        return decision is not None and decision.admitted

    def record(self, decisions: list[AdmissionDecision]) -> None:
        """Append decisions (one line each)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            for decision in decisions:
                handle.write(decision.model_dump_json() + "\n")

    def revoke(
        self, judge_digest: str, rubric_digest: str, dimension: str, *, reason: str, by: str
    ) -> AdmissionDecision:
        """Record that an admission no longer holds (e.g. the judge drifted), until it is calibrated again.

        Raises:
            AdmissionError: when there is no admission in force to revoke.
        """
        current = self.lookup(judge_digest, rubric_digest, dimension)
        if current is None or not current.admitted:
            raise AdmissionError(f"no admission in force for {dimension} of judge {judge_digest[:15]}")
        revoked = current.model_copy(
            update={"admitted": False, "reasons": (reason,), "revoked_by": by, "decided_at": utc_now()}
        )
        self.record([revoked])
        return revoked


def registry_for(runs_dir: Path) -> AdmissionsRegistry:
    """The registry that lives beside the runs in ``runs_dir``."""
    return AdmissionsRegistry(runs_dir / REGISTRY_FILE)
