"""Synthetic corpora for the deduplication and split tests (no model needed).

Documents are the cleaned seed articles and variants of them; pairs get an
English text and a score derived from the Arabic, as the translation cache
would give a repeated sentence the same translation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from kzparallel.records import Document, Pair

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def seed_documents() -> list[Document]:
    from kzparallel.builder import prepared_documents

    return list(prepared_documents([SEEDS]))


def near_copy(doc: Document, doc_id: str, kind: str, other: Document) -> Document:
    """A syndicated copy of ``doc``: other furniture (another headline), a
    paragraph less, or a paragraph more (taken from ``other``)."""
    paras = list(doc.paragraphs)
    if kind == "furniture":
        return replace(doc, doc_id=doc_id, title=f"{doc.title} | وكالة الأنباء", paragraphs=paras)
    if kind == "less":
        return replace(doc, doc_id=doc_id, paragraphs=paras[:2] + paras[3:])
    if kind == "more":
        return replace(doc, doc_id=doc_id, paragraphs=[*paras, other.paragraphs[-1]])
    raise ValueError(kind)


def roundup(doc_id: str, sources: Sequence[Document]) -> Document:
    """A new article quoting two paragraphs of each source (shares sentences,
    but is no near-copy of any source)."""
    paras = [p for d in sources for p in d.paragraphs[1:3]]
    return Document(doc_id=doc_id, source=f"{doc_id}.txt", title=None, paragraphs=paras)


def english(ar: str) -> tuple[str, float]:
    """A deterministic English stand-in and score for ``ar``."""
    h = int(hashlib.sha256(ar.encode()).hexdigest()[:8], 16)
    return f"The report said that {len(ar.split())} people met on day {h % 97}.", -0.3 - (
        h % 40
    ) / 100


def pairs_of(docs: Sequence[Document], ctx: Any) -> Iterator[Pair]:
    from kzparallel.builder import document_segments
    from kzparallel.qa import content_flags

    for doc in docs:
        for seg in document_segments(doc):
            en, score = english(seg.text)
            pair = Pair.from_segment(
                seg,
                en=en,
                score=score,
                model=ctx.model_ref.model_id,
                revision=ctx.model_ref.revision,
                backend=ctx.backend_label,
                signature=ctx.signature_text,
            )
            pair.qa = content_flags(pair)
            yield pair


def context(glossary: str = "none") -> Any:
    from kzparallel.builder import BuildContext
    from kzparallel.provenance import Signature
    from kzparallel.translation.base import DecodingConfig
    from kzparallel.translation.model import ModelRef

    sig = Signature("m", "abc123", "transformers-fp32", {"beam": 4}, glossary, "0.1.0")
    return BuildContext(
        ModelRef("m", "abc123", Path("m")), "transformers-fp32", DecodingConfig(), sig
    )


def build_docs(docs: Sequence[Document], out: Path, ctx: Any = None, **settings: Any) -> Any:
    """``write_outputs`` over the synthetic pairs of ``docs``, staged as an engine
    stages them."""
    from kzparallel.builder import (
        STAGING_DIR,
        BuildSettings,
        PartWriter,
        Staged,
        StagedDoc,
        check_out_dir,
        document_segments,
        stage_documents,
        write_outputs,
    )

    ctx = ctx or context()
    infos = [
        StagedDoc(d.doc_id, d.source, d.title, len(d.blocks()), len(document_segments(d)))
        for d in docs
    ]
    check_out_dir(out, ctx)
    staged = Staged()
    with PartWriter(out / STAGING_DIR / "part-000000.jsonl") as writer:
        staged.docs = list(stage_documents(infos, pairs_of(docs, ctx), writer))
    return write_outputs(staged, out, ctx, BuildSettings(model="m", **settings))
