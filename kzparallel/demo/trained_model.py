"""A small MarianMT that really translates, trained here on the generated corpus.

:func:`demo_model` returns the model of a :class:`DemoRecipe` (the corpus
recipe + :class:`TrainingRecipe`), training it on first use and caching it
as ``demo-<recipe hash>/`` in :func:`models_dir` (``$KZPARALLEL_MODELS_DIR``,
else ``models/`` in the cache directory: ``$KZPARALLEL_CACHE_DIR`` or the user
cache, like the translation cache). The
directory is written under a temporary name and renamed into place, and a file
lock makes a second process wait for the first instead of training twice, so a
whole test session (and CI) trains it once. It loads with
``MarianMTModel``/``MarianTokenizer.from_pretrained`` and converts to
CTranslate2 like ``Helsinki-NLP/opus-mt-ar-en``; ``--model demo`` names it
(:data:`kzparallel.translation.model.DEMO_MODEL_ID`, resolved by :func:`demo_model_ref`).

Training is seeded and runs on ``TrainingRecipe.threads`` CPU threads (the
process's torch thread count is restored afterwards), so the same recipe gives
the same weights on the same machine and library versions. What can still
change the weights: another CPU (its vector instructions change the rounding
of matrix products), another torch/oneDNN build or thread count, another
sentencepiece version (the tokenizers). The recipe hash covers the recipe, the
code of the corpus generator, the glossary's content, the seed articles and
references, and the major versions of torch, transformers and sentencepiece -
not the CPU.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import os
import random
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from kzparallel.atomic import atomic_directory, remove_leftovers
from kzparallel.demo.corpus import CorpusRecipe, ParallelCorpus, corpus_hash, generate_corpus
from kzparallel.demo.random_model import marian_config, write_tokenizer
from kzparallel.errors import DependencyError
from kzparallel.translation.cache import default_cache_dir
from kzparallel.translation.model import DEMO_MODEL_ID, ModelRef

MODELS_DIR_ENV = "KZPARALLEL_MODELS_DIR"
RECIPE_FILE = "kzparallel-demo.json"  # in the model directory: recipe, corpus hash, timings
TRAINING_MINUTES = 4  # what the message on first use says (measured: see README)


@dataclass(frozen=True)
class TrainingRecipe:
    """Model shape and training hyper-parameters."""

    layers: int = 2
    d_model: int = 128
    heads: int = 4
    ffn: int = 512
    dropout: float = 0.1
    tokenizer: str = "bpe"  # SentencePiece model type
    # small vocabularies: names are several pieces, as in a real model, and the
    # English is at most ~2x the Arabic in pieces (the decoder's length cap)
    source_vocab: int = 1000
    target_vocab: int = 1000
    epochs: int = 6
    seed_repeats: int = 20  # each seed sentence pair is seen this many times per epoch
    batch_tokens: int = 1200  # longest side x sentences, per batch
    lr: float = 2e-3
    warmup: int = 300  # steps; then linear decay to 0
    label_smoothing: float = 0.1
    threads: int = 2
    seed: int = 0


def _library_versions() -> dict[str, str]:
    from importlib.metadata import version

    def major(pkg: str, parts: int) -> str:
        return ".".join(version(pkg).split("+")[0].split(".")[:parts])

    return {
        "torch": major("torch", 2),
        "transformers": major("transformers", 1),
        "sentencepiece": major("sentencepiece", 2),
    }


@dataclass(frozen=True)
class DemoRecipe:
    """Everything the trained model depends on; :attr:`hash` keys its cache."""

    corpus: CorpusRecipe = field(default_factory=CorpusRecipe)
    training: TrainingRecipe = field(default_factory=TrainingRecipe)

    def fingerprint(self) -> dict[str, Any]:
        return {
            "corpus": self.corpus.fingerprint(),
            "training": asdict(self.training),
            "libraries": _library_versions(),
        }

    @cached_property
    def hash(self) -> str:
        """12 hex digits of SHA-256 over :meth:`fingerprint`."""
        canon = json.dumps(self.fingerprint(), sort_keys=True)
        return hashlib.sha256(canon.encode()).hexdigest()[:12]


@dataclass
class TrainedModel:
    """A trained model directory and the recipe it was made from. Usable as a
    path (``os.fspath(model)``)."""

    path: Path
    recipe: DemoRecipe
    trained_now: bool = False  # this call trained it (False: taken from the cache)

    def __fspath__(self) -> str:
        return str(self.path)

    @property
    def hash(self) -> str:
        return self.recipe.hash

    @cached_property
    def corpus(self) -> ParallelCorpus:
        """The corpus it was trained on, with its ground truth (regenerated)."""
        return generate_corpus(self.recipe.corpus)

    @property
    def info(self) -> dict[str, Any]:
        """What training recorded: recipe, corpus hash, steps, loss, seconds."""
        return json.loads((self.path / RECIPE_FILE).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def models_dir(directory: str | Path | None = None) -> Path:
    """Where trained models are cached: ``directory``, else
    ``$KZPARALLEL_MODELS_DIR``, else ``models/`` in the cache directory."""
    if directory is not None:
        return Path(directory)
    if os.environ.get(MODELS_DIR_ENV):
        return Path(os.environ[MODELS_DIR_ENV])
    return default_cache_dir() / "models"


def model_dir(recipe: DemoRecipe, directory: str | Path | None = None) -> Path:
    """The cached model directory of ``recipe``: ``demo-<recipe hash>``."""
    return models_dir(directory) / f"demo-{recipe.hash}"


def default_recipe() -> DemoRecipe:
    """The recipe of ``--model demo``."""
    return DemoRecipe()


def _complete(path: Path) -> bool:
    return (path / RECIPE_FILE).is_file() and (path / "model.safetensors").is_file()


def demo_model(
    recipe: DemoRecipe | None = None,
    *,
    directory: str | Path | None = None,
    on_train: Callable[[Path], None] | None = None,
) -> TrainedModel:
    """The trained model of ``recipe`` (default: :func:`default_recipe`), from
    the cache in :func:`models_dir` or trained now (``on_train(path)`` is
    called first, with the directory it will be cached in)."""
    import filelock

    recipe = recipe or default_recipe()
    out = model_dir(recipe, directory)
    if _complete(out):
        return TrainedModel(out, recipe)
    out.parent.mkdir(parents=True, exist_ok=True)
    with filelock.FileLock(str(out.parent / f"{out.name}.lock")):
        if _complete(out):  # another process trained it while we waited
            return TrainedModel(out, recipe)
        remove_leftovers(out)  # what a killed trainer left
        if on_train is not None:
            on_train(out)
        with atomic_directory(out) as tmp:
            train_model(tmp, recipe)
    return TrainedModel(out, recipe, trained_now=True)


def demo_model_ref() -> ModelRef:
    """``--model demo`` (:data:`kzparallel.translation.model.NAMED_MODELS`): the
    demo model pinned to its recipe hash, trained first if it is not cached
    (with a line on stderr saying so; torch is needed to train)."""

    def note(path: Path) -> None:
        if importlib.util.find_spec("torch") is None:
            raise DependencyError(
                "the demo model is trained on first use and needs torch: pip install torch==2.13.0"
            )
        print(
            f"training the kzparallel demo model (a small MarianMT, about {TRAINING_MINUTES} "
            f"minutes on 2 CPU cores, once); it is cached in {path}",
            file=sys.stderr,
            flush=True,
        )

    trained = demo_model(on_train=note)
    return ModelRef(model_id=DEMO_MODEL_ID, revision=trained.hash, path=trained.path.resolve())


# -- training ---------------------------------------------------------------------------


def _batches(lengths: list[int], budget: int, rng: random.Random) -> list[list[int]]:
    """Shuffle, sort by length within windows of ~100 batches, cut by token budget."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    window = max(1, budget // 8) * 100
    batches: list[list[int]] = []
    for w in range(0, len(order), window):
        chunk = sorted(order[w : w + window], key=lengths.__getitem__)
        batch: list[int] = []
        longest = 0
        for i in chunk:
            longest2 = max(longest, lengths[i])
            if batch and longest2 * (len(batch) + 1) > budget:
                batches.append(batch)
                batch, longest2 = [], lengths[i]
            batch.append(i)
            longest = longest2
        if batch:
            batches.append(batch)
    rng.shuffle(batches)
    return batches


def train_model(
    out: str | Path,
    recipe: DemoRecipe | None = None,
    *,
    corpus: ParallelCorpus | None = None,
    log: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Train the model of ``recipe`` into the directory ``out`` (no cache);
    return what :data:`RECIPE_FILE` records."""
    import torch
    from transformers import MarianMTModel, MarianTokenizer
    from transformers.utils import logging as hf_logging

    recipe = recipe or DemoRecipe()
    t = recipe.training
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    corpus = corpus or generate_corpus(recipe.corpus)
    pairs = corpus.train + corpus.seed_pairs
    vocab = write_tokenizer(
        out,
        "\n".join(ar for ar, _ in pairs),
        "\n".join(en for _, en in pairs),
        source_vocab=t.source_vocab,
        target_vocab=t.target_vocab,
        model_type=t.tokenizer,
    )
    tok = MarianTokenizer.from_pretrained(out)
    src = [tok(ar).input_ids for ar, _ in pairs]
    tgt = [tok(text_target=en).input_ids for _, en in pairs]
    pad = vocab["<pad>"]
    # one epoch: every generated pair once, every seed pair seed_repeats times
    n_train = len(corpus.train)
    epoch = list(range(n_train)) + [
        n_train + i for i in range(len(corpus.seed_pairs)) for _ in range(t.seed_repeats)
    ]
    lengths = [max(len(src[i]), len(tgt[i])) for i in epoch]
    rng = random.Random(t.seed)
    plan = [
        [epoch[i] for i in b]
        for _ in range(t.epochs)
        for b in _batches(lengths, t.batch_tokens, rng)
    ]

    threads = torch.get_num_threads()
    torch.set_num_threads(t.threads)
    try:
        torch.manual_seed(t.seed)
        config = marian_config(
            vocab,
            layers=t.layers,
            d_model=t.d_model,
            heads=t.heads,
            ffn=t.ffn,
            dropout=t.dropout,
            attention_dropout=0.0,
            activation_dropout=0.0,
        )
        model = MarianMTModel(config)
        with torch.no_grad():
            model.model.shared.weight[pad].zero_()
        model.train()
        opt = torch.optim.AdamW(model.parameters(), lr=t.lr, betas=(0.9, 0.98), weight_decay=0.0)
        total = len(plan)

        def schedule(step: int) -> float:
            if step < t.warmup:
                return (step + 1) / t.warmup
            return max(0.0, (total - step) / max(1, total - t.warmup))

        sched = torch.optim.lr_scheduler.LambdaLR(opt, schedule)
        loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-100, label_smoothing=t.label_smoothing)
        losses: list[float] = []
        for step, batch in enumerate(plan):
            s_len = max(len(src[i]) for i in batch)
            t_len = max(len(tgt[i]) for i in batch)
            input_ids = torch.tensor([src[i] + [pad] * (s_len - len(src[i])) for i in batch])
            labels = torch.tensor([tgt[i] + [-100] * (t_len - len(tgt[i])) for i in batch])
            logits = model(
                input_ids=input_ids, attention_mask=(input_ids != pad).long(), labels=labels
            ).logits
            loss = loss_fn(logits.view(-1, logits.size(-1)), labels.view(-1))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            with torch.no_grad():  # <pad> starts the decoder: a zero embedding, as in Marian
                model.model.shared.weight[pad].zero_()
            losses.append(loss.item())
            if log is not None and (step + 1) % 200 == 0:
                recent = sum(losses[-200:]) / len(losses[-200:])
                log(
                    f"step {step + 1}/{total} loss {recent:.3f} {time.perf_counter() - started:.0f}s"
                )
        model.eval()
        bars = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()  # no "Writing model shards" bar on stderr
        try:
            model.save_pretrained(out)
        finally:
            if bars:
                hf_logging.enable_progress_bar()
    finally:
        torch.set_num_threads(threads)
    last = losses[-min(len(losses), 200) :]
    info = {
        "model": "kzparallel-demo",
        "recipe_hash": recipe.hash,
        "recipe": recipe.fingerprint(),
        "corpus_hash": corpus_hash(corpus),
        "pairs": {
            "generated": n_train,
            "seed": len(corpus.seed_pairs),
            "heldout": len(corpus.heldout),
        },
        "steps": len(plan),
        "final_loss": round(sum(last) / max(1, len(last)), 4),
        "seconds": round(time.perf_counter() - started, 1),
        "cpu_threads": t.threads,
        "cpu_count": os.cpu_count(),
        "finite": all(math.isfinite(x) for x in losses),
    }
    (out / RECIPE_FILE).write_text(json.dumps(info, indent=1, sort_keys=True), encoding="utf-8")
    return info
