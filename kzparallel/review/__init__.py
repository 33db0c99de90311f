"""Review of a build's pairs: decisions in ``DIR/review.sqlite`` and a local web app.

* :mod:`kzparallel.review.store` — the SQLite review database: the decision log
  (WAL, optimistic concurrency: a decision based on an old version of a pair is
  refused), each pair's current state, schema versions and their migration;
* :mod:`kzparallel.review.state` — decisions folded into per-pair state;
* :mod:`kzparallel.review.decisions` — :func:`~kzparallel.review.decisions.apply_review`,
  which exports and the dataset use to apply the decisions to a stream of pairs;
* :mod:`kzparallel.review.indexing`, :mod:`kzparallel.review.index`,
  :mod:`kzparallel.review.queries`, :mod:`kzparallel.review.search` — the pairs
  in SQLite for the app: import, keyset pages, full-text search;
* :mod:`kzparallel.review.sampling` — random samples and the quality estimate;
* :mod:`kzparallel.review.app` — the Starlette web app (``kzparallel review DIR``).
"""
