"""Re-write a build's ``dataset/`` from its ``pairs.jsonl`` with review decisions applied.

``kzparallel publish`` (and ``export``) use the reviewed pairs: rejected pairs
left out, edited English in, ``review_status`` set. The split plan and the
provenance come from the build's ``manifest.json``, so the result is what
``kzparallel build --apply-review`` would have written.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kzparallel.atomic import atomic_directory, atomic_write_text
from kzparallel.corpus import CorpusSummary
from kzparallel.errors import KzError
from kzparallel.records import Pair
from kzparallel.sinks.card import make_card_info, render_card
from kzparallel.sinks.dataset import DatasetSummary, SplitPlan, write_dataset_files
from kzparallel.sinks.manifest import read_manifest
from kzparallel.sinks.pairs import PAIRS_FILE, read_pairs
from kzparallel.sinks.report import collect_stats

REVIEW_DB = "review.sqlite"


def reviewed_pairs(out_dir: Path) -> Iterable[Pair]:
    from kzparallel.review.decisions import apply_review

    return apply_review(out_dir, read_pairs(out_dir / PAIRS_FILE))


def rewrite_dataset(out_dir: str | Path) -> DatasetSummary:
    """Replace ``out_dir/dataset`` (atomically) with the reviewed pairs."""
    from kzparallel.review.sampling import read_estimate

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
    plan = SplitPlan(
        {d["doc_id"]: d["split"] for d in sorted(documents, key=lambda d: d["doc_id"])},
        ((manifest.get("counts") or {}).get("splits") or {}).get("note", ""),
        keep_duplicates=bool(settings.get("keep_duplicates", False)),
    )
    stats = collect_stats(reviewed_pairs(out))
    model = manifest.get("model", {})
    info = make_card_info(
        model=model.get("id", ""),
        revision=model.get("revision", ""),
        backend=manifest.get("backend", ""),
        signature=manifest.get("signature", ""),
        glossary=(manifest.get("glossary") or {}).get("hash", "none"),
        documents=manifest.get("documents", []),
        stats=stats,
        reviewed=True,
    )
    info.corpus = CorpusSummary.from_manifest(manifest)
    with atomic_directory(out / "dataset") as tmp:
        summary = write_dataset_files(lambda: reviewed_pairs(out), tmp, plan)
        estimate = read_estimate(out, manifest.get("signature", ""))
        atomic_write_text(tmp / "README.md", render_card(summary, info, estimate))
    return summary
