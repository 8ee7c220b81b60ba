"""Errors of the ``calibration`` package.

Exception tree::

    CalibrationError(Exception)
    ├── CodesError(CalibrationError, ValueError)      a human-code or judge-output file is unreadable or off-scale
    ├── AlignmentError(CalibrationError, ValueError)  a run and the codes share no items or dimensions
    └── AdmissionError(CalibrationError, ValueError)  a policy file is invalid, or the registry is corrupt
"""

from __future__ import annotations


class CalibrationError(Exception):
    """Base class of every error raised by the ``calibration`` package."""


class CodesError(CalibrationError, ValueError):
    """A codes or judge-output file could not be read; the message names the file, the line and the value.

    Attributes:
        path: the file.
        line: the 1-based line or record number (``None`` for the whole file).
    """

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        self.path = path
        self.line = line
        super().__init__(f"{path}:{line}: {reason}" if line is not None else f"{path}: {reason}")


class AlignmentError(CalibrationError, ValueError):
    """A run and a set of codes cannot be compared (no shared items, dimensions, or rubric)."""


class AdmissionError(CalibrationError, ValueError):
    """An admission policy or the admissions registry is invalid."""
