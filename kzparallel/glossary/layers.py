"""The glossary layers by name, so that a build (or a measurement) can run a subset.

* ``hints`` — the decoder is steered (:meth:`Glossary.hints`: ``sequence_bias``
  towards the required forms, the forbidden variants suppressed);
* ``rerank`` — the decoder returns an n-best list (as many hypotheses as the
  beam) and the hypothesis satisfying most terms is taken
  (:func:`kzparallel.glossary.enforce.enforce_pair`);
* ``repair`` — forbidden variants and look-alike misspellings are replaced.

Verification (the per-term records and violations) always runs when a glossary
is given. A build with every layer is the default; ``--glossary-layers
hints,rerank`` (or ``BuildSettings(glossary_layers=...)``) leaves the others out.
"""

from __future__ import annotations

from collections.abc import Iterable

from kzparallel.errors import KzError

LAYERS: tuple[str, ...] = ("hints", "rerank", "repair")


def parse_layers(value: str | Iterable[str]) -> tuple[str, ...]:
    """Layer names (``"hints,rerank"``, a list, ``"all"`` or ``"none"``) in
    :data:`LAYERS` order; an unknown name is a :class:`KzError` naming it."""
    names = value.split(",") if isinstance(value, str) else list(value)
    names = [n.strip() for n in names if n.strip()]
    if names == ["all"]:
        return LAYERS
    if names == ["none"]:
        return ()
    unknown = [n for n in names if n not in LAYERS]
    if unknown:
        raise KzError(
            f"unknown glossary layer '{unknown[0]}' (choose from {', '.join(LAYERS)}, all, none)"
        )
    return tuple(n for n in LAYERS if n in names)


def layers_label(layers: Iterable[str]) -> str:
    """``hints+rerank+repair``, ``hints``, or ``none``: how a subset is named in
    signatures and tables."""
    chosen = [n for n in LAYERS if n in set(layers)]
    return "+".join(chosen) if chosen else "none"
