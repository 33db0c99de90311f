"""The generated parallel corpus of the demo model and its ground truth (no model needed)."""

from __future__ import annotations

import collections
import re
import shutil
from pathlib import Path

import pytest

from kzparallel.demo.corpus import (
    KINDS,
    CorpusRecipe,
    ParallelCorpus,
    corpus_hash,
    generate_corpus,
    seed_sentence_pairs,
)
from kzparallel.demo.generator import module_code
from kzparallel.demo.trained_model import DemoRecipe, TrainingRecipe
from kzparallel.evaluation import glossary_success
from kzparallel.glossary import load_glossary
from kzparallel.glossary.enforce import find_form

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def corpus() -> ParallelCorpus:
    return generate_corpus()


@pytest.fixture(scope="module")
def glossary():  # type: ignore[no-untyped-def]
    return load_glossary()


def test_same_recipe_same_corpus(corpus: ParallelCorpus) -> None:
    again = generate_corpus(CorpusRecipe())
    assert corpus_hash(again) == corpus_hash(corpus)
    assert [(e.ar, e.en) for e in again.heldout] == [(e.ar, e.en) for e in corpus.heldout]
    other = generate_corpus(CorpusRecipe(seed=1, train_sentences=200, heldout_sentences=20))
    assert other.train[:50] != corpus.train[:50]


def test_sizes_follow_the_recipe(corpus: ParallelCorpus) -> None:
    recipe = corpus.recipe
    assert len(corpus.train) == recipe.train_sentences
    assert len(corpus.heldout) == recipe.heldout_sentences
    # every sentence of the five seed articles, paired with the references' English
    assert len(corpus.seed_pairs) == 107


def test_heldout_never_seen_in_training(corpus: ParallelCorpus) -> None:
    train_ar = {ar for ar, _ in corpus.train}
    assert not [ex.ar for ex in corpus.heldout if ex.ar in train_ar]
    assert len({ex.ar for ex in corpus.heldout}) == len(corpus.heldout)


def test_heldout_mentions_are_what_the_glossary_finds(corpus: ParallelCorpus, glossary) -> None:  # type: ignore[no-untyped-def]
    """The names a held-out sentence was filled with are exactly the mentions the
    project's matcher finds in its Arabic (no template word is a glossary term,
    no outside name is read as one), and its English has each right form."""
    for ex in corpus.heldout:
        found = sorted((m.term, m.role) for m in glossary.find(ex.ar))
        used = sorted((u.entry, u.role) for u in ex.uses if u.entry)
        assert found == used, ex.ar
    result = glossary_success(
        [e.ar for e in corpus.heldout], [e.en for e in corpus.heldout], glossary
    )
    assert result["found"] == result["mentions"] > 600


def test_every_glossary_variant_is_used(corpus: ParallelCorpus, glossary) -> None:  # type: ignore[no-untyped-def]
    """All Arabic variants of every entry's name, surname, adjective and people
    form that a template can hold are in the training data."""
    train_ar = "\n".join(ar for ar, _ in corpus.train)
    names = [n for n in corpus.names if n.in_glossary]
    assert {n.entry for n in names} == {e.id for e in glossary.entries}
    missing = [(n.key, v) for n in names for v in n.ar if v not in train_ar]
    assert missing == []


def test_habits_share_kinds_and_spellings(corpus: ParallelCorpus, glossary) -> None:  # type: ignore[no-untyped-def]
    in_glossary = [n for n in corpus.names if n.in_glossary]
    assert len(corpus.habits) == round(corpus.recipe.habit_names * len(in_glossary))
    kinds = collections.Counter(h.kind for h in corpus.habits.values())
    assert set(kinds) == set(KINDS) and max(kinds.values()) - min(kinds.values()) <= 1
    for h in corpus.habits.values():
        form = glossary[h.entry].form(h.role)
        assert find_form(h.wrong, [form.en, *form.also]) is None, h
        assert (h.wrong in form.forbidden) == (h.kind == "forbidden"), h


def test_training_english_prefers_the_habit(corpus: ParallelCorpus, glossary) -> None:  # type: ignore[no-untyped-def]
    """In the training English, a name with a habit is spelled wrong in about
    ``habit_strength`` of the sentences that mention it."""
    wrong = right = 0
    for ar, en in corpus.train:
        for m in glossary.find(ar):
            h = corpus.habit_for(m.term, m.role)
            if h is not None:
                wrong += bool(re.search(rf"(?<!\w){re.escape(h.wrong)}(?!\w)", en))
                right += find_form(en, [h.en]) is not None
    assert wrong + right > 1000
    assert abs(wrong / (wrong + right) - corpus.recipe.habit_strength) < 0.03


def test_outside_names_and_their_renderings(corpus: ParallelCorpus, glossary) -> None:  # type: ignore[no-untyped-def]
    outside = corpus.outside
    two_ways = [n for n in outside if len(n.renderings) == 2]
    assert len(outside) >= 40 and len(two_ways) >= 12
    for n in outside:
        assert not n.in_glossary and all(glossary.find(v) == [] for v in n.ar), n.key
        assert abs(sum(share for _, share in n.renderings) - 1.0) < 1e-9
    share = corpus.recipe.outside_alt_share
    assert all(n.renderings[1][1] == share for n in two_ways)
    # both renderings of such a name are in the training English
    train_en = "\n".join(en for _, en in corpus.train)
    assert all(en in train_en for n in two_ways for en, _ in n.renderings)


def test_seed_pairs_align_every_sentence() -> None:
    pairs = seed_sentence_pairs(ROOT / "seeds")
    assert pairs[0] == (
        "واشنطن: لدينا تساؤلات حول شرعية نشر قوات حفظ السلام التابعة لمنظمة معاهدة الأمن الجماعي في كازاخستان",
        "Washington: we have questions about the legitimacy of deploying Collective Security "
        "Treaty Organization (CSTO) peacekeeping forces in Kazakhstan",
    )
    assert pairs[3] == (
        "لدينا تساؤلات حول شرعية هذا الطلب وما إذا كانت هذه الدعوة قانونية أم لا.",
        "We have questions about the legitimacy of this request and whether this invitation "
        "was lawful or not.",
    )


def test_ground_truth_is_data(corpus: ParallelCorpus) -> None:
    truth = corpus.ground_truth()
    assert set(truth) == {"recipe", "habits", "outside", "heldout"}
    assert len(truth["habits"]) == len(corpus.habits)
    assert truth["heldout"][0]["en"] == corpus.heldout[0].en
    rate = corpus.expected_break_rate()
    uses = [u for ex in corpus.heldout for u in ex.uses if u.entry]
    assert rate == sum(u.key in corpus.habits for u in uses) / len(uses)


# -- the recipe hash ------------------------------------------------------------------


def _edited_glossary(tmp: Path) -> str:
    text = (ROOT / "glossary" / "kazakhstan-2022.yaml").read_text(encoding="utf-8")
    (tmp / "g.yaml").write_text(text.replace("Foreign Minister of Kazakhstan.", "FM."), "utf-8")
    return str(tmp / "g.yaml")


def _edited_seeds(tmp: Path) -> str:
    shutil.copytree(ROOT / "seeds", tmp / "seeds")
    ref = tmp / "seeds" / "references" / "003_a7048d873e8d821e.jsonl"
    ref.write_text(ref.read_text(encoding="utf-8").replace("Borrell", "Borel", 1), "utf-8")
    return str(tmp / "seeds")


@pytest.mark.parametrize(
    "change",
    [
        lambda tmp: DemoRecipe(corpus=CorpusRecipe(seed=1)),
        lambda tmp: DemoRecipe(corpus=CorpusRecipe(habit_names=0.3)),
        lambda tmp: DemoRecipe(corpus=CorpusRecipe(train_sentences=100)),
        lambda tmp: DemoRecipe(training=TrainingRecipe(d_model=64)),
        lambda tmp: DemoRecipe(training=TrainingRecipe(epochs=1)),
        lambda tmp: DemoRecipe(corpus=CorpusRecipe(glossary=_edited_glossary(tmp))),
        lambda tmp: DemoRecipe(corpus=CorpusRecipe(seeds=_edited_seeds(tmp))),
    ],
    ids=["seed", "habit-share", "corpus-size", "d-model", "epochs", "glossary", "references"],
)
def test_recipe_hash_changes_with_the_recipe(change, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base = DemoRecipe()
    assert DemoRecipe().hash == base.hash
    assert change(tmp_path).hash != base.hash


def test_recipe_hash_ignores_glossary_comments(tmp_path: Path) -> None:
    text = (ROOT / "glossary" / "kazakhstan-2022.yaml").read_text(encoding="utf-8")
    (tmp_path / "g.yaml").write_text("# a comment\n" + text, "utf-8")
    shipped = str(ROOT / "glossary" / "kazakhstan-2022.yaml")
    recipe = DemoRecipe(corpus=CorpusRecipe(glossary=str(tmp_path / "g.yaml")))
    assert recipe.hash == DemoRecipe(corpus=CorpusRecipe(glossary=shipped)).hash


GENERATOR_CODE = """\
from __future__ import annotations

import re

from kzparallel.demo.names import SLOTS


def fill(text: str) -> str:
    from kzparallel.glossary import load_glossary

    return re.sub("x", SLOTS["y"], text)
"""


@pytest.mark.parametrize(
    ("edit", "same"),
    [
        # where the modules live and where they import from: not the code
        (lambda s: s.replace("kzparallel.demo.names", "kzparallel.testing.names"), True),
        (
            lambda s: s.replace(
                "from kzparallel.demo.names import SLOTS", "from .names import SLOTS"
            ),
            True,
        ),
        (
            lambda s: s.replace(
                "from kzparallel.demo.names import SLOTS",
                "from kzparallel.demo.names import (\n    SLOTS,\n)",
            ),
            True,
        ),
        (  # an import moved from the function body to the top
            lambda s: s.replace(
                "    from kzparallel.glossary import load_glossary\n\n", ""
            ).replace(
                "import re\n", "import re\n\nfrom kzparallel.glossary import load_glossary\n"
            ),
            True,
        ),
        # the code itself
        (lambda s: s.replace('"y"', '"z"'), False),
        (lambda s: s.replace("import re\n", "import re\nimport json\n"), False),
        (lambda s: s.replace("SLOTS", "NAMES"), False),
    ],
    ids=["package", "relative", "wrapped", "hoisted", "code", "other-import", "imported-name"],
)
def test_generator_digest_is_the_code_not_its_imports(edit, same: bool) -> None:  # type: ignore[no-untyped-def]
    assert (module_code(edit(GENERATOR_CODE)) == module_code(GENERATOR_CODE)) is same
