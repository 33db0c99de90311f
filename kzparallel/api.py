"""The Python API: translate sentences, build a corpus, align an article pair.

::

    import kzparallel

    with kzparallel.Translator("Helsinki-NLP/opus-mt-ar-en") as tr:  # loaded once
        tr.translate("أعلن الرئيس حالة الطوارئ في ألماتي.")   # -> one English string
        tr.translate(["...", "..."])                        # -> a list, in order
        tr.translate_pairs(["..."])                          # -> Pair records, glossary report

    kzparallel.translate(["..."], model="demo")             # a one-off Translator
    kzparallel.build(["seeds/"], "outputs/seeds")            # -> the manifest (a dict)
    kzparallel.align(arabic_article, english_article)       # -> the sentence links

Every function runs the build's own stages (cleaning, segmentation, the glossary's
layers, the translation cache), so what the API returns is what ``kzparallel
translate``/``build``/``align`` write. Heavy libraries (torch, transformers,
ctranslate2, datasets) are imported only when a model is loaded or a dataset written.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, overload

from kzparallel.alignment.documents import align_documents
from kzparallel.alignment.english import clean_english, segment_english
from kzparallel.builder import build as run_build
from kzparallel.cleaning import clean_document
from kzparallel.manifest import read_manifest
from kzparallel.records import Document, Link, Pair, Segment
from kzparallel.segmentation import segment_document, segment_text
from kzparallel.session import TranslationSession, translation_session
from kzparallel.stages import BuildSettings
from kzparallel.translation.model import DEFAULT_MODEL


def text_segments(texts: Iterable[str], doc_id: str = "-") -> Iterator[Segment]:
    """The sentences of each text, paragraph ``i`` for the ``i``-th text; an empty
    text gives one empty segment, so that every text has an answer."""
    for i, text in enumerate(texts):
        segs = segment_text(text, doc_id=doc_id, para=i) if text.strip() else []
        yield from segs or [Segment(doc_id, i, 0, "", 0, 0)]


def joined_english(pairs: Iterable[Pair]) -> Iterator[tuple[str, int, str]]:
    """``(doc_id, para, English)``: the English sentences of each paragraph joined
    with a space, in order."""
    current: tuple[str, int] | None = None
    parts: list[str] = []
    for pair in pairs:
        key = (pair.doc_id, pair.para)
        if current is not None and key != current:
            yield current[0], current[1], " ".join(p for p in parts if p)
            parts = []
        current = key
        parts.append(pair.en)
    if current is not None:
        yield current[0], current[1], " ".join(p for p in parts if p)


def _settings(model: str, glossary: str | Path | bool | None, **options: Any) -> BuildSettings:
    """``glossary``: a path, ``None``/``True`` for the shipped one, ``False`` for none."""
    return BuildSettings(
        model=model,
        glossary=None if glossary in (None, True, False) else str(glossary),
        use_glossary=glossary is not False,
        **options,
    )


class Translator:
    """A model, backend and glossary loaded once and used for many calls (the
    CLI's ``translate`` is this class). Options are :class:`BuildSettings`'
    (``backend``, ``device``, ``quantization``, ``beam``, ``max_new_tokens``,
    ``batch_tokens``, ``glossary_layers``, ``cache_dir``, ``use_cache``)."""

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        glossary: str | Path | bool | None = None,
        on_warning: Callable[[str], None] | None = None,
        **options: Any,
    ) -> None:
        """``on_warning``: where the cache's warnings go (a corrupt cache moved
        aside), default the ``logging`` module."""

        self.settings = _settings(model, glossary, **options)
        self._open = contextlib.ExitStack()
        self.session: TranslationSession = self._open.enter_context(
            translation_session(self.settings, on_warning=on_warning)
        )
        self.context, self.spec = self.session.ctx, self.session.spec

    @property
    def signature(self) -> str:
        """The provenance signature every output of these settings carries."""
        return str(self.context.signature)

    def translate_segments(
        self, segments: Iterable[Segment], progress: bool = False
    ) -> Iterator[Pair]:
        """Pairs for already segmented sentences, as a stream in input order."""
        return self.session.translate(segments, progress=progress)

    def translate_pairs(self, texts: str | Iterable[str]) -> list[Pair]:
        """One :class:`Pair` per sentence of every text: English, score, the glossary
        terms found and enforced, violations and QA flags."""
        return list(
            self.translate_segments(text_segments([texts] if isinstance(texts, str) else texts))
        )

    @overload
    def translate(self, texts: str) -> str: ...
    @overload
    def translate(self, texts: Iterable[str]) -> list[str]: ...
    def translate(self, texts: str | Iterable[str]) -> str | list[str]:
        """The English of one text (a string), or of each text of a list, in order;
        a text of several sentences is translated sentence by sentence and joined."""
        items = [texts] if isinstance(texts, str) else list(texts)
        english = [en for _, _, en in joined_english(self.translate_segments(text_segments(items)))]
        return english[0] if isinstance(texts, str) else english

    def close(self) -> None:
        """Close the translation cache (once; the model stays loaded until the
        object goes)."""
        self._open.close()

    def __enter__(self) -> Translator:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def translate(
    texts: str | Sequence[str],
    *,
    model: str = DEFAULT_MODEL,
    glossary: str | Path | bool | None = None,
    backend: str = "auto",
    **options: Any,
) -> str | list[str]:
    """The English of ``texts`` with a :class:`Translator` made for this call."""
    with Translator(model, glossary=glossary, backend=backend, **options) as tr:
        return tr.translate(texts)


def build(
    inputs: str | Path | Iterable[str | Path],
    out: str | Path,
    *,
    english: Iterable[str | Path] | None = None,
    **settings: Any,
) -> dict[str, Any]:
    """Build the corpus of ``inputs`` into ``out`` as ``kzparallel build`` does
    (``settings``: :class:`BuildSettings`' fields) and return its manifest. Bad
    documents are skipped and listed in the manifest's ``skipped``."""

    paths = [inputs] if isinstance(inputs, str | Path) else list(inputs)
    run_build(paths, out, BuildSettings(**settings), english=english)
    manifest = read_manifest(out)
    assert manifest is not None  # a finished build always writes it
    return manifest


def align(
    arabic: str,
    english: str,
    *,
    model: str = DEFAULT_MODEL,
    glossary: str | Path | bool | None = None,
    **options: Any,
) -> list[Link]:
    """The links between the sentences of an Arabic article and its English
    version (both as text, furniture and all: each is cleaned and segmented as a
    build would), with the Arabic translated by ``model`` for the similarity."""

    ar_doc = clean_document(Document(doc_id="ar", source="<arabic>", text=arabic))
    en_doc = clean_english(Document(doc_id="en", source="<english>", text=english))
    with Translator(model, glossary=glossary, **options) as tr:
        pairs = list(tr.translate_segments(segment_document(ar_doc)))
        found = align_documents(ar_doc, en_doc, segment_english(en_doc), pairs, tr.context.glossary)
    return found.links
