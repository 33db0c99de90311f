"""``kzparallel glossary find|check|fix|lint|import|export|suggest``."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Annotated, Any

import typer

from kzparallel.cli.app import app
from kzparallel.cli.output import warn, warn_skipped
from kzparallel.cli.text import MAX_FILE_SIZE_OPT
from kzparallel.cli.translate import GLOSSARY_LENIENT_OPT
from kzparallel.errors import EXIT_ERROR, EXIT_SKIPPED, InputError, Problems
from kzparallel.translation.model import DEFAULT_MODEL as DEFAULT_MODEL_ID

glossary_app = typer.Typer(
    help="Find glossary terms, check or fix translations, lint, import and export glossaries.",
    no_args_is_help=True,
)
app.add_typer(glossary_app, name="glossary")

GLOSSARY_OPT = typer.Option(
    None, "--glossary", "-g", help="Glossary file or folder (default: the shipped glossary)."
)
OUT_OPT = typer.Option(None, "--out", "-o", help="Write here instead of standard output.")
RENDERINGS_OPT = typer.Option(
    None,
    "--consistency",
    help="Also write the names rendered more than one way (glossary entries and names it "
    "does not cover) to this JSON file.",
)
SUGGEST_CACHE_OPT = typer.Option(
    None, "--cache-dir", help="Translation cache directory (for articles)."
)


def _dump(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False)


@contextmanager
def _output(out: Path | None) -> Iterator[IO[str]]:
    if out is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    from kzparallel.atomic import atomic_open

    with atomic_open(out) as fh:
        yield fh


def _input_lines(path: str) -> Iterable[bytes]:
    if path == "-":
        return sys.stdin.buffer.read().split(b"\n")
    p = Path(path)
    if not p.is_file():
        raise InputError(path, "no such file" if not p.exists() else "not a file")
    return p.read_bytes().split(b"\n")


@glossary_app.command("find")
def find_cmd(
    paths: Annotated[
        list[str],
        typer.Argument(metavar="PATH...", help="Article files, directories, or - (stdin)."),
    ],
    glossary: str | None = GLOSSARY_OPT,
    no_clean: bool = typer.Option(
        False, "--no-clean", help="Do not clean: each input line is one paragraph."
    ),
    max_file_size: str = MAX_FILE_SIZE_OPT,
    glossary_lenient: bool = GLOSSARY_LENIENT_OPT,
) -> None:
    """Print one JSON line per glossary mention: doc_id, para, sent (as `segment --format
    json` numbers them), start, end (in the sentence), surface, term, en (and match, for
    a spelling variant)."""
    from kzparallel.cli.text import _documents
    from kzparallel.glossary.batch import mention_rows
    from kzparallel.glossary_gate import load_checked_glossary
    from kzparallel.segmentation import segment_document

    g = load_checked_glossary(glossary, lenient=glossary_lenient, on_warning=warn)
    problems = Problems(echo=warn_skipped)
    for doc in _documents(paths, not no_clean, problems, max_file_size):
        for row in mention_rows(segment_document(doc), g):
            typer.echo(_dump(row))


def _enforce(
    pairs: str,
    glossary: str | None,
    out: Path | None,
    fix: bool,
    renderings: Path | None = None,
    lenient: bool = False,
) -> None:
    from kzparallel.glossary.batch import PairStats, enforce_records
    from kzparallel.glossary_gate import load_checked_glossary

    g = load_checked_glossary(glossary, lenient=lenient, on_warning=warn)
    source = "<stdin>" if pairs == "-" else pairs
    problems = Problems(echo=warn_skipped)
    stats = PairStats()
    lines = _input_lines(pairs)
    checked: list[dict[str, Any]] = []
    with _output(out) as fh:
        for rec in enforce_records(
            lines, g, source=source, fix=fix, on_error=problems.report, stats=stats
        ):
            fh.write(_dump(rec) + "\n")
            if renderings is not None:
                checked.append(rec)

    what = "fixed" if fix else "with violations"
    count = stats.changed if fix else stats.with_violations
    summary = f"{stats.records} pairs, {count} {what}"
    if fix:
        summary += f", {stats.with_violations} still with violations"
    if problems:
        summary += f", {stats.skipped} of {stats.records + stats.skipped} lines skipped"
    typer.echo(summary, err=True)
    if renderings is not None:
        _write_renderings(checked, g, renderings)
    if not fix and stats.with_violations:
        raise typer.Exit(EXIT_ERROR)
    if problems:
        raise typer.Exit(EXIT_SKIPPED if stats.records else EXIT_ERROR)


def _write_renderings(records: list[dict[str, Any]], g: Any, path: Path) -> None:
    from kzparallel.atomic import atomic_write_text
    from kzparallel.glossary.consistency import consistency, summary_line

    report = consistency(records, g)
    atomic_write_text(path, json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    typer.echo(summary_line(report), err=True)


@glossary_app.command("check")
def check_cmd(
    pairs: str = typer.Argument(
        ..., metavar="PAIRS.jsonl", help="JSON lines with ar and en, or -."
    ),
    glossary: str | None = GLOSSARY_OPT,
    out: Path | None = OUT_OPT,
    renderings: Path | None = RENDERINGS_OPT,
    glossary_lenient: bool = GLOSSARY_LENIENT_OPT,
) -> None:
    """Verify translations against the glossary: every line comes back with en unchanged,
    en_original, terms and violations. Exit 1 when a violation remains."""
    _enforce(pairs, glossary, out, fix=False, renderings=renderings, lenient=glossary_lenient)


@glossary_app.command("fix")
def fix_cmd(
    pairs: str = typer.Argument(
        ..., metavar="PAIRS.jsonl", help="JSON lines with ar and en, or -."
    ),
    glossary: str | None = GLOSSARY_OPT,
    out: Path | None = OUT_OPT,
    glossary_lenient: bool = GLOSSARY_LENIENT_OPT,
) -> None:
    """Repair translations: en is replaced by the fixed English (byte-identical when already
    right), the input kept in en_original, with terms and violations."""
    _enforce(pairs, glossary, out, fix=True, lenient=glossary_lenient)


@glossary_app.command("lint")
def lint_cmd(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[GLOSSARY.yaml...]", help="Glossary files (default: the shipped ones)."
        ),
    ] = None,
) -> None:
    """Report problems as FILE:LINE: message; exit 1 when there is any."""
    from kzparallel.glossary import default_glossary_dir
    from kzparallel.glossary.lint import lint_file

    files = [Path(p) for p in paths] if paths else sorted(default_glossary_dir().glob("*.yaml"))
    found = 0
    for f in files:
        problems = lint_file(f)
        for problem in problems:
            typer.echo(str(problem))
        found += len(problems)
    if found:
        warn(f"{found} problem{'s' if found != 1 else ''} in {len(files)} file(s)")
        raise typer.Exit(1)
    typer.echo(f"ok: {len(files)} file(s), no problems", err=True)


@glossary_app.command("import")
def import_cmd(
    source: str = typer.Argument(
        ..., metavar="SOURCE", help="A .csv/.tsv (DeepL or Google/Amazon) or .tbx glossary."
    ),
    out: Path | None = OUT_OPT,
) -> None:
    """Convert a CSV/TSV/TBX glossary to kzparallel YAML."""
    from kzparallel.glossary.io import dump_yaml, load_glossary

    g = load_glossary(source)
    with _output(out) as fh:
        fh.write(dump_yaml(g))
    if out is not None:
        typer.echo(f"wrote {out} ({len(g)} entries)", err=True)


@glossary_app.command("export")
def export_cmd(
    out: Annotated[
        Path,
        typer.Argument(metavar="OUT", help="Output file: .tbx (TBX-Basic), .csv or .tsv, .yaml."),
    ],
    glossary: str | None = GLOSSARY_OPT,
    shape: str = typer.Option(
        "deepl", "--shape", help="Table shape: deepl (no header) or terminology (ar,en header)."
    ),
    glossary_lenient: bool = GLOSSARY_LENIENT_OPT,
) -> None:
    """Write the glossary as TBX-Basic, a DeepL or Google/Amazon table, or YAML."""
    from kzparallel.glossary.formats import SHAPES, export_glossary

    if shape not in SHAPES:
        raise typer.BadParameter(f"one of {', '.join(SHAPES)}", param_hint="--shape")
    from kzparallel.glossary_gate import load_checked_glossary

    g = load_checked_glossary(glossary, lenient=glossary_lenient, on_warning=warn)
    export_glossary(g, out, shape)
    typer.echo(f"wrote {out} ({len(g)} entries)", err=True)


@glossary_app.command("suggest")
def suggest_cmd(
    inputs: Annotated[
        list[str],
        typer.Argument(
            metavar="INPUT...",
            help="Articles (files, folders) or pairs: a build's pairs.jsonl (or its folder), "
            "JSON lines with ar and en from any system.",
        ),
    ],
    model: str = typer.Option(
        DEFAULT_MODEL_ID,
        "--model",
        "-m",
        help="Model that translates the articles (Hub id, directory, or demo); "
        "pairs are read as they are.",
    ),
    glossary: str | None = GLOSSARY_OPT,
    min_count: int = typer.Option(2, "--min-count", min=1, help="Mentions a name needs."),
    out: Path | None = OUT_OPT,
    backend: str = typer.Option("auto", "--backend", help="auto | transformers | ctranslate2."),
    cache_dir: Path | None = SUGGEST_CACHE_OPT,
    glossary_lenient: bool = GLOSSARY_LENIENT_OPT,
) -> None:
    """Propose glossary entries (YAML) for the names the glossary does not cover: their
    Arabic variants, every English rendering with its count, a type guess, en = the most
    frequent rendering and forbidden = the other spellings of it."""
    from kzparallel.glossary.io import dump_yaml
    from kzparallel.glossary.suggest import suggest
    from kzparallel.glossary_gate import load_checked_glossary
    from kzparallel.suggest_input import suggest_records

    g = load_checked_glossary(glossary, lenient=glossary_lenient, on_warning=warn)
    problems = Problems(echo=warn_skipped)
    records, source = suggest_records(
        inputs,
        model=model,
        glossary=glossary,
        backend=backend,
        cache_dir=str(cache_dir) if cache_dir else None,
        on_error=problems.report,
    )
    if source.without_attention:
        warn(
            f"the model returned no cross-attention for {source.without_attention} "
            "sentence(s): their names are linked by sound only"
        )
    found = suggest(records, g, min_count=min_count)
    header = (
        f"# kzparallel glossary suggest: {len(found.concepts)} candidate entries from "
        f"{found.pairs} pairs; check each before merging it into a glossary\n"
    )
    with _output(out) as fh:
        fh.write(header + dump_yaml(found.to_glossary()))
    linked = ", ".join(f"{n} by {how}" for how, n in sorted(found.how.items())) or "none"
    summary = (
        f"{len(found.concepts)} candidate entries from {found.pairs} pairs "
        f"(name mentions linked: {linked})"
    )
    if problems:
        summary += f", {source.skipped} malformed lines skipped"
    typer.echo(summary, err=True)
    if problems:
        raise typer.Exit(EXIT_SKIPPED)
