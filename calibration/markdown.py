"""Agreement reports and admission decisions as Markdown."""

from __future__ import annotations

import math

from calibration.admission import AdmissionDecision
from calibration.agreement import AgreementReport, DimensionAgreement, Estimate


def _num(value: float) -> str:
    return "undefined" if math.isnan(value) else f"{value:.3f}"


def format_estimate(estimate: Estimate) -> str:
    """``0.512 [0.401, 0.610]``, with the reason where undefined and a mark where the CI is unreliable."""
    stat = estimate.stat
    if not stat.defined:
        return f"undefined ({stat.undefined_reason})"
    text = f"{stat.value:.3f}"
    ci = estimate.ci
    if ci is not None:
        text += f" [{_num(ci.low)}, {_num(ci.high)}]"
        if ci.unreliable_reason:
            text += " (!)"
    return text


def report_row(entry: DimensionAgreement) -> list[str]:
    """One dimension's line of the agreement table, in :data:`HEADERS` order."""
    return [
        entry.dimension,
        str(entry.n_items),
        str(entry.n_consensus),
        format_estimate(entry.percent_agreement),
        format_estimate(entry.kappa),
        format_estimate(entry.weighted_kappa_quadratic),
        "undefined" if not entry.mean_pairwise_kappa.defined else f"{entry.mean_pairwise_kappa.value:.3f}",
        format_estimate(entry.alpha_humans),
        format_estimate(entry.alpha_with_judge),
    ]


HEADERS = ["dimension", "items", "consensus", "agree", "kappa", "qw-kappa", "pairwise", "alpha humans", "alpha +judge"]


def report_markdown(report: AgreementReport, decisions: list[AdmissionDecision] | None = None) -> str:
    """The whole report: identity, split, rule, the table, per-dimension detail, and decisions if given."""
    lines = [
        f"# Agreement of judge `{report.judge}` with human codes",
        "",
        f"- run: `{report.run_id}`; judge fingerprint `{report.judge_digest}`",
        f"- rubric: `{report.rubric}` (`{report.rubric_digest}`)",
        f"- human codes: `{report.codes_source}` (`{report.codes_digest}`); coder ids: {report.coder_ids}",
        f"- split: seed {report.split.seed}, test fraction {report.split.test_fraction}; "
        f"this report: **{report.part}**",
        f"- consensus rule: {report.consensus_rule}",
        f"- intervals: bootstrap over items, {report.n_resamples} resamples, seed {report.seed}, 95% percentile;"
        " (!) marks an interval flagged unreliable",
        "",
        "| " + " | ".join(HEADERS) + " |",
        "|" + "---|" * len(HEADERS),
    ]
    lines += ["| " + " | ".join(report_row(entry)) + " |" for entry in report.dimensions]
    for entry in report.dimensions:
        lines += ["", f"## {entry.dimension}", ""]
        labels = [str(v) for v in entry.labels]
        lines.append("Confusion (rows: human consensus, columns: judge):")
        lines.append("")
        lines.append("| consensus \\ judge | " + " | ".join(labels) + " |")
        lines.append("|---|" + "---|" * len(labels))
        for label, row in zip(labels, entry.confusion, strict=True):
            lines.append(f"| {label} | " + " | ".join(str(c) for c in row) + " |")
        if entry.n_consensus:
            prev_h = ", ".join(f"{k}: {v:.2f}" for k, v in entry.prevalence_humans.items())
            prev_j = ", ".join(f"{k}: {v:.2f}" for k, v in entry.prevalence_judge.items())
            lines += ["", f"- prevalence, humans: {prev_h}; judge: {prev_j}"]
        else:
            lines += ["", "- prevalence: undefined (no item has both a judge level and a human consensus)"]
        if entry.excluded:
            lines.append("- excluded items: " + ", ".join(f"{k} {v}" for k, v in entry.excluded.items()))
        for name in ("kappa", "weighted_kappa_quadratic", "alpha_humans", "alpha_with_judge"):
            estimate: Estimate = getattr(entry, name)
            if estimate.ci is not None and (estimate.ci.unreliable_reason or estimate.ci.n_degenerate):
                lines.append(
                    f"- {name}: {estimate.ci.n_degenerate} of {estimate.ci.n_resamples} resamples degenerate"
                    + (f"; unreliable: {estimate.ci.unreliable_reason}" if estimate.ci.unreliable_reason else "")
                )
    if decisions:
        policy = decisions[0].policy
        lines += ["", "## Admission", "",
                  f"Policy: statistic {policy.statistic}, lower CI bound >= {policy.threshold}, at least "
                  f"{policy.min_items} test items, value >= {policy.ceiling_fraction:g} x human ceiling "
                  f"(ceiling required: {'yes' if policy.require_ceiling else 'no'}). The newest decision per judge, "
                  "rubric and dimension in the registry is the one in force.",
                  "", "| dimension | decision | reasons |", "|---|---|---|"]  # fmt: skip
        for d in decisions:
            lines.append(f"| {d.dimension} | {'admitted' if d.admitted else 'refused'} | {'; '.join(d.reasons)} |")
    return "\n".join(lines) + "\n"
