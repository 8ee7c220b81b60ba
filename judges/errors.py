"""Errors of the ``judges`` package.

A failed *judgment* is data (a :class:`~judges.types.Judgment` with an unscored status); a broken *run* is an
exception. :class:`JudgmentFailure` is the one exception that crosses the backend seam for a single item: the
runner turns it into a record and goes on.

Exception tree::

    JudgeError(Exception)
    ├── ConfigError(JudgeError, ValueError)        bad judge configuration, unknown backend
    │   └── MissingExtraError(ConfigError, ImportError)   the backend's optional dependency is not installed
    ├── SourceError(JudgeError, ValueError)        a transcript file or record is unreadable (names file and line)
    ├── BackendError(JudgeError)                   the backend cannot serve this run at all (model file, auth)
    ├── JudgmentFailure(JudgeError)                one item failed with a typed status; becomes a Judgment
    └── RunError(JudgeError)                       the run as a whole failed (failure rate over the limit, ...)
        ├── RunInterrupted(RunError)               stopped by the user (Ctrl-C); the run can be resumed
        └── RunLogError(RunError, ValueError)      a run directory is missing, corrupt, or cannot be resumed
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from judges.types import UnscoredStatus


class JudgeError(Exception):
    """Base class of every error raised by the ``judges`` package."""


class ConfigError(JudgeError, ValueError):
    """The judge configuration is invalid (unknown backend, bad parameter)."""


class MissingExtraError(ConfigError, ImportError):
    """A backend's optional dependency is missing; the message says what to install."""


class SourceError(JudgeError, ValueError):
    """A transcript file or one record in it could not be read.

    Attributes:
        path: the file.
        line: the 1-based line (``None`` when the problem concerns the whole file).
        reason: what is wrong, without the location.
    """

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}")


class BackendError(JudgeError):
    """The backend cannot grade at all (model file missing, authentication refused)."""


class JudgmentFailure(JudgeError):
    """One request failed; the runner records it as an unscored judgment with this status.

    Attributes:
        status: the typed reason (``too_long``, ``parse_error``, ...).
        attempts: how many calls were made.
        raw: the raw output or error body, if any.
    """

    def __init__(self, status: UnscoredStatus, message: str, *, attempts: int = 1, raw: str | None = None) -> None:
        self.status: UnscoredStatus = status
        self.attempts = attempts
        self.raw = raw
        super().__init__(message)


class RunError(JudgeError):
    """The run as a whole failed; judgments already written stay on disk and the run can be resumed."""


class RunInterrupted(RunError):
    """The user interrupted the run; what was done is saved and ``--resume`` finishes it."""


class RunLogError(RunError, ValueError):
    """A run directory is missing, corrupt, or does not match the configuration it is resumed with."""
