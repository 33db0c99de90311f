"""Review of a build's pairs: decisions in ``DIR/review.sqlite`` and a local web app.

* :mod:`kzparallel.review.store` — the SQLite decision log (WAL, optimistic
  concurrency: a decision based on an old version of a pair is refused);
* :mod:`kzparallel.review.decisions` — folding the log into per-pair state and
  :func:`~kzparallel.review.decisions.apply_review`, which exports and the
  dataset use to apply the decisions to a stream of pairs;
* :mod:`kzparallel.review.app` — the Starlette web app (``kzparallel review DIR``).
"""
