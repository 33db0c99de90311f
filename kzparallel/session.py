"""One translation session: a build's settings turned into a ready translator.

:func:`plan_session` resolves the model, backend and glossary
(:func:`kzparallel.stages.prepare`: no weights loaded) and applies the set-up
rules below; :meth:`SessionPlan.open` opens the translation cache and gives
the :class:`TranslationSession` whose :meth:`~TranslationSession.translate`
turns a stream of segments into the build's pairs (the model is loaded on the
first cache miss). :func:`translation_session` does both::

    with translation_session(BuildSettings(model="demo")) as session:
        pairs = list(session.translate(segments))

This is the one place that knows how the set-up differs by backend and by use
(``build``'s engines, ``translate`` and the Python API, ``align``, ``glossary
suggest``, the bitext gold sets):

* a CTranslate2 model is converted into the session's ``--cache-dir`` beside
  the translations; a build's engines keep the converted model in the default
  cache directory, as builds always have (on Ray each node's own), with
  ``convert_in_cache_dir=False``;
* ``workers`` (batches one translator runs at once) is the backend's default
  unless an engine sets it (:meth:`SessionPlan.with_workers`: ``--num-workers``
  of the local engine, one per Ray actor);
* no cache with ``use_cache=False`` (``--no-cache``); the cache's warnings (a
  corrupt database moved aside) go to ``on_warning``, else to ``logging``.

A plan is plain data: an engine ships it to its workers, which open it there.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kzparallel.records import Pair, Segment
from kzparallel.stages import BuildContext, BuildSettings, prepare, translate_pairs
from kzparallel.translation import TranslatorSpec
from kzparallel.translation.cache import TranslationCache, default_cache_dir


@dataclass(frozen=True)
class SessionPlan:
    """What a session needs, resolved and not yet opened: the build context
    (model, backend label, decoding, glossary, signature), the translator spec,
    the cache directory (None: no cache) and the batch size."""

    ctx: BuildContext
    spec: TranslatorSpec
    cache_dir: Path | None
    batch_tokens: int
    on_warning: Callable[[str], None] | None = None

    def with_workers(self, workers: int | None) -> SessionPlan:
        """The plan with a translator running ``workers`` batches at once
        (``None``: the backend's default, the CPUs available)."""
        if workers is None:
            return self
        spec = dataclasses.replace(self.spec, options={**self.spec.options, "workers": workers})
        return dataclasses.replace(self, spec=spec)

    @contextlib.contextmanager
    def open(self) -> Iterator[TranslationSession]:
        """The session, its cache open until the ``with`` ends."""
        cache = (
            None
            if self.cache_dir is None
            else TranslationCache(self.cache_dir, on_warning=self.on_warning)
        )
        try:
            yield TranslationSession(self, cache)
        finally:
            if cache is not None:
                cache.close()


@dataclass
class TranslationSession:
    """A plan with its cache open (see :meth:`SessionPlan.open`)."""

    plan: SessionPlan
    cache: TranslationCache | None

    @property
    def ctx(self) -> BuildContext:
        return self.plan.ctx

    @property
    def spec(self) -> TranslatorSpec:
        return self.plan.spec

    @property
    def hits(self) -> int:
        return self.cache.hits if self.cache is not None else 0

    @property
    def misses(self) -> int:
        return self.cache.misses if self.cache is not None else 0

    def translate(self, segments: Iterable[Segment], *, progress: bool = False) -> Iterator[Pair]:
        """The pairs of ``segments`` as a build makes them (cache, batches,
        glossary layers, QA), a stream in input order; ``progress``: a bar on a
        terminal."""
        return translate_pairs(
            segments,
            self.plan.ctx,
            self.plan.spec,
            self.cache,
            self.plan.batch_tokens,
            progress=progress,
        )


def plan_session(
    settings: BuildSettings,
    *,
    on_warning: Callable[[str], None] | None = None,
    convert_in_cache_dir: bool = True,
) -> SessionPlan:
    """The plan of ``settings`` (model, backend and glossary resolved, nothing
    loaded or opened); ``on_warning``: the cache's warnings, and a lint-rejected
    glossary's when ``settings.glossary_lenient`` lets it through."""
    ctx, spec = prepare(settings, on_warning)
    given = Path(settings.cache_dir) if settings.cache_dir else None
    if convert_in_cache_dir and given is not None and spec.backend == "ctranslate2":
        spec.options["cache_dir"] = given  # the converted model beside the translations
    cache_dir = (given or default_cache_dir()) if settings.use_cache else None
    return SessionPlan(ctx, spec, cache_dir, settings.batch_tokens, on_warning)


@contextlib.contextmanager
def translation_session(
    settings: BuildSettings, *, on_warning: Callable[[str], None] | None = None
) -> Iterator[TranslationSession]:
    """:func:`plan_session` and :meth:`SessionPlan.open` in one ``with``."""
    with plan_session(settings, on_warning=on_warning).open() as session:
        yield session
