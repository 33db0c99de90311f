"""What ``glossary suggest`` reads: a build's pairs, JSON lines of pairs from
any system, or articles (translated here with the cross-attention kept).

* a ``.jsonl`` file whose first record has ``ar`` (and no ``text``), or a
  build directory with ``pairs.jsonl``: pairs, one per line; a line
  without ``ar``/``en`` strings is skipped with its line number, a file
  with none at all is an error;
* anything else: articles (``.txt``, ``.html``, article ``.jsonl``, a
  folder), read, cleaned and segmented as ``build`` does, translated with
  ``--model`` (cache first) keeping the cross-attention links of each
  sentence, as ``build --alignment`` keeps them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kzparallel.errors import InputError
from kzparallel.glossary.batch import pair_record_line
from kzparallel.pairs_file import PAIRS_FILE, pair_record
from kzparallel.session import translation_session
from kzparallel.stages import BuildSettings, document_segments, prepared_documents


@dataclass
class SuggestSource:
    """Where the pairs came from (for the summary line)."""

    pairs_files: int = 0
    articles: int = 0
    skipped: int = 0
    without_attention: int = 0  # translated pairs the model returned no attention for


def _first_record(path: Path) -> Any:
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.strip():
                try:
                    return json.loads(line)
                except ValueError:
                    return None
    return None


def pairs_path(path: str) -> Path | None:
    """The pairs file ``path`` names (itself, or a build directory's
    ``pairs.jsonl``), None for articles."""
    p = Path(path)
    if p.is_dir():
        return p / PAIRS_FILE if (p / PAIRS_FILE).is_file() else None
    if p.is_file() and p.suffix == ".jsonl":
        first = _first_record(p)
        if isinstance(first, dict) and "text" not in first and ("ar" in first or "en" in first):
            return p
        if isinstance(first, dict) and "text" not in first and p.name == PAIRS_FILE:
            return p
    return None


def read_pairs_file(
    path: Path, on_error: Callable[[InputError], None], source: SuggestSource
) -> list[dict[str, Any]]:
    """The records of a pairs file with string ``ar`` and ``en``."""
    out: list[dict[str, Any]] = []
    bad: list[InputError] = []
    for number, raw in enumerate(path.read_bytes().split(b"\n"), 1):
        if not raw.strip():
            continue
        try:
            out.append(pair_record_line(raw, str(path), number))
        except InputError as err:
            bad.append(err)
    if not out:
        raise InputError(str(path), "no record with 'ar' and 'en' strings (not a pairs file)")
    for err in bad:
        on_error(err)
    source.skipped += len(bad)
    source.pairs_files += 1
    return out


def translate_articles(
    paths: list[str],
    *,
    model: str,
    glossary: str | None,
    backend: str = "auto",
    device: str = "auto",
    cache_dir: str | None = None,
    on_error: Callable[[InputError], None],
    source: SuggestSource,
) -> list[dict[str, Any]]:
    """The build's pairs of ``paths``, translated with ``model`` keeping the
    cross-attention links (as ``build --alignment``)."""
    settings = BuildSettings(
        model=model,
        backend=backend,
        device=device,
        glossary=glossary,
        alignment=True,
        cache_dir=cache_dir,
    )
    docs = set()

    def segments() -> Iterable[Any]:
        for doc in prepared_documents(paths, on_error=on_error):
            docs.add(doc.doc_id)
            yield from document_segments(doc)

    with translation_session(settings) as session:
        # a bar on a terminal only
        records = [pair_record(p) for p in session.translate(segments(), progress=True)]
    source.articles += len(docs)
    source.without_attention += sum(
        1 for r in records if r["ar"].strip() and not r.get("alignment")
    )
    return records


def suggest_records(
    inputs: list[str],
    *,
    model: str,
    glossary: str | None,
    backend: str = "auto",
    device: str = "auto",
    cache_dir: str | None = None,
    on_error: Callable[[InputError], None],
) -> tuple[list[dict[str, Any]], SuggestSource]:
    """Every pair of ``inputs``: pairs files as they are, articles translated."""
    source = SuggestSource()
    records: list[dict[str, Any]] = []
    articles: list[str] = []
    for path in inputs:
        pp = pairs_path(path)
        if pp is not None:
            records += read_pairs_file(pp, on_error, source)
        elif path != "-" and not Path(path).exists():
            raise InputError(path, "no such file or directory")
        else:
            articles.append(path)
    if articles:
        records += translate_articles(
            articles,
            model=model,
            glossary=glossary,
            backend=backend,
            device=device,
            cache_dir=cache_dir,
            on_error=on_error,
            source=source,
        )
    return records, source
