"""Aligning an Arabic article with its English version, end to end.

The Arabic goes through the build's own stages (:mod:`kzparallel.stages`: read,
clean, segment, translate with the cache and the glossary); the English through
:mod:`kzparallel.alignment.english` (read, clean, segment with pysbd); then
:func:`kzparallel.alignment.align.align_sentences` links their sentences.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kzparallel.alignment.align import AlignParams, align_sentences
from kzparallel.alignment.english import prepared_english
from kzparallel.errors import InputError
from kzparallel.records import Document, Link, Pair, Segment
from kzparallel.segmentation import segment_document
from kzparallel.session import translation_session
from kzparallel.stages import BuildSettings, prepared_documents


@dataclass
class AlignedDocument:
    """An Arabic article, its English version and the links between their sentences."""

    arabic: Document
    english: Document
    ar_segments: list[Segment]
    en_segments: list[Segment]
    pairs: list[Pair]  # the Arabic sentences with their machine translation (glossary enforced)
    links: list[Link]


def read_arabic(path: str | Path) -> Document:
    """The one cleaned Arabic article of ``path`` (an :class:`InputError` otherwise)."""
    docs = list(prepared_documents([str(path)]))
    if len(docs) != 1:
        raise InputError(str(path), f"holds {len(docs)} articles; give one article per file")
    return docs[0]


def read_english_article(path: str | Path) -> tuple[Document, list[Segment]]:
    """The one cleaned English article of ``path`` and its sentences."""
    found = prepared_english(path)
    if len(found) != 1:
        raise InputError(str(path), f"holds {len(found)} articles; give one article per file")
    return found[0]


def align_documents(
    arabic: Document,
    english: Document,
    en_segments: list[Segment],
    pairs: list[Pair],
    glossary: Any = None,
    params: AlignParams | None = None,
) -> AlignedDocument:
    """Link the sentences of a translated Arabic article (``pairs``, in document
    order) and an English article's sentences."""
    ar_segments = segment_document(arabic)
    if [p.ar for p in pairs] != [s.text for s in ar_segments]:
        raise ValueError("the pairs are not the Arabic article's sentences in order")
    links = align_sentences(
        [s.text for s in ar_segments],
        [s.text for s in en_segments],
        mt=[p.en for p in pairs],
        glossary=glossary,
        params=params,
        dates=[s.date for s in ar_segments],
    )
    return AlignedDocument(arabic, english, ar_segments, en_segments, pairs, links)


def align_files(
    ar_path: str | Path,
    en_path: str | Path,
    settings: BuildSettings,
    params: AlignParams | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> AlignedDocument:
    """Read, clean, segment and translate ``ar_path`` as a build would (a
    translation session of ``settings``: cache, glossary; ``on_warning``: the
    cache's warnings), read the English of ``en_path``, and align them. Both
    files are read before the model is loaded, so bad input fails fast."""
    arabic = read_arabic(ar_path)
    english, en_segments = read_english_article(en_path)
    with translation_session(settings, on_warning=on_warning) as session:
        # a progress bar on a terminal only (long articles, a first model load)
        pairs = list(session.translate(segment_document(arabic), progress=True))
    return align_documents(arabic, english, en_segments, pairs, session.ctx.glossary, params)
