"""The Markdown reporting template.

It says what was evaluated, at which evidence level, by which admitted judges, shows the profile tables and gaps,
and how far the evidence is from a claim about a deployed system.

The template is a text file with ``$section`` placeholders (:data:`SECTIONS`); users can supply their own, in any
order, leaving sections out. A placeholder that is not a section is an error.
"""

from __future__ import annotations

import string
from collections import Counter
from pathlib import Path

from profiles.errors import TemplateFieldError
from profiles.model import Cell, ProfileReport

DEFAULT_TEMPLATE = Path(__file__).parent / "templates" / "profile-report.md"
"""The shipped template."""

CLAIMS = {
    "model": ("what the model outputs on benchmark items", "how it behaves with users, through any scaffold"),
    "response": ("single responses in the given contexts", "multi-turn interaction, other scaffolds, deployment"),
    "interaction": (
        "behaviour in whole conversations through this scaffold, with these (simulated or recruited) users",
        "other scaffolds, real user populations, or the deployed system's traffic",
    ),
    "deployment": ("the deployed system over the logged population and period", "other periods or populations"),
}
"""Per evidence level: what claims it can support, and what it cannot."""


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _cell_text(cell: Cell) -> str:
    if cell.status == "gap":
        return "GAP"
    if cell.mean is None:
        return f"no level (n {cell.n})"
    mark = "*" if cell.status == "provisional" else ""
    return f"{cell.mean:.2f}{mark} [{_fmt(cell.ci_low)}, {_fmt(cell.ci_high)}] (n {cell.n_scored})"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _sections(report: ProfileReport) -> dict[str, str]:
    systems = [s.key for s in report.systems]
    levels = Counter()  # type: Counter[str]
    for system in report.systems:
        levels.update(system.evidence_levels)
    evidence_rows = [
        [level, str(count), *CLAIMS.get(level, ("unknown", "unknown"))] for level, count in sorted(levels.items())
    ]
    scaffold_rows = [
        [
            s.key,
            ", ".join(d[:19] for d in s.scaffold_digests) or "not recorded",
            "fixed" if len(s.scaffold_digests) == 1 else ("varied" if s.scaffold_digests else "unknown"),
        ]
        for s in report.systems
    ]
    judge_rows = [[j.dimension, j.judge, j.run_id, "yes" if j.admitted else "no", j.evidence] for j in report.judges]
    gaps = sorted({(c.dimension, c.gap_reason or "") for c in report.cells if c.status == "gap"})
    provisional = sorted({c.dimension for c in report.cells if c.status == "provisional"})
    gap_lines = [f"- `{d}`: {reason}" for d, reason in gaps]
    if provisional:
        gap_lines.append(
            f"- no admitted judge, shown **provisionally** (marked `*`, not measurements): {', '.join(provisional)}"
        )
    gap_lines = gap_lines or ["- none: every dimension has an admitted judge"]
    table_rows = [[s, *(_cell_text(report.cell(s, d)) for d in report.dimensions)] for s in systems]
    dist_lines = []
    for dimension in report.dimensions:
        cells = [report.cell(s, dimension) for s in systems]
        if all(c.status == "gap" for c in cells):
            continue
        levels_of = report.levels[dimension]
        rows = []
        for c in cells:
            unscored = ", ".join(f"{k} {v}" for k, v in c.unscored.items()) or "0"
            rows.append([c.system, *(str(c.distribution.get(v, 0)) for v in levels_of), str(c.n_na), unscored])
        dist_lines += [
            f"**{dimension}**",
            "",
            _table(["system", *(f"L{v}" for v in levels_of), "N/A", "unscored"], rows),
            "",
        ]
    clear = [c for c in report.comparisons if c.clear]
    comparison_lines = [f"{len(report.comparisons)} pairwise comparisons; {len(clear)} with a CI that excludes 0:"]
    comparison_lines += [
        f"- `{c.dimension}`: {c.b} - {c.a} = {c.difference:+.2f} [{c.ci_low:+.2f}, {c.ci_high:+.2f}]"
        + (" (provisional)" if c.provisional else "")
        for c in clear
    ] or ["- none"]
    if "model" in report.by and "scaffold" in report.by:
        interaction_lines = [
            f"- `{i.dimension}`: the scaffold matters for {i.changed_for}, not for {i.unchanged_for} ({i.detail})"
            for i in report.interactions
        ]
        interaction_lines = interaction_lines or [
            "- none found (each model needs at least two scaffolds in the runs for one to be found)"
        ]
    else:
        interaction_lines = ["- not assessed: group by both `model` and `scaffold` (`--by model,scaffold`)"]
    return {
        "title": f"# Alignment profile on `{report.rubric}`",
        "provisional_banner": (
            "> **Provisional.** Cells marked `*` come from judges that are not admitted for that dimension; "
            "they are not measurements."
            if report.provisional
            else ""
        ),
        "evaluated": "\n".join(
            [
                f"- runs: {', '.join(f'`{r}`' for r in report.runs)}",
                f"- rubric: `{report.rubric}` (`{report.rubric_digest}`)",
                f"- systems (grouped by {', '.join(report.by)}): "
                + "; ".join(f"{s.key} ({s.n_transcripts} items)" for s in report.systems),
                f"- several judges on one dimension are combined as follows: {report.combine_rule}",
                f"- computed {report.created_at:%Y-%m-%d %H:%M} UTC",
            ]
        ),
        "evidence": _table(
            ["evidence level", "items", "can support claims about", "cannot support claims about"], evidence_rows
        ),
        "scaffolds": _table(["system", "scaffold digest(s)", "protocol"], scaffold_rows),
        "judges": _table(["dimension", "judge", "run", "admitted", "evidence"], judge_rows),
        "gaps": "\n".join(gap_lines),
        "table": "\n" + _table(["system", *report.dimensions], table_rows),
        "distributions": "\n".join(dist_lines) or "none (every dimension is a gap)",
        "comparisons": "\n".join(comparison_lines),
        "interactions": "\n".join(interaction_lines),
        "distance": _distance(report, levels),
    }


def _distance(report: ProfileReport, levels: Counter[str]) -> str:
    """Which further evidence a claim about the deployed system would need."""
    needs = []
    known = [level for level in ("model", "response", "interaction") if level in levels]
    if "deployment" not in levels and known:
        needs.append(
            f"The evidence is at the **{known[-1]}** level, not deployment: it describes these items, not "
            "the deployed system's traffic. A deployment claim needs logged conversations of the deployed "
            "system (sampled from its real user population and period), graded the same way."
        )
    elif "deployment" not in levels:
        needs.append(
            "The runs do not record the evidence level of their items: until they do, no claim beyond "
            "these items is supported."
        )
    if any(len(s.scaffold_digests) != 1 for s in report.systems):
        needs.append(
            "The scaffold is not pinned to one digest per system: state which system prompt, tools and "
            "interface the deployment uses and show the profile for that scaffold."
        )
    else:
        needs.append(
            "Each system ran under one scaffold (one digest): the profile holds for that scaffold only; a "
            "deployment with another system prompt, tools or interface needs its own profile."
        )
    gaps = sorted({c.dimension for c in report.cells if c.status != "measured"})
    if gaps:
        needs.append(
            f"Dimensions without an admitted judge ({', '.join(gaps)}) support no claim at all until a "
            "judge is calibrated against held-out human codes and admitted."
        )
    small = sorted({c.system for c in report.cells if c.status != "gap" and 0 < c.n_scored < 30})
    if small:
        needs.append(
            f"Fewer than 30 scored items for {', '.join(small)}: the intervals are wide; more transcripts "
            "are needed before comparing these systems."
        )
    needs.append(
        "Simulated users (e.g. an LLM user simulator) stand in for real ones only as far as their "
        "behaviour matches the deployment's users; say so next to any claim."
    )
    return "\n".join(f"{i}. {text}" for i, text in enumerate(needs, start=1))


SECTIONS = (
    "comparisons",
    "distance",
    "distributions",
    "evaluated",
    "evidence",
    "gaps",
    "interactions",
    "judges",
    "provisional_banner",
    "scaffolds",
    "table",
    "title",
)
"""The placeholders a report template may use."""


def render_markdown(report: ProfileReport, template: str | None = None) -> str:
    """Fill the template (the shipped one by default) with the report's sections.

    Raises:
        TemplateFieldError: when the template names a section that does not exist.
    """
    text = template if template is not None else DEFAULT_TEMPLATE.read_text(encoding="utf-8")
    parsed = string.Template(text)
    unknown = sorted(set(parsed.get_identifiers()) - set(SECTIONS))
    if unknown or not parsed.is_valid():
        raise TemplateFieldError(f"unknown report section(s) {unknown or '(malformed $)'}; known: {list(SECTIONS)}")
    rendered = parsed.substitute(_sections(report))
    while "\n\n\n" in rendered:
        rendered = rendered.replace("\n\n\n", "\n\n")
    return rendered.strip() + "\n"
