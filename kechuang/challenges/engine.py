"""Review arithmetic of the challenge board, on plain data (no Django).

A criteria sheet (data/criteria-*.toml) lists weighted criteria, the weights summing to 100,
and the range a score may take. A reviewer's weighted score for a bid is
sum(weight × score) / 100; a bid's total is the mean of its reviewers' weighted scores,
rounded once to two decimals, half up. Bids are ranked by total, highest first; equal totals
(as shown, to two decimals) share a place and are reported as tied (并列).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
CENT = Decimal("0.01")
# A score is a whole number or has one decimal.
SCORE_STEP = Decimal("0.1")


@dataclass(frozen=True)
class Criterion:
    key: str
    name: str
    weight: int
    guide: str = ""


@dataclass(frozen=True)
class Sheet:
    """A criteria sheet: its code, name, the document it follows, score range, criteria."""

    code: str
    name: str
    source: str
    min_score: Decimal
    max_score: Decimal
    criteria: tuple[Criterion, ...]

    def check(self, scores: dict) -> tuple[dict[str, Decimal], list[str]]:
        """(the scores as Decimals, the Chinese errors): every criterion scored once, within
        the range, as a number with at most one decimal; no unknown criterion."""
        errors, clean = [], {}
        if not isinstance(scores, dict):
            return {}, ["评分应为“评审项: 分数”的对应表"]
        known = {c.key for c in self.criteria}
        for key in sorted(set(scores) - known):
            errors.append(f"未知的评审项：{key}")
        for criterion in self.criteria:
            raw = scores.get(criterion.key)
            if raw is None or raw == "":
                errors.append(f"“{criterion.name}”未评分")
                continue
            try:
                value = Decimal(str(raw))
            except (InvalidOperation, ValueError):
                errors.append(f"“{criterion.name}”的分数不是数字：{raw}")
                continue
            if not value.is_finite() or value != value.quantize(SCORE_STEP):
                errors.append(f"“{criterion.name}”的分数最多保留一位小数")
            elif not self.min_score <= value <= self.max_score:
                errors.append(
                    f"“{criterion.name}”的分数应在 {self.min_score}–{self.max_score} 之间"
                )
            else:
                clean[criterion.key] = value
        return clean, errors

    def weighted(self, scores: dict) -> Decimal:
        """sum(weight × score) / 100, unrounded."""
        total = sum(
            (Decimal(c.weight) * Decimal(str(scores[c.key])) for c in self.criteria), Decimal(0)
        )
        return total / 100


def load_sheet(path: Path) -> Sheet:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    criteria = tuple(
        Criterion(c["key"], c["name"], int(c["weight"]), c.get("guide", ""))
        for c in data["criteria"]
    )
    if sum(c.weight for c in criteria) != 100:
        raise ValueError(f"{path.name}: weights sum to {sum(c.weight for c in criteria)}, not 100")
    if len({c.key for c in criteria}) != len(criteria):
        raise ValueError(f"{path.name}: a criterion key appears twice")
    return Sheet(
        code=data["code"],
        name=data["name"],
        source=data.get("source", ""),
        min_score=Decimal(str(data.get("min_score", 0))),
        max_score=Decimal(str(data.get("max_score", 100))),
        criteria=criteria,
    )


@cache
def sheets() -> dict[str, Sheet]:
    """Every sheet of data/, by code."""
    found = {}
    for path in sorted(DATA.glob("criteria-*.toml")):
        sheet = load_sheet(path)
        found[sheet.code] = sheet
    return found


def sheet(code: str) -> Sheet | None:
    return sheets().get(code)


def round_total(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def bid_total(weighted_scores: list[Decimal]) -> Decimal | None:
    """The mean of the reviewers' weighted scores, two decimals half up (None: no review)."""
    if not weighted_scores:
        return None
    return round_total(sum(weighted_scores, Decimal(0)) / len(weighted_scores))


@dataclass(frozen=True)
class Ranked:
    key: object
    total: Decimal | None
    place: int | None  # 1 for the highest; tied totals share a place (1, 1, 3)
    tied: bool


def rank(totals: dict) -> list[Ranked]:
    """{key: total or None} ranked highest first; keys without a total come last, unplaced."""
    scored = sorted(((t, k) for k, t in totals.items() if t is not None), key=lambda p: -p[0])
    counts: dict[Decimal, int] = {}
    for total, _ in scored:
        counts[total] = counts.get(total, 0) + 1
    ranked, place = [], 0
    for index, (total, key) in enumerate(scored):
        if index == 0 or total != scored[index - 1][0]:
            place = index + 1
        ranked.append(Ranked(key, total, place, counts[total] > 1))
    ranked += [Ranked(k, None, None, False) for k, t in totals.items() if t is None]
    return ranked


def top_tied(ranking: list[Ranked]) -> bool:
    """Whether the first place is shared."""
    return bool(ranking) and ranking[0].place == 1 and ranking[0].tied
