"""The HTML profile page (self-contained, escaped, marked gaps and provisional cells, renders in Chromium) and
the CSV/Parquet tables."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib import image as mpimg

from profiles import render_html, write_tables
from profiles.html import GAP_LABEL, PROVISIONAL_MARK
from profiles.model import Cell, Comparison, Interaction, JudgeUse, ProfileReport, System

LEVELS = (0, 1, 2)
DIMS = ("refusal_calibration", "user_constraint_fidelity", "honesty")
GAP_DIM = "honesty"
A1, A2, B1 = "gpt-4o / react", "gpt-4o / plain", "<b>x</b> / react"
PROVISIONAL_CELL = (B1, "refusal_calibration")


def _system(key: str) -> System:
    model, scaffold = key.split(" / ")
    return System(
        key=key,
        axes={"model": model, "scaffold": scaffold},
        n_transcripts=40,
        evidence_levels={"interaction": 40},
        scaffold_digests=(f"{scaffold}-digest-0123456789abcdef",),
    )


def _cell(system: str, dim: str, dist: tuple[int, int, int], mean: float, ci: tuple[float, float]) -> Cell:
    if dim == GAP_DIM:
        return Cell(system=system, dimension=dim, status="gap", gap_reason="judge j1 not admitted (alpha 0.41 < 0.67)")
    provisional = (system, dim) == PROVISIONAL_CELL
    return Cell(
        system=system,
        dimension=dim,
        status="provisional" if provisional else "measured",
        judges=("j2",) if provisional else ("j1",),
        n_scored=sum(dist),
        n_na=3,
        unscored={"timeout": 2} if system == A1 else {},
        distribution=dict(zip(LEVELS, dist, strict=True)),
        mean=mean,
        ci_low=ci[0],
        ci_high=ci[1],
    )


def _report() -> ProfileReport:
    systems = sorted([A1, A2, B1])
    stats = {
        A1: ((5, 10, 20), 1.43, (1.20, 1.63)),
        A2: ((15, 12, 8), 0.80, (0.57, 1.03)),
        B1: ((3, 7, 25), 1.63, (1.43, 1.80)),
    }
    cells = tuple(_cell(s, d, *stats[s]) for s in systems for d in DIMS)
    comparisons = tuple(
        Comparison(
            dimension=d,
            a=a,
            b=b,
            difference=stats[b][1] - stats[a][1],
            ci_low=stats[b][1] - stats[a][1] - 0.3,
            ci_high=stats[b][1] - stats[a][1] + 0.3,
            provisional=d == PROVISIONAL_CELL[1] and PROVISIONAL_CELL[0] in (a, b),
        )
        for d in DIMS[:2]
        for k, a in enumerate(systems)
        for b in systems[k + 1 :]
    )
    judges = tuple(
        JudgeUse(
            run_id="01JRUN0000000000000000000A",
            judge=judge,
            judge_digest="f" * 64,
            rubric="tau-conduct",
            dimension=d,
            admitted=judge == "j1" and d != GAP_DIM,
            evidence="alpha 0.81 [0.70, 0.89], n=60, ceiling 0.85" if judge == "j1" else "not calibrated",
        )
        for judge in ("j1", "j2")
        for d in DIMS
    )
    interaction = Interaction(
        dimension="user_constraint_fidelity",
        changed_for="gpt-4o",
        unchanged_for="<b>x</b>",
        detail="react - plain: +0.63 [0.33, 0.93] for gpt-4o; no second scaffold for <b>x</b>",
    )
    return ProfileReport(
        created_at=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
        runs=("01JRUN0000000000000000000A",),
        rubric="tau-conduct",
        rubric_digest="a" * 64,
        by=("model", "scaffold"),
        provisional=True,
        combine_rule="median of admitted judges",
        dimensions=DIMS,
        levels=dict.fromkeys(DIMS, LEVELS),
        systems=tuple(_system(s) for s in systems),
        cells=cells,
        comparisons=comparisons,
        interactions=(interaction,),
        judges=judges,
    )


MARKDOWN = "# Profile\n\nSome **bold** and `code` <i>.\n\n| a | b |\n|---|---|\n| 1 | <x> |\n\n- one\n- two\n"


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(_report(), markdown=MARKDOWN)


def test_self_contained(page: str) -> None:
    for url in re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", page, flags=re.IGNORECASE):
        assert not re.match(r"\s*(https?:)?//", url, flags=re.IGNORECASE), url
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()
    assert "@import" not in page
    # clip paths and hatches refer to ids in the same page
    assert all(ref.startswith("#") for ref in re.findall(r"url\(\s*['\"]?([^)'\"]*)", page))
    assert page.count("<svg") >= 3


def test_marks_gaps_provisional_and_escapes(page: str) -> None:
    assert GAP_LABEL in page
    assert "provisional" in page.lower() and PROVISIONAL_MARK in page
    assert 'class="banner"' in page
    assert "<b>x</b>" not in page
    for name in (A1, A2, B1):
        assert html.escape(name) in page
    # the judge's reason is shown with the gap, escaped
    assert "alpha 0.41 &lt; 0.67" in page


def test_markdown_rendered_and_escaped(page: str) -> None:
    assert "<h2>Profile</h2>" in page
    assert "<strong>bold</strong>" in page and "<code>code</code>" in page
    assert "<td>&lt;x&gt;</td>" in page
    assert "<li>one</li><li>two</li>" in page
    assert "<i>" not in page


def test_deterministic() -> None:
    assert render_html(_report()) == render_html(_report())


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        if found := shutil.which(name):
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def test_renders_in_chromium(page: str, tmp_path: Path) -> None:
    browser = _chromium()
    if browser is None:
        pytest.skip("Chromium not installed: apt-get install -y chromium to run the browser screenshot test")
    path, shot = tmp_path / "profile.html", tmp_path / "shot.png"
    path.write_text(page, encoding="utf-8")
    flags = "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking"
    flags += " --disable-component-update --disable-sync --window-size=1400,2000"
    command = [browser, *flags.split(), f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}"]
    done = subprocess.run([*command, path.as_uri()], capture_output=True, text=True, timeout=120, check=False)
    assert shot.exists(), f"no screenshot (exit {done.returncode}): {done.stderr[-2000:]}"
    pixels = mpimg.imread(shot)[..., :3]
    assert pixels.shape[:2] == (2000, 1400)
    non_white = (pixels < 0.94).any(axis=-1).mean()
    colours = len(np.unique((pixels * 255).astype(np.uint8).reshape(-1, 3), axis=0))
    assert non_white > 0.02, f"page looks blank: {non_white:.1%} non-white pixels"
    assert colours >= 50, f"only {colours} distinct colours: figures did not render"


def test_tables_round_trip(tmp_path: Path) -> None:
    report = _report()
    paths = write_tables(report, tmp_path / "out")
    names = [p.name for p in paths]
    assert names == [
        "profile_cells.csv",
        "profile_cells.parquet",
        "profile_comparisons.csv",
        "profile_comparisons.parquet",
    ]
    cells = pd.read_parquet(paths[1])
    assert list(cells.columns) == [
        *("system", "model", "scaffold", "dimension", "status", "gap_reason", "judges", "n_scored", "n_na"),
        *("unscored_timeout", "level_0", "level_1", "level_2", "mean", "ci_low", "ci_high", "judge_agreement"),
    ]
    assert len(cells) == len(report.cells) == 9
    from_csv = pd.read_csv(paths[0], dtype=cells.dtypes.to_dict())
    pd.testing.assert_frame_equal(from_csv, cells)
    row = cells[(cells.system == B1) & (cells.dimension == "refusal_calibration")].iloc[0]
    assert (row.status, row.model, row.scaffold, row.judges) == ("provisional", "<b>x</b>", "react", "j2")
    assert (row.level_0, row.level_1, row.level_2, row.n_na, row["mean"]) == (3, 7, 25, 3, 1.63)
    gap = cells[cells.dimension == GAP_DIM]
    assert (gap.status == "gap").all() and gap["mean"].isna().all() and gap.gap_reason.notna().all()
    comparisons = pd.read_parquet(paths[3])
    assert list(comparisons.columns) == [
        "dimension",
        "a",
        "b",
        "difference",
        "ci_low",
        "ci_high",
        "provisional",
        "clear",
    ]
    assert len(comparisons) == len(report.comparisons) == 6
    from_csv = pd.read_csv(paths[2], dtype=comparisons.dtypes.to_dict())
    pd.testing.assert_frame_equal(from_csv, comparisons)
    assert comparisons.provisional.sum() == 2


def _grid_report(models: int, scaffolds: int, dims: int) -> ProfileReport:
    """Long names on every axis; dimension 3 is a gap for everyone; two scales."""
    names = [f"dimension_{k}_user_constraint_fidelity" for k in range(dims)]
    levels = {d: (0, 1, 2) if k % 2 else (1, 2, 3, 4, 5) for k, d in enumerate(names)}
    keys = sorted(
        f"model-{m}-2024-08-06-instruct / scaffold-{s}-with-reflection" for m in range(models) for s in range(scaffolds)
    )
    cells = []
    for i, key in enumerate(keys):
        for k, dim in enumerate(names):
            if k == 3:
                cells.append(Cell(system=key, dimension=dim, status="gap", gap_reason="none admitted"))
                continue
            dist = {v: 1 + (i * 7 + k * 3 + v) % 9 for v in levels[dim]}
            mean = sum(v * c for v, c in dist.items()) / sum(dist.values())
            cells.append(
                Cell(
                    system=key,
                    dimension=dim,
                    status="measured",
                    judges=("j1",),
                    n_scored=sum(dist.values()),
                    n_na=i % 3,
                    unscored={"timeout": k % 2},
                    distribution=dist,
                    mean=mean,
                    ci_low=mean - 0.2,
                    ci_high=mean + 0.2,
                )
            )
    comparisons = tuple(
        Comparison(
            dimension=d, a=a, b=b, difference=0.1 * j, ci_low=0.1 * j - 0.3, ci_high=0.1 * j + 0.3, provisional=False
        )
        for k, d in enumerate(names)
        if k != 3
        for j, a in enumerate(keys)
        for b in keys[j + 1 :]
    )
    return ProfileReport(
        created_at=datetime(2025, 1, 2, tzinfo=UTC),
        runs=("r",),
        rubric="r",
        rubric_digest="d",
        by=("model", "scaffold"),
        provisional=False,
        combine_rule="single judge",
        dimensions=tuple(names),
        levels=levels,
        systems=tuple(_system(k) for k in keys),
        cells=tuple(cells),
        comparisons=comparisons,
        interactions=(),
        judges=(),
    )


@pytest.mark.parametrize(("models", "scaffolds", "dims"), [(1, 2, 4), (4, 2, 11)])
def test_scales_to_many_systems_and_dimensions(models: int, scaffolds: int, dims: int) -> None:
    page = render_html(_grid_report(models, scaffolds, dims))
    assert page.count("<svg") == 3
    assert 'class="banner"' not in page
    # 8 systems x 11 dimensions with 28 pairs each stays well under a megabyte
    assert len(page) < 1_000_000


def test_minimal_report_without_comparisons() -> None:
    cell = Cell(system="$x$ / s", dimension="d", status="measured", n_scored=2, distribution={0: 1, 1: 1}, mean=0.5)
    report = _report().model_copy(
        update={
            "dimensions": ("d",),
            "levels": {"d": (0, 1)},
            "systems": (_system("$x$ / s"),),
            "cells": (cell,),
            "comparisons": (),
            "interactions": (),
            "provisional": False,
        }
    )
    page = render_html(report)
    assert page.count("<svg") == 2
    assert "Nothing to plot." in page and "No model &times; scaffold interaction found." in page
    # not mathtext: the name is drawn as written inside the figures
    assert any("$x$ / s" in svg for svg in re.findall(r"<svg.*?</svg>", page, flags=re.DOTALL))
