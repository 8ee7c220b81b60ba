"""Rubric and template loading, validation and rendering."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from prompts import (
    NA_TOKEN,
    RubricError,
    TemplateError,
    answer_options,
    available_rubrics,
    load_rubric,
    load_template,
    render,
)
from prompts.rubric import RUBRICS_DIR

DIMENSION_IDS = [
    "intent_clarification",
    "verification_support",
    "process_steerability",
    "grounding_repair",
    "uncertainty_disclosure",
    "user_constraint_fidelity",
    "policy_adherence",
    "task_outcome",
]
# If this pin fails you changed the rubric text: bump `version` in the YAML when the change invalidates
# earlier judgments, then update the pin.
INTERACTION_V1_DIGEST = "sha256:20f66130ab69b48e39b626e42e06bd0c0287fb6a38e1d6ee3be8a1e71781773f"


def test_shipped_rubric_shape() -> None:
    rubric = load_rubric("interaction-v1")
    assert rubric.name == "interaction-v1"
    assert [d.id for d in rubric.dimensions] == DIMENSION_IDS
    for dimension in rubric.dimensions:
        assert dimension.scale.level_of_measurement == "ordinal"
        assert dimension.scale.values == (0, 1, 2)
        assert all(len(level.anchor) > 80 for level in dimension.scale.levels), dimension.id
    na = {d.id for d in rubric.dimensions if d.scale.allows_na}
    assert na == {
        "verification_support",
        "process_steerability",
        "grounding_repair",
        "user_constraint_fidelity",
        "policy_adherence",
    }
    assert "interaction-v1" in available_rubrics()


def test_digest_is_stable_and_pinned(tmp_path: Path) -> None:
    rubric = load_rubric("interaction-v1")
    assert rubric.digest == INTERACTION_V1_DIGEST
    # Same content under another path and key order: same digest. One changed anchor: a different digest.
    data = yaml.safe_load((RUBRICS_DIR / "interaction-v1.yaml").read_text())
    copy = tmp_path / "copy.yaml"
    copy.write_text(yaml.safe_dump(dict(reversed(list(data.items())))))
    assert load_rubric(copy).digest == rubric.digest
    data["dimensions"][0]["scale"]["levels"][0]["anchor"] += " Edited."
    edited = tmp_path / "edited.yaml"
    edited.write_text(yaml.safe_dump(data))
    assert load_rubric(edited).digest != rubric.digest


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rubric.yaml"
    path.write_text(text)
    return path


GOOD = """\
id: t
version: 1
title: T
description: D
dimensions:
  - id: a
    name: A
    question: Q?
    scale:
      level_of_measurement: ordinal
      levels:
        - {value: 0, label: low, anchor: x}
        - {value: 1, label: high, anchor: y}
"""


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace("{value: 1,", "{value: 0,"), "level values must be unique"),
        (lambda t: t.replace("{value: 0, label: low", "{value: 5, label: low"), "ascending order"),
        (lambda t: t.replace(", anchor: y", ""), "dimensions[0].scale.levels[1].anchor: Field required"),
        (lambda t: t.replace("level_of_measurement: ordinal", "level_of_measurement: ranked"), "level_of_measurement"),
        (
            lambda t: (
                t + "  - id: a\n    name: B\n    question: Q\n    scale: {level_of_measurement: nominal, "
                "levels: [{value: 0, label: l, anchor: x}, {value: 1, label: m, anchor: y}]}\n"
            ),
            "repeated: ['a']",
        ),
        (lambda t: t.replace("version: 1", "version: 1\ncolour: red"), "colour: Extra inputs are not permitted"),
        (lambda t: t.replace("id: a", "id: A-1"), "dimensions[0].id"),
    ],
)
def test_invalid_rubrics_name_file_and_field(tmp_path: Path, edit: object, message: str) -> None:
    path = _write(tmp_path, edit(GOOD))  # type: ignore[operator]
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    assert str(path) in str(info.value)
    assert message in str(info.value)


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD.replace("question: Q?", "question: [unclosed"))
    with pytest.raises(RubricError, match=rf"{path}:9: not valid YAML"):
        load_rubric(path)


def test_unknown_name_and_non_mapping(tmp_path: Path) -> None:
    with pytest.raises(RubricError, match=r"unknown rubric 'nope-v9'.*interaction-v1"):
        load_rubric("nope-v9")
    with pytest.raises(RubricError, match="must be a mapping"):
        load_rubric(_write(tmp_path, "- just\n- a list\n"))
    assert isinstance(RubricError("x"), ValueError)


def test_select_keeps_rubric_order_and_rejects_unknown() -> None:
    rubric = load_rubric("interaction-v1")
    assert [d.id for d in rubric.select(["task_outcome", "intent_clarification"])] == [
        "intent_clarification",
        "task_outcome",
    ]
    with pytest.raises(RubricError, match="no dimension \\['empathy'\\]"):
        rubric.select(["empathy"])


def test_template_renders_transcript_before_dimension() -> None:
    rubric = load_rubric("interaction-v1")
    template = load_template("level-v1")
    transcript = "[0] user: use {braces} freely\n[1] assistant: ok"
    first = render(template, transcript, rubric, (rubric.dimensions[0],))
    second = render(template, transcript, rubric, (rubric.dimensions[1],))
    assert [m.role for m in first] == ["system", "user"]
    assert "{braces}" in first[1].content
    assert first[1].content.index(transcript) < first[1].content.index(rubric.dimensions[0].question)
    # Everything up to the end of the transcript is identical across dimensions: the local judge reuses it.
    cut = first[1].content.index("</transcript>")
    assert first[1].content[:cut] == second[1].content[:cut]
    assert first[0] == second[0]
    assert "N/A is not allowed" in first[1].content
    assert f"{NA_TOKEN} = N/A:" in second[1].content
    assert answer_options(rubric.dimensions[0]) == ["0", "1", "2"]
    assert answer_options(rubric.dimensions[1]) == ["0", "1", "2", "N"]


def test_template_rejects_two_dimensions_and_foreign_dimension() -> None:
    rubric = load_rubric("interaction-v1")
    template = load_template("level-v1")
    with pytest.raises(TemplateError, match="one dimension at a time, got 2"):
        render(template, "x", rubric, rubric.dimensions[:2])
    other = load_rubric("interaction-v1").dimensions[0].model_copy(update={"id": "elsewhere"})
    with pytest.raises(TemplateError, match="not part of rubric"):
        render(template, "x", rubric, (other,))


@pytest.mark.parametrize(
    ("user", "message"),
    [
        ("{transcript} {dimension_nmae}", "undefined placeholder(s) ['dimension_nmae']"),
        ("no transcript here", "must contain {transcript}"),
        ("{transcript} {", "malformed braces"),
    ],
)
def test_template_placeholders_checked_at_load(tmp_path: Path, user: str, message: str) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump({"id": "t", "version": 1, "system": "s", "user": user}))
    with pytest.raises(TemplateError) as info:
        load_template(path)
    assert str(path) in str(info.value)
    assert message in str(info.value)
