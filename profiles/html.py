"""Render a `ProfileReport` as one self-contained HTML page: header, figures as inline SVG, tables.

Nothing statistical is computed here; every number shown comes from the report. The page needs no network:
no external CSS, scripts or fonts, and the figures are matplotlib SVG embedded in the markup. Figures are
built on `matplotlib.figure.Figure` with an Agg canvas and never touch pyplot, so no figure outlives a call
and no global state leaks between calls; their rc settings live in a context manager.
"""

from __future__ import annotations

import html
import io
import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from matplotlib import colormaps, rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Colormap, Normalize, to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import MaxNLocator, PercentFormatter

from profiles.model import Cell, ProfileReport

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

GAP_LABEL = "no admitted judge"
"""What a gap shows instead of a value, in figures and tables."""

PROVISIONAL_MARK = "*"
"""Appended to a provisional value (a judge calibration did not admit)."""

_CMAP = "viridis"
_PROVISIONAL = "#d95f02"
_GAP_FACE, _GAP_INK = "#f1f1f1", "#a8a8a8"
_NA = "#d4d4d4"
_UNSCORED = ("#9a9a9a", "#7f7f7f", "#b4b4b4", "#666666")
_CLEAR, _UNCLEAR = "#1f4e79", "#7a7a7a"
_PROVISIONAL_NOTE = f"{PROVISIONAL_MARK} provisional: judge not admitted by calibration"
_Cells = Mapping[tuple[str, str], Cell]
_Colour = str | tuple[float, float, float, float]
_MINUS = "\N{MINUS SIGN}"

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
    cells = {(c.system, c.dimension): c for c in report.cells}
    systems = [s.key for s in report.systems]
    gap_dims = [d for d in report.dimensions if all(_is_gap(cells.get((s, d))) for s in systems)]
    parts = [_header(report, gap_dims)]
    figures_ready = bool(systems and report.dimensions)
    legend = (
        f"Colour: mean level scaled to the dimension's range. Cells: mean, 95% CI, items scored. "
        f"Hatched: gap ({GAP_LABEL}). {PROVISIONAL_MARK} with a dashed orange border: provisional."
    )
    parts.append(
        _section("heatmap", "Profile heatmap", legend, _heatmap(report, systems, cells) if figures_ready else "")
    )
    legend = "Share of each system's items at each level; N/A and unscored items are grey segments, never levels."
    parts.append(
        _section("levels", "Level distributions", legend, _levels(report, systems, cells) if figures_ready else "")
    )
    legend = "Difference of means (second system minus first) with its 95% CI; filled: the CI excludes 0."
    figure = _differences(report, systems, cells) if report.comparisons else ""
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


def _is_gap(cell: Cell | None) -> bool:
    return cell is None or cell.status == "gap"


def _fmt(value: float | None) -> str:
    return "\N{EN DASH}" if value is None or math.isnan(value) else f"{value:.2f}"


def _wrap(text: str, width: int) -> str:
    """Break a label into lines of at most ``width`` characters, preferring ``_ - /`` and spaces."""
    lines, line = [], ""
    for piece in re.split(r"(?<=[_\-/ ])", text):
        if line and len(line) + len(piece) > width:
            lines.append(line.rstrip())
            line = ""
        while len(piece) > width:
            lines.append(piece[:width])
            piece = piece[width:]
        line += piece
    lines.append(line.rstrip())
    return "\n".join(lines)


def _ink(face: _Colour) -> str:
    r, g, b = to_rgb(face)
    return "white" if 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5 else "black"


def _scaled(value: float, levels: Sequence[int]) -> float:
    low, high = (min(levels), max(levels)) if levels else (0, 0)
    return 0.5 if high == low else (value - low) / (high - low)


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _svg(fig: Figure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", text[text.index("<svg") :], count=1, flags=re.DOTALL)
    # geometry to 1/100 pt is invisible and smaller; only inside tags (text content has its "<" escaped)
    return re.sub(r"<[^>]*>", _round_tag, svg)


def _round_tag(tag: re.Match[str]) -> str:
    def rounded(attribute: re.Match[str]) -> str:
        value = re.sub(r"\s*\n\s*", " ", re.sub(r"(\.\d\d)\d+", r"\1", attribute.group(2)))
        return f'{attribute.group(1)}{value}"'

    return re.sub(r'( (?:d|x|y|transform)=")([^"]*)"', rounded, tag.group(0))


def _rc(salt: str) -> dict[RcKeyType, object]:
    # text as <text> keeps the SVG small; the salt keeps clip-path ids unique across the page's figures;
    # parse_math off because a system named with "$" must not turn into mathtext
    return {
        "svg.fonttype": "none",
        "svg.hashsalt": salt,
        "text.parse_math": False,
        "font.size": 9,
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans", "Verdana"],
    }


def _heatmap(report: ProfileReport, systems: list[str], cells: _Cells) -> str:
    dims, cmap = report.dimensions, colormaps[_CMAP]
    with rc_context(_rc("heatmap")):
        fig = _figure(2.4 + 1.08 * len(dims), 2.3 + 0.66 * len(systems))
        ax = fig.add_subplot()
        for i, system in enumerate(systems):
            for j, dim in enumerate(dims):
                _heat_cell(ax, cells.get((system, dim)), i, j, report.levels.get(dim, ()), cmap)
        ax.set_xlim(-0.5, len(dims) - 0.5)
        ax.set_ylim(len(systems) - 0.5, -0.5)
        ax.set_xticks(range(len(dims)), [_wrap(d, 15) for d in dims], fontsize=8)
        ax.set_yticks(range(len(systems)), [_wrap(s, 32) for s in systems])
        ax.xaxis.tick_top()
        ax.tick_params(length=0)
        ax.spines[:].set_visible(False)
        mappable, shrink = ScalarMappable(Normalize(0, 1), cmap), 0.5 if len(dims) > 3 else 0.9
        bar = fig.colorbar(mappable, ax=ax, location="bottom", shrink=shrink, aspect=40, pad=0.02)
        bar.set_label("mean level scaled to the dimension's range (0 = lowest level, 1 = highest)", fontsize=8)
        bar.ax.tick_params(labelsize=7)
        handles = [
            Patch(facecolor=_GAP_FACE, edgecolor=_GAP_INK, hatch="///", label=f"gap: {GAP_LABEL}"),
            Patch(facecolor="white", edgecolor=_PROVISIONAL, linestyle="--", linewidth=1.5, label=_PROVISIONAL_NOTE),
        ]
        fig.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False, fontsize=8)
        return _svg(fig)


def _heat_cell(ax: Axes, cell: Cell | None, i: int, j: int, levels: Sequence[int], cmap: Colormap) -> None:
    corner = (j - 0.5, i - 0.5)
    if cell is None or cell.status == "gap":
        ax.add_patch(Rectangle(corner, 1, 1, facecolor=_GAP_FACE, edgecolor=_GAP_INK, hatch="///", linewidth=0))
        box = {"facecolor": _GAP_FACE, "edgecolor": "none", "pad": 1.5}
        ax.text(j, i, "no admitted\njudge", ha="center", va="center", fontsize=7.5, color="#555", bbox=box)
    elif cell.mean is None:
        ax.add_patch(Rectangle(corner, 1, 1, facecolor="white", edgecolor="#ddd"))
        ax.text(j, i, "no scored\nitems", ha="center", va="center", fontsize=7.5, color="#555")
    else:
        face = cmap(_scaled(cell.mean, levels))
        ax.add_patch(Rectangle(corner, 1, 1, facecolor=face, edgecolor="white", linewidth=2))
        ink, mark = _ink(face), PROVISIONAL_MARK if cell.status == "provisional" else ""
        ax.text(j, i - 0.17, f"{cell.mean:.2f}{mark}", ha="center", va="center", fontsize=10, color=ink, weight="bold")
        if cell.ci_low is not None and cell.ci_high is not None:
            ci = f"[{cell.ci_low:.2f}, {cell.ci_high:.2f}]"
            ax.text(j, i + 0.09, ci, ha="center", va="center", fontsize=7.5, color=ink)
        ax.text(j, i + 0.31, f"n={cell.n_scored}", ha="center", va="center", fontsize=6.5, color=ink)
    if cell is not None and cell.status == "provisional":
        ax.add_patch(Rectangle((j - 0.45, i - 0.45), 0.9, 0.9, fill=False, edgecolor=_PROVISIONAL, ls="--", lw=2))


def _grid(n: int) -> tuple[int, int]:
    cols = 1 if n == 1 else 2 if n <= 4 else 3
    return math.ceil(n / cols), cols


def _levels(report: ProfileReport, systems: list[str], cells: _Cells) -> str:
    dims, cmap = report.dimensions, colormaps[_CMAP]
    statuses = sorted({s for c in cells.values() for s in c.unscored})
    shared = len({report.levels.get(d, ()) for d in dims}) == 1
    rows, cols = _grid(len(dims))
    label_width = min(2.6, 0.6 + 0.075 * max(len(s) for s in systems))
    with rc_context(_rc("levels")):
        fig = _figure(label_width + 4.1 * cols, rows * (0.95 + 0.3 * len(systems)) + (0.5 if shared else rows * 0.4))
        axes = list(fig.subplots(rows, cols, sharey=True, squeeze=False).flat)
        handles: list[Patch] = []
        for ax, dim in zip(axes, dims, strict=False):
            levels = report.levels.get(dim, ())
            colours = {v: cmap(_scaled(v, levels)) for v in levels}
            handles = [Patch(color=colours[v], label=f"level {v}") for v in levels] + [Patch(color=_NA, label="N/A")]
            handles += [
                Patch(facecolor=_UNSCORED[k % 4], edgecolor="white", hatch="////", label=f"unscored: {s}")
                for k, s in enumerate(statuses)
            ]
            for i, system in enumerate(systems):
                _level_bar(ax, cells.get((system, dim)), i, colours, statuses)
            ax.set_title(_wrap(dim, 48), loc="left", fontsize=9.5)
            ax.set_yticks(range(len(systems)), [_wrap(s, 32) for s in systems], fontsize=8)
            ax.set_ylim(len(systems) - 0.5, -0.5)
            ax.set_xlim(0, 1)
            ax.xaxis.set_major_formatter(PercentFormatter(1.0))
            ax.tick_params(axis="x", labelsize=7)
            ax.spines[["top", "right"]].set_visible(False)
            if not shared:
                ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=4, fontsize=7)
        for ax in axes[len(dims) :]:
            ax.set_visible(False)
        if shared:
            fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 8), frameon=False)
        return _svg(fig)


def _level_bar(ax: Axes, cell: Cell | None, i: int, colours: Mapping[int, _Colour], statuses: list[str]) -> None:
    if cell is None or cell.status == "gap" or cell.n == 0:
        ax.barh(i, 1, height=0.7, facecolor="none", edgecolor="#9a9a9a", linestyle="--", linewidth=0.8)
        text = GAP_LABEL if _is_gap(cell) else "no items"
        ax.text(0.5, i, text, ha="center", va="center", fontsize=7.5, color="#666", style="italic")
        return
    segments: list[tuple[int, _Colour, str]] = [
        (cell.distribution.get(v, 0), colour, "") for v, colour in colours.items()
    ]
    segments.append((cell.n_na, _NA, ""))
    segments += [(cell.unscored.get(s, 0), _UNSCORED[k % 4], "////") for k, s in enumerate(statuses)]
    left = 0.0
    for count, colour, hatch in segments:
        share = count / cell.n
        if share == 0:
            continue
        ax.barh(i, share, left=left, height=0.7, color=colour, hatch=hatch, edgecolor="white", linewidth=0.5)
        if share >= 0.09 and not hatch:
            ax.text(left + share / 2, i, f"{share:.0%}", ha="center", va="center", fontsize=7, color=_ink(colour))
        left += share
    if cell.status == "provisional":
        ax.add_patch(Rectangle((0, i - 0.38), 1, 0.76, fill=False, edgecolor=_PROVISIONAL, ls="--", lw=1.5))
        ax.text(1.01, i, PROVISIONAL_MARK, color=_PROVISIONAL, va="center", fontsize=12, weight="bold", clip_on=False)


def _differences(report: ProfileReport, systems: list[str], cells: _Cells) -> str:
    order = {s: k for k, s in enumerate(systems)}
    pairs = sorted({(c.a, c.b) for c in report.comparisons}, key=lambda p: (order.get(p[0], -1), order.get(p[1], -1)))
    where = {p: k for k, p in enumerate(pairs)}
    labels = [
        f"{b} {_MINUS} {a}" if len(a) + len(b) <= 44 else f"{_wrap(b, 56)}\n{_MINUS} {_wrap(a, 56)}" for a, b in pairs
    ]
    lines = max(label.count("\n") + 1 for label in labels)
    # a forest plot per dimension, side by side so the pair labels are written once per band of at most six
    dims = report.dimensions
    rows = math.ceil(len(dims) / 6)
    cols = math.ceil(len(dims) / rows)
    label_width = min(3.4, 0.5 + 0.062 * max(len(line) for label in labels for line in label.split("\n")))
    with rc_context(_rc("differences")):
        fig = _figure(
            label_width + {1: 3.2, 2: 3.0, 3: 2.8, 4: 2.2}.get(cols, 1.75) * cols,
            rows * (1.5 + (0.08 + 0.12 * lines) * len(pairs)),
        )
        axes = list(fig.subplots(rows, cols, sharey=True, squeeze=False).flat)
        for ax, dim in zip(axes, dims, strict=False):
            shown = [c for c in report.comparisons if c.dimension == dim]
            styles = {
                (_PROVISIONAL, "--", "D", _PROVISIONAL): [c for c in shown if c.provisional],
                (_CLEAR, "-", "o", _CLEAR): [c for c in shown if c.clear and not c.provisional],
                (_UNCLEAR, "-", "o", "white"): [c for c in shown if not c.clear and not c.provisional],
            }
            for (colour, line, marker, face), group in styles.items():
                ys = [where[(c.a, c.b)] for c in group]
                lows, highs = [c.ci_low for c in group], [c.ci_high for c in group]
                ax.hlines(ys, lows, highs, colors=colour, linestyles=line)
                ax.plot(lows + highs, ys + ys, ls="none", marker="|", ms=6, color=colour)
                ax.plot([c.difference for c in group], ys, ls="none", marker=marker, ms=5.5, mfc=face, mec=colour)
            ax.axvline(0, color="black", lw=0.8)
            bound = max((abs(v) for c in shown for v in (c.ci_low, c.ci_high, c.difference)), default=0.0)
            ax.set_xlim(-max(bound * 1.15, 0.1), max(bound * 1.15, 0.1))
            if not shown:
                why = GAP_LABEL if all(_is_gap(cells.get((s, dim))) for s in systems) else "fewer than two systems"
                ax.text(
                    0.5, 0.5, f"no comparisons\n({why})", transform=ax.transAxes, ha="center", va="center", color="#666"
                )
                ax.set_xticks([])
            ax.set_title(_wrap(dim, 18 if cols > 3 else 30), fontsize=8.5)
            if shown:
                ax.xaxis.set_major_locator(MaxNLocator(5, symmetric=True))
            ax.set_yticks(range(len(pairs)), labels, fontsize=7.5)
            ax.set_ylim(len(pairs) - 0.5, -0.5)
            ax.set_xlabel("Δ mean level", fontsize=7.5)
            ax.tick_params(axis="x", labelsize=7)
            ax.tick_params(axis="y", length=0)
            ax.grid(axis="y", color="#eeeeee", lw=0.6)
            ax.spines[["top", "right"]].set_visible(False)
        for ax in axes[len(dims) :]:
            ax.set_visible(False)
        handles = [
            Line2D([], [], ls="-", marker="o", color=_CLEAR, label="CI excludes 0"),
            Line2D([], [], ls="-", marker="o", color=_UNCLEAR, mfc="white", label="CI includes 0"),
            Line2D([], [], ls="--", marker="D", color=_PROVISIONAL, label=f"{PROVISIONAL_MARK} provisional"),
        ]
        fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False, fontsize=8)
        return _svg(fig)


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
