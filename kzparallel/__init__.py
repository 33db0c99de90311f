"""kzparallel: Arabic news articles to English articles and an Arabic-English parallel corpus.

The Python API (:mod:`kzparallel.api`)::

    import kzparallel

    with kzparallel.Translator("demo") as tr:
        print(tr.translate("..."))
    manifest = kzparallel.build(["seeds/"], "outputs/seeds")

Importing the package loads none of torch, transformers, ctranslate2 or datasets:
the API's names are imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kzparallel.errors import InputError, KzError
from kzparallel.records import Decision, Document, Link, Pair, Segment
from kzparallel.version import __version__

if TYPE_CHECKING:
    from kzparallel.api import Translator, align, build, translate
    from kzparallel.glossary import load_glossary

# name -> module that defines it, imported on first access (PEP 562)
_LAZY = {
    "Translator": "kzparallel.api",
    "align": "kzparallel.api",
    "build": "kzparallel.api",
    "translate": "kzparallel.api",
    "load_glossary": "kzparallel.glossary",
}

__all__ = [
    "Decision",
    "Document",
    "InputError",
    "KzError",
    "Link",
    "Pair",
    "Segment",
    "Translator",
    "__version__",
    "align",
    "build",
    "load_glossary",
    "translate",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kzparallel' has no attribute {name!r}")
