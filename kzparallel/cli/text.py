"""``kzparallel clean`` and ``kzparallel segment``: cleaned articles and their sentences."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path

import typer

from kzparallel.cli.app import app
from kzparallel.cli.output import end_of_batch, warn, warn_skipped
from kzparallel.errors import InputError, KzError, Problems
from kzparallel.input_files import parse_size
from kzparallel.records import Document

PATHS_ARG = typer.Argument(
    ..., metavar="PATH", help="Article files (.txt, .html, .jsonl), directories, or - (stdin)."
)
MAX_FILE_SIZE_HELP = (
    "Skip input files larger than this (64M, 500K, 1G or bytes; a .jsonl file may be "
    "any size, each of its records at most this)."
)


def check_size(value: str) -> str:
    """``--max-file-size``: a size that does not parse is a usage error (exit 2)."""
    try:
        parse_size(value)
    except KzError as exc:
        raise typer.BadParameter(str(exc).split(": ", 1)[1]) from None
    return value


MAX_FILE_SIZE_OPT = typer.Option(
    "64M", "--max-file-size", help=MAX_FILE_SIZE_HELP, callback=check_size
)


class Format(str, Enum):
    text = "text"
    json = "json"


FORMAT_OPT = typer.Option(Format.text, "--format", help="text, or json (one JSON object per line).")


def _multi(paths: list[str]) -> bool:
    """Several documents may come out: then each is preceded by ``# <doc_id>``."""
    return len(paths) > 1 or any(
        p != "-" and (Path(p).is_dir() or Path(p).suffix.lower() == ".jsonl") for p in paths
    )


def _documents(
    paths: list[str], clean: bool, problems: Problems, max_file_size: str
) -> Iterator[Document]:
    """Read (and clean) the documents; a single bad file raises, a batch reports and skips."""
    from kzparallel.cleaning import clean_document
    from kzparallel.ingest import IngestStats, RecordError, read_documents, replaced_bytes

    limit = parse_size(max_file_size)

    stats = IngestStats()
    warned: set[str] = set()
    # with one PATH, a problem with that path itself is the command's error (exit 1)
    own = {"<stdin>" if paths[0] == "-" else str(Path(paths[0]))} if len(paths) == 1 else set()

    def on_error(err: InputError) -> None:
        if err.source in own and not isinstance(err, RecordError):
            raise err
        problems.report(err)

    done = 0
    for doc in read_documents(paths, on_error=on_error, stats=stats, max_file_size=limit):
        file = doc.source.rsplit(":", 1)[0] if doc.meta.get("format") == "jsonl" else doc.source
        if replaced_bytes(doc) and file not in warned:  # once per file, not per JSONL record
            warned.add(file)
            warn(f"{file}: invalid UTF-8, {replaced_bytes(doc)} bytes replaced with U+FFFD")
        if not clean:
            done += 1
            yield _lines_as_paragraphs(doc)
            continue
        cleaned = clean_document(doc)
        if not cleaned.blocks():
            err = InputError(doc.source, "no article text left after cleaning")
            if doc.meta.get("format") == "jsonl":
                stats.skipped_records += 1
            else:
                stats.skipped_files += 1
            on_error(err)
            continue
        done += 1
        yield cleaned
    end_of_batch(len(problems), done, stats.summary() or f"{len(problems)} inputs skipped")


def _lines_as_paragraphs(doc: Document) -> Document:
    """``--no-clean``: every non-empty input line is one paragraph, as written."""
    paragraphs = [line for line in doc.text.split("\n") if line.strip()]
    return Document(doc.doc_id, doc.source, doc.text, None, paragraphs, encoding=doc.encoding)


def _with_header(n: int, doc_id: str, multi: bool, body: str) -> str:
    """``# <doc_id>`` line before each document when there may be several, and an
    empty line between documents."""
    return ("\n" if n else "") + (f"# {doc_id}\n" if multi else "") + body


def _dump(obj: dict[str, object]) -> str:
    return json.dumps(obj, ensure_ascii=False)


@app.command("clean")
def clean_cmd(
    paths: list[str] = PATHS_ARG,
    explain: bool = typer.Option(
        False, "--explain", help="List each dropped line with its rule on stderr."
    ),
    fmt: Format = FORMAT_OPT,
    max_file_size: str = MAX_FILE_SIZE_OPT,
) -> None:
    """Print the cleaned article(s): title line, empty line, paragraphs separated by one
    empty line (with several inputs each is preceded by '# <doc_id>')."""
    from kzparallel.cleaning import explain_lines

    problems = Problems(echo=warn_skipped)
    multi = _multi(paths)
    for n, doc in enumerate(_documents(paths, True, problems, max_file_size)):
        if n and fmt is Format.text:
            typer.echo("")  # the empty line after the previous article, before explaining
        if explain and (multi or doc.decisions):
            # stdout and stderr share a terminal: what the article wrote must be out
            # before the explanation starts, so that each starts on a line of its own
            sys.stdout.flush()
            head = [f"# {doc.doc_id}"] if multi else []
            typer.echo("\n".join(head + explain_lines(doc)), err=True)
        if fmt is Format.json:
            rows = [
                _dump(
                    {
                        "doc_id": doc.doc_id,
                        "para": i,
                        "text": t,
                        "title": i == 0 and bool(doc.title),
                    }
                )
                for i, t in enumerate(doc.blocks())
            ]
            typer.echo("\n".join(rows))
            continue
        typer.echo(_with_header(0, doc.doc_id, multi, "\n\n".join(doc.blocks())))


@app.command("segment")
def segment_cmd(
    paths: list[str] = PATHS_ARG,
    no_clean: bool = typer.Option(
        False, "--no-clean", help="Do not clean: each input line is one paragraph."
    ),
    fmt: Format = FORMAT_OPT,
    max_file_size: str = MAX_FILE_SIZE_OPT,
) -> None:
    """Print one sentence per line, an empty line between paragraphs (with several inputs
    each article is preceded by '# <doc_id>')."""
    from kzparallel.segmentation import segment_document

    problems = Problems(echo=warn_skipped)
    multi = _multi(paths)
    for n, doc in enumerate(_documents(paths, not no_clean, problems, max_file_size)):
        segments = segment_document(doc)
        if fmt is Format.json:
            rows = [
                _dump(
                    {
                        "doc_id": s.doc_id,
                        "para": s.para,
                        "sent": s.sent,
                        "text": s.text,
                        "start": s.start,
                        "end": s.end,
                    }
                )
                for s in segments
            ]
            if rows:
                typer.echo("\n".join(rows))
            continue
        paragraphs: list[list[str]] = []
        last = None
        for s in segments:
            if s.para != last:
                paragraphs.append([])
                last = s.para
            paragraphs[-1].append(s.text)
        body = "\n\n".join("\n".join(p) for p in paragraphs)
        typer.echo(_with_header(n, doc.doc_id, multi, body))
