"""``kzparallel build`` on bad input: one-line errors or per-document warnings,
never a traceback, never a lost good document.

The per-file cases share one build (every bad file beside good seed articles);
each case then checks its own warning and what it left in ``pairs.jsonl``. The
out-dir, glossary and disk cases are builds of their own.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kzparallel.cleaning import clean_document
from kzparallel.records import Document
from kzparallel.segmentation import segment_document

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_0 = (SEEDS / "000_2c12d225e0c03558.txt").read_text(encoding="utf-8")  # fits Windows-1256
SEED_3 = (SEEDS / "003_a7048d873e8d821e.txt").read_text(encoding="utf-8")
GOOD = SEEDS / "004_4496b14b8fd8a434.txt"
FAST = ("--backend", "transformers", "--max-new-tokens", "8", "--beam", "1")

Run = Callable[..., tuple[int, str, str]]


def _bad_utf8() -> tuple[bytes, str]:
    """Seed 3 with two invalid bytes before its first space after byte 200."""
    raw = SEED_3.encode("utf-8")
    i = raw.index(b" ", 200)
    return raw[:i] + b"\xff\xfe" + raw[i:], raw[:i].decode() + "\ufffd\ufffd" + raw[i:].decode()


MIXED = (
    "قال المتحدث باسم Reuters إن الاجتماع سيعقد في London يوم الاثنين.\n\n"
    "The meeting was confirmed. وأكد الوزير ذلك.\n"
)
JSONL_LINES = [
    json.dumps({"id": "rec-ok1", "text": "قال الوزير إن الاجتماع سيعقد غدا."}, ensure_ascii=False),
    "{not json",
    "[1, 2]",
    json.dumps({"title": "بلا نص"}, ensure_ascii=False),
    json.dumps({"text": "English only, no Arabic."}),
    "",
    json.dumps({"id": "rec-ok2", "text": "وأكد المتحدث ذلك."}, ensure_ascii=False),
]
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)) * 4


@dataclass(frozen=True)
class Case:
    name: str  # file name in the input folder (its stem is the doc_id)
    data: bytes
    warnings: tuple[str, ...]  # stderr lines, ``{f}`` = the file's path
    kept: dict[str, str]  # doc_id -> the Unicode text its pairs must come from


BAD_UTF8, BAD_UTF8_TEXT = _bad_utf8()
CASES = [
    Case("a_empty.txt", b"", ("warning: skipped {f}: file is empty",), {}),
    Case("b_blank.txt", b" \n\t\n", ("warning: skipped {f}: file is empty",), {}),
    Case("c_png.txt", PNG, ("warning: skipped {f}: binary file (not text)",), {}),
    Case(
        "d_nul.txt",
        b"\x00" * 64 + "نص عربي".encode() + b"\x00" * 64,
        ("warning: skipped {f}: binary file (not text)",),
        {},
    ),
    # kept: a mature reader keeps the article and says which file lost bytes
    Case(
        "e_bad_utf8.txt",
        BAD_UTF8,
        ("warning: {f}: invalid UTF-8, 2 bytes replaced with U+FFFD",),
        {"e_bad_utf8": BAD_UTF8_TEXT},
    ),
    Case("f_cp1256.txt", SEED_0.encode("cp1256"), (), {"f_cp1256": SEED_0}),
    Case(
        "g_utf16le_bom.txt",
        codecs.BOM_UTF16_LE + SEED_3.encode("utf-16-le"),
        (),
        {"g_utf16le_bom": SEED_3},
    ),
    Case(
        "h_utf16be_bom.txt",
        codecs.BOM_UTF16_BE + SEED_3.encode("utf-16-be"),
        (),
        {"h_utf16be_bom": SEED_3},
    ),
    Case("i_utf16le.txt", SEED_3.encode("utf-16-le"), (), {"i_utf16le": SEED_3}),
    Case("j_utf16be.txt", SEED_3.encode("utf-16-be"), (), {"j_utf16be": SEED_3}),
    Case(
        "k_english.txt",
        b"An English article.\n\nIt has no Arabic at all.\n",
        ("warning: skipped {f}: no Arabic text",),
        {},
    ),
    Case("l_mixed.txt", MIXED.encode(), (), {"l_mixed": MIXED}),
    Case(
        "m_records.jsonl",
        ("\n".join(JSONL_LINES) + "\n").encode(),
        (
            "warning: skipped {f}: line 2: invalid JSON",
            "warning: skipped {f}: line 3: not a JSON object",
            'warning: skipped {f}: line 4: no "text" field',
            "warning: skipped {f}: line 5: no Arabic text",
        ),
        {
            "rec-ok1": json.loads(JSONL_LINES[0])["text"],
            "rec-ok2": json.loads(JSONL_LINES[6])["text"],
        },
    ),
    Case("z_good.txt", GOOD.read_bytes(), (), {"z_good": GOOD.read_text(encoding="utf-8")}),
]


def expected_segments(text: str) -> list[str]:
    """The Arabic sentences the pipeline makes from ``text`` read correctly."""
    doc = clean_document(Document(doc_id="x", source="x", text=text))
    return [s.text for s in segment_document(doc)]


def read_pairs(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "pairs.jsonl").read_text("utf-8").splitlines()]


@pytest.fixture(scope="module")
def bad_build(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from kzparallel.cli import main

    root = tmp_path_factory.mktemp("bad-input")
    inputs = root / "in"
    inputs.mkdir()
    for case in CASES:
        (inputs / case.name).write_bytes(case.data)
    out = root / "out"
    # capsys is function-scoped: a module-scoped build captures by hand
    with (
        open(root / "stdout", "w") as so,
        open(root / "stderr", "w") as se,
        contextlib.redirect_stdout(so),
        contextlib.redirect_stderr(se),
    ):
        try:
            main(["build", str(inputs), "--out", str(out), "--model", str(tiny_model),
                  *FAST, "--cache-dir", str(root / "cache")])  # fmt: skip
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return {
        "inputs": inputs,
        "out": out,
        "code": code,
        "stdout": (root / "stdout").read_text(),
        "stderr": (root / "stderr").read_text(),
        "pairs": read_pairs(out),
    }


def test_whole_batch_warnings_in_order_and_exit_code(bad_build: dict[str, Any]) -> None:
    inputs, out = bad_build["inputs"], bad_build["out"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    expected = [w.format(f=inputs / c.name) for c in CASES for w in c.warnings]
    # the same article in several encodings: near-copies, one cluster (and one split)
    clusters = {d["cluster"] for d in manifest["documents"]}
    empty = [s for s in ("validation", "test") if s not in manifest["counts"]["splits"]["rows"]]
    assert len(clusters) < len(manifest["documents"]) and len(empty) == 1
    expected.append(
        f"warning: no document is in {empty[0]}: {len(clusters)} cluster(s) are too few for "
        "ratios 0.8,0.1,0.1 (each cluster's split is drawn from a hash of its id, so a small "
        "corpus can leave a split empty)"
    )
    skipped = len(manifest["counts"]["skipped"])
    expected.append(f"warning: {skipped} of {skipped + len(manifest['documents'])} inputs skipped")
    assert bad_build["stderr"].splitlines() == expected
    assert "Traceback" not in bad_build["stderr"]
    assert bad_build["code"] == 3  # done, something was skipped
    pairs = bad_build["pairs"]
    kept = [doc for c in CASES for doc in c.kept]
    assert list(dict.fromkeys(p["doc_id"] for p in pairs)) == kept  # input order
    splits = manifest["counts"]["splits"]
    split_text = ", ".join(f"{k} {v}" for k, v in splits["rows"].items())
    repeats = sum(1 for p in pairs if p["duplicate_of"])
    assert repeats == manifest["counts"]["corpus"]["duplicates_left_out"] > 0
    assert sum(splits["rows"].values()) == len(pairs) - repeats
    assert bad_build["stdout"] == (
        f"{len(kept)} documents, {len(pairs)} pairs ({split_text}, {repeats} repeated "
        f"sentences left out), {manifest['counts']['flagged']} flagged -> {out}\n"
    )
    assert [s.split(": ", 1)[0] for s in manifest["counts"]["skipped"]] == [
        str(inputs / c.name) for c in CASES for w in c.warnings if "skipped" in w
    ]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_output(case: Case, bad_build: dict[str, Any]) -> None:
    """Each kept document's pairs are exactly the sentences of its correctly
    decoded text (an encoding read wrongly gives other Arabic); a skipped file
    leaves nothing."""
    stem = Path(case.name).stem
    by_doc: dict[str, list[str]] = {}
    for p in bad_build["pairs"]:
        by_doc.setdefault(p["doc_id"], []).append(p["ar"])
    for doc_id, text in case.kept.items():
        assert by_doc[doc_id] == expected_segments(text)
    if not case.kept:
        assert stem not in by_doc
    if case.name == "l_mixed.txt":
        assert "Reuters" in by_doc["l_mixed"][0]
    if case.name == "e_bad_utf8.txt":
        assert sum(ar.count("\ufffd") for ar in by_doc["e_bad_utf8"]) == 2
    assert (bad_build["out"] / "en" / f"{stem}.txt").is_file() == (stem in case.kept)


def test_5mb_single_line(cli: Run, tiny_model: Path, tmp_path: Path) -> None:
    """A 5 MB file on one line (the seeds' text repeated) is segmented, not
    hung on or truncated: the Arabic of the pairs covers the cleaned text."""
    body = " ".join(
        " ".join(p.read_text(encoding="utf-8").split()) for p in sorted(SEEDS.glob("*.txt"))
    )
    line = body
    while len(line.encode("utf-8")) < 5 * 1024 * 1024:
        line += " " + body
    big = tmp_path / "big.txt"
    big.write_text(line + "\n", encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, stderr = cli(
        "build", str(big), "--out", str(out), "--model", str(tiny_model), *FAST,
        "--no-glossary", "--cache-dir", str(tmp_path / "cache"),
    )  # fmt: skip
    assert code == 0, stderr
    assert stderr == (
        "warning: no document is in validation or test: 1 cluster(s) are too few for ratios "
        "0.8,0.1,0.1 (each cluster's split is drawn from a hash of its id, so a small corpus "
        "can leave a split empty)\n"
    )
    pairs = read_pairs(out)
    cleaned = clean_document(Document(doc_id="big", source=str(big), text=line))
    assert "".join("".join(p["ar"].split()) for p in pairs) == "".join(
        "".join(b.split()) for b in cleaned.blocks()
    )
    assert len(pairs) > 10_000  # sentences, not one piece per model window
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    flagged = manifest["counts"]["flagged"]
    # the seeds repeated: every sentence after the first copy is a repeat, left out
    repeats = sum(1 for p in pairs if p["duplicate_of"])
    assert repeats == len(pairs) - manifest["counts"]["corpus"]["distinct_sentences"] > 10_000
    assert stdout == (
        f"1 documents, {len(pairs)} pairs (train {len(pairs) - repeats}, {repeats} repeated "
        f"sentences left out), {flagged} flagged -> {out}\n"
    )


# -- one-line errors: glossary, out dir, disk ---------------------------------------


def _build(cli: Run, model: Path, tmp_path: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    return cli(
        "build", str(GOOD), "--out", str(out), "--model", str(model), *FAST,
        "--cache-dir", str(tmp_path / "cache"), *extra,
    )  # fmt: skip


def test_glossary_with_errors(cli: Run, tiny_model: Path, tmp_path: Path) -> None:
    glossary = tmp_path / "terms.yaml"
    glossary.write_text("entries:\n  - {id: x, ar: [ألماتي]}\n", encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, stderr = _build(cli, tiny_model, tmp_path, out, "--glossary", str(glossary))
    assert (code, stdout) == (1, "")
    assert stderr == f"error: {glossary}: line 2: entry 'x' has no 'en'\n"
    assert not out.exists()  # nothing written


def _writes_despite_mode(d: Path) -> bool:
    try:
        (d / "probe").write_bytes(b"")
    except PermissionError:
        return False
    (d / "probe").unlink()
    return True


@pytest.mark.parametrize("where", ["read-only-parent", "under-a-file"])
def test_unwritable_out_dir(cli: Run, tiny_model: Path, tmp_path: Path, where: str) -> None:
    parent = tmp_path / "parent"
    parent.mkdir()
    if where == "under-a-file":
        (tmp_path / "file").write_text("x")
        out, reason = tmp_path / "file" / "out", "Not a directory"
    else:
        parent.chmod(0o500)
        if _writes_despite_mode(parent):  # root ignores the mode: a path in /proc can't be made
            out, reason = Path("/proc/kzparallel-test-out"), "No such file or directory"
        else:
            out, reason = parent / "out", "Permission denied"
    try:
        code, stdout, stderr = _build(cli, tiny_model, tmp_path, out)
    finally:
        parent.chmod(0o700)
    assert (code, stdout) == (1, "")
    assert stderr == f"error: {out}: cannot write the output directory ({reason})\n"
    assert not out.exists()


@pytest.fixture()
def small_tmpfs(tmp_path: Path) -> Callable[[str], Path]:
    mounted: list[Path] = []

    def mount(size: str) -> Path:
        d = tmp_path / f"tmpfs-{size}"
        d.mkdir()
        proc = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(d)],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here ({proc.stderr.strip() or proc.returncode})")
        mounted.append(d)
        return d

    yield mount  # type: ignore[misc]
    for d in mounted:
        subprocess.run(["umount", str(d)], check=False)


@pytest.mark.parametrize("size", ["16k", "64k"])  # full while staging pairs / after pairs.jsonl
def test_full_disk(
    cli: Run, tiny_model: Path, tmp_path: Path, small_tmpfs: Callable[[str], Path], size: str
) -> None:
    out = small_tmpfs(size) / "out"
    code, stdout, stderr = _build(cli, tiny_model, tmp_path, out, "--no-glossary")
    assert (code, stdout) == (1, "")
    assert stderr == (
        f"error: {out}: no space left on device while writing the outputs (build incomplete; "
        "run it again when fixed: the translations are cached)\n"
    )
    left = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    assert "manifest.json" not in left  # never looks complete
    assert not [p for p in left if p.startswith(".") or "/." in p]  # no temp files left behind
    if "pairs.jsonl" in left:  # renamed into place only when whole
        lines = (out / "pairs.jsonl").read_text(encoding="utf-8").splitlines()
        assert [json.loads(x)["doc_id"] for x in lines] == ["004_4496b14b8fd8a434"] * len(lines)
        assert len(lines) == len(expected_segments(GOOD.read_text(encoding="utf-8")))
    if size == "16k":
        assert left == []  # pairs.jsonl alone is bigger than the disk


def test_out_dir_of_another_model(cli: Run, tiny_model: Path, tmp_path: Path) -> None:
    """CLI side of tests/test_build.py::test_out_dir_of_another_model_is_refused,
    and --force: refused untouched, then rebuilt."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text(
        json.dumps({"model": {"id": "Helsinki-NLP/opus-mt-ar-en", "revision": "0123456789abcdef"}}),
        encoding="utf-8",
    )
    (out / "pairs.jsonl").write_text("old\n", encoding="utf-8")
    code, stdout, stderr = _build(cli, tiny_model, tmp_path, out, "--no-glossary")
    assert (code, stdout) == (1, "")
    from kzparallel.translation import resolve_model

    ours = resolve_model(str(tiny_model))
    assert stderr == (
        f"error: {out}: was built with model Helsinki-NLP/opus-mt-ar-en@0123456789ab, not "
        f"{ours.model_id}@{ours.revision[:12]}; use --force to overwrite it or choose another "
        "--out\n"
    )
    assert len(stderr.splitlines()) == 1
    assert (out / "pairs.jsonl").read_text(encoding="utf-8") == "old\n"

    code, stdout, stderr = _build(cli, tiny_model, tmp_path, out, "--no-glossary", "--force")
    assert code == 0, stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["model"]["id"] == tiny_model.name
    assert read_pairs(out)[0]["doc_id"] == "004_4496b14b8fd8a434"
    assert os.stat(out / "pairs.jsonl").st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_same_doc_id_twice_keeps_one(cli: Run, tiny_model: Path, tmp_path: Path) -> None:
    """Two files named alike in two folders, and one file given twice: one article
    per doc_id, the same one whatever the argument order, and a warning each."""
    a, b = tmp_path / "a", tmp_path / "b"
    for d, text in ((a, MIXED), (b, "وأكد الوزير أن الاجتماع سيعقد غدا.\n")):
        d.mkdir()
        (d / "x.txt").write_text(text, encoding="utf-8")
    runs = []
    for order in ([b, a, GOOD], [GOOD, a, b]):
        out = tmp_path / f"out-{len(runs)}"
        code, stdout, stderr = cli(
            "build", *map(str, order), str(GOOD), "--out", str(out), "--model", str(tiny_model),
            *FAST, "--cache-dir", str(tmp_path / "cache"),
        )  # fmt: skip
        assert code == 3
        assert stdout.startswith("2 documents, ")
        assert stderr.splitlines() == [  # in doc_id order, once every input is read
            f"warning: skipped {GOOD}: given twice (built once)",
            f"warning: skipped {b / 'x.txt'}: doc_id 'x' is also the id of {a / 'x.txt'} (kept)",
            "warning: no document is in train: 2 cluster(s) are too few for ratios 0.8,0.1,0.1"
            " (each cluster's split is drawn from a hash of its id, so a small corpus can leave"
            " a split empty)",
            "warning: 2 of 4 inputs skipped",
        ]
        runs.append(
            {p.name: p.read_bytes() for p in [out / "pairs.jsonl", *(out / "en").iterdir()]}
        )
    assert runs[0] == runs[1]
    assert runs[0]["x.txt"].decode().count("\n\n") == 1  # a/x.txt: two paragraphs
