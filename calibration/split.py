"""A deterministic dev/test split of coded items: a seeded hash of the item id, so adding items never moves others."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Part = Literal["dev", "test", "all"]
"""Which items a report covers: ``test`` (held out; admission uses only these), ``dev`` (for prompt work), ``all``."""


class SplitSpec(BaseModel):
    """How coded items are split; recorded in every report and admission."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    seed: int = 0
    """Salt of the hash; another seed gives an independent split."""

    test_fraction: float = Field(default=0.5, gt=0.0, lt=1.0)
    """Expected share of items in the test part."""

    def part_of(self, item_id: str) -> Literal["dev", "test"]:
        """The part an item belongs to: ``test`` when sha256(seed, id) maps below ``test_fraction``.

        Example:
            >>> spec = SplitSpec(seed=0, test_fraction=0.5)
            >>> [spec.part_of(i) for i in ("a", "b", "c", "d")] == [spec.part_of(i) for i in ("a", "b", "c", "d")]
            True
        """
        digest = hashlib.sha256(f"assay-split:{self.seed}:{item_id}".encode()).digest()
        return "test" if int.from_bytes(digest[:8], "big") / 2**64 < self.test_fraction else "dev"

    def select(self, item_ids: Iterable[str], part: Part) -> list[str]:
        """The ids of ``item_ids`` that fall in ``part`` (all of them for ``all``), in the given order."""
        if part == "all":
            return list(item_ids)
        return [i for i in item_ids if self.part_of(i) == part]
