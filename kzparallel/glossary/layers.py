"""The glossary layers by name, so that a build (or a measurement) can run a subset.

* ``hints`` — the decoder is steered (:meth:`Glossary.hints`: ``sequence_bias``
  towards the required forms, the forbidden variants suppressed);
* ``rerank`` — the decoder returns an n-best list (as many hypotheses as the
  beam) and the hypothesis satisfying most terms is taken
  (:func:`kzparallel.glossary.enforce.enforce_pair`);
* ``repair`` — forbidden variants and look-alike misspellings are replaced.

Verification (the per-term records and violations) always runs when a glossary
is given. ``--glossary-layers hints,rerank`` (or ``BuildSettings(glossary_layers=...)``)
runs a subset; ``all`` every layer.

**The default (``default``) is ``rerank`` and ``repair``, without decoder hints**,
on both backends, as measured on the held-out sentences of two trained models
(``kzparallel eval --layers``; README, "Each layer's share"): the rerank and
repair of the plain decode reach the same term success as every layer (demo
model: 627 and 628 of 628 mentions; the Sudan model: 211 of 211) with a better
chrF and BLEU, and cost no second decode. CTranslate2's hints only suppress, and
suppression made the model write other words for a suppressed spelling (a
second, plain decode had to be appended for the rerank:
:func:`kzparallel.translation.hints.translate_with_fallback`); transformers'
soft bias (the ``sequence_bias`` rule) keeps pulling a preferred term after it
was written (*Beijing Beijing Beijing*, *Mukht Mukht Mukhtar Tileuberdi*,
sentences cut short): chrF 0.8 to 1.1 lower. ``--glossary-layers all`` (or
``hints,...``) still runs them.
"""

from __future__ import annotations

from collections.abc import Iterable

from kzparallel.errors import KzError

LAYERS: tuple[str, ...] = ("hints", "rerank", "repair")
# what a build runs by default: see the module docstring
DEFAULT_LAYERS: tuple[str, ...] = ("rerank", "repair")


def parse_layers(value: str | Iterable[str]) -> tuple[str, ...]:
    """Layer names (``"hints,rerank"``, a list, ``"all"``, ``"default"`` or
    ``"none"``) in :data:`LAYERS` order; an unknown name is a :class:`KzError`
    naming it."""
    names = value.split(",") if isinstance(value, str) else list(value)
    names = [n.strip() for n in names if n.strip()]
    if names == ["default"]:
        return DEFAULT_LAYERS
    if names == ["all"]:
        return LAYERS
    if names == ["none"]:
        return ()
    unknown = [n for n in names if n not in LAYERS]
    if unknown:
        raise KzError(
            f"unknown glossary layer '{unknown[0]}' "
            f"(choose from {', '.join(LAYERS)}, default, all, none)"
        )
    return tuple(n for n in LAYERS if n in names)


def layers_label(layers: Iterable[str]) -> str:
    """``hints+rerank+repair``, ``hints``, or ``none``: how a subset is named in
    signatures and tables."""
    chosen = [n for n in LAYERS if n in set(layers)]
    return "+".join(chosen) if chosen else "none"
