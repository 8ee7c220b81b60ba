"""Long tables of human codes: canonical values, errors naming file, line and value, alignment with a run."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from calibration import CodesError, canonical_value, read_long_codes
from prompts import load_rubric

TOY = load_rubric(Path(__file__).parent / "fixtures" / "rubrics" / "toy-v1.yaml")


def test_values_are_canonicalised_against_the_scale(tmp_path: Path) -> None:
    path = tmp_path / "codes.csv"
    path.write_text(
        "item,dimension,coder,value,system\n"
        "00123,quality,ann,2.0,bot-a\n"
        "00123,quality,bob,N/A (did not arise),bot-a\n"
        "123,quality,ann,,bot-b\n"
        "123,present,ann,present,bot-b\n"
        "123,present,bob,0,bot-b\n"
    )
    codes = read_long_codes(path, TOY)
    frame = codes.frame.set_index(["item_id", "dimension", "coder"])
    assert frame.loc[("00123", "quality", "ann"), "value"] == 2.0
    assert bool(frame.loc[("00123", "quality", "bob"), "na"]) and pd.isna(
        frame.loc[("00123", "quality", "bob"), "value"]
    )
    assert pd.isna(frame.loc[("123", "quality", "ann"), "value"])
    assert frame.loc[("123", "present", "ann"), "value"] == 1.0  # the level label "present"
    assert codes.item_ids("quality") == ["00123"]  # "00123" and "123" are different items
    assert codes.items.set_index("item_id").loc["123", "system"] == "bot-b"
    assert codes.matrix("present", ["123"]).tolist() == [[1.0], [0.0]]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("a,quality,ann,3\n", "codes.csv:2: value '3' is not on the scale of 'quality'"),
        ("a,quality,ann,1.5\n", "codes.csv:2: value '1.5' is not on the scale"),
        (
            "a,quality,ann,1\na,quality,ann,2\n",
            "codes.csv:3: repeated code for item 'a', quality, coder 'ann' (first at line 2)",
        ),
        ("a,colour,ann,1\n", "codes.csv:2: dimension 'colour' is not in rubric toy-v1"),
        ("a,quality,ann\n", "codes.csv:2: 3 fields, the header has 4"),
    ],
)
def test_bad_codes_name_file_line_and_value(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "codes.csv"
    path.write_text("item,dimension,coder,value\n" + body)
    with pytest.raises(CodesError) as info:
        read_long_codes(path, TOY)
    assert message in str(info.value)


def test_jsonl_and_parquet_read_alike(tmp_path: Path) -> None:
    rows = [{"item": "007", "dimension": "quality", "coder": "ann", "value": 1},
            {"item": "007", "dimension": "quality", "coder": "bob", "value": "2"}]  # fmt: skip
    jsonl = tmp_path / "codes.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    parquet = tmp_path / "codes.parquet"
    pd.DataFrame(rows).astype({"value": str}).to_parquet(parquet)
    a, b = read_long_codes(jsonl, TOY), read_long_codes(parquet, TOY)
    assert a.frame.equals(b.frame) and a.digest == b.digest
    assert a.item_ids("quality") == ["007"]
    broken = tmp_path / "broken.jsonl"
    broken.write_text(json.dumps(rows[0]) + "\n{oops\n")
    with pytest.raises(CodesError, match=r"broken.jsonl:2: malformed JSON"):
        read_long_codes(broken, TOY)
    with pytest.raises(CodesError, match=r"missing column\(s\) \['coder'\]"):
        (tmp_path / "m.csv").write_text("item,dimension,value\na,quality,1\n")
        read_long_codes(tmp_path / "m.csv", TOY)


def test_canonical_value_refuses_off_scale_and_maps_labels() -> None:
    quality = TOY.dimension("quality")
    assert canonical_value(" Good ", quality) == (2, False)
    assert canonical_value("n/a", quality) == (None, True)
    assert canonical_value(None, quality) == (None, False)
    for bad in ("excellent", 2.5, -1, "3"):
        with pytest.raises(ValueError, match="is not on the scale"):
            canonical_value(bad, quality)
