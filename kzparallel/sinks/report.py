"""``report.html``: one self-contained page about a build.

Counts per document, the documents without a date (and the dated glossary
entries that took their undated form in them), glossary term success and the
failing pairs, QA flags with examples, the length-ratio distribution and other
plots (matplotlib, Agg backend, embedded as base64 PNG), timings. Every text
goes through jinja2 autoescaping: articles are untrusted input.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kzparallel.atomic import atomic_write_text
from kzparallel.glossary.metrics import LAYERS, GlossaryMetrics
from kzparallel.qa import FLAG_ORDER, LengthBand, LengthStats
from kzparallel.records import Pair
from kzparallel.sinks.bitext import bitext_html
from kzparallel.sinks.charts import png_uri, pyplot
from kzparallel.sinks.consistency_report import consistency_html
from kzparallel.sinks.corpus_report import corpus_html
from kzparallel.timing import BUILD_STAGES

if TYPE_CHECKING:
    from markupsafe import Markup

    from kzparallel.glossary import Glossary

EXAMPLES_PER_FLAG = 5
MAX_GLOSSARY_FAILURES = 50
MAX_DOC_BARS = 40  # more documents: a histogram of pairs per document instead of a bar each


@dataclass
class DocCounts:
    pairs: int = 0
    paragraphs: int = 0
    flagged: int = 0
    glossary_failed: int = 0
    with_terms: int = 0
    undated: int = 0  # pairs without a date (the document had none)
    # the glossary entries mentioned in those pairs (a dated one took its undated form)
    undated_terms: set[str] = field(default_factory=set)


@dataclass
class ReportStats:
    """Bounded summary of a stream of pairs (examples are capped)."""

    pairs: int = 0
    flagged: int = 0
    flag_counts: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[Pair]] = field(default_factory=dict)
    docs: dict[str, DocCounts] = field(default_factory=dict)
    mentions: int = 0  # glossary mentions in the Arabic
    mentions_failed: int = 0
    pairs_with_terms: int = 0
    pairs_glossary_ok: int = 0
    glossary_failures: list[Pair] = field(default_factory=list)
    review: Counter[str] = field(default_factory=Counter)
    layers: Counter[str] = field(default_factory=Counter)  # mentions fixed, by layer
    glossary: GlossaryMetrics = field(default_factory=GlossaryMetrics)
    _last_para: tuple[str, int] | None = None

    def add(self, pair: Pair) -> None:
        self.pairs += 1
        self.glossary.add(pair)
        doc = self.docs.setdefault(pair.doc_id, DocCounts())
        doc.pairs += 1
        if self._last_para != (pair.doc_id, pair.para):
            doc.paragraphs += 1
            self._last_para = (pair.doc_id, pair.para)
        self.review[pair.review_status] += 1
        if pair.date is None:
            doc.undated += 1
            doc.undated_terms.update(str(t["term"]) for t in pair.terms if "term" in t)
        if pair.qa:
            self.flagged += 1
            doc.flagged += 1
        for flag in pair.qa:
            self.flag_counts[flag] += 1
            ex = self.examples.setdefault(flag, [])
            if len(ex) < EXAMPLES_PER_FLAG:
                ex.append(pair)
        if pair.terms:
            self.pairs_with_terms += 1
            doc.with_terms += 1
            self.mentions += len(pair.terms)
            if all("ok" in t for t in pair.terms):
                self.mentions_failed += sum(1 for t in pair.terms if not t["ok"])
            else:  # terms without verdicts: count the violations
                self.mentions_failed += min(len(pair.violations), len(pair.terms))
            for t in pair.terms:
                if t.get("ok") and t.get("layer"):
                    self.layers[str(t["layer"])] += 1
            if pair.violations:
                doc.glossary_failed += 1
                if len(self.glossary_failures) < MAX_GLOSSARY_FAILURES:
                    self.glossary_failures.append(pair)
            else:
                self.pairs_glossary_ok += 1

    def merge(self, other: ReportStats) -> None:
        """Add the statistics of the pairs that come after this one's (whole
        documents: a build's shards, merged in output order). The capped
        example lists keep their first entries, as one pass would."""
        for name in (
            "pairs",
            "flagged",
            "mentions",
            "mentions_failed",
            "pairs_with_terms",
            "pairs_glossary_ok",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("flag_counts", "review", "layers"):
            getattr(self, name).update(getattr(other, name))
        for flag, pairs in other.examples.items():
            mine = self.examples.setdefault(flag, [])
            mine += pairs[: max(0, EXAMPLES_PER_FLAG - len(mine))]
        room = MAX_GLOSSARY_FAILURES - len(self.glossary_failures)
        self.glossary_failures += other.glossary_failures[: max(0, room)]
        for doc_id, counts in other.docs.items():
            mine_doc = self.docs.setdefault(doc_id, DocCounts())
            for f in ("pairs", "paragraphs", "flagged", "glossary_failed", "with_terms", "undated"):
                setattr(mine_doc, f, getattr(mine_doc, f) + getattr(counts, f))
            mine_doc.undated_terms |= counts.undated_terms
        self.glossary.merge(other.glossary)
        self._last_para = other._last_para

    @property
    def term_success(self) -> float | None:
        """Share of glossary mentions rendered as the glossary says."""
        if not self.mentions:
            return None
        return 1 - self.mentions_failed / self.mentions

    def review_summary(self) -> str:
        return ", ".join(f"{v} {k}" for k, v in sorted(self.review.items())) or "no pairs"


def undated_fallbacks(stats: ReportStats, glossary: Glossary | None) -> list[tuple[str, str, str]]:
    """(document, entry, English) for every dated entry of ``glossary`` that a
    document without a date mentions: there it took its undated form."""
    dated = {e.id: e for e in glossary.dated} if glossary is not None else {}
    return [
        (doc, term, dated[term].en)
        for doc, counts in stats.docs.items()
        if counts.undated
        for term in sorted(counts.undated_terms & dated.keys())
    ]


def collect_stats(pairs: Iterable[Pair], band: LengthBand | None = None) -> ReportStats:
    stats = ReportStats()
    for pair in pairs:
        stats.add(pair)
    return stats


def plots(stats: ReportStats, lengths: LengthStats, band: LengthBand) -> dict[str, str]:
    """The report's figures as ``data:`` URIs."""
    plt = pyplot()
    out: dict[str, str] = dict.fromkeys(("length", "docs", "flags"), "")
    hist = lengths.histogram()
    if hist:
        fig, ax = plt.subplots(figsize=(6, 3))
        xs = [r for r, _ in hist]
        ax.bar(xs, [c for _, c in hist], width=[x * 0.03 for x in xs], color="#4477aa")
        ax.set_xscale("log")
        ax.axvline(band.low, color="#cc3311", linestyle="--", label=f"band ({band.source})")
        ax.axvline(band.high, color="#cc3311", linestyle="--")
        ax.set_xlabel("English / Arabic length (characters)")
        ax.set_ylabel("pairs")
        ax.legend()
        out["length"] = png_uri(fig)
    if stats.docs and len(stats.docs) <= MAX_DOC_BARS:
        fig, ax = plt.subplots(figsize=(6, 0.4 * len(stats.docs) + 1))
        names = list(stats.docs)
        ax.barh(names, [stats.docs[d].pairs for d in names], color="#4477aa", label="pairs")
        ax.barh(names, [stats.docs[d].flagged for d in names], color="#ee7733", label="flagged")
        ax.invert_yaxis()
        ax.set_xlabel("pairs")
        ax.legend()
        out["docs"] = png_uri(fig)
    elif stats.docs:  # too many for a bar each: the distribution (a figure of fixed size)
        fig, ax = plt.subplots(figsize=(6, 2.5))
        counts = [c.pairs for c in stats.docs.values()]
        ax.hist(counts, bins=min(50, max(counts) - min(counts) + 1), color="#4477aa")
        ax.set_xlabel("pairs per document")
        ax.set_ylabel("documents")
        out["docs"] = png_uri(fig)
    if stats.flag_counts:
        fig, ax = plt.subplots(figsize=(6, 2.5))
        flags = [f for f in FLAG_ORDER if f in stats.flag_counts] + sorted(
            set(stats.flag_counts) - set(FLAG_ORDER)
        )
        ax.bar(flags, [stats.flag_counts[f] for f in flags], color="#ee7733")
        ax.set_ylabel("pairs")
        ax.tick_params(axis="x", rotation=20)
        out["flags"] = png_uri(fig)
    return out


_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>kzparallel build report</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;max-width:72em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;vertical-align:top}
th{background:#f3f3f3}.ar{direction:rtl;font-size:1.1em}.num{text-align:right}
code{background:#f6f6f6;padding:0 .2em}.flag{color:#a33;font-family:monospace}
.banner{background:#fff3cd;border:1px solid #e0c060;padding:.6em 1em}
</style></head><body>
<h1>kzparallel build report</h1>
{% if demo_notice %}<p class="banner" id="demo-model"><b>{{ demo_notice }}</b></p>{% endif %}
<p>Signature: <code>{{ result.signature }}</code></p>
<p>{{ result.documents }} documents, {{ result.pairs }} pairs, {{ result.flagged }} flagged.
Splits: {% for k, v in result.splits.items() %}{{ k }} {{ v }}{% if not loop.last %}, {% endif %}{% endfor %}.
{% if result.split_note %}<br>{{ result.split_note }}.{% endif %}</p>
{{ quality }}{% if result.skipped %}<h2>Skipped inputs</h2><ul>{% for s in result.skipped %}<li>{{ s }}</li>{% endfor %}</ul>{% endif %}
<h2>Documents</h2>
<table><tr><th>document</th><th>paragraphs</th><th>pairs</th><th>flagged</th><th>glossary failures</th></tr>
{% for d, c in stats.docs.items() %}<tr><td>{{ d }}</td><td class="num">{{ c.paragraphs }}</td><td class="num">{{ c.pairs }}</td>
<td class="num">{{ c.flagged }}</td><td class="num">{{ c.glossary_failed }} / {{ c.with_terms }}</td></tr>{% endfor %}
</table>
{% if figs.docs %}<img alt="pairs per document" src="{{ figs.docs }}">{% endif %}
<h2>Dates</h2>
<p id="undated">{{ undated|length }} of {{ stats.docs|length }} documents have no date (none in the metadata,
no dateline, no date in the text){% if undated %}: {{ undated|join(", ") }}{% endif %}.
{% if fallbacks %}There the dated glossary entries took their undated form:</p>
<table id="undated-forms"><tr><th>document</th><th>entry</th><th>form required</th></tr>
{% for d, term, en in fallbacks %}<tr><td>{{ d }}</td><td>{{ term }}</td><td>{{ en }}</td></tr>{% endfor %}</table>
{% elif undated %}No dated glossary entry is mentioned in them.</p>{% else %}</p>{% endif %}
<h2>Glossary</h2>
{% if stats.mentions %}<p>Term success rate: <b>{{ "%.1f"|format(100 * stats.term_success) }}%</b>
({{ stats.mentions - stats.mentions_failed }} of {{ stats.mentions }} mentions; {{ stats.pairs_glossary_ok }} of
{{ stats.pairs_with_terms }} pairs with glossary terms have no violation). Glossary: <code>{{ ctx.glossary_hash }}</code>.</p>
<h3>By enforcement layer</h3>
<p>Which layer made each mention right: <b>decoder</b> (the English the model produced, steered by
the glossary hints), <b>rerank</b> (another hypothesis of the n-best list), <b>repair</b> (the
English rewritten after decoding); <b>failed</b>: still wrong.</p>
<table><tr><th>layer</th><th>mentions</th><th>share</th></tr>
{% for k in layers %}<tr><td>{{ k }}</td><td class="num">{{ gm.layers[k] }}</td>
<td class="num">{{ "%.1f"|format(100 * gm.layer_rates[k]) }}%</td></tr>{% endfor %}</table>
<p>Forbidden variants left in the English: {{ gm.forbidden.pairs }} of {{ gm.pairs_with_terms }} pairs with
terms{% if gm.forbidden.variants %} ({% for v, n in gm.forbidden.variants.items() %}{{ v }} {{ n }}{% if not loop.last %}, {% endif %}{% endfor %}){% endif %}.
Consistency: in {{ gm.consistency.consistent }} of {{ gm.consistency.groups }} (document, required form) groups every
mention came out as one and the same English form.</p>
{% if gm.consistency.inconsistent %}<table><tr><th>document</th><th>term</th><th>required</th><th>forms found</th></tr>
{% for g in gm.consistency.inconsistent %}<tr><td>{{ g.doc_id }}</td><td>{{ g.term }}</td><td>{{ g.en }}</td><td>{{ g.forms|join(" / ") }}</td></tr>{% endfor %}</table>{% endif %}
<h3>By glossary entry</h3>
<table><tr><th>entry</th><th>mentions</th><th>right</th>{% for k in layers %}<th>{{ k }}</th>{% endfor %}</tr>
{% for term, e in gm.entries.items() %}<tr><td>{{ term }}</td><td class="num">{{ e.mentions }}</td>
<td class="num">{{ "%.0f"|format(100 * e.rate) }}%</td>{% for k in layers %}<td class="num">{{ e[k] }}</td>{% endfor %}</tr>{% endfor %}</table>
{% if stats.glossary_failures %}<h3>Failing pairs{% if stats.glossary_failures|length < stats.pairs_with_terms - stats.pairs_glossary_ok %} (first {{ stats.glossary_failures|length }}){% endif %}</h3>
<table><tr><th>id</th><th>Arabic</th><th>English</th><th>violations</th></tr>
{% for p in stats.glossary_failures %}<tr><td><code>{{ p.id }}</code></td><td class="ar" dir="rtl" lang="ar">{{ p.ar }}</td><td>{{ p.en }}</td>
<td>{{ p.violations|join("; ") }}</td></tr>{% endfor %}</table>{% endif %}
{% else %}<p>No glossary term was found in the Arabic{% if ctx.glossary is none %} (built without a glossary){% endif %}.</p>{% endif %}
{{ consistency_section }}<h2>QA flags</h2>
{% if stats.flag_counts %}<table><tr><th>flag</th><th>pairs</th></tr>
{% for f in flags %}<tr><td class="flag">{{ f }}</td><td class="num">{{ stats.flag_counts[f] }}</td></tr>{% endfor %}</table>
{% if figs.flags %}<img alt="QA flags" src="{{ figs.flags }}">{% endif %}
{% for f in flags %}<h3 class="flag">{{ f }}</h3><table><tr><th>id</th><th>Arabic</th><th>English</th><th>flags</th></tr>
{% for p in stats.examples[f] %}<tr><td><code>{{ p.id }}</code><br>{{ p.doc_id }} ¶{{ p.para }}.{{ p.sent }}</td>
<td class="ar" dir="rtl" lang="ar">{{ p.ar }}</td><td>{{ p.en }}</td><td class="flag">{{ p.qa|join(" ") }}</td></tr>{% endfor %}</table>{% endfor %}
{% else %}<p>No pair was flagged.</p>{% endif %}
<h2>Length ratio</h2>
<p>Band {{ "%.2f"|format(band.low) }} – {{ "%.2f"|format(band.high) }} ({{ band.source }}{% if band.source == "default" %}: too few pairs for a corpus band{% else %}: median ± 3.5·MAD of the log ratio{% endif %}).</p>
{% if figs.length %}<img alt="length ratio histogram" src="{{ figs.length }}">{% endif %}
{{ corpus_section }}
{{ bitext_section }}
<h2>Where the time went</h2>
{% set total = result.timings.get("total", 0) %}
<table><tr><th>stage</th><th>what it counts</th><th>seconds</th><th>share</th></tr>
{% for k, v in result.timings.items() if k != "total" %}<tr><td>{{ k }}</td><td>{{ stages.get(k, "") }}</td><td class="num">{{ "%.2f"|format(v) }}</td>
<td class="num">{% if total > 0 %}{{ "%.0f"|format(100 * v / total) }}%{% endif %}</td></tr>{% endfor %}
<tr><td>total</td><td></td><td class="num">{{ "%.2f"|format(total) }}</td><td></td></tr>
<tr><td>translation cache</td><td colspan="3">{{ result.cache_hits }} hits, {{ result.cache_misses }} misses</td></tr></table>
<p>Each second is counted once, for the stage that spent it. <code>write</code> is counted up to this
report; <code>manifest.json</code> (<code>timings_s</code>) has the complete figures.</p>
</body></html>
"""


def quality_section(estimate: Any | None) -> Markup:
    """The report's "Quality estimate" section from a sampled review (empty without one).

    ``estimate`` is a :class:`kzparallel.review.sampling.SampleEstimate`.
    """
    from markupsafe import Markup, escape

    if estimate is None:
        return Markup("")
    return Markup(
        "<h2>Quality estimate</h2>\n<p>From a sampled review: {}. A pair is acceptable when the "
        "reviewer accepted it as it was built; rejected, edited, merged or split pairs count "
        "against.</p>\n"
    ).format(escape(estimate.summary()))


def render_report(
    stats: ReportStats,
    result: Any,
    band: LengthBand,
    lengths: LengthStats,
    ctx: Any,
    corpus: Any = None,
    estimate: Any | None = None,
    consistency: dict[str, Any] | None = None,
) -> str:
    """The page; ``corpus`` (a :class:`kzparallel.corpus.CorpusPass`) adds the
    section on versions, duplicates, splits and filters, ``consistency``
    (:func:`kzparallel.glossary.consistency.consistency`) the names rendered
    more than one way."""
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    flags = [f for f in FLAG_ORDER if f in stats.flag_counts] + sorted(
        set(stats.flag_counts) - set(FLAG_ORDER)
    )
    return env.from_string(_TEMPLATE).render(
        stats=stats,
        result=result,
        band=band,
        ctx=ctx,
        flags=flags,
        figs=plots(stats, lengths, band),
        gm=stats.glossary.result(),
        layers=[*LAYERS, "failed"],
        stages=BUILD_STAGES,
        quality=quality_section(estimate),
        corpus_section=Markup(corpus_html(corpus, result.corpus)) if corpus is not None else "",
        bitext_section=Markup(
            bitext_html(getattr(result, "bitext", None), getattr(result, "alignment", None))
        ),
        demo_notice=_demo_notice(ctx),
        consistency_section=Markup(consistency_html(consistency)),
        undated=[d for d, c in stats.docs.items() if c.undated == c.pairs and c.pairs],
        fallbacks=undated_fallbacks(stats, getattr(ctx, "glossary", None)),
    )


def _demo_notice(ctx: Any) -> str:
    """The banner for a build made with the demo model ("" otherwise)."""
    from kzparallel.translation.model import DEMO_NOTICE, is_demo_model

    ref = getattr(ctx, "model_ref", None)
    return DEMO_NOTICE if ref is not None and is_demo_model(ref.model_id) else ""


def write_report(
    path: str | Path,
    stats: ReportStats,
    result: Any,
    band: LengthBand,
    lengths: LengthStats,
    ctx: Any,
    corpus: Any = None,
    estimate: Any | None = None,
    consistency: dict[str, Any] | None = None,
) -> None:
    atomic_write_text(
        path, render_report(stats, result, band, lengths, ctx, corpus, estimate, consistency)
    )
