"""Both backends through the same Translator interface, on the tiny MarianMT model."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from kzparallel.translation import (
    DecodingConfig,
    TermHints,
    Translator,
    available_backends,
    load_translator,
    prepare_translator,
    resolve_backend,
)
from kzparallel.translation.ctranslate2 import converted_dir

SENTENCES = [
    "أعلن الرئيس الكازاخستاني قاسم جومارت توكاييف حالة الطوارئ",
    "كازاخستان",
    "وصلت قوات حفظ السلام التابعة لمنظمة معاهدة الأمن الجماعي إلى ألماتي",
]
BACKENDS = ["transformers", "ctranslate2"]


@pytest.fixture(scope="module")
def backend_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    d = tmp_path_factory.mktemp("backend-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KZPARALLEL_CACHE_DIR", str(d))
        yield d


@pytest.fixture(scope="module")
def translators(tiny_model: Path, backend_cache: Path) -> dict[str, Translator]:
    return {
        "transformers": load_translator(str(tiny_model), backend="transformers", device="cpu"),
        "ctranslate2": load_translator(
            str(tiny_model), backend="ctranslate2", device="cpu", cache_dir=backend_cache
        ),
    }


def test_both_backends_installed() -> None:
    assert available_backends() == ["transformers", "ctranslate2"]
    assert resolve_backend("auto") == "ctranslate2"


def test_labels_known_before_loading(tiny_model: Path, backend_cache: Path) -> None:
    spec = prepare_translator(str(tiny_model), backend="ctranslate2", device="cpu")
    assert spec.label == "ctranslate2-int8"
    assert not spec.loaded
    spec = prepare_translator(str(tiny_model), backend="transformers", device="cpu")
    assert spec.label == "transformers-fp32"


@pytest.mark.parametrize("backend", BACKENDS)
def test_label_and_revision(translators: dict[str, Translator], backend: str) -> None:
    tr = translators[backend]
    assert (
        tr.backend_label
        == {"transformers": "transformers-fp32", "ctranslate2": "ctranslate2-int8"}[backend]
    )
    assert tr.revision == translators["transformers"].revision
    assert len(tr.revision) == 12


def test_same_source_tokens(translators: dict[str, Translator]) -> None:
    for s in SENTENCES:
        a = translators["transformers"].tokenize_source(s)
        b = translators["ctranslate2"].tokenize_source(s)
        assert a == b
        assert a[-1] == "</s>"
        assert translators["transformers"].count_tokens(s) == len(a)
        assert translators["ctranslate2"].count_tokens(s) == len(a)


@pytest.mark.parametrize("backend", BACKENDS)
def test_translate_one_result_per_input_in_order(
    translators: dict[str, Translator], backend: str
) -> None:
    tr = translators[backend]
    batch = tr.translate(SENTENCES, DecodingConfig(beam=2))
    alone = [tr.translate([s], DecodingConfig(beam=2))[0] for s in SENTENCES]
    assert len(batch) == len(SENTENCES)
    for s, b, a in zip(SENTENCES, batch, alone, strict=True):
        assert b.text == a.text
        assert b.text.strip()
        assert b.src_tokens == tr.tokenize_source(s)


@pytest.mark.parametrize("backend", BACKENDS)
def test_nbest_and_attention_shapes(translators: dict[str, Translator], backend: str) -> None:
    tr = translators[backend]
    res = tr.translate(SENTENCES, DecodingConfig(beam=4, nbest=3, return_alignment=True))
    for src, t in zip(SENTENCES, res, strict=True):
        assert len(t.hypotheses) == 3
        scores = [h.score for h in t.hypotheses]
        # best first; the transformers backend rescores hypotheses in one full
        # forward pass, which differs from the incremental beam scores by float noise
        assert all(a >= b - 1e-3 for a, b in itertools.pairwise(scores))
        assert all(s < 0 for s in scores)
        assert t.src_tokens == tr.tokenize_source(src)
        assert t.attention is not None
        assert len(t.attention) == len(t.hypotheses[0].tokens)
        for row in t.attention:
            assert len(row) == len(t.src_tokens)
            assert all(x >= 0 for x in row)
            assert sum(row) == pytest.approx(1.0, abs=1e-3)


@pytest.mark.parametrize("backend", BACKENDS)
def test_no_attention_unless_asked(translators: dict[str, Translator], backend: str) -> None:
    (t,) = translators[backend].translate(SENTENCES[:1], DecodingConfig(beam=2))
    assert t.attention is None
    assert len(t.hypotheses) == 1


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("beam", [1, 3])
def test_fixed_length_decodes_exactly(
    translators: dict[str, Translator], backend: str, beam: int
) -> None:
    res = translators[backend].translate(SENTENCES, DecodingConfig(beam=beam, fixed_length=17))
    assert [len(t.hypotheses[0].tokens) for t in res] == [17, 17, 17]


@pytest.mark.parametrize("backend", BACKENDS)
def test_max_new_tokens_caps_each_sentence(
    translators: dict[str, Translator], backend: str
) -> None:
    cfg = DecodingConfig(beam=2, max_new_tokens=5)
    for t in translators[backend].translate(SENTENCES, cfg):
        assert 1 <= len(t.hypotheses[0].tokens) <= 5


@pytest.mark.parametrize("backend", BACKENDS)
def test_forbidden_variant_never_produced(translators: dict[str, Translator], backend: str) -> None:
    tr = translators[backend]
    cfg = DecodingConfig(beam=4)
    plain = tr.translate(SENTENCES, cfg)
    # forbid the first word the random model produces for each sentence
    words = [t.text.split()[0] for t in plain]
    hints = [TermHints(forbid=[w]) for w in words]
    hinted = tr.translate(SENTENCES, cfg, hints)
    for w, p, h in zip(words, plain, hinted, strict=True):
        assert w in p.text.split()
        assert w not in h.text.split()


@pytest.mark.parametrize("backend", BACKENDS)
def test_forbidden_variant_outside_the_vocabulary_is_ignored(
    translators: dict[str, Translator], backend: str
) -> None:
    """A forbidden spelling with a piece the target vocabulary lacks (the tiny
    model never saw a 'Q') cannot be produced: it is skipped, not an error."""
    tr = translators[backend]
    ct2 = translators["ctranslate2"]
    assert "Q" in ct2.target_tokens("Qasym") and "Q" not in ct2.target_vocabulary  # type: ignore[attr-defined]
    cfg = DecodingConfig(beam=2)
    plain = tr.translate(SENTENCES, cfg)
    hinted = tr.translate(SENTENCES, cfg, [TermHints(forbid=["Qasym-Jomart Toqaev"])] * 3)
    assert [h.text for h in hinted] == [p.text for p in plain]


def test_preferred_term_boosted_by_transformers(translators: dict[str, Translator]) -> None:
    tr = translators["transformers"]
    cfg = DecodingConfig(beam=4)
    (plain,) = tr.translate(SENTENCES[:1], cfg)
    assert "Tokayev" not in plain.text
    (hinted,) = tr.translate(SENTENCES[:1], cfg, [TermHints(prefer=["Tokayev"])])
    assert "Tokayev" in hinted.text


def test_hints_apply_per_sentence(translators: dict[str, Translator]) -> None:
    tr = translators["transformers"]
    cfg = DecodingConfig(beam=4)
    plain = tr.translate(SENTENCES, cfg)
    mixed = tr.translate(SENTENCES, cfg, [None, TermHints(prefer=["Tokayev"]), None])
    assert mixed[0].text == plain[0].text
    assert mixed[2].text == plain[2].text
    assert "Tokayev" in mixed[1].text


def test_ctranslate2_conversion_cached_by_revision_and_quantization(
    translators: dict[str, Translator], backend_cache: Path
) -> None:
    tr = translators["ctranslate2"]
    expected = converted_dir(tr.model_ref, "int8", backend_cache)  # type: ignore[attr-defined]
    assert tr.model_dir == expected  # type: ignore[attr-defined]
    assert expected.name.endswith(f"-{tr.revision}-int8")
    assert sorted(p.name for p in expected.iterdir()) == [
        "config.json",
        "kzparallel.json",
        "model.bin",
        "shared_vocabulary.json",
        "source.spm",
        "target.spm",
    ]
    assert not [p for p in expected.parent.iterdir() if p.name.startswith(".")]


def test_transformers_scores_are_the_beam_scores(translators: dict[str, Translator]) -> None:
    """Same text as a plain generate(); score = mean token log-probability."""
    import torch

    tr = translators["transformers"]
    tok, model = tr.tokenizer, tr.model  # type: ignore[attr-defined]
    enc = tok(SENTENCES, return_tensors="pt", padding=True)
    with torch.inference_mode():
        ref = model.generate(
            **enc,
            num_beams=4,
            min_new_tokens=13,
            max_new_tokens=13,
            output_scores=True,
            return_dict_in_generate=True,
            bad_words_ids=[[tok.pad_token_id]],
        )
    ours = tr.translate(SENTENCES, DecodingConfig(beam=4, fixed_length=12))
    assert [t.text for t in ours] == tok.batch_decode(ref.sequences, skip_special_tokens=True)
    # generate's own scores count the forced final EOS as log(1) = 0; ours are the
    # model's log-probabilities of every token, EOS included, averaged: recompute
    # them step by step for the first sentence
    ids = [*tok.convert_tokens_to_ids(ours[0].hypotheses[0].tokens), tok.eos_token_id]
    src = tok(SENTENCES[:1], return_tensors="pt")
    total = 0.0
    with torch.inference_mode():
        for t in range(len(ids)):
            dec = torch.tensor([[tok.pad_token_id, *ids[:t]]])
            logits = model(**src, decoder_input_ids=dec).logits[0, -1]
            total += float(torch.log_softmax(logits.float(), dim=-1)[ids[t]])
    assert ours[0].score == pytest.approx(total / len(ids), abs=1e-4)


def test_ctranslate2_path_never_imports_torch_once_converted(
    tiny_model: Path, backend_cache: Path, translators: dict[str, Translator]
) -> None:
    import json
    import os
    import subprocess
    import sys

    code = (
        "import json, sys\n"
        "from kzparallel.translation import DecodingConfig, load_translator\n"
        f"tr = load_translator({str(tiny_model)!r}, backend='auto', device='cpu')\n"
        "(t,) = tr.translate(['كازاخستان'], DecodingConfig(beam=2))\n"
        "print(json.dumps([tr.backend_label, bool(t.text), sorted(m for m in sys.modules\n"
        "    if m.split('.')[0] in ('torch', 'transformers'))]))\n"
    )
    env = {**os.environ, "KZPARALLEL_CACHE_DIR": str(backend_cache)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert json.loads(out.stdout) == ["ctranslate2-int8", True, []]
