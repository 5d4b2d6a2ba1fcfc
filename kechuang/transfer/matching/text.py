"""Chinese segmentation for matching: jieba with a domain dictionary, stop words removed.

Pure Python (jieba only, no Django). Every :class:`Segmenter` owns a private
``jieba.Tokenizer``: domain words are added to that instance only, never to jieba's global
default tokenizer, so two indexes built in one process cannot leak words into each other.

The main dictionary is jieba's, trimmed to its words of frequency ≥ :data:`MIN_FREQ` (105,000
of 349,000 words; loading it takes 0.03 s instead of jieba's 0.45 s, which keeps
`kechuang match --text` under a second). The rarer jieba words a corpus actually contains are
found at build time (:func:`corpus_words`, against the full dictionary) and added back with
their frequencies, together with the domain words; the index keeps that word list, so queries
are segmented with exactly the dictionary the index was built with. The trimmed dictionary is
cached as a marshal file in ``cache_dir`` and copied into each new segmenter (milliseconds).

    words = domain_words(chain_names, node_keywords, titles)        # [word, …]
    words = dict.fromkeys(words) | corpus_words(texts)               # {word: freq or None}
    seg = Segmenter(words)
    seg.tokens("高品质软磁不锈钢开发")   # ['高品质软磁不锈钢', '软磁不锈钢', '不锈钢', …]

Tokens of a text: jieba's precise mode (HMM on for unknown words), lower-cased ASCII, single
characters, numbers and stop words dropped; a long token also yields the domain words and
the dictionary words of three or more characters inside it (like jieba's search mode), so
"高品质软磁不锈钢" matches "软磁不锈钢" and "不锈钢" too.
"""

from __future__ import annotations

import logging
import marshal
import os
import re
import tempfile
import threading
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DOMAIN_TERMS_FILE = DATA_DIR / "domain_terms.txt"

# Function words and words every demand or achievement uses: they would match everything.
_STOP_TEXT = """
    的 了 和 与 及 或 等 对 在 为 是 将 把 被 从 以 于 并 其 该 这 那 有 无 不 也 都 而 但 如
    一种 一个 一些 以及 或者 并且 通过 进行 开展 采用 利用 使用 基于 针对 关于 对于 用于 其中
    我们 我司 公司 企业 本公司 本企业 单位 项目 本项目 成果 本成果 需求 本需求 技术需求 问题
    技术 研究 开发 研发 应用 实现 提高 提升 降低 解决 相关 主要 具有 可以 能够 需要 希望 寻求
    目前 现有 现在 同时 以上 以下 方面 方法 情况 要求 水平 能力 过程 工作 合作 方式 领域
    国内 国外 国际 行业 市场 产品 生产 相应 有效 良好 较好 较高 较低 显著 明显 达到 满足 存在
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())

# Connectors and generic heads that end a noun phrase in a title.
_PHRASE_BREAK = re.compile(r"[^\u4e00-\u9fa5A-Za-z0-9]+|的|与|和|及|或|在|用|对|等|一种|基于|关于")
_PHRASE_SUFFIXES = (
    "关键技术",
    "技术开发",
    "技术研究",
    "研究开发",
    "产业化",
    "及其应用",
    "及应用",
    "开发",
    "研究",
    "研制",
    "制备",
    "技术",
    "工艺",
    "应用",
    "方法",
    "攻关",
    "改进",
    "提升",
    "优化",
    "项目",
    "需求",
)
_SPLIT_KEYWORDS = re.compile(r"[\s,，、;；/|]+")
_HAN = re.compile(r"[\u4e00-\u9fa5]")
_HAN_RUN = re.compile(r"[\u4e00-\u9fa5]+")
_NUMBER = re.compile(r"^[\d.%\-+]+$")
# A two-character word inside a longer token is emitted only when it is this common in jieba's
# dictionary (密封 in 阀门密封); rarer pairs are mostly accidental (锈钢).
_COMMON = 500

MIN_FREQ = 10

_base_lock = threading.Lock()
_full: tuple[dict[str, int], int] | None = None
_base: dict[int, tuple[dict[str, int], int]] = {}
_logger_quiet = False


def _quiet_jieba() -> None:
    """jieba logs its dictionary loading to stderr at DEBUG; a CLI's stderr is for errors."""
    global _logger_quiet
    if not _logger_quiet:
        import jieba  # it sets its logger to DEBUG when imported

        jieba.setLogLevel(logging.WARNING)
        _logger_quiet = True


def _full_dictionary(cache_dir: str | None = None) -> tuple[dict[str, int], int]:
    """jieba's whole prefix dictionary (0.45 s from jieba's cache), loaded once per process."""
    global _full
    with _base_lock:
        if _full is None:
            _quiet_jieba()
            import jieba

            tokenizer = jieba.Tokenizer()
            if cache_dir:
                Path(cache_dir).mkdir(parents=True, exist_ok=True)
                tokenizer.tmp_dir = str(cache_dir)
            tokenizer.initialize()
            _full = (tokenizer.FREQ, tokenizer.total)
        return _full


def _trimmed(freq: dict[str, int], min_freq: int) -> tuple[dict[str, int], int]:
    kept = {w: f for w, f in freq.items() if f >= min_freq}
    out = dict(kept)
    for word in kept:
        for end in range(1, len(word)):
            out.setdefault(word[:end], 0)
    return out, sum(kept.values())


def _base_dictionary(cache_dir: str | None, min_freq: int) -> tuple[dict[str, int], int]:
    """The main dictionary of segmenters: jieba's words of frequency ≥ ``min_freq``, cached as
    a marshal file next to jieba's own cache and loaded once per process."""
    with _base_lock:
        if min_freq in _base:
            return _base[min_freq]
    import jieba

    cache = Path(cache_dir or tempfile.gettempdir()) / f"jieba-min{min_freq}.cache"
    source = Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME
    loaded = None
    if cache.is_file() and cache.stat().st_mtime >= source.stat().st_mtime:
        try:
            loaded = marshal.loads(cache.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            loaded = None
    if loaded is None:
        loaded = _trimmed(_full_dictionary(cache_dir)[0], min_freq)
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            scratch = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
            scratch.write_bytes(marshal.dumps(loaded))
            os.replace(scratch, cache)
        except OSError:
            pass
    with _base_lock:
        return _base.setdefault(min_freq, loaded)


def corpus_words(
    texts: Iterable[str], *, min_freq: int = MIN_FREQ, cache_dir: str | None = None
) -> dict[str, int]:
    """The jieba words rarer than ``min_freq`` (渗氮, 阀体, 密封面 …) that occur in the texts,
    with their jieba frequencies: what the trimmed dictionary must add back for this corpus."""
    freq = _full_dictionary(cache_dir)[0]
    found: dict[str, int] = {}
    for text in texts:
        for run in _HAN_RUN.findall(text or ""):
            n = len(run)
            for start in range(n):
                end = start + 1
                fragment = run[start:end]
                while end <= n and fragment in freq:
                    f = freq[fragment]
                    if 0 < f < min_freq and end - start >= 2:
                        found[fragment] = f
                    end += 1
                    fragment = run[start:end]
    return found


def load_vocabulary(path: Path = DOMAIN_TERMS_FILE) -> list[str]:
    """The shipped domain vocabulary (one word a line, # comments)."""
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.append(line)
    return words


def split_keywords(text: str) -> list[str]:
    """A chain node's keywords: separated by spaces, commas, 顿号 or semicolons."""
    return [w for w in _SPLIT_KEYWORDS.split(text or "") if w]


def title_phrases(titles: Iterable[str], min_count: int = 2) -> list[str]:
    """Noun phrases of titles, simply: cut at punctuation and connectors, strip generic heads
    (开发, 研究, 关键技术 …); keep phrases of 3–8 characters that occur in at least
    ``min_count`` titles (a phrase seen once is left to jieba)."""
    counts: Counter[str] = Counter()
    for title in titles:
        seen = set()
        for part in _PHRASE_BREAK.split(title or ""):
            stripped = True
            while stripped:
                stripped = False
                for suffix in _PHRASE_SUFFIXES:
                    if part.endswith(suffix) and len(part) > len(suffix):
                        part = part[: -len(suffix)]
                        stripped = True
            if 3 <= len(part) <= 8 and _HAN.search(part) and part not in STOP_WORDS:
                seen.add(part)
        counts.update(seen)
    return sorted(p for p, n in counts.items() if n >= min_count)


def domain_words(
    chain_names: Iterable[str] = (),
    node_keywords: Iterable[str] = (),
    titles: Iterable[str] = (),
    vocabulary: Iterable[str] | None = None,
) -> list[str]:
    """The domain dictionary: the shipped vocabulary, chain and node names and keywords, and
    the noun phrases shared by titles; sorted, without duplicates or stop words."""
    words = set(load_vocabulary() if vocabulary is None else vocabulary)
    words.update(n.strip() for n in chain_names if n and n.strip())
    for keywords in node_keywords:
        words.update(split_keywords(keywords))
    words.update(title_phrases(titles))
    return sorted(w for w in words if len(w) >= 2 and w not in STOP_WORDS)


class Segmenter:
    """A jieba tokenizer of its own with the domain words added.

    ``words`` is a list of words (frequencies suggested so each stays whole) or a mapping
    word → frequency (as :attr:`frequencies` returns, to rebuild the same segmenter without
    recomputing them).
    """

    def __init__(
        self,
        words: Iterable[str] | dict[str, int] = (),
        *,
        hmm: bool = True,
        cache_dir: str | None = None,
        min_freq: int = MIN_FREQ,
    ):
        import jieba

        _quiet_jieba()
        freq, total = _base_dictionary(cache_dir, min_freq)
        tokenizer = jieba.Tokenizer()
        tokenizer.FREQ = dict(freq)
        tokenizer.total = total
        tokenizer.initialized = True
        self._tokenizer = tokenizer
        self.hmm = hmm
        self.domain: set[str] = set()
        self.frequencies: dict[str, int] = {}
        given = words if isinstance(words, dict) else dict.fromkeys(words)
        for word, f in given.items():
            word = word.strip().lower() if word.isascii() else word.strip()
            if len(word) < 2 or word in STOP_WORDS:
                continue
            if f is None:
                f = tokenizer.suggest_freq(word, False)
            tokenizer.add_word(word, f)
            self.frequencies[word] = f
            self.domain.add(word)
        self._freq = tokenizer.FREQ
        self._cache: dict[str, tuple[str, ...]] = {}

    def _subterms(self, token: str) -> list[str]:
        out = []
        n = len(token)
        for size in range(n - 1, 1, -1):
            for start in range(n - size + 1):
                sub = token[start : start + size]
                if sub in STOP_WORDS:
                    continue
                if sub in self.domain or (
                    (size >= 3 or n >= 4)
                    and self._freq.get(sub, 0) >= (1 if size >= 3 else _COMMON)
                ):
                    out.append(sub)
        return out

    def _keep(self, token: str) -> bool:
        return len(token) >= 2 and token not in STOP_WORDS and not _NUMBER.match(token)

    def tokens(self, text: str) -> list[str]:
        """The index terms of a text, in order, repeated as often as they occur."""
        out: list[str] = []
        for raw in self._tokenizer.cut(text or "", HMM=self.hmm):
            token = raw.strip()
            if not token:
                continue
            if token.isascii():
                token = token.lower()
            if not self._keep(token):
                continue
            out.append(token)
            if len(token) >= 3 and not token.isascii():
                cached = self._cache.get(token)
                if cached is None:
                    cached = self._cache[token] = tuple(self._subterms(token))
                out.extend(cached)
        return out
