"""Model resolution: local directories, revisions, offline and missing models."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kzparallel.errors import ModelError
from kzparallel.translation import (
    BACKENDS,
    backend_class,
    load_translator,
    prepare_translator,
    resolve_backend,
    resolve_model,
)
from kzparallel.translation.model import local_revision


def test_local_model_resolves_without_loading(tiny_model: Path, cache_dir: Path) -> None:
    ref = resolve_model(str(tiny_model))
    assert ref.model_id == tiny_model.name  # its name, never its path
    assert ref.path == tiny_model.resolve()
    assert len(ref.revision) == 12
    assert resolve_model(str(tiny_model)).revision == ref.revision


def test_revision_is_a_hash_of_the_files_and_cached(
    tiny_model: Path, tmp_path: Path, cache_dir: Path
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(tiny_model, copy)
    rev = local_revision(copy)
    assert rev == local_revision(tiny_model)  # same files, same revision
    known = json.loads((cache_dir / "file-hashes.json").read_text(encoding="utf-8"))
    assert any(k.startswith(f"{(copy / 'model.safetensors').resolve()}|") for k in known)
    cfg = json.loads((copy / "config.json").read_text(encoding="utf-8"))
    cfg["d_model"] = cfg["d_model"]  # same content rewritten: mtime changes, hash does not
    (copy / "config.json").write_text(json.dumps(cfg), encoding="utf-8")
    rev2 = local_revision(copy)
    (copy / "vocab.json").write_text("{}", encoding="utf-8")
    assert local_revision(copy) != rev2
    assert rev != rev2  # config.json bytes changed (formatting)


def test_missing_directory_message(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(ModelError) as err:
        resolve_model(str(missing))
    assert str(err.value) == (
        f"model directory '{missing}' does not exist: download it with "
        f"`hf download Helsinki-NLP/opus-mt-ar-en --local-dir {missing}` (older "
        "huggingface_hub: `huggingface-cli download`) "
        f"and pass --model {missing}"
    )


def test_hub_model_offline_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    with pytest.raises(ModelError) as err:
        resolve_model("Helsinki-NLP/opus-mt-ar-en")
    assert str(err.value) == (
        "model 'Helsinki-NLP/opus-mt-ar-en' is not available offline: download it with "
        "`hf download Helsinki-NLP/opus-mt-ar-en --local-dir DIR` (older "
        "huggingface_hub: `huggingface-cli download`) and pass --model DIR"
    )


def test_hub_model_found_in_local_hub_cache(
    tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub = tmp_path / "hub"
    commit = "0123456789abcdef0123456789abcdef01234567"
    repo = hub / "models--Helsinki-NLP--opus-mt-ar-en"
    snap = repo / "snapshots" / commit
    shutil.copytree(tiny_model, snap)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(hub))
    ref = resolve_model("Helsinki-NLP/opus-mt-ar-en")
    assert (ref.model_id, ref.revision, ref.path) == ("Helsinki-NLP/opus-mt-ar-en", commit, snap)


def test_directory_that_is_not_a_model(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ModelError) as err:
        resolve_model(str(tmp_path))
    assert str(err.value) == (
        f"model directory '{tmp_path}' is not a MarianMT model: missing source.spm, "
        "target.spm, vocab.json, model.safetensors or pytorch_model.bin"
    )


def test_backend_registry_is_lazy() -> None:
    assert BACKENDS == {
        "transformers": "kzparallel.translation.transformers:TransformersTranslator",
        "ctranslate2": "kzparallel.translation.ctranslate2:CTranslate2Translator",
    }
    assert backend_class("ctranslate2").__name__ == "CTranslate2Translator"
    assert backend_class("transformers").name == "transformers"


def test_unknown_backend() -> None:
    with pytest.raises(ModelError) as err:
        resolve_backend("marian")
    assert str(err.value) == "unknown backend 'marian' (choose auto, transformers, ctranslate2)"


def test_quantization_only_for_ctranslate2(tiny_model: Path, cache_dir: Path) -> None:
    with pytest.raises(ModelError) as err:
        load_translator(str(tiny_model), backend="transformers", quantization="int8")
    assert str(err.value) == "quantization is only supported by the ctranslate2 backend"


def test_bad_quantization_for_cpu(tiny_model: Path, cache_dir: Path) -> None:
    spec = prepare_translator(
        str(tiny_model), backend="ctranslate2", device="cpu", quantization="float16"
    )
    with pytest.raises(ModelError) as err:
        spec.load()
    assert str(err.value) == (
        "quantization 'float16' is not supported on cpu (choose from int8, int8_float32, int16, float32)"
    )
