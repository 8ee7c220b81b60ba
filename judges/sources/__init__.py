"""Transcript readers: one per source format, and one entry point that reads many files into a checked set.

Formats (see each module for its mapping onto :class:`~judges.types.Transcript`):

- ``chat-jsonl`` (:mod:`judges.sources.chat_jsonl`): one ``{"id", "messages", "metadata"}`` object per line.
- ``tau-bench`` (:mod:`judges.sources.tau_bench`): τ-bench trajectory arrays.
- ``tau2-bench`` (:mod:`judges.sources.tau2_bench`): τ²-bench simulation results.

:func:`read_transcripts` never raises for bad input: each unreadable record or file becomes a
:class:`SourceProblem` (file and 1-based line), and every other transcript is still returned.
"""

from judges.sources._common import ReadResult, SourceProblem
from judges.sources._messages import ROLE_ALIASES
from judges.sources._read import FORMATS, detect_format, read_transcripts

__all__ = [
    "FORMATS",
    "ROLE_ALIASES",
    "ReadResult",
    "SourceProblem",
    "detect_format",
    "read_transcripts",
]
