"""translate_segments: streaming, order, cache, lazy model loading, long segments."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest

from kzparallel.records import Segment
from kzparallel.translation import DecodingConfig, TermHints, Translator, prepare_translator
from kzparallel.translation.base import Hypothesis, Translation
from kzparallel.translation.cache import TranslationCache
from kzparallel.translation.model import ModelRef
from kzparallel.translation.pipeline import join_translations, translate_segments

REF = ModelRef("fake-model", "rev1", Path("."))
CFG = DecodingConfig(beam=2)


class FakeTranslator(Translator):
    """Deterministic stand-in: "EN[<text>]"; one token per word plus EOS."""

    name: ClassVar[str] = "fake"
    model_id = "fake-model"
    revision = "rev1"

    def __init__(self, fail_on_call: int | None = None) -> None:
        self.calls: list[list[str]] = []
        self.hints: list[list[TermHints | None] | None] = []
        self.fail_on_call = fail_on_call

    @property
    def backend_label(self) -> str:
        return "fake"

    @property
    def max_input_tokens(self) -> int:
        return 512

    def tokenize_source(self, text: str) -> list[str]:
        return [*text.split(), "</s>"]

    def count_tokens(self, text: str) -> int:
        return len(text.split()) + 1

    def translate(
        self,
        texts: list[str],
        config: DecodingConfig,
        hints: list[TermHints | None] | None = None,
        pad_to: int | None = None,
    ) -> list[Translation]:
        self.calls.append(list(texts))
        self.hints.append(hints)
        if self.fail_on_call is not None and len(self.calls) == self.fail_on_call:
            raise RuntimeError("crash")
        return [
            Translation(
                hypotheses=[Hypothesis(f"EN[{t}]", -1.0, t.split())],
                src_tokens=self.tokenize_source(t),
                attention=[[1.0 / (len(t.split()) + 1)] * (len(t.split()) + 1)] * len(t.split())
                if config.return_alignment
                else None,
            )
            for t in texts
        ]


def _segs(texts: list[str]) -> list[Segment]:
    return [Segment("d", i, 0, t, 0, len(t)) for i, t in enumerate(texts)]


def _run(segs: list[Segment], factory, cache=None, **kw):  # type: ignore[no-untyped-def]
    return list(
        translate_segments(
            segs,
            translator=factory,
            model_ref=REF,
            backend_label="fake",
            config=kw.pop("config", CFG),
            cache=cache,
            **kw,
        )
    )


def _never() -> Translator:
    raise AssertionError("the model was loaded")


TEXTS = [" ".join(["كلمة"] * n) for n in (3, 9, 1, 5, 2, 7, 4, 8, 6, 1)]


def test_order_kept_with_small_batches_and_windows() -> None:
    fake = FakeTranslator()
    out = _run(_segs(TEXTS), lambda: fake, batch_tokens=12, window=4)
    assert [tr.text for _, tr, _ in out] == [f"EN[{t}]" for t in TEXTS]
    assert [s.para for s, _, _ in out] == list(range(len(TEXTS)))
    for call in fake.calls:
        longest = max(len(t.split()) + 1 for t in call)
        assert len(call) == 1 or len(call) * longest <= 12
    assert sorted(t for c in fake.calls for t in c) == sorted(TEXTS)


def test_streams_without_reading_everything_first() -> None:
    fake = FakeTranslator()
    consumed: list[int] = []

    def gen():  # type: ignore[no-untyped-def]
        for i, s in enumerate(_segs(TEXTS)):
            consumed.append(i)
            yield s

    it = translate_segments(
        gen(),
        translator=lambda: fake,
        model_ref=REF,
        backend_label="fake",
        config=CFG,
        cache=None,
        window=3,
    )
    next(it)
    assert len(consumed) == 3


def test_second_run_is_fully_cached_and_never_loads_the_model(cache_dir: Path) -> None:
    with TranslationCache(cache_dir) as cache:
        first = _run(_segs(TEXTS), FakeTranslator, cache)
        assert [c for _, _, c in first] == [False] * len(TEXTS)
    with TranslationCache(cache_dir) as cache:
        second = _run(_segs(TEXTS), _never, cache)
        assert [c for _, _, c in second] == [True] * len(TEXTS)
        assert [t.text for _, t, _ in second] == [t.text for _, t, _ in first]
        assert (cache.hits, cache.misses) == (len(set(TEXTS)), 0)


def test_only_misses_are_translated(cache_dir: Path) -> None:
    with TranslationCache(cache_dir) as cache:
        _run(_segs(TEXTS[:4]), FakeTranslator, cache)
        fake = FakeTranslator()
        out = _run(_segs(TEXTS), lambda: fake, cache)
    assert sorted(t for c in fake.calls for t in c) == sorted(set(TEXTS[4:]) - set(TEXTS[:4]))
    assert [c for _, _, c in out] == [t in TEXTS[:4] for t in TEXTS]


def test_crash_loses_at_most_the_batch_in_flight(cache_dir: Path) -> None:
    crashing = FakeTranslator(fail_on_call=2)
    with TranslationCache(cache_dir) as cache, pytest.raises(RuntimeError, match="crash"):
        _run(_segs(TEXTS), lambda: crashing, cache, batch_tokens=12)
    done = {t for t in crashing.calls[0]}
    with TranslationCache(cache_dir) as cache:
        fake = FakeTranslator()
        out = _run(_segs(TEXTS), lambda: fake, cache, batch_tokens=12)
    assert {t for c in fake.calls for t in c} == set(TEXTS) - done
    assert [t.text for _, t, _ in out] == [f"EN[{t}]" for t in TEXTS]


def test_repeated_text_translated_once() -> None:
    fake = FakeTranslator()
    out = _run(_segs(["نص", "آخر", "نص"]), lambda: fake)
    assert sorted(fake.calls[0]) == sorted(["نص", "آخر"])
    assert [t.text for _, t, _ in out] == ["EN[نص]", "EN[آخر]", "EN[نص]"]


def test_empty_segments_need_no_model() -> None:
    out = _run(_segs(["", "  "]), _never)
    assert [(t.text, c) for _, t, c in out] == [("", False), ("", False)]


def test_hints_reach_the_translator_per_segment_and_key_the_cache(cache_dir: Path) -> None:
    hint = TermHints(prefer=["Tokayev"])
    fake = FakeTranslator()
    with TranslationCache(cache_dir) as cache:
        _run(_segs(TEXTS[:2]), lambda: fake, cache, hints=lambda s: hint if s.para == 1 else None)
        # one batch per length (3 and 9 words); a batch without hints gets None
        assert fake.calls == [[TEXTS[0]], [TEXTS[1]]]
        assert fake.hints == [None, [hint]]
        # the same text without the hint is a different cache entry
        other = FakeTranslator()
        _run(_segs(TEXTS[:2]), lambda: other, cache)
        assert other.calls == [[TEXTS[1]]]


def test_nbest_or_attention_not_in_cache_is_translated_again(cache_dir: Path) -> None:
    with TranslationCache(cache_dir) as cache:
        _run(_segs(TEXTS[:1]), FakeTranslator, cache)
        fake = FakeTranslator()
        out = _run(
            _segs(TEXTS[:1]),
            lambda: fake,
            cache,
            config=DecodingConfig(beam=2, return_alignment=True),
        )
        assert fake.calls == [[TEXTS[0]]]
        assert out[0][1].attention is not None


def test_join_translations_block_diagonal_attention() -> None:
    a = Translation(
        [Hypothesis("A b", -1.0, ["▁A", "▁b"])], ["x", "</s>"], [[0.5, 0.5], [1.0, 0.0]]
    )
    b = Translation([Hypothesis("C", -3.0, ["▁C"])], ["y", "z", "</s>"], [[0.2, 0.3, 0.5]])
    j = join_translations([a, b])
    assert j.text == "A b C"
    assert j.score == pytest.approx((-1.0 * 2 - 3.0) / 3)
    assert j.hypotheses[0].tokens == ["▁A", "▁b", "▁C"]
    assert j.src_tokens == ["x", "</s>", "y", "z", "</s>"]
    assert j.attention == [
        [0.5, 0.5, 0.0, 0.0, 0.0],
        [1.0, 0.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, 0.2, 0.3, 0.5],
    ]


def test_no_progress_bar_when_stderr_is_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    _run(_segs(TEXTS), FakeTranslator, progress=True)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
def test_real_backends_match_direct_translation(
    tiny_model: Path, cache_dir: Path, backend: str
) -> None:
    spec = prepare_translator(str(tiny_model), backend=backend, device="cpu")
    texts = [
        "أعلن الرئيس الكازاخستاني حالة الطوارئ",
        "كازاخستان",
        "وصلت قوات حفظ السلام إلى ألماتي",
    ]
    segs = _segs(texts)
    with TranslationCache(cache_dir) as cache:
        out = list(
            translate_segments(
                segs,
                translator=spec.load,
                model_ref=spec.model_ref,
                backend_label=spec.label,
                config=CFG,
                cache=cache,
                batch_tokens=16,
            )
        )
    direct = [spec.load().translate([t], CFG)[0].text for t in texts]
    assert [t.text for _, t, _ in out] == direct


LONG = "أعلن الرئيس حالة الطوارئ في المدينة، وقال إن القوات ستبقى فترة محدودة ثم تعود إلى بلادها بينما تستمر الاحتجاجات"


def test_long_segment_split_not_truncated() -> None:
    fake = FakeTranslator()
    out = _run(_segs([LONG]), lambda: fake, max_segment_tokens=5)
    # pieces in source order (batches are sorted by length)
    pieces = sorted((t for call in fake.calls for t in call), key=LONG.index)
    assert len(pieces) > 1
    assert all(len(p.split()) + 1 <= 5 for p in pieces)
    # every word of the source was translated, in order, nothing dropped
    assert " ".join(pieces).split() == LONG.split()
    ((_, tr, _),) = out
    assert tr.text == " ".join(f"EN[{p}]" for p in pieces)
    assert tr.src_tokens == [t for p in pieces for t in [*p.split(), "</s>"]]


@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
def test_long_segment_split_with_real_model(
    tiny_model: Path, cache_dir: Path, backend: str
) -> None:
    from kzparallel.segmentation import split_long

    spec = prepare_translator(str(tiny_model), backend=backend, device="cpu")
    tr = spec.load()
    assert tr.count_tokens(LONG) > 12
    spans = split_long(LONG, tr.count_tokens, 12)
    expected = " ".join(tr.translate([LONG[a:b].strip()], CFG)[0].text for a, b in spans)
    cfg = DecodingConfig(beam=2, return_alignment=True)
    ((_, got, _),) = _run(
        _segs([LONG]), spec.load, max_segment_tokens=12, config=cfg, batch_tokens=1
    )
    assert got.text == expected
    assert got.src_tokens == [t for a, b in spans for t in tr.tokenize_source(LONG[a:b].strip())]
    assert got.attention is not None
    assert len(got.attention) == len(got.hypotheses[0].tokens)
    assert all(len(row) == len(got.src_tokens) for row in got.attention)
