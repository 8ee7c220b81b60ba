"""Human-code readers for FED, USR, DICES and SQuALITY, their rubrics, and the FED transcript reader.

The real files live in ``../shared/data`` beside the checkout; tests that need them skip, saying so, where it is
absent. Counts are the ones each dataset's NOTE.md states. Expected line numbers are computed from the file text
independently of the readers (record openers, or the lengths of the records written).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import krippendorff
import numpy as np
import pytest

from calibration.errors import CodesError
from calibration.human import HumanCodes
from calibration.readers.dices import read_dices_codes
from calibration.readers.fed import read_fed_codes
from calibration.readers.squality import read_squality_codes
from calibration.readers.usr import read_usr_codes, usr_corpus
from judges.sources import detect_format, read_transcripts
from prompts import load_rubric

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
FED = SHARED_DATA / "fed" / "fed_data.json"
USR_TC = SHARED_DATA / "usr" / "usr_topical_chat.json"
USR_PC = SHARED_DATA / "usr" / "usr_persona_chat.json"
DICES_CROWD = SHARED_DATA / "dices" / "dices_350_crowdsourced.json"
DICES_EXPERT = SHARED_DATA / "dices" / "dices_350_expert.json"
DICES_990 = SHARED_DATA / "dices" / "dices_990.json"
SQUALITY = SHARED_DATA / "squality" / "human-eval" / "all-responses.jsonl"

real_data = pytest.mark.skipif(
    not SHARED_DATA.is_dir(),
    reason=f"real datasets not available: {SHARED_DATA} is absent (it sits beside the checkout)",
)

FED_DIALOGUE_DIMS = [
    "coherent",
    "error_recovery",
    "consistent",
    "diverse",
    "depth",
    "likeable",
    "understanding",
    "flexible",
    "informative",
    "inquisitive",
    "overall",
]
FED_TURN_DIMS = [
    "interesting",
    "engaging",
    "specific",
    "relevant",
    "correct",
    "semantically_appropriate",
    "understandable",
    "fluent",
    "overall",
]
USR_DIMS = ["understandable", "natural", "maintains_context", "engaging", "uses_knowledge", "overall"]


def _pretty_array(path: Path, records: list[object]) -> list[int]:
    """Write ``records`` as a pretty-printed JSON array; return the 1-based line where each record starts."""
    chunks = [json.dumps(record, indent=2) for record in records]
    starts, line = [], 2  # line 1 is "["
    for chunk in chunks:
        starts.append(line)
        line += chunk.count("\n") + 1
    path.write_text("[\n" + ",\n".join(chunks) + "\n]\n", encoding="utf-8")
    return starts


def _fed_record(
    annotations: Mapping[str, Sequence[object]] | None = None, *, system: str = "Meena", response: str | None = None
) -> dict[str, object]:
    record: dict[str, object] = {"context": "User: Hi!\nSystem: Hello there.\nUser: How are you?", "system": system}
    if response is not None:
        record["response"] = response
    record["annotations"] = annotations or {"Coherent": [2, 1, 2, 2, 0], "Consistent": [1, 1, 1, 0, 1]}
    return record


def _usr_context(annotators: list[str], *scores: Mapping[str, Sequence[object]]) -> dict[str, object]:
    responses = [{"response": f"reply {i}", "model": f"M{i}", **s} for i, s in enumerate(scores)]
    return {"context": "hi \n hello", "fact": "a fact", "annotators": annotators, "responses": responses}


def _values(codes: HumanCodes, dimension: str) -> set[float]:
    frame = codes.frame
    return set(frame.loc[(frame["dimension"] == dimension) & frame["value"].notna(), "value"])


def _alpha(codes: HumanCodes, dimension: str) -> float:
    scale = codes.rubric.dimension(dimension).scale
    matrix = codes.matrix(dimension, codes.item_ids(dimension))
    return float(
        krippendorff.alpha(
            reliability_data=matrix, level_of_measurement=scale.level_of_measurement, value_domain=list(scale.values)
        )
    )


# --- rubrics -------------------------------------------------------------------------------------------------------


def test_rubrics_carry_the_datasets_dimensions_and_ranges() -> None:
    fed = load_rubric("fed-dialogue-v1")
    assert [d.id for d in fed.dimensions] == FED_DIALOGUE_DIMS
    assert {d.id: d.scale.values for d in fed.dimensions if d.scale.values != (0, 1, 2)} == {
        "consistent": (0, 1),
        "overall": (0, 1, 2, 3, 4),
    }
    assert [d.id for d in fed.dimensions if d.scale.allows_na] == ["error_recovery"]
    assert {d.scale.level_of_measurement for d in fed.dimensions} == {"ordinal"}

    turn = load_rubric("fed-turn-v1")
    assert [d.id for d in turn.dimensions] == FED_TURN_DIMS
    assert turn.dimension("understandable").scale.values == (0, 1)
    assert turn.dimension("overall").scale.values == (0, 1, 2, 3, 4)

    usr = load_rubric("usr-v1")
    assert {d.id: (d.scale.values[0], d.scale.values[-1]) for d in usr.dimensions} == {
        "understandable": (0, 1),
        "natural": (1, 3),
        "maintains_context": (1, 3),
        "engaging": (1, 3),
        "uses_knowledge": (0, 1),
        "overall": (1, 5),
    }

    dices = load_rubric("dices-v1").dimension("safety").scale
    assert dices.level_of_measurement == "nominal"
    assert [(level.value, level.label) for level in dices.levels] == [(0, "No"), (1, "Unsure"), (2, "Yes")]

    squality = load_rubric("squality-v1")
    assert [d.id for d in squality.dimensions] == ["correctness", "selection", "overall"]
    for dimension in squality.dimensions:
        # 0-100, not the documented 1-100: the file holds 0 (see test_squality_counts_and_range).
        assert dimension.scale.values == tuple(range(101))
        assert dimension.scale.level_of_measurement == "interval"
        assert all(f"{level.value}" in level.anchor for level in dimension.scale.levels)


def test_fed_dialogue_rubric_is_usable_by_a_judge() -> None:
    rubric = load_rubric("fed-dialogue-v1")
    anchors = [level.anchor for d in rubric.dimensions for level in d.scale.levels]
    assert len(set(anchors)) == len(anchors)  # every level has its own anchor
    assert all(len(anchor) >= 60 for anchor in anchors)
    assert all("?" in d.question for d in rubric.dimensions)


# --- FED codes -----------------------------------------------------------------------------------------------------


@real_data
def test_fed_dialogue_counts_values_and_na() -> None:
    codes = read_fed_codes(FED)
    assert codes.coder_ids == "exchangeable"
    assert codes.dimensions == FED_DIALOGUE_DIMS
    frame = codes.frame
    assert frame["item_id"].nunique() == 125
    assert len(frame) == 125 * 11 * 5
    assert all(codes.coders(d) == ["1", "2", "3", "4", "5"] for d in FED_DIALOGUE_DIMS)
    assert all(isinstance(i, str) and i.startswith("fed/dialogue/") for i in frame["item_id"])
    # The NOTE: 154 N/A strings in Error recovery, "a handful elsewhere" (one, in Flexible, at dialogue level).
    na = frame[frame["na"]]
    assert Counter(na["dimension"]) == {"error_recovery": 154, "flexible": 1}
    assert na["value"].isna().all()
    assert frame["value"].isna().sum() == 155  # N/A is the only way a FED value is missing
    assert _values(codes, "consistent") == {0, 1}
    assert _values(codes, "overall") == {0, 1, 2, 3, 4}
    assert all(_values(codes, d) == {0, 1, 2} for d in FED_DIALOGUE_DIMS if d not in {"consistent", "overall"})
    assert len(codes.item_ids("error_recovery")) == 124  # one dialogue got N/A from all five annotators
    assert dict(Counter(codes.items["system"])) == {"Meena": 40, "Mitsuku": 44, "Human": 41}


@real_data
def test_fed_turn_counts_values_and_na() -> None:
    codes = read_fed_codes(FED, level="turn")
    assert codes.dimensions == FED_TURN_DIMS
    assert codes.frame["item_id"].nunique() == 375
    assert len(codes.frame) == 375 * 9 * 5
    assert Counter(codes.frame.loc[codes.frame["na"], "dimension"]) == {
        "correct": 6,
        "specific": 3,
        "relevant": 1,
        "understandable": 1,
        "fluent": 1,
    }
    assert _values(codes, "understandable") == {0, 1}
    assert _values(codes, "overall") == {0, 1, 2, 3, 4}
    assert dict(Counter(codes.items["system"])) == {"Meena": 120, "Mitsuku": 132, "Human": 123}
    dialogue = set(read_fed_codes(FED).frame["item_id"])
    assert not dialogue & set(codes.frame["item_id"])
    # k counts all records: every index 0..499 is used by exactly one level.
    indices = sorted(int(i.rsplit("/", 1)[1]) for i in dialogue | set(codes.frame["item_id"]))
    assert indices == list(range(500))


def test_fed_ids_count_all_records_and_na_becomes_missing(tmp_path: Path) -> None:
    path = tmp_path / "fed.json"
    turn = _fed_record({"Interesting": [2, 1, 1, 1, 1], "Overall": [2, 1, 3, 3, 4]}, response="System: Sure.")
    dialogue: dict[str, list[object]] = {"Error recovery": ["N/A (no errors)", 2, 1, 2, 2], "Overall": [4, 3, 3, 4, 2]}
    _pretty_array(path, [turn, _fed_record(dialogue, system="Mitsuku")])
    codes = read_fed_codes(path)
    assert codes.item_ids("overall") == ["fed/dialogue/1"]
    row = codes.frame[(codes.frame["dimension"] == "error_recovery") & (codes.frame["coder"] == "1")]
    assert row["na"].tolist() == [True] and math.isnan(row["value"].iloc[0])
    assert codes.items.to_dict("records") == [{"item_id": "fed/dialogue/1", "system": "Mitsuku"}]
    assert read_fed_codes(path, level="turn").item_ids("interesting") == ["fed/turn/0"]


def test_fed_off_scale_value_names_file_line_and_value(tmp_path: Path) -> None:
    path = tmp_path / "fed.json"
    starts = _pretty_array(path, [_fed_record(), _fed_record({"Coherent": [2, 2, 3, 2, 2]})])
    with pytest.raises(CodesError) as raised:
        read_fed_codes(path)
    assert raised.value.path == str(path)
    assert raised.value.line == starts[1]
    assert str(raised.value).startswith(f"{path}:{starts[1]}: value 3 is not on the scale of 'coherent'")


@real_data
def test_fed_real_file_with_one_value_changed(tmp_path: Path) -> None:
    lines = FED.read_text(encoding="utf-8").split("\n")
    openers = [n for n, text in enumerate(lines, start=1) if text == "    {"]
    assert len(openers) == 500
    record_line = openers[3]  # record 3, the first dialogue-level one
    at = next(n for n in range(record_line, openers[4]) if lines[n - 1].strip() == '"Coherent": [')
    assert lines[at].strip() in {"0,", "1,", "2,"}
    lines[at] = lines[at].replace(lines[at].strip(), "7,")
    copy = tmp_path / "fed_data.json"
    copy.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(CodesError, match=rf"^{copy}:{record_line}: value 7 is not on the scale of 'coherent'"):
        read_fed_codes(copy)


def test_fed_repeated_code_raises(tmp_path: Path) -> None:
    path = tmp_path / "fed.json"
    starts = _pretty_array(path, [_fed_record({"Coherent": [2, 2, 2, 2, 2], "coherent": [1, 1, 1, 1, 1]})])
    with pytest.raises(CodesError, match=r"repeated code for item 'fed/dialogue/0', coherent, coder '1'") as raised:
        read_fed_codes(path)
    assert raised.value.line == starts[0]


def test_fed_unknown_quality_and_bad_shapes(tmp_path: Path) -> None:
    path = tmp_path / "fed.json"
    starts = _pretty_array(path, [_fed_record({"Charming": [1, 1, 1, 1, 1]})])
    with pytest.raises(CodesError, match=r"dimension 'charming' is not in rubric fed-dialogue-v1") as raised:
        read_fed_codes(path)
    assert raised.value.line == starts[0]
    _pretty_array(path, [{"context": "User: hi", "system": "Meena", "annotations": {"Coherent": 2}}])
    with pytest.raises(CodesError, match=r":2: record 0: annotations\['Coherent'\] must be a list"):
        read_fed_codes(path)
    _pretty_array(path, [_fed_record()])
    with pytest.raises(CodesError, match="no turn-level records"):
        read_fed_codes(path, level="turn")
    with pytest.raises(ValueError, match="level must be"):
        read_fed_codes(path, level="conversation")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "reader",
    [read_fed_codes, read_usr_codes, read_dices_codes],
    ids=["fed", "usr", "dices"],
)
def test_non_json_file_names_its_line(tmp_path: Path, reader: object) -> None:
    path = tmp_path / "usr_topical_chat.json"
    path.write_text('[\n  {"a": 1},\n  not json\n]\n', encoding="utf-8")
    with pytest.raises(CodesError, match=rf"^{path}:3: not valid JSON"):
        reader(path)  # type: ignore[operator]


def test_missing_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(CodesError, match="file not found"):
        read_fed_codes(tmp_path / "absent.json")
    path = tmp_path / "fed.json"
    path.write_bytes(b'[{"context": "\xff"}]')
    with pytest.raises(CodesError, match="not UTF-8"):
        read_fed_codes(path)


# --- FED transcripts -----------------------------------------------------------------------------------------------


@real_data
def test_fed_transcript_ids_match_the_dialogue_codes() -> None:
    assert detect_format(FED) == "fed"
    result = read_transcripts([FED])
    assert result.problems == ()
    transcripts = result.transcripts
    assert len(transcripts) == 125
    codes = read_fed_codes(FED)
    assert sorted(t.id for t in transcripts) == sorted(codes.item_ids("coherent"))
    systems = dict(zip(codes.items["item_id"], codes.items["system"], strict=True))
    assert {t.id: t.metadata.model for t in transcripts} == systems
    first = transcripts[0]
    assert first.id == "fed/dialogue/3"
    assert (first.turns[0].role, first.turns[0].content) == ("user", "Hi!")
    assert (first.turns[1].role, first.turns[1].content) == ("assistant", "Hi! What's up?")
    meta = first.metadata
    assert (meta.format, meta.scaffold, meta.evidence_level, meta.domain) == (
        "fed",
        "fed-chat",
        "interaction",
        "open-domain chat",
    )
    assert meta.source == f"{FED}:212"
    assert all(turn.role in {"user", "assistant"} for t in transcripts for turn in t.turns)


def test_fed_transcripts_skip_turn_records_and_report_unknown_prefixes(tmp_path: Path) -> None:
    bad = _fed_record()
    bad["context"] = "User: hi\nBot: hello"
    path = tmp_path / "conversations.json"
    starts = _pretty_array(path, [_fed_record(response="System: Sure."), _fed_record(system="Human"), bad])
    assert detect_format(path) == "fed"
    result = read_transcripts([path])
    assert [t.id for t in result.transcripts] == ["fed/dialogue/1"]
    assert [turn.role for turn in result.transcripts[0].turns] == ["user", "assistant", "user"]
    assert result.transcripts[0].metadata.model == "Human"
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert problem.line == starts[2]
    assert problem.message.startswith("context line 2 starts with neither 'User:' or 'System:': 'Bot: hello'")
    _pretty_array(path, [_fed_record(response="System: Sure.")])
    (only,) = read_transcripts([path], format="fed").problems
    assert only.line is None and only.message.startswith("no dialogue-level records")


# --- USR -----------------------------------------------------------------------------------------------------------


@real_data
@pytest.mark.parametrize(
    ("path", "corpus", "items", "coders", "systems"),
    [
        (USR_TC, "tc", 360, ["er", "fl", "me", "sm", "yf"], 6),
        (USR_PC, "pc", 300, ["maxine", "mckenna", "shikib", "yulan"], 5),
    ],
    ids=["topical", "persona"],
)
def test_usr_counts_coders_and_ranges(path: Path, corpus: str, items: int, coders: list[str], systems: int) -> None:
    codes = read_usr_codes(path)
    assert codes.coder_ids == "stable"
    assert codes.dimensions == USR_DIMS
    frame = codes.frame
    assert frame["item_id"].nunique() == items
    assert len(frame) == items * 6 * 3
    assert frame.groupby(["item_id", "dimension"]).size().eq(3).all()
    assert codes.coders("overall") == coders
    assert not frame["na"].any() and frame["value"].notna().all()
    assert _values(codes, "understandable") == {0, 1} == _values(codes, "uses_knowledge")
    assert all(_values(codes, d) == {1, 2, 3} for d in ("natural", "maintains_context", "engaging"))
    assert _values(codes, "overall") == {1, 2, 3, 4, 5}
    assert all(i.startswith(f"usr/{corpus}/") for i in frame["item_id"])
    assert set(Counter(codes.items["system"]).values()) == {60} and codes.items["system"].nunique() == systems
    assert "usr/" + corpus + "/59/" + str(systems - 1) in set(frame["item_id"])


@real_data
def test_usr_first_item_is_the_files_first_response() -> None:
    codes = read_usr_codes(USR_TC)
    first = json.loads(USR_TC.read_text(encoding="utf-8"))[0]
    row = codes.frame[(codes.frame["item_id"] == "usr/tc/0/0") & (codes.frame["dimension"] == "overall")]
    assert row["coder"].tolist() == first["annotators"]
    assert row["value"].tolist() == first["responses"][0]["Overall"]
    assert codes.items.iloc[0].to_dict() == {"item_id": "usr/tc/0/0", "system": "Original Ground Truth", "corpus": "tc"}


@real_data
def test_usr_real_file_with_one_value_changed(tmp_path: Path) -> None:
    lines = USR_TC.read_text(encoding="utf-8").split("\n")
    responses = next(n for n, text in enumerate(lines, start=1) if text.strip() == '"responses": [')
    response_line = responses + 1  # the first response's "{"
    assert lines[response_line - 1].strip() == "{"
    at = next(n for n in range(response_line, len(lines)) if lines[n - 1].strip() == '"Overall": [')
    lines[at] = lines[at].replace(lines[at].strip().rstrip(","), "9")
    copy = tmp_path / "usr_topical_chat.json"
    copy.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(CodesError, match=rf"^{copy}:{response_line}: value 9 is not on the scale of 'overall'"):
        read_usr_codes(copy)


def test_usr_repeated_annotator_raises(tmp_path: Path) -> None:
    path = tmp_path / "usr_persona_chat.json"
    scores = {"Natural": [3, 2, 3], "Overall": [5, 4, 4]}
    _pretty_array(path, [_usr_context(["a", "b", "c"], scores), _usr_context(["a", "b", "a"], scores)])
    text = path.read_text(encoding="utf-8")
    second_response = [n for n, line in enumerate(text.split("\n"), start=1) if line.strip() == "{"][3]
    with pytest.raises(CodesError, match=r"repeated code for item 'usr/pc/1/0', natural, coder 'a'") as raised:
        read_usr_codes(path)
    assert raised.value.line == second_response


def test_usr_score_list_must_match_annotators(tmp_path: Path) -> None:
    path = tmp_path / "usr_topical_chat.json"
    _pretty_array(path, [_usr_context(["a", "b", "c"], {"Natural": [3, 2]})])
    with pytest.raises(CodesError, match=r"usr/tc/0/0: 'Natural' must list one score per annotator"):
        read_usr_codes(path)


def test_usr_corpus_comes_from_the_file_name(tmp_path: Path) -> None:
    assert usr_corpus(Path("usr_topical_chat.json")) == "tc"
    assert usr_corpus(Path("tc_usr_data.json")) == "tc"
    assert usr_corpus(Path("usr_percona_chat.json")) == "pc"
    assert usr_corpus(Path("pc_usr_data.json")) == "pc"
    with pytest.raises(CodesError, match="cannot tell the USR corpus"):
        usr_corpus(Path("usr_ratings.json"))


# --- DICES ---------------------------------------------------------------------------------------------------------


@real_data
def test_dices_350_crowd_expert_and_990() -> None:
    crowd = read_dices_codes(DICES_CROWD)
    assert crowd.coder_ids == "stable"
    assert crowd.coders("safety") == [f"r{n:03d}" for n in range(1, 124)]
    assert crowd.frame["item_id"].nunique() == 350
    assert len(crowd.frame) == 350 * 123
    assert Counter(crowd.frame["value"]) == {0: 26292, 2: 14064, 1: 2694}  # No, Yes, Unsure as the file counts

    expert = read_dices_codes(DICES_EXPERT)
    assert expert.coders("safety") == ["expert"]
    assert len(expert.frame) == 350
    assert _values(expert, "safety") == {0, 2}  # the expert had no Unsure
    assert set(expert.frame["item_id"]) == set(crowd.frame["item_id"])  # the two combine item by item
    assert all(i.startswith("dices/") and i[len("dices/") :].isdigit() for i in crowd.frame["item_id"])

    wide = read_dices_codes(DICES_990)
    assert wide.coder_ids == "exchangeable"
    assert wide.frame["item_id"].nunique() == 990
    per_item = wide.frame.groupby("item_id").size()
    assert (per_item.min(), per_item.max()) == (69, 76)
    assert len(wide.coders("safety")) == 76
    assert all(i.startswith("dices/990/") for i in wide.frame["item_id"])
    assert not set(wide.frame["item_id"]) & set(crowd.frame["item_id"])
    assert set(crowd.items["system"]) == {"LaMDA"}
    assert Counter(crowd.items["majority"]) == {"No": 270, "Yes": 80}


def test_dices_labels_are_matched_case_insensitively_and_bad_ones_name_the_instance(tmp_path: Path) -> None:
    def document(*scores: list[object]) -> str:
        instances = [
            {"id": 10 + i, "instance": {"user_prompt": "USER: hi", "response": "hello"},
             "annotations": {"safety": {"majority_human": "Yes", "individual_human_scores": s}}}
            for i, s in enumerate(scores)
        ]  # fmt: skip
        return json.dumps({"expert_annotator": "false", "instances": instances})

    path = tmp_path / "dices_350_crowdsourced.json"
    path.write_text(document(["yes", "NO", "Unsure"], ["Yes", "No", "No"]), encoding="utf-8")
    codes = read_dices_codes(path)
    assert codes.matrix("safety", ["dices/10", "dices/11"]).tolist() == [[2, 2], [0, 0], [1, 0]]
    path.write_text(document(["Yes", "No", "Yes"], ["Yes", "Maybe", "No"]), encoding="utf-8")
    with pytest.raises(CodesError, match=r":1: instance 1 \(id 11\), rating 2: value 'Maybe' is not on the scale"):
        read_dices_codes(path)
    path.write_text(document(["Yes", "No", "Yes"], ["Yes", "No"]), encoding="utf-8")
    with pytest.raises(CodesError, match="2 ratings where earlier instances have 3"):
        read_dices_codes(path)


# --- SQuALITY ------------------------------------------------------------------------------------------------------


@real_data
def test_squality_counts_and_range() -> None:
    codes = read_squality_codes(SQUALITY)
    assert codes.coder_ids == "stable"
    assert codes.dimensions == ["correctness", "selection", "overall"]
    frame = codes.frame
    assert frame["item_id"].nunique() == 300  # 20 stories x 5 questions x 3 systems
    assert len(frame) == 300 * 3 * 3
    assert codes.coders("overall") == ["2", "3", "6", "8"]
    reviews = frame[frame["dimension"] == "overall"]
    assert Counter(reviews["coder"]) == {"2": 225, "3": 225, "6": 225, "8": 225}  # each worker did 225 reviews
    assert frame["value"].between(0, 100).all()
    # The NOTE says 1-100; zeros occur (correctness 49, selection 74, overall 36).
    assert Counter(frame.loc[frame["value"] == 0, "dimension"]) == {"correctness": 49, "selection": 74, "overall": 36}
    assert dict(Counter(codes.items["system"])) == {"bart": 100, "bart-dpr": 100, "human": 100}
    assert "squality/50827/0/bart-dpr" in set(frame["item_id"])


def test_squality_bad_lines_and_values(tmp_path: Path) -> None:
    def story(rating: object, passage: str = "1") -> str:
        review = {"system": "bart", "worker_id": "3", "correctness-rating": 50, "selection-rating": rating,
                  "overall-rating": 40}  # fmt: skip
        return json.dumps({"passage-id": passage, "questions": {"0": {"bart": {"response": "r", "reviews": [review]}}}})

    path = tmp_path / "all-responses.jsonl"
    path.write_text(story(10) + "\n" + story(101, passage="2") + "\n", encoding="utf-8")
    with pytest.raises(CodesError, match=rf"^{path}:2: value 101 is not on the scale of 'selection'"):
        read_squality_codes(path)
    path.write_text(story(10) + "\n{oops\n", encoding="utf-8")
    with pytest.raises(CodesError, match=rf"^{path}:2: not valid JSON"):
        read_squality_codes(path)
    path.write_text(story(10) + "\n" + story(20) + "\n", encoding="utf-8")
    with pytest.raises(CodesError, match=r":2: repeated code for item 'squality/1/0/bart', correctness, coder '3'"):
        read_squality_codes(path)


# --- the human ceiling ---------------------------------------------------------------------------------------------

# Krippendorff's alpha among the human coders alone, straight from the `krippendorff` package with each dimension's
# level of measurement and its scale values as the value domain. These are regression pins of this data (5 x 125
# ordinal FED matrices, a 123 x 350 nominal DICES matrix), not published numbers: FED reports a different agreement
# statistic (Spearman of each annotation against the mean of the others, 0.56-0.84), and N/A codes are missing here.
FED_DIALOGUE_CEILINGS = {
    "coherent": 0.3213,
    "error_recovery": 0.2721,
    "consistent": 0.2006,
    "diverse": 0.1717,
    "depth": 0.3000,
    "likeable": 0.2950,
    "understanding": 0.3390,
    "flexible": 0.2810,
    "informative": 0.2660,
    "inquisitive": 0.2344,
    "overall": 0.3407,
}
DICES_350_SAFETY_CEILING = 0.1609


@real_data
def test_human_ceilings_are_pinned() -> None:
    fed = read_fed_codes(FED)
    assert {d: round(_alpha(fed, d), 4) for d in FED_DIALOGUE_DIMS} == FED_DIALOGUE_CEILINGS
    dices = read_dices_codes(DICES_CROWD)
    assert dices.matrix("safety", dices.item_ids("safety")).shape == (123, 350)  # raters x units, as alpha wants
    assert round(_alpha(dices, "safety"), 4) == DICES_350_SAFETY_CEILING


def test_ceiling_helper_on_a_hand_computed_case(tmp_path: Path) -> None:
    # Two items, five coders, "consistent" (0/1): item A all 1, item B 1,1,1,1,0. Nominal = ordinal on two values.
    # Pairable values n = 10; within-unit disagreeing pairs: item B has 4 ones x 1 zero = 4 ordered pairs each way,
    # weighted 1/(m-1) = 1/4 -> D_o = (2 * 4 / 4) / 10 = 0.2. Value totals 9 ones, 1 zero -> D_e = 2*9*1/(10*9) = 0.2.
    # alpha = 1 - D_o / D_e = 0.
    path = tmp_path / "fed.json"
    _pretty_array(path, [_fed_record({"Consistent": [1, 1, 1, 1, 1]}), _fed_record({"Consistent": [1, 1, 1, 1, 0]})])
    codes = read_fed_codes(path)
    assert codes.matrix("consistent", codes.item_ids("consistent")).shape == (5, 2)
    assert np.isclose(_alpha(codes, "consistent"), 0.0)
