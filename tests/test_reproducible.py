"""The same inputs give the same bytes, whatever the engine, batch budget, number
of translators or Ray actors, read-ahead window, and the order the inputs are
given in.

A corpus of 60 perturbed copies of the seeds (about 1,700 sentences), the tiny
model, both backends. Small windows, budgets and Ray batches make every
configuration batch the sentences differently; several output shards per split
make the Ray tasks write pieces the driver joins. Every build starts from a
fresh cache, so every sentence is translated each time. One build per
configuration, shared by the assertions; the (slower) transformers backend runs
the local reference, one budget, all the local variations at once, and Ray.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import Cli

from kzparallel.builder import BuildSettings, build
from kzparallel.testing import write_perturbed_corpus
from kzparallel.translation.base import available_cpus

pytestmark = pytest.mark.slow

DOCUMENTS = 60
# long enough decodes for today's near-ties: at beam 4 and 32 tokens the code before
# this test batched by padded length and per Ray block, and ctranslate2 gave other
# English for 12 sentences and other scores for 133 on the Ray engine (and 4/51 at
# --batch-tokens 256). transformers is slower: shorter decodes.
DECODING: dict[str, dict[str, Any]] = {
    "ctranslate2": {"beam": 4, "max_new_tokens": 32},
    "transformers": {"beam": 2, "max_new_tokens": 8},
}
BACKENDS = tuple(DECODING)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_perturbed_corpus(tmp_path_factory.mktemp("corpus"), DOCUMENTS)


def outputs(out: Path) -> dict[str, bytes]:
    """``pairs.jsonl``, ``en/`` and ``dataset/`` (parquet and card), byte for byte."""
    files = [out / "pairs.jsonl", *sorted((out / "en").iterdir())]
    files += sorted(p for p in (out / "dataset").rglob("*") if p.is_file())
    return {f.relative_to(out).as_posix(): f.read_bytes() for f in files}


WINDOW = 300  # segments per window where a configuration sets it (the default: 8,192)
SHARD_PAIRS = 500  # several output shards (the default: 50,000 pairs per shard)

# name -> (engine, engine options, batch tokens, read-ahead window, inputs reversed)
CONFIGS: dict[str, tuple[str, dict[str, int], int, int | None, bool]] = {
    "local": ("local", {}, 4096, None, False),
    "batch-256": ("local", {}, 256, None, False),
    "batch-1024": ("local", {}, 1024, WINDOW, False),
    "batch-16384": ("local", {}, 16384, None, False),
    "one-thread": ("local", {"num_workers": 1}, 4096, WINDOW, False),
    "reversed-inputs": ("local", {}, 4096, WINDOW, True),
    # all of the above at once: the transformers backend (slower) runs only this one
    "all-at-once": ("local", {"num_workers": 1}, 1024, WINDOW, True),
    "ray-1": ("ray", {"num_workers": 1}, 4096, None, False),
    # eight documents per actor call: windows of about 220 sentences, in several actors
    "ray-cores": ("ray", {"num_workers": available_cpus(), "docs_per_batch": 8}, 4096, None, False),
}
RUNS = {
    "ctranslate2": [n for n in CONFIGS if n != "all-at-once"],
    "transformers": ["local", "batch-256", "all-at-once", "ray-cores"],
}


@pytest.fixture(scope="module")
def builds(
    request: pytest.FixtureRequest,
    tiny_model: Path,
    corpus: list[Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[tuple[str, str], dict[str, Any]]:
    """Every configuration with both backends, each from a fresh cache."""
    from kzparallel import shards
    from kzparallel.translation import batching

    request.getfixturevalue("ray_local")
    root = tmp_path_factory.mktemp("builds")
    done: dict[tuple[str, str], dict[str, Any]] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(shards, "SHARD_PAIRS", SHARD_PAIRS)  # planned on the driver
        for backend in BACKENDS:
            for name in RUNS[backend]:
                engine, options, budget, window, reverse = CONFIGS[name]
                # the local engine reads its window here; Ray actors keep the default
                mp.setattr(batching, "DEFAULT_WINDOW", window or 8192)
                out, cache = root / f"{backend}-{name}", root / f"cache-{backend}-{name}"
                assert not cache.exists()  # everything is translated by this build
                result = build(
                    [str(p) for p in (reversed(corpus) if reverse else corpus)],
                    out,
                    BuildSettings(
                        model=str(tiny_model),
                        backend=backend,
                        batch_tokens=budget,
                        cache_dir=str(cache),
                        engine=engine,
                        engine_options=options,
                        **DECODING[backend],
                    ),
                )
                done[(backend, name)] = {"result": result, "files": outputs(out)}
    return done


@pytest.mark.parametrize(
    ("backend", "name"), [(b, n) for b in BACKENDS for n in RUNS[b] if n != "local"]
)
def test_same_bytes_as_the_local_build(
    builds: dict[tuple[str, str], dict[str, Any]], backend: str, name: str
) -> None:
    reference = builds[(backend, "local")]["files"]
    files = builds[(backend, name)]["files"]
    assert sorted(files) == sorted(reference)
    different = [f for f in reference if files[f] != reference[f]]
    assert different == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_corpus_is_big_enough_for_batches_to_differ(
    builds: dict[tuple[str, str], dict[str, Any]], backend: str
) -> None:
    """Several windows, several shards per split, output in doc_id order (the
    reversed inputs came out the same)."""
    files = builds[(backend, "local")]["files"]
    pairs = [json.loads(line) for line in files["pairs.jsonl"].splitlines()]
    assert len(pairs) > 5 * WINDOW
    doc_ids = list(dict.fromkeys(p["doc_id"] for p in pairs))
    assert len(doc_ids) == DOCUMENTS
    assert doc_ids == sorted(doc_ids)
    parquet = sorted(f for f in files if f.startswith("dataset/data/"))
    assert [f for f in parquet if f.startswith("dataset/data/train-")] == [
        f"dataset/data/train-{i:05d}-of-00004.parquet" for i in range(4)
    ]
    assert len(parquet) > 4  # validation and test files too


def test_translate_a_file_or_the_same_sentences_piped_alone(
    cli: Cli, tiny_model: Path, corpus: list[Path], tmp_path: Path
) -> None:
    """``kzparallel translate`` of articles gives, sentence for sentence, what the
    same sentences give piped in (all at once, or one per call). Without the
    glossary: its hints may depend on the article's date, which a piped
    sentence does not have (the builds above compare with the glossary)."""
    from kzparallel.builder import document_segments, prepared_documents
    from kzparallel.segmentation import segment_text

    files = corpus[:12]
    docs = [document_segments(d) for d in prepared_documents(files)]
    sentences = [s.text for segs in docs for s in segs]
    # a line is segmented again: the few titles that would come out as two
    # sentences ("... .. ...") are not the same input piped in
    whole = {t for t in sentences if [x.text for x in segment_text(t, doc_id="-", para=1)] == [t]}
    assert len(whole) > 0.95 * len(set(sentences))

    for backend in BACKENDS:
        args = ["--model", str(tiny_model), "--backend", backend, "--no-cache", "--no-glossary"]
        decoding = DECODING[backend]
        args += ["--beam", str(decoding["beam"])]
        args += ["--max-new-tokens", str(decoding["max_new_tokens"])]
        piped_in = "\n".join(sentences).encode() + b"\n"
        code, piped, _ = cli("translate", "-", *args, stdin=piped_in)
        assert code == 0
        english = dict(zip(sentences, piped.splitlines(), strict=True))

        # the articles: one line per paragraph, its sentences joined with a space
        articles = tmp_path / backend
        articles.mkdir()
        for f in files:
            (articles / f.name).write_bytes(f.read_bytes())
        code, out, _ = cli("translate", str(articles), *args)
        assert code == 0
        lines = iter(out.splitlines())
        compared = 0
        for segs in docs:
            paragraphs: dict[int, list[str]] = {}
            for seg in segs:
                paragraphs.setdefault(seg.para, []).append(seg.text)
            for texts in paragraphs.values():
                line = next(lines)
                if all(t in whole for t in texts):
                    assert line == " ".join(e for t in texts if (e := english[t])), texts
                    compared += 1
            assert next(lines, "") == ""  # a blank line between articles
        assert compared > 100

        # one sentence per call: alone in its batch
        for text in sorted(whole)[:: max(1, len(whole) // 10)]:
            code, alone, _ = cli("translate", "-", *args, stdin=text.encode() + b"\n")
            assert (code, alone) == (0, english[text] + "\n")
