"""``kzparallel build --engine ray``: the build stages on Ray Data.

The same stage functions as the local engine (:mod:`kzparallel.stages`), run
in parallel::

    input files  ──ray.data.from_items──▶  flat_map(_document_rows)   read + clean + segment,
                                                                      one task per file
                 ──map_batches(_PairMaker, ActorPool(N))──▶            translate_pairs (cache,
                                                                      batches, make_pair) in
                                                                      actors that load the model
                                                                      once; each batch of
                                                                      documents is written to its
                                                                      own part file (staging/)
                 ──iter_rows──▶ the index (no pairs)                   to the driver, which
                                                                      makes the corpus decisions
                                                                      from the part files and
                                                                      writes pairs.jsonl
    output shards ──ray.remote(write_shard)──▶                         en/, parquet pieces, on
                                                                      the workers

No pair travels through Ray's object store to the driver: it receives one
small row per document (where its pairs are) and per-shard counts; the
corpus-level decisions (:mod:`kzparallel.corpus`) read the part files as a
stream (:mod:`kzparallel.outputs`). Documents are ordered by ``doc_id`` and
batches and shards are cut by rules on the content, so ``pairs.jsonl``,
``en/`` and ``dataset/`` are byte-identical with a local build of the same
inputs and settings, whatever the number of actors.

Per-file problems (unreadable, empty, malformed JSONL lines, ...) become
error rows that the driver reports to ``on_error`` in input order once the
stage is done; the good documents go on. The translation cache is the same
SQLite cache as the local engine, opened by every actor at the same path (on a
cluster, on each node's local disk: SQLite's WAL mode does not work on network
file systems); the build folder (``--out``) must be on a file system every
node shares: the workers write the part files and the shards there.

Resources (:func:`size_pool`): every actor runs one translator on one thread
and asks for one CPU; the read tasks need CPU too. When the cluster has too
few CPUs for the actors and a read task, the pool is made to fit (fewer
actors, fractional CPUs) and a warning says so; too few GPUs is an error.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from kzparallel.engines.base import Engine, J, R
from kzparallel.errors import InputError, KzError, missing_dependency
from kzparallel.records import Segment
from kzparallel.session import SessionPlan
from kzparallel.stages import (
    BuildSettings,
    document_segments,
    expand_inputs,
    prepared_documents,
)
from kzparallel.staging import PartWriter, Staged, StagedDoc, stage_documents
from kzparallel.translation.base import available_cpus

DOCS_PER_BATCH = 64  # documents per map_batches call (one translate_segments window)
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
            cpus = opts.num_cpus or available_cpus()
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
    """No progress bars or per-operator logs on stderr. The order rows arrive in
    does not matter (the driver sorts), so Ray Data need not keep it."""
    ctx = ray.data.DataContext.get_current()
    ctx.execution_options.preserve_order = False
    ctx.enable_progress_bars = False
    with contextlib.suppress(AttributeError):
        ctx.print_on_execution_start = False
    with contextlib.suppress(AttributeError):
        ctx.enable_operator_progress_bars = False
    for name in ("ray.data", "ray"):
        logging.getLogger(name).setLevel(logging.ERROR)


# -- resources ----------------------------------------------------------------------


@dataclass
class PoolSize:
    """How the translation actors and the other tasks share the cluster."""

    actors: int
    actor_cpus: float  # CPUs each actor asks Ray for
    task_cpus: float  # CPUs each read/segment task and each output shard task asks for
    note: str = ""  # one line, when the request was changed to fit


def size_pool(opts: RayOptions, cpus: float, gpus: float) -> PoolSize:
    """Fit ``opts.num_workers`` actors (1 CPU and ``gpus_per_worker`` GPUs each)
    and the read tasks (1 CPU) into the ``cpus``/``gpus`` available.

    Too few CPUs or GPUs for the actors: fewer actors. Too few CPUs for the
    actors plus one read task: the actors ask for a share of a CPU each and
    the read tasks for half a CPU (each actor still runs one thread; the read
    tasks are short), so nothing waits for a CPU that never frees up. Either
    way ``note`` says so in one line. Not one actor fits: a :class:`KzError`
    naming the numbers.
    """
    want, g = opts.num_workers, opts.gpus_per_worker
    if g and gpus < g:
        raise KzError(
            f"--gpus-per-worker {g:g}: the Ray cluster has {gpus:g} GPU(s) available, "
            f"not enough for one translation actor"
        )
    if cpus < 1:
        raise KzError(
            f"the Ray cluster has {cpus:g} CPU(s) available, not enough for one translation actor"
        )
    n, why = want, ""
    if g and n * g > gpus + 1e-9:
        n, why = int(gpus // g), f"{gpus:g} GPU(s) available, {g:g} per actor"
    if n > int(cpus):
        n, why = int(cpus), f"{cpus:g} CPU(s) available"
    head = (
        f"ray: --num-workers {want} but the Ray cluster has {why}: {n} translation actor(s)"
        if n < want
        else f"ray: {n} translation actor(s) on {cpus:g} CPU(s)"
    )
    if n + 1 <= cpus:
        return PoolSize(n, 1.0, 1.0, head if n < want else "")
    share = round((cpus - 0.5) / n, 3)
    return PoolSize(
        n,
        share,
        0.5,
        f"{head}, each asking for {share:g} CPU and each read task for 0.5 CPU, "
        "so that reading runs beside them",
    )


# -- stage 1: read, clean, segment (one task per input file) ---------------------


def _input_items(files: list[str | Path], max_file_size: int) -> list[dict[str, Any]]:
    """One row per input; stdin is read here (workers have no stdin), one byte
    over the size limit at most (the reader then refuses it)."""
    items = []
    for i, f in enumerate(files):
        data = sys.stdin.buffer.read(max_file_size + 1) if str(f) == "-" else b""
        items.append({"file": i, "path": str(f), "stdin": data, "max": max_file_size})
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
        for doc in prepared_documents([path], on_error, on_warning, int(item["max"])):
            segs = document_segments(doc)
            info = StagedDoc.of(doc, len(segs))
            payload = {"doc": info.to_dict(), "segments": [s.to_dict() for s in segs]}
            row("doc", doc.source, payload=json.dumps(payload, ensure_ascii=False))
    return rows


# -- stage 2: translate + pair (actor pool) ---------------------------------------


class _PairMaker:
    """A Ray Data actor: loads the translator once (lazily, on the first cache
    miss), translates the documents of each batch and writes their pairs to a
    part file of its own; returns one index row per document."""

    def __init__(self, plan: SessionPlan, staging: str) -> None:
        self.plan = plan  # a session per batch (its own cache): Ray calls from several threads
        self.staging = Path(staging)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        out = {k: list(v) for k, v in batch.items()}
        rows = [i for i, kind in enumerate(out["kind"]) if kind == "doc"]
        if not rows:
            return out
        docs: list[StagedDoc] = []
        segments: list[Segment] = []
        for i in rows:
            payload = json.loads(out["payload"][i])
            segs = [Segment.from_dict(s) for s in payload["segments"]]
            docs.append(StagedDoc(**payload["doc"]))
            segments.extend(segs)
        first = rows[0]
        part = (
            self.staging / f"part-{int(out['file'][first]):06d}-{int(out['pos'][first]):06d}.jsonl"
        )
        with self.plan.open() as session:
            pairs = session.translate(segments)
            with PartWriter(part) as writer:
                staged = list(stage_documents(docs, pairs, writer))
        for i, doc in zip(rows, staged, strict=True):
            out["payload"][i] = json.dumps(doc.to_dict(), ensure_ascii=False)
        if session.cache is not None:  # the batch's cache counts ride on its first document
            out["hits"][first], out["misses"][first] = session.hits, session.misses
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


@contextlib.contextmanager
def _inner_errors() -> Iterator[None]:
    """A KzError raised on a worker is raised here as itself (one line)."""
    try:
        yield
    except KzError:
        raise
    except Exception as exc:
        inner = _unwrap(exc)
        if inner is not None:
            raise inner from None
        raise


class RayEngine(Engine):
    """``--engine ray``: the stages on Ray Data (same outputs, same errors and
    warnings as the local engine)."""

    name: ClassVar[str] = "ray"

    def __init__(self, settings: BuildSettings) -> None:
        super().__init__(settings)
        self.opts = RayOptions.from_settings(settings)
        self.ray = _import_ray()
        self.size = PoolSize(self.opts.num_workers, 1.0, 1.0)

    @contextlib.contextmanager
    def session(self, on_warning: Callable[[str], None] | None = None) -> Iterator[None]:
        with ray_session(self.opts) as ray:
            configure_data_context(ray)
            free = ray.available_resources()
            self.size = size_pool(self.opts, float(free.get("CPU", 0)), float(free.get("GPU", 0)))
            if self.size.note and on_warning is not None:
                on_warning(self.size.note)
            yield

    def stage(
        self,
        inputs: Iterable[str | Path],
        plan: SessionPlan,
        staging: Path,
        on_error: Callable[[InputError], None],
        on_warning: Callable[[str], None] | None,
    ) -> Staged:
        ray, opts, size = self.ray, self.opts, self.size
        files = expand_inputs(inputs)
        staging.mkdir(parents=True, exist_ok=True)
        items = _input_items(files, self.settings.max_file_size)
        ds = ray.data.from_items(items, override_num_blocks=max(1, len(items)))
        ds = ds.flat_map(_document_rows, num_cpus=size.task_cpus)
        stage: dict[str, Any] = {
            "fn_constructor_kwargs": {
                # one translator on one thread per actor: parallelism is the actors
                "plan": plan.with_workers(1),
                "staging": str(staging),
            },
            "batch_size": opts.docs_per_batch,
            "batch_format": "numpy",
            "compute": ray.data.ActorPoolStrategy(size=size.actors),
            "num_cpus": size.actor_cpus,
        }
        if opts.gpus_per_worker:
            stage["num_gpus"] = opts.gpus_per_worker
        ds = ds.map_batches(_PairMaker, **stage)

        staged = Staged()
        messages: list[tuple[tuple[int, int], str, str, str]] = []
        with _inner_errors():
            for row in ds.iter_rows():
                where = (int(row["file"]), int(row["pos"]))
                if row["kind"] in ("error", "warning"):
                    messages.append((where, row["kind"], str(row["source"]), str(row["reason"])))
                    continue
                staged.docs.append(StagedDoc(**json.loads(row["payload"])))
                staged.cache_hits += int(row["hits"])
                staged.cache_misses += int(row["misses"])
        for _, kind, source, reason in sorted(messages):  # input order, as the local engine
            if kind == "error":
                on_error(InputError(source, reason))
            elif on_warning is not None:
                on_warning(reason)
        return staged

    def map(self, fn: Callable[[J], R], jobs: Sequence[J]) -> list[R]:
        """``fn`` over ``jobs`` as Ray tasks (on the workers; results in job order)."""
        if not jobs:
            return []
        task = self.ray.remote(num_cpus=self.size.task_cpus, max_retries=2)(fn)
        with _inner_errors():
            return list(self.ray.get([task.remote(job) for job in jobs]))
