"""Models for tests, benchmarks and the demo, made at run time (nothing is committed).

* :func:`build_marian_model` — a random-weight MarianMT directory (real
  SentencePiece tokenizers, any shape up to the real opus-mt-ar-en's);
* :func:`demo_model` — a small MarianMT that really translates, trained on
  :func:`generate_corpus` (generated news sentences + the seeds' references)
  and cached by the hash of its :class:`DemoRecipe` (``--model demo``);
* :func:`generate_corpus` — that corpus with its ground truth
  (:class:`ParallelCorpus`: habits, outside names, held-out sentences);
* :func:`write_perturbed_corpus` — perturbed copies of the seed articles
  (benchmarks, reproducibility tests).
"""

from __future__ import annotations

from kzparallel.testing.corpus import (
    CorpusRecipe,
    Example,
    Habit,
    ParallelCorpus,
    generate_corpus,
)
from kzparallel.testing.names import Name
from kzparallel.testing.perturbed import ARABIC, perturb_article, write_perturbed_corpus
from kzparallel.testing.random_model import build_marian_model
from kzparallel.testing.templates import Use
from kzparallel.testing.trained_model import (
    DemoRecipe,
    TrainedModel,
    TrainingRecipe,
    demo_model,
    train_model,
)

__all__ = [
    "ARABIC",
    "CorpusRecipe",
    "DemoRecipe",
    "Example",
    "Habit",
    "Name",
    "ParallelCorpus",
    "TrainedModel",
    "TrainingRecipe",
    "Use",
    "build_marian_model",
    "demo_model",
    "generate_corpus",
    "perturb_article",
    "train_model",
    "write_perturbed_corpus",
]
