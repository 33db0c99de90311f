"""Clusters and splits: hash thresholds per cluster, recorded assignments kept."""

from __future__ import annotations

import hashlib
import itertools
import random

import pytest

from kzparallel.splits import Assignment, Recorded, assign, split_note, split_of_cluster

RATIOS = (0.8, 0.1, 0.1)


def _expected(cluster: str, seed: int = 0, ratios: tuple[float, float, float] = RATIOS) -> str:
    u = int(hashlib.sha256(f"{seed}:{cluster}".encode()).hexdigest()[:16], 16) / 2**64
    return "train" if u < ratios[0] else "validation" if u < ratios[0] + ratios[1] else "test"


def test_split_is_a_hash_threshold_per_cluster() -> None:
    clusters = [f"doc{i:05d}" for i in range(10_000)]
    got = [split_of_cluster(c, RATIOS, 0) for c in clusters]
    assert got == [_expected(c) for c in clusters]
    shares = {s: got.count(s) / len(got) for s in ("train", "validation", "test")}
    assert shares == pytest.approx({"train": 0.8, "validation": 0.1, "test": 0.1}, abs=0.015)
    other_seed = [split_of_cluster(c, RATIOS, 1) for c in clusters]
    assert other_seed != got


@pytest.mark.parametrize(
    ("ratios", "allowed"),
    [((1.0, 0.0, 0.0), {"train"}), ((0.5, 0.5, 0.0), {"train", "validation"})],
)
def test_zero_ratio_splits_stay_empty(
    ratios: tuple[float, float, float], allowed: set[str]
) -> None:
    assert {split_of_cluster(f"c{i}", ratios, 0) for i in range(500)} == allowed


def test_components_get_the_smallest_doc_id() -> None:
    docs = ["b", "a", "c", "d", "e"]
    result = assign(docs, [("c", "b"), ("d", "c")], {}, RATIOS, 0)
    assert result.cluster == {"a": "a", "b": "b", "c": "b", "d": "b", "e": "e"}
    assert result.split == {d: _expected(c) for d, c in result.cluster.items()}
    assert result.clusters == {"a": ["a"], "b": ["b", "c", "d"], "e": ["e"]}
    assert result.bridges == []


def test_assignment_ignores_input_order() -> None:
    docs = [f"d{i}" for i in range(30)]
    links = [(f"d{i}", f"d{i + 1}") for i in range(0, 28, 3)]
    first = assign(docs, links, {}, RATIOS, 0)
    rng = random.Random(1)
    for _ in range(5):
        d, ln = docs[:], [(b, a) for a, b in links]
        rng.shuffle(d)
        rng.shuffle(ln)
        again = assign(d, ln, {}, RATIOS, 0)
        assert (again.cluster, again.split) == (first.cluster, first.split)


def test_recorded_documents_keep_cluster_and_split() -> None:
    # recorded splits are kept even where the hash (or new ratios) would say otherwise
    recorded = {"a": Recorded("a", "test"), "b": Recorded("a", "test"), "c": Recorded("c", "train")}
    result = assign(["a", "b", "c", "0new"], [("0new", "b")], recorded, (1.0, 0.0, 0.0), 0)
    assert result.cluster == {"a": "a", "b": "a", "c": "c", "0new": "a"}
    # the new near-copy joins its original's cluster and split, though its id sorts first
    assert result.split == {"a": "test", "b": "test", "c": "train", "0new": "test"}


def test_new_document_joins_the_nearest_recorded_cluster() -> None:
    recorded = {"a": Recorded("a", "train"), "z": Recorded("z", "test")}
    # x - a ; y - x ; y - w ; w - z : x is 1 link from a, w 1 from z, y 2 from both
    links = [("x", "a"), ("y", "x"), ("y", "w"), ("w", "z")]
    result = assign(["a", "z", "x", "y", "w"], links, recorded, RATIOS, 0)
    assert result.cluster == {"a": "a", "z": "z", "x": "a", "w": "z", "y": "a"}
    assert result.split == {"a": "train", "z": "test", "x": "train", "w": "test", "y": "train"}
    # a bridge: recorded clusters are not merged, and it is reported
    assert result.bridges == [{"clusters": ["a", "z"], "documents": ["w", "x", "y"]}]


def test_n_then_n_plus_10_documents_keep_their_split() -> None:
    rng = random.Random(7)
    docs = [f"doc{i:03d}" for i in range(60)]
    links = [(a, b) for a, b in itertools.pairwise(docs) if rng.random() < 0.2]
    before = assign(docs[:50], [(a, b) for a, b in links if b in docs[:50]], {}, RATIOS, 0)
    recorded = {d: Recorded(before.cluster[d], before.split[d]) for d in docs[:50]}
    after = assign(docs, links, recorded, RATIOS, 0)
    assert {d: after.split[d] for d in docs[:50]} == before.split
    assert {d: after.cluster[d] for d in docs[:50]} == before.cluster
    # and a cluster is never in two splits
    for members in after.clusters.values():
        assert len({after.split[d] for d in members}) == 1


def test_split_note() -> None:
    result = Assignment({"a": "a", "b": "a"}, {"a": "train", "b": "train"})
    assert split_note(result, RATIOS) == (
        "no document is in validation or test: 1 cluster(s) are too few for ratios "
        "0.8,0.1,0.1 (each cluster's split is drawn from a hash of its id, so a small "
        "corpus can leave a split empty)"
    )
    assert split_note(result, (1.0, 0.0, 0.0)) == ""
    assert split_note(Assignment(), RATIOS) == ""
