"""Rubrics: versioned sets of dimensions, each with an anchored ordinal (or nominal/interval) scale.

A rubric is data (YAML under ``prompts/rubrics/``); this module validates it into frozen records and gives it a
stable digest, so that every judgment can say exactly which rubric text it was made against.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from prompts._digest import canonical_digest
from prompts.errors import RubricError

RUBRICS_DIR = Path(__file__).parent / "rubrics"
"""Where rubrics named without a path (``interaction-v1``) are looked up."""

NA = "N/A"
"""The label under which a not-applicable answer is stored and shown."""

LevelOfMeasurement = Literal["nominal", "ordinal", "interval"]

_ID_PATTERN = r"^[a-z][a-z0-9_]*$"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class Level(_Frozen):
    """One point of a scale with the anchor text that tells a coder when to choose it."""

    value: int
    """The stored code, e.g. ``0``, ``1``, ``2``."""

    label: str = Field(min_length=1)
    """A short name for the level, e.g. ``"Verifiable"``."""

    anchor: str = Field(min_length=1)
    """Concrete, observable description of behaviour that earns this level."""


class Scale(_Frozen):
    """An ordered set of levels plus the rule for when the dimension does not apply."""

    level_of_measurement: LevelOfMeasurement
    """How the values may be compared; statistics take their metric from here (never a default)."""

    levels: tuple[Level, ...] = Field(min_length=2)
    """The levels in scale order (ascending values). The order is what weighted statistics use."""

    not_applicable: str | None = None
    """When the dimension does not apply (N/A is then a valid answer); ``None`` means N/A is not allowed."""

    @field_validator("levels")
    @classmethod
    def _ascending_unique(cls, levels: tuple[Level, ...]) -> tuple[Level, ...]:
        values = [level.value for level in levels]
        if len(set(values)) != len(values):
            raise ValueError(f"level values must be unique, got {values}")
        if values != sorted(values):
            raise ValueError(f"levels must be listed in ascending order of value, got {values}")
        return levels

    @property
    def values(self) -> tuple[int, ...]:
        """The level values in scale order."""
        return tuple(level.value for level in self.levels)

    @property
    def allows_na(self) -> bool:
        """Whether N/A is a valid answer on this scale."""
        return self.not_applicable is not None


class Dimension(_Frozen):
    """One behaviour the rubric codes, with its question and its scale."""

    id: str = Field(pattern=_ID_PATTERN)
    """Stable identifier that human codes and other tools refer to, e.g. ``"verification_support"``."""

    name: str = Field(min_length=1)
    """Human-readable name."""

    question: str = Field(min_length=1)
    """The question a coder answers for this dimension."""

    scale: Scale
    """The levels to choose from."""


class Rubric(_Frozen):
    """A versioned set of dimensions. Bump ``version`` whenever a change invalidates earlier judgments."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    """Rubric identifier, e.g. ``"interaction"``."""

    version: int = Field(ge=1)
    """Version number; judgments made under different versions are not comparable."""

    title: str = Field(min_length=1)
    """One-line title."""

    description: str = Field(min_length=1)
    """General coding instructions that apply to every dimension."""

    dimensions: tuple[Dimension, ...] = Field(min_length=1)
    """The dimensions, in the order they are shown and graded."""

    @model_validator(mode="after")
    def _unique_dimension_ids(self) -> Rubric:
        ids = [d.id for d in self.dimensions]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"dimension ids must be unique, repeated: {duplicates}")
        return self

    @property
    def name(self) -> str:
        """``<id>-v<version>``, the name under which the rubric is referred to."""
        return f"{self.id}-v{self.version}"

    @cached_property
    def digest(self) -> str:
        """``sha256:<hex>`` over the canonical JSON of the whole rubric; any edit changes it."""
        return canonical_digest(self)

    def dimension(self, dimension_id: str) -> Dimension:
        """Return the dimension with this id.

        Raises:
            KeyError: naming the known ids, if there is no such dimension.
        """
        for dimension in self.dimensions:
            if dimension.id == dimension_id:
                return dimension
        raise KeyError(
            f"rubric {self.name} has no dimension {dimension_id!r}; it has {[d.id for d in self.dimensions]}"
        )

    def select(self, dimension_ids: list[str] | None) -> tuple[Dimension, ...]:
        """Return the named dimensions in rubric order, or all of them for ``None``.

        Raises:
            RubricError: if a name is not a dimension of this rubric.
        """
        if dimension_ids is None:
            return self.dimensions
        unknown = [d for d in dimension_ids if d not in {dim.id for dim in self.dimensions}]
        if unknown:
            raise RubricError(
                f"rubric {self.name} has no dimension {unknown}; it has {[d.id for d in self.dimensions]}"
            )
        return tuple(d for d in self.dimensions if d.id in dimension_ids)


def available_rubrics() -> list[str]:
    """Names of the rubrics that ship with assay (usable without a path)."""
    return sorted(p.stem for p in RUBRICS_DIR.glob("*.yaml"))


def _resolve(name_or_path: str | Path) -> Path:
    path = Path(name_or_path)
    if path.suffix in {".yaml", ".yml", ".json"} or path.exists():
        if not path.is_file():
            raise RubricError(f"{path}: rubric file not found")
        return path
    candidate = RUBRICS_DIR / f"{name_or_path}.yaml"
    if not candidate.is_file():
        raise RubricError(
            f"unknown rubric {str(name_or_path)!r}; shipped rubrics: {available_rubrics()} (or give a path)"
        )
    return candidate


def _location(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "<top level>"


def load_rubric(name_or_path: str | Path) -> Rubric:
    """Load and validate a rubric by shipped name (``"interaction-v1"``) or by path to a YAML/JSON file.

    Args:
        name_or_path: a name from :func:`available_rubrics` or a file path.

    Returns:
        The validated, frozen rubric.

    Raises:
        RubricError: naming the file (and the line for syntax errors, the field path for invalid content).

    Example:
        >>> rubric = load_rubric("interaction-v1")
        >>> rubric.name, len(rubric.dimensions), rubric.dimensions[0].scale.values
        ('interaction-v1', 8, (0, 1, 2))
    """
    path = _resolve(name_or_path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RubricError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise RubricError(f"{path}{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(data, dict):
        raise RubricError(f"{path}: a rubric must be a mapping with id, version, title, description, dimensions")
    try:
        return Rubric.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{_location(tuple(e['loc']))}: {e['msg']}" for e in exc.errors())
        raise RubricError(f"{path}: invalid rubric: {problems}") from exc
