"""Ranking with reasons: BM25 relevance combined with field, chain and maturity compatibility
and the staff's feedback. Pure Python and numpy (no Django): the store loads rows and the
feedback and hands them over as plain data.

The score of a candidate for a query (a demand, an achievement or a free text):

    score = BM25 × (1 + 0.20 [same technical field] + 0.25 [same chain] + 0.15 [same node])
                 × maturity factor × feedback factor

- BM25 over the candidate's title (weighted 3) and text, against the query's terms.
- Compatibility rewards a candidate in the query's technical field, industry chain and
  chain node; it never creates a match: a candidate without a shared term is not suggested.
- Maturity (demand → achievements, and free text → achievements): a firm's demand wants a
  result it can use, so 产业化 1.00 and 中试 0.95 rank above 小试 0.85 and 实验室 0.70
  (unknown 0.85). Suggesting demands for an achievement does not weigh maturity.
- Feedback: an achievement rejected for this demand is not suggested again; others that
  share most of its matched terms (IDF-weighted share ≥ 0.6 of their own matched terms) are
  penalised mildly (× (1 − 0.3·share), so at most × 0.7); a rejection as "too early" also
  sinks candidates no more mature than the rejected one (× 0.8). Pairs already in the
  pipeline stay in the list, marked.

Each suggestion: ``row`` (in the side's arrays), ``id`` (primary key), ``code``, ``title``,
``score`` (3 decimals), ``relevance`` (the BM25 part), ``terms`` (matched terms, most weighty
first, a term inside another matched term left out), ``reasons`` (Chinese sentences) and
``match_status`` (the pipeline status of an existing match, or None).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np

from kechuang.transfer.matching.index import BM25Index

FIELD_BONUS = 0.20
CHAIN_BONUS = 0.25
NODE_BONUS = 0.15
MATURITY_ORDER = ("lab", "small_pilot", "pilot", "industrial")
MATURITY_FACTOR = {"industrial": 1.00, "pilot": 0.95, "small_pilot": 0.85, "lab": 0.70}
UNKNOWN_MATURITY_FACTOR = 0.85
MATURITY_LABELS = {"lab": "实验室", "small_pilot": "小试", "pilot": "中试", "industrial": "产业化"}
MATURITY_ADVICE = {
    "industrial": "可直接对接",
    "pilot": "可直接对接",
    "small_pilot": "需经中试验证",
    "lab": "转化周期较长",
}
SIMILAR_SHARE = 0.6
SIMILAR_PENALTY = 0.3
TOO_EARLY_REASON = "too_early"
TOO_EARLY_FACTOR = 0.8
MAX_TERMS = 6
NONE = -1


@dataclass
class Side:
    """One searchable collection (achievements or demands): its index and row metadata.

    Integer columns use -1 for "none": ``field`` indexes :attr:`Catalog.fields`, ``maturity``
    indexes :data:`MATURITY_ORDER`, ``chain`` and ``node`` are primary keys. ``active`` is
    False for rows never to suggest (closed demands)."""

    kind: str  # "achievement" | "demand"
    index: BM25Index
    pk: np.ndarray
    codes: list[str]
    titles: list[str]
    field: np.ndarray
    chain: np.ndarray
    node: np.ndarray
    maturity: np.ndarray
    trl: np.ndarray
    active: np.ndarray
    _rows: dict[int, int] | None = None

    def row_of(self, pk: int) -> int | None:
        if self._rows is None:
            self._rows = {int(p): i for i, p in enumerate(self.pk.tolist())}
        return self._rows.get(int(pk))

    def rows_of(self, pks: Collection[int]) -> np.ndarray:
        found = (self.row_of(p) for p in pks)
        return np.array([r for r in found if r is not None], dtype=np.int64)


@dataclass
class Catalog:
    """Names the reasons need: vocabulary terms, technical fields, chains and nodes."""

    terms: list[str]
    fields: list[str]
    chains: dict[int, str] = dataclasses.field(default_factory=dict)
    nodes: dict[int, str] = dataclasses.field(default_factory=dict)


@dataclass
class Query:
    """What a ranking is asked for: the query's terms and context, and the feedback so far.

    ``rejected`` maps a candidate's primary key to the reason it was turned down for this
    query; ``matched`` maps a candidate's primary key to (status code, status label) of the
    match already in the pipeline; ``allowed`` restricts candidates to these primary keys."""

    term_ids: np.ndarray
    field: str = ""
    chain_id: int | None = None
    node_id: int | None = None
    weigh_maturity: bool = True
    rejected: Mapping[int, str] = dataclasses.field(default_factory=dict)
    matched: Mapping[int, tuple[str, str]] = dataclasses.field(default_factory=dict)
    allowed: Collection[int] | None = None
    exclude: Collection[int] = ()


def compatibility(side: Side, rows: np.ndarray, query: Query, catalog: Catalog) -> np.ndarray:
    """The compatibility multiplier of each row (field, chain, node, maturity)."""
    factor = np.ones(len(rows))
    if query.field and query.field in catalog.fields:
        factor += FIELD_BONUS * (side.field[rows] == catalog.fields.index(query.field))
    if query.chain_id is not None:
        factor += CHAIN_BONUS * (side.chain[rows] == query.chain_id)
    if query.node_id is not None:
        factor += NODE_BONUS * (side.node[rows] == query.node_id)
    if query.weigh_maturity:
        table = np.array([MATURITY_FACTOR[m] for m in MATURITY_ORDER] + [UNKNOWN_MATURITY_FACTOR])
        factor *= table[side.maturity[rows]]  # -1 picks the last entry: unknown
    return factor


def _display_terms(term_ids: np.ndarray, weights: np.ndarray, catalog: Catalog) -> list[str]:
    order = np.argsort(-weights, kind="stable")
    chosen = [catalog.terms[term_ids[i]] for i in order if weights[i] > 0]
    kept = [t for t in chosen if not any(t != o and t in o for o in chosen)]
    return kept[:MAX_TERMS]


def _maturity_reason(side: Side, row: int) -> str | None:
    m = int(side.maturity[row])
    if m == NONE:
        return None
    code = MATURITY_ORDER[m]
    trl = int(side.trl[row])
    label = MATURITY_LABELS[code] + (f"（TRL {trl}）" if trl > 0 else "")
    return f"成熟度：{label}，{MATURITY_ADVICE[code]}"


def rank(side: Side, query: Query, catalog: Catalog, top: int = 10) -> list[dict]:
    """The ``top`` best candidates of ``side`` for ``query``, best first, with reasons."""
    if top <= 0 or side.index.n_docs == 0:
        return []
    term_ids = np.asarray(query.term_ids, dtype=np.int64)
    relevance = side.index.scores(term_ids)
    relevance[~side.active] = 0.0
    drop = side.rows_of(set(query.exclude) | set(query.rejected))
    relevance[drop] = 0.0
    if query.allowed is not None:
        keep = np.zeros(side.index.n_docs, dtype=bool)
        keep[side.rows_of(query.allowed)] = True
        relevance[~keep] = 0.0
    n_relevant = int(np.count_nonzero(relevance))
    if not n_relevant:
        return []
    # Feedback only lowers scores: rank a generous pool on BM25 × compatibility, then adjust
    # it. The pool is exact: compatibility multiplies BM25 by at most `boost`, so a document
    # whose BM25 is below the shortlist's floor cannot beat the pool once that floor × boost
    # is under the pool's last score; otherwise the shortlist grows.
    pool_size = min(n_relevant, top * 4 + 20)
    boost = (1.0 + FIELD_BONUS + CHAIN_BONUS + NODE_BONUS) * max(MATURITY_FACTOR.values())
    shortlist_size = min(n_relevant, pool_size * 8)
    while True:
        if shortlist_size >= n_relevant:
            candidates = np.flatnonzero(relevance)
        else:
            candidates = np.argpartition(-relevance, shortlist_size - 1)[:shortlist_size]
        base = relevance[candidates] * compatibility(side, candidates, query, catalog)
        pool_at = np.argpartition(-base, pool_size - 1)[:pool_size]
        if shortlist_size >= n_relevant:
            break
        if relevance[candidates].min() * boost <= base[pool_at].min():
            break
        shortlist_size = min(n_relevant, shortlist_size * 4)
    pool = candidates[pool_at]
    score = base[pool_at].copy()
    weights = side.index.term_weights(term_ids, pool)  # terms × pool
    notes: list[list[str]] = [[] for _ in range(len(pool))]

    rejected_rows = side.rows_of(query.rejected)
    if len(rejected_rows):
        rejected_w = side.index.term_weights(term_ids, rejected_rows) > 0  # terms × rejected
        own = weights.sum(axis=0)
        shared = (weights.T @ rejected_w.astype(np.float32)) / np.maximum(own, 1e-9)[:, None]
        best = shared.argmax(axis=1)
        best_share = shared[np.arange(len(pool)), best]
        for i in np.flatnonzero(best_share >= SIMILAR_SHARE):
            score[i] *= 1.0 - SIMILAR_PENALTY * best_share[i]
            code = side.codes[rejected_rows[best[i]]]
            notes[i].append(f"与已否决的 {code} 匹配词相近，已降低排序")
        early = [
            int(side.maturity[r])
            for r in rejected_rows
            if query.rejected.get(int(side.pk[r])) == TOO_EARLY_REASON
        ]
        if early and query.weigh_maturity:
            ceiling = max(early)
            for i in np.flatnonzero(side.maturity[pool] <= ceiling):
                score[i] *= TOO_EARLY_FACTOR
                notes[i].append("曾以“成果尚不成熟”否决同等成熟度的成果，已降低排序")

    order = np.lexsort((side.pk[pool], -score))[:top]
    query_field = query.field if query.field in catalog.fields else None
    out = []
    for i in order:
        row = int(pool[i])
        pk = int(side.pk[row])
        terms = _display_terms(term_ids, weights[:, i], catalog)
        reasons = [f"关键词匹配：{'、'.join(terms)}"]
        chain = int(side.chain[row])
        if query.chain_id is not None and chain == query.chain_id:
            name = catalog.chains.get(chain, "").removesuffix("产业链")
            reasons.append(f"同属{name}产业链")
            node = int(side.node[row])
            if query.node_id is not None and node == query.node_id:
                reasons.append(f"同一产业链环节：{catalog.nodes.get(node, '')}")
        field_at = int(side.field[row])
        if query_field is not None and field_at != NONE and catalog.fields[field_at] == query_field:
            reasons.append(f"技术领域一致：{query_field}")
        if query.weigh_maturity:
            maturity = _maturity_reason(side, row)
            if maturity:
                reasons.append(maturity)
        reasons.extend(notes[i])
        status = query.matched.get(pk)
        if status:
            reasons.append(f"已在对接中（{status[1]}）")
        out.append(
            {
                "row": row,
                "id": pk,
                "code": side.codes[row],
                "title": side.titles[row],
                # Unrounded: pages format them, the service rounds what it stores.
                "score": float(score[i]),
                "relevance": float(relevance[row]),
                "terms": terms,
                "reasons": reasons,
                "match_status": status[0] if status else None,
            }
        )
    return out


# rank_texts: with at least COMMON_MIN_DOCS documents, a query term found in more than
# COMMON_SHARE of them (指导 in every commissioner's logs) tells none apart and is ignored.
COMMON_SHARE = 0.5
COMMON_MIN_DOCS = 4


def rank_texts(tokens, query: str, documents: Mapping, top: int | None = None) -> list[dict]:
    """Arbitrary documents (a mapping key → text) ranked against a query text by BM25 over
    those documents alone, with ``tokens`` the segmenter's ``tokens`` (so the same words and
    term weighting as demands and achievements). Only documents sharing a term, best first:
    ``{"key", "score", "terms"}`` (matched terms, most weighty first). Terms common to most
    documents are ignored (see COMMON_SHARE)."""
    from kechuang.transfer.matching.index import Vocabulary

    keys = list(documents)
    if not keys or (top is not None and top <= 0):
        return []
    vocabulary = Vocabulary()
    bodies = [vocabulary.ids(tokens(documents[k] or "")) for k in keys]
    empty = [np.zeros(0, dtype=np.int32)] * len(keys)
    index = BM25Index.build(empty, bodies, len(vocabulary))
    term_ids = vocabulary.known(tokens(query or ""))
    if len(keys) >= COMMON_MIN_DOCS and len(term_ids):
        df = index.indptr[term_ids.astype(np.int64) + 1] - index.indptr[term_ids]
        term_ids = term_ids[df <= COMMON_SHARE * len(keys)]
    scores = index.scores(term_ids)
    rows = np.flatnonzero(scores > 0)
    if not len(rows):
        return []
    weights = index.term_weights(term_ids, rows)
    catalog = Catalog(terms=vocabulary.terms, fields=[])
    order = sorted(range(len(rows)), key=lambda i: (-scores[rows[i]], int(rows[i])))
    out = [
        {
            "key": keys[int(rows[i])],
            "score": float(scores[rows[i]]),
            "terms": _display_terms(term_ids, weights[:, i], catalog),
        }
        for i in order
    ]
    return out if top is None else out[:top]
