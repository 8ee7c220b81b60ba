"""Render a `ProfileReport` as one self-contained HTML page: header, figures as inline SVG, tables.

Nothing statistical is computed here; every number shown comes from the report. The page needs no network:
no external CSS, scripts or fonts, and the figures are matplotlib SVG embedded in the markup. Figures are
built on `matplotlib.figure.Figure` with an Agg canvas and never touch pyplot, so no figure outlives a call
and no global state leaks between calls; their rc settings live in a context manager.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence

from profiles.model import Cell, ProfileReport
from profiles.plots import GAP_LABEL, PROVISIONAL_MARK, differences_svg, heatmap_svg, is_gap, levels_svg

_Cells = Mapping[tuple[str, str], Cell]

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1d1d1f;margin:0;
background:#fff}
main{max-width:1480px;margin:0 auto;padding:20px 28px 60px}
h1{font-size:24px;margin:4px 0 10px}h2{font-size:19px;margin:34px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
h3{font-size:16px;margin:18px 0 6px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:8px 0}dl.meta dt{color:#666}
dl.meta dd{margin:0}code,.mono{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12.5px}
.banner{background:#fff3e6;border:2px dashed #d95f02;color:#7a3300;padding:10px 14px;margin:12px 0;border-radius:6px}
.note{color:#555;font-size:13px;margin:4px 0 10px}
nav a{margin-right:14px;color:#1f4e79}
figure{margin:10px 0 18px;overflow-x:auto}figure svg{max-width:100%;height:auto;display:block}
table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f4f5f7}tbody tr:nth-child(even){background:#fafafa}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.badge{display:inline-block;padding:0 6px;border-radius:4px;font-size:12px}
.measured{background:#e3f0e6;color:#1e5a2b}
.provisional{background:#fff3e6;color:#7a3300;border:1px dashed #d95f02}
.gap{color:#555;background:repeating-linear-gradient(45deg,#eee,#eee 4px,#f9f9f9 4px,#f9f9f9 8px)}
.yes{background:#e3f0e6;color:#1e5a2b}.no{background:#f6e3e3;color:#7a1f1f}
details.md{border:1px solid #e2e2e2;border-radius:6px;padding:6px 14px;margin:14px 0}
details.md summary{cursor:pointer;font-weight:600}
"""


def render_html(report: ProfileReport, *, markdown: str | None = None) -> str:
    """Render the report as one self-contained HTML page.

    Args:
        report: The profiles to show; nothing is recomputed from it.
        markdown: The report's Markdown text, shown after the figures and tables when given.

    Returns:
        The page, with every figure as inline SVG and every report string HTML-escaped.
    """
    cells = report.cell_index
    systems = [s.key for s in report.systems]
    gap_dims = [d for d in report.dimensions if all(is_gap(cells.get((s, d))) for s in systems)]
    parts = [_header(report, gap_dims)]
    figures_ready = bool(systems and report.dimensions)
    legend = (
        f"Colour: mean level scaled to the dimension's range. Cells: mean, 95% CI, items scored. "
        f"Hatched: gap ({GAP_LABEL}). {PROVISIONAL_MARK} with a dashed orange border: provisional."
    )
    parts.append(
        _section("heatmap", "Profile heatmap", legend, heatmap_svg(report, systems, cells) if figures_ready else "")
    )
    legend = "Share of each system's items at each level; N/A and unscored items are grey segments, never levels."
    parts.append(
        _section("levels", "Level distributions", legend, levels_svg(report, systems, cells) if figures_ready else "")
    )
    legend = "Difference of means (second system minus first) with its 95% CI; filled: the CI excludes 0."
    figure = differences_svg(report, systems, cells) if report.comparisons else ""
    parts.append(_section("differences", "Differences between systems", legend, figure))
    parts.append(_tables(report, cells))
    if markdown is not None:  # the full written report, after the figures it explains
        parts.append(f'<details class="md" open><summary>Report text</summary>{_markdown(markdown)}</details>')
    title = _esc(f"Alignment profiles: {report.rubric}")
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{_CSS}</style></head><body><main>\n" + "\n".join(parts) + "\n</main></body></html>\n"
    )


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _fmt(value: float | None) -> str:
    return "\N{EN DASH}" if value is None or math.isnan(value) else f"{value:.2f}"


def _section(anchor: str, title: str, note: str, figure: str) -> str:
    body = f"<figure>{figure}</figure>" if figure else '<p class="note">Nothing to plot.</p>'
    return f'<section id="{anchor}"><h2>{_esc(title)}</h2><p class="note">{_esc(note)}</p>{body}</section>'


def _header(report: ProfileReport, gap_dims: list[str]) -> str:
    meta = {
        "Rubric": f"{_esc(report.rubric)} <span class='mono'>{_esc(report.rubric_digest[:16])}</span>",
        "Runs": ", ".join(f"<code>{_esc(r)}</code>" for r in report.runs) or "&ndash;",
        "Grouped by": " &times; ".join(_esc(a) for a in report.by) or "&ndash;",
        "Systems": str(len(report.systems)),
        "Dimensions": str(len(report.dimensions)),
        "Combining judges": _esc(report.combine_rule),
        "Created": _esc(report.created_at.isoformat(timespec="seconds")),
        "Gaps": ", ".join(f"<code>{_esc(d)}</code>" for d in gap_dims) + f" ({GAP_LABEL})" if gap_dims else "none",
    }
    rows = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in meta.items())
    banner = (
        '<div class="banner"><strong>Provisional report.</strong> It includes judges that calibration did not '
        f"admit; their cells are marked {PROVISIONAL_MARK} with a dashed orange border and are not evidence.</div>"
        if report.provisional
        else ""
    )
    nav = "".join(
        f'<a href="#{a}">{t}</a>'
        for a, t in [("heatmap", "Heatmap"), ("levels", "Levels"), ("differences", "Differences"), ("tables", "Tables")]
    )
    title = f"<h1>Alignment profiles: {_esc(report.rubric)}</h1>"
    return f'<header>{title}{banner}<dl class="meta">{rows}</dl><nav>{nav}</nav></header>'


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    header = "".join(f"<th>{_esc(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(rows_cell for rows_cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"


def _td(text: object, cls: str = "") -> str:
    return f'<td class="{cls}">{_esc(text)}</td>' if cls else f"<td>{_esc(text)}</td>"


def _badge(text: str, cls: str) -> str:
    return f'<td><span class="badge {cls}">{_esc(text)}</span></td>'


def _tables(report: ProfileReport, cells: _Cells) -> str:
    rows = []
    for system in report.systems:
        for dim in report.dimensions:
            cell = cells.get((system.key, dim))
            if cell is None:
                continue
            mark = PROVISIONAL_MARK if cell.status == "provisional" else ""
            value = (
                "" if cell.status == "gap" else f"{_fmt(cell.mean)}{mark} [{_fmt(cell.ci_low)}, {_fmt(cell.ci_high)}]"
            )
            unscored = ", ".join(f"{k} {v}" for k, v in sorted(cell.unscored.items()) if v)
            note = cell.gap_reason or (GAP_LABEL if cell.status == "gap" else "")
            alpha = "" if cell.judge_agreement is None else _fmt(cell.judge_agreement)
            rows.append(
                [
                    *(_td(system.key), _td(dim), _badge(cell.status, cell.status), _td(value, "num")),
                    *(_td(cell.n_scored, "num"), _td(cell.n_na, "num"), _td(unscored), _td(cell.n, "num")),
                    *(_td(", ".join(cell.judges)), _td(alpha, "num"), _td(note)),
                ]
            )
    head = ["System", "Dimension", "Status", "Mean [95% CI]", "Scored", "N/A", "Unscored", "n", "Judges"]
    profile = _table([*head, "\N{GREEK SMALL LETTER ALPHA} judges", "Note"], rows)
    systems = _table(
        ["System", "Axes", "Transcripts", "Evidence levels", "Scaffold digests"],
        [
            [
                *(_td(s.key), _td(", ".join(f"{k}={v}" for k, v in s.axes.items())), _td(s.n_transcripts, "num")),
                _td(", ".join(f"{k} {v}" for k, v in s.evidence_levels.items())),
                f'<td class="mono">{_esc(" ".join(d[:12] for d in s.scaffold_digests))}</td>',
            ]
            for s in report.systems
        ],
    )
    judges = _table(
        ["Run", "Judge", "Digest", "Rubric", "Dimension", "Admitted", "Evidence"],
        [
            [
                *(f'<td class="mono">{_esc(j.run_id)}</td>', _td(j.judge)),
                *(f'<td class="mono">{_esc(j.judge_digest[:12])}</td>', _td(j.rubric), _td(j.dimension)),
                _badge("admitted" if j.admitted else "not admitted", "yes" if j.admitted else "no"),
                _td(j.evidence),
            ]
            for j in report.judges
        ],
    )
    items = "".join(
        f"<li><code>{_esc(i.dimension)}</code>: the scaffold changes the level for <strong>{_esc(i.changed_for)}"
        f"</strong> but not for <strong>{_esc(i.unchanged_for)}</strong>. {_esc(i.detail)}</li>"
        for i in report.interactions
    )
    interactions = f"<ul>{items}</ul>" if items else '<p class="note">No model &times; scaffold interaction found.</p>'
    return (
        f'<section id="tables"><h2>Profile table</h2>{profile}<h2>Systems</h2>{systems}'
        f"<h2>Judges and their admission evidence</h2>{judges}<h2>Interactions</h2>{interactions}</section>"
    )


def _inline(text: str) -> str:
    parts = re.split(r"(`[^`]+`)", text)
    out = []
    for part in parts:
        if len(part) > 1 and part.startswith("`") and part.endswith("`"):
            out.append(f"<code>{_esc(part[1:-1])}</code>")
        else:
            out.append(re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", _esc(part)))
    return "".join(out)


def _row(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _markdown(text: str) -> str:
    """Headings, pipe tables, lists, fenced code and paragraphs; anything else is shown as text."""
    lines, out, i = text.splitlines(), [], 0
    block = re.compile(r"\s*(#{1,6}\s|```|[-*+]\s|\d+[.)]\s|\|)")
    while i < len(lines):
        line = lines[i].strip()
        if line.startswith("```"):
            end = next((k for k in range(i + 1, len(lines)) if lines[k].strip().startswith("```")), len(lines))
            out.append(f"<pre>{_esc(chr(10).join(lines[i + 1 : end]))}</pre>")
            i = end + 1
        elif heading := re.match(r"(#{1,6})\s+(.*)", line):
            level = min(len(heading.group(1)) + 1, 6)
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
            i += 1
        elif (
            line.startswith("|") and i + 1 < len(lines) and re.fullmatch(r"\|?[\s:|-]*-[\s:|-]*", lines[i + 1].strip())
        ):
            head, i, body = _row(line), i + 2, []
            while i < len(lines) and lines[i].strip().startswith("|"):
                body.append(_row(lines[i]))
                i += 1
            cells = "".join(f"<th>{_inline(c)}</th>" for c in head)
            rows = "".join("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in r) + "</tr>" for r in body)
            out.append(f"<table><thead><tr>{cells}</tr></thead><tbody>{rows}</tbody></table>")
        elif item := re.match(r"([-*+]|\d+[.)])\s+", line):
            tag, items = ("ol" if item.group(1)[0].isdigit() else "ul"), []
            while i < len(lines) and (m := re.match(r"\s*([-*+]|\d+[.)])\s+(.*)", lines[i])):
                items.append(f"<li>{_inline(m.group(2))}</li>")
                i += 1
            out.append(f"<{tag}>{''.join(items)}</{tag}>")
        elif not line:
            i += 1
        else:
            para = [line]
            i += 1
            while i < len(lines) and lines[i].strip() and not block.match(lines[i]):
                para.append(lines[i].strip())
                i += 1
            out.append(f"<p>{_inline(' '.join(para))}</p>")
    return "\n".join(out)
