"""The translation session (kzparallel.session): the one place where settings
become a ready translator, and where the set-up differs by backend and use."""

from __future__ import annotations

from pathlib import Path

import pytest

from kzparallel.records import Segment
from kzparallel.session import plan_session, translation_session
from kzparallel.stages import BuildSettings, prepare, translate_pairs
from kzparallel.translation.cache import TranslationCache


@pytest.mark.parametrize(
    ("backend", "given", "use_cache", "convert_in_cache_dir", "cache", "converted_in"),
    [
        # translate, align, glossary suggest and the API: conversions beside the translations
        ("ctranslate2", "c", True, True, "c", "c"),
        ("ctranslate2", None, True, True, "default", None),
        ("ctranslate2", "c", False, True, None, "c"),
        # a build's engines: the converted model stays in the default cache directory
        ("ctranslate2", "c", True, False, "c", None),
        # transformers converts nothing
        ("transformers", "c", True, True, "c", None),
        ("transformers", None, False, True, None, None),
    ],
    ids=["ct2", "ct2-default", "ct2-no-cache", "ct2-build", "transformers", "tf-no-cache"],
)
def test_plan_by_backend_and_use(  # type: ignore[no-untyped-def]
    tiny_model,
    cache_dir: Path,
    tmp_path: Path,
    backend: str,
    given: str | None,
    use_cache: bool,
    convert_in_cache_dir: bool,
    cache: str | None,
    converted_in: str | None,
) -> None:
    where = {"c": tmp_path / "c", "default": cache_dir, None: None}
    settings = BuildSettings(
        model=str(tiny_model),
        backend=backend,
        device="cpu",
        use_glossary=False,
        cache_dir=str(where[given]) if given else None,
        use_cache=use_cache,
    )
    plan = plan_session(settings, convert_in_cache_dir=convert_in_cache_dir)
    assert plan.cache_dir == where[cache]
    assert plan.spec.options.get("cache_dir") == where[converted_in]
    assert plan.batch_tokens == settings.batch_tokens
    assert "workers" not in plan.spec.options


def test_workers_make_a_new_plan(tiny_model) -> None:  # type: ignore[no-untyped-def]
    plan = plan_session(BuildSettings(model=str(tiny_model), backend="transformers"))
    assert plan.with_workers(None) is plan
    one = plan.with_workers(1)
    assert (one.spec.options["workers"], "workers" in plan.spec.options) == (1, False)
    assert one.ctx is plan.ctx


def test_session_pairs_are_the_stages_pairs(tiny_model, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    segments = [Segment("d", 1, i, text, 0, len(text)) for i, text in enumerate(SENTENCES)]
    settings = BuildSettings(
        model=str(tiny_model), backend="transformers", device="cpu", cache_dir=str(tmp_path / "s")
    )
    with translation_session(settings) as session:
        first = list(session.translate(segments))
        counts = (session.hits, session.misses)
        again = list(session.translate(segments))
        assert (session.hits, session.misses) == (2, 2)
    assert counts == (0, 2)
    assert session.cache is not None and session.cache._conn is None  # closed
    ctx, spec = prepare(settings)
    with TranslationCache(tmp_path / "direct") as direct:
        wired = list(translate_pairs(segments, ctx, spec, direct, settings.batch_tokens))

    def text(pairs):  # type: ignore[no-untyped-def]
        return [(p.ar, p.en, p.score, p.terms, p.qa) for p in pairs]

    assert [p.cached for p in first + again] == [False, False, True, True]
    assert text(first) == text(again) == text(wired)


SENTENCES = ("أعلن الرئيس حالة الطوارئ في ألماتي.", "وصل الوفد إلى أستانا يوم الاثنين.")
