"""The profile report's records: systems, cells (system x dimension), comparisons, judges, evidence.

These are what every view renders (Markdown, HTML, CSV, Parquet); nothing is computed in a view.
"""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PROFILE_SCHEMA_VERSION = 1

CellStatus = Literal["measured", "provisional", "gap"]
"""``measured``: from admitted judges only; ``provisional``: from a judge not admitted (``--provisional``);
``gap``: no admitted judge, nothing shown."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class System(_Frozen):
    """One system: a combination of the grouping axes' values."""

    key: str
    """Display name, the axis values joined with `` / ``."""

    axes: dict[str, str]
    """Axis -> value (``"unknown"`` where the metadata lacks it)."""

    n_transcripts: int
    """Transcripts (items) of this system in the runs."""

    evidence_levels: dict[str, int]
    """Transcripts per evidence level (model / response / interaction / deployment)."""

    scaffold_digests: tuple[str, ...]
    """Distinct scaffold digests among its transcripts (one means the scaffold was fixed)."""


class Cell(_Frozen):
    """One system on one dimension."""

    system: str
    """The system's key."""

    dimension: str
    """The dimension id."""

    status: CellStatus
    """Measured, provisional, or a gap."""

    gap_reason: str | None = None
    """Why nothing is shown (gaps only)."""

    judges: tuple[str, ...] = ()
    """Short handles of the judges whose judgments the cell uses."""

    n_scored: int = 0
    """Items with a level."""

    n_na: int = 0
    """Items judged not applicable."""

    unscored: dict[str, int] = Field(default_factory=dict)
    """Items without a level, by status (never counted as a level)."""

    distribution: dict[int, int] = Field(default_factory=dict)
    """Items per level, every level of the scale (in scale order)."""

    mean: float | None = None
    """Mean level over scored items (``None`` when none)."""

    ci_low: float | None = None
    """Lower bound of the 95% bootstrap CI of the mean (resampling items)."""

    ci_high: float | None = None
    """Upper bound."""

    judge_agreement: float | None = None
    """Krippendorff's alpha between the cell's judges (several judges only)."""

    @property
    def n(self) -> int:
        """All items of the system on this dimension."""
        return self.n_scored + self.n_na + sum(self.unscored.values())


class Comparison(_Frozen):
    """The difference of two systems' means on one dimension."""

    dimension: str
    """The dimension id."""

    a: str
    """First system."""

    b: str
    """Second system."""

    difference: float
    """mean(b) - mean(a)."""

    ci_low: float
    """95% bootstrap CI (each system's items resampled independently)."""

    ci_high: float
    """Upper bound."""

    provisional: bool
    """True when either side is provisional."""

    @property
    def clear(self) -> bool:
        """Whether the CI excludes 0."""
        return self.ci_low > 0 or self.ci_high < 0


class Interaction(_Frozen):
    """A scaffold changes a dimension for one model but not for another."""

    dimension: str
    """The dimension id."""

    changed_for: str
    """The model whose systems differ clearly across scaffolds."""

    unchanged_for: str
    """The model whose systems do not."""

    detail: str
    """The two comparisons in words."""


class JudgeUse(_Frozen):
    """A judge that contributed to the profile, with its admission evidence per dimension."""

    run_id: str
    """Its run."""

    judge: str
    """Short handle."""

    judge_digest: str
    """Fingerprint digest."""

    rubric: str
    """Rubric name."""

    dimension: str
    """The dimension."""

    admitted: bool
    """Admitted for this dimension."""

    evidence: str
    """The admission's statistic, CI, n and ceiling in words, or why it is not admitted."""


class ProfileReport(_Frozen):
    """Alignment profiles of several systems over a rubric's dimensions, with their evidence and gaps."""

    schema_version: int = PROFILE_SCHEMA_VERSION
    """Report format version."""

    created_at: datetime
    """When it was computed (UTC)."""

    runs: tuple[str, ...]
    """The runs it draws on."""

    rubric: str
    """The rubric name."""

    rubric_digest: str
    """The rubric digest."""

    by: tuple[str, ...]
    """The grouping axes."""

    provisional: bool
    """Whether unadmitted judges were shown (their cells are marked)."""

    combine_rule: str
    """How several admitted judges' labels for one item are combined."""

    dimensions: tuple[str, ...]
    """Dimension ids in rubric order."""

    levels: dict[str, tuple[int, ...]]
    """Scale values per dimension."""

    systems: tuple[System, ...]
    """The systems, sorted by key."""

    cells: tuple[Cell, ...]
    """One per system x dimension."""

    comparisons: tuple[Comparison, ...]
    """Pairwise differences per dimension (measured or provisional cells only)."""

    interactions: tuple[Interaction, ...]
    """Model x scaffold interactions found (needs ``model`` and ``scaffold`` among the axes)."""

    judges: tuple[JudgeUse, ...]
    """Every run's judge per dimension, admitted or not."""

    @cached_property
    def cell_index(self) -> dict[tuple[str, str], Cell]:
        """``(system, dimension) -> cell``."""
        return {(cell.system, cell.dimension): cell for cell in self.cells}

    def cell(self, system: str, dimension: str) -> Cell:
        """The cell of one system and dimension.

        Raises:
            KeyError: when there is no such cell.
        """
        return self.cell_index[(system, dimension)]
