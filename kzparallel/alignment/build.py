"""``kzparallel build ... --english EN_INPUT...``: human English versions in the build.

After the engine has staged the machine-translated pairs (any engine: this runs on
the driver, over the staging folder), :func:`align_staged`

1. reads, cleans and segments the English inputs (:mod:`kzparallel.alignment.english`;
   a bad file is reported, one line, and the others are still used);
2. pairs the Arabic documents with the English ones
   (:func:`kzparallel.alignment.pairing.pair_documents`: by name, then by the
   machine translation of the Arabic opening — the staged pairs' ``en``);
3. aligns each pair's sentences (:func:`kzparallel.alignment.align.align_sentences`
   with the staged machine translations and the build's glossary) and replaces the
   document's staged pairs with **one pair per link**:

   * a link with Arabic and English (1-1, 2-1, 1-2, 2-2, 3-1, 1-3): ``origin``
     ``"aligned"``, ``ar`` the link's Arabic sentences joined by a space, ``en`` its
     English sentences joined by a space (the human English, never changed),
     ``en_mt`` the machine translations of the Arabic sentences joined; ``para``,
     ``sent``, ``start`` and ``is_title`` are the first Arabic sentence's, ``end``
     the last one's when the link stays in one paragraph (else the first's);
     ``score`` the mean model score of the sentences; the glossary is *checked* on
     the human English (``terms``, ``violations``, the ``glossary`` QA flag), not
     repaired;
   * a 1-0 link (an Arabic sentence without English): its machine-translated pair,
     ``origin`` ``"mt"``, link ``"1-0"``;
   * a 0-1 link (English without Arabic): no pair; counted.

   The documents of the build without an English version keep their pairs, with
   ``origin`` ``"mt"``.

   Every pair records its link's sentence indices (``ar_sents``, ``en_sents``: 0-based
   in each document), and ``DIR/links.jsonl`` what a new link structure needs (the
   sentences, the links), so the review can re-link (:mod:`kzparallel.review.relink`).

   What the alignment measured on the document
   (:meth:`kzparallel.alignment.align.Alignment.summary`: the length model it fitted)
   goes to the document's line of ``links.jsonl`` (``alignment``) and to its entry
   in the manifest's ``documents`` (``alignment``).

   With ``aligned_only`` (``--aligned-only``) the pairs of 1-0 links, of the
   documents without English and of the documents flagged partial (parallelism
   below the threshold, :mod:`kzparallel.alignment.parallelism`: all their pairs)
   stay in pairs.jsonl with ``left_out`` set (``"no-english"``,
   ``"document-without-english"``, ``"partial-document"``): the dataset and the
   exports leave them out, the counts say how many.

The counts (document pairs, unpaired documents, pairs per origin, links per kind)
go to ``Staged.bitext``: the manifest, the dataset card and the report show them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from kzparallel.alignment.links import LINKS_FILE, AlignedDoc, link_pairs, write_links
from kzparallel.errors import InputError
from kzparallel.records import Document, Segment
from kzparallel.staging import PartWriter, Staged, StagedDoc, staged_pairs

ALIGNED_PART = "part-aligned.jsonl"
LINK_KINDS = ("1-1", "2-1", "1-2", "2-2", "3-1", "1-3", "1-0", "0-1")


def read_english_inputs(
    inputs: Iterable[str | Path], on_error: Callable[[InputError], None]
) -> list[tuple[Document, list[Segment]]]:
    """The cleaned and segmented English articles of ``inputs`` (files, directories);
    a file that cannot be used goes to ``on_error`` and the others are read. Two
    articles with the same ``doc_id``: the one whose source sorts first is used."""
    from kzparallel.alignment.english import prepared_english
    from kzparallel.stages import expand_inputs

    found: dict[str, tuple[Document, list[Segment]]] = {}
    for path in expand_inputs(inputs):
        try:
            articles = prepared_english(path)
        except InputError as err:
            on_error(err)
            continue
        for doc, segs in articles:
            other = found.get(doc.doc_id)
            if other is not None:
                first, second = sorted([other, (doc, segs)], key=lambda x: x[0].source)
                found[doc.doc_id] = first
                on_error(
                    InputError(second[0].source, f"doc_id '{doc.doc_id}' is also the id of "
                               f"{first[0].source} (kept)")
                )  # fmt: skip
                continue
            found[doc.doc_id] = (doc, segs)
    return list(found.values())


Texts = dict[str, tuple[list[str], list[str], str | None]]


def _candidates(arabic: Texts, english: Texts, glossary: Any) -> tuple[list[Any], list[Any]]:
    """Document pairing's view of each article (:class:`~kzparallel.alignment.pairing.Candidate`);
    ``arabic`` and ``english`` map an article's id to (its opening in English, its own
    sentences, its date); the numbers and glossary names are the whole article's."""
    from kzparallel.alignment.pairing import Candidate, opening
    from kzparallel.alignment.similarity import glossary_terms
    from kzparallel.arabic import written_numbers

    ar_whole = [" ".join(own) for _, own, _ in arabic.values()]
    en_whole = [" ".join(own) for _, own, _ in english.values()]
    dates = [d for _, _, d in arabic.values()]
    ar_names, en_names = glossary_terms(glossary, ar_whole, en_whole, dates)

    def made(texts: Texts, whole: list[str], names: list[frozenset[str]]) -> list[Any]:
        return [
            Candidate(doc_id, doc_id, opening(en), date, frozenset(written_numbers(t)), found)
            for (doc_id, (en, _, date)), t, found in zip(texts.items(), whole, names, strict=True)
        ]

    return made(arabic, ar_whole, ar_names), made(english, en_whole, en_names)


def align_staged(
    staged: Staged,
    english_inputs: Iterable[str | Path],
    staging: Path,
    glossary: Any,
    on_error: Callable[[InputError], None],
    on_warning: Callable[[str], None] | None,
    aligned_only: bool = False,
    pair_by: str = "name",
) -> None:
    """Pair, align and re-stage (module doc); ``staged.bitext`` gets the counts.
    ``pair_by``: ``"name"`` (names, then content; a pair by name whose content
    disagrees is warned about and reported) or ``"content"`` (names ignored)."""
    from kzparallel.alignment.align import align_pair
    from kzparallel.alignment.pairing import doubts, pair_documents

    english = read_english_inputs(english_inputs, on_error)
    arabic: dict[str, StagedDoc] = {}
    for doc in sorted(staged.docs, key=lambda d: (d.doc_id, d.source, d.part, d.offset)):
        if doc.pairs and doc.doc_id not in arabic:  # a repeated doc_id: staging reports it
            arabic[doc.doc_id] = doc
    ar_texts: Texts = {}
    for doc_id, doc in arabic.items():
        whole = list(staged_pairs([doc]))
        ar_texts[doc_id] = ([p.en for p in whole[:4]], [p.ar for p in whole], whole[0].date)
    en_texts: Texts = {
        d.doc_id: ([s.text for s in segs], [s.text for s in segs], d.date) for d, segs in english
    }
    by_id = {doc.doc_id: (doc, segs) for doc, segs in english}
    ar_candidates, en_candidates = _candidates(ar_texts, en_texts, glossary)
    pairing = pair_documents(ar_candidates, en_candidates, by=pair_by)
    doubted = doubts(pairing, ar_candidates, en_candidates)
    for doubt in doubted:
        if on_warning is not None:
            on_warning(
                f"{by_id[doubt.english][0].source}: paired by name with {doubt.arabic}, but "
                f"{doubt.reason} (kept; --pair-by content ignores names)"
            )
    partner = {p.arabic: p for p in pairing.pairs}
    origins: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    left_out: Counter[str] = Counter()
    aligned: list[AlignedDoc] = []
    with PartWriter(staging / ALIGNED_PART) as writer:
        for doc in staged.docs:
            if not doc.pairs:
                continue
            pairs = list(staged_pairs([doc]))
            found = partner.get(doc.doc_id) if arabic.get(doc.doc_id) is doc else None
            if found is None:
                left = "document-without-english" if aligned_only else None
                new = [replace(p, origin="mt", left_out=left) for p in pairs]
            else:
                en_segs = by_id[found.english][1]
                alignment = align_pair(
                    [p.ar for p in pairs],
                    [s.text for s in en_segs],
                    mt=[p.en for p in pairs],
                    glossary=glossary,
                    dates=[p.date for p in pairs],
                )
                links = alignment.links
                doc.alignment = {"english": found.english, **alignment.summary()}
                kinds.update(link.kind for link in links)
                new = link_pairs(
                    pairs, links, glossary, aligned_only, alignment.parallelism.partial
                )
                aligned.append(
                    AlignedDoc(
                        doc_id=doc.doc_id,
                        ar=pairs,
                        en=[s.text for s in en_segs],
                        links=[(list(k.ar_sents), list(k.en_sents)) for k in links],
                        aligned_only=aligned_only,
                        ids=[p.id for p in new],
                        alignment=doc.alignment,
                    )
                )
            origins.update(p.origin for p in new)
            left_out.update(p.left_out for p in new if p.left_out)
            writer.start(doc)
            for pair in new:
                writer.add(pair)
            writer.end()
    write_links(staging.parent / LINKS_FILE, aligned)
    for doc_id in pairing.unmatched_english:
        if on_warning is not None:
            source = by_id[doc_id][0].source
            on_warning(f"{source}: no Arabic document of the build pairs with it (not used)")
    staged.bitext = {
        "english_documents": len(english),
        "document_pairs": len(pairing.pairs),
        "paired_by": dict(sorted(Counter(p.how for p in pairing.pairs).items())),
        "unpaired_arabic": len(pairing.unmatched_arabic),
        "unpaired_english": [by_id[d][0].source for d in pairing.unmatched_english],
        "origins": {k: origins[k] for k in ("aligned", "mt")},
        "links": {k: kinds[k] for k in LINK_KINDS if kinds[k]},
    }
    if doubted:
        staged.bitext["name_doubts"] = [
            {**d.to_dict(), "english": by_id[d.english][0].source} for d in doubted
        ]
    if aligned_only:
        staged.bitext["left_out"] = {
            k: left_out[k] for k in ("no-english", "document-without-english", "partial-document")
        }
