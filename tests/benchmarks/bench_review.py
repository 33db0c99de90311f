"""Review app benchmark at archive scale: start-up, page times, memory, 8 reviewers.

Run with one command (under the shared CPU lock; ~15 minutes on 2 cores)::

    flock /tmp/kz-cpu.lock python tests/benchmarks/bench_review.py      # 100,045 and 1,000,022
    python tests/benchmarks/bench_review.py --sizes 20000 --seconds 10  # smaller

1. A real build of the five seed articles (the tiny test model, the shipped
   glossary, alignments kept: the heaviest rows the app renders).
2. Its ``pairs.jsonl`` replicated to each size: copy ``k`` of document ``D`` is
   document ``D~k`` (6 digits), each pair gets the id of its new document
   (:func:`kzparallel.records.pair_id`), so every id and document id is unique.
3. ``kzparallel review DIR`` started as its own process: the time until ``GET /``
   answers, first with the import (no index yet) and then again with the index
   in place; the server's resident memory (``VmRSS``, and the peak ``VmHWM``).
4. Page times as a client on the loopback sees them: for each page kind,
   1 warm-up request and ``--requests`` timed ones (keys and documents drawn at
   random, seeded), p50/p95 and the largest page in bytes.
5. A load test: ``--reviewers`` threads, each a browser session of its own
   (``httpx.Client``: its own cookies and CSRF token), for ``--seconds`` or 60
   decisions each, whichever comes first: load a page of pairs at a random
   place in one stretch of the corpus, decide one of its rows (accept, reject or
   edit) with the version the page showed; half the pages list all pairs, so
   pairs get second and third decisions. Reviewers overlap on purpose, so some
   decisions are refused as stale (409). Afterwards every accepted decision
   (303) must be in the log exactly once, every refused one not at all, each
   pair's versions must be 1..n, ``pair_state`` and the index must agree with
   the log, and the unreviewed count must be the pairs less the reviewed ones.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
DEFAULT_SIZES = (100_045, 1_000_022)  # 935 and 9,346 copies of the 107 pairs of the seeds
ROW = re.compile(r'<tr id="p-(\w+)" class="pair status-(\w+)"')


def seed_build(work: Path) -> Path:
    """A build of the seeds with the tiny model (kept under ``work`` for re-runs)."""
    out = work / "seed-build"
    if (out / "manifest.json").is_file():
        return out
    from kzparallel.builder import BuildSettings, build
    from kzparallel.demo import build_marian_model

    model = build_marian_model(work / "model", seeds_dir=SEEDS)
    settings = BuildSettings(
        model=str(model),
        backend="transformers",
        max_new_tokens=12,
        beam=1,
        cache_dir=str(work / "cache"),
        alignment=True,
    )
    build([SEEDS], out, settings)
    return out


def replicate(build_dir: Path, out: Path, size: int) -> int:
    """``size`` pairs of ``build_dir`` repeated with unique ids and document ids."""
    from kzparallel.records import pair_id

    out.mkdir(parents=True, exist_ok=True)
    records = [json.loads(line) for line in (build_dir / "pairs.jsonl").open(encoding="utf-8")]
    tails = [
        json.dumps(
            {k: v for k, v in r.items() if k not in ("id", "doc_id")},
            ensure_ascii=False,
            separators=(", ", ": "),
        )[1:]
        for r in records
    ]
    written, copy = 0, 0
    with (out / "pairs.jsonl").open("w", encoding="utf-8") as fh:
        while written < size:
            for r, tail in zip(records, tails, strict=True):
                if written == size:
                    break
                doc = f"{r['doc_id']}~{copy:06d}"
                pid = pair_id(doc, r["para"], r["sent"], r["ar"])
                fh.write(f'{{"id": "{pid}", "doc_id": "{doc}", {tail}\n')
                written += 1
            copy += 1
    shutil.copy(build_dir / "manifest.json", out / "manifest.json")
    return written


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _status(pid: int) -> dict[str, int]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) * 1024
    return out


class Server:
    """``kzparallel review DIR`` in its own process."""

    def __init__(self, build_dir: Path) -> None:
        import httpx

        self.port = _port()
        self.base = f"http://127.0.0.1:{self.port}"
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kzparallel",
                "review",
                str(build_dir),
                "--port",
                str(self.port),
            ],
            stderr=subprocess.PIPE,
            text=True,
        )
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the review server stopped: {self.proc.stderr.read()}")
            try:
                if httpx.get(self.base + "/", timeout=60).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        self.startup = time.perf_counter() - t0

    def memory(self) -> dict[str, int]:
        return _status(self.proc.pid)

    def stop(self) -> str:
        self.proc.terminate()
        _, err = self.proc.communicate(timeout=60)
        return err


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', html)
    assert m, "no CSRF field on the page"
    return m.group(1)


def page_kinds(index_db: Path, rng: random.Random) -> dict[str, Any]:
    """Page kind -> a function giving the next URL (random keys, seeded)."""
    conn = sqlite3.connect(index_db)
    pairs = conn.execute("SELECT max(pos) FROM pairs").fetchone()[0]
    docs = [d for (d,) in conn.execute("SELECT doc_id FROM docs")]
    ndocs = len(docs)
    conn.close()

    def pos() -> int:
        return rng.randrange(1, pairs)

    def doc() -> str:
        return rng.choice(docs)

    name = "كازاخستان"  # in about half of the pairs, with and without clitics
    return {
        "documents, first page": lambda: "/",
        "documents by flagged share, deep page": lambda: (
            f"/?sort=flagged&after={rng.randrange(1, ndocs)}"
        ),
        "documents by review progress, deep page": lambda: (
            f"/?sort=progress&after={rng.randrange(1, ndocs)}"
        ),
        "all pairs, deep page": lambda: f"/pairs?after={pos()}",
        "flagged, deep page": lambda: f"/pairs?show=flagged&after={pos()}",
        "glossary failures, deep page": lambda: f"/pairs?show=glossary&after={pos()}",
        "unreviewed, deep page": lambda: f"/pairs?show=unreviewed&after={pos()}",
        "flagged, last page": lambda: "/pairs?show=flagged&last=1",
        "flagged, previous page": lambda: f"/pairs?show=flagged&before={pos()}",
        "document view": lambda: f"/doc/{doc()}",
        "document, flagged": lambda: f"/doc/{doc()}?show=flagged",
        "search Arabic name, deep page": lambda: f"/pairs?q={name}&after={pos()}",
        "search English name, deep page": lambda: f"/pairs?q=Kazakhstan&after={pos()}",
        "search + flagged filter": lambda: f"/pairs?q={name}&show=flagged&after={pos()}",
        "search, last page": lambda: f"/pairs?q={name}&last=1",
        "search within a document": lambda: f"/doc/{doc()}?q={name}",
        "sample, deep page": lambda: f"/sample/1?after={rng.randrange(1, 200)}",
    }


def time_pages(server: Server, index_db: Path, requests: int, seed: int) -> dict[str, Any]:
    import httpx

    rng = random.Random(seed)
    out: dict[str, Any] = {}
    with httpx.Client(base_url=server.base, timeout=120) as client:
        page = client.get("/sample").text  # a sample of 200 to review
        t = time.perf_counter()
        r = client.post(
            "/sample",
            data={"csrf": _csrf(page), "size": "200", "seed": "1", "strata": "doc"},
        )
        assert r.status_code in (200, 303), r.text
        out["draw a sample of 200 (stratified by document)"] = {
            "p50_ms": 1000 * (time.perf_counter() - t)
        }
        for kind, url in page_kinds(index_db, rng).items():
            client.get(url())
            times, sizes = [], []
            for _ in range(requests):
                t = time.perf_counter()
                r = client.get(url())
                times.append(time.perf_counter() - t)
                assert r.status_code == 200, (kind, r.status_code)
                sizes.append(len(r.content))
            q = statistics.quantiles(times, n=20)
            out[kind] = {
                "p50_ms": 1000 * statistics.median(times),
                "p95_ms": 1000 * q[18],
                "max_bytes": max(sizes),
            }
    return out


def load_test(
    server: Server, build_dir: Path, reviewers: int, seconds: float, decisions: int, seed: int
) -> dict[str, Any]:
    """Concurrent reviewers; checks that no decision is lost or applied twice."""
    import httpx

    from kzparallel.review.reviewer import REVIEWER_COOKIE

    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    made: list[tuple[str, int, str]] = []  # (pair, version made, reviewer) of every 303
    refused: list[tuple[str, int]] = []  # (pair, base version) of every 409
    page_times: list[float] = []
    post_times: list[float] = []
    errors: list[str] = []
    conn = sqlite3.connect(next((build_dir / "review-index").glob("pairs-*.sqlite")))
    npairs = conn.execute("SELECT count(*) FROM pairs").fetchone()[0]
    conn.close()
    hot = max(1, npairs // 2)  # reviewers start in the same stretch of the corpus: overlaps

    def reviewer(k: int) -> None:
        rng = random.Random(seed * 100 + k)
        with httpx.Client(base_url=server.base, timeout=120) as client:
            # the name this reviewer's browser gave (the name box sets this cookie)
            client.cookies.set(REVIEWER_COOKIE, f"r{k}")
            for _ in range(decisions):
                if time.monotonic() > deadline:
                    return
                start = hot + rng.randrange(0, 200)
                show = rng.choice(["unreviewed", "all"])  # "all": pairs decided before too
                url = f"/pairs?show={show}&n=20&after={start}"
                t = time.perf_counter()
                html = client.get(url).text
                dt = time.perf_counter() - t
                rows = ROW.findall(html)
                if not rows:
                    continue
                pid, _ = rows[rng.randrange(0, min(3, len(rows)))]  # the first rows: overlaps
                m = re.search(
                    rf'action="/pair/{pid}/accept"[^>]*><input type="hidden" name="csrf" '
                    r'value="(\w+)"><input type="hidden" name="version" value="(\d+)">',
                    html,
                )
                assert m, "no accept form"
                csrf, version = m.group(1), int(m.group(2))
                action = rng.choice(["accept", "accept", "reject", "edit"])
                data = {"csrf": csrf, "version": str(version), "back": url}
                if action == "edit":
                    data["en"] = f"Edited by reviewer {k}."
                t = time.perf_counter()
                r = client.post(f"/pair/{pid}/{action}", data=data)
                pt = time.perf_counter() - t
                with lock:
                    page_times.append(dt)
                    post_times.append(pt)
                    if r.status_code == 303:
                        made.append((pid, version + 1, f"r{k}"))
                    elif r.status_code == 409:
                        refused.append((pid, version))
                    else:
                        errors.append(f"{r.status_code} {r.text[:200]}")

    threads = [threading.Thread(target=reviewer, args=(k,)) for k in range(reviewers)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {
        "reviewers": reviewers,
        "wall_s": wall,
        "made": made,
        "refused": refused,
        "errors": errors,
        "page_p50_ms": 1000 * statistics.median(page_times),
        "page_p95_ms": 1000 * statistics.quantiles(page_times, n=20)[18],
        "post_p50_ms": 1000 * statistics.median(post_times),
        "post_p95_ms": 1000 * statistics.quantiles(post_times, n=20)[18],
    }


def check_decisions(build_dir: Path, load: dict[str, Any], base_url: str) -> dict[str, Any]:
    """No decision lost, none applied twice; the state and the index agree with the log."""
    import httpx

    conn = sqlite3.connect(build_dir / "review.sqlite")
    rows = conn.execute("SELECT pair_id, version, who FROM decisions").fetchall()
    log = Counter((p, v) for p, v, _ in rows)
    made = Counter((p, v) for p, v, _ in load["made"])
    problems = []
    if any(n > 1 for n in log.values()):
        problems.append("a (pair, version) is in the log twice")
    if made != log:  # a saved decision missing, or a refused one written
        problems.append(f"the log ({len(log)}) is not the saved decisions ({len(made)})")
    if any(n > 1 for n in made.values()):
        problems.append("two reviewers were both told they made the same version")
    versions: dict[str, list[int]] = {}
    for p, v in log:
        versions.setdefault(p, []).append(v)
    if any(sorted(v) != list(range(1, len(v) + 1)) for v in versions.values()):
        problems.append("a pair's versions are not 1..n")
    state = dict(conn.execute("SELECT pair_id, version FROM pair_state").fetchall())
    if state != {p: max(v) for p, v in versions.items()}:
        problems.append("pair_state does not match the log")
    reviewed_state = {p for p, r in conn.execute("SELECT pair_id, reviewed FROM pair_state") if r}
    conn.close()
    idx = sqlite3.connect(next((build_dir / "review-index").glob("pairs-*.sqlite")))
    reviewed_index = {p for (p,) in idx.execute("SELECT id FROM pairs WHERE reviewed = 1")}
    total = idx.execute("SELECT count(*) FROM pairs").fetchone()[0]
    idx.close()
    html = httpx.get(base_url + "/pairs?show=unreviewed", timeout=120).text
    m = re.search(r"([\d,]+) pair\(s\) \(unreviewed\)", html)
    shown = int(m.group(1).replace(",", "")) if m else -1
    if reviewed_index != reviewed_state:
        problems.append("the index's review statuses differ from pair_state")
    if shown != total - len(reviewed_state):
        problems.append(f"unreviewed shown {shown}, expected {total - len(reviewed_state)}")
    return {
        "decisions": len(log),
        "refused": len(load["refused"]),
        "pairs_decided": len(versions),
        "most_versions": max((len(v) for v in versions.values()), default=0),
        "errors": len(load["errors"]),
        "problems": problems,
    }


def bench_size(
    seed_dir: Path, work: Path, size: int, requests: int, reviewers: int, seconds: float
) -> dict[str, Any]:
    build_dir = work / f"review-{size}"
    if build_dir.exists():
        shutil.rmtree(build_dir)
    n = replicate(seed_dir, build_dir, size)
    result: dict[str, Any] = {
        "pairs": n,
        "pairs_jsonl_bytes": (build_dir / "pairs.jsonl").stat().st_size,
    }
    server = Server(build_dir)  # first start: the import
    result["first_start_s"] = server.startup
    result["memory_after_import"] = server.memory()
    err = server.stop()
    result["import_line"] = err.splitlines()[0] if err else ""
    index_db = next((build_dir / "review-index").glob("pairs-*.sqlite"))
    result["index_bytes"] = index_db.stat().st_size
    server = Server(build_dir)  # later start: the index is up to date
    result["later_start_s"] = server.startup
    try:
        result["pages"] = time_pages(server, index_db, requests, seed=size)
        result["memory_after_pages"] = server.memory()
        load = load_test(server, build_dir, reviewers, seconds, decisions=60, seed=size)
        result["load"] = {k: v for k, v in load.items() if k not in ("made", "refused")}
        result["load"]["check"] = check_decisions(build_dir, load, server.base)
        result["memory_after_load"] = server.memory()
    finally:
        server.stop()
    shutil.rmtree(build_dir)
    return result


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}"
    )


def table(results: list[dict[str, Any]]) -> str:
    """The table of tests/benchmarks/README.md."""
    mb = 1024 * 1024

    def cell(r: dict[str, Any], kind: str) -> str:
        p = r["pages"][kind]
        if "p95_ms" not in p:
            return f"{p['p50_ms']:.0f} ms"
        return f"{p['p50_ms']:.0f} / {p['p95_ms']:.0f} ms, {p['max_bytes'] / 1024:.0f} KB"

    head = "| | " + " | ".join(f"{r['pairs']:,} pairs" for r in results) + " |"
    lines = [head, "|---|" + "---:|" * len(results)]

    def row(label: str, values: list[str]) -> None:
        lines.append(f"| {label} | " + " | ".join(values) + " |")

    row("`pairs.jsonl`", [f"{r['pairs_jsonl_bytes'] / mb:,.0f} MB" for r in results])
    row("index file", [f"{r['index_bytes'] / mb:,.0f} MB" for r in results])
    row(
        "**first start** (import, until `/` answers)",
        [f"{r['first_start_s']:.1f} s" for r in results],
    )
    row("later start", [f"{r['later_start_s']:.1f} s" for r in results])
    row(
        "server memory after the import: RSS (peak)",
        [
            f"{r['memory_after_import']['VmRSS'] / mb:.0f} MB ({r['memory_after_import']['VmHWM'] / mb:.0f} MB)"
            for r in results
        ],
    )
    row(
        "**server memory** after pages and load test: RSS (peak)",
        [
            f"{r['memory_after_load']['VmRSS'] / mb:.0f} MB ({r['memory_after_load']['VmHWM'] / mb:.0f} MB)"
            for r in results
        ],
    )
    for kind in results[0]["pages"]:
        row(
            kind + (" (p50 / p95, largest page)" if kind == "documents, first page" else ""),
            [cell(r, kind) for r in results],
        )
    for label, key in (("pages", "page"), ("decisions (POST)", "post")):
        row(
            f"8 reviewers at once: {label} p50 / p95",
            [
                f"{r['load'][f'{key}_p50_ms']:.0f} / {r['load'][f'{key}_p95_ms']:.0f} ms"
                for r in results
            ],
        )
    row(
        "load test: decisions saved / refused as stale / checks failed (lost, doubled, disagreeing)",
        [
            f"{r['load']['check']['decisions']} / {r['load']['check']['refused']} / "
            f"{len(r['load']['check']['problems'])}"
            for r in results
        ],
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)))
    ap.add_argument("--requests", type=int, default=30, help="timed requests per page kind")
    ap.add_argument("--reviewers", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=30.0, help="load test time limit")
    ap.add_argument("--work", default=None, help="working folder (default: a temporary one)")
    ap.add_argument("--json", default=None, help="write the results here")
    args = ap.parse_args(argv)
    work = Path(args.work or tempfile.mkdtemp(prefix="kz-bench-review-"))
    work.mkdir(parents=True, exist_ok=True)
    seed_dir = seed_build(work)
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"--- {size:,} pairs", file=sys.stderr, flush=True)
        r = bench_size(seed_dir, work, size, args.requests, args.reviewers, args.seconds)
        print(json.dumps(r, indent=1), file=sys.stderr, flush=True)
        results.append(r)
    print(f"Machine: {machine()}")
    print(table(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    if not args.work:
        shutil.rmtree(work)
    return results


if __name__ == "__main__":
    main()
