"""Errors raised while loading rubrics and prompt templates.

Exception tree::

    PromptError(Exception)
    ├── RubricError(PromptError, ValueError)     a rubric file is missing, unparsable or invalid
    └── TemplateError(PromptError, ValueError)   a template is invalid or names an undefined placeholder
"""

from __future__ import annotations


class PromptError(Exception):
    """Base class of every error raised by the ``prompts`` package."""


class RubricError(PromptError, ValueError):
    """A rubric could not be found, parsed or validated; the message names the file and the field."""


class TemplateError(PromptError, ValueError):
    """A prompt template could not be loaded or rendered; the message names the file and the placeholder."""
