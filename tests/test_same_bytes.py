"""The same bytes on any machine: one model copied to two folders gives
byte-identical outputs (``pairs.jsonl``, ``en/``, ``dataset/`` with its card,
the TMX export, the manifest's signature), and no output names the path the
model was loaded from (the signature names a local model by its directory's
name and the hash of its files)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import Cli

ROOT = Path(__file__).resolve().parent.parent
GOOD = ROOT / "seeds" / "004_4496b14b8fd8a434.txt"
FAST = ("--backend", "transformers", "--max-new-tokens", "8", "--beam", "1", "--no-glossary")


def files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def test_one_model_in_two_folders_gives_the_same_bytes(
    cli: Cli, tiny_model: Path, tmp_path: Path
) -> None:
    builds = {}
    for where in ("first/models/tiny", "second/elsewhere/deeper/tiny"):
        model = tmp_path / where
        shutil.copytree(tiny_model, model)
        out = tmp_path / where.split("/")[0] / "out"
        code, _, err = cli(
            "build", str(GOOD), "--out", str(out), "--model", str(model), *FAST,
            "--cache-dir", str(out.parent / "cache"),  # each translates afresh
        )  # fmt: skip
        assert code == 0, err
        code, _, err = cli(
            "export", str(out), "--format", "tmx", "--out", str(out.parent / "x.tmx")
        )
        assert code == 0, err
        builds[model] = out
    (model_a, a), (model_b, b) = builds.items()
    for name in ("pairs.jsonl",):
        assert (a / name).read_bytes() == (b / name).read_bytes()
    for folder in ("en", "dataset"):
        left, right = files(a / folder), files(b / folder)
        assert sorted(left) == sorted(right)
        assert left == right, folder
    assert (a.parent / "x.tmx").read_bytes() == (b.parent / "x.tmx").read_bytes()
    sig_a = json.loads((a / "manifest.json").read_text(encoding="utf-8"))["signature"]
    sig_b = json.loads((b / "manifest.json").read_text(encoding="utf-8"))["signature"]
    assert sig_a == sig_b
    assert sig_a.startswith("model:tiny@")
    for out, model in ((a, model_a), (b, model_b)):
        shown = [out / "pairs.jsonl", out.parent / "x.tmx", *(out / "dataset").rglob("*.*")]
        for path in shown:
            assert str(model).encode() not in path.read_bytes(), path
            assert str(tmp_path).encode() not in path.read_bytes(), path
