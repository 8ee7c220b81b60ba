"""Errors of the ``profiles`` package.

Exception tree::

    ProfileError(Exception)
    └── TemplateFieldError(ProfileError, ValueError)   a report template names a section that does not exist
"""

from __future__ import annotations


class ProfileError(Exception):
    """A profile cannot be computed from these runs (none given, different rubrics, a changed rubric)."""


class TemplateFieldError(ProfileError, ValueError):
    """A report template names an unknown section; the message lists the known ones."""
