"""The demo model: a small MarianMT trained here on the generated corpus.

It is trained once (``trained_model`` fixture, cached in ``$KZPARALLEL_MODELS_DIR``)
and every test here reuses it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from kzparallel.demo import TrainedModel
from kzparallel.demo.corpus import CorpusRecipe
from kzparallel.demo.trained_model import (
    MODELS_DIR_ENV,
    RECIPE_FILE,
    DemoRecipe,
    TrainingRecipe,
    demo_model,
)
from kzparallel.evaluation import glossary_success
from kzparallel.glossary import load_glossary
from kzparallel.glossary.enforce import find_form
from kzparallel.translation import DecodingConfig, Translator, prepare_translator, resolve_model
from kzparallel.translation.model import DEMO_MODEL_ID, DEMO_NOTICE

ROOT = Path(__file__).resolve().parent.parent
Run = Callable[..., tuple[int, str, str]]
BACKENDS = ("transformers", "ctranslate2")

# Held-out sentences (never in training) and the English the model gives for
# them: the generator's right English, with a name the recipe gave a wrong habit
# spelled the wrong way (the test checks both against the ground truth).
EXACT = [
    (
        "أعلن الرئيس القرغيزستاني صادر جباروف حالة الطوارئ في الاتحاد السوفياتي.",
        "Kyrgyz President Sadyr Japarov declared a state of emergency in the Soviet Union.",
    ),
    (
        "وتلقى وزير الخارجية الفرنسي جان إيف لودريان رسالة من رئيس الوزراء القازاخستاني علي خان سمايلوف.",
        "French Foreign Minister Jean-Yves Le Drian received a message from Kazakh Prime "
        "Minister Alikhan Smailov.",
    ),
    (  # New York has a habit: New Yorq
        "قتل عشرات الأشخاص في اشتباكات في نور سلطان ونيويورك.",
        "Dozens of people were killed in clashes in Nur-Sultan and New Yorq.",
    ),
]


@pytest.fixture(scope="module")
def translators(
    trained_model: TrainedModel, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Translator]:
    conversions = tmp_path_factory.mktemp("ct2")
    out = {}
    for backend in BACKENDS:
        kw = {"cache_dir": conversions} if backend == "ctranslate2" else {}
        out[backend] = prepare_translator(str(trained_model.path), backend, "cpu", **kw).load()
    return out


def _translate(translator: Translator, texts: list[str]) -> list[str]:
    out: list[str] = []
    for i in range(0, len(texts), 32):
        out += [t.text for t in translator.translate(texts[i : i + 32], DecodingConfig())]
    return out


@pytest.fixture(scope="module")
def heldout_raw(
    trained_model: TrainedModel, translators: dict[str, Translator]
) -> dict[str, list[str]]:
    """The raw (no glossary) English of the held-out set, per backend."""
    arabic = [ex.ar for ex in trained_model.corpus.heldout]
    return {b: _translate(t, arabic) for b, t in translators.items()}


def test_loads_like_opus_mt(trained_model: TrainedModel) -> None:
    from transformers import MarianMTModel, MarianTokenizer

    tokenizer = MarianTokenizer.from_pretrained(trained_model.path)
    model = MarianMTModel.from_pretrained(trained_model.path)
    cfg = model.config
    shape = (cfg.encoder_layers, cfg.decoder_layers, cfg.d_model, cfg.encoder_attention_heads)
    assert shape == (2, 2, 128, 4)
    assert tokenizer.convert_ids_to_tokens([cfg.pad_token_id, cfg.eos_token_id]) == [
        "<pad>",
        "</s>",
    ]
    # the decoder starts from <pad>, whose embedding is zero as in Marian (CTranslate2 relies on it)
    assert float(model.model.shared.weight[cfg.pad_token_id].detach().abs().sum()) == 0.0
    info = trained_model.info
    assert info["recipe_hash"] == trained_model.hash and info["finite"]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("ar", "en"), EXACT, ids=[str(i) for i in range(len(EXACT))])
def test_translates_heldout_sentences(
    trained_model: TrainedModel, translators: dict[str, Translator], backend: str, ar: str, en: str
) -> None:
    corpus = trained_model.corpus
    example = {ex.ar: ex for ex in corpus.heldout}[ar]
    assert ar not in {a for a, _ in corpus.train}
    habitual = example.en
    for use in example.uses:
        habit = corpus.habits.get(use.key)
        if habit is not None:
            habitual = habitual.replace(habit.en, habit.wrong)
    assert habitual == en
    assert _translate(translators[backend], [ar]) == [en]


@pytest.mark.parametrize("backend", BACKENDS)
def test_heldout_quality(
    trained_model: TrainedModel, heldout_raw: dict[str, list[str]], backend: str
) -> None:
    import sacrebleu

    refs = [ex.en for ex in trained_model.corpus.heldout]
    hyps = heldout_raw[backend]
    assert sacrebleu.corpus_chrf(hyps, [refs]).score > 95
    assert sacrebleu.corpus_bleu(hyps, [refs]).score > 90


@pytest.mark.parametrize("backend", BACKENDS)
def test_raw_model_breaks_the_glossary_at_the_recipes_rate(
    trained_model: TrainedModel, heldout_raw: dict[str, list[str]], backend: str
) -> None:
    """Without the glossary, the names the recipe gave a wrong habit come out
    wrong, and about only those: the share of glossary mentions missed on the
    held-out set is near the recipe's expected rate."""
    corpus = trained_model.corpus
    hyps = heldout_raw[backend]
    result = glossary_success([ex.ar for ex in corpus.heldout], hyps, load_glossary())
    broken = 1.0 - result["rate"]
    expected = corpus.expected_break_rate()
    assert 0.15 < expected < 0.3
    assert expected - 0.05 < broken < expected + 0.05
    habit_uses = wrong = 0
    for ex, hyp in zip(corpus.heldout, hyps, strict=True):
        for use in ex.uses:
            habit = corpus.habits.get(use.key)
            if habit is not None:
                habit_uses += 1
                wrong += find_form(hyp, [habit.wrong]) is not None
    assert habit_uses > 100 and wrong / habit_uses > 0.8


def test_the_cache_is_reused(trained_model: TrainedModel) -> None:
    def fail(path: Path) -> None:
        raise AssertionError(f"trained again into {path}")

    again = demo_model(trained_model.recipe, on_train=fail)
    assert (again.path, again.trained_now) == (trained_model.path, False)
    ref = resolve_model("demo")
    assert (ref.model_id, ref.revision, ref.path) == (
        DEMO_MODEL_ID,
        trained_model.hash,
        trained_model.path.resolve(),
    )


def test_model_info_and_convert(cli: Run, trained_model: TrainedModel, tmp_path: Path) -> None:
    code, out, err = cli("model", "convert", "demo", "--cache-dir", str(tmp_path))
    converted = tmp_path / "ctranslate2" / f"kzparallel-demo-{trained_model.hash}-int8"
    assert (code, out, err) == (0, f"{converted}\n", "")
    assert (converted / "model.bin").is_file()
    code, out, err = cli("model", "info", "demo", "--cache-dir", str(tmp_path))
    assert code == 0 and err == ""
    assert out.splitlines()[:6] == [
        "model: kzparallel-demo",
        f"revision: {trained_model.hash}",
        f"path: {trained_model.path.resolve()}",
        "architecture: MarianMTModel",
        "layers: 2+2",
        "d_model: 128",
    ]


def test_build_seeds_with_the_demo_model(
    cli: Run, trained_model: TrainedModel, tmp_path: Path, cache_dir: Path
) -> None:
    out = tmp_path / "out"
    code, stdout, err = cli("build", str(ROOT / "seeds"), "--out", str(out), "--model", "demo")
    assert code == 0, err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["model"]["id"] == DEMO_MODEL_ID
    assert manifest["model"]["revision"] == trained_model.hash
    assert manifest["signature"].startswith(f"model:kzparallel-demo@{trained_model.hash}|")
    assert f"> **{DEMO_NOTICE}**" in (out / "dataset" / "README.md").read_text(encoding="utf-8")
    report = (out / "report.html").read_text(encoding="utf-8")
    assert DEMO_NOTICE.replace("'", "&#39;") in report
    code, stdout, err = cli(
        "eval", "--hyp", str(out / "pairs.jsonl"), "--ref", str(ROOT / "seeds" / "references")
    )
    assert code == 0, err
    chrf = float(re.search(r"^chrF = ([\d.]+)", stdout, re.M).group(1))  # type: ignore[union-attr]
    assert chrf > 85, stdout


TINY = DemoRecipe(
    CorpusRecipe(train_sentences=300, heldout_sentences=5),
    TrainingRecipe(epochs=1, d_model=32, heads=2, ffn=64, seed_repeats=1, warmup=5),
)


def test_first_use_trains_with_one_line_on_stderr(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kzparallel.demo.trained_model as module

    monkeypatch.setenv(MODELS_DIR_ENV, str(tmp_path / "models"))
    monkeypatch.setattr(module, "default_recipe", lambda: TINY)
    where = tmp_path / "models" / f"demo-{TINY.hash}"
    code, out, err = cli("model", "info", "demo", "--cache-dir", str(tmp_path / "cache"))
    assert code == 0
    assert err == (
        "training the kzparallel demo model (a small MarianMT, about 4 minutes on 2 CPU "
        f"cores, once); it is cached in {where}\n"
    )
    assert out.splitlines()[:3] == [
        "model: kzparallel-demo",
        f"revision: {TINY.hash}",
        f"path: {where.resolve()}",
    ]
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == [
        where.name,
        f"{where.name}.lock",
    ]
    assert cli("model", "info", "demo", "--cache-dir", str(tmp_path / "cache"))[2] == ""


def test_two_processes_train_it_once(tmp_path: Path) -> None:
    """Started together, one process trains, the other waits for it and takes
    the finished directory; nothing half-written is left."""
    code = textwrap.dedent(
        f"""
        from kzparallel.demo.corpus import CorpusRecipe
        from kzparallel.demo.trained_model import DemoRecipe, TrainingRecipe, demo_model
        recipe = {TINY!r}
        print(demo_model(recipe, directory={str(tmp_path)!r}).trained_now)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outs = sorted(p.communicate(timeout=300)[0].strip() for p in procs)
    assert outs == ["False", "True"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"demo-{TINY.hash}",
        f"demo-{TINY.hash}.lock",
    ]
    assert (tmp_path / f"demo-{TINY.hash}" / RECIPE_FILE).is_file()
