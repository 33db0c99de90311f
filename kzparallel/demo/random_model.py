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
from pathlib import Path
from typing import Any

from kzparallel.translation.bench import default_seeds_dir

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
        seeds_dir = default_seeds_dir()
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    if not texts:
        raise FileNotFoundError(f"no seed articles (*.txt) in {seeds_dir}")
    return "\n".join(texts)


def train_spm(text: str, path: Path, vocab_size: int, model_type: str = "unigram") -> list[str]:
    """Train a SentencePiece model (``unigram`` or ``bpe``) on the lines of
    ``text`` and write it to ``path``; return its pieces in id order. Trained
    from memory on one thread, so the same text gives the same bytes.
    ``vocab_size`` is a soft limit (a small text gives fewer pieces)."""
    import io

    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(text.splitlines()),
        model_writer=model,
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        character_coverage=1.0,
        model_type=model_type,
        bos_id=-1,
        eos_id=-1,
        unk_id=0,
        num_threads=1,
        minloglevel=2,
    )
    path.write_bytes(model.getvalue())
    sp = spm.SentencePieceProcessor(model_proto=model.getvalue())
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())]


def write_tokenizer(
    out: Path,
    source_text: str,
    target_text: str,
    *,
    source_vocab: int,
    target_vocab: int,
    vocab_size: int | None = None,
    model_type: str = "unigram",
) -> dict[str, int]:
    """Train the source and target SentencePiece models, write ``source.spm``,
    ``target.spm``, the joint ``vocab.json`` (``</s>`` 0, ``<unk>`` 1, the
    pieces, ``<pad>`` last, as in opus-mt) and the tokenizer config to ``out``;
    return the vocabulary. ``vocab_size`` pads it with unused pieces;
    ``model_type`` is SentencePiece's (``unigram``, as opus-mt, or ``bpe``)."""
    from transformers import MarianTokenizer

    src_pieces = train_spm(source_text, out / "source.spm", source_vocab, model_type)
    tgt_pieces = train_spm(target_text, out / "target.spm", target_vocab, model_type)

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
    return vocab


def target_piece_ids(out: Path, vocab: dict[str, int]) -> set[int]:
    """Ids of the joint vocabulary that are pieces of the target model."""
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(out / "target.spm"))
    pieces = (sp.id_to_piece(i) for i in range(sp.get_piece_size()))
    return {vocab[p] for p in pieces if p in vocab}


def marian_config(
    vocab: dict[str, int], *, layers: int, d_model: int, heads: int, ffn: int, **kw: object
) -> Any:
    """A ``MarianConfig`` shaped like opus-mt-ar-en's (shared embeddings,
    sinusoidal positions, swish, ``<pad>`` as decoder start) for ``vocab``."""
    from transformers import MarianConfig

    pad = vocab["<pad>"]
    return MarianConfig(
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
        **kw,
    )


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
    from transformers import MarianMTModel

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if opus_mt_shape:
        layers, d_model, heads, ffn = 6, 512, 8, 2048
        vocab_size = vocab_size or 62834

    vocab = write_tokenizer(
        out,
        _seed_texts(Path(seeds_dir) if seeds_dir else None),
        ENGLISH_TEXT * 3,
        source_vocab=800,
        target_vocab=400,
        vocab_size=vocab_size,
    )
    config = marian_config(vocab, layers=layers, d_model=d_model, heads=heads, ffn=ffn)
    torch.manual_seed(seed)
    model = MarianMTModel(config)
    # Steer the random model towards target (English) pieces so its output
    # looks like English text rather than Arabic; the weights stay random.
    tgt_ids = target_piece_ids(out, vocab)
    with torch.no_grad():
        for idx in range(len(vocab)):
            if idx not in tgt_ids and idx != 0:
                model.final_logits_bias[0, idx] = -8.0
    model.eval()
    model.save_pretrained(out)
    return out
