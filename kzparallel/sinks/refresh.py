"""Re-write a build's ``dataset/`` from its ``pairs.jsonl`` with review decisions applied.

``kzparallel publish`` (and ``export``) use the reviewed pairs: rejected pairs
left out, edited English in, ``review_status`` set. The split plan and the
provenance come from the build's ``manifest.json``, so the result is what
``kzparallel build --apply-review`` would have written.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from kzparallel.errors import KzError
from kzparallel.records import Pair
from kzparallel.sinks.card import make_card_info, render_card
from kzparallel.sinks.dataset import DatasetSummary, parse_ratios, plan_splits
from kzparallel.sinks.manifest import read_manifest
from kzparallel.sinks.pairs import PAIRS_FILE, read_pairs

REVIEW_DB = "review.sqlite"
REFRESH_DIR = ".dataset-work"


def reviewed_pairs(out_dir: Path) -> Iterable[Pair]:
    from kzparallel.review.decisions import apply_review

    return apply_review(out_dir, read_pairs(out_dir / PAIRS_FILE))


def rewrite_dataset(out_dir: str | Path) -> DatasetSummary:
    """Replace ``out_dir/dataset`` (atomically) with the reviewed pairs, written
    by the same shard writer (and cut into the same shards) as the build."""
    from kzparallel.atomic import atomic_write_text, replace_directory
    from kzparallel.shards import ShardJob, assemble_dataset, merged_stats, plan_shards, write_shard
    from kzparallel.staging import index_pairs_file

    out = Path(out_dir)
    manifest = read_manifest(out)
    if manifest is None or not (out / PAIRS_FILE).is_file():
        raise KzError(f"{out}: not a complete build (no manifest.json or pairs.jsonl)")
    settings = manifest.get("settings", {})
    docs = list(index_pairs_file(out / PAIRS_FILE))
    plan = plan_splits(
        [d.doc_id for d in docs],
        parse_ratios(settings.get("split_by_doc", "0.8,0.1,0.1")),
        settings.get("seed", 0),
    )
    work = out / REFRESH_DIR
    shutil.rmtree(work, ignore_errors=True)
    try:
        results = [
            write_shard(
                ShardJob(
                    k,
                    shard,
                    {d.doc_id: plan.split_of(d.doc_id) for d in shard},
                    str(work),
                    band=None,  # pairs.jsonl has the length flags already
                    review_dir=str(out),
                    pairs=False,
                    articles=False,
                )
            )
            for k, shard in enumerate(plan_shards(docs))
        ]
        summary = assemble_dataset(work, results, plan)
        model = manifest.get("model", {})
        info = make_card_info(
            model=model.get("id", ""),
            revision=model.get("revision", ""),
            backend=manifest.get("backend", ""),
            signature=manifest.get("signature", ""),
            glossary=(manifest.get("glossary") or {}).get("hash", "none"),
            documents=manifest.get("documents", []),
            stats=merged_stats(results),
            reviewed=True,
        )
        atomic_write_text(work / "dataset" / "README.md", render_card(summary, info))
        replace_directory(work / "dataset", out / "dataset")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return summary
