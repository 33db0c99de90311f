"""Partly parallel English versions (no model): the gold set of
:mod:`kzparallel.testing.partial_bitext` and its Gale–Church baseline."""

from __future__ import annotations

from collections import Counter

import pytest

from kzparallel.testing.bitext import GoldDocument
from kzparallel.testing.corpus import Example, generate_corpus
from kzparallel.testing.partial_bitext import (
    RATIO_RANGE,
    condensed,
    galechurch_links,
    length_ratio,
    partial_documents,
)
from kzparallel.testing.templates import Use


def _uses(*used: str) -> tuple[Use, ...]:
    return tuple(Use(f"k{i}", "", "name", "", u, u) for i, u in enumerate(used))


@pytest.mark.parametrize(
    ("template", "en", "uses", "short"),
    [
        # the title before the name is dropped ({P1.title} {P1} -> {P1})
        ("emergency", "Tajik President Emomali Rahmon declared a state of emergency in Taraz.",
         ("Tajik", "Emomali Rahmon", "Taraz"), "Emomali Rahmon declared an emergency in Taraz."),
        # "the" kept where the condensed sentence has {the L1}, capitalised for {The L1}
        ("spokesman-worry", "A spokesman for the CSTO said the situation in the West Bank was "
         "worrying.", ("CSTO", "West Bank"), "The CSTO is worried about the West Bank."),
        # and dropped where it has {L1}: "the Kazakh" stays "Kazakh" after "The"
        ("delegation", "The Kazakh delegation arrived in the United States on an official visit.",
         ("Kazakh", "United States"), "The Kazakh delegation visited the United States."),
        # a [his|her:P1] choice in the reference parses either way
        ("wrote", "Tsikhanouskaya wrote on her Telegram account that dialogue was the only way "
         "forward.", ("Tsikhanouskaya", "Telegram"),
         "Tsikhanouskaya wrote on Telegram that only dialogue would work."),
        # a name the example does not use: the reference does not parse
        ("visit", "Volodin will visit Aktau next week.", ("Volodin", "Atyrau"), None),
        # no condensed rendering for the template
        ("bare-person", "Karim Massimov", ("Karim Massimov",), None),
    ],
)  # fmt: skip
def test_condensed_english(
    template: str, en: str, uses: tuple[str, ...], short: str | None
) -> None:
    assert condensed(Example("", en, template, _uses(*uses))) == short


@pytest.fixture(scope="module")
def partial() -> list[GoldDocument]:
    return partial_documents(generate_corpus().heldout)


def test_partial_gold_set(partial: list[GoldDocument]) -> None:
    """12 documents (check_gold passed for each), every one 0.45–0.7 English
    characters per Arabic one, with every kind of omission and addition."""
    assert [d.name for d in partial] == [f"part{k:02d}" for k in range(12)]
    assert all(RATIO_RANGE[0] <= length_ratio(d) <= RATIO_RANGE[1] for d in partial)
    kinds: Counter[str] = Counter()
    done: Counter[str] = Counter()
    for doc in partial:
        kinds.update(doc.kinds())
        done.update(doc.perturbations)
    assert dict(kinds) == {"1-1": 119, "1-0": 90, "0-1": 19, "2-1": 18}
    assert dict(done) == {
        "terse": 6,
        "selective": 6,
        "quotation": 21,
        "attribution": 24,
        "background-paragraph": 12,
        "condensed": 54,
        "merged": 18,
        "sentence-dropped": 21,
        "note-added": 19,
    }
    # the English leaves out about half of the Arabic sentences
    arabic = sum(len(a) for d in partial for a, _ in d.links)
    english = sum(len(d.en_sentences) for d in partial)
    assert (arabic, english) == (245, 156)


@pytest.mark.parametrize(
    ("arabic", "english", "ratio", "links"),
    [
        # the document's own ratio (100 / 160 characters) gives three 1-1 links; the
        # corpus-wide 1.22 joins the first two sentences of each side
        ((40, 40, 80), (10, 40, 50), None, [([0], [0]), ([1], [1]), ([2], [2])]),
        ((40, 40, 80), (10, 40, 50), 1.22, [([0, 1], [0, 1]), ([2], [2])]),
        ((40, 40), (), None, [([0], []), ([1], [])]),
        ((), (30,), None, [([], [0])]),
    ],
)
def test_galechurch_with_the_documents_ratio(
    arabic: tuple[int, ...], english: tuple[int, ...], ratio: float | None, links: list
) -> None:
    ar = ["x" * n for n in arabic]
    en = ["y" * n for n in english]
    assert galechurch_links(ar, en, ratio) == links
