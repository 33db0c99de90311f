"""Re-linking an aligned document in the review (kzparallel.review.relink): the
operations (exact link structures and refusals), the decision in review.sqlite
(versioned, refused when stale), the app's form, and the exports and the dataset
applying it, on a build of the gold set ``001-p1`` made with the trained model."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from relink_build import DOC, aligned_build
from starlette.testclient import TestClient

from kzparallel.demo import TrainedModel
from kzparallel.review.relink import relink

LINKS = [([0], [0]), ([1], [1, 2]), ([], [3]), ([2, 3], [4]), ([4], [])]


@pytest.mark.parametrize(
    ("op", "k", "expected"),
    [
        ("merge", 0, [([0, 1], [0, 1, 2]), ([], [3]), ([2, 3], [4]), ([4], [])]),
        ("merge", 2, [([0], [0]), ([1], [1, 2]), ([2, 3], [3, 4]), ([4], [])]),
        ("split", 1, [([0], [0]), ([1], [1]), ([], [2]), ([], [3]), ([2, 3], [4]), ([4], [])]),
        ("split", 3, [([0], [0]), ([1], [1, 2]), ([], [3]), ([2], [4]), ([3], []), ([4], [])]),
        ("en-prev", 2, [([0], [0]), ([1], [1, 2, 3]), ([2, 3], [4]), ([4], [])]),
        ("en-next", 1, [([0], [0]), ([1], [1]), ([], [2]), ([], [3]), ([2, 3], [4]), ([4], [])]),
        ("ar-prev", 3, [([0], [0]), ([1], [1, 2]), ([2], [3]), ([3], [4]), ([4], [])]),
        ("ar-next", 3, [([0], [0]), ([1], [1, 2]), ([], [3]), ([2], [4]), ([3], []), ([4], [])]),
        ("unalign", 1, [([0], [0]), ([1], []), ([], [1]), ([], [2]), ([], [3]), ([2, 3], [4]),
                        ([4], [])]),
    ],
)  # fmt: skip
def test_operations(op: str, k: int, expected: list[Any]) -> None:
    assert relink(LINKS, op, k) == expected


@pytest.mark.parametrize(
    ("op", "k", "message"),
    [
        ("merge", 4, "the last link has no next link to merge with"),
        ("ar-prev", 0, "the first link has no previous link"),
        ("ar-next", 4, "the last link has no next link"),
        ("ar-prev", 2, "link 2 has no Arabic sentence"),
        ("en-prev", 4, "link 4 has no English sentence"),
        ("split", 0, "splitting link 0 (1-1) there leaves an empty link"),
        ("split", 4, "link 4 (1-0) cannot be split there"),
        ("unalign", 2, "link 2 (0-1) is not aligned"),
        ("merge", 9, "there is no link 9 (the document has 5)"),
        ("swap", 0, "unknown re-link operation 'swap' (choose merge, split, ar-prev, ar-next, "
                    "en-prev, en-next, unalign)"),
    ],
)  # fmt: skip
def test_refused_operations(op: str, k: int, message: str) -> None:
    with pytest.raises(ValueError) as err:
        relink(LINKS, op, k)
    assert str(err.value) == message


def test_the_buttons_shown_are_the_operations_that_work() -> None:
    """``allowed`` (the buttons of a link) is exactly the operations ``relink`` does."""
    from kzparallel.review.relink import OPERATIONS, allowed

    for k in range(len(LINKS)):
        works = []
        for op in OPERATIONS:
            try:
                relink(LINKS, op, k)
                works.append(op)
            except ValueError:
                pass
        assert allowed(LINKS, k) == works, k
    assert allowed(LINKS, 2) == ["merge", "en-prev", "en-next"]


def test_split_at_other_points() -> None:
    assert relink([([0, 1, 2], [0, 1])], "split", 0, ar_at=2, en_at=1) == [
        ([0, 1], [0]),
        ([2], [1]),
    ]


@pytest.fixture(scope="module")
def built(
    trained_model: TrainedModel, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[str]]:
    base = tmp_path_factory.mktemp("relink")
    return aligned_build(trained_model.path, base, tmp_path_factory.getbasetemp() / "relink-cache")


def _link_form(html: str, k: int) -> dict[str, str]:
    m = re.search(rf'<tr id="link-{k}" class="link kind-([0-9-]+)">(.*?)</tr>', html, re.S)
    assert m, f"no link {k}"
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', m.group(2)))


def _kinds(html: str) -> list[str]:
    return re.findall(r'<tr id="link-\d+" class="link kind-([0-9-]+)">', html)


def _pairs(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_relink_in_the_app_is_a_decision_applied_by_exports_and_dataset(
    built: tuple[Path, list[str]], tmp_path: Path
) -> None:
    from kzparallel.builder import BuildSettings, build
    from kzparallel.exports import export
    from kzparallel.review.app import create_app
    from kzparallel.review.store import read_decisions

    out, english = built
    before = _pairs(out / "pairs.jsonl")
    client = TestClient(create_app(out, who="tester"))
    html = client.get(f"/doc/{DOC}").text
    kinds = ["1-1", "1-2", "0-1", "2-1"] + ["1-1"] * 6 + ["1-2", "1-1", "1-1", "1-0"]
    assert _kinds(html) == kinds  # the gold's links
    assert f'<span class="idx">3</span> {english[3]}</div>' in html
    form = _link_form(html, 2)
    assert form["version"] == "0" and form["link"] == "2"

    # English sentence 3 (a 0-1 link) joins the previous link
    moved = client.post(f"/relink/{DOC}", data={**form, "op": "en-prev"}, follow_redirects=False)
    assert moved.status_code == 303
    html = client.get(f"/doc/{DOC}").text
    assert _kinds(html) == ["1-1", "1-3", "2-1", *kinds[4:]]
    assert "re-linked by tester at " in html
    # the same form again (version 0): the links have moved on, nothing is saved
    stale = client.post(f"/relink/{DOC}", data={**form, "op": "merge"})
    assert stale.status_code == 409
    assert "was changed since you loaded it (relink by tester at " in stale.text
    refused = client.post(f"/relink/{DOC}", data={**_link_form(html, 0), "op": "ar-prev"})
    assert refused.status_code == 400 and "the first link has no previous link" in refused.text
    (decision,) = read_decisions(out)
    assert (decision.pair_id, decision.version, decision.action) == (f"links:{DOC}", 1, "relink")
    assert decision.before.split()[:4] == ["0:0", "1:1,2", "-:3", "2,3:4"]
    assert decision.after.split()[:3] == ["0:0", "1:1,2,3", "2,3:4"]
    assert {k: decision.data[k] for k in ("op", "link")} == {"op": "en-prev", "link": 2}

    # the export: the pair of link 1 has the three English sentences, the others are as built
    export(out, "jsonl", tmp_path / "x.jsonl")
    after = _pairs(tmp_path / "x.jsonl")
    new = after[1]
    assert (new["ar"], new["en"]) == (before[1]["ar"], " ".join(english[1:4]))
    assert (new["ar_sents"], new["en_sents"], new["link"]) == ([1], [1, 2, 3], "1-3")
    assert (new["origin"], new["review_status"], "link_score" in new) == (
        "aligned",
        "edited",
        False,
    )
    assert new["en_mt"] == before[1]["en_mt"]
    assert [p["id"] for p in after[2:]] == [p["id"] for p in before[2:]]
    assert after[0] == {**before[0]}

    # the dataset: build --apply-review over the same inputs
    settings = BuildSettings(
        model=json.loads((out / "manifest.json").read_text())["model"]["path"],
        backend="transformers",
        cache_dir=str(out.parent.parent / "relink-cache"),
        apply_review=True,
    )
    build([out.parent / "ar"], out, settings, english=[out.parent / "en"])
    import pyarrow.parquet as pq

    rows = []
    for path in sorted((out / "dataset").rglob("*.parquet")):
        rows += pq.read_table(path).to_pylist()
    assert " ".join(english[1:4]) in [r["translation"]["en"] for r in rows]
    assert len(rows) == len(before)
