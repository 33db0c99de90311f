"""The second topic of the glossary-layer checks: another glossary (the 2023 war
in Sudan, ``tests/data/sudan-glossary.yaml``) and a small model trained on it,
so the layers are shown to work for a glossary that is not the shipped one."""

from __future__ import annotations

from pathlib import Path

from kzparallel.testing import CorpusRecipe, DemoRecipe, TrainingRecipe

SUDAN_GLOSSARY = Path(__file__).resolve().parent / "data" / "sudan-glossary.yaml"


def sudan_recipe() -> DemoRecipe:
    """Generated sentences with the Sudan glossary's names (its own habits) and
    the shipped seeds; fewer sentences than the demo model (the glossary is a
    fifth of the shipped one's size), so it trains in about two minutes."""
    return DemoRecipe(
        corpus=CorpusRecipe(
            glossary=str(SUDAN_GLOSSARY), train_sentences=8000, heldout_sentences=200
        ),
        training=TrainingRecipe(),
    )
