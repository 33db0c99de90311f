"""Re-write a build's ``dataset/`` from its ``pairs.jsonl`` with review decisions applied.

``kzparallel publish`` (and ``export``) use the reviewed pairs: rejected pairs
left out, edited English in, ``review_status`` set. The split plan and the
provenance come from the build's ``manifest.json``, and the files are written
by the build's own shard writer (the same shards), so the result is what
``kzparallel build --apply-review`` would have written. An orchestrator over
the shards, the corpus summary, the review's sampled estimate and the card
sink, it sits above them (beside ``outputs`` and ``exports``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from kzparallel.atomic import replace_directory
from kzparallel.corpus import CorpusSummary
from kzparallel.errors import KzError
from kzparallel.manifest import read_manifest
from kzparallel.pairs_file import PAIRS_FILE
from kzparallel.review.sampling import read_estimate
from kzparallel.shards import ShardJob, assemble_dataset, merged_stats, plan_shards, write_shard
from kzparallel.sinks.card import make_card_info, write_card
from kzparallel.sinks.dataset import DatasetSummary, SplitPlan
from kzparallel.staging import index_pairs_file

REFRESH_DIR = ".dataset-work"


def rewrite_dataset(out_dir: str | Path) -> DatasetSummary:
    """Replace ``out_dir/dataset`` (atomically) with the reviewed pairs."""
    out = Path(out_dir)
    manifest = read_manifest(out)
    if manifest is None or not (out / PAIRS_FILE).is_file():
        raise KzError(f"{out}: not a complete build (no manifest.json or pairs.jsonl)")
    settings = manifest.get("settings", {})
    documents = manifest.get("documents", [])
    if any(not d.get("split") for d in documents):
        raise KzError(
            f"{out}: manifest.json has no split per document (a build by an older "
            "kzparallel); run `kzparallel build` again to record them"
        )
    keep_duplicates = bool(settings.get("keep_duplicates", False))
    plan = SplitPlan(
        {d["doc_id"]: d["split"] for d in sorted(documents, key=lambda d: d["doc_id"])},
        ((manifest.get("counts") or {}).get("splits") or {}).get("note", ""),
        keep_duplicates=keep_duplicates,
    )
    work = out / REFRESH_DIR
    shutil.rmtree(work, ignore_errors=True)
    try:
        results = [
            write_shard(
                ShardJob(
                    k,
                    shard,
                    {
                        d.doc_id: plan.assignment[d.doc_id]
                        for d in shard
                        if d.doc_id in plan.assignment
                    },
                    str(work),
                    review_dir=str(out),
                    keep_duplicates=keep_duplicates,
                    articles=False,
                )
            )
            for k, shard in enumerate(plan_shards(index_pairs_file(out / PAIRS_FILE)))
        ]
        summary = assemble_dataset(work, results, plan)
        model = manifest.get("model", {})
        info = make_card_info(
            model=model.get("id", ""),
            revision=model.get("revision", ""),
            backend=manifest.get("backend", ""),
            signature=manifest.get("signature", ""),
            glossary=(manifest.get("glossary") or {}).get("hash", "none"),
            documents=documents,
            stats=merged_stats(results),
            reviewed=True,
        )
        info.corpus = CorpusSummary.from_manifest(manifest)
        estimate = read_estimate(out, manifest.get("signature", ""))
        write_card(work / "dataset", summary, info, estimate)
        replace_directory(work / "dataset", out / "dataset")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return summary
