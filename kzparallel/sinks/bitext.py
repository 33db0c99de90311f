"""What the dataset card and the report say about the human English versions of a
``build --english`` (the counts of :func:`kzparallel.alignment.build.align_staged`)."""

from __future__ import annotations

from html import escape
from typing import Any

from kzparallel.alignment.parallelism import PARTIAL_BELOW

ORIGINS = {
    "aligned": "human English, aligned sentence by sentence",
    "mt": "machine translation",
}


def bitext_lines(counts: dict[str, Any]) -> list[str]:
    """The facts, one line each (the same in the card and the report)."""
    by = counts.get("paired_by") or {}
    how = ", ".join(f"{n} by {k}" for k, n in by.items())
    lines = [
        f"{counts['english_documents']} English document(s) given; "
        f"{counts['document_pairs']} paired with an Arabic document" + (f" ({how})" if how else ""),
        f"Arabic documents without an English version: {counts['unpaired_arabic']}",
        f"English documents paired with nothing (not used): {len(counts['unpaired_english'])}",
    ]
    for doubt in counts.get("name_doubts", []):
        lines.append(
            f"paired by name, content disagrees: {doubt['english']} with {doubt['arabic']} "
            f"({doubt['reason']})"
        )
    left = counts.get("left_out")
    if left is not None:  # --aligned-only
        lines.append(
            f"left out of the dataset and the exports (--aligned-only; kept in pairs.jsonl "
            f"with left_out): {left['no-english']} Arabic sentence(s) without English (1-0), "
            f"{left['document-without-english']} sentence(s) of documents without English, "
            f"{left.get('partial-document', 0)} pair(s) of documents flagged partial "
            f"(parallelism below {PARTIAL_BELOW})"
        )
    return lines


def bitext_markdown(counts: dict[str, Any] | None) -> str:
    """The card's "Human English versions" section ("" without --english)."""
    if counts is None:
        return ""
    facts = "\n".join(f"- {line}" for line in bitext_lines(counts))
    origins = "\n".join(f"| `{k}` | {n} | {ORIGINS[k]} |" for k, n in counts["origins"].items())
    links = "\n".join(f"| {k} | {n} |" for k, n in counts["links"].items()) or "| (none) | 0 |"
    return f"""
## Human English versions

{facts}

Rows whose `origin` is `aligned` have the publisher's own English as
`translation.en` (glossary checked, never changed) and the machine translation as
`en_mt`; one row per link of the sentence alignment (the sentences of a 2-1 or 1-2
link joined by a space). Arabic sentences without an English counterpart (1-0
links) keep their machine translation (`origin` `mt`); English sentences without
Arabic (0-1 links) are not rows.

| origin | pairs | English |
|---|---|---|
{origins}

| link | count |
|---|---|
{links}
"""


MAX_LISTED_DOCUMENTS = 50  # aligned documents listed in the report, least parallel first


def _percent(x: float) -> str:
    return f"{100 * x:.0f} %"


def alignment_html(documents: list[dict[str, Any]] | None) -> str:
    """The report's table of aligned documents, least parallel first: each side's
    share in two-sided links, the mean link score, the length model, the long runs
    of one-sided sentences and the partial flag (:mod:`kzparallel.alignment.parallelism`)."""
    if not documents:
        return ""
    docs = [d for d in documents if "parallelism" in d]
    docs.sort(key=lambda d: (d["parallelism"]["score"], d["doc_id"]))
    partial = sum(1 for d in docs if d["parallelism"]["partial"])
    rows = []
    for d in docs[:MAX_LISTED_DOCUMENTS]:
        par, length = d["parallelism"], d["length_model"]
        runs = ", ".join(
            f"{r['sentences']} {'Arabic' if r['side'] == 'ar' else 'English'} from {r['start']}"
            for r in d.get("long_runs", [])
        )
        rows.append(
            f"<tr><td>{escape(d['doc_id'])}</td><td>{escape(str(d.get('english', '')))}</td>"
            f'<td class="num">{_percent(par["ar_covered"])}</td>'
            f'<td class="num">{_percent(par["en_covered"])}</td>'
            f'<td class="num">{par["mean_link_score"]:.2f}</td>'
            f'<td class="num">{length["ratio"]:.2f}</td><td>{escape(length["reason"])}</td>'
            f"<td>{escape(runs)}</td><td>{'partial' if par['partial'] else ''}</td></tr>"
        )
    more = len(docs) - len(rows)
    return (
        f"<p>Aligned document pairs: {len(docs)}, of which {partial} partial translation(s) "
        f"(less than {_percent(PARTIAL_BELOW)} of one side in two-sided links). "
        "Least parallel first"
        + (f" ({more} more in manifest.json)" if more > 0 else "")
        + ":</p><table><tr><th>document</th><th>English</th><th>Arabic linked</th>"
        "<th>English linked</th><th>mean link score</th><th>EN chars per AR char</th>"
        "<th>length model</th><th>long runs without counterpart</th><th></th></tr>"
        + "".join(rows)
        + "</table>"
    )


def bitext_html(
    counts: dict[str, Any] | None, documents: list[dict[str, Any]] | None = None
) -> str:
    """The report's section on the human English versions ("" without --english);
    ``documents``: the aligned documents' alignment summaries (:func:`alignment_html`)."""
    if counts is None:
        return ""
    facts = "".join(f"<li>{escape(line)}</li>" for line in bitext_lines(counts))
    origins = "".join(
        f'<tr><td>{k}</td><td class="num">{n}</td><td>{ORIGINS[k]}</td></tr>'
        for k, n in counts["origins"].items()
    )
    links = "".join(
        f'<tr><td>{k}</td><td class="num">{n}</td></tr>' for k, n in counts["links"].items()
    )
    unpaired = "".join(f"<li>{escape(s)}</li>" for s in counts["unpaired_english"])
    return (
        "<h2>Human English versions</h2>"
        f"<ul>{facts}</ul>"
        "<table><tr><th>origin</th><th>pairs</th><th>English</th></tr>"
        f"{origins}</table>"
        f"<table><tr><th>link</th><th>count</th></tr>{links}</table>"
        + alignment_html(documents)
        + (f"<p>English documents paired with nothing:</p><ul>{unpaired}</ul>" if unpaired else "")
    )
