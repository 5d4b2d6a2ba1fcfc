"""Demand ↔ achievement matching: jieba segmentation with a domain dictionary (text), a BM25
index in numpy arrays (index), ranking with compatibility, feedback and Chinese reasons
(engine), and the database side that builds, persists and caches the index (store).

Views and commands call:

    suggest_for_demand(demand, top=10, *, allowed=None, exclude=()) -> list[dict]
    suggest_for_achievement(achievement, top=10, *, allowed=None) -> list[dict]
    suggest_for_text(text, top=10, *, allowed=None) -> list[dict]
    rank_documents(query, {key: text}, top=None) -> list[dict]  # any app's texts

each suggest_* item ``{"id", "code", "title", "score", "relevance", "terms", "reasons",
"match_status"}``; each rank_documents item ``{"key", "score", "terms"}``.
"""


def __getattr__(name):
    # Lazy: importing the package must not load numpy, jieba or the models.
    if name in {
        "suggest_for_demand",
        "suggest_for_achievement",
        "suggest_for_text",
        "rank_documents",
        "current",
    }:
        from kechuang.transfer.matching import store

        return getattr(store, name)
    raise AttributeError(name)


__all__ = [
    "suggest_for_demand",
    "suggest_for_achievement",
    "suggest_for_text",
    "rank_documents",
    "current",
]
