"""Glossary hints in the decoder: which variants are suppressed, for both backends.

The rule (:mod:`kzparallel.translation.hints`): a forbidden variant whose
target pieces occur in the pieces of an accepted form — a prefix above all:
a wrong singular of a plural name, a name without its last letter — is not
suppressed, because suppressing it would make the accepted form impossible
to write. A glossary build gives every sentence one and the same suppression
list, so CTranslate2 keeps its batches whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kzparallel.builder import BuildSettings, build
from kzparallel.glossary.layers import LAYERS
from kzparallel.translation import DecodingConfig, TermHints, Translator, load_translator
from kzparallel.translation.hints import Suppressions, occurs_in, suppressible

BACKENDS = ["transformers", "ctranslate2"]
SENTENCES = [
    "أعلن الرئيس الكازاخستاني قاسم جومارت توكاييف حالة الطوارئ",
    "كازاخستان",
    "وصلت قوات حفظ السلام التابعة لمنظمة معاهدة الأمن الجماعي إلى ألماتي",
]
GOLDEN = Path(__file__).parent / "golden" / "build"


@pytest.fixture(scope="module")
def module_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    d = tmp_path_factory.mktemp("hints-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KZPARALLEL_CACHE_DIR", str(d))
        yield d


@pytest.fixture(scope="module")
def target_pieces(tiny_model: Path) -> Any:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(tiny_model / "target.spm"))
    return lambda text: tuple(sp.encode(text, out_type=str))


@pytest.fixture(scope="module")
def translators(tiny_model: Path, module_cache: Path) -> dict[str, Translator]:
    return {
        "transformers": load_translator(str(tiny_model), backend="transformers", device="cpu"),
        "ctranslate2": load_translator(
            str(tiny_model), backend="ctranslate2", device="cpu", cache_dir=module_cache
        ),
    }


# -- the rule, on the test model's SentencePiece -------------------------------------

# (forbidden variant, accepted form, how the variant's pieces sit in the form's pieces)
# "prefix": they are its first pieces; "inside": a run further in; "apart": neither,
# however alike the strings (the pieces differ where the spellings do)
CASES = [
    ("Nursultan", "Nursultan Nazarbayev", "prefix"),  # the capital's misspelling, the person
    ("Zakharov", "Zakharova", "prefix"),  # a name without its last letter
    ("Tokayev", "Tokayeva", "prefix"),
    ("Kazakh", "Kazakhs", "prefix"),  # a wrong singular of a plural name
    ("Russia", "Russian", "prefix"),  # the place inside its adjective
    ("Belarus", "Belarusian", "prefix"),
    ("Kyrgyz", "Kyrgyzstan", "prefix"),
    ("Tokayev", "Kassym-Jomart Tokayev", "inside"),  # a surname inside the full name
    ("Psaki", "Jen Psaki", "inside"),
    ("Philippine", "Philippines", "apart"),  # ...'in', 'e' vs ...'in', 'es'
    ("Uzbek", "Uzbeks", "apart"),  # ...'e', 'k' vs ...'e', 'ks'
    ("Emirate", "United Arab Emirates", "apart"),
    ("Tokaev", "Tokayev", "apart"),  # a misspelling: suppressed
    ("Volodine", "Volodin", "apart"),  # the form is the variant's beginning: suppressed
    ("Sultan", "Nur-Sultan", "apart"),  # '▁', 'S' vs '-', 'S'
    ("Alma-Ata", "Almaty", "apart"),
]


def _relation(variant: tuple[str, ...], form: tuple[str, ...]) -> str:
    n = len(variant)
    if form[:n] == variant:
        return "prefix"
    if any(form[i : i + n] == variant for i in range(1, len(form) - n + 1)):
        return "inside"
    return "apart"


@pytest.mark.parametrize(("variant", "form", "relation"), CASES)
def test_a_variant_inside_an_accepted_form_is_not_suppressed(
    target_pieces: Any, variant: str, form: str, relation: str
) -> None:
    v, f = target_pieces(variant), target_pieces(form)
    assert _relation(v, f) == relation, (v, f)  # the case is what the table says it is
    kept = suppressible([v], [f])
    assert kept == (() if relation != "apart" else (v,))
    # another accepted form elsewhere in the glossary protects it just the same
    assert suppressible([v], [target_pieces("Almaty"), f]) == kept
    assert suppressible([v], [target_pieces("Almaty")]) == (v,)


def test_suppressible_keeps_order_and_drops_empty_and_repeated_sequences() -> None:
    assert suppressible([(3, 4), (), (1, 2), (3, 4), (5,)], [(9, 1, 2, 8)]) == ((3, 4), (5,))
    assert suppressible([(1, 2)], [()]) == ((1, 2),)


@pytest.mark.parametrize(
    ("needle", "haystack", "found"),
    [
        ((1,), (1,), True),
        ((1, 2), (1, 2, 3), True),
        ((2, 3), (1, 2, 3), True),
        ((1, 3), (1, 2, 3), False),
        ((1, 2, 3, 4), (1, 2, 3), False),
        ((), (1, 2), False),
        ((2, 2), (2, 1, 2, 2), True),
    ],
)
def test_occurs_in(needle: tuple[int, ...], haystack: tuple[int, ...], found: bool) -> None:
    assert occurs_in(needle, haystack) is found


def test_suppressions_filter_by_preferred_and_kept_forms_and_usable_pieces(
    target_pieces: Any,
) -> None:
    calls: list[str] = []

    def tokenize(text: str) -> tuple[str, ...]:
        calls.append(text)
        return target_pieces(text)  # type: ignore[no-any-return]

    sup: Suppressions[str] = Suppressions(tokenize, lambda seq: "Q" not in seq)
    forbid = ("Zakharov", "Tokaev", "Qasym")
    assert sup(TermHints(forbid=forbid)) == (target_pieces("Zakharov"), target_pieces("Tokaev"))
    assert sup(TermHints(prefer=["Zakharova"], forbid=forbid)) == (target_pieces("Tokaev"),)
    assert sup(TermHints(forbid=forbid, keep=("Zakharova",))) == (target_pieces("Tokaev"),)
    assert sup(TermHints(prefer=["Zakharova"])) == ()
    assert sup(None) == ()
    n = len(calls)
    sup(TermHints(forbid=forbid, keep=("Zakharova",)))  # the same hint set again: remembered
    assert len(calls) == n


# -- the rule in both decoders ---------------------------------------------------------


def _prefix_case(
    tr: Translator, target_pieces: Any, model: Path
) -> tuple[int, str, str, tuple[str, ...]]:
    """From the random model's own output: a form it writes (its first pieces)
    and a variant whose pieces are the form's pieces but the last —
    (sentence index, variant, form, variant pieces)."""
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(model / "target.spm"))
    for i, t in enumerate(tr.translate(SENTENCES, DecodingConfig(beam=4))):
        pieces = tuple(t.hypotheses[0].tokens)
        for k in range(3, len(pieces)):
            form, variant = (
                sp.decode_pieces(list(pieces[:k])),
                sp.decode_pieces(list(pieces[: k - 1])),
            )
            if target_pieces(form) == pieces[:k] and target_pieces(variant) == pieces[: k - 1]:
                return i, variant, form, pieces[: k - 1]
    raise AssertionError("the model's output has no multi-piece form to build the case from")


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_form_stays_writable_when_a_forbidden_variant_is_its_beginning(
    translators: dict[str, Translator], target_pieces: Any, tiny_model: Path, backend: str
) -> None:
    tr = translators[backend]
    cfg = DecodingConfig(beam=4)
    i, variant, form, variant_pieces = _prefix_case(tr, target_pieces, tiny_model)
    (plain,) = tr.translate([SENTENCES[i]], cfg)
    assert plain.text.startswith(form)
    # suppressed, the variant blocks the form: the decoder writes something else
    (blocked,) = tr.translate([SENTENCES[i]], cfg, [TermHints(forbid=[variant])])
    assert not occurs_in(variant_pieces, blocked.hypotheses[0].tokens)
    assert not blocked.text.startswith(form)
    # with the form accepted (a glossary's keep, or the sentence's prefer), the
    # variant is left to the repair layer and the form is written as before
    (kept,) = tr.translate([SENTENCES[i]], cfg, [TermHints(forbid=[variant], keep=[form])])
    assert kept.text == plain.text
    if backend == "ctranslate2":  # no soft bias there: prefer only protects
        (preferred,) = tr.translate(
            [SENTENCES[i]], cfg, [TermHints(prefer=[form], forbid=[variant])]
        )
        assert preferred.text == plain.text


# -- builds: batches are not split by hints; output without hints is unchanged -------------


def _build(
    model: Path,
    seeds: Path,
    out: Path,
    backend: str,
    glossary: bool,
    layers: tuple[str, ...] | None = None,
) -> Path:
    settings = BuildSettings(
        model=str(model),
        backend=backend,
        use_cache=False,
        use_glossary=glossary,
        **({} if layers is None else {"glossary_layers": layers}),
    )
    build([seeds], out, settings)
    return out


# (name, with the glossary, its layers): a build without it, the default build, every layer
BUILDS = (("plain", False, None), ("default", True, None), ("all", True, LAYERS))


@pytest.fixture(scope="module")
def ct2_calls(
    tiny_model: Path, seeds_dir: Path, module_cache: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[dict[str, Any]]]:
    """Every ``translate_batch`` call of the builds of :data:`BUILDS`."""
    import ctranslate2

    real = ctranslate2.Translator
    calls: list[dict[str, Any]] = []

    class Counting:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self._real = real(*args, **kwargs)

        def translate_batch(self, source: list[list[str]], **kwargs: Any) -> Any:
            calls.append({"n": len(source), "suppress": kwargs.get("suppress_sequences")})
            return self._real.translate_batch(source, **kwargs)

    base = tmp_path_factory.mktemp("hints-builds")
    out: dict[str, list[dict[str, Any]]] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ctranslate2, "Translator", Counting)
        for name, glossary, layers in BUILDS:
            _build(tiny_model, seeds_dir, base / name, "ctranslate2", glossary, layers)
            out[name], calls[:] = list(calls), []
    pairs = [json.loads(line) for line in (base / "all" / "pairs.jsonl").open()]
    out["with_terms"] = [{"n": len({p["ar"] for p in pairs if p["terms"]})}]
    return out


def test_a_glossary_build_makes_as_many_translate_batch_calls_as_one_without(
    ct2_calls: dict[str, list[dict[str, Any]]],
) -> None:
    """The default glossary build (rerank and repair, no decoder hints: see
    kzparallel.glossary.layers.DEFAULT_LAYERS) makes exactly the calls of a
    build without the glossary, an n-best list the only difference."""
    plain, default = ct2_calls["plain"], ct2_calls["default"]
    # the same batches (translators run side by side: the call order may differ)
    assert sorted(c["n"] for c in default) == sorted(c["n"] for c in plain)
    assert all(c["suppress"] is None for c in plain + default)
    # whole batches: the seeds' 107 sentences in one call per length bucket (14 here);
    # when the hints split batches by sentence, a glossary build made 57
    assert len(plain) < 20


def test_with_every_layer_the_hints_do_not_split_batches(
    ct2_calls: dict[str, list[dict[str, Any]]],
) -> None:
    """With ``--glossary-layers all`` the hinted calls are the plain build's
    batches, with one suppression list for the whole build; besides them, the
    rerank's plain fallback makes at most one call per batch."""
    plain, calls = ct2_calls["plain"], ct2_calls["all"]
    hinted = [c for c in calls if c["suppress"] is not None]
    assert sorted(c["n"] for c in hinted) == sorted(c["n"] for c in plain)
    # the random model misses every preferred form: each of the 96 sentences
    # with a term (and each piece of a long one that was split) is decoded again
    fallback = [c for c in calls if c["suppress"] is None]
    assert len(fallback) <= len(hinted)
    with_terms = ct2_calls["with_terms"][0]["n"]
    assert with_terms == 96
    assert with_terms <= sum(c["n"] for c in fallback) <= sum(c["n"] for c in hinted)
    # one suppression list for the whole build: no sentence depends on its batch
    lists = {json.dumps(c["suppress"]) for c in hinted}
    assert len(lists) == 1 and hinted[0]["suppress"]


@pytest.mark.parametrize("name", ["default", "all"])
def test_a_transformers_glossary_build_makes_as_many_generate_calls_as_one_without(
    tiny_model: Path, seeds_dir: Path, module_cache: Path, tmp_path: Path, name: str
) -> None:
    """transformers with the glossary makes the ``generate`` calls of a build
    without it, each of the same batch size: by default (no decoder hints), and
    with every layer, where each sentence has its own rows in one logits
    processor and the soft bias makes the rerank's second decode unneeded."""
    from transformers import MarianMTModel

    from kzparallel.translation.row_bias import RowSequenceBias

    real = MarianMTModel.generate
    calls: list[tuple[int, bool]] = []

    def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        hinted = any(isinstance(p, RowSequenceBias) for p in kwargs.get("logits_processor", []))
        calls.append((int(kwargs["input_ids"].shape[0]), hinted))
        return real(self, *args, **kwargs)

    got: dict[str, list[tuple[int, bool]]] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(MarianMTModel, "generate", counting)
        for build_name, glossary, layers in (BUILDS[0], dict((b[0], b) for b in BUILDS)[name]):
            _build(tiny_model, seeds_dir, tmp_path / build_name, "transformers", glossary, layers)
            got[build_name], calls[:] = list(calls), []
    assert sorted(n for n, _ in got[name]) == sorted(n for n, _ in got["plain"])
    assert not any(h for _, h in got["plain"])
    # with hints, every call has them (every sentence has the glossary's forbid list)
    assert {h for _, h in got[name]} == {name == "all"}


def _pairs_of(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "pairs.jsonl").read_text("utf-8").splitlines()]


def test_a_transformers_build_without_the_glossary_gives_the_output_it_gave_before_hints_changed(
    tiny_model: Path, seeds_dir: Path, module_cache: Path, tmp_path: Path
) -> None:
    """``tests/golden/build/no-glossary-transformers.jsonl`` holds the id, English
    and score of every pair of a ``--no-glossary`` build of the seeds with the
    tiny model, written by the code before glossary hints became glossary-wide
    (commit 709a7b2 of the repro branch). transformers decodes in fp32 and
    gives these bytes on the AMD EPYC and Intel Xeon CPUs it ran on; CTranslate2's
    int8 kernels round differently per CPU family, so its build is checked
    against the engine itself in the test below instead of a file."""
    out = _build(tiny_model, seeds_dir, tmp_path / "out", "transformers", glossary=False)
    got = [
        json.dumps({k: p[k] for k in ("id", "en", "score")}, ensure_ascii=False)
        for p in _pairs_of(out)
    ]
    expected = (GOLDEN / "no-glossary-transformers.jsonl").read_text("utf-8").splitlines()
    assert got == expected


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_build_without_the_glossary_is_the_engines_plain_translation(
    tiny_model: Path,
    seeds_dir: Path,
    translators: dict[str, Translator],
    tmp_path: Path,
    backend: str,
) -> None:
    """Without the glossary no hint reaches the decoder: every pair's English and
    score are what the backend gives for that sentence alone, with the default
    decoding settings and no :class:`TermHints`, on whatever CPU runs the test."""
    pairs = _pairs_of(_build(tiny_model, seeds_dir, tmp_path / "out", backend, glossary=False))
    translator = translators[backend]
    plain = translator.translate([p["ar"] for p in pairs], DecodingConfig())
    assert len(pairs) > 100
    assert [(p["en"], p["score"]) for p in pairs] == [(t.text, round(t.score, 4)) for t in plain]


# -- transformers: the hints of every sentence in one processor -------------------------


def test_row_sequence_bias_is_transformers_sequence_bias_on_each_sentences_rows() -> None:
    """Per sentence (its 4 beams), :class:`RowSequenceBias` changes the scores
    exactly as transformers' own ``sequence_bias`` then ``bad_words_ids``
    processors applied to that sentence's rows alone."""
    import math

    import torch
    from transformers import NoBadWordsLogitsProcessor, SequenceBiasLogitsProcessor

    from kzparallel.translation.row_bias import RowSequenceBias

    gen = torch.Generator().manual_seed(0)
    input_ids = torch.randint(0, 4, (12, 7), generator=gen)  # few ids: prefixes match often
    scores = torch.randn(12, 30, generator=gen)
    sentences = [  # (preferred-term biases, forbidden sequences) per sentence
        ({(1,): 2.0, (1, 2): 2.0, (3, 0, 5): 2.0, (2, 7): 0.5}, [[2], [1, 3], [0, 0, 1]]),
        ({(2, 2): 1.5, (9,): 1.0}, [[3, 0], [0]]),
        ({}, [[1, 1], [2, 3, 3, 2]]),
    ]
    expected = scores.clone()
    entries: list[tuple[range, tuple[int, ...], float]] = []
    for i, (bias, bad) in enumerate(sentences):
        rows = range(4 * i, 4 * i + 4)
        part = expected[4 * i : 4 * i + 4]
        if bias:
            part = SequenceBiasLogitsProcessor([[list(k), v] for k, v in bias.items()])(
                input_ids[4 * i : 4 * i + 4], part
            )
        part = NoBadWordsLogitsProcessor(bad)(input_ids[4 * i : 4 * i + 4], part)
        expected[4 * i : 4 * i + 4] = part
        entries += [(rows, k, v) for k, v in bias.items()]
        entries += [(rows, tuple(b), -math.inf) for b in bad]
        entries += [(rows, tuple(bad[0]), -math.inf)]  # given twice: counts once
    got = RowSequenceBias(entries)(input_ids, scores.clone())
    torch.testing.assert_close(got, expected)
    # the case is not empty: besides the 8 one-token bans (2 sentences x 4 rows),
    # multi-token sequences matched in some rows
    assert int(torch.isinf(got).sum()) > 8
    assert not RowSequenceBias([])
