"""Core plumbing: records, atomic writes, provenance, CLI error handling."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kzparallel import __version__
from kzparallel.atomic import atomic_directory, atomic_open, atomic_write_text
from kzparallel.errors import InputError, KzError, Problems
from kzparallel.provenance import Signature
from kzparallel.records import Document, Pair, Segment, pair_id


def test_pair_id_is_stable_and_position_sensitive() -> None:
    a = pair_id("doc", 1, 0, "نص")
    assert a == pair_id("doc", 1, 0, "نص")
    assert len(a) == 16
    assert (
        len(
            {a, pair_id("doc", 1, 1, "نص"), pair_id("doc", 2, 0, "نص"), pair_id("doc2", 1, 0, "نص")}
        )
        == 4
    )


def test_records_round_trip_through_dicts() -> None:
    seg = Segment("d", 2, 1, "جملة.", 10, 15)
    assert Segment.from_dict(seg.to_dict()) == seg
    pair = Pair.from_segment(seg, en="A sentence.", score=-0.5, qa=["length-ratio"])
    assert pair.en_mt == "A sentence."
    assert pair.id == pair_id("d", 2, 1, "جملة.")
    assert Pair.from_dict(pair.to_dict()) == pair
    doc = Document("d", "d.txt", title="عنوان", paragraphs=["فقرة"])
    assert doc.blocks() == ["عنوان", "فقرة"]
    assert Document.from_dict(doc.to_dict()) == doc


def test_input_error_message_names_source_and_reason() -> None:
    err = InputError("seeds/x.txt", "empty file")
    assert str(err) == "seeds/x.txt: empty file"
    assert str(KzError("two\nlines")) == "two lines"
    problems = Problems()
    problems.report(err)
    assert len(problems) == 1 and problems


def test_atomic_open_leaves_no_partial_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with pytest.raises(RuntimeError), atomic_open(target) as fh:
        fh.write("half")
        raise RuntimeError("crash")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []
    atomic_write_text(target, "whole\n")
    assert target.read_text() == "whole\n"


def test_atomic_directory_replaces_only_when_complete(tmp_path: Path) -> None:
    target = tmp_path / "ds"
    with atomic_directory(target) as d:
        (d / "a").write_text("1")
    with pytest.raises(RuntimeError), atomic_directory(target) as d:
        (d / "a").write_text("2")
        raise RuntimeError("crash")
    assert (target / "a").read_text() == "1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ds"]


def test_signature_string() -> None:
    sig = Signature(
        "Helsinki-NLP/opus-mt-ar-en",
        "0123456789abcdef",
        "ctranslate2-int8",
        {"beam": 4},
        "abc",
        "9.9",
    )
    assert str(sig) == (
        "model:Helsinki-NLP/opus-mt-ar-en@0123456789ab|backend:ctranslate2-int8|beam:4|glossary:abc|kzparallel:9.9"
    )


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kzparallel", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "100"},
    )


def test_cli_version() -> None:
    r = _cli("--version")
    assert (r.returncode, r.stdout, r.stderr) == (0, f"kzparallel {__version__}\n", "")
