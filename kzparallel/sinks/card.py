"""The dataset card ``dataset/README.md``: the YAML header the Hub reads, then prose."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import datasets
from datasets.info import DatasetInfosDict
from huggingface_hub import DatasetCardData

from kzparallel.atomic import atomic_write_text
from kzparallel.sinks.dataset import SPLITS, DatasetSummary, features, split_file
from kzparallel.translation.model import DEMO_NOTICE, is_demo_model
from kzparallel.version import __version__

CONFIG = "ar-en"  # the Hub names translation datasets' configs by language pair
LICENSE = "other"
LICENSE_NAME = "news-publishers-copyright"
LICENSE_FILE = "LICENSE.md"  # in the dataset folder, beside the card
LICENSE_NOTE = (
    "The Arabic source texts are news articles whose copyright stays with their "
    "publishers; the English side is machine translation (or the publisher's own "
    "English version, where one was aligned). Check the sources' terms before "
    "redistributing: no license is granted by this dataset's makers beyond theirs."
)


def size_category(n: int) -> str:
    """The Hub's ``size_categories`` bucket for ``n`` rows."""
    for limit, name in (
        (1_000, "n<1K"),
        (10_000, "1K<n<10K"),
        (100_000, "10K<n<100K"),
        (1_000_000, "100K<n<1M"),
        (10_000_000, "1M<n<10M"),
    ):
        if n < limit:
            return name
    return "n>10M"


@dataclass
class CardInfo:
    """What the card says about how the corpus was made."""

    model: str
    revision: str
    backend: str
    signature: str
    glossary: str  # glossary hash or "none"
    review: str  # e.g. "not reviewed" / "review decisions applied: 3 accepted, ..."
    sources: list[str] = field(default_factory=list)  # one line per document
    pretty_name: str = "kzparallel Arabic-English news parallel corpus"
    documents: int = 0
    qa_counts: dict[str, int] = field(default_factory=dict)
    corpus: Any = None  # kzparallel.corpus.CorpusSummary: splits, duplicates, filters, versions
    bitext: dict[str, Any] | None = None  # build --english counts (kzparallel.sinks.bitext)


MAX_LISTED_SOURCES = 50  # documents listed by name in the card


def make_card_info(
    *,
    model: str,
    revision: str,
    backend: str,
    signature: str,
    glossary: str,
    documents: list[dict[str, Any]],
    stats: Any,
    reviewed: bool,
) -> CardInfo:
    """Card facts from a build's provenance, its documents (``StagedDoc.info()`` each
    or the manifest's ``documents``) and its :class:`ReportStats`."""
    review = (
        "review decisions applied (" + stats.review_summary() + ")"
        if reviewed
        else "not reviewed (every pair is `unreviewed`)"
    )
    return CardInfo(
        model=model,
        revision=revision,
        backend=backend,
        signature=signature,
        glossary=glossary,
        review=review,
        sources=[
            f"`{d['doc_id']}`: {Path(d['source']).name} "
            f"({d['paragraphs']} paragraphs, {d['segments']} sentences)"
            for d in documents[:MAX_LISTED_SOURCES]
        ]
        + (
            [f"... and {len(documents) - MAX_LISTED_SOURCES} more (all in `manifest.json`)"]
            if len(documents) > MAX_LISTED_SOURCES
            else []
        ),
        documents=len(documents),
        qa_counts=dict(stats.flag_counts),
    )


def _paths(summary: DatasetSummary, split: str) -> str | list[str]:
    """The split's parquet file (a list when the split has several)."""
    files = summary.files.get(split) or [split_file(split)]
    return files[0] if len(files) == 1 else files


def card_data(summary: DatasetSummary, info: CardInfo) -> DatasetCardData:
    """The card's YAML header as the Hub's own :class:`DatasetCardData`, with the
    features, splits and sizes written by the ``datasets`` library itself
    (:meth:`DatasetInfosDict.to_dataset_card_data`), one config named for the
    language pair (:data:`CONFIG`), the default."""
    splits = [s for s in SPLITS if summary.rows.get(s)]
    data = DatasetCardData(
        pretty_name=info.pretty_name,
        language=["ar", "en"],
        license=LICENSE,
        license_name=LICENSE_NAME,
        license_link=LICENSE_FILE,
        # the alignment and the English are made by machine; reviewers' decisions
        # (when applied) are human annotations
        annotations_creators=["machine-generated"]
        + (["expert-generated"] if info.review.startswith("review decisions applied") else []),
        # Arabic as published; English machine-translated, or the publisher's own
        language_creators=["found", "machine-generated"],
        multilinguality=["translation"],
        size_categories=[size_category(summary.total)],
        source_datasets=["original"],
        task_categories=["translation"],
        tags=["machine-translated", "news"],
        configs=[
            {
                "config_name": CONFIG,
                "default": True,
                "data_files": [{"split": s, "path": _paths(summary, s)} for s in splits],
            }
        ],
    )
    dataset_info = datasets.DatasetInfo(
        features=features(),
        splits=datasets.SplitDict(
            {
                s: datasets.SplitInfo(
                    name=s, num_bytes=summary.num_bytes.get(s, 0), num_examples=summary.rows[s]
                )
                for s in splits
            }
        ),
        download_size=sum(summary.file_bytes.get(s, 0) for s in splits),
        dataset_size=sum(summary.num_bytes.get(s, 0) for s in splits),
    )
    DatasetInfosDict({CONFIG: dataset_info}).to_dataset_card_data(data)
    return data


def write_card(
    dataset_dir: Path, summary: DatasetSummary, info: CardInfo, estimate: Any | None = None
) -> None:
    """``README.md`` (the card) and ``LICENSE.md`` (what ``license_link`` points to)."""
    atomic_write_text(dataset_dir / "README.md", render_card(summary, info, estimate))
    atomic_write_text(dataset_dir / LICENSE_FILE, f"# License\n\n{LICENSE_NOTE}\n")


def quality_section(estimate: Any | None) -> str:
    """The card's "Quality estimate" section from a sampled review ("" without one).

    ``estimate`` is a :class:`kzparallel.review.sampling.SampleEstimate`.
    """
    if estimate is None:
        return ""
    return f"""
## Quality estimate

From a sampled review: {estimate.summary()}. A pair is acceptable when the reviewer
accepted it as it was built; rejected, edited, merged or split pairs count against.
The sample is a seeded random sample of the corpus, so the share estimates the
share in all pairs.
"""


def render_card(summary: DatasetSummary, info: CardInfo, estimate: Any | None = None) -> str:
    head = card_data(summary, info).to_yaml()
    split_lines = "\n".join(
        f"| {s} | {summary.docs.get(s, 0)} | {summary.rows[s]} |"
        for s in SPLITS
        if summary.rows.get(s)
    )
    note = f"\n{summary.note}.\n" if summary.note else ""
    banner = f"\n> **{DEMO_NOTICE}**\n" if is_demo_model(info.model) else ""
    sources = "\n".join(f"- {line}" for line in info.sources) or "- (none)"
    split_rule = "Splits are by document (no document is in two splits)."
    corpus = ""
    if info.corpus is not None:
        from kzparallel.sinks.corpus_card import corpus_markdown, splits_markdown

        split_rule = splits_markdown(info.corpus)
        corpus = "\n" + corpus_markdown(info.corpus)
    from kzparallel.sinks.bitext import bitext_markdown

    corpus += bitext_markdown(info.bitext)
    qa = (
        "\n".join(f"- `{k}`: {v} pairs" for k, v in sorted(info.qa_counts.items()))
        or "- no pair was flagged"
    )
    return f"""---
{head}
---

# {info.pretty_name}
{banner}
Sentence-aligned Arabic-English pairs made from {info.documents} Arabic news
article(s) with kzparallel {__version__}.

## How the pairs were made

- The articles were cleaned (navigation, credits and duplicates removed) and split
  into sentences; each Arabic sentence is one row.
- The English is **machine translation** by `{info.model}` at revision
  `{info.revision}` (backend `{info.backend}`), with names and places kept
  consistent by an enforced glossary (glossary hash `{info.glossary}`).
  `en_mt` is the raw model output, `translation.en` the text after glossary
  enforcement (and after human edits where the review says so).
- Provenance signature of every row: `{info.signature}`
- Review status: {info.review}.

## Splits

{split_rule}
{note}
| split | documents | pairs |
|---|---|---|
{split_lines}
{corpus}
## Sources

{sources}

## Columns

- `translation`: `{{"ar": ..., "en": ...}}` (`datasets.Translation`)
- `id`: stable pair id (hash of document, paragraph, sentence and Arabic text);
  `doc_id`, `para` (0 = title when `is_title`), `sent`
- `en_mt`, `score` (mean log-probability per token), `model`, `revision`, `backend`
- `terms` (JSON: glossary mentions and verdicts), `glossary_violations`
- `qa_flags`: automatic checks (`numbers-missing`, `length-ratio`,
  `arabic-in-english`, `repetition`, `empty`, `glossary`, `wrong-language`,
  `low-score`, `duplicate`)
- `review_status`: `unreviewed`, `accepted`, `edited`
- `signature`: the provenance signature
- `cluster`: the document's near-duplicate cluster; `duplicate_of`: the id of the
  kept copy when the Arabic sentence is a repeat (else empty)
- `origin`: `mt` (the English is machine translation) or `aligned` (the
  publisher's own English version, aligned sentence by sentence)
- `date`: the article's day (ISO `YYYY-MM-DD`), empty when the article has none

## Quality flags

{qa}
{quality_section(estimate)}
## Known limitations

- The English is machine-translated: fluent-looking sentences can still be wrong.
  Filter on `qa_flags` and `review_status` for training data you trust.
- Sentence alignment is by construction (each Arabic sentence is translated on its
  own), so context across sentences is not used.
- The corpus is small and about one news event; expect topic and name bias.
- {LICENSE_NOTE}

## How to load

```python
from datasets import load_dataset

ds = load_dataset("path/to/this/folder")  # or the Hub repo id
# after re-building into the same folder, add download_mode="force_redownload":
# `datasets` caches a local folder by its card, not by the parquet contents
print(ds["train"][0]["translation"])  # {{'ar': '...', 'en': '...'}}
```
"""
