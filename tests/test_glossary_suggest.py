"""``glossary suggest`` and the consistency report on planted corpora, exact outputs.

* sound links (consonant skeletons) and the Arabic key of a span (proclitics);
* variant grouping: two Arabic spellings and two English renderings of one
  person become one entry, its surname a form, a place its own entry;
* attention links: a name translated by its meaning (صندوق النقد الدولي) is
  found only through the cross-attention;
* type guess from context cues;
* the CLI: YAML that ``glossary lint`` accepts, bad input;
* the consistency report's numbers on the planted corpus of
  ``renderings_corpus.py``; the build writes it.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import yaml
from renderings_corpus import planted_pairs

from kzparallel.arabic import normalize_text
from kzparallel.glossary import load_glossary
from kzparallel.glossary.consistency import consistency, summary_line
from kzparallel.glossary.io import glossary_from_raw, parse_yaml_text
from kzparallel.glossary.model import Glossary
from kzparallel.glossary.namespans import NameSpan, sound_similarity
from kzparallel.glossary.suggest import Concept, guess_type, span_key, suggest

GLOSSARY = load_glossary()
# the planted names are in the shipped glossary (since 2025.1): suggest runs on them
# with a glossary of their story that knows only the country, as the README shows
KYRGYZSTAN_YAML = """\
name: kyrgyzstan-2020
entries:
  - {id: kyrgyzstan, type: place, ar: [قيرغيزستان], en: Kyrgyzstan, forms: {adjective: {ar: [قيرغيزي], en: Kyrgyz}}}
"""
KYRGYZSTAN = glossary_from_raw(parse_yaml_text(KYRGYZSTAN_YAML, "kyrgyzstan.yaml"))

# A person with two Arabic spellings (صدر / صادر) and two English renderings
# (Japarov twice, Zhaparov once), his surname alone twice, and a place.
PLANTED = [
    ("p1", "d1", "قال الرئيس القيرغيزي صدر جباروف إن الوضع مستقر.",
     "Kyrgyz President Sadyr Japarov said the situation was stable."),
    ("p2", "d1", "والتقى صادر جباروف الوفد.", "Sadyr Japarov met the delegation."),
    ("p3", "d2", "وقال صدر جباروف إن بلاده تدعم الحوار.",
     "Sadyr Zhaparov said that his country supported dialogue."),
    ("p4", "d2", "ووصل الوفد إلى طشقند.", "The delegation arrived in Tashkent."),
    ("p5", "d2", "وعاد الهدوء إلى طشقند.", "Calm returned to Tashkent."),
    ("p6", "d3", "وقال جباروف إن طشقند هادئة.", "Japarov said Tashkent was calm."),
    ("p7", "d3", "ودعا جباروف إلى الحوار.", "Japarov called for dialogue."),
]  # fmt: skip

EXPECTED_YAML = """\
name: suggested
entries:
- id: sadyr-japarov
  type: person
  ar: [صدر جباروف, صادر جباروف]
  en: Sadyr Japarov
  forbidden: [Sadyr Zhaparov]
  forms:
    surname:
      ar: [جباروف]
      en: Japarov
  note: 'suggested from 3 mention(s): Sadyr Japarov 2, Sadyr Zhaparov 1; surname: Japarov 2; e.g. p1: قال الرئيس القيرغيزي صدر جباروف إن الوضع مستقر. = Kyrgyz President Sadyr Japarov said the situation was stable.; e.g. p3: وقال صدر جباروف إن بلاده تدعم الحوار. = Sadyr Zhaparov said that his country supported dialogue.'
- id: tashkent
  type: place
  ar: [طشقند]
  en: Tashkent
  note: 'suggested from 3 mention(s): Tashkent 3; e.g. p4: ووصل الوفد إلى طشقند. = The delegation arrived in Tashkent.; e.g. p5: وعاد الهدوء إلى طشقند. = Calm returned to Tashkent.'
"""


def _records(rows: list[tuple[str, str, str, str]]) -> list[dict[str, str]]:
    return [{"id": i, "doc_id": d, "ar": ar, "en": en} for i, d, ar, en in rows]


@pytest.mark.parametrize(
    ("arabic", "english", "linked"),
    [
        ("ميرضيائيف", "Mirziyoyev", True),  # ض for z: a soft change
        ("طشقند", "Tashkent", True),
        ("وبرلين", "Berlin", True),  # the conjunction is not part of the name
        ("شولتس", "Scholz", True),
        ("قاراغاندا", "Qaraghandy", True),
        ("جباروف", "Zhaparov", True),
        ("إنترفاكس", "Interfax", True),
        ("الحكومة", "Government", False),
        ("الرئيس", "President", False),
        ("صندوق", "Fund", False),
        ("طشقند", "Taraz", False),
    ],
)
def test_sound_links_transliterations_only(arabic: str, english: str, linked: bool) -> None:
    assert (sound_similarity(normalize_text(arabic), english) >= 0.7) is linked


@pytest.mark.parametrize(
    ("words", "en", "key", "surface"),
    [
        (("وبرلين",), "Berlin", "برلين", "برلين"),  # و is a conjunction
        (("برلين",), "Berlin", "برلين", "برلين"),  # ب belongs to the name: it sounds
        (("لطشقند",), "Tashkent", "طشقند", "طشقند"),
        (("الكرملين",), "Kremlin", "الكرملين", "الكرملين"),  # never bare in the corpus
        (("وصدر", "جباروف"), "Sadyr Japarov", "صدر جباروف", "صدر جباروف"),
    ],
)
def test_span_key_removes_proclitics_the_corpus_shows(
    words: tuple[str, ...], en: str, key: str, surface: str
) -> None:
    seen = Counter(["برلين", "طشقند", "صدر", "الكرملين", "الكرملين"])
    support = Counter(seen)
    for w in words:
        seen[w] += 1
        support[w] += 1
    span = NameSpan(words, " ".join(words), en, (), "sound")
    from kzparallel.glossary.suggest import _support

    assert span_key(span, _support(seen), seen) == (key, surface)


def test_the_shipped_glossary_knows_the_planted_names() -> None:
    assert suggest(_records(PLANTED), GLOSSARY).concepts == []


def test_variants_grouped_into_one_entry_with_surname_and_counts() -> None:
    found = suggest(_records(PLANTED), KYRGYZSTAN)
    assert found.how == Counter({"sound": 8})
    assert (
        yaml.safe_dump(
            found.to_glossary().to_dict(),
            allow_unicode=True,
            sort_keys=False,
            width=1000,
            default_flow_style=None,
        )
        == EXPECTED_YAML
    )


def test_min_count_leaves_out_names_seen_fewer_times() -> None:
    # Sadyr Japarov: 3 mentions by full name and 2 by surname; Tashkent 3
    found = suggest(_records(PLANTED), KYRGYZSTAN, min_count=4)
    assert [(c.id, c.count, c.total) for c in found.concepts] == [("sadyr-japarov", 3, 5)]
    assert suggest(_records(PLANTED), KYRGYZSTAN, min_count=6).concepts == []
    found = suggest(_records(PLANTED[3:5]), KYRGYZSTAN, min_count=1)
    assert [(c.id, c.count) for c in found.concepts] == [("tashkent", 2)]


TARGET = [
    "▁The",
    "▁president",
    "▁welcomed",
    "▁the",
    "▁decision",
    "▁of",
    "▁the",
    "▁International",
    "▁Monetary",
    "▁Fund",
    ".",
]


def _with_attention(pid: str, doc: str) -> dict[str, object]:
    return {
        "id": pid,
        "doc_id": doc,
        "ar": "ورحب الرئيس بقرار صندوق النقد الدولي.",
        "en": "The president welcomed the decision of the International Monetary Fund.",
        "src_tokens": ["▁ورحب", "▁الرئيس", "▁بقرار", "▁صندوق", "▁النقد", "▁الدولي", ".", "</s>"],
        "tgt_tokens": TARGET,
        "alignment": [[1, 1], [0, 2], [2, 4], [5, 7], [4, 8], [3, 9], [6, 10]],
    }


def test_attention_finds_a_name_translated_by_its_meaning() -> None:
    records = [_with_attention("a1", "d1"), _with_attention("a2", "d2")]
    found = suggest(records, GLOSSARY)
    assert found.how == Counter({"attention": 2})
    (c,) = found.concepts
    assert (c.id, c.type, c.keys, dict(c.renderings)) == (
        "international-monetary-fund",
        "org",
        ["صندوق النقد الدولي"],
        {"International Monetary Fund": 2},
    )
    # the same pairs from a system without attention: sound cannot link them
    assert suggest(records, GLOSSARY, use_attention=False).concepts == []


@pytest.mark.parametrize(
    ("en", "keys", "cues", "forms", "expected"),
    [
        ("NATO", ["حلف الناتو"], {"org": 2}, (), "acronym"),
        ("Sadyr Japarov", ["صدر جباروف"], {"person": 3}, (), "person"),
        ("Japarov", ["جباروف"], {}, ("surname",), "person"),
        ("Shanghai Cooperation Organisation", ["منظمه شنغهاي للتعاون"], {}, (), "org"),
        ("Human Rights Watch", ["هيومن رايتس ووتش"], {"person": 1}, (), "org"),
        ("Mongolia", ["منغوليا"], {}, ("adjective",), "place"),
        ("Tashkent", ["طشقند"], {"place": 2, "person": 1}, (), "place"),
        ("Kremlin", ["الكرملين"], {}, (), "other"),
        ("Aktobe", ["اكتوبي"], {"place": 1, "person": 1}, (), "other"),  # a tie
    ],
)
def test_type_guess(
    en: str, keys: list[str], cues: dict[str, int], forms: tuple[str, ...], expected: str
) -> None:
    c = Concept(keys=keys, renderings=Counter({en: 2}), cues=Counter(cues))
    for role in forms:
        c.forms[role] = Concept(keys=["x"], renderings=Counter({"x": 1}))
    assert guess_type(c) == expected


@pytest.mark.parametrize(
    ("before", "expected"),
    [
        (("قال", "الرئيس"), {"person": 2}),  # a title
        (("وقال",), {"person": 1}),  # a verb of speech, with its و
        (("والتقى",), {"person": 1}),  # التقى keeps its own ال
        (("وصل", "إلى"), {"place": 1}),
        (("متحدث", "باسم"), {"org": 2}),
        (("الوضع", "في"), {"place": 1}),
        ((), {}),
    ],
)
def test_cue_score(before: tuple[str, ...], expected: dict[str, int]) -> None:
    from kzparallel.glossary.suggest import cue_score

    assert dict(cue_score(tuple(normalize_text(w) for w in before))) == expected


def test_cli_writes_yaml_that_lints(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pairs = tmp_path / "mine.jsonl"
    pairs.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _records(PLANTED)),
        encoding="utf-8",
    )
    out = tmp_path / "suggested.yaml"
    (tmp_path / "kyrgyzstan.yaml").write_text(KYRGYZSTAN_YAML, encoding="utf-8")
    other = ["--glossary", str(tmp_path / "kyrgyzstan.yaml")]
    code, stdout, stderr = cli("glossary", "suggest", str(pairs), *other, "--out", str(out))
    assert (code, stdout) == (0, "")
    assert stderr == "2 candidate entries from 7 pairs (name mentions linked: 8 by sound)\n"
    assert out.read_text(encoding="utf-8") == (
        "# kzparallel glossary suggest: 2 candidate entries from 7 pairs; check each before "
        "merging it into a glossary\n" + EXPECTED_YAML
    )
    assert cli("glossary", "lint", str(out)) == (0, "", "ok: 1 file(s), no problems\n")


def test_cli_bad_pairs(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "pairs.jsonl"
    bad.write_text('{"id": "x", "arabic": "طشقند"}\n{"id": "y"}\n', encoding="utf-8")
    assert cli("glossary", "suggest", str(bad)) == (
        1,
        "",
        f"error: {bad}: no record with 'ar' and 'en' strings (not a pairs file)\n",
    )
    mixed = tmp_path / "mixed.jsonl"
    rows = [json.dumps(r, ensure_ascii=False) for r in _records(PLANTED)]
    mixed.write_text("\n".join([*rows[:3], '{"ar": "طشقند"}', "not json", *rows[3:]]) + "\n")
    (tmp_path / "kyrgyzstan.yaml").write_text(KYRGYZSTAN_YAML, encoding="utf-8")
    other = ["--glossary", str(tmp_path / "kyrgyzstan.yaml")]
    code, stdout, stderr = cli("glossary", "suggest", str(mixed), *other)
    assert code == 3
    assert stdout.startswith("# kzparallel glossary suggest: 2 candidate entries from 7 pairs")
    assert stderr == (
        f"warning: skipped {mixed}:4: 'en' is missing\n"
        f"warning: skipped {mixed}:5: not valid JSON (Expecting value at column 1)\n"
        "2 candidate entries from 7 pairs (name mentions linked: 8 by sound), "
        "2 malformed lines skipped\n"
    )


def test_consistency_numbers_on_the_planted_corpus() -> None:
    pairs = [p.to_dict() for p in planted_pairs()]
    ids = [p["id"] for p in pairs]
    report = consistency(pairs, None)
    assert [(i["concept"], i["source"]) for i in report["items"]] == [
        ("kazakhstan", "glossary"),
        ("tashkent", "suggested"),
    ]
    kazakh, tashkent = report["items"]
    assert [(f["form"], f["count"], f["pairs"]) for f in kazakh["forms"]] == [
        ("Kazakh", 5, [ids[7], ids[8], ids[10]]),
        ("Kazakhstani", 1, [ids[9]]),
    ]
    assert kazakh["documents"] == [{"doc_id": "d3", "forms": {"Kazakh": 5, "Kazakhstani": 1}}]
    assert [(f["form"], f["count"]) for f in tashkent["forms"]] == [
        ("Tashkent", 9),
        ("Toshkent", 2),
    ]
    assert tashkent["forms"][1]["pairs"] == [ids[1], ids[5]]
    assert tashkent["documents"] == [
        {"doc_id": "d1", "forms": {"Tashkent": 2, "Toshkent": 1}},
        {"doc_id": "d2", "forms": {"Tashkent": 3, "Toshkent": 1}},
    ]
    assert summary_line(report) == (
        "consistency: 2 of 2 concepts rendered more than one way (1 glossary, 1 suggested), "
        "2 of them within one document"
    )


def test_check_counts_the_lookalike_a_failing_mention_came_out_as(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [
        ("p1", "a", "وحذر توكايف من أن السلطات ستتخذ إجراءات", "Tokayev warned that the authorities would act"),
        ("p2", "a", "وقال توكايف إن الوضع مستقر", "Tokaev said the situation was stable"),
        ("p3", "b", "ودعا توكايف إلى الحوار", "Tokayev called for dialogue"),
    ]  # fmt: skip
    pairs = tmp_path / "mine.jsonl"
    pairs.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _records(rows)))
    report_path = tmp_path / "renderings.json"
    code, _out, err = cli(
        "glossary",
        "check",
        str(pairs),
        "--consistency",
        str(report_path),
        "-o",
        str(tmp_path / "o"),
    )
    assert code == 1
    assert err == (
        "3 pairs, 1 with violations\n"
        "consistency: 1 of 1 concepts rendered more than one way (1 glossary, 0 suggested), "
        "1 of them within one document\n"
    )
    (item,) = json.loads(report_path.read_text(encoding="utf-8"))["items"]
    assert (item["concept"], item["en"], item["missing"]) == ("tokayev", "Tokayev", 0)
    assert item["forms"] == [
        {"form": "Tokayev", "count": 2, "pairs": ["p1", "p3"]},
        {"form": "Tokaev", "count": 1, "pairs": ["p2"]},
    ]
    assert item["documents"] == [{"doc_id": "a", "forms": {"Tokaev": 1, "Tokayev": 1}}]


def test_empty_glossary_suggests_from_everything() -> None:
    found = suggest(_records(PLANTED), Glossary([]))
    assert [c.id for c in found.concepts] == ["sadyr-japarov", "tashkent"]


def test_trained_model_articles_find_the_outside_names(trained_model, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The attention path end to end: 200 held-out sentences of the demo model's
    recipe, 8 to an article, translated by it with the cross-attention kept.
    Measured here: 30 of the 40 outside names mentioned twice or more have a
    proposal with one of their Arabic spellings, and 27 of 31 proposals have an
    English the recipe holds right (figures on all 400 sentences are in the
    README: tests/benchmarks/bench_suggest.py). The bounds leave room for a
    model trained on another CPU."""
    from kzparallel.suggest_input import suggest_records

    heldout = trained_model.corpus.heldout[:200]
    articles = tmp_path / "articles.jsonl"
    with articles.open("w", encoding="utf-8") as fh:
        for k in range(0, len(heldout), 8):
            text = "\n\n".join(ex.ar for ex in heldout[k : k + 8])
            fh.write(json.dumps({"id": f"h{k // 8:02d}", "text": text}, ensure_ascii=False) + "\n")
    # the glossary the corpus was made from, for the build and for suggest: its
    # outside names are outside it (the shipped glossary has many of them now)
    made_from = str(trained_model.recipe.corpus.glossary_path())
    records, source = suggest_records(
        [str(articles)], model=str(trained_model.path), glossary=made_from, on_error=print
    )
    assert (source.articles, source.without_attention) == (25, 0)
    found = suggest(records, load_glossary(made_from))
    assert set(found.how) == {"attention"}
    uses = Counter(u.key for ex in heldout for u in ex.uses if not u.entry)
    names = {n.key: n for n in trained_model.corpus.outside}
    wanted = {k for k, n in uses.items() if n >= 2}
    variants = {
        normalize_text(v) for c in found.concepts for p in (c, *c.forms.values()) for v in p.keys
    }
    recalled = {k for k in wanted if any(normalize_text(a) in variants for a in names[k].ar)}
    assert len(recalled) >= 0.65 * len(wanted), sorted(wanted - recalled)
    right = {n.en for n in names.values()}
    known = [c for c in found.concepts if c.en in right]
    assert len(known) >= 0.75 * len(found.concepts), [c.en for c in found.concepts]


def test_a_model_without_attention_falls_back_to_sound(  # type: ignore[no-untyped-def]
    cli, tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Articles translated by a model that returns no cross-attention: every
    sentence is still used, linked by sound, and the user is told once."""
    monkeypatch.setattr("kzparallel.stages._alignment", lambda translation: None)
    article = tmp_path / "article.txt"
    article.write_text(
        "وصول الوفد إلى طشقند\n\nوصل الوفد إلى طشقند صباح اليوم. وعاد الهدوء إلى طشقند.\n",
        encoding="utf-8",
    )
    code, out, err = cli(
        "glossary", "suggest", str(article), "--model", str(tiny_model),
        "--backend", "transformers", "--cache-dir", str(tmp_path / "cache"),
    )  # fmt: skip
    assert (code, err) == (
        0,
        "warning: the model returned no cross-attention for 3 sentence(s): their names are "
        "linked by sound only\n0 candidate entries from 3 pairs (name mentions linked: none)\n",
    )
    assert out.startswith("# kzparallel glossary suggest: 0 candidate entries from 3 pairs")
