"""The build stages: the bottom layer that every engine runs.

Each stage is a plain function over records (:mod:`kzparallel.records`), so
an engine (:mod:`kzparallel.engines`) can run them in one process or spread
them over workers::

    prepare(settings)                  -> BuildContext + TranslatorSpec (nothing loaded)
    prepared_documents(inputs)         read_documents -> clean_document     (Document stream)
    document_segments(doc)             segment_document                     (Segment list)
    translate_pairs(segments, ...)     translate_segments (cache, batches) -> make_pair
                                       (glossary enforcement + per-pair QA) (Pair stream)

The sinks that turn the pairs into the outputs are in :mod:`kzparallel.outputs`;
:func:`kzparallel.builder.build` chooses the engine and calls them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kzparallel.errors import InputError
from kzparallel.glossary.layers import DEFAULT_LAYERS, LAYERS, layers_label, parse_layers
from kzparallel.glossary_gate import load_checked_glossary
from kzparallel.ingest import IngestStats
from kzparallel.input_files import DEFAULT_MAX_FILE_SIZE
from kzparallel.provenance import Signature, file_hash
from kzparallel.qa import content_flags
from kzparallel.records import Document, Pair, Segment
from kzparallel.timing import iterate, stage, timed
from kzparallel.translation.base import DecodingConfig, TermHints, Translation
from kzparallel.translation.model import DEFAULT_MODEL, ModelRef


@dataclass
class BuildSettings:
    """Every setting of a build (all of them go into manifest.json)."""

    model: str = DEFAULT_MODEL
    backend: str = "auto"
    device: str = "auto"
    quantization: str | None = None
    beam: int = 4
    max_new_tokens: int | None = None
    batch_tokens: int = 4096
    glossary: str | None = None  # path; None = the shipped glossary
    use_glossary: bool = True
    # which glossary layers run (kzparallel.glossary.layers.LAYERS); verification always
    glossary_layers: tuple[str, ...] = DEFAULT_LAYERS
    split_by_doc: tuple[float, float, float] = (0.8, 0.1, 0.1)
    seed: int = 0
    cache_dir: str | None = None  # None = default_cache_dir()
    use_cache: bool = True
    force: bool = False  # overwrite an out dir built with another model
    apply_review: bool = False  # apply DIR/review.sqlite decisions to en/ and dataset/
    alignment: bool = False  # keep cross-attention alignments in pairs.jsonl
    engine: str = "local"
    progress: bool = False
    engine_options: dict[str, Any] = field(default_factory=dict)  # e.g. ray address
    # corpus-level decisions (kzparallel.corpus)
    keep_duplicates: bool = False  # dataset keeps repeated sentences (flagged)
    min_score: str | float = "auto"  # low-score threshold: auto | off | a number
    near_duplicate_threshold: float = 0.5  # Jaccard of 5-gram shingles (kzparallel.dedup)
    fresh: bool = False  # ignore the previous build in the out dir (new corpus, version 1)
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # bytes per input file (per JSONL record)
    glossary_lenient: bool = False  # use a glossary that `glossary lint` rejects

    def decoding(self) -> DecodingConfig:
        """The decoder's settings; with the glossary's rerank layer on, an n-best
        list as long as the beam (the rerank's candidates)."""
        rerank = self.use_glossary and "rerank" in self.glossary_layers
        return DecodingConfig(
            beam=self.beam,
            max_new_tokens=self.max_new_tokens,
            return_alignment=self.alignment,
            nbest=self.beam if rerank else 1,
        )

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["split_by_doc"] = list(self.split_by_doc)
        d["glossary_layers"] = list(self.glossary_layers)
        return d


@dataclass
class BuildContext:
    """Resolved build setup: what :func:`make_pair` and the sinks need.

    Plain data plus the glossary object, so an engine can ship it to workers.
    """

    model_ref: ModelRef
    backend_label: str
    config: DecodingConfig
    signature: Signature
    glossary: Any = None  # kzparallel.glossary.Glossary or None
    glossary_hash: str = "none"
    alignment: bool = False
    layers: tuple[str, ...] = LAYERS  # the glossary layers that run

    @property
    def signature_text(self) -> str:
        return str(self.signature)

    def hints(self, segment: Segment) -> TermHints | None:
        """Glossary hints for the decoder (None without a glossary); the
        segment's date chooses the forms of dated entries."""
        if self.glossary is None or "hints" not in self.layers:
            return None
        with stage("enforce"):  # glossary work, timed with enforcement
            return self.glossary.hints(segment.text, date=segment.date) or None


def _glossary_hash(glossary: Any, path: str | None) -> str:
    """The glossary's content hash (``Glossary.hash``), else its file's hash."""
    value = getattr(glossary, "hash", None)
    if isinstance(value, str) and value:
        return value[:12]
    gpath = path or getattr(glossary, "path", None)
    if gpath and Path(gpath).is_file():
        return file_hash(gpath)
    return "default"


def load_build_glossary(
    settings: BuildSettings, on_warning: Callable[[str], None] | None = None
) -> tuple[Any, str]:
    """(glossary, hash) for the settings; (None, "none") with --no-glossary. A
    glossary that lint rejects is refused unless ``settings.glossary_lenient``
    (:mod:`kzparallel.glossary_gate`; then ``on_warning`` says so)."""
    if not settings.use_glossary:
        return None, "none"
    glossary = load_checked_glossary(
        settings.glossary, lenient=settings.glossary_lenient, on_warning=on_warning
    )
    return glossary, _glossary_hash(glossary, settings.glossary)


def prepare(
    settings: BuildSettings, on_warning: Callable[[str], None] | None = None
) -> tuple[BuildContext, Any]:
    """Resolve model, backend and glossary (no weights loaded).

    Returns the context and the translator spec (``spec.load`` is the lazy
    translator factory for ``translate_segments``).
    """
    from kzparallel.translation import prepare_translator
    from kzparallel.version import __version__

    kw: dict[str, Any] = {}
    if settings.alignment:
        kw["alignment"] = True
    spec = prepare_translator(
        settings.model, settings.backend, settings.device, settings.quantization, **kw
    )
    glossary, ghash = load_build_glossary(settings, on_warning)
    config = settings.decoding()
    layers = parse_layers(settings.glossary_layers)
    sig = Signature(
        model=spec.model_ref.model_id,
        revision=spec.model_ref.revision,
        backend=spec.label,
        decoding=config.output_settings(),
        glossary=ghash
        if glossary is None or layers == LAYERS
        else f"{ghash}/{layers_label(layers)}",
        version=__version__,
    )
    ctx = BuildContext(
        spec.model_ref,
        spec.label,
        config,
        sig,
        glossary,
        ghash,
        alignment=settings.alignment,
        layers=layers,
    )
    return ctx, spec


def expand_inputs(inputs: Iterable[str | Path]) -> list[str | Path]:
    """Directories become their article files (:func:`kzparallel.ingest.iter_input_files`:
    hidden files and evaluation-reference folders such as ``seeds/references/``
    left out). Files, ``-`` and missing paths are passed on unchanged."""
    from kzparallel.ingest import iter_input_files

    out: list[str | Path] = []
    for raw in inputs:
        path = Path(raw)
        if str(raw) == "-" or not path.is_dir():
            out.append(raw)
            continue
        out.extend(iter_input_files(path) or [raw])  # an empty directory: let ingest report it
    return out


def prepared_documents(
    inputs: Iterable[str | Path],
    on_error: Callable[[InputError], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
    stats: IngestStats | None = None,
) -> Iterator[Document]:
    """Ingest and clean, as a stream. A document with nothing left after
    cleaning is reported to ``on_error`` (raised without one) and skipped.
    A file kept with undecodable bytes replaced is told to ``on_warning``
    (once per file). Files over ``max_file_size`` bytes are skipped
    (:func:`kzparallel.ingest.read_documents`). ``stats`` counts the files and
    records read and skipped (cleaning's skips included)."""
    from kzparallel.cleaning import clean_document
    from kzparallel.ingest import read_documents, replaced_bytes

    stats = stats if stats is not None else IngestStats()
    warned: set[str] = set()
    for doc in read_documents(
        expand_inputs(inputs), on_error=on_error, stats=stats, max_file_size=max_file_size
    ):
        file = doc.source
        if doc.meta.get("format") == "jsonl":
            file = file.rsplit(":", 1)[0]
        if on_warning is not None and replaced_bytes(doc) and file not in warned:
            warned.add(file)
            on_warning(f"{file}: invalid UTF-8, {replaced_bytes(doc)} bytes replaced with U+FFFD")
        cleaned = clean_document(doc)
        if not cleaned.blocks():
            err = InputError(doc.source, "no article text left after cleaning")
            if doc.meta.get("format") == "jsonl":
                stats.skipped_records += 1
            else:
                stats.skipped_files += 1
            if on_error is None:
                raise err
            on_error(err)
            continue
        yield cleaned


def document_segments(doc: Document) -> list[Segment]:
    """The sentences of one cleaned document (title = paragraph 0)."""
    from kzparallel.segmentation import segment_document

    return segment_document(doc)


def _alignment(tr: Translation) -> list[list[int]] | None:
    if not tr.attention:
        return None
    return [
        [max(range(len(row)), key=row.__getitem__), t] for t, row in enumerate(tr.attention) if row
    ]


def make_pair(segment: Segment, translation: Translation, cached: bool, ctx: BuildContext) -> Pair:
    """One pair: glossary enforcement, provenance and the per-pair QA flags.

    The ``length-ratio`` flag is added later by :func:`write_outputs` (it
    needs the band of the whole corpus).
    """
    en_mt = translation.text
    en, terms, violations = en_mt, [], []
    if ctx.glossary is not None:
        from kzparallel.glossary.enforce import enforce_pair

        with stage("enforce"):
            enforced = enforce_pair(
                segment.text,
                en_mt,
                ctx.glossary,
                translation,
                repair="repair" in ctx.layers,
                rerank="rerank" in ctx.layers,
                date=segment.date,
            )
        en, terms, violations = enforced.en, list(enforced.terms), list(enforced.violations)
    pair = Pair.from_segment(
        segment,
        en=en,
        en_mt=en_mt,
        score=translation.score,
        model=ctx.model_ref.model_id,
        revision=ctx.model_ref.revision,
        backend=ctx.backend_label,
        signature=ctx.signature_text,
        cached=cached,
        terms=terms,
        violations=violations,
    )
    if ctx.alignment:
        pair.alignment = _alignment(translation)
        pair.src_tokens = list(translation.src_tokens)
        pair.tgt_tokens = list(translation.hypotheses[0].tokens)
    with stage("qa"):
        pair.qa = content_flags(pair)
    return pair


def translate_pairs(
    segments: Iterable[Segment],
    ctx: BuildContext,
    spec: Any,
    cache: Any,
    batch_tokens: int,
    *,
    progress: bool = False,
) -> Iterator[Pair]:
    """Translate a stream of segments (cached, batched; the model is loaded by
    ``spec.load`` on the first cache miss) and make their pairs, in input order.

    ``cache`` is a :class:`kzparallel.translation.cache.TranslationCache` or None.
    """
    from kzparallel.translation.pipeline import translate_segments

    results = translate_segments(
        segments,
        translator=timed("load", spec.load),
        model_ref=ctx.model_ref,
        backend_label=ctx.backend_label,
        config=ctx.config,
        cache=cache,
        batch_tokens=batch_tokens,
        hints=ctx.hints if ctx.glossary is not None else None,
        progress=progress,
    )
    for seg, tr, cached in iterate("translate", results):
        yield make_pair(seg, tr, cached, ctx)
