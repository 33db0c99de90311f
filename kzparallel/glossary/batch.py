"""The glossary over whole inputs: mention rows for segmented documents, and
check/fix of JSON-lines pairs made by any translation system."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from kzparallel.errors import InputError
from kzparallel.glossary.enforce import enforce_pair
from kzparallel.glossary.model import Glossary
from kzparallel.records import Segment


def mention_rows(segments: Iterable[Segment], glossary: Glossary) -> Iterator[dict[str, Any]]:
    """One row per mention: ``doc_id, para, sent, start, end, surface, term, en``
    (offsets in the sentence, numbered as ``segment --format json`` does), and
    ``match`` for a spelling variant (:attr:`Mention.match`)."""
    for seg in segments:
        for m in glossary.find(seg.text, date=seg.date):
            row: dict[str, Any] = {
                "doc_id": seg.doc_id,
                "para": seg.para,
                "sent": seg.sent,
                "start": m.start,
                "end": m.end,
                "surface": m.surface,
                "term": m.term,
                "en": m.en,
            }
            if m.match != "exact":  # a spelling variant says which
                row["match"] = m.match
            yield row


@dataclass
class PairStats:
    records: int = 0
    skipped: int = 0
    with_violations: int = 0
    changed: int = 0


def pair_record_line(raw: bytes | str, source: str, number: int) -> dict[str, Any]:
    """One JSON line of pairs (line ``number`` of ``source``) as a dict with
    string ``ar`` and ``en``; anything else raises :class:`InputError` naming
    the line."""
    where = f"{source}:{number}"
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(where, "not valid UTF-8") from None
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(where, f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise InputError(where, "expected a JSON object with 'ar' and 'en'")
    for key in ("ar", "en"):
        if not isinstance(obj.get(key), str):
            what = "missing" if key not in obj else "not a string"
            raise InputError(where, f"'{key}' is {what}")
    return obj


def enforce_records(
    lines: Iterable[bytes | str],
    glossary: Glossary,
    *,
    source: str,
    fix: bool,
    on_error: Callable[[InputError], None],
    stats: PairStats | None = None,
) -> Iterator[dict[str, Any]]:
    """Check (``fix=False``) or fix JSON-lines pairs, in input order.

    A record's ``date`` (ISO, as a build's pairs carry it) chooses the forms of
    dated entries. Every input field is passed through; ``en`` becomes the fixed English
    (unchanged by a check, byte-identical when already right), the text as it
    came in is kept in ``en_original`` (an existing ``en_original`` is kept),
    and ``terms`` and ``violations`` are set. Blank lines are ignored; a
    malformed line goes to ``on_error`` with its line number and is skipped.
    """
    stats = stats if stats is not None else PairStats()
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            obj = pair_record_line(raw, source, number)
        except InputError as err:
            stats.skipped += 1
            on_error(err)
            continue
        stats.records += 1
        date = obj.get("date") if isinstance(obj.get("date"), str) else None
        result = enforce_pair(obj["ar"], obj["en"], glossary, repair=fix, date=date)
        out = dict(obj)
        out["en"] = result.en
        out.setdefault("en_original", obj["en"])
        out["terms"] = result.terms
        out["violations"] = result.violations
        stats.changed += result.en != obj["en"]
        stats.with_violations += bool(result.violations)
        yield out
