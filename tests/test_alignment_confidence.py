"""Link confidence (:mod:`kzparallel.alignment.confidence`): the pool-adjacent-violators
fit, the step lookup, the reliability table, and the shipped calibration checked on
articles it was not fitted on (the random-weight model: its MT gets no weight)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kzparallel.alignment.align import align_sentences
from kzparallel.alignment.confidence import (
    Block,
    Calibration,
    fit_calibration,
    labelled,
    pool_adjacent_violators,
    reliability,
    shipped_calibration,
)
from kzparallel.demo.corpus import generate_corpus
from kzparallel.records import Link
from kzparallel.session import translation_session
from kzparallel.stages import BuildSettings
from kzparallel.testing.bitext import gold_documents, translate_gold
from kzparallel.testing.partial_bitext import calibration_samples, halves, partial_documents

Samples = list[tuple[str, float, bool]]


@pytest.mark.parametrize(
    ("samples", "min_count", "blocks"),
    [
        # already increasing: one block per distinct score
        ([(0.1, False), (0.5, True)], 1, [Block(0.1, 0.0, 1), Block(0.5, 1.0, 1)]),
        # a violator is pooled with the block before it
        ([(0.1, True), (0.5, False), (0.9, True)], 1, [Block(0.1, 0.5, 2), Block(0.9, 1.0, 1)]),
        # equal scores form one block
        ([(0.3, True), (0.3, False), (0.3, True)], 1, [Block(0.3, 0.6667, 3)]),
        # decreasing all the way: one block
        ([(0.1, True), (0.2, True), (0.3, False), (0.4, False)], 1, [Block(0.1, 0.5, 4)]),
        # a block below min_count joins the neighbour of the closer rate
        (
            [(0.1, False), (0.1, False), (0.2, False), (0.2, True), (0.3, True), (0.3, True),
             (0.3, True), (0.3, True)],
            3,
            [Block(0.1, 0.25, 4), Block(0.3, 1.0, 4)],
        ),
        ([], 1, []),
    ],
)  # fmt: skip
def test_pool_adjacent_violators(
    samples: list[tuple[float, bool]], min_count: int, blocks: list[Block]
) -> None:
    assert pool_adjacent_violators(samples, min_count) == blocks


TABLE = Calibration(
    {
        "two-sided": [Block(0.4, 0.5, 10), Block(0.8, 0.9, 10), Block(0.95, 0.99, 10)],
        "one-sided": [Block(0.0, 0.7, 10), Block(0.5, 0.95, 10)],
    }
)


@pytest.mark.parametrize(
    ("kind", "score", "confidence"),
    [
        ("1-1", 0.2, 0.5),  # below the first block: its rate
        ("1-1", 0.4, 0.5),
        ("2-1", 0.8, 0.9),  # a block's low is in the block
        ("1-2", 0.9499, 0.9),
        ("2-2", 1.0, 0.99),
        ("1-0", 0.3, 0.7),  # one-sided links have a table of their own
        ("0-1", 0.5, 0.95),
    ],
)
def test_confidence_lookup(kind: str, score: float, confidence: float) -> None:
    assert TABLE.confidence(kind, score) == confidence


def test_reliability_bins() -> None:
    samples = [("1-1", 0.85, True), ("1-1", 0.85, False), ("1-1", 0.97, True), ("1-0", 0.1, False)]
    bins = reliability(samples, TABLE, edges=(0.0, 0.8, 0.95, 1.0))
    assert [(b.low, b.high, b.count, b.predicted, b.observed) for b in bins] == [
        (0.0, 0.8, 1, 0.7, 0.0),
        (0.8, 0.95, 2, 0.9, 0.5),
        (0.95, 1.0, 1, 0.99, 1.0),
    ]


def test_labelled_is_strict() -> None:
    gold = [([0], [0]), ([1, 2], [1]), ([3], [])]
    links = [
        Link("", "", [0], [0], "1-1", 0.9),
        Link("", "", [1], [1], "1-1", 0.6),  # the gold joins 1 and 2: wrong
        Link("", "", [2], [], "1-0", 0.4),
        Link("", "", [3], [], "1-0", 0.8),
    ]
    assert labelled(gold, links) == [
        ("1-1", 0.9, True),
        ("1-1", 0.6, False),
        ("1-0", 0.4, False),
        ("1-0", 0.8, True),
    ]


@pytest.fixture(scope="module")
def articles(
    tiny_model: Path, seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> list[Samples]:
    heldout = generate_corpus().heldout
    docs = gold_documents(seeds_dir, heldout, generated=6) + partial_documents(heldout)
    cache = tmp_path_factory.mktemp("confidence-cache")
    with translation_session(BuildSettings(model=str(tiny_model), cache_dir=str(cache))) as session:
        translated = translate_gold(docs, session)
        glossary = session.ctx.glossary
    first = docs[0]
    tr = translated[first.arabic]
    links = align_sentences(tr.arabic, first.en_sentences, tr.mt, glossary, dates=tr.dates)
    table = shipped_calibration()
    assert table is not None
    assert all(k.confidence == table.confidence(k.kind, k.score) for k in links)
    return calibration_samples(docs, translated, glossary)


def test_shipped_table_is_the_fit_on_the_gold_sets(articles: list[Samples]) -> None:
    """calibration.json is what `bench_align.py --calibrate` fits now (re-run it when
    the aligner's scores change), and its rates increase with the score."""
    shipped = shipped_calibration()
    assert shipped is not None
    assert fit_calibration([s for a in articles for s in a]).tables == shipped.tables
    for blocks in shipped.tables.values():
        rates = [b.rate for b in blocks]
        assert rates == sorted(rates) and len(blocks) >= 2


@pytest.mark.parametrize("fit_on", [0, 1])
def test_held_out_reliability(articles: list[Samples], fit_on: int) -> None:
    """Fitted on half of the articles (every level of an article in the same half),
    the confidence of the other half's links is within 0.1 of their observed rate
    in every bin of 30 links or more, and those bins hold most of the links."""
    parts = halves(articles)
    fit, check = parts[fit_on], parts[1 - fit_on]
    bins = reliability(check, fit_calibration(fit))
    big = [b for b in bins if b.count >= 30]
    assert sum(b.count for b in big) >= 0.9 * len(check)
    assert [(b.low, abs(b.predicted - b.observed) <= 0.1) for b in big] == [
        (b.low, True) for b in big
    ]
