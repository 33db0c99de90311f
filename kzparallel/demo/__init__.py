"""The demo model and what it is made from, made at run time (nothing is committed).

* :func:`demo_model` — a small MarianMT that really translates, trained on
  :func:`generate_corpus` (generated news sentences + the seeds' references)
  and cached by the hash of its :class:`DemoRecipe` (``--model demo``, resolved
  by :func:`~kzparallel.demo.trained_model.demo_model_ref`);
* :func:`generate_corpus` — that corpus with its ground truth
  (:class:`ParallelCorpus`: habits, outside names, held-out sentences), filled
  from the frozen glossary in ``demo-glossary/``;
* :func:`build_marian_model` — a random-weight MarianMT directory (real
  SentencePiece tokenizers, any shape up to the real opus-mt-ar-en's): the
  tests' tiny model, the benchmarks' full-size one, and the demo model's
  tokenizers and configuration.
"""

from __future__ import annotations

from kzparallel.demo.corpus import (
    CorpusRecipe,
    Example,
    Habit,
    ParallelCorpus,
    generate_corpus,
)
from kzparallel.demo.names import Name
from kzparallel.demo.random_model import build_marian_model
from kzparallel.demo.templates import Use
from kzparallel.demo.trained_model import (
    DemoRecipe,
    TrainedModel,
    TrainingRecipe,
    demo_model,
    train_model,
)

__all__ = [
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
    "train_model",
]
