"""Duplicates in a corpus: repeated sentences and near-duplicate documents.

**Sentences.** Two Arabic sentences are the same when their *dedup keys*
are equal: the glossary's Arabic normalisation
(:func:`kzparallel.arabic.normalize_text`: diacritics, tatweel and
control characters dropped, alef/ya/ta-marbuta/hamza-seat forms unified,
digits made ASCII, Latin lower-cased), then every punctuation mark and symbol
(anything but letters and digits) removed and runs of whitespace made one
space. :class:`SentenceIndex` keeps
one 8-byte digest (BLAKE2b) per pair plus its position in three compact
arrays, and settles which copy is kept once the splits are known.

**Documents.** Syndicated copies of an article (same body, other page
furniture, a paragraph more or less) are found with MinHash and LSH from
`datasketch`: the body (every sentence but the title, dedup keys) is cut into
word 5-grams (*shingles*), summarised by a 128-permutation MinHash, and
indexed by an LSH tuned to :data:`NEAR_DUPLICATE_THRESHOLD`; each candidate
pair the LSH proposes is kept only when the MinHash estimate of its Jaccard
similarity reaches the threshold. Related articles about the same events share
names and phrases but few 5-grams (the five seed articles: Jaccard at most
0.02), while a copy with a paragraph more or less stays above 0.8.
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kzparallel.arabic import normalize_text

SHINGLE_WORDS = 5
NUM_PERM = 128
MINHASH_SEED = 1
NEAR_DUPLICATE_THRESHOLD = 0.5  # estimated Jaccard similarity of the shingle sets
NO_KEY = 0  # digest of a sentence with no letters or digits (never deduplicated)


_NOT_WORD = re.compile(r"[\W_]+")  # punctuation, symbols, spaces, controls


def sentence_key(ar: str) -> str:
    """The text two sentences must share to be duplicates (see module doc)."""
    return " ".join(_NOT_WORD.sub(" ", normalize_text(ar)).split())


def key_digest(key: str) -> int:
    """64-bit digest of a :func:`sentence_key` (:data:`NO_KEY` when it is empty)."""
    if not key:
        return NO_KEY
    digest = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big")
    return digest or 1


def sentence_digest(ar: str) -> int:
    """:func:`key_digest` of the sentence's key."""
    return key_digest(sentence_key(ar))


def shingles(words: list[str], n: int = SHINGLE_WORDS) -> list[bytes]:
    """Word n-grams of ``words`` (the whole text as one shingle when shorter)."""
    if not words:
        return []
    if len(words) <= n:
        return [" ".join(words).encode()]
    return [" ".join(words[i : i + n]).encode() for i in range(len(words) - n + 1)]


class DocumentSketcher:
    """MinHash of one document's body, fed sentence by sentence."""

    def __init__(self, template: Any) -> None:
        self._template = template
        self.words: list[str] = []

    def add(self, key: str) -> None:
        """Add one sentence of the body, as its :func:`sentence_key`."""
        self.words.extend(key.split())

    def signature(self) -> Any:
        """The MinHash values (uint32 array), or None for an empty body."""
        from datasketch import MinHash

        grams = shingles(self.words)
        if not grams:
            return None
        mh = MinHash(
            num_perm=NUM_PERM,
            seed=MINHASH_SEED,
            permutations=self._template.permutations,
            scheme=self._template.scheme,
        )
        mh.update_batch(grams)
        return mh.hashvalues.astype("uint32")


class NearDuplicateIndex:
    """LSH index over document MinHashes; :meth:`edges` lists near-duplicate pairs.

    Documents are numbered by the caller (0, 1, ...). Memory per document:
    about 9 KB (the MinHash, 128 uint32 = 512 bytes, and datasketch's LSH
    buckets: one entry in each of its 25 band tables; measured by
    tests/benchmarks/bench_memory.py); the index is dropped after :meth:`edges`.
    """

    def __init__(self, threshold: float = NEAR_DUPLICATE_THRESHOLD) -> None:
        from datasketch import MinHash, MinHashLSH

        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"near-duplicate threshold must be in (0, 1], got {threshold}")
        self.threshold = threshold
        self.template = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED)
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._values: dict[int, Any] = {}

    def sketcher(self) -> DocumentSketcher:
        return DocumentSketcher(self.template)

    def add(self, doc: int, values: Any) -> None:
        """Index document ``doc`` (``values`` from :meth:`DocumentSketcher.signature`;
        None is not indexed: a document with no body is nobody's near-copy)."""
        from datasketch import MinHash

        if values is None:
            return
        if doc in self._values:  # the same document in two blocks: MinHash of the union
            import numpy as np

            values = np.minimum(values, self._values[doc])
            self._lsh.remove(doc)
        self._values[doc] = values
        mh = MinHash(hashvalues=values.astype("uint64"), seed=MINHASH_SEED, scheme="affine32")
        self._lsh.insert(doc, mh, check_duplication=False)

    def edges(self) -> list[tuple[int, int, float]]:
        """(a, b, estimated Jaccard) with a < b for every verified near-duplicate pair,
        sorted; the same whatever order the documents were added in."""
        from datasketch import MinHash

        out: list[tuple[int, int, float]] = []
        for doc in sorted(self._values):
            values = self._values[doc]
            mh = MinHash(hashvalues=values.astype("uint64"), seed=MINHASH_SEED, scheme="affine32")
            for other in sorted(k for k in self._lsh.query(mh) if k > doc):
                similarity = float((self._values[other] == values).mean())
                if similarity >= self.threshold:
                    out.append((doc, other, round(similarity, 4)))
        return out

    def close(self) -> None:
        self._values.clear()
        self._lsh = None  # type: ignore[assignment]


@dataclass
class Duplicates:
    """Result of :meth:`SentenceIndex.resolve`: per pair (in stream order) the id
    of the kept copy when the pair is a duplicate, else 0."""

    kept_of: Any  # numpy uint64 array
    removed: int  # pairs that are duplicates
    sentences: int  # distinct keyed sentences

    def duplicate_of(self, index: int) -> str | None:
        kept = int(self.kept_of[index])
        return f"{kept:016x}" if kept else None


class SentenceIndex:
    """Digests of every pair's Arabic, for exact-duplicate resolution.

    24 bytes per pair (digest, pair id, document number and position packed in
    three machine arrays): 2.4 MB for 100,000 pairs, whatever the sentences' length.
    """

    def __init__(self) -> None:
        self._digest = array("Q")
        self._id = array("Q")
        self._where = array("Q")  # document number << 32 | position in the document

    def __len__(self) -> int:
        return len(self._digest)

    def add(self, key: str, pair_id: str, doc: int, position: int) -> None:
        """Add one pair: its Arabic's :func:`sentence_key`, id and place."""
        self._digest.append(key_digest(key))
        self._id.append(int(pair_id, 16))
        self._where.append((doc << 32) | position)

    def resolve(self, doc_rank: Iterable[int]) -> Duplicates:
        """Which copy of each sentence is kept: the one whose document has the
        lowest ``doc_rank[doc]``, then the earliest position in it."""
        import numpy as np

        digest = np.frombuffer(self._digest, dtype=np.uint64)
        ids = np.frombuffer(self._id, dtype=np.uint64)
        where = np.frombuffer(self._where, dtype=np.uint64)
        kept_of = np.zeros(len(digest), dtype=np.uint64)
        if not len(digest):
            return Duplicates(kept_of, 0, 0)
        ranks = np.asarray(list(doc_rank), dtype=np.uint64)
        order_key = (ranks[where >> np.uint64(32)] << np.uint64(32)) | (
            where & np.uint64(0xFFFFFFFF)
        )
        order = np.lexsort((order_key, digest))
        d_sorted = digest[order]
        starts = np.ones(len(order), dtype=bool)
        starts[1:] = d_sorted[1:] != d_sorted[:-1]
        group = np.cumsum(starts) - 1
        first = order[starts]  # the kept copy of each distinct digest
        kept_id = ids[first][group]
        is_dup = ~starts & (d_sorted != np.uint64(NO_KEY))
        kept_of[order[is_dup]] = kept_id[is_dup]
        keyed = int(np.count_nonzero(starts & (d_sorted != np.uint64(NO_KEY))))
        return Duplicates(kept_of, int(np.count_nonzero(is_dup)), keyed)
