"""Content digests shared by rubric and template records."""

from __future__ import annotations

import hashlib
import json

from pydantic import BaseModel


def canonical_digest(model: BaseModel) -> str:
    """Return ``sha256:<hex>`` over the model's canonical JSON (sorted keys, no whitespace)."""
    payload = json.dumps(model.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()
