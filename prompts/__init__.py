"""Rubric and prompt-template data plus their loaders. Imports nothing else of assay and never touches the network."""

from prompts.errors import PromptError, RubricError, TemplateError
from prompts.rubric import NA, Dimension, Level, LevelOfMeasurement, Rubric, Scale, available_rubrics, load_rubric
from prompts.template import (
    NA_TOKEN,
    PLACEHOLDERS,
    ChatMessage,
    PromptTemplate,
    answer_options,
    available_templates,
    load_template,
    render,
)

__all__ = [
    "NA",
    "NA_TOKEN",
    "PLACEHOLDERS",
    "ChatMessage",
    "Dimension",
    "Level",
    "LevelOfMeasurement",
    "PromptError",
    "PromptTemplate",
    "Rubric",
    "RubricError",
    "Scale",
    "TemplateError",
    "answer_options",
    "available_rubrics",
    "available_templates",
    "load_rubric",
    "load_template",
    "render",
]
