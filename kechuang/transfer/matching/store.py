"""The database side of matching: load rows, build the indexes, keep them on disk and in memory,
and answer ``suggest_for_*`` with the feedback of the database.

The index lives in ``settings.VAR_DIR / "match-index" / v<format>-<data version>/`` (numpy
arrays and a JSON file); the data version is a fingerprint of everything the index is built
from: achievements and demands (code, title, text, field, maturity, TRL, chain, node), chain
names and node names and keywords, the shipped vocabulary and the index format. The
fingerprint is aggregate (count, greatest key, summed text lengths and foreign keys, latest
audit record), which every change through the ORM moves; it costs the same few queries
whatever the number of rows (it used to hash tables of up to 20,000 rows in full, on every
page with suggestions). A process keeps the index it loaded and only
checks the fingerprint (a few queries) on each call; it loads from disk when another process
built that version, and rebuilds only when the data changed. Demand status, feedback and the
match pipeline are read per call and never cause a rebuild.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection

from kechuang.transfer.matching import engine
from kechuang.transfer.matching.index import ARRAYS, BM25Index, Vocabulary
from kechuang.transfer.matching.text import (
    DOMAIN_TERMS_FILE,
    MIN_FREQ,
    Segmenter,
    corpus_words,
    domain_words,
)

INDEX_FORMAT = 2
KEEP_VERSIONS = 3
SIDE_COLUMNS = ("pk", "field", "chain", "node", "maturity", "trl")

_lock = threading.RLock()
_loaded: dict[str, MatchData] = {}


@dataclass
class MatchData:
    """Both indexes over one vocabulary, the names reasons need, and the domain words."""

    version: str
    vocabulary: Vocabulary
    achievements: engine.Side
    demands: engine.Side
    catalog: engine.Catalog
    words: dict[str, int]
    built_seconds: float = 0.0
    cache_dir: str | None = None
    _segmenter: Segmenter | None = field(default=None, repr=False)

    def segmenter(self) -> Segmenter:
        if self._segmenter is None:
            self._segmenter = Segmenter(self.words, cache_dir=self.cache_dir)
        return self._segmenter

    def term_ids(self, text: str) -> np.ndarray:
        return self.vocabulary.known(self.segmenter().tokens(text))


def index_root() -> Path:
    return Path(settings.VAR_DIR) / "match-index"


# --- the data version -------------------------------------------------------------------


def _models():
    from kechuang.transfer.models import Achievement, ChainNode, Demand, IndustryChain

    return Achievement, Demand, ChainNode, IndustryChain


def _fingerprint_sql(model, texts: tuple[str, ...], keys: tuple[str, ...]) -> list[str]:
    """Scalar subqueries over one table: count, greatest key, summed text lengths and foreign
    keys, and the latest audit record."""
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    column = {f.name: q(f.column) for f in model._meta.concrete_fields}
    column.update({f.attname: q(f.column) for f in model._meta.concrete_fields})
    history = model.history.model._meta
    parts = ["COUNT(*)", f"MAX({column[model._meta.pk.name]})"]
    parts += [f"SUM(LENGTH({column[c]}))" for c in texts]
    parts += [f"SUM(COALESCE({column[c]}, 0))" for c in keys]
    selects = [f"(SELECT {p} FROM {table})" for p in parts]
    selects.append(f"(SELECT MAX({q(history.pk.column)}) FROM {q(history.db_table)})")
    return selects


def data_version() -> str:
    """Costs one query whatever the number of rows: every page with suggestions asks."""
    Achievement, Demand, ChainNode, IndustryChain = _models()
    selects = [
        *_fingerprint_sql(
            Achievement,
            ("code", "title", "abstract", "field", "maturity"),
            ("trl", "chain_id", "node_id"),
        ),
        *_fingerprint_sql(
            Demand, ("code", "title", "description", "field"), ("chain_id", "node_id")
        ),
        *_fingerprint_sql(ChainNode, ("name", "keywords"), ("chain_id",)),
        *_fingerprint_sql(IndustryChain, ("name",), ()),
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects))
        row = cursor.fetchone()
    parts = [
        INDEX_FORMAT,
        MIN_FREQ,
        _vocabulary_digest(),
        [str(v) for v in row],
    ]
    return hashlib.blake2b(repr(parts).encode(), digest_size=10).hexdigest()


def _vocabulary_digest() -> str:
    stat = DOMAIN_TERMS_FILE.stat()
    key = (stat.st_mtime_ns, stat.st_size)
    if _vocabulary_cache.get("key") != key:
        digest = hashlib.blake2b(DOMAIN_TERMS_FILE.read_bytes(), digest_size=8).hexdigest()
        _vocabulary_cache.update(key=key, digest=digest)
    return _vocabulary_cache["digest"]


_vocabulary_cache: dict = {}


# --- building ---------------------------------------------------------------------------


def _side(kind, segmenter, vocabulary, rows, fields, maturity_of) -> tuple:
    titles = [vocabulary.ids(segmenter.tokens(r["title"])) for r in rows]
    bodies = [vocabulary.ids(segmenter.tokens(r["text"])) for r in rows]
    columns = {
        "pk": np.array([r["pk"] for r in rows], dtype=np.int64),
        "field": np.array([fields.index(r["field"]) if r["field"] in fields else -1 for r in rows]),
        "chain": np.array([r["chain_id"] or -1 for r in rows], dtype=np.int64),
        "node": np.array([r["node_id"] or -1 for r in rows], dtype=np.int64),
        "maturity": np.array([maturity_of(r) for r in rows], dtype=np.int64),
        "trl": np.array([r.get("trl") or 0 for r in rows], dtype=np.int64),
    }
    return titles, bodies, columns, [r["code"] for r in rows], [r["title"] for r in rows]


def build(version: str | None = None) -> MatchData:
    """Read the rows and build both indexes (does not save; see :func:`current`)."""
    from kechuang.enterprises.choices import TechField

    Achievement, Demand, ChainNode, IndustryChain = _models()
    started = time.perf_counter()
    version = version or data_version()
    chains = dict(IndustryChain.objects.values_list("pk", "name"))
    nodes = list(ChainNode.objects.values_list("pk", "name", "keywords"))
    achievements = list(
        Achievement.objects.order_by("pk").values(
            "pk", "code", "title", "field", "maturity", "trl", "chain_id", "node_id", "abstract"
        )
    )
    demands = list(
        Demand.objects.order_by("pk").values(
            "pk", "code", "title", "field", "chain_id", "node_id", "description"
        )
    )
    for row in achievements:
        row["text"] = row.pop("abstract")
    for row in demands:
        row["text"] = row.pop("description")
    words = domain_words(
        chains.values(),
        [f"{name} {keywords}" for _, name, keywords in nodes],
        [r["title"] for r in achievements] + [r["title"] for r in demands],
    )
    root = index_root()
    texts = [r[k] for rows in (achievements, demands) for r in rows for k in ("title", "text")]
    # Domain words last: a rare jieba word that is also a domain word must stay whole.
    words = corpus_words(texts, cache_dir=str(root)) | dict.fromkeys(words)
    segmenter = Segmenter(words, cache_dir=str(root))
    vocabulary = Vocabulary()
    fields = list(TechField.values)
    order = engine.MATURITY_ORDER
    sides = {}
    for kind, rows, maturity_of in (
        (
            "achievement",
            achievements,
            lambda r: order.index(r["maturity"]) if r["maturity"] in order else -1,
        ),
        ("demand", demands, lambda r: -1),
    ):
        sides[kind] = _side(kind, segmenter, vocabulary, rows, fields, maturity_of)
    data = MatchData(
        version=version,
        vocabulary=vocabulary,
        achievements=_assemble("achievement", sides["achievement"], len(vocabulary)),
        demands=_assemble("demand", sides["demand"], len(vocabulary)),
        catalog=engine.Catalog(
            terms=vocabulary.terms,
            fields=fields,
            chains=chains,
            nodes={pk: name for pk, name, _ in nodes},
        ),
        words=segmenter.frequencies,
        cache_dir=str(root),
        _segmenter=segmenter,
    )
    data.built_seconds = time.perf_counter() - started
    return data


def _assemble(kind: str, parts: tuple, n_terms: int) -> engine.Side:
    titles, bodies, columns, codes, names = parts
    index = BM25Index.build(titles, bodies, n_terms)
    return engine.Side(
        kind=kind,
        index=index,
        codes=codes,
        titles=names,
        active=np.ones(index.n_docs, dtype=bool),
        **columns,
    )


# --- persistence ------------------------------------------------------------------------


def save(data: MatchData, root: Path) -> Path:
    """Write the index atomically to ``root / v<format>-<version>`` and prune old versions."""
    root.mkdir(parents=True, exist_ok=True)
    final = root / f"v{INDEX_FORMAT}-{data.version}"
    if final.is_dir():
        return final
    scratch = root / f".tmp-{uuid.uuid4().hex}"
    scratch.mkdir()
    for prefix, side in (("a", data.achievements), ("d", data.demands)):
        for name, array in side.index.arrays().items():
            np.save(scratch / f"{prefix}_{name}.npy", array)
        for name in SIDE_COLUMNS:
            np.save(scratch / f"{prefix}_{name}.npy", getattr(side, name))
    meta = {
        "format": INDEX_FORMAT,
        "version": data.version,
        "built_seconds": round(data.built_seconds, 3),
        "terms": data.vocabulary.terms,
        "words": data.words,
        "fields": data.catalog.fields,
        "chains": {str(k): v for k, v in data.catalog.chains.items()},
        "nodes": {str(k): v for k, v in data.catalog.nodes.items()},
        "a": {"codes": data.achievements.codes, "titles": data.achievements.titles},
        "d": {"codes": data.demands.codes, "titles": data.demands.titles},
    }
    (scratch / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    try:
        scratch.rename(final)
    except OSError:  # another process saved the same version first
        shutil.rmtree(scratch, ignore_errors=True)
    versions = sorted(
        (p for p in root.glob(f"v{INDEX_FORMAT}-*") if p != final),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in versions[KEEP_VERSIONS - 1 :]:
        shutil.rmtree(old, ignore_errors=True)
    return final


def load(path: Path) -> MatchData:
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    if meta.get("format") != INDEX_FORMAT:
        raise ValueError("index format differs")
    vocabulary = Vocabulary(meta["terms"])
    sides = {}
    for prefix, kind in (("a", "achievement"), ("d", "demand")):
        index = BM25Index.from_arrays(
            {name: np.load(path / f"{prefix}_{name}.npy") for name in ARRAYS}
        )
        columns = {name: np.load(path / f"{prefix}_{name}.npy") for name in SIDE_COLUMNS}
        sides[kind] = engine.Side(
            kind=kind,
            index=index,
            codes=meta[prefix]["codes"],
            titles=meta[prefix]["titles"],
            active=np.ones(index.n_docs, dtype=bool),
            **columns,
        )
    return MatchData(
        version=meta["version"],
        vocabulary=vocabulary,
        achievements=sides["achievement"],
        demands=sides["demand"],
        catalog=engine.Catalog(
            terms=vocabulary.terms,
            fields=meta["fields"],
            chains={int(k): v for k, v in meta["chains"].items()},
            nodes={int(k): v for k, v in meta["nodes"].items()},
        ),
        words=meta["words"],
        built_seconds=meta.get("built_seconds", 0.0),
        cache_dir=str(path.parent),
    )


def current(*, rebuild: bool = False) -> MatchData:
    """The index for the data as it is now: from memory, else from disk, else built (and
    saved). ``rebuild`` forces a build."""
    root = index_root()
    version = data_version()
    key = f"{connection.alias}|{connection.settings_dict['NAME']}|{root}"
    data = _loaded.get(key)
    if data is not None and data.version == version and not rebuild:
        return data
    with _lock:
        data = _loaded.get(key)
        if data is not None and data.version == version and not rebuild:
            return data
        path = root / f"v{INDEX_FORMAT}-{version}"
        data = None
        if not rebuild and path.is_dir():
            try:
                data = load(path)
            except (OSError, ValueError, KeyError):
                data = None
        if data is None:
            data = build(version)
            if rebuild and path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            save(data, root)
        _loaded[key] = data
        return data


def forget() -> None:
    """Drop the indexes this process holds (tests)."""
    with _lock:
        _loaded.clear()


# --- suggestions ------------------------------------------------------------------------


def _public(suggestions: list[dict]) -> list[dict]:
    for s in suggestions:
        s.pop("row", None)
    return suggestions


def suggest_for_demand(demand, top: int = 10, *, allowed=None, exclude=()) -> list[dict]:
    """The best achievements for a demand (a ``Demand``), best first.

    Each: ``{"id", "code", "title", "score", "relevance", "terms": [...], "reasons": [...],
    "match_status"}``; achievements rejected for this demand are left out, achievements
    already matched with it are marked (``match_status`` and a reason). ``allowed``: only
    these achievement primary keys (e.g. those the user may see); ``exclude``: never these."""
    from kechuang.transfer.choices import MatchStatus
    from kechuang.transfer.models import Match, MatchFeedback

    data = current()
    row = data.demands.row_of(demand.pk) if demand.pk else None
    if row is not None:
        term_ids = data.demands.index.doc_term_ids(row)
    else:
        term_ids = data.term_ids(f"{demand.title}\n{demand.description}")
    labels = dict(MatchStatus.choices)
    query = engine.Query(
        term_ids=term_ids,
        field=demand.field or "",
        chain_id=demand.chain_id,
        node_id=demand.node_id,
        rejected=dict(
            MatchFeedback.objects.filter(demand_id=demand.pk).values_list(
                "achievement_id", "reason"
            )
        ),
        matched={
            a: (s, labels.get(s, s))
            for a, s in Match.objects.filter(demand_id=demand.pk).values_list(
                "achievement_id", "status"
            )
        },
        allowed=allowed,
        exclude=set(exclude),
    )
    return _public(engine.rank(data.achievements, query, data.catalog, top))


def suggest_for_achievement(achievement, top: int = 10, *, allowed=None) -> list[dict]:
    """The best open demands for an achievement (an ``Achievement``), best first; the same
    shape as :func:`suggest_for_demand`. Contracted and closed demands, and demands that
    rejected this achievement, are left out; maturity is not weighed."""
    from kechuang.transfer.choices import DemandStatus, MatchStatus
    from kechuang.transfer.models import Demand, Match, MatchFeedback

    data = current()
    row = data.achievements.row_of(achievement.pk) if achievement.pk else None
    if row is not None:
        term_ids = data.achievements.index.doc_term_ids(row)
    else:
        term_ids = data.term_ids(f"{achievement.title}\n{achievement.abstract}")
    labels = dict(MatchStatus.choices)
    query = engine.Query(
        term_ids=term_ids,
        field=achievement.field or "",
        chain_id=achievement.chain_id,
        node_id=achievement.node_id,
        weigh_maturity=False,
        rejected=dict(
            MatchFeedback.objects.filter(achievement_id=achievement.pk).values_list(
                "demand_id", "reason"
            )
        ),
        matched={
            d: (s, labels.get(s, s))
            for d, s in Match.objects.filter(achievement_id=achievement.pk).values_list(
                "demand_id", "status"
            )
        },
        exclude=set(
            Demand.objects.filter(
                status__in=[DemandStatus.CONTRACTED, DemandStatus.CLOSED]
            ).values_list("pk", flat=True)
        ),
        allowed=allowed,
    )
    return _public(engine.rank(data.demands, query, data.catalog, top))


def suggest_for_text(text: str, top: int = 10, *, allowed=None) -> list[dict]:
    """The best achievements for a free text (a demand not yet saved, a search box), best
    first; the same shape as :func:`suggest_for_demand`; maturity is weighed."""
    data = current()
    query = engine.Query(term_ids=data.term_ids(text), allowed=allowed)
    return _public(engine.rank(data.achievements, query, data.catalog, top))


def text_terms(text: str) -> list[str]:
    """The index terms of a text, as matching sees them (for display and debugging)."""
    return current().segmenter().tokens(text)


def rank_documents(query: str, documents: dict, top: int | None = None) -> list[dict]:
    """Any app's documents (key → text, e.g. commissioners' profiles) ranked against a query
    text with the matching segmenter and BM25 weighting (``engine.rank_texts``): only those
    sharing a term, best first, each ``{"key", "score", "terms"}``."""
    if not documents:
        return []
    return engine.rank_texts(current().segmenter().tokens, query, documents, top)
