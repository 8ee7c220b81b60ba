"""Prompt templates: text with a closed set of placeholders, rendered into chat messages.

Templates are data (YAML under ``prompts/templates/``). A placeholder outside :data:`PLACEHOLDERS` is an error
when the template is loaded, never an empty string at render time.
"""

from __future__ import annotations

import string
from functools import cached_property
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from prompts._digest import canonical_digest
from prompts.errors import TemplateError
from prompts.rubric import NA, Dimension, Rubric

TEMPLATES_DIR = Path(__file__).parent / "templates"
"""Where templates named without a path (``level-v1``) are looked up."""

NA_TOKEN = "N"
"""What a level-answering judge writes for "not applicable"."""

PLACEHOLDERS = frozenset(
    {
        "rubric_title",
        "rubric_description",
        "transcript",
        "dimension_id",
        "dimension_name",
        "question",
        "levels",
        "not_applicable",
        "answer_options",
    }
)
"""Every placeholder a template may use."""


class ChatMessage(BaseModel):
    """One message of a rendered prompt."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    role: Literal["system", "user", "assistant"]
    """Who speaks."""

    content: str
    """The text."""


class PromptTemplate(BaseModel):
    """A versioned prompt: a system message, a user message and an optional answer prefix."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    """Template identifier, e.g. ``"level"``."""

    version: int = Field(ge=1)
    """Bump when the wording changes; the digest changes anyway."""

    system: str = Field(min_length=1)
    """The system message."""

    user: str = Field(min_length=1)
    """The user message; must contain ``{transcript}``."""

    answer_prefix: str = ""
    """Text the assistant's answer starts with (pre-filled by backends that can, e.g. ``"Level: "``)."""

    @model_validator(mode="after")
    def _known_placeholders(self) -> PromptTemplate:
        for part in ("system", "user"):
            try:
                names = {field for _, field, _, _ in string.Formatter().parse(getattr(self, part)) if field is not None}
            except ValueError as exc:
                raise ValueError(f"{part}: malformed braces ({exc}); write literal braces as {{{{ }}}}") from exc
            unknown = sorted(names - PLACEHOLDERS)
            if unknown:
                raise ValueError(f"{part}: undefined placeholder(s) {unknown}; allowed: {sorted(PLACEHOLDERS)}")
        if "{transcript}" not in self.user:
            raise ValueError("user: must contain {transcript}")
        return self

    @property
    def name(self) -> str:
        """``<id>-v<version>``."""
        return f"{self.id}-v{self.version}"

    @cached_property
    def digest(self) -> str:
        """``sha256:<hex>`` over the canonical JSON of the template."""
        return canonical_digest(self)


def available_templates() -> list[str]:
    """Names of the templates that ship with assay."""
    return sorted(p.stem for p in TEMPLATES_DIR.glob("*.yaml"))


def load_template(name_or_path: str | Path) -> PromptTemplate:
    """Load a template by shipped name (``"level-v1"``) or by path.

    Raises:
        TemplateError: naming the file, for a missing file, bad YAML, a missing field or an undefined placeholder.

    Example:
        >>> load_template("level-v1").name
        'level-v1'
    """
    path = Path(name_or_path)
    if path.suffix not in {".yaml", ".yml"} and not path.exists():
        path = TEMPLATES_DIR / f"{name_or_path}.yaml"
        if not path.is_file():
            raise TemplateError(
                f"unknown template {str(name_or_path)!r}; shipped: {available_templates()} (or give a path)"
            )
    if not path.is_file():
        raise TemplateError(f"{path}: template file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path}: not a readable YAML template: {exc}") from exc
    if not isinstance(data, dict):
        raise TemplateError(f"{path}: a template must be a mapping with id, version, system, user")
    try:
        return PromptTemplate.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '<top level>'}: {e['msg']}" for e in exc.errors())
        raise TemplateError(f"{path}: invalid template: {problems}") from exc


def answer_options(dimension: Dimension) -> list[str]:
    """The answer tokens a level-answering judge may give for this dimension, in scale order (N/A last)."""
    options = [str(v) for v in dimension.scale.values]
    if dimension.scale.allows_na:
        options.append(NA_TOKEN)
    return options


def _levels_block(dimension: Dimension) -> str:
    return "\n".join(f"{level.value} = {level.label}: {level.anchor}" for level in dimension.scale.levels)


def render(
    template: PromptTemplate, transcript: str, rubric: Rubric, dimensions: tuple[Dimension, ...]
) -> tuple[ChatMessage, ...]:
    """Render the template for one transcript and one dimension into chat messages.

    Args:
        template: the prompt template.
        transcript: the transcript already rendered as text (numbered turns).
        rubric: the rubric the dimension belongs to.
        dimensions: exactly one dimension (templates that grade several at once come with their own renderer).

    Returns:
        ``(system, user)`` messages. The answer prefix is not included; backends that can pre-fill add it.

    Raises:
        TemplateError: if not exactly one dimension is given or it is not part of the rubric.
    """
    if len(dimensions) != 1:
        raise TemplateError(f"template {template.name} grades one dimension at a time, got {len(dimensions)}")
    (dimension,) = dimensions
    if dimension not in rubric.dimensions:
        raise TemplateError(f"dimension {dimension.id!r} is not part of rubric {rubric.name}")
    options = answer_options(dimension)
    na = dimension.scale.not_applicable
    values = {
        "rubric_title": rubric.title,
        "rubric_description": rubric.description,
        "transcript": transcript,
        "dimension_id": dimension.id,
        "dimension_name": dimension.name,
        "question": dimension.question,
        "levels": _levels_block(dimension),
        "not_applicable": f"{NA_TOKEN} = {NA}: {na}" if na is not None else "N/A is not allowed on this dimension.",
        "answer_options": ", ".join(options[:-1]) + " or " + options[-1],
    }
    return (
        ChatMessage(role="system", content=template.system.format_map(values)),
        ChatMessage(role="user", content=template.user.format_map(values)),
    )
