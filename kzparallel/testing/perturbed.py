"""Perturbed copies of the seed articles, for benchmarks and reproducibility
tests: every copy's sentences are new texts (new numbers, two words swapped, the
copy number inserted), so neither the translation cache nor deduplication can
fold them, while each copy keeps its seed's structure and furniture."""

from __future__ import annotations

import random
import re
from pathlib import Path

ARABIC = re.compile(r"[\u0600-\u06ff]")
NUMBER = re.compile(r"[0-9\u0660-\u0669]+")
ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"


def _renumber(match: re.Match[str], rng: random.Random) -> str:
    text = match.group(0)
    arabic_indic = text[0] in ARABIC_INDIC
    digits = "".join(str(ARABIC_INDIC.index(c)) if c in ARABIC_INDIC else c for c in text)
    value = str(int(digits) + rng.randint(1, 97))
    if arabic_indic:
        value = "".join(ARABIC_INDIC[int(c)] for c in value)
    return value


SENTENCE_END = re.compile(r"(?<=[.!?\u061f])\s+")


def _perturb_sentence(sentence: str, rng: random.Random, number: str) -> str:
    """New numbers, two words swapped, the copy number inserted (so no two
    copies share a sentence)."""
    sentence = NUMBER.sub(lambda m: _renumber(m, rng), sentence)
    words = sentence.split(" ")
    if len(words) >= 4:
        i, j = rng.sample(range(1, len(words)), 2)
        words[i], words[j] = words[j], words[i]
    words.insert(rng.randint(1, max(1, len(words) - 1)), number)
    return " ".join(words)


def perturb_article(text: str, copy: int) -> str:
    """One perturbed copy of a seed article (deterministic for ``copy``).

    Every sentence of a line with Arabic gets new numbers, two words swapped
    and the copy number (in Arabic-Indic digits) inserted; the paragraphs of
    the body are shuffled.
    """
    rng = random.Random(copy)
    number = "".join(ARABIC_INDIC[int(c)] for c in str(copy))
    out: list[str] = []
    for line in text.split("\n"):
        if ARABIC.search(line):
            line = " ".join(_perturb_sentence(s, rng, number) for s in SENTENCE_END.split(line))
        out.append(line)
    paras = [p for p in "\n".join(out).split("\n\n") if p.strip()]
    # keep the page head (title and navigation) where it is, shuffle the body
    head, body = paras[: len(paras) // 3], paras[len(paras) // 3 :]
    rng.shuffle(body)
    return "\n\n".join([*head, *body]) + "\n"


def write_perturbed_corpus(
    out_dir: str | Path, copies: int, seeds_dir: str | Path | None = None
) -> list[Path]:
    """``copies`` perturbed seed articles, ``NNNNNN_<seed>.txt`` (copy k is seed
    ``k % 5`` perturbed with k): every copy's sentences are new texts, so the
    translation cache cannot dedupe them."""
    if seeds_dir is None:
        from kzparallel.translation.bench import default_seeds_dir

        seeds_dir = default_seeds_dir()
    seeds = Path(seeds_dir)
    texts = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(seeds.glob("*.txt"))]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    for k in range(copies):
        stem, text = texts[k % len(texts)]
        path = out / f"{k:06d}_{stem}.txt"
        path.write_text(perturb_article(text, k), encoding="utf-8")
        files.append(path)
    return files
