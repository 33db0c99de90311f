"""The dataset card's account of the corpus-level decisions (kzparallel.corpus):
how the splits were made, duplicates, near-copies, filters, versions."""

from __future__ import annotations

from typing import Any

from kzparallel.dedup import SHINGLE_WORDS
from kzparallel.langid import MIN_PROBABILITY, MIN_WORDS


def version_line(corpus: Any) -> str:
    """One line on what a build over an earlier one changed ("" for a first build)."""
    if corpus is None or (corpus.version == 1 and not corpus.carried):
        return ""
    return (
        f"dataset version {corpus.version}: {len(corpus.added)} document(s) added, "
        f"{len(corpus.updated)} updated, {corpus.carried} kept from the previous build"
    )


def splits_markdown(corpus: Any) -> str:
    """How the splits were made and how to reproduce them."""
    r = corpus.ratios
    return f"""Splits are by document and never mix a near-duplicate cluster: every
document of a cluster (see below) is in its cluster's split. The split of a
cluster depends only on its id and the seed ({corpus.seed}), not on the other
documents, so adding articles never moves an existing one:

```python
import hashlib

u = int(hashlib.sha256(f"{{seed}}:{{cluster}}".encode()).hexdigest()[:16], 16) / 2**64
split = "train" if u < {r[0]:g} else "validation" if u < {r[0] + r[1]:g} else "test"
```

`manifest.json` records each document's cluster and split; later builds keep
them, and a new near-copy of a recorded document joins that document's
cluster and split."""


def corpus_markdown(corpus: Any) -> str:
    """The sections on duplicates, filters and versions."""
    kept = (
        "kept in the dataset, flagged `duplicate` (built with `--keep-duplicates`)"
        if corpus.keep_duplicates
        else "left out of the dataset (they stay in `pairs.jsonl`, flagged)"
    )
    bridges = (
        f"\n- {len(corpus.bridges)} new document(s) linked two recorded clusters; those "
        "clusters were not merged (their documents keep their splits)."
        if corpus.bridges
        else ""
    )
    history = "\n".join(
        f"| {h['version']} | {h['added']} | {h['updated']} | {h['documents']} | {h['pairs']} "
        f"| {h['dataset_rows']} |"
        for h in corpus.history
    )
    return f"""## Duplicates

- **Repeated sentences**: {corpus.duplicates} of {corpus.pairs} pairs repeat an Arabic
  sentence found elsewhere in the corpus (after Arabic normalisation: diacritics,
  letter forms and digits unified, punctuation and spacing ignored); they are
  {kept}. `duplicate_of` names the kept pair: the copy in the document added in
  the earliest dataset version, then in `test` before `validation` before `train`,
  then the smallest `doc_id`, at its first position. So each Arabic sentence is
  in one split only, and a sentence shared by a held-out split and train stays in
  the held-out split. English articles (`en/`) stay complete.
- **Near-duplicate documents** (syndicated copies): MinHash (128 permutations,
  `datasketch`) of the word {SHINGLE_WORDS}-grams of each body, LSH, and an estimated
  Jaccard similarity of at least {corpus.near_duplicate_threshold:g} link two
  documents; linked documents form a cluster (`cluster` column: the smallest
  `doc_id` when the cluster was formed). {corpus.clusters} cluster(s) for
  {corpus.documents} document(s); {corpus.near_copy_clusters} cluster(s) hold
  {corpus.near_copies} near-copies.{bridges}

## Filters

Pairs are flagged, not removed: filter on `qa_flags` for training.

- `wrong-language`: {corpus.wrong_language} pairs. The Arabic is not Arabic or the
  English is not English by `py3langid` (probability of the expected language below
  {MIN_PROBABILITY:g}; texts under {MIN_WORDS} words are not judged).
- `low-score`: {corpus.low_score} pairs. Model score (mean log-probability per
  token) below {corpus.threshold.describe()}.

## Versions

This is version {corpus.version} of the dataset. Each build over an earlier one
adds the new articles and keeps every existing pair id, cluster and split.

| version | documents added | updated | documents | pairs | dataset rows |
|---|---|---|---|---|---|
{history}
"""
