"""Near-duplicate clusters and train/validation/test splits that stay put.

**Clusters.** Documents joined by near-duplicate links
(:meth:`kzparallel.dedup.NearDuplicateIndex.edges`) form a cluster (a
connected component). A cluster's id is the smallest ``doc_id`` among its
documents when it was formed, and it is recorded per document in
``manifest.json``; later builds never change a recorded cluster or split.

**Splits.** A cluster's split is drawn from the hash of its id and the seed,
not from a rank, so it does not depend on any other document::

    u = int(sha256(f"{seed}:{cluster}").hexdigest()[:16], 16) / 2**64
    train if u < r_train, validation if u < r_train + r_validation, else test

so every document of a cluster is in the same split, and adding documents
never moves an existing one.

**New documents next to recorded ones.** A new document linked (directly or
through other new documents) to recorded documents joins the recorded cluster
it is fewest links away from (ties: the smallest cluster id) and takes its
split. Recorded clusters are never merged: when new documents link two of
them (a *bridge*), both keep their documents and splits, the bridge is listed
in the manifest and the report, and sentences the two share are still kept
once (the sentence rule, :mod:`kzparallel.dedup`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

SPLITS = ("train", "validation", "test")
# which copy of a repeated sentence is kept: held-out splits first
SPLIT_PRIORITY = {"test": 0, "validation": 1, "train": 2}


def split_draw(cluster: str, seed: int) -> float:
    """The cluster's number in [0, 1) for ``seed``."""
    h = hashlib.sha256(f"{seed}:{cluster}".encode()).hexdigest()
    return int(h[:16], 16) / 2**64


def split_of_cluster(cluster: str, ratios: Sequence[float], seed: int) -> str:
    """train / validation / test for ``cluster`` by hash threshold (module doc)."""
    u = split_draw(cluster, seed)
    if u < ratios[0]:
        return "train"
    if u < ratios[0] + ratios[1]:
        return "validation"
    return "test" if ratios[2] > 0 else ("validation" if ratios[1] > 0 else "train")


@dataclass
class Recorded:
    """A document's cluster and split from an earlier build."""

    cluster: str
    split: str


@dataclass
class Assignment:
    """Cluster and split of every document, and what happened."""

    cluster: dict[str, str] = field(default_factory=dict)
    split: dict[str, str] = field(default_factory=dict)
    bridges: list[dict[str, list[str]]] = field(default_factory=list)

    @property
    def clusters(self) -> dict[str, list[str]]:
        """cluster id → its documents (sorted)."""
        out: dict[str, list[str]] = {}
        for doc, cluster in sorted(self.cluster.items()):
            out.setdefault(cluster, []).append(doc)
        return dict(sorted(out.items()))

    def docs_in(self, split: str) -> list[str]:
        return [d for d, s in sorted(self.split.items()) if s == split]


def _components(docs: Sequence[str], links: Iterable[tuple[str, str]]) -> list[list[str]]:
    parent = {d: d for d in docs}

    def find(d: str) -> str:
        while parent[d] != d:
            parent[d] = parent[parent[d]]
            d = parent[d]
        return d

    for a, b in links:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for d in sorted(docs):
        groups.setdefault(find(d), []).append(d)
    return list(groups.values())


def assign(
    docs: Iterable[str],
    links: Iterable[tuple[str, str]],
    recorded: Mapping[str, Recorded],
    ratios: Sequence[float],
    seed: int,
) -> Assignment:
    """Clusters and splits of ``docs`` (see module doc); ``recorded`` holds the
    documents of earlier builds, whose cluster and split are kept."""
    doc_list = sorted(set(docs))
    link_list = [(a, b) for a, b in links if a != b]
    neighbours: dict[str, set[str]] = {d: set() for d in doc_list}
    for a, b in link_list:
        neighbours[a].add(b)
        neighbours[b].add(a)
    result = Assignment()
    cluster_split = {r.cluster: r.split for _, r in sorted(recorded.items())}
    for component in _components(doc_list, link_list):
        old = [d for d in component if d in recorded]
        if not old:
            cluster = component[0]
            split = split_of_cluster(cluster, ratios, seed)
            for d in component:
                result.cluster[d], result.split[d] = cluster, split
            continue
        # multi-source breadth-first search from the recorded documents
        owner = {d: recorded[d].cluster for d in old}
        frontier = sorted(old)
        while frontier:
            reached: dict[str, str] = {}
            for d in frontier:
                for n in neighbours[d]:
                    if n not in owner and (n not in reached or owner[d] < reached[n]):
                        reached[n] = owner[d]
            owner.update(reached)
            frontier = sorted(reached)
        for d in component:
            result.cluster[d] = owner[d]
            result.split[d] = recorded[d].split if d in recorded else cluster_split[owner[d]]
        joined = sorted({owner[d] for d in component})
        if len(joined) > 1:
            result.bridges.append(
                {"clusters": joined, "documents": [d for d in component if d not in recorded]}
            )
    return result


def split_note(assignment: Assignment, ratios: Sequence[float]) -> str:
    """Why a split with a non-zero ratio is empty ("" when none is)."""
    empty = [
        name
        for name, r in zip(SPLITS, ratios, strict=True)
        if r > 0 and not any(s == name for s in assignment.split.values())
    ]
    if not empty or not assignment.split:
        return ""
    n = len(set(assignment.cluster.values()))
    return (
        f"no document is in {' or '.join(empty)}: {n} cluster(s) are too few for ratios "
        f"{','.join(f'{r:g}' for r in ratios)} (each cluster's split is drawn from a hash "
        "of its id, so a small corpus can leave a split empty)"
    )
