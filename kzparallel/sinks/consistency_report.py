"""The report's section on names rendered more than one way
(:mod:`kzparallel.glossary.consistency`, also in ``consistency.json``)."""

from __future__ import annotations

from typing import Any

MAX_LISTED = 50

_TEMPLATE = """<h2 id="renderings">Names rendered more than one way</h2>
<p>{{ r.inconsistent }} of {{ r.concepts }} concepts (glossary entries and names the glossary does
not cover, found as <code>kzparallel glossary suggest</code> finds them) came out in more than one
English form; {{ r.inconsistent_in_a_document }} of them within one document. Every item is in
<code>consistency.json</code>; the review app lists the pairs with a form other than the most
frequent one (<code>/pairs?show=renderings</code>).</p>
{% if items %}<table><tr><th>concept</th><th>from</th><th>forms (count: example pairs)</th><th>documents with more than one form</th></tr>
{% for it in items %}<tr><td>{{ it.concept }}{% if it.ar %}<br><span class="ar" dir="rtl" lang="ar">{{ it.ar|join("، ") }}</span>{% endif %}</td><td>{{ it.source }}</td>
<td>{% for f in it.forms %}<b>{{ f.form }}</b> {{ f.count }}: {% for p in f.pairs %}<code>{{ p }}</code>{% if not loop.last %} {% endif %}{% endfor %}{% if not loop.last %}<br>{% endif %}{% endfor %}{% if it.missing %}<br>missing {{ it.missing }}{% endif %}</td>
<td>{% for d in it.documents %}{{ d.doc_id }} ({% for k, v in d.forms.items() %}{{ k }} {{ v }}{% if not loop.last %}, {% endif %}{% endfor %}){% if not loop.last %}<br>{% endif %}{% endfor %}</td></tr>{% endfor %}</table>
{% if more %}<p>… and {{ more }} more (all in consistency.json).</p>{% endif %}{% endif %}
"""


def consistency_html(report: dict[str, Any] | None) -> str:
    """The section's HTML ("" without a report)."""
    import jinja2

    if report is None:
        return ""
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    items = report["items"][:MAX_LISTED]
    return env.from_string(_TEMPLATE).render(
        r=report, items=items, more=len(report["items"]) - len(items)
    )
