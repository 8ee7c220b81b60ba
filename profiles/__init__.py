"""Admitted judgments -> alignment profiles per system x dimension -> Markdown and HTML reports, CSV/Parquet tables."""

from profiles.csv_tables import write_tables
from profiles.errors import ProfileError, TemplateFieldError
from profiles.html import render_html
from profiles.model import (
    PROFILE_SCHEMA_VERSION,
    Cell,
    CellStatus,
    Comparison,
    Interaction,
    JudgeUse,
    ProfileReport,
    System,
)
from profiles.profile import COMBINE_RULE, GAP, axis_value, build_profile
from profiles.report import CLAIMS, DEFAULT_TEMPLATE, SECTIONS, render_markdown

__all__ = [
    "CLAIMS",
    "COMBINE_RULE",
    "DEFAULT_TEMPLATE",
    "GAP",
    "PROFILE_SCHEMA_VERSION",
    "SECTIONS",
    "Cell",
    "CellStatus",
    "Comparison",
    "Interaction",
    "JudgeUse",
    "ProfileError",
    "ProfileReport",
    "System",
    "TemplateFieldError",
    "axis_value",
    "build_profile",
    "render_html",
    "render_markdown",
    "write_tables",
]
