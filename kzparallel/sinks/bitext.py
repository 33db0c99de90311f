"""What the dataset card and the report say about the human English versions of a
``build --english`` (the counts of :func:`kzparallel.alignment.build.align_staged`)."""

from __future__ import annotations

from html import escape
from typing import Any

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
    left = counts.get("left_out")
    if left is not None:  # --aligned-only
        lines.append(
            f"left out of the dataset and the exports (--aligned-only; kept in pairs.jsonl "
            f"with left_out): {left['no-english']} Arabic sentence(s) without English (1-0), "
            f"{left['document-without-english']} sentence(s) of documents without English"
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


def bitext_html(counts: dict[str, Any] | None) -> str:
    """The report's section on the human English versions ("" without --english)."""
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
        + (f"<p>English documents paired with nothing:</p><ul>{unpaired}</ul>" if unpaired else "")
    )
