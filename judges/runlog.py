"""Run directories: ``runs/<run_id>/manifest.json`` (written first) and ``judgments.jsonl`` (appended as we go).

The manifest says exactly who judged what: the judge fingerprint (backend, resolved model and its digest, mode,
template and rubric digests, sampling parameters), the transcript set's digest, the package versions and the git
state. Every judgment is appended as one JSON line the moment it is done, so a killed run loses at most the line
being written, and ``--resume`` finishes it without redoing or duplicating anything.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import platform
import subprocess
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from ulid import ULID

from judges.backend import BackendInfo
from judges.config import JudgeConfig
from judges.errors import RunLogError
from judges.types import TRANSCRIPT_FORMAT, Judgment, Transcript, TranscriptMetadata

SCHEMA_VERSION = 1
"""Version of the run directory format; bump when a field changes meaning or order."""

MANIFEST = "manifest.json"
JUDGMENTS = "judgments.jsonl"
ITEMS = "items.jsonl"
"""One line per graded item: its id and metadata (model, scaffold, domain, ...), the axes profiles group by."""

_PACKAGES = ("assay", "pydantic", "llama-cpp-python", "instructor", "openai", "anthropic", "krippendorff")


def _digest(payload: object) -> str:
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class JudgeFingerprint(_Frozen):
    """Everything that determines a judge's answers. Two runs with equal digests come from the same judge."""

    backend: BackendInfo
    """The backend as resolved: model served, weights digest, scoring method, resolved settings."""

    mode: str
    """``per_dimension`` or ``rubric``."""

    template: str
    """Template name."""

    template_digest: str
    """``sha256:<hex>`` of the template."""

    rubric: str
    """Rubric name (``id-vN``)."""

    rubric_digest: str
    """``sha256:<hex>`` of the rubric."""

    transcript_format: str = TRANSCRIPT_FORMAT
    """How transcripts are rendered into the prompt."""

    params: dict[str, str | int | float | bool | None]
    """Sampling and shaping parameters."""

    @property
    def digest(self) -> str:
        """``sha256:<hex>`` over the whole fingerprint."""
        return _digest(self.model_dump(mode="json"))

    @property
    def short(self) -> str:
        """A short handle for tables: ``<backend>/<model>@<first 8 hex of the digest>``."""
        return f"{self.backend.backend}/{self.backend.model}@{self.digest[7:15]}"


class TranscriptSet(_Frozen):
    """The transcripts a run grades."""

    sources: tuple[str, ...]
    """The input files, as absolute paths."""

    count: int
    """Number of transcripts selected."""

    limit: int | None = None
    """``--limit`` as given (the first N transcripts in input order)."""

    digest: str
    """``sha256:<hex>`` over the ordered (id, transcript digest) pairs."""

    input_problems: tuple[str, ...] = ()
    """Records that could not be read (file:line: reason); they are not part of the run."""


def transcript_set_digest(transcripts: Iterable[Transcript]) -> str:
    """Digest of an ordered transcript selection."""
    return _digest([[t.id, t.digest] for t in transcripts])


class Environment(_Frozen):
    """Where the run was made."""

    python: str
    """Python version."""

    platform: str
    """OS and machine."""

    packages: dict[str, str | None]
    """Installed versions of assay and the libraries that shape judgments (``None``: not installed)."""

    git_commit: str | None
    """Commit of the assay checkout, when run from one."""

    git_dirty: bool | None
    """Whether that checkout had uncommitted changes."""


def capture_environment() -> Environment:
    """Record Python, platform, package versions and the git state of the assay source tree."""
    packages: dict[str, str | None] = {}
    for name in _PACKAGES:
        try:
            packages[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            packages[name] = None
    root = Path(__file__).resolve().parents[1]
    commit: str | None = None
    dirty: bool | None = None
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, check=True, timeout=10,
        ).stdout  # fmt: skip
        dirty = bool(status.strip())
    except (OSError, subprocess.SubprocessError):
        pass  # not a git checkout (an installed wheel): nothing to record
    return Environment(
        python=platform.python_version(),
        platform=f"{platform.system()} {platform.machine()}",
        packages=packages,
        git_commit=commit,
        git_dirty=dirty,
    )


class RunManifest(_Frozen):
    """The identity of a run. Written before the first judgment; rewritten only to record completion."""

    schema_version: int = SCHEMA_VERSION
    """Run directory format version."""

    run_id: str
    """ULID: sortable by creation time."""

    created_at: datetime
    """When the run was started (UTC)."""

    completed_at: datetime | None = None
    """When every judgment had been made (UTC); ``None`` while running or after an interruption."""

    judge: JudgeFingerprint
    """Who judges."""

    judge_digest: str
    """``judge.digest``, stored for lookups by other tools."""

    config: JudgeConfig
    """The full configuration, operational fields included."""

    rubric_source: str
    """The rubric as it was named (shipped name or path), to re-load it on resume."""

    dimensions: tuple[str, ...]
    """The rubric dimensions graded, in rubric order."""

    transcripts: TranscriptSet
    """What is graded."""

    environment: Environment
    """Versions and git state."""

    resumed_at: tuple[datetime, ...] = ()
    """Each time the run was resumed (UTC)."""

    imported_from: str | None = None
    """For runs imported from judge outputs made elsewhere: the source file and its sha256."""


def check_resumable(manifest: RunManifest) -> None:
    """Refuse to resume a finished run (imported runs are finished as imported).

    Raises:
        RunLogError: saying why there is nothing to resume.
    """
    if manifest.completed_at is not None:
        how = f"imported from {manifest.imported_from}" if manifest.imported_from else "complete"
        raise RunLogError(f"run {manifest.run_id} is already {how}; nothing to resume")


def new_run_id() -> str:
    """A fresh ULID string."""
    return str(ULID())


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def write_manifest(run_dir: Path, manifest: RunManifest) -> None:
    """Write (or atomically replace) ``manifest.json``."""
    _write_atomic(run_dir / MANIFEST, manifest.model_dump_json(indent=2) + "\n")


def read_manifest(run_dir: Path) -> RunManifest:
    """Read and validate ``manifest.json``.

    Raises:
        RunLogError: naming the file, when it is missing, unreadable or of another schema version.
    """
    path = run_dir / MANIFEST
    if not path.is_file():
        raise RunLogError(f"{path}: no manifest; is {run_dir} a run directory?")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RunLogError(f"{path}: unreadable manifest: {exc}") from exc
    version = data.get("schema_version") if isinstance(data, dict) else None
    if version != SCHEMA_VERSION:
        raise RunLogError(f"{path}: schema_version {version!r}; this assay reads version {SCHEMA_VERSION}")
    try:
        return RunManifest.model_validate(data)
    except ValidationError as exc:
        raise RunLogError(f"{path}: invalid manifest: {exc}") from exc


def iter_judgments(run_dir: Path, *, repair: bool = False) -> Iterator[Judgment]:
    """Yield the judgments of a run in the order they were written.

    A last line without its newline is what a killed process leaves; it is skipped, and with ``repair`` cut
    off the file so that appending can go on. Any other unreadable line is an error.

    Raises:
        RunLogError: naming the file and line of a corrupt record.
    """
    path = run_dir / JUDGMENTS
    if not path.exists():
        return
    data = path.read_bytes()
    complete_end = data.rfind(b"\n") + 1
    if complete_end < len(data) and repair:
        with path.open("r+b") as handle:
            handle.truncate(complete_end)
    for number, line in enumerate(data[:complete_end].splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield Judgment.model_validate_json(line)
        except ValidationError as exc:
            raise RunLogError(f"{path}:{number}: corrupt judgment record: {exc.errors()[0]['msg']}") from exc


class Run(_Frozen):
    """A run as read back: its manifest and its judgments (first record per key wins)."""

    path: Path
    """The run directory."""

    manifest: RunManifest
    """Identity of the run."""

    judgments: tuple[Judgment, ...]
    """The judgments in the order they were made."""

    duplicates: int = Field(default=0, ge=0)
    """Records whose (transcript, dimension) had already been written (should be 0)."""

    @property
    def complete(self) -> bool:
        """Whether the run finished (every planned judgment made)."""
        return self.manifest.completed_at is not None

    @property
    def expected(self) -> int:
        """How many judgments the run plans: transcripts x dimensions."""
        return self.manifest.transcripts.count * len(self.manifest.dimensions)


def load_run(run_dir: Path) -> Run:
    """Read a run directory.

    Raises:
        RunLogError: when the directory is not a readable run.
    """
    manifest = read_manifest(run_dir)
    seen: set[tuple[str, str]] = set()
    kept: list[Judgment] = []
    duplicates = 0
    for judgment in iter_judgments(run_dir):
        if judgment.key in seen:
            duplicates += 1
            continue
        seen.add(judgment.key)
        kept.append(judgment)
    return Run(path=run_dir, manifest=manifest, judgments=tuple(kept), duplicates=duplicates)


def find_run(runs_dir: Path, run_id: str) -> Path:
    """Resolve a run id (a unique prefix of one, a path, or ``latest``: the newest run) to its directory.

    Raises:
        RunLogError: when no run or several runs match.
    """
    direct = Path(run_id)
    if (direct / MANIFEST).is_file():
        return direct
    if run_id == "latest":  # ULIDs sort by creation time, so the newest run is the greatest name
        runs = [p for p in runs_dir.iterdir() if (p / MANIFEST).is_file()] if runs_dir.is_dir() else []
        if not runs:
            raise RunLogError(f"no runs under {runs_dir}")
        return max(runs, key=lambda p: p.name)
    if not runs_dir.is_dir():
        raise RunLogError(f"{runs_dir}: no runs directory (use --runs DIR)")
    matches = sorted(p for p in runs_dir.iterdir() if p.name.startswith(run_id) and (p / MANIFEST).is_file())
    if not matches:
        raise RunLogError(f"no run {run_id!r} under {runs_dir}")
    if len(matches) > 1:
        raise RunLogError(f"{run_id!r} matches several runs under {runs_dir}: {[p.name for p in matches]}")
    return matches[0]


def list_runs(runs_dir: Path) -> list[RunManifest]:
    """Manifests of the runs under ``runs_dir``, oldest first; unreadable directories are skipped."""
    if not runs_dir.is_dir():
        return []
    manifests = []
    for child in sorted(runs_dir.iterdir()):
        if (child / MANIFEST).is_file():
            try:
                manifests.append(read_manifest(child))
            except RunLogError:
                continue
    return manifests


class ItemRecord(_Frozen):
    """One line of ``items.jsonl``."""

    id: str
    """The transcript (item) id, as judgments name it."""

    metadata: TranscriptMetadata
    """Its metadata."""


def write_items(run_dir: Path, items: Iterable[tuple[str, TranscriptMetadata]]) -> None:
    """Write ``items.jsonl`` (atomically)."""
    lines = (ItemRecord(id=item_id, metadata=meta).model_dump_json() + "\n" for item_id, meta in items)
    _write_atomic(run_dir / ITEMS, "".join(lines))


def read_items(run_dir: Path) -> dict[str, TranscriptMetadata]:
    """Item id -> metadata (empty for runs that carry none).

    Raises:
        RunLogError: naming the file and line of a corrupt record.
    """
    path = run_dir / ITEMS
    if not path.is_file():
        return {}
    out = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            record = ItemRecord.model_validate_json(line)
        except ValidationError as exc:
            raise RunLogError(f"{path}:{number}: corrupt item record: {exc.errors()[0]['msg']}") from exc
        out[record.id] = record.metadata
    return out


class JudgmentWriter:
    """Appends judgments to ``judgments.jsonl``, one line and one flush each, so a kill loses nothing done."""

    def __init__(self, run_dir: Path) -> None:
        """Open the file for appending."""
        self._handle: IO[str] = (run_dir / JUDGMENTS).open("a", encoding="utf-8")

    def write(self, judgment: Judgment) -> None:
        """Append one judgment and hand it to the OS."""
        self._handle.write(judgment.model_dump_json() + "\n")
        self._handle.flush()

    def close(self) -> None:
        """Flush to disk and close."""
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
