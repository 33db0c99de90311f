"""What the tests and benchmarks need beyond the product (the demo model, the
random model and the corpus generator are product code: :mod:`kzparallel.demo`).

* :func:`write_perturbed_corpus` — perturbed copies of the seed articles
  (benchmarks, reproducibility tests);
* :mod:`kzparallel.testing.bitext` — the gold sets of the bitext-alignment
  tests (``write_gold_set(DIR)``).
"""

from __future__ import annotations

from kzparallel.testing.perturbed import ARABIC, perturb_article, write_perturbed_corpus

__all__ = ["ARABIC", "perturb_article", "write_perturbed_corpus"]
