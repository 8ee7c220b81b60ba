"""The profile report's figures (matplotlib, rendered to SVG strings): heatmap, level distributions, differences.

Each figure is a plain :class:`~matplotlib.figure.Figure` with its own Agg canvas; pyplot is never imported, so
no global figure state is kept between calls.
"""

from __future__ import annotations

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


def is_gap(cell: Cell | None) -> bool:
    """Whether a cell shows nothing (a gap, or no cell at all)."""
    return cell is None or cell.status == "gap"


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


def heatmap_svg(report: ProfileReport, systems: list[str], cells: _Cells) -> str:
    """Systems x dimensions heatmap of mean levels with CIs; gaps hatched, provisional cells marked."""
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


def levels_svg(report: ProfileReport, systems: list[str], cells: _Cells) -> str:
    """One stacked bar chart of level shares per dimension, one bar per system."""
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
        text = GAP_LABEL if is_gap(cell) else "no items"
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


def differences_svg(report: ProfileReport, systems: list[str], cells: _Cells) -> str:
    """Forest plots of pairwise differences of means with their CIs, one per dimension."""
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
                why = GAP_LABEL if all(is_gap(cells.get((s, dim))) for s in systems) else "fewer than two systems"
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
