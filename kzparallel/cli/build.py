"""``kzparallel build``, ``export``, ``publish`` and ``eval``: thin wrappers over the library."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from kzparallel.cli.app import app
from kzparallel.cli.output import end_of_batch, warn, warn_skipped
from kzparallel.cli.text import MAX_FILE_SIZE_HELP, check_size
from kzparallel.cli.translate import BACKEND_METAVAR, check_backend
from kzparallel.input_files import parse_size
from kzparallel.translation.model import DEFAULT_MODEL
from kzparallel.translation.registry import backend_help, quantization_help


def _check_pair_by(value: str) -> str:
    """``--pair-by``: anything but name or content is a usage error (exit 2)."""
    if value not in ("name", "content"):
        raise typer.BadParameter(f"{value!r} is not 'name' or 'content'")
    return value


@app.command()
def build(
    inputs: Annotated[
        list[str],
        typer.Argument(metavar="INPUT", help="Article files or directories ('-' = stdin)."),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory.")],
    model: Annotated[
        str,
        typer.Option(
            "--model", "-m", help="Hub id, model directory, or demo (a small model trained here)."
        ),
    ] = DEFAULT_MODEL,
    backend: Annotated[
        str,
        typer.Option(
            "--backend", callback=check_backend, metavar=BACKEND_METAVAR, help=backend_help()
        ),
    ] = "auto",
    device: Annotated[str, typer.Option("--device", help="auto | cpu | cuda.")] = "auto",
    quantization: Annotated[
        str | None, typer.Option("--quantization", help=quantization_help())
    ] = None,
    glossary: Annotated[
        str | None, typer.Option("--glossary", help="Glossary file (default: shipped).")
    ] = None,
    no_glossary: Annotated[
        bool, typer.Option("--no-glossary", help="Build without a glossary.")
    ] = False,
    glossary_lenient: Annotated[
        bool,
        typer.Option(
            "--glossary-lenient",
            help="Use a glossary that `kzparallel glossary lint` rejects (with a warning).",
        ),
    ] = False,
    glossary_layers: Annotated[
        str,
        typer.Option(
            "--glossary-layers",
            help="Glossary layers that run: default (rerank,repair), all (hints,rerank,repair), a list of them, or none (verification only).",
        ),
    ] = "default",
    beam: Annotated[int, typer.Option("--beam", min=1, help="Beam size.")] = 4,
    max_new_tokens: Annotated[
        int | None,
        typer.Option(
            "--max-new-tokens",
            min=1,
            help="Cap on English tokens per sentence (default: 2 x source tokens + 10).",
        ),
    ] = None,
    batch_tokens: Annotated[
        int, typer.Option("--batch-tokens", min=1, help="Padded source tokens per batch.")
    ] = 4096,
    split_by_doc: Annotated[
        str, typer.Option("--split-by-doc", help="train,validation,test ratios (by document).")
    ] = "0.8,0.1,0.1",
    seed: Annotated[int, typer.Option("--seed", help="Seed of the document split.")] = 0,
    cache_dir: Annotated[
        str | None, typer.Option("--cache-dir", help="Translation cache dir.")
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Do not use the translation cache.")
    ] = False,
    engine: Annotated[
        str, typer.Option("--engine", help="local | ray (Ray Data; pip install 'kzparallel[ray]').")
    ] = "local",
    ray_address: Annotated[
        str | None,
        typer.Option("--ray-address", help="Ray cluster address (default: start a local Ray)."),
    ] = None,
    num_workers: Annotated[
        int | None,
        typer.Option(
            "--num-workers",
            min=1,
            help="Translators at once, one thread each (local: default the CPUs; ray: actors, default 1).",
        ),
    ] = None,
    gpus_per_worker: Annotated[
        float | None, typer.Option("--gpus-per-worker", min=0, help="GPUs per Ray actor.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite a build of another model.")
    ] = False,
    apply_review: Annotated[
        bool,
        typer.Option(
            "--apply-review", help="Apply DIR/review.sqlite decisions to en/ and dataset/."
        ),
    ] = False,
    alignment: Annotated[
        bool, typer.Option("--alignment", help="Keep attention alignments.")
    ] = False,
    progress: Annotated[
        bool,
        typer.Option(
            "--progress/--no-progress",
            help="Progress bar on stderr (shown only when stderr is a terminal).",
        ),
    ] = True,
    keep_duplicates: Annotated[
        bool,
        typer.Option(
            "--keep-duplicates", help="Keep repeated sentences in dataset/ (flagged duplicate)."
        ),
    ] = False,
    min_score: Annotated[
        str,
        typer.Option(
            "--min-score", help="low-score threshold: auto (from the corpus), off or a number."
        ),
    ] = "auto",
    near_duplicate_threshold: Annotated[
        float,
        typer.Option(
            "--near-duplicate-threshold",
            min=0.01,
            max=1.0,
            help="Jaccard similarity (word 5-grams) that makes two documents near-copies.",
        ),
    ] = 0.5,
    english: Annotated[
        list[str] | None,
        typer.Option(
            "--english",
            help="English versions of the articles: a file or directory (repeat for more).",
        ),
    ] = None,
    aligned_only: Annotated[
        bool,
        typer.Option(
            "--aligned-only",
            help="With --english: only the pairs with human English go to the dataset and "
            "exports (the others stay in pairs.jsonl, marked left_out).",
        ),
    ] = False,
    pair_by: Annotated[
        str,
        typer.Option(
            "--pair-by",
            help="With --english: pair the documents by 'name' (then content) or by "
            "'content' only (names ignored).",
            callback=_check_pair_by,
        ),
    ] = "name",
    fresh: Annotated[
        bool,
        typer.Option(
            "--fresh", help="Ignore the build already in --out: a new corpus of these inputs only."
        ),
    ] = False,
    max_file_size: Annotated[
        str, typer.Option("--max-file-size", help=MAX_FILE_SIZE_HELP, callback=check_size)
    ] = "64M",
) -> None:
    """Articles in, English articles + parallel corpus (pairs, dataset, report) out."""
    from kzparallel.builder import BuildSettings
    from kzparallel.builder import build as run_build
    from kzparallel.glossary.layers import parse_layers
    from kzparallel.scores import parse_min_score
    from kzparallel.sinks.dataset import parse_ratios

    if aligned_only and not english:
        warn("--aligned-only is ignored without --english")
    if pair_by != "name" and not english:
        warn("--pair-by is ignored without --english")

    settings = BuildSettings(
        model=model,
        backend=backend,
        device=device,
        quantization=quantization,
        beam=beam,
        max_new_tokens=max_new_tokens,
        batch_tokens=batch_tokens,
        glossary=glossary,
        use_glossary=not no_glossary,
        glossary_layers=parse_layers(glossary_layers),
        split_by_doc=parse_ratios(split_by_doc),
        seed=seed,
        cache_dir=cache_dir,
        use_cache=not no_cache,
        force=force,
        apply_review=apply_review,
        alignment=alignment,
        engine=engine,
        progress=progress,
        keep_duplicates=keep_duplicates,
        min_score=parse_min_score(min_score),
        near_duplicate_threshold=near_duplicate_threshold,
        fresh=fresh,
        max_file_size=parse_size(max_file_size),
        glossary_lenient=glossary_lenient,
        engine_options={
            k: v
            for k, v in {
                "address": ray_address,
                "num_workers": num_workers,
                "gpus_per_worker": gpus_per_worker,
            }.items()
            if v is not None
        },
    )
    result = run_build(
        inputs,
        out,
        settings,
        on_error=warn_skipped,
        on_warning=warn,
        english=english,
        aligned_only=aligned_only,
        pair_by=pair_by,
    )
    if result.split_note:
        warn(result.split_note)
    if result.version_line():
        typer.echo(result.version_line())
    typer.echo(result.summary())
    n = len(result.skipped)
    end_of_batch(n, result.read, f"{n} of {n + result.read} inputs skipped")


@app.command()
def export(
    build_dir: Annotated[Path, typer.Argument(help="A build's output directory.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="tmx | moses | csv | jsonl.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output file (moses: path prefix).")],
    no_review: Annotated[
        bool, typer.Option("--no-review", help="Ignore review decisions.")
    ] = False,
    keep_duplicates: Annotated[
        bool,
        typer.Option(
            "--keep-duplicates",
            help="Keep the pairs whose Arabic repeats another (left out by default, "
            "as in the dataset, unless the build kept them).",
        ),
    ] = False,
) -> None:
    """Export the pairs (review decisions applied when DIR/review.sqlite exists;
    repeated sentences left out as in the dataset)."""
    from kzparallel.exports import export as run_export

    keep = True if keep_duplicates else None  # None: as the build's dataset
    n = run_export(build_dir, fmt, out, apply_review=not no_review, keep_duplicates=keep)
    typer.echo(f"{n} pairs -> {out}")


@app.command()
def publish(
    build_dir: Annotated[Path, typer.Argument(help="A build's output directory.")],
    repo_id: Annotated[str, typer.Option("--repo-id", help="ORG/NAME of the Hub dataset.")],
    private: Annotated[bool, typer.Option("--private", help="Create the repo as private.")] = False,
    token: Annotated[
        str | None, typer.Option("--token", help="Hub token (default: HF_TOKEN/login).")
    ] = None,
) -> None:
    """Push DIR/dataset to the Hugging Face Hub."""
    from kzparallel.publish import publish as run_publish

    typer.echo(run_publish(build_dir, repo_id, private=private, token=token))


@app.command("eval")
def evaluate(
    hyp: Annotated[
        Path | None, typer.Option("--hyp", help="Hypotheses: text lines or JSON lines.")
    ] = None,
    ref: Annotated[
        Path | None,
        typer.Option(
            "--ref",
            help="References: file or directory of JSON lines (--layers: with 'ar' and 'en').",
        ),
    ] = None,
    glossary: Annotated[
        str | None, typer.Option("--glossary", help="Also score glossary terms.")
    ] = None,
    use_glossary: Annotated[
        bool, typer.Option("--terms", help="Score terms with the shipped glossary.")
    ] = False,
    layers: Annotated[
        bool,
        typer.Option(
            "--layers",
            help="Measure each glossary layer: translate --ref (default with --model demo: "
            "its held-out sentences) without the glossary, with hints, + rerank, + repair.",
        ),
    ] = False,
    model: Annotated[
        str, typer.Option("--model", "-m", help="--layers: the model (demo: the trained demo).")
    ] = "demo",
    backend: Annotated[
        str, typer.Option("--backend", help="--layers: ctranslate2, transformers or both.")
    ] = "both",
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="--layers: the first N sentences.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    glossary_lenient: Annotated[
        bool,
        typer.Option(
            "--glossary-lenient",
            help="Use a glossary that `kzparallel glossary lint` rejects (with a warning).",
        ),
    ] = False,
) -> None:
    """BLEU, chrF and TER (sacrebleu, with signatures) and the glossary term success
    rate; with --layers, what each glossary layer does (term success, wrong
    spellings, chrF, BLEU, collateral edits) on both backends."""
    from kzparallel.errors import KzError
    from kzparallel.glossary_gate import load_checked_glossary

    if layers:
        if hyp is not None:
            raise KzError("--layers translates the sentences itself: give --layers or --hyp")
        from kzparallel.layers_eval import BACKENDS, layers_eval

        load_checked_glossary(glossary, lenient=glossary_lenient, on_warning=warn)
        report = layers_eval(
            model,
            ref,
            glossary,
            backends=BACKENDS if backend == "both" else (backend,),
            limit=limit,
        )
        if as_json:
            typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        else:
            for line in report.lines():
                typer.echo(line)
        return
    if hyp is None or ref is None:
        raise KzError("eval needs --hyp and --ref (or --layers)")
    from kzparallel.evaluation import evaluate as run_eval

    gl = None
    if glossary is not None or use_glossary:
        gl = load_checked_glossary(glossary, lenient=glossary_lenient, on_warning=warn)
    result = run_eval(hyp, ref, gl)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        for line in result.lines():
            typer.echo(line)
