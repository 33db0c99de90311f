"""Duplicate detection: sentence keys, near-duplicate documents, kept copies."""

from __future__ import annotations

import itertools
import random

import pytest
from corpus_helpers import near_copy, roundup, seed_documents

from kzparallel.dedup import (
    NO_KEY,
    NearDuplicateIndex,
    SentenceIndex,
    sentence_digest,
    sentence_key,
    shingles,
)
from kzparallel.records import Document, pair_id


@pytest.fixture(scope="module")
def seeds() -> list[Document]:
    return seed_documents()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # diacritics and tatweel
        ("قالَ الرئيسُ إنّ الوضعَ مستقر", "قال الرئيس إن الوضع مستقر"),
        ("الأمـــن الجماعي", "الأمن الجماعي"),
        # alef forms, alef maqsura, ta marbuta
        ("أعلنت إدارة الرئيس", "اعلنت اداره الرئيس"),
        ("مستشفى", "مستشفي"),
        # punctuation and spacing
        ("قال: «نتابع بدقة».", "قال نتابع بدقة"),
        ("قال ،   نتابع\tبدقة", "قال، نتابع بدقة"),
        # digits
        ("أكثر من ١٠٠٠ شخص", "أكثر من 1000 شخص"),
    ],
)
def test_same_sentence_after_normalisation(a: str, b: str) -> None:
    assert sentence_key(a) == sentence_key(b)
    assert sentence_digest(a) == sentence_digest(b) != NO_KEY


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("قال الرئيس إن الوضع مستقر", "قال الرئيس إن الوضع غير مستقر"),
        ("أكثر من 1000 شخص", "أكثر من 100 شخص"),
    ],
)
def test_different_sentences(a: str, b: str) -> None:
    assert sentence_digest(a) != sentence_digest(b)


def test_sentence_keys_and_empty_keys() -> None:
    assert sentence_key("قال: «نتابع   بدقة».") == "قال نتابع بدقه"  # ة → ه
    assert sentence_key("...") == ""
    assert sentence_digest("... !") == NO_KEY


def test_shingles() -> None:
    words = ["a", "b", "c", "d", "e", "f"]
    assert shingles(words) == [b"a b c d e", b"b c d e f"]
    assert shingles(words[:3]) == [b"a b c"]
    assert shingles([]) == []


def _index(docs: list[Document]) -> NearDuplicateIndex:
    index = NearDuplicateIndex()
    for number, doc in enumerate(docs):
        sketch = index.sketcher()
        for para in doc.paragraphs:
            sketch.add(sentence_key(para))
        index.add(number, sketch.signature())
    return index


def test_related_articles_are_not_near_copies(seeds: list[Document]) -> None:
    # the five seeds are about the same events (and share names), yet no two link
    assert _index(seeds).edges() == []


@pytest.mark.parametrize("kind", ["furniture", "less", "more"])
def test_syndicated_copies_link_to_their_original(seeds: list[Document], kind: str) -> None:
    copies = [
        near_copy(doc, f"copy-{doc.doc_id}", kind, seeds[(i + 1) % 5])
        for i, doc in enumerate(seeds)
    ]
    edges = _index(seeds + copies).edges()
    assert [(a, b) for a, b, _ in edges] == [(i, i + 5) for i in range(5)]
    assert all(similarity >= 0.75 for _, _, similarity in edges)


def test_roundups_sharing_paragraphs_are_not_near_copies(seeds: list[Document]) -> None:
    docs = [*seeds, roundup("r1", seeds[:2]), roundup("r2", seeds[2:])]
    assert _index(docs).edges() == []


def test_edges_do_not_depend_on_insertion_order(seeds: list[Document]) -> None:
    copies = [near_copy(d, f"c{i}", "more", seeds[0]) for i, d in enumerate(seeds)]
    docs = seeds + copies
    index = NearDuplicateIndex()
    order = list(range(len(docs)))
    random.Random(3).shuffle(order)
    for number in order:
        sketch = index.sketcher()
        for para in docs[number].paragraphs:
            sketch.add(sentence_key(para))
        index.add(number, sketch.signature())
    assert index.edges() == _index(docs).edges()


def test_empty_body_is_nobodys_copy() -> None:
    index = NearDuplicateIndex()
    index.add(0, index.sketcher().signature())
    index.add(1, index.sketcher().signature())
    assert index.edges() == []


def test_threshold_is_checked() -> None:
    with pytest.raises(ValueError, match=r"must be in \(0, 1\], got 1.5"):
        NearDuplicateIndex(1.5)


def test_kept_copy_is_the_lowest_ranked_document() -> None:
    # three documents; document 1 ranks first, then 2, then 0
    sentences = {
        0: ["جملة مشتركة بين الجميع", "جملة فريدة", "جملة مشتركة بين الجميع"],
        1: ["جملة أخرى", "جُملة مشتركة بين الجميع."],
        2: ["جملة أخرى", "..."],
    }
    index = SentenceIndex()
    ids: dict[tuple[int, int], str] = {}
    for doc, texts in sentences.items():
        for pos, ar in enumerate(texts):
            ids[doc, pos] = pair_id(f"d{doc}", pos, 0, ar)
            index.add(sentence_key(ar), ids[doc, pos], doc, pos)
    dups = index.resolve([2, 0, 1])  # rank of document 0, 1, 2
    got = [
        dups.duplicate_of(i)
        for i, (doc, pos) in enumerate((d, p) for d, t in sentences.items() for p in range(len(t)))
    ]
    assert got == [ids[1, 1], None, ids[1, 1], None, None, ids[1, 0], None]
    assert (dups.removed, dups.sentences) == (3, 3)


def test_kept_copy_ignores_input_order() -> None:
    texts = [("جملة مشتركة", d, p) for d, p in itertools.product(range(3), range(2))]
    results = set()
    for perm in itertools.permutations(texts):
        index = SentenceIndex()
        for ar, doc, pos in perm:
            index.add(sentence_key(ar), pair_id(f"d{doc}", pos, 0, ar), doc, pos)
        dups = index.resolve([1, 0, 2])
        kept = {dups.duplicate_of(i) for i in range(len(perm))} - {None}
        results.add(frozenset(kept))
    assert results == {frozenset({pair_id("d1", 0, 0, "جملة مشتركة")})}
