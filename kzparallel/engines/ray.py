"""``kzparallel build --engine ray``: the build stages on Ray Data.

The same stage functions as the local engine (:mod:`kzparallel.stages`), run
in parallel::

    input files  ──ray.data.from_items──▶  flat_map(_document_rows)   read + clean + segment,
                                                                      one task per file
                 ──map_batches(_PairMaker, concurrency=N)──▶           translate_pairs (cache,
                                                                      batches, make_pair), in
                                                                      actors that load the model
                                                                      once
                 ──iter_rows (order kept)──▶ the pairs                 to the driver, where
                                                                      ``build`` writes them

Rows carry JSON text (documents, segments, pairs), so nothing depends on how
Arrow would infer nested types. Every row has a ``(file, pos)`` position and
Ray Data keeps the input order (``preserve_order``), so the driver receives
the documents in exactly the order of the local engine and hands the pairs
to :func:`kzparallel.outputs.write_outputs`: ``pairs.jsonl``, ``en/`` and
``dataset/`` are byte-identical with a local build of the same inputs and
settings.

Per-file problems (unreadable, empty, malformed JSONL lines, ...) become
error rows that the driver reports to ``on_error`` in input order; the good
documents go on. The translation cache is the same SQLite cache as the local
engine, opened by every actor (on a cluster, ``--cache-dir`` should be on a
file system all nodes share, else each node keeps its own cache).
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from kzparallel.engines.base import Engine, EngineRun
from kzparallel.errors import InputError, KzError, missing_dependency
from kzparallel.records import Pair, Segment
from kzparallel.stages import (
    BuildContext,
    BuildSettings,
    DocInfo,
    DocumentLog,
    document_segments,
    expand_inputs,
    prepared_documents,
    translate_pairs,
)

DOCS_PER_BATCH = 4  # documents per map_batches call (one translate_segments run)
# environment passed to the workers of a local Ray (offline flags, caches)
_ENV_PREFIXES = ("HF_", "TRANSFORMERS_", "KZPARALLEL_", "OMP_", "MKL_")


def _import_ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError:
        raise missing_dependency("ray", "ray", "--engine ray") from None
    return ray


@dataclass
class RayOptions:
    """``settings.engine_options`` of a Ray build."""

    address: str | None = None
    num_workers: int = 1  # translation actors
    gpus_per_worker: float = 0.0
    num_cpus: int | None = None  # CPUs of a local Ray (default: all)
    docs_per_batch: int = DOCS_PER_BATCH

    @classmethod
    def from_settings(cls, settings: BuildSettings) -> RayOptions:
        o = dict(settings.engine_options)
        unknown = sorted(set(o) - set(cls.__dataclass_fields__))
        if unknown:
            raise KzError(f"unknown ray engine option(s): {', '.join(unknown)}")
        opts = cls(**o)
        if opts.num_workers < 1:
            raise KzError("--num-workers must be at least 1")
        if opts.gpus_per_worker < 0:
            raise KzError("--gpus-per-worker must be >= 0")
        return opts


# -- Ray session ------------------------------------------------------------------


@contextlib.contextmanager
def ray_session(opts: RayOptions) -> Iterator[Any]:
    """Connect to ``opts.address`` or start a local Ray; an already initialised
    Ray (e.g. a test fixture, a notebook) is used as it is and left running."""
    ray = _import_ray()
    if ray.is_initialized():
        yield ray
        return
    env = {k: v for k, v in os.environ.items() if k.startswith(_ENV_PREFIXES)}
    kw: dict[str, Any] = {
        "include_dashboard": False,
        "log_to_driver": False,
        "logging_level": logging.ERROR,
        "configure_logging": True,
    }
    try:
        if opts.address:
            ray.init(address=opts.address, **kw)
        else:
            cpus = opts.num_cpus or os.cpu_count() or 1
            ray.init(num_cpus=cpus, runtime_env={"env_vars": env}, **kw)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = opts.address or "a local Ray instance"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise KzError(f"cannot start or reach {where}: {first}") from None
    try:
        yield ray
    finally:
        ray.shutdown()


def configure_data_context(ray: Any) -> None:
    """Keep the input order; no progress bars or per-operator logs on stderr."""
    ctx = ray.data.DataContext.get_current()
    ctx.execution_options.preserve_order = True
    ctx.enable_progress_bars = False
    with contextlib.suppress(AttributeError):
        ctx.print_on_execution_start = False
    with contextlib.suppress(AttributeError):
        ctx.enable_operator_progress_bars = False
    for name in ("ray.data", "ray"):
        logging.getLogger(name).setLevel(logging.ERROR)


# -- stage 1: read, clean, segment (one task per input file) ---------------------


def _input_items(files: list[str | Path]) -> list[dict[str, Any]]:
    """One row per input; stdin is read here (workers have no stdin)."""
    items = []
    for i, f in enumerate(files):
        data = sys.stdin.buffer.read() if str(f) == "-" else b""
        items.append({"file": i, "path": str(f), "stdin": data})
    return items


@contextlib.contextmanager
def _stdin_from(data: bytes) -> Iterator[None]:
    saved = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    try:
        yield
    finally:
        sys.stdin = saved


def _document_rows(item: dict[str, Any]) -> list[dict[str, Any]]:
    """The documents of one input (cleaned and segmented) and its error rows, in order."""
    rows: list[dict[str, Any]] = []

    def row(kind: str, source: str, reason: str = "", payload: str = "") -> None:
        rows.append(
            {
                "file": int(item["file"]),
                "pos": len(rows),
                "kind": kind,
                "source": source,
                "reason": reason,
                "payload": payload,
                "pairs": "",
                "hits": 0,
                "misses": 0,
            }
        )

    def on_error(err: InputError) -> None:
        row("error", err.source, err.reason)

    def on_warning(message: str) -> None:
        row("warning", path, message)

    path = str(item["path"])
    stdin = _stdin_from(bytes(item["stdin"])) if path == "-" else contextlib.nullcontext()
    with stdin:
        for doc in prepared_documents([path], on_error, on_warning):
            segs = document_segments(doc)
            info = DocInfo(doc.doc_id, doc.source, doc.title, len(doc.blocks()), len(segs))
            payload = {"doc": info.__dict__, "segments": [s.to_dict() for s in segs]}
            row("doc", doc.source, payload=json.dumps(payload, ensure_ascii=False))
    return rows


# -- stage 2: translate + pair (actor pool) ---------------------------------------


class _PairMaker:
    """A Ray Data actor: loads the translator once (lazily, on the first cache
    miss) and turns the documents of each batch into pairs."""

    def __init__(
        self, ctx: BuildContext, spec: Any, cache_path: str | None, batch_tokens: int
    ) -> None:
        from kzparallel.translation.cache import TranslationCache

        self.ctx = ctx
        self.spec = spec
        self.batch_tokens = batch_tokens
        self.cache_path = cache_path
        self._cache = TranslationCache  # opened per batch: Ray calls from several threads

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        out = {k: list(v) for k, v in batch.items()}
        docs = [i for i, kind in enumerate(out["kind"]) if kind == "doc"]
        segments: list[Segment] = []
        counts: list[int] = []
        for i in docs:
            payload = json.loads(out["payload"][i])
            segs = [Segment.from_dict(s) for s in payload["segments"]]
            segments.extend(segs)
            counts.append(len(segs))
        cache = self._cache(self.cache_path) if self.cache_path else None
        try:
            pairs = translate_pairs(segments, self.ctx, self.spec, cache, self.batch_tokens)
            records = [pair.to_dict() for pair in pairs]
        finally:
            if cache is not None:
                cache.close()
        start = 0
        for i, n in zip(docs, counts, strict=True):
            out["pairs"][i] = json.dumps(records[start : start + n], ensure_ascii=False)
            start += n
        if docs and cache is not None:  # the batch's cache counts ride on its first document
            out["hits"][docs[0]] = cache.hits
            out["misses"][docs[0]] = cache.misses
        out["payload"] = [
            json.dumps(json.loads(p)["doc"], ensure_ascii=False) if k == "doc" else p
            for k, p in zip(out["kind"], out["payload"], strict=True)
        ]
        return out


# -- driver -------------------------------------------------------------------------


def _unwrap(exc: BaseException) -> KzError | None:
    """The KzError raised inside a Ray task/actor, if that is what failed."""
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, KzError):
            return e
        stack += [e.__cause__, e.__context__, getattr(e, "cause", None)]
    return None


class RayEngine(Engine):
    """``--engine ray``: the stages on Ray Data (same outputs, same errors and
    warnings, in the same order, as the local engine)."""

    name: ClassVar[str] = "ray"

    def __init__(self, settings: BuildSettings) -> None:
        super().__init__(settings)
        self.opts = RayOptions.from_settings(settings)
        _import_ray()

    @contextlib.contextmanager
    def run(
        self,
        inputs: Iterable[str | Path],
        ctx: BuildContext,
        spec: Any,
        on_error: Callable[[InputError], None],
        on_warning: Callable[[str], None] | None,
    ) -> Iterator[EngineRun]:
        from kzparallel.translation.cache import default_cache_dir

        settings, opts = self.settings, self.opts
        files = expand_inputs(inputs)
        cache_path = str(settings.cache_dir or default_cache_dir()) if settings.use_cache else None
        log = DocumentLog()
        counts = [0, 0]

        with ray_session(opts) as ray:
            configure_data_context(ray)
            items = _input_items(files)
            ds = ray.data.from_items(items, override_num_blocks=max(1, len(items)))
            ds = ds.flat_map(_document_rows)
            stage: dict[str, Any] = {
                "fn_constructor_kwargs": {
                    "ctx": ctx,
                    "spec": spec,
                    "cache_path": cache_path,
                    "batch_tokens": settings.batch_tokens,
                },
                "batch_size": opts.docs_per_batch,
                "batch_format": "numpy",
                "compute": ray.data.ActorPoolStrategy(size=opts.num_workers),
            }
            if opts.gpus_per_worker:
                stage["num_gpus"] = opts.gpus_per_worker
            ds = ds.map_batches(_PairMaker, **stage)

            def rows() -> Iterator[dict[str, Any]]:
                try:
                    yield from ds.iter_rows()
                except KzError:
                    raise
                except Exception as exc:
                    inner = _unwrap(exc)
                    if inner is not None:
                        raise inner from None
                    raise

            def pairs() -> Iterator[Pair]:
                last = (-1, -1)
                for row in rows():
                    here = (int(row["file"]), int(row["pos"]))
                    if here <= last:
                        raise RuntimeError(f"ray engine: rows out of order ({here} after {last})")
                    last = here
                    if row["kind"] == "error":
                        on_error(InputError(str(row["source"]), str(row["reason"])))
                        continue
                    if row["kind"] == "warning":
                        if on_warning is not None:
                            on_warning(str(row["reason"]))
                        continue
                    info = json.loads(row["payload"])
                    log.docs[info["doc_id"]] = DocInfo(**info)
                    counts[0] += int(row["hits"])
                    counts[1] += int(row["misses"])
                    for record in json.loads(row["pairs"]):
                        yield Pair.from_dict(record)

            stats = (lambda: (counts[0], counts[1])) if cache_path else None
            yield EngineRun(pairs(), log, stats)
