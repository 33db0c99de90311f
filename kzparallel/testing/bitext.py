"""Gold sentence alignments for the aligner's tests and benchmark.

Two sources of Arabic articles with an English version whose links are known:

* **the seeds** with the English of ``seeds/references/`` (one record per
  paragraph): a paragraph whose Arabic and English have as many sentences (the
  project's Arabic segmenter, pysbd on the English) gives 1-1 links in order;
  otherwise the whole paragraph is one link (in the seeds: 3-1, 2-1 and 1-2,
  where pysbd keeps a quotation of several sentences together and splits a
  dateline off);
* **generated articles** made of the demo corpus's held-out sentences
  (:attr:`ParallelCorpus.heldout`: Arabic with its reference English), a headline
  and paragraphs of one to three sentences.

Each is then **perturbed the way real English versions differ**
(:func:`perturb`): sentences merged (2-1) and split (1-2), a sentence or a whole
paragraph left out (1-0), sentences and a paragraph of background added (0-1),
and furniture that the English cleaner must drop (byline, timestamp, photo
credit, share and "Read more" lines, a reporting credit and a copyright line at
the end). :func:`check_gold` verifies that the project's cleaning and
segmentation give back exactly the sentences the gold links name.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kzparallel.session import TranslationSession

GoldLink = tuple[list[int], list[int]]

BACKGROUND = (
    "Kazakhstan, a former Soviet republic of 19 million people, is the largest economy in "
    "Central Asia.",
    "The country is the world's largest producer of uranium and a major exporter of oil.",
    "Almaty was the capital of Kazakhstan until 1997, when the government moved to Astana.",
    "The Collective Security Treaty Organization groups six former Soviet states.",
    "Liquefied petroleum gas is widely used as car fuel in the west of the country.",
    "The unrest was the worst Kazakhstan had seen since it became independent in 1991.",
    "Analysts said the crisis would test the country's ties with both Moscow and Beijing.",
    "Internet access was cut across much of the country for several days.",
)
BACKGROUND_PARAGRAPH = (
    "Kazakhstan borders Russia to the north and China to the east.",
    "Its oil fields have drawn billions of dollars of foreign investment since the 1990s.",
)
HEAD_FURNITURE = (
    "Home | World | Asia | Kazakhstan",
    "By John Smith",
    "Updated: January 11, 2022 10:50 GMT",
)
MIDDLE_FURNITURE = ("Photo: Reuters", "Share this article", "Read more: Russia sends troops")
TAIL_FURNITURE = (
    "(Reporting by Olzhas Auyezov; Editing by Alex Richardson)",
    "© 2022 Reuters. All rights reserved.",
)


@dataclass
class Unit:
    """A piece of the gold: Arabic sentence indices, English sentences, paragraph."""

    ar: list[int]
    en: list[str]
    para: float  # a paragraph number (an added paragraph sits between two: k - 0.5)


@dataclass
class GoldDocument:
    """An Arabic article, an English version and the gold links between them."""

    name: str
    arabic: str  # the Arabic file's text
    english: str  # the English file's text
    links: list[GoldLink]  # (ar_sents, en_sents) in document order, 1-0 and 0-1 included
    en_sentences: list[str]
    perturbations: dict[str, int] = field(default_factory=dict)

    def kinds(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for ar, en in self.links:
            counts[f"{len(ar)}-{len(en)}"] += 1
        return dict(counts)

    def write(self, folder: Path) -> tuple[Path, Path]:
        """``<name>.ar.txt``, ``<name>.en.txt`` and ``<name>.gold.jsonl`` in ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        ar, en = folder / f"{self.name}.ar.txt", folder / f"{self.name}.en.txt"
        ar.write_text(self.arabic, encoding="utf-8")
        en.write_text(self.english, encoding="utf-8")
        lines = [json.dumps({"ar_sents": a, "en_sents": e}) + "\n" for a, e in self.links]
        (folder / f"{self.name}.gold.jsonl").write_text("".join(lines), encoding="utf-8")
        return ar, en


def arabic_sentences(text: str, doc_id: str = "doc") -> list[tuple[int, str]]:
    """(paragraph, sentence) of an Arabic article as a build reads it."""
    from kzparallel.cleaning import clean_document
    from kzparallel.records import Document
    from kzparallel.segmentation import segment_document

    doc = clean_document(Document(doc_id=doc_id, source=doc_id, text=text))
    return [(s.para, s.text) for s in segment_document(doc)]


def english_sentences(text: str) -> list[str]:
    """The sentences of an English article as the aligner reads it."""
    from kzparallel.alignment.english import clean_english, segment_english
    from kzparallel.records import Document

    doc = clean_english(Document(doc_id="en", source="en", text=text))
    return [s.text for s in segment_english(doc)]


def _split(text: str, is_title: bool) -> list[str]:
    from kzparallel.alignment.english import segment_english_text

    return [s.text for s in segment_english_text(text, is_title=is_title)]


def units_from_paragraphs(
    arabic: list[tuple[int, str]], english: dict[int, str], has_title: bool
) -> list[Unit]:
    """Gold units from paragraph-aligned English (``english[para]``)."""
    by_para: dict[int, list[int]] = defaultdict(list)
    for index, (para, _) in enumerate(arabic):
        by_para[para].append(index)
    units = []
    for para in sorted(by_para):
        ar = by_para[para]
        en = _split(english[para], is_title=has_title and para == 0) if para in english else []
        if len(ar) == len(en):
            units += [Unit([a], [e], para) for a, e in zip(ar, en, strict=True)]
        else:
            units.append(Unit(ar, en, para))
    return units


def seed_documents(seeds: Path) -> list[tuple[str, str, list[Unit]]]:
    """(name, Arabic text, gold units) for each seed with a reference."""
    out = []
    for path in sorted(seeds.glob("*.txt")):
        ref = seeds / "references" / f"{path.stem}.jsonl"
        if not ref.exists():
            continue
        text = path.read_text(encoding="utf-8")
        records = [json.loads(line) for line in ref.read_text(encoding="utf-8").splitlines()]
        english = {int(r["para"]): r["en"] for r in records}
        units = units_from_paragraphs(arabic_sentences(text, path.stem), english, True)
        out.append((path.stem[:3], text, units))
    return out


def generated_documents(
    examples: list[Any], count: int, seed: int = 0
) -> list[tuple[str, str, list[Unit]]]:
    """Articles of held-out sentences: a headline (an example without a final
    period) and paragraphs of 1-3 sentences, 12-18 sentences each."""
    rng = random.Random(seed)
    headlines = [e for e in examples if not e.en.rstrip().endswith((".", '"', "”"))]
    sentences = [e for e in examples if e.en.rstrip().endswith(".") and e.ar.rstrip().endswith(".")]
    rng.shuffle(headlines)
    rng.shuffle(sentences)
    out = []
    for k in range(count):
        head = headlines[k % len(headlines)]
        body = [sentences.pop() for _ in range(rng.randint(12, 18)) if sentences]
        paragraphs: list[list[Any]] = []
        while body:
            size = rng.randint(1, 3)
            paragraphs.append(body[:size])
            body = body[size:]
        ar_text = head.ar + "\n\n" + "\n\n".join(" ".join(e.ar for e in p) for p in paragraphs)
        english = {0: head.en} | {
            i + 1: " ".join(e.en for e in p) for i, p in enumerate(paragraphs)
        }
        units = units_from_paragraphs(arabic_sentences(ar_text), english, True)
        out.append((f"gen{k:02d}", ar_text + "\n", units))
    return out


def perturb(units: list[Unit], rng: random.Random, level: int) -> tuple[list[Unit], dict[str, int]]:
    """A perturbed copy of the English side (``level`` 0: only the furniture)."""
    units = [Unit(list(u.ar), list(u.en), u.para) for u in units]
    done: dict[str, int] = defaultdict(int)
    if level == 0:
        return units, dict(done)
    body = [k for k, u in enumerate(units) if u.para > 0]
    one = [k for k in body if len(units[k].ar) == 1 and len(units[k].en) == 1]
    for _ in range(level):  # merges: two 1-1 links of a paragraph become one 2-1
        pairs = [
            k
            for k in one
            if k + 1 in one
            and units[k].para == units[k + 1].para
            and units[k].en[0].endswith(".")
            and units[k].en
            and units[k + 1].en
        ]
        if pairs:
            k = rng.choice(pairs)
            first, second = units[k], units.pop(k + 1)
            first.ar += second.ar
            first.en = [first.en[0][:-1] + "; " + second.en[0]]
            done["merged"] += 1
            body = [i for i, u in enumerate(units) if u.para > 0]
            one = [i for i in body if len(units[i].ar) == 1 and len(units[i].en) == 1]
    for _ in range(level):  # splits at a comma: one 1-1 link becomes 1-2
        candidates = [k for k in one if _split_point(units[k].en[0]) is not None]
        if candidates:
            k = rng.choice(candidates)
            text = units[k].en[0]
            cut = _split_point(text)
            assert cut is not None
            head, tail = text[:cut].rstrip(" ,") + ".", text[cut:].lstrip(" ,")
            units[k].en = [head, tail[:1].upper() + tail[1:]]
            one.remove(k)
            done["split"] += 1
    for _ in range(level):  # a sentence left out: 1-0
        if one:
            k = rng.choice(one)
            units[k].en = []
            one.remove(k)
            done["sentence-dropped"] += 1
    paras = sorted({u.para for u in units if u.para > 0})
    if level >= 2 and len(paras) > 4:  # a whole paragraph left out
        para = rng.choice(paras[1:-1])
        for u in units:
            if u.para == para:
                u.en = []
        done["paragraph-dropped"] += 1
    for text in rng.sample(BACKGROUND, k=min(level, len(BACKGROUND))):  # added sentences: 0-1
        after = [i for i, u in enumerate(units) if u.para > 0 and u.en and _ends(u.en[-1])]
        k = rng.choice(after)
        units.insert(k + 1, Unit([], [text], units[k].para))
        done["sentence-added"] += 1
    if level >= 2:  # an added paragraph before the last one
        para = units[-1].para
        k = next(i for i, u in enumerate(units) if u.para == para)
        for text in reversed(BACKGROUND_PARAGRAPH):
            units.insert(k, Unit([], [text], para - 0.5))
        done["paragraph-added"] += 1
    # a link left without English is one 1-0 link per Arabic sentence
    units = [
        w
        for u in units
        for w in ([Unit([a], [], u.para) for a in u.ar] if u.ar and not u.en else [u])
    ]
    return units, dict(done)


def _ends(text: str) -> bool:
    """A sentence that ends with a period (a heading does not)."""
    return text.endswith(".") and len(text.split()) >= 6


def _split_point(text: str) -> int | None:
    """A comma with at least six words on each side (and no quote marks around)."""
    if any(q in text for q in '"“”«»()'):
        return None
    for pos, ch in enumerate(text):
        words_around = len(text[:pos].split()) >= 6 and len(text[pos:].split()) >= 6
        if (
            ch == ","
            and words_around
            and text[pos + 1 : pos + 2] == " "
            and text[pos + 2 : pos + 3].isalpha()
        ):
            return pos + 1
    return None


def assemble(
    name: str, arabic: str, units: list[Unit], furniture: bool, rng: random.Random
) -> GoldDocument:
    """The English file and the gold links (English indices after cleaning)."""
    paragraphs: list[list[str]] = []
    last: Any = None
    for u in units:
        if not u.en:
            continue
        if u.para != last:
            paragraphs.append([])
            last = u.para
        paragraphs[-1].extend(u.en)
    lines = [" ".join(p) for p in paragraphs]
    if furniture:
        middle = len(lines) // 2
        body = [*lines[1:middle], rng.choice(MIDDLE_FURNITURE), *lines[middle:]]
        lines = list(HEAD_FURNITURE[:1]) + lines[:1] + list(HEAD_FURNITURE[1:]) + body
        lines += list(TAIL_FURNITURE)
    english = "\n\n".join(lines) + "\n"
    links: list[GoldLink] = []
    en_sentences: list[str] = []
    for u in units:
        ids = list(range(len(en_sentences), len(en_sentences) + len(u.en)))
        en_sentences += u.en
        links.append((list(u.ar), ids))
    return GoldDocument(name, arabic, english, links, en_sentences)


def check_gold(doc: GoldDocument) -> None:
    """The project's reading of the English gives exactly the gold's sentences, and
    the links cover every sentence of both sides once, in order."""
    got = english_sentences(doc.english)
    if got != doc.en_sentences:
        size = max(len(got), len(doc.en_sentences))
        read, want = got + [""] * size, doc.en_sentences + [""] * size
        k = next(i for i in range(size) if read[i] != want[i])
        raise AssertionError(
            f"{doc.name}: English sentence {k}: read {read[k]!r}, gold {want[k]!r}"
        )
    ar = [i for a, _ in doc.links for i in a]
    en = [j for _, e in doc.links for j in e]
    n = len(arabic_sentences(doc.arabic))
    if ar != list(range(n)) or en != list(range(len(got))):
        raise AssertionError(f"{doc.name}: the gold links do not cover both documents in order")


def gold_documents(
    seeds: Path, examples: list[Any] | None = None, generated: int = 6
) -> list[GoldDocument]:
    """The gold set: each seed and ``generated`` generated articles, each as
    written (furniture only, level 0) and perturbed (levels 1 and 2)."""
    sources = seed_documents(seeds)
    if examples:
        sources += generated_documents(examples, generated)
    out = []
    for name, arabic, units in sources:
        for level in (0, 1, 2):
            rng = random.Random(f"{name}-{level}")
            perturbed, done = perturb(units, rng, level)
            doc = assemble(f"{name}-p{level}", arabic, perturbed, furniture=True, rng=rng)
            doc.perturbations = done
            check_gold(doc)
            out.append(doc)
    return out


@dataclass
class Translated:
    """An Arabic article's sentences, their machine translation and dates."""

    arabic: list[str]
    mt: list[str]
    dates: list[str | None]


def translate_gold(docs: list[GoldDocument], session: TranslationSession) -> dict[str, Translated]:
    """The build's translation (an open :class:`~kzparallel.session.TranslationSession`)
    of each distinct Arabic article of ``docs``, keyed by its text."""
    from kzparallel.cleaning import clean_document
    from kzparallel.records import Document
    from kzparallel.segmentation import segment_document

    out: dict[str, Translated] = {}
    for doc in docs:
        if doc.arabic in out:
            continue
        cleaned = clean_document(Document(doc_id=doc.name, source=doc.name, text=doc.arabic))
        segments = segment_document(cleaned)
        pairs = list(session.translate(segments))
        out[doc.arabic] = Translated(
            [s.text for s in segments], [p.en for p in pairs], [s.date for s in segments]
        )
    return out


def run_aligner(
    docs: list[GoldDocument], translated: dict[str, Translated], glossary: Any, method: str
) -> list[tuple[list[GoldLink], list[GoldLink]]]:
    """(gold, test) links per document; ``method`` is an
    :class:`~kzparallel.alignment.align.AlignParams` method, or ``"galechurch"``
    (the ``galechurch`` package: Gale & Church's length-only aligner, with the
    length ratio and variance measured on the seeds)."""
    from kzparallel.alignment.align import AlignParams, align_sentences

    out = []
    for doc in docs:
        tr = translated[doc.arabic]
        if method == "galechurch":
            test = _galechurch(tr.arabic, doc.en_sentences)
        else:
            links = align_sentences(
                tr.arabic,
                doc.en_sentences,
                mt=tr.mt,
                glossary=glossary,
                params=AlignParams(method=method),
                dates=tr.dates,
            )
            test = [(link.ar_sents, link.en_sents) for link in links]
        out.append((doc.links, test))
    return out


def _galechurch(arabic: list[str], english: list[str]) -> list[GoldLink]:
    import galechurch

    from kzparallel.alignment.similarity import AR_RATIO, AR_VARIANCE

    result = galechurch.align(arabic, english, mean_xy=AR_RATIO, variance_xy=AR_VARIANCE)
    return [
        (list(range(b.source_start, b.source_end)), list(range(b.target_start, b.target_end)))
        for b in result.beads
    ]


def write_gold_set(
    folder: str | Path, seeds: str | Path | None = None, generated: int = 6
) -> list[GoldDocument]:
    """Write the gold set (:func:`gold_documents`) to ``folder``: for each document
    ``<name>.ar.txt``, ``<name>.en.txt`` and ``<name>.gold.jsonl`` (one line per
    gold link: ``{"ar_sents": [...], "en_sents": [...]}``). ``seeds`` defaults to
    the seed articles shipped with kzparallel."""
    from kzparallel.demo.corpus import generate_corpus
    from kzparallel.translation.bench import default_seeds_dir

    docs = gold_documents(
        Path(seeds) if seeds else default_seeds_dir(), generate_corpus().heldout, generated
    )
    for doc in docs:
        doc.write(Path(folder))
    return docs
