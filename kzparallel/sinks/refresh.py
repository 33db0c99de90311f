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
from kzparallel.errors import KzError
from kzparallel.records import Pair
from kzparallel.sinks.card import make_card_info, render_card
from kzparallel.sinks.dataset import DatasetSummary, parse_ratios, plan_splits, write_dataset_files
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
    doc_order = list(dict.fromkeys(p.doc_id for p in read_pairs(out / PAIRS_FILE)))
    plan = plan_splits(
        doc_order,
        parse_ratios(settings.get("split_by_doc", "0.8,0.1,0.1")),
        settings.get("seed", 0),
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
    with atomic_directory(out / "dataset") as tmp:
        summary = write_dataset_files(lambda: reviewed_pairs(out), tmp, plan)
        estimate = read_estimate(out, manifest.get("signature", ""))
        atomic_write_text(tmp / "README.md", render_card(summary, info, estimate))
    return summary
