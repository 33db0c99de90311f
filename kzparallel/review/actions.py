"""The decision log rows for one submitted review form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kzparallel.records import Pair
from kzparallel.review.decisions import merge_changes, merged_ar, split_change, split_spans
from kzparallel.review.store import Change

Retranslate = Callable[[list[str]], list[str]]


def model_retranslator(model: str) -> Retranslate:
    """Re-translation with ``model`` (loaded on first use) via ``load_translator``."""
    from kzparallel.translation import load_translator
    from kzparallel.translation.base import DecodingConfig

    loaded: list[Any] = []

    def run(texts: list[str]) -> list[str]:
        if not loaded:
            loaded.append(load_translator(model))
        return [t.text for t in loaded[0].translate(texts, DecodingConfig())]

    return run


def form_changes(
    retranslate: Retranslate | None,
    pair: Pair,
    following: Pair | None,
    action: str,
    version: int,
    field: dict[str, str],
) -> list[Change]:
    """The log rows for one submitted form (ValueError: a message for the reviewer).

    ``following`` is the next pair of the same paragraph (the only merge partner).
    """
    if action in ("accept", "reject"):
        return [Change(pair.id, version, action)]
    if action == "note":
        note = field.get("note", "").strip()
        if not note:
            raise ValueError("the note is empty")
        return [Change(pair.id, version, "note", None, note)]
    if action == "edit":
        en = field.get("en", "").strip()
        if not en:
            raise ValueError("the English is empty (reject the pair instead)")
        data: dict[str, Any] = {}
        if field.get("part", "") != "":
            data["part"] = int(field["part"])
        return [Change(pair.id, version, "edit", field.get("before"), en, data)]
    if action == "merge":
        nxt = following
        if nxt is None or nxt.id != field.get("next"):
            raise ValueError("only a pair and the next one of the same paragraph can be merged")
        en, en_mt = field.get("en", "").strip(), ""
        if "retranslate" in field:
            if retranslate is None:
                raise ValueError("no model is configured: type the English")
            en = en_mt = retranslate([merged_ar(pair, nxt)])[0]
        if not en:
            raise ValueError("type the English of the merged pair")
        return merge_changes(pair, version, nxt, int(field.get("next_version", "0")), en, en_mt)
    if action == "split":
        try:
            at = int(field.get("at", ""))
        except ValueError:
            raise ValueError("choose where to split the Arabic") from None
        spans = split_spans(pair.ar, at)
        if "retranslate" in field:
            if retranslate is None:
                raise ValueError("no model is configured: type the English of both parts")
            outs = retranslate([pair.ar[s:e] for s, e in spans])
            parts = [{"en": o, "en_mt": o} for o in outs]
        else:
            ens = [field.get("en1", "").strip(), field.get("en2", "").strip()]
            if not all(ens):
                raise ValueError("type the English of both parts")
            parts = [{"en": e, "en_mt": ""} for e in ens]
        return [split_change(pair, version, at, parts)]
    raise ValueError(f"unknown action {action!r}")
