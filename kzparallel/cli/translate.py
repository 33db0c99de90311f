"""``kzparallel translate``, ``kzparallel model convert|info`` and ``kzparallel bench``."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from enum import Enum
from pathlib import Path

import typer

from kzparallel.cli.app import app
from kzparallel.cli.output import end_of_batch, warn, warn_skipped
from kzparallel.cli.text import MAX_FILE_SIZE_OPT
from kzparallel.errors import InputError, KzError, Problems
from kzparallel.ingest import IngestStats, RecordError
from kzparallel.input_files import parse_size
from kzparallel.records import Segment
from kzparallel.translation.model import DEFAULT_MODEL

model_app = typer.Typer(help="Inspect and convert translation models.", no_args_is_help=True)
app.add_typer(model_app, name="model")

_ARABIC = re.compile(r"[\u0600-\u06FF]")
_FILE_SUFFIXES = (".txt", ".html", ".htm", ".jsonl", ".json", ".xml")

MODEL_OPT = typer.Option(
    DEFAULT_MODEL,
    "--model",
    "-m",
    help="Hub id, local model directory, or demo (a small model trained here).",
)
BACKEND_OPT = typer.Option("auto", "--backend", help="auto | transformers | ctranslate2.")
DEVICE_OPT = typer.Option("auto", "--device", help="auto | cpu | cuda.")
BEAM_OPT = typer.Option(4, "--beam", min=1, help="Beam size.")
MAXNEW_OPT = typer.Option(
    None, "--max-new-tokens", min=1, help="Fixed cap on generated tokens (default: 2x source + 10)."
)
BATCH_OPT = typer.Option(4096, "--batch-tokens", min=1, help="Padded source tokens per batch.")
CACHE_DIR_OPT = typer.Option(
    None,
    "--cache-dir",
    help="Translation cache directory (default: $KZPARALLEL_CACHE_DIR or user cache).",
)
NO_CACHE_OPT = typer.Option(False, "--no-cache", help="Neither read nor write the cache.")
QUANT_OPT = typer.Option(
    None,
    "--quantization",
    help="ctranslate2 compute type (default int8 on CPU, int8_float16 on CUDA).",
)
BENCH_BACKEND_OPT = typer.Option(
    [], "--backend", help="Backend to measure (repeatable; default: every installed one)."
)
BENCH_INPUT_OPT = typer.Option(
    None, "--input", help="Articles to take sentences from (default: the seed articles)."
)
BENCH_BUILDS_OPT = typer.Option(
    True,
    "--builds/--no-builds",
    help="Also time `kzparallel build` per backend, without and with the glossary.",
)
FIXED_LENGTH_OPT = typer.Option(
    None, "--fixed-length", min=1, help="Force every decode to this many tokens."
)
GLOSSARY_OPT = typer.Option(None, "--glossary", help="Glossary file (default: shipped).")
NO_GLOSSARY_OPT = typer.Option(False, "--no-glossary", help="Translate without a glossary.")
GLOSSARY_LENIENT_OPT = typer.Option(
    False,
    "--glossary-lenient",
    help="Use a glossary that `kzparallel glossary lint` rejects (with a warning).",
)
LAYERS_OPT = typer.Option(
    "default",
    "--glossary-layers",
    help="Glossary layers that run: default (rerank,repair), all (hints,rerank,repair), a list of them, or none (verification only).",
)


class OutputFormat(str, Enum):
    text = "text"
    jsonl = "jsonl"


FORMAT_OPT = typer.Option(
    OutputFormat.text,
    "--format",
    help="text (the English) or jsonl (one pairs.jsonl record per sentence: terms, "
    "violations, en, en_mt, score, signature, ...).",
)


def _read_lines(source: str | None) -> list[str]:
    if source is None or source == "-":
        data = sys.stdin.buffer.read()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(
                "<stdin>", f"not UTF-8 text ({exc.reason} at byte {exc.start})"
            ) from None
    else:
        text = source
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.rstrip("\r") for line in lines]


def _is_path(source: str) -> bool:
    if os.path.exists(source):
        return True
    if _ARABIC.search(source) or "\n" in source:
        return False
    if source.lower().endswith(_FILE_SUFFIXES) or os.sep in source:
        raise InputError(source, "no such file or directory")
    return False


@app.command("translate")
def translate_cmd(
    source: str | None = typer.Argument(
        None,
        metavar="[TEXT|PATH|-]",
        help="Arabic text, a file/directory of articles, or - (stdin).",
    ),
    model: str = MODEL_OPT,
    backend: str = BACKEND_OPT,
    device: str = DEVICE_OPT,
    beam: int = BEAM_OPT,
    max_new_tokens: int | None = MAXNEW_OPT,
    batch_tokens: int = BATCH_OPT,
    quantization: str | None = QUANT_OPT,
    glossary: str | None = GLOSSARY_OPT,
    no_glossary: bool = NO_GLOSSARY_OPT,
    glossary_layers: str = LAYERS_OPT,
    glossary_lenient: bool = GLOSSARY_LENIENT_OPT,
    fmt: OutputFormat = FORMAT_OPT,
    cache_dir: Path | None = CACHE_DIR_OPT,
    no_cache: bool = NO_CACHE_OPT,
    max_file_size: str = MAX_FILE_SIZE_OPT,
) -> None:
    """Translate Arabic to English: one output line per input line (text or stdin);
    a file or directory of articles is cleaned, segmented and printed as English
    paragraphs (one per line, a blank line between articles). The glossary is
    enforced as in `build` (n-best rerank and repair; decoder hints with --glossary-layers all)."""
    from kzparallel.api import Translator, joined_english, text_segments
    from kzparallel.glossary.layers import parse_layers
    from kzparallel.pairs_file import pair_line

    problems = Problems(echo=warn_skipped)
    file_mode = source not in (None, "-") and _is_path(source)  # type: ignore[arg-type]
    translator = Translator(
        model,
        glossary=False if no_glossary else glossary,
        backend=backend,
        device=device,
        quantization=quantization,
        beam=beam,
        max_new_tokens=max_new_tokens,
        batch_tokens=batch_tokens,
        glossary_layers=parse_layers(glossary_layers),
        cache_dir=str(cache_dir) if cache_dir else None,
        use_cache=not no_cache,
        max_file_size=parse_size(max_file_size),
        glossary_lenient=glossary_lenient,
        on_warning=warn,
    )
    stats, done = IngestStats(), [0]
    if file_mode:
        segments: Iterable[Segment] = _article_segments(
            source,  # type: ignore[arg-type]
            problems,
            translator.settings.max_file_size,
            stats,
            done,
        )
    else:
        segments = text_segments(_read_lines(source))
    out = sys.stdout
    with translator:
        pairs = translator.translate_segments(segments, progress=True)
        if fmt is OutputFormat.jsonl:
            for pair in pairs:
                out.write(pair_line(pair))
                out.flush()
        else:
            last_doc: str | None = None
            for doc_id, _, english in joined_english(pairs):
                if file_mode and last_doc is not None and doc_id != last_doc:
                    out.write("\n")
                last_doc = doc_id
                out.write(english + "\n")
                out.flush()
    end_of_batch(len(problems), done[0], stats.summary())


def _article_segments(
    source: str, problems: Problems, max_file_size: int, stats: IngestStats, done: list[int]
) -> Iterator[Segment]:
    """The build's reading, cleaning and segmenting of articles. One file that
    cannot be used is the command's error (exit 1); in a folder or a JSONL file a
    bad item is a warning and skipped."""
    from kzparallel.stages import document_segments, prepared_documents

    own = str(Path(source)) if not Path(source).is_dir() else None

    def on_error(err: InputError) -> None:
        if err.source == own and not isinstance(err, RecordError):
            raise err
        problems.report(err)

    for doc in prepared_documents([source], on_error, warn, max_file_size, stats):
        done[0] += 1
        yield from document_segments(doc)


@model_app.command("convert")
def model_convert(
    model: str = typer.Argument(
        ..., help="Hub id, local model directory, or demo (a small model trained here)."
    ),
    to: str = typer.Option("ctranslate2", "--to", help="Target format (ctranslate2)."),
    quantization: str = typer.Option(
        "int8", "--quantization", help="int8, int8_float16, float16, ..."
    ),
    cache_dir: Path | None = CACHE_DIR_OPT,
    force: bool = typer.Option(False, "--force", help="Convert again even if cached."),
) -> None:
    """Convert a Hugging Face MarianMT model to CTranslate2 (cached); print its directory."""
    if to != "ctranslate2":
        raise KzError(f"unknown target format '{to}' (only ctranslate2 is supported)")
    from kzparallel.translation import resolve_model
    from kzparallel.translation.ctranslate2 import convert_model

    ref = resolve_model(model)
    typer.echo(str(convert_model(ref, quantization, cache_dir, force=force)))


@model_app.command("info")
def model_info(
    model: str = typer.Argument(
        ..., help="Hub id, local model directory, or demo (a small model trained here)."
    ),
    cache_dir: Path | None = CACHE_DIR_OPT,
) -> None:
    """Print the model's id, revision, directory, shape and cached conversions."""
    from kzparallel.translation import resolve_model
    from kzparallel.translation.cache import default_cache_dir
    from kzparallel.translation.ctranslate2 import converted_dir

    ref = resolve_model(model)
    try:
        cfg = json.loads((ref.path / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(str(ref.path / "config.json"), f"unreadable ({exc})") from None
    lines = [
        ("model", ref.model_id),
        ("revision", ref.revision),
        ("path", str(ref.path)),
        ("architecture", ",".join(cfg.get("architectures") or [cfg.get("model_type", "?")])),
        ("layers", f"{cfg.get('encoder_layers')}+{cfg.get('decoder_layers')}"),
        ("d_model", str(cfg.get("d_model"))),
        ("heads", str(cfg.get("encoder_attention_heads"))),
        ("ffn", str(cfg.get("encoder_ffn_dim"))),
        ("vocab", str(cfg.get("vocab_size"))),
        ("max_positions", str(cfg.get("max_position_embeddings"))),
    ]
    base = converted_dir(ref, "x", cache_dir or default_cache_dir()).parent
    prefix = converted_dir(ref, "", cache_dir or default_cache_dir()).name
    found = sorted(
        p.name[len(prefix) :] for p in base.glob(prefix + "*") if (p / "model.bin").exists()
    )
    lines.append(("ctranslate2", ", ".join(found) if found else "not converted"))
    for key, value in lines:
        typer.echo(f"{key}: {value}")


@app.command("bench")
def bench_cmd(
    model: str = MODEL_OPT,
    backend: list[str] = BENCH_BACKEND_OPT,
    input_path: Path | None = BENCH_INPUT_OPT,
    beam: int = BEAM_OPT,
    max_new_tokens: int | None = MAXNEW_OPT,
    batch_tokens: int = BATCH_OPT,
    fixed_length: int | None = FIXED_LENGTH_OPT,
    builds: bool = BENCH_BUILDS_OPT,
) -> None:
    """Translate the seed sentences with each backend; print sentences/s, tokens/s and
    peak memory (each backend in its own process, no cache; CPU, ctranslate2 int8).
    Then run `kzparallel build` on the same articles with each backend, without and
    with the shipped glossary (the default), and print where each build's time went."""
    from kzparallel.build_bench import format_build_table, run_build
    from kzparallel.translation import DecodingConfig, available_backends, resolve_model
    from kzparallel.translation.bench import (
        default_seeds_dir,
        format_table,
        run_subprocess,
        seed_sentences,
    )

    ref = resolve_model(model)  # fail early with the download hint
    chosen = backend or available_backends()
    if "ctranslate2" in chosen:  # convert first: conversion time is not translation time
        from kzparallel.translation.ctranslate2 import convert_model

        convert_model(ref, "int8")
    seeds = input_path or default_seeds_dir()
    if not seeds.exists():
        raise InputError(str(seeds), "no such file or directory (pass --input)")
    sentences = seed_sentences(seeds)
    config = DecodingConfig(beam=beam, max_new_tokens=max_new_tokens, fixed_length=fixed_length)
    results = [run_subprocess(model, b, sentences, config, batch_tokens) for b in chosen]
    typer.echo(format_table(results))
    failed = any(r.error for r in results)
    if builds:
        runs = [
            run_build(
                model,
                b,
                [seeds],
                glossary=glossary,
                beam=beam,
                max_new_tokens=max_new_tokens,
                batch_tokens=batch_tokens,
            )
            for b in chosen
            for glossary in (False, True)
        ]
        typer.echo("")
        typer.echo(format_build_table(runs))
        failed = failed or any(r.error for r in runs)
    if failed:
        raise typer.Exit(1)
