"""``kzparallel build``: articles in, English articles + parallel corpus out.

The local engine is a chain of generators (bounded memory)::

    read_documents → clean_document → segment_document      (prepared_documents,
                                                              document_segments)
      → translate_segments (cached, batched)                 (kzparallel.translation)
      → make_pair: glossary enforcement + per-pair QA
      → write_outputs: pairs.jsonl (staged, then the corpus length band is applied),
        en/ articles, dataset/ (parquet + card), report.html, manifest.json

The stage functions are plain functions over records, so another engine (Ray
Data) can run the middle — segmenting and translating in parallel — and hand
the ordered pairs to :func:`write_outputs`::

    ctx, spec = prepare(settings)
    check_out_dir(out_dir, ctx, force=settings.force)
    log = DocumentLog()
    ...  # engine: documents → log.add(doc) → document_segments → translate → make_pair
    result = write_outputs(pairs_in_order, out_dir, ctx, settings, documents=log)

Resumable: translations go to the SQLite cache as they are made, so a build
killed at any point re-runs from the cache; every output is written to a
temporary name and renamed into place.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kzparallel.errors import InputError, KzError
from kzparallel.provenance import Signature, file_hash
from kzparallel.qa import LengthStats, content_flags, with_length_flag
from kzparallel.records import Document, Pair, Segment
from kzparallel.sinks.articles import write_articles
from kzparallel.sinks.pairs import PAIRS_FILE, pair_line, read_pairs
from kzparallel.timing import BUILD_STAGES, StageTimer, stage
from kzparallel.translation.base import DecodingConfig, TermHints, Translation
from kzparallel.translation.model import DEFAULT_MODEL, ModelRef

STAGING_FILE = ".pairs.staging.jsonl"
ENGINES = ("local", "ray")


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

    def decoding(self) -> DecodingConfig:
        return DecodingConfig(
            beam=self.beam, max_new_tokens=self.max_new_tokens, return_alignment=self.alignment
        )

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["split_by_doc"] = list(self.split_by_doc)
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

    @property
    def signature_text(self) -> str:
        return str(self.signature)

    def hints(self, segment: Segment) -> TermHints | None:
        """Glossary hints for the decoder (None without a glossary)."""
        if self.glossary is None:
            return None
        with stage("enforce"):  # timing: glossary work
            return self.glossary.hints(segment.text) or None


@dataclass
class DocInfo:
    doc_id: str
    source: str
    title: str | None
    paragraphs: int  # blocks: title + body paragraphs
    segments: int = 0


class DocumentLog:
    """Per-document facts collected while documents stream by (one entry per
    document, never the text)."""

    def __init__(self) -> None:
        self.docs: dict[str, DocInfo] = {}

    def add(self, doc: Document, segments: int = 0) -> None:
        self.docs[doc.doc_id] = DocInfo(
            doc.doc_id, doc.source, doc.title, len(doc.blocks()), segments
        )

    def __len__(self) -> int:
        return len(self.docs)

    def to_list(self) -> list[dict[str, Any]]:
        return [asdict(d) for d in self.docs.values()]


@dataclass
class BuildResult:
    out_dir: Path
    documents: int
    pairs: int
    splits: dict[str, int]
    split_note: str
    flagged: int
    cache_hits: int
    cache_misses: int
    signature: str
    timings: dict[str, float]
    skipped: list[str] = field(default_factory=list)  # "source: reason"

    def summary(self) -> str:
        splits = ", ".join(f"{k} {v}" for k, v in self.splits.items())
        return (
            f"{self.documents} documents, {self.pairs} pairs ({splits}), "
            f"{self.flagged} flagged -> {self.out_dir}"
        )


# -- stages ---------------------------------------------------------------------


def _glossary_hash(glossary: Any, path: str | None) -> str:
    """The glossary's content hash (``Glossary.hash``), else its file's hash."""
    value = getattr(glossary, "hash", None)
    if isinstance(value, str) and value:
        return value[:12]
    gpath = path or getattr(glossary, "path", None)
    if gpath and Path(gpath).is_file():
        return file_hash(gpath)
    return "default"


def load_build_glossary(settings: BuildSettings) -> tuple[Any, str]:
    """(glossary, hash) for the settings; (None, "none") with --no-glossary."""
    if not settings.use_glossary:
        return None, "none"
    from kzparallel.glossary import load_glossary

    glossary = load_glossary(settings.glossary)
    return glossary, _glossary_hash(glossary, settings.glossary)


def prepare(settings: BuildSettings) -> tuple[BuildContext, Any]:
    """Resolve model, backend and glossary (no weights loaded).

    Returns the context and the translator spec (``spec.load`` is the lazy
    translator factory for ``translate_segments``).
    """
    from kzparallel import __version__
    from kzparallel.translation import prepare_translator

    kw: dict[str, Any] = {}
    if settings.alignment:
        kw["alignment"] = True
    spec = prepare_translator(
        settings.model, settings.backend, settings.device, settings.quantization, **kw
    )
    glossary, ghash = load_build_glossary(settings)
    config = settings.decoding()
    sig = Signature(
        model=spec.model_ref.model_id,
        revision=spec.model_ref.revision,
        backend=spec.label,
        decoding=config.output_settings(),
        glossary=ghash,
        version=__version__,
    )
    ctx = BuildContext(
        spec.model_ref, spec.label, config, sig, glossary, ghash, alignment=settings.alignment
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
) -> Iterator[Document]:
    """Ingest and clean, as a stream. A document with nothing left after
    cleaning is reported to ``on_error`` (raised without one) and skipped.
    A file kept with undecodable bytes replaced is told to ``on_warning``
    (once per file)."""
    from kzparallel.cleaning import clean_document
    from kzparallel.ingest import read_documents, replaced_bytes

    warned: set[str] = set()
    for doc in read_documents(expand_inputs(inputs), on_error=on_error):
        file = doc.source
        if doc.meta.get("format") == "jsonl":
            file = file.rsplit(":", 1)[0]
        if on_warning is not None and replaced_bytes(doc) and file not in warned:
            warned.add(file)
            on_warning(f"{file}: invalid UTF-8, {replaced_bytes(doc)} bytes replaced with U+FFFD")
        cleaned = clean_document(doc)
        if not cleaned.blocks():
            err = InputError(doc.source, "no article text left after cleaning")
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

        with stage("enforce"):  # timing
            enforced = enforce_pair(segment.text, en_mt, ctx.glossary, translation)
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
    with stage("qa"):  # timing
        pair.qa = content_flags(pair)
    return pair


def check_out_dir(out_dir: str | Path, ctx: BuildContext, force: bool = False) -> Path:
    """Make sure ``out_dir`` can be written and was not built with another model."""
    from kzparallel.sinks.manifest import read_manifest

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise KzError(f"{out}: exists and is not a directory")
    old = read_manifest(out)
    if old and not force:
        model = old.get("model") or {}
        was = (model.get("id"), model.get("revision"))
        now = (ctx.model_ref.model_id, ctx.model_ref.revision)
        if was != now:
            raise KzError(
                f"{out}: was built with model {was[0]}@{str(was[1])[:12]}, not "
                f"{now[0]}@{now[1][:12]}; use --force to overwrite it or choose another --out"
            )
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise KzError(f"{out}: cannot write the output directory ({exc.strerror})") from None
    remove_build_leftovers(out)
    return out


OUTPUT_NAMES = ("pairs.jsonl", "en", "dataset", "report.html", "manifest.json")


def remove_build_leftovers(out: Path) -> None:
    """Temporaries a killed build left in ``out`` (the next build makes them anew)."""
    from kzparallel.atomic import remove_leftovers

    for name in OUTPUT_NAMES:
        remove_leftovers(out / name)
    (out / STAGING_FILE).unlink(missing_ok=True)


# -- sinks ----------------------------------------------------------------------


def _reviewed(out: Path, pairs: Iterable[Pair], apply: bool) -> Iterable[Pair]:
    if not apply:
        return pairs
    from kzparallel.review.decisions import apply_review

    return apply_review(out, pairs)


def write_outputs(
    pairs: Iterable[Pair],
    out_dir: str | Path,
    ctx: BuildContext,
    settings: BuildSettings,
    *,
    documents: DocumentLog | None = None,
    timer: StageTimer | None = None,
    skipped: list[str] | None = None,
    cache_stats: Callable[[], tuple[int, int]] | None = None,
) -> BuildResult:
    """Write every output from a stream of pairs in document order.

    Pairs are staged to a temporary file (bounded memory) while the length
    ratios are collected; then ``pairs.jsonl`` is written with the corpus
    length band applied, and the articles, dataset, report and manifest are
    made from it. ``manifest.json`` is removed before the first output is
    replaced and written last, so an out dir with a manifest holds one
    complete build. A write failure (full disk, read-only file system) is a
    one-line :class:`KzError`. Time spent here is the ``write`` stage of
    ``timer`` (the stages upstream of ``pairs`` count their own, when the
    engine wraps them; what is not wrapped counts as ``translate``).
    """
    timer = timer if timer is not None else StageTimer()
    try:
        kw = {"documents": documents, "timer": timer, "skipped": skipped}
        with timer.active(), timer.stage("write"):
            return _write_outputs(pairs, out_dir, ctx, settings, cache_stats=cache_stats, **kw)
    except OSError as exc:
        if exc.errno not in _WRITE_ERRNOS:
            raise
        reason = (exc.strerror or str(exc)).lower()
        raise KzError(
            f"{out_dir}: {reason} while writing the outputs (build incomplete; run it "
            "again when fixed: the translations are cached)"
        ) from None


_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG}


def _write_outputs(
    pairs: Iterable[Pair],
    out_dir: str | Path,
    ctx: BuildContext,
    settings: BuildSettings,
    *,
    documents: DocumentLog | None,
    timer: StageTimer,
    skipped: list[str] | None,
    cache_stats: Callable[[], tuple[int, int]] | None,
) -> BuildResult:
    from kzparallel.atomic import atomic_directory, atomic_open, atomic_write_text
    from kzparallel.sinks.card import render_card
    from kzparallel.sinks.dataset import parse_ratios, plan_splits, write_dataset_files
    from kzparallel.sinks.manifest import MANIFEST_FILE, library_versions, write_manifest
    from kzparallel.sinks.report import collect_stats, write_report

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}  # the parts of the write stage
    docs = documents if documents is not None else DocumentLog()
    stats = LengthStats()
    staging = out / STAGING_FILE
    doc_order: list[str] = []
    n = 0
    try:
        with staging.open("w", encoding="utf-8", newline="\n") as fh:
            for pair in timer.iterate("translate", pairs):
                fh.write(pair_line(pair))
                stats.add(pair.ar, pair.en)
                if not doc_order or doc_order[-1] != pair.doc_id:
                    doc_order.append(pair.doc_id)
                n += 1
        band = stats.band()

        if n == 0:
            raise KzError(
                "no sentence pair was produced: no document could be read"
                + (f" ({len(skipped)} skipped)" if skipped else "")
            )
        t = time.perf_counter()
        # from here on the out dir mixes new and old outputs until the new manifest
        (out / MANIFEST_FILE).unlink(missing_ok=True)
        with atomic_open(out / PAIRS_FILE) as fh:
            for pair in read_pairs(staging):
                fh.write(pair_line(with_length_flag(pair, band)))
        timings["pairs"] = time.perf_counter() - t
    finally:
        with contextlib.suppress(FileNotFoundError):
            staging.unlink()

    def reviewed() -> Iterable[Pair]:
        return _reviewed(out, read_pairs(out / PAIRS_FILE), settings.apply_review)

    t = time.perf_counter()
    write_articles(reviewed(), out / "en")
    timings["articles"] = time.perf_counter() - t

    t = time.perf_counter()
    report_stats = collect_stats(reviewed(), band)
    timings["stats"] = time.perf_counter() - t

    t = time.perf_counter()
    plan = plan_splits(doc_order, parse_ratios(settings.split_by_doc), settings.seed)
    with atomic_directory(out / "dataset") as tmp:
        summary = write_dataset_files(reviewed, tmp, plan)
        atomic_write_text(
            tmp / "README.md", render_card(summary, card_info(ctx, docs, report_stats, settings))
        )
    timings["dataset"] = time.perf_counter() - t
    hits, misses = cache_stats() if cache_stats else (0, 0)

    result = BuildResult(
        out_dir=out,
        documents=len(doc_order),
        pairs=n,
        splits=dict(summary.rows),
        split_note=summary.note,
        flagged=report_stats.flagged,
        cache_hits=hits,
        cache_misses=misses,
        signature=ctx.signature_text,
        timings=timer.timings(BUILD_STAGES),  # the report shows them (write: so far)
        skipped=list(skipped or []),
    )
    t = time.perf_counter()
    write_report(out / "report.html", report_stats, result, band, stats, ctx)
    timings["report"] = time.perf_counter() - t
    result.timings = timer.timings(BUILD_STAGES)
    write_manifest(
        out / MANIFEST_FILE,
        {
            "signature": ctx.signature_text,
            "model": {
                "id": ctx.model_ref.model_id,
                "revision": ctx.model_ref.revision,
                "path": str(ctx.model_ref.path),
            },
            "backend": ctx.backend_label,
            "decoding": ctx.config.output_settings(),
            "glossary": {"path": settings.glossary, "hash": ctx.glossary_hash},
            "settings": settings.to_dict(),
            "versions": library_versions(),
            "length_band": band.to_dict(),
            "counts": {
                "documents": result.documents,
                "pairs": n,
                "flagged": result.flagged,
                "splits": summary.to_dict(),
                "qa_flags": dict(sorted(report_stats.flag_counts.items())),
                "cache_hits": hits,
                "cache_misses": misses,
                "skipped": result.skipped,
            },
            "documents": docs.to_list(),
            "timings_s": {k: round(v, 3) for k, v in result.timings.items()},
            "write_timings_s": {k: round(v, 3) for k, v in timings.items()},
            "deterministic_outputs": [PAIRS_FILE, "en/", "dataset/"],
        },
    )
    return result


def card_info(ctx: BuildContext, docs: DocumentLog, stats: Any, settings: BuildSettings) -> Any:
    """What the dataset card says about this build."""
    from kzparallel.sinks.card import make_card_info

    return make_card_info(
        model=ctx.model_ref.model_id,
        revision=ctx.model_ref.revision,
        backend=ctx.backend_label,
        signature=ctx.signature_text,
        glossary=ctx.glossary_hash,
        documents=docs.to_list(),
        stats=stats,
        reviewed=settings.apply_review,
    )


# -- the local engine -------------------------------------------------------------


def build(
    inputs: Iterable[str | Path],
    out_dir: str | Path,
    settings: BuildSettings | None = None,
    *,
    on_error: Callable[[InputError], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build everything from ``inputs`` (files, directories, ``-``) into ``out_dir``.

    Per-document problems go to ``on_error`` (and the document is skipped);
    without it they are collected into ``BuildResult.skipped``. Documents
    kept despite a problem (invalid UTF-8 bytes replaced) go to ``on_warning``.
    """
    settings = settings or BuildSettings()
    if settings.engine not in ENGINES:
        raise KzError(f"unknown engine '{settings.engine}' (choose {', '.join(ENGINES)})")
    if settings.engine == "ray":
        try:
            from kzparallel.ray_engine import build_ray  # type: ignore[import-not-found]
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith("kzparallel"):
                raise KzError("the ray engine is not available in this version") from None
            raise
        return build_ray(  # type: ignore[no-any-return]
            inputs, out_dir, settings, on_error=on_error, on_warning=on_warning
        )

    from kzparallel.translation.cache import TranslationCache
    from kzparallel.translation.pipeline import translate_segments

    ctx, spec = prepare(settings)
    out = check_out_dir(out_dir, ctx, settings.force)
    skipped: list[str] = []

    def report(err: InputError) -> None:
        skipped.append(err.message)
        if on_error is not None:
            on_error(err)

    log = DocumentLog()

    def segments() -> Iterator[Segment]:
        for doc in prepared_documents(inputs, report, on_warning):
            segs = document_segments(doc)
            log.add(doc, len(segs))
            yield from segs

    cache = TranslationCache(settings.cache_dir) if settings.use_cache else None
    timer = StageTimer()  # timing: seconds per stage (manifest.json, report.html)
    try:
        results = translate_segments(
            timer.iterate("read", segments()),
            translator=timer.wrap("load", spec.load),
            model_ref=ctx.model_ref,
            backend_label=ctx.backend_label,
            config=ctx.config,
            cache=cache,
            batch_tokens=settings.batch_tokens,
            hints=ctx.hints if ctx.glossary is not None else None,
            progress=settings.progress,
        )
        results = timer.iterate("translate", results)  # timing
        pairs = (make_pair(seg, tr, cached, ctx) for seg, tr, cached in results)
        result = write_outputs(
            pairs,
            out,
            ctx,
            settings,
            documents=log,
            timer=timer,
            skipped=skipped,
            cache_stats=(lambda: (cache.hits, cache.misses)) if cache is not None else None,
        )
    finally:
        if cache is not None:
            cache.close()
    return result
