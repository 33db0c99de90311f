"""Build random-weight MarianMT models for tests and benchmarks.

These machines have no access to the Hugging Face Hub, so tests build a real
MarianMT model directory at test time: SentencePiece models trained on the
seed articles (Arabic) and a small English text, a joint ``vocab.json``, a
``MarianConfig`` and random weights, written with ``save_pretrained``. The
directory loads with ``MarianMTModel.from_pretrained`` and
``MarianTokenizer.from_pretrained`` exactly like ``Helsinki-NLP/opus-mt-ar-en``.

``opus_mt_shape=True`` gives the real opus-mt-ar-en shape (6+6 layers, d=512,
8 heads, FFN 2048, vocabulary 62,834) for benchmarks. Nothing here is ever
committed: the weights are random and rebuilt on demand.
"""

from __future__ import annotations

import json
import random
import re
import tempfile
from pathlib import Path

# A small English news text for the target SentencePiece model.
ENGLISH_TEXT = """\
Kazakhstan's President Kassym-Jomart Tokayev dismissed the government and declared a state of emergency.
Protests began in Zhanaozen and Aktau over a sharp rise in the price of liquefied petroleum gas.
The unrest spread to Almaty, the country's largest city, and to the capital Nur-Sultan.
The Collective Security Treaty Organization (CSTO) sent peacekeeping forces to Kazakhstan.
Russia, Belarus, Armenia, Tajikistan and Kyrgyzstan contributed troops to the mission.
White House press secretary Jen Psaki said the United States had questions about the request.
State Department spokesman Ned Price called on all parties to respect human rights.
Secretary of State Antony Blinken spoke by phone with his Kazakh counterpart Mukhtar Tileuberdi.
Russian Foreign Ministry spokeswoman Maria Zakharova responded to the remarks.
The speaker of the State Duma, Vyacheslav Volodin, accused Washington of wanting instability.
United Nations spokesman Stephane Dujarric urged restraint and dialogue.
European Union foreign policy chief Josep Borrell expressed deep concern about the violence.
British Foreign Secretary Liz Truss said the United Kingdom was concerned.
French Foreign Minister Jean-Yves Le Drian called for restraint and dialogue.
Chinese Foreign Ministry spokesman Wang Wenbin said the situation was an internal affair.
Dozens of people were killed and thousands were injured in clashes with security forces.
Flights were cancelled, banks were closed and the internet was shut down across the country.
The peacekeepers will protect important government and military facilities for a limited period.
On Thursday, January 6, 2022, more than 1,000 people were reported injured.
Deputy White House press secretary Karine Jean-Pierre spoke to reporters on Friday.
The Interior Ministry said members of the security forces had been killed in the unrest.
Eurasianet reported that this was the first time the collective security clause had been used.
The Belarusian news agency BelTA said troops had been sent for a limited period.
"""


def _seed_texts(seeds_dir: Path | None) -> str:
    if seeds_dir is None:
        seeds_dir = Path(__file__).resolve().parent.parent / "seeds"
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    if not texts:
        raise FileNotFoundError(f"no seed articles (*.txt) in {seeds_dir}")
    return "\n".join(texts)


def _train_spm(text: str, prefix: Path, vocab_size: int) -> None:
    import sentencepiece as spm

    corpus = prefix.with_suffix(".txt")
    corpus.write_text(text, encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(prefix),
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        character_coverage=1.0,
        model_type="unigram",
        bos_id=-1,
        eos_id=-1,
        unk_id=0,
        num_threads=1,
        minloglevel=2,
    )
    corpus.unlink()


def build_marian_model(
    out_dir: str | Path,
    *,
    seeds_dir: str | Path | None = None,
    opus_mt_shape: bool = False,
    layers: int = 2,
    d_model: int = 32,
    heads: int = 2,
    ffn: int = 64,
    vocab_size: int | None = None,
    seed: int = 0,
) -> Path:
    """Write a random-weight MarianMT model + tokenizer to ``out_dir``; return it.

    ``opus_mt_shape`` overrides the size arguments with the real
    opus-mt-ar-en shape. ``vocab_size`` pads the joint vocabulary with unused
    pieces up to that size (the real model has 62,834 entries).
    """
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if opus_mt_shape:
        layers, d_model, heads, ffn = 6, 512, 8, 2048
        vocab_size = vocab_size or 62834

    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        _train_spm(_seed_texts(Path(seeds_dir) if seeds_dir else None), tmpdir / "source", 800)
        _train_spm(ENGLISH_TEXT * 3, tmpdir / "target", 400)
        for name in ("source", "target"):
            (out / f"{name}.spm").write_bytes((tmpdir / f"{name}.model").read_bytes())
            vocab_lines = (tmpdir / f"{name}.vocab").read_text(encoding="utf-8").splitlines()
            if name == "source":
                src_pieces = [line.split("\t")[0] for line in vocab_lines]
            else:
                tgt_pieces = [line.split("\t")[0] for line in vocab_lines]

    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
    for piece in src_pieces + tgt_pieces:
        if piece not in vocab and piece not in ("<s>", "<pad>"):
            vocab[piece] = len(vocab)
    if vocab_size is not None:
        i = 0
        while len(vocab) < vocab_size - 1:
            vocab.setdefault(f"<unused{i}>", len(vocab))
            i += 1
    vocab["<pad>"] = len(vocab)
    (out / "vocab.json").write_text(
        json.dumps(vocab, ensure_ascii=False, indent=1), encoding="utf-8"
    )

    tokenizer = MarianTokenizer(
        source_spm=str(out / "source.spm"),
        target_spm=str(out / "target.spm"),
        vocab=str(out / "vocab.json"),
        source_lang="ar",
        target_lang="en",
    )
    tokenizer.save_pretrained(out)

    pad = vocab["<pad>"]
    config = MarianConfig(
        vocab_size=len(vocab),
        d_model=d_model,
        encoder_layers=layers,
        decoder_layers=layers,
        encoder_attention_heads=heads,
        decoder_attention_heads=heads,
        encoder_ffn_dim=ffn,
        decoder_ffn_dim=ffn,
        max_position_embeddings=512,
        pad_token_id=pad,
        eos_token_id=0,
        decoder_start_token_id=pad,
        forced_eos_token_id=0,
        bad_words_ids=[[pad]],
        num_beams=4,
        max_length=512,
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
        activation_function="swish",
        static_position_embeddings=True,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config)
    # Steer the random model towards target (English) pieces so its output
    # looks like English text rather than Arabic; the weights stay random.
    tgt_ids = {vocab[p] for p in tgt_pieces if p in vocab}
    with torch.no_grad():
        for idx in range(len(vocab)):
            if idx not in tgt_ids and idx != 0:
                model.final_logits_bias[0, idx] = -8.0
    model.eval()
    model.save_pretrained(out)
    return out


# -- perturbed copies of the seed articles (benchmarks, reproducibility tests) ---

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
    seeds = Path(seeds_dir) if seeds_dir else Path(__file__).resolve().parent.parent / "seeds"
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
