"""Human codes and judge outputs by format name: what ``--codes-format`` and ``assay import`` take."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from calibration.errors import CodesError
from calibration.human import HumanCodes, read_long_codes
from judges import Run
from prompts import Rubric, load_rubric


def _fed(path: Path, rubric: Rubric | None) -> HumanCodes:
    from calibration.readers.fed import read_fed_codes

    return read_fed_codes(path)


def _fed_turn(path: Path, rubric: Rubric | None) -> HumanCodes:
    from calibration.readers.fed import read_fed_codes

    return read_fed_codes(path, level="turn")


def _usr(path: Path, rubric: Rubric | None) -> HumanCodes:
    from calibration.readers.usr import read_usr_codes

    return read_usr_codes(path)


def _dices(path: Path, rubric: Rubric | None) -> HumanCodes:
    from calibration.readers.dices import read_dices_codes

    return read_dices_codes(path)


def _squality(path: Path, rubric: Rubric | None) -> HumanCodes:
    from calibration.readers.squality import read_squality_codes

    return read_squality_codes(path)


def _abc_eval(path: Path, rubric: Rubric | None) -> HumanCodes:
    from calibration.readers.abc_eval import read_abc_eval_codes

    return read_abc_eval_codes(path)


def _llmbar(path: Path, rubric: Rubric | None) -> HumanCodes:
    from calibration.readers.llmbar import read_llmbar_gold

    return read_llmbar_gold(path)


def _tau2(path: Path, rubric: Rubric | None) -> HumanCodes:
    from calibration.readers.tau2_judges import read_tau2_reward

    return read_tau2_reward(path)


def _long(path: Path, rubric: Rubric | None) -> HumanCodes:
    if rubric is None:
        raise CodesError(str(path), None, "a long table of codes needs --rubric (the scale its values are on)")
    return read_long_codes(path, rubric)


CODE_FORMATS: Mapping[str, Callable[[Path, Rubric | None], HumanCodes]] = {
    "abc-eval": _abc_eval,
    "dices": _dices,
    "fed": _fed,
    "fed-turn": _fed_turn,
    "llmbar-gold": _llmbar,
    "long": _long,
    "squality": _squality,
    "tau2-reward": _tau2,
    "usr": _usr,
}
"""Human-code formats by name."""


def detect_codes_format(path: Path) -> str:
    """Guess the codes format from the file name (``long`` for .csv/.jsonl/.parquet).

    Raises:
        CodesError: when the name says nothing; pass the format explicitly then.
    """
    name = path.name.lower()
    rules = [
        ("fed_data", "fed"),
        ("usr_", "usr"),
        ("dices_", "dices"),
        ("all-responses", "squality"),
        ("behavior-classification", "abc-eval"),
        ("llmbar", "llmbar-gold"),
        ("judge_", "tau2-reward"),
        ("simulations", "tau2-reward"),
    ]
    for needle, fmt in rules:
        if needle in name or (fmt == "llmbar-gold" and path.is_dir()):
            return fmt
    if path.suffix.lower() in {".csv", ".jsonl", ".ndjson", ".parquet"}:
        return "long"
    raise CodesError(str(path), None, f"cannot tell the codes format from the name; pass one of {sorted(CODE_FORMATS)}")


def read_codes(path: Path, *, format: str = "auto", rubric: str | None = None) -> HumanCodes:
    """Read human codes in a named format (or detected from the file name).

    Raises:
        CodesError: for an unknown format, or anything the reader reports (file, line, value).
    """
    fmt = detect_codes_format(path) if format == "auto" else format
    reader = CODE_FORMATS.get(fmt)
    if reader is None:
        raise CodesError(str(path), None, f"unknown codes format {fmt!r}; known: {sorted(CODE_FORMATS)}")
    return reader(path, load_rubric(rubric) if rubric else None)


def import_outputs(
    format: str,
    paths: Sequence[Path],
    *,
    out_dir: Path,
    rubric: str | None = None,
    mapping: Mapping[str, int | None] | None = None,
) -> list[Run]:
    """Import judge outputs made elsewhere as runs.

    Formats: ``abc-eval`` (GPT-3.5 labels), ``abc-eval-specialized``, ``llmbar`` (six judges x two orders),
    ``tau2-judges`` (one run per judge prompt file), ``long`` (a table item, dimension, judge, label; needs
    ``rubric``).

    Raises:
        CodesError: for an unknown format, a wrong number of paths, or an unreadable file.
    """
    if format in {"abc-eval", "abc-eval-specialized"}:
        from calibration.readers.abc_eval import import_abc_eval

        return [
            import_abc_eval(p, out_dir=out_dir, judge="specialized" if format.endswith("specialized") else "gpt")
            for p in paths
        ]
    if format == "llmbar":
        from calibration.readers.llmbar import import_llmbar

        return [run for p in paths for run in import_llmbar(p, out_dir=out_dir)]
    if format == "tau2-judges":
        from calibration.readers.tau2_judges import import_tau2_judges

        return import_tau2_judges(list(paths), out_dir=out_dir, mapping=mapping)
    if format == "long":
        from calibration.readers.generic import import_long_judgments

        if rubric is None:
            raise CodesError(str(paths[0]) if paths else "-", None, "importing a long table needs --rubric")
        loaded = load_rubric(rubric)
        return [
            run
            for p in paths
            for run in import_long_judgments(p, loaded, rubric_source=rubric, out_dir=out_dir, mapping=mapping)
        ]
    known = ["abc-eval", "abc-eval-specialized", "llmbar", "long", "tau2-judges"]
    raise CodesError(str(paths[0]) if paths else "-", None, f"unknown import format {format!r}; known: {known}")
