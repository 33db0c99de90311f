"""Sentence alignment of Arabic articles with their existing English versions.

* :mod:`.english` — read, clean (English furniture, the Arabic cleaner's rule kinds)
  and segment (pysbd) the English;
* :mod:`.similarity` — chrF of the machine translation against the English,
  Gale–Church length, numbers and glossary names, combined;
* :mod:`.length_model` — the document pair's own length model (fitted on its
  confident anchors);
* :mod:`.dp` — banded dynamic programming over 1-1 … 0-1 links;
* :mod:`.align` — :func:`align_sentences` (lists of sentences to :class:`Link` s),
  :func:`align_pair` (the links and what the alignment measured);
* :mod:`.documents` — files to links through the build's stages (:func:`align_files`);
* :mod:`.scoring` — link precision/recall/F1 against gold alignments (strict and lax).
"""

from __future__ import annotations

from kzparallel.alignment.align import Alignment, AlignParams, align_pair, align_sentences
from kzparallel.alignment.documents import AlignedDocument, align_documents, align_files

__all__ = [
    "AlignParams",
    "AlignedDocument",
    "Alignment",
    "align_documents",
    "align_files",
    "align_pair",
    "align_sentences",
]
