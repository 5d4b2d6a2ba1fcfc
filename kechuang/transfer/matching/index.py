"""A BM25 index in plain numpy arrays (no Django, no scipy).

Documents have a title and a body; the title's terms count ``title_weight`` times (BM25F with
integer field weights, the same as repeating the title). Build once, query many times:

    vocab = Vocabulary()
    index = BM25Index.build([vocab.ids(t) for t in titles], [vocab.ids(b) for b in bodies],
                            n_terms=len(vocab))
    scores = index.scores(vocab.known(query_tokens))   # float64 per document

Layout (compressed sparse rows by term): the postings of term ``t`` are
``docs[indptr[t]:indptr[t+1]]`` (document rows, ascending) with their precomputed BM25
contributions in ``weights`` (idf × saturated, length-normalised tf, k1 = 1.2, b = 0.75,
idf = ln(1 + (N − df + 0.5) / (df + 0.5))). A query concatenates the postings of its few terms
and sums them with one ``np.bincount``: its cost grows with the postings touched, not with the
corpus. The forward index (each document's distinct terms, ``doc_indptr`` / ``doc_terms``)
lets a document itself be the query (the reverse direction) without segmenting it again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

K1 = 1.2
B = 0.75
TITLE_WEIGHT = 3

ARRAYS = ("indptr", "docs", "weights", "idf", "doc_indptr", "doc_terms", "doc_length")


class Vocabulary:
    """Term ↔ id, shared by the indexes that answer each other's documents."""

    def __init__(self, terms: Iterable[str] = ()):
        self.terms: list[str] = []
        self._ids: dict[str, int] = {}
        for term in terms:
            self._ids.setdefault(term, len(self.terms))
            if len(self._ids) > len(self.terms):
                self.terms.append(term)

    def __len__(self) -> int:
        return len(self.terms)

    def __contains__(self, term: str) -> bool:
        return term in self._ids

    def ids(self, tokens: Iterable[str]) -> np.ndarray:
        """Ids of the tokens, adding new terms (for building)."""
        ids = self._ids
        terms = self.terms
        out = []
        for token in tokens:
            i = ids.get(token)
            if i is None:
                i = ids[token] = len(terms)
                terms.append(token)
            out.append(i)
        return np.asarray(out, dtype=np.int32)

    def known(self, tokens: Iterable[str]) -> np.ndarray:
        """Distinct ids of the tokens the vocabulary knows (for querying), in first-seen order."""
        ids = self._ids
        seen = dict.fromkeys(ids[t] for t in tokens if t in ids)
        return np.fromiter(seen, dtype=np.int32, count=len(seen))


@dataclass
class BM25Index:
    n_docs: int
    indptr: np.ndarray  # int64, n_terms + 1
    docs: np.ndarray  # int32 document rows, ascending within a term
    weights: np.ndarray  # float32 BM25 contribution of (term, document)
    idf: np.ndarray  # float32 per term (0 for terms absent from this index)
    doc_indptr: np.ndarray  # int64, n_docs + 1
    doc_terms: np.ndarray  # int32 distinct terms of each document, ascending
    doc_length: np.ndarray  # float32 weighted length of each document

    @classmethod
    def build(
        cls,
        titles: Sequence[np.ndarray],
        bodies: Sequence[np.ndarray],
        n_terms: int,
        *,
        title_weight: int = TITLE_WEIGHT,
        k1: float = K1,
        b: float = B,
    ) -> BM25Index:
        n_docs = len(titles)
        if len(bodies) != n_docs:
            raise ValueError("titles and bodies differ in length")
        title_len = np.fromiter((len(t) for t in titles), dtype=np.int64, count=n_docs)
        body_len = np.fromiter((len(t) for t in bodies), dtype=np.int64, count=n_docs)
        rows = np.arange(n_docs, dtype=np.int64)
        empty = np.zeros(0, dtype=np.int32)
        term = np.concatenate(
            [np.concatenate(list(titles) or [empty]), np.concatenate(list(bodies) or [empty])]
        ).astype(np.int64)
        doc = np.concatenate([np.repeat(rows, title_len), np.repeat(rows, body_len)])
        field_weight = np.concatenate(
            [
                np.full(int(title_len.sum()), title_weight, dtype=np.float64),
                np.ones(int(body_len.sum()), dtype=np.float64),
            ]
        )
        doc_length = np.bincount(doc, weights=field_weight, minlength=n_docs)
        avgdl = float(doc_length.mean()) if n_docs else 0.0
        # One entry per distinct (term, document), sorted by term then document.
        keys, inverse = np.unique(term * max(n_docs, 1) + doc, return_inverse=True)
        tf = np.bincount(inverse.ravel(), weights=field_weight, minlength=len(keys))
        p_term = keys // max(n_docs, 1)
        p_doc = keys % max(n_docs, 1)
        df = np.bincount(p_term, minlength=n_terms)
        idf = np.log1p((n_docs - df + 0.5) / (df + 0.5))
        idf[df == 0] = 0.0
        norm = k1 * (1.0 - b + b * doc_length[p_doc] / avgdl) if avgdl else np.full(len(tf), k1)
        weights = idf[p_term] * tf * (k1 + 1.0) / (tf + norm)
        indptr = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(df, out=indptr[1:])
        order = np.lexsort((p_term, p_doc))
        doc_indptr = np.zeros(n_docs + 1, dtype=np.int64)
        np.cumsum(np.bincount(p_doc, minlength=n_docs), out=doc_indptr[1:])
        return cls(
            n_docs=n_docs,
            indptr=indptr,
            docs=p_doc.astype(np.int32),
            weights=weights.astype(np.float32),
            idf=idf.astype(np.float32),
            doc_indptr=doc_indptr,
            doc_terms=p_term[order].astype(np.int32),
            doc_length=doc_length.astype(np.float32),
        )

    @property
    def n_terms(self) -> int:
        return len(self.indptr) - 1

    def arrays(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in ARRAYS}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> BM25Index:
        return cls(n_docs=len(arrays["doc_indptr"]) - 1, **{n: arrays[n] for n in ARRAYS})

    def _known(self, term_ids: np.ndarray) -> np.ndarray:
        term_ids = np.asarray(term_ids, dtype=np.int64)
        return term_ids[(term_ids >= 0) & (term_ids < self.n_terms)]

    def scores(self, term_ids: np.ndarray, query_weights: np.ndarray | None = None) -> np.ndarray:
        """BM25 score of every document for the query terms (distinct ids), float64."""
        term_ids = self._known(term_ids)
        starts = self.indptr[term_ids]
        ends = self.indptr[term_ids + 1]
        if not len(term_ids) or not (ends > starts).any():
            return np.zeros(self.n_docs)
        docs = np.concatenate([self.docs[s:e] for s, e in zip(starts, ends, strict=True)])
        weights = np.concatenate([self.weights[s:e] for s, e in zip(starts, ends, strict=True)])
        if query_weights is not None:
            weights = weights * np.repeat(
                np.asarray(query_weights, dtype=np.float32), ends - starts
            )
        return np.bincount(docs, weights=weights, minlength=self.n_docs)

    def term_weights(self, term_ids: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """The BM25 contribution of each term (rows of the result) to each document (columns);
        0 where the document lacks the term."""
        term_ids = np.asarray(term_ids, dtype=np.int64)
        rows = np.asarray(rows, dtype=np.int32)
        out = np.zeros((len(term_ids), len(rows)), dtype=np.float32)
        for i, t in enumerate(term_ids):
            if not 0 <= t < self.n_terms:
                continue
            s, e = self.indptr[t], self.indptr[t + 1]
            if s == e:
                continue
            posting = self.docs[s:e]
            pos = np.searchsorted(posting, rows)
            pos_clipped = np.minimum(pos, e - s - 1)
            hit = posting[pos_clipped] == rows
            out[i, hit] = self.weights[s:e][pos_clipped[hit]]
        return out

    def doc_term_ids(self, row: int) -> np.ndarray:
        """The distinct terms of one document (to ask the other index with it)."""
        return self.doc_terms[self.doc_indptr[row] : self.doc_indptr[row + 1]]
