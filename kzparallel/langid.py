"""Language identification for the ``wrong-language`` QA flag.

`py3langid <https://pypi.org/project/py3langid/>`_ (a maintained fork of
langid.py: a naive Bayes classifier over byte n-grams, 140 language labels; the
model ships inside the package, nothing is downloaded) gives the probability
of each language for a text. A sentence is in the wrong language when it has
at least :data:`MIN_WORDS` words and the probability of the language it should
be in (``ar`` for the source, ``en`` for the English) is below
:data:`MIN_PROBABILITY`.

Shorter texts are not judged: a name alone ("Kazakhstan", "European Union")
is no evidence of a language. On the developers' reference translations of
the five seed articles (every Arabic paragraph and English sentence of
``seeds/references/``) no text of 5 words or more falls below the threshold;
random-weight model output ("Wa Wa Kazakhstan Kazakhstan ...") gets an
English probability under 0.2.
"""

from __future__ import annotations

import functools
import re
from typing import Any

MIN_WORDS = 5
MIN_PROBABILITY = 0.5
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@functools.cache
def _identifier() -> Any:
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
    except ModuleNotFoundError:  # pragma: no cover - a main dependency
        from kzparallel.errors import KzError

        raise KzError(
            "language identification needs the 'py3langid' package: pip install py3langid"
        ) from None
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def probability(text: str, lang: str) -> float:
    """Probability that ``text`` is in ``lang`` (ISO 639-1 code)."""
    ranked = dict(_identifier().rank(text))
    return float(ranked.get(lang, 0.0))


def judged(text: str) -> bool:
    """Whether ``text`` is long enough to judge (:data:`MIN_WORDS` words)."""
    return len(_WORD.findall(text)) >= MIN_WORDS


def wrong_language(text: str, lang: str) -> bool:
    """``text`` has :data:`MIN_WORDS`+ words and is unlikely to be ``lang``."""
    return judged(text) and probability(text, lang) < MIN_PROBABILITY


def pair_language_flag(ar: str, en: str) -> bool:
    """The Arabic is not Arabic, or the English is not English."""
    return wrong_language(ar, "ar") or wrong_language(en, "en")


def language(text: str) -> str:
    """The most likely language of ``text`` (ISO 639-1 code)."""
    return str(_identifier().classify(text)[0])
