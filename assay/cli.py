"""The command group and the error boundary: library errors become one-line messages and exit code 2."""

from __future__ import annotations

import shutil
import signal
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import click

from assay.calibrate import admit_command, calibrate_command
from assay.grade import grade_command
from assay.importing import import_command
from assay.profile import profile_command
from assay.runs import runs_group
from calibration import CalibrationError
from judges import JudgeError, RunInterrupted
from prompts import PromptError


def _version() -> str:
    try:
        return version("assay")
    except PackageNotFoundError:
        return "unknown"


def _prog() -> str:
    """How the user invoked assay, so that printed commands can be pasted back as they are."""
    argv0 = sys.argv[0]
    if Path(argv0).name == "assay":
        return "assay" if shutil.which("assay") == str(Path(argv0).resolve()) else argv0
    return "python -m assay"


def _terminate(signum: int, frame: object) -> None:
    # SIGTERM stops a run like Ctrl-C does: judgments made are kept and the resume command is printed
    raise KeyboardInterrupt


class _Group(click.Group):
    """Turns the packages' own errors into a clear message instead of a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        signal.signal(signal.SIGTERM, _terminate)
        try:
            return super().invoke(ctx)
        except RunInterrupted as exc:
            click.secho(str(exc).replace("assay grade --resume", f"{_prog()} grade --resume"), fg="yellow", err=True)
            sys.exit(130)
        except (JudgeError, PromptError, CalibrationError) as exc:
            message = str(exc).replace("assay grade --resume", f"{_prog()} grade --resume")
            click.secho(f"error: {message}", fg="red", err=True)
            sys.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(_version(), prog_name="assay")
def main() -> None:
    """Grade AI chat and agent transcripts with LLM judges against a versioned rubric.

    \b
    Start here:
      assay grade data/tau2-airline/*.json --judge local   grade with the embedded judge (no API key)
      assay runs list                                      the runs under ./runs
      assay runs show RUN_ID                               per-dimension levels, N/A and failures
      assay calibrate RUN_ID --human CODES                 agreement with held-out human codes
      assay admit RUN_ID --human CODES                     admit or refuse the judge per dimension
      assay import tau2-judges FILE...                     judge outputs made elsewhere, as runs
      assay profile RUN_ID... [--provisional]              alignment profiles from admitted judges
    """


main.add_command(grade_command)
main.add_command(runs_group)
main.add_command(import_command)
main.add_command(calibrate_command)
main.add_command(admit_command)
main.add_command(profile_command)
