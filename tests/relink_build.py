"""A small aligned build for the re-linking tests: the gold set ``001-p1`` (one
Arabic article and its English version, with a 0-1 link: English sentence 3 has no
Arabic) built with ``--english`` and the trained demo model."""

from __future__ import annotations

import shutil
from pathlib import Path

DOC = "001-p1.ar"


def aligned_build(model: Path, base: Path, cache: Path) -> tuple[Path, list[str]]:
    """``(build dir, the English sentences of the gold)``."""
    import json

    from kzparallel.builder import BuildSettings, build
    from kzparallel.testing.bitext import write_gold_set

    gold = base / "gold"
    write_gold_set(gold)
    ar, en = base / "ar", base / "en"
    ar.mkdir()
    en.mkdir()
    shutil.copy(gold / "001-p1.ar.txt", ar)
    shutil.copy(gold / "001-p1.en.txt", en)
    settings = BuildSettings(model=str(model), backend="transformers", cache_dir=str(cache))
    build([ar], base / "out", settings, english=[en])
    from kzparallel.alignment.links import read_links

    english = read_links(base / "out")[DOC].en
    links = [json.loads(line) for line in (gold / "001-p1.gold.jsonl").open()]
    assert ([], [3]) in [(g["ar_sents"], g["en_sents"]) for g in links]  # the 0-1 link
    return base / "out", english
