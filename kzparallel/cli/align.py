"""``kzparallel align AR_FILE EN_FILE``: link the sentences of an Arabic article and
its English version; one JSON line per link on standard output."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from kzparallel.cli.app import app
from kzparallel.cli.output import warn
from kzparallel.cli.translate import (
    BACKEND_OPT,
    BATCH_OPT,
    BEAM_OPT,
    CACHE_DIR_OPT,
    DEVICE_OPT,
    GLOSSARY_LENIENT_OPT,
    GLOSSARY_OPT,
    MODEL_OPT,
    NO_CACHE_OPT,
    NO_GLOSSARY_OPT,
    QUANT_OPT,
)

LINK_KEYS = ("ar", "en", "ar_sents", "en_sents", "kind", "score", "confidence")
AR_FILE_ARG = typer.Argument(..., metavar="AR_FILE", help="The Arabic article.")
EN_FILE_ARG = typer.Argument(..., metavar="EN_FILE", help="Its English version.")


@app.command("align")
def align_cmd(
    ar_file: Path = AR_FILE_ARG,
    en_file: Path = EN_FILE_ARG,
    model: str = MODEL_OPT,
    backend: str = BACKEND_OPT,
    device: str = DEVICE_OPT,
    beam: int = BEAM_OPT,
    batch_tokens: int = BATCH_OPT,
    quantization: str | None = QUANT_OPT,
    glossary: str | None = GLOSSARY_OPT,
    no_glossary: bool = NO_GLOSSARY_OPT,
    glossary_lenient: bool = GLOSSARY_LENIENT_OPT,
    cache_dir: Path | None = CACHE_DIR_OPT,
    no_cache: bool = NO_CACHE_OPT,
) -> None:
    """Align the sentences of an Arabic article with its English version: one JSON
    line per link, in document order, with the keys ar, en, ar_sents, en_sents
    (0-based sentence indices), kind ("1-1", "2-1", "1-0", ...), score (0-1) and confidence (the score calibrated
    on the gold sets: the probability that the link is right).
    The Arabic is translated as `build` does (cache, glossary)."""
    from kzparallel.alignment import align_files
    from kzparallel.stages import BuildSettings

    settings = BuildSettings(
        model=model,
        backend=backend,
        device=device,
        quantization=quantization,
        beam=beam,
        batch_tokens=batch_tokens,
        glossary=glossary,
        use_glossary=not no_glossary,
        glossary_lenient=glossary_lenient,
        cache_dir=str(cache_dir) if cache_dir else None,
        use_cache=not no_cache,
    )
    aligned = align_files(ar_file, en_file, settings, on_warning=warn)
    out = sys.stdout
    for link in aligned.links:
        record = link.to_dict()
        out.write(json.dumps({k: record[k] for k in LINK_KEYS}, ensure_ascii=False) + "\n")
    out.flush()
