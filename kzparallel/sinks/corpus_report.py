"""The report's section on the corpus-level decisions (kzparallel.corpus):
version, duplicates, near-duplicate clusters, splits, the ``low-score``
threshold over a histogram of the scores, the ``wrong-language`` rate."""

from __future__ import annotations

from typing import Any

from kzparallel.langid import MIN_PROBABILITY, MIN_WORDS
from kzparallel.sinks.charts import png_uri, pyplot

MAX_LISTED_CLUSTERS = 20

_TEMPLATE = """<h2>Corpus: versions, duplicates, splits, filters</h2>
<p>Dataset version <b>{{ s.version }}</b>{% if s.carried or s.version > 1 %}: {{ s.added|length }} document(s)
added, {{ s.updated|length }} updated, {{ s.carried }} kept from the previous build{% endif %}.</p>
<table><tr><th></th><th>count</th><th>share of pairs</th></tr>
<tr><td>pairs</td><td class="num">{{ s.pairs }}</td><td class="num">100%</td></tr>
<tr><td>repeated sentences (<span class="flag">duplicate</span>){% if not s.keep_duplicates %}, left out of the dataset{% endif %}</td>
<td class="num">{{ s.duplicates }}</td><td class="num">{{ pct(s.duplicates) }}</td></tr>
<tr><td><span class="flag">wrong-language</span></td><td class="num">{{ s.wrong_language }}</td><td class="num">{{ pct(s.wrong_language) }}</td></tr>
<tr><td><span class="flag">low-score</span></td><td class="num">{{ s.low_score }}</td><td class="num">{{ pct(s.low_score) }}</td></tr>
</table>
<p>Near-duplicate documents (MinHash/LSH over word 5-grams, Jaccard ≥ {{ s.near_duplicate_threshold }}):
{{ s.links }} link(s), {{ s.clusters }} cluster(s) for {{ s.documents }} document(s);
{{ s.near_copy_clusters }} cluster(s) hold {{ s.near_copies }} near-copies.</p>
{% if clusters %}<table><tr><th>cluster</th><th>split</th><th>documents</th></tr>
{% for c, docs in clusters %}<tr><td>{{ c }}</td><td>{{ split[c] }}</td><td>{{ docs|join(", ") }}</td></tr>{% endfor %}</table>
{% if more %}<p>… and {{ more }} more clusters (all in manifest.json).</p>{% endif %}{% endif %}
{% if s.bridges %}<p>Bridges (new documents linking recorded clusters, which keep their splits):</p><ul>
{% for b in s.bridges %}<li>{{ b.documents|join(", ") }} → {{ b.clusters|join(" / ") }}</li>{% endfor %}</ul>{% endif %}
<p>Splits: per cluster, from sha256(seed:cluster) against the ratios {{ ratios }} (seed {{ s.seed }}).
{% if s.note %}{{ s.note }}.{% endif %}</p>
<p>Wrong language: probability of the expected language (py3langid) below {{ min_prob }}; texts under
{{ min_words }} words are not judged.</p>
<h3>Model scores</h3>
<p>Low-score threshold: {{ s.threshold.describe() }}.</p>
{% if fig %}<img alt="score histogram with the low-score threshold" src="{{ fig }}">{% endif %}
"""


def score_figure(scores: Any, threshold: Any) -> str:
    """Histogram of the pair scores with the threshold as a line (data: URI)."""
    hist = scores.histogram()
    if not hist:
        return ""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 2.5))
    ax.bar([x for x, _ in hist], [c for _, c in hist], width=0.09, align="edge", color="#4477aa")
    if threshold.value is not None:
        ax.axvline(threshold.value, color="#cc3311", linestyle="--", label="low-score threshold")
        ax.legend()
    ax.set_xlabel("model score (mean log-probability per token)")
    ax.set_ylabel("pairs")
    return png_uri(fig)


def corpus_html(corpus: Any, summary: Any) -> str:
    """The section (HTML, escaped) for a :class:`kzparallel.corpus.CorpusPass`
    and its :class:`kzparallel.corpus.CorpusSummary`."""
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    multi = [(c, d) for c, d in corpus.assignment.clusters.items() if len(d) > 1]
    split = {c: corpus.assignment.split[d[0]] for c, d in multi}
    return env.from_string(_TEMPLATE).render(
        s=summary,
        pct=lambda k: f"{100 * k / summary.pairs:.1f}%" if summary.pairs else "-",
        clusters=multi[:MAX_LISTED_CLUSTERS],
        more=max(0, len(multi) - MAX_LISTED_CLUSTERS),
        split=split,
        ratios=",".join(f"{r:g}" for r in summary.ratios),
        min_prob=MIN_PROBABILITY,
        min_words=MIN_WORDS,
        fig=score_figure(corpus.scores, summary.threshold),
    )
