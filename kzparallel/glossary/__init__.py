"""Glossary: Arabic-aware term matching, layered enforcement, verified compliance.

* :func:`load_glossary` — a YAML/CSV/TSV/TBX glossary, or the shipped default;
* :meth:`Glossary.find` — mentions in Arabic text (spans in the original);
* :meth:`Glossary.hints` — decoder hints (:class:`TermHints`);
* :meth:`Glossary.on` — the glossary as it holds on an article's day (``periods``);
* :func:`kzparallel.glossary.enforce.enforce_pair` — rerank, repair, verify;
* :func:`kzparallel.glossary.metrics.glossary_metrics` — numbers for the report.
"""

from __future__ import annotations

from kzparallel.glossary.io import default_glossary_dir, load_glossary, save_yaml
from kzparallel.glossary.model import Entry, Form, Glossary, Mention, Period

__all__ = [
    "Entry",
    "Form",
    "Glossary",
    "Mention",
    "Period",
    "default_glossary_dir",
    "load_glossary",
    "save_yaml",
]
