"""Indicator arithmetic: periods, units, ratios, growth, targets, pace, projections, rankings,
display strings and the validation rules of data/rules.toml.

Pure Python (no Django): the selectors and services hand in plain values and get plain values
back. Everything is ``Decimal``; amounts are in yuan, counts in units, ratios, growth, progress
and pace in percent (``Decimal("3.38")`` means 3.38%).

A period ``YYYY-MM`` is cumulative from January through that month, as the statistics bureau
publishes it; growth compares a period with the same period of the previous year.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

RULES_FILE = Path(__file__).resolve().parent / "data" / "rules.toml"

HUNDRED = Decimal(100)
TWELVE = Decimal(12)
CENT = Decimal("0.01")
PERIOD_RE = re.compile(r"^((?:19|20)\d\d)-(0[1-9]|1[0-2])$")

# Measures (kechuang.indicators.choices.Measure values, repeated here to stay Django-free).
AMOUNT, COUNT, PERCENT = "amount", "count", "percent"

# Units a figure may be given in: unit → (measure, factor to the base unit).
UNITS: dict[str, tuple[str, Decimal]] = {
    "元": (AMOUNT, Decimal(1)),
    "万元": (AMOUNT, Decimal(10_000)),
    "亿元": (AMOUNT, Decimal(100_000_000)),
    "家": (COUNT, Decimal(1)),
    "个": (COUNT, Decimal(1)),
    "%": (PERCENT, Decimal(1)),
}
# The unit an export writes each measure in (re-imports unchanged: factor 1).
BASE_UNIT = {AMOUNT: "元", COUNT: "家", PERCENT: "%"}

# Growth sources (kechuang.indicators.choices.GrowthSource values).
PUBLISHED, COMPUTED, COMPARABLE = "published", "computed", "comparable"

PROJECTION_METHOD = "本年累计 × 上年全年值 ÷ 上年同期累计（按上年同期进度推算全年）"
RATIO_PROJECTION_METHOD = "分子、分母分别按“本年累计 × 上年全年值 ÷ 上年同期累计”推算全年后相除"
DECEMBER_METHOD = "全年数据，即本期值"


class IndicatorError(ValueError):
    """Bad input to the engine; the message is Chinese and shown to users."""


# --- periods -------------------------------------------------------------------------------


def parse_period(period: str) -> tuple[int, int]:
    """(year, month) of 'YYYY-MM'; IndicatorError with a Chinese message otherwise."""
    match = PERIOD_RE.match(str(period or "").strip())
    if not match:
        raise IndicatorError(
            f"期间格式不正确：{period}（应为 YYYY-MM，如 2023-04，表示1月至4月累计）"
        )
    return int(match.group(1)), int(match.group(2))


def make_period(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def previous_year(period: str) -> str:
    """The same period of the previous year: growth's base."""
    year, month = parse_period(period)
    return make_period(year - 1, month)


def previous_month(period: str) -> str | None:
    """The previous cumulative period of the same year; None for January (a new year starts)."""
    year, month = parse_period(period)
    return make_period(year, month - 1) if month > 1 else None


def next_month(period: str) -> str | None:
    year, month = parse_period(period)
    return make_period(year, month + 1) if month < 12 else None


def year_end(period: str) -> str:
    year, _ = parse_period(period)
    return make_period(year, 12)


def period_label(period: str) -> str:
    """As the bureau writes it: 2023年1-4月, 2023年1月, 2023年（全年）."""
    year, month = parse_period(period)
    if month == 1:
        return f"{year}年1月"
    if month == 12:
        return f"{year}年"
    return f"{year}年1-{month}月"


def pace(period: str) -> Decimal:
    """Time-elapsed pace (序时进度): month / 12, in percent, two decimals."""
    _, month = parse_period(period)
    return (Decimal(month) / TWELVE * HUNDRED).quantize(CENT, ROUND_HALF_UP)


# --- units ---------------------------------------------------------------------------------


def to_decimal(text) -> Decimal:
    """A number typed by a user (thousands separators allowed); IndicatorError otherwise."""
    if isinstance(text, Decimal):
        return text
    if isinstance(text, int):
        return Decimal(text)
    if isinstance(text, float):
        return Decimal(repr(text))
    cleaned = str(text or "").strip().replace(",", "").replace("，", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise IndicatorError(f"不是有效的数字：{text}") from exc
    if not value.is_finite():
        raise IndicatorError(f"不是有效的数字：{text}")
    return value


def to_base(value, unit: str, measure: str) -> Decimal:
    """A figure in `unit` converted to the element's base unit (yuan, units, percent)."""
    unit = str(unit or "").strip()
    if unit not in UNITS:
        raise IndicatorError(f"未知的单位：{unit or '（空）'}（可用：{'、'.join(UNITS)}）")
    unit_measure, factor = UNITS[unit]
    if unit_measure != measure:
        allowed = "、".join(u for u, (m, _) in UNITS.items() if m == measure)
        raise IndicatorError(f"单位“{unit}”与该数据项不符（应为：{allowed}）")
    return (to_decimal(value) * factor).normalize() + 0


# --- formulas ------------------------------------------------------------------------------


def ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """numerator / denominator × 100; None when either is missing or the denominator is 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return Decimal(numerator) / Decimal(denominator) * HUNDRED


def computed_growth(value: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """(value / previous − 1) × 100; None when either is missing or previous is not positive."""
    if value is None or previous is None or previous <= 0:
        return None
    return (Decimal(value) / Decimal(previous) - 1) * HUNDRED


def growth(
    value: Decimal | None,
    previous: Decimal | None,
    published: Decimal | None = None,
    comparable: Decimal | None = None,
) -> tuple[Decimal | None, str | None]:
    """Year-on-year growth and which figure it is: the published one when there is one, then
    the comparable-basis one computed from firm data, then value / previous − 1."""
    if published is not None:
        return Decimal(published), PUBLISHED
    if comparable is not None:
        return Decimal(comparable), COMPARABLE
    computed = computed_growth(value, previous)
    return (computed, COMPUTED) if computed is not None else (None, None)


def progress(value: Decimal | None, target: Decimal | None) -> Decimal | None:
    """value / target, in percent; None without a positive target."""
    if value is None or target is None or target <= 0:
        return None
    return Decimal(value) / Decimal(target) * HUNDRED


def ahead_of_pace(progress_pct: Decimal | None, period: str) -> bool | None:
    """Whether progress is at or ahead of the time-elapsed pace; None without progress."""
    if progress_pct is None:
        return None
    return progress_pct >= pace(period)


def project_amount(
    cumulative: Decimal | None, last_full_year: Decimal | None, last_same_period: Decimal | None
) -> Decimal | None:
    """Year-end projection: this year's cumulative × last year's full-year value ÷ last year's
    same-period cumulative (the year's seasonal shape repeats)."""
    if cumulative is None or last_full_year is None or not last_same_period:
        return None
    return Decimal(cumulative) * Decimal(last_full_year) / Decimal(last_same_period)


@dataclass(frozen=True)
class Projection:
    value: Decimal | None
    method: str


def projection(
    period: str,
    kind: str,
    numerator: tuple[Decimal | None, Decimal | None, Decimal | None],
    denominator: tuple[Decimal | None, Decimal | None, Decimal | None] | None = None,
) -> Projection:
    """The year-end projection of an indicator with its method. Each tuple is (this year's
    cumulative, last year's full year, last year's same period) of one element. A ratio
    projects its numerator and its denominator and divides."""
    _, month = parse_period(period)
    if kind == "ratio":
        if month == 12:
            return Projection(ratio(numerator[0], (denominator or (None,))[0]), DECEMBER_METHOD)
        top = project_amount(*numerator)
        bottom = project_amount(*denominator) if denominator else None
        return Projection(ratio(top, bottom), RATIO_PROJECTION_METHOD)
    if month == 12:
        return Projection(numerator[0], DECEMBER_METHOD)
    return Projection(project_amount(*numerator), PROJECTION_METHOD)


# --- ranking -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rank:
    position: int
    of: int
    # How far this region is below the one ranked one place above it (None for the first).
    gap_to_above: Decimal | None
    above: object | None


def rank(values: Mapping[object, Decimal | None], key) -> Rank | None:
    """The competition rank (1, 2, 2, 4) of `key`, highest first, among the keys with data.

    Keys without data are left out: `of` counts only those with data. None when `key` itself
    has no data. The region one place above is the nearest one with a strictly higher value.
    """
    present = {k: Decimal(v) for k, v in values.items() if v is not None}
    if key not in present:
        return None
    mine = present[key]
    higher = [(v, k) for k, v in present.items() if v > mine]
    position = len(higher) + 1
    if not higher:
        return Rank(position, len(present), None, None)
    above_value = min(v for v, _ in higher)
    above = next(
        k for k, v in sorted(present.items(), key=lambda kv: str(kv[0])) if v == above_value
    )
    return Rank(position, len(present), above_value - mine, above)


def rank_all(values: Mapping[object, Decimal | None]) -> dict[object, Rank]:
    """Every key's rank (keys without data left out)."""
    return {k: r for k in values if (r := rank(values, k)) is not None}


# --- display -------------------------------------------------------------------------------

DIVISORS = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}


def quantize(value: Decimal, places: int) -> Decimal:
    return Decimal(value).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def display(value: Decimal | None, unit: str, precision: int = 2) -> str:
    """A figure as the bureau writes it: 3.38亿元, 0.60亿元, 3.38%, 256家. `value` is in the
    base unit (yuan, units, percent); `unit` is the indicator's display unit."""
    if value is None:
        return "—"
    if unit in DIVISORS:
        return f"{quantize(Decimal(value) / DIVISORS[unit], precision)}{unit}"
    if unit in ("家", "个", "项", "人"):
        return f"{quantize(Decimal(value), 0)}{unit}"
    return f"{quantize(Decimal(value), precision)}{unit}"


def display_growth(value: Decimal | None, precision: int = 2) -> str:
    """Growth with its sign: +40.01%, -3.20%."""
    if value is None:
        return "—"
    shown = quantize(value, precision)
    return f"{'+' if shown > 0 else ''}{shown}%"


def display_base(value: Decimal | None, measure: str) -> str:
    """An element's value in a readable unit (亿元 for amounts) for messages."""
    if value is None:
        return "—"
    if measure == AMOUNT:
        return display(value, "亿元" if abs(value) >= 1_000_000 else "万元")
    if measure == COUNT:
        return display(value, "家")
    return display(value, "%")


# --- validation rules ----------------------------------------------------------------------


@dataclass(frozen=True)
class Element:
    """What the rules need to know of a data element."""

    code: str
    name: str
    measure: str = AMOUNT
    cumulative: bool = True


@dataclass(frozen=True)
class Fact:
    """One value of a batch to check: an element for a region (or firm) and period."""

    element: str
    region: str  # a key: region code, or a firm's credit code
    period: str
    value: Decimal
    region_name: str = ""


@dataclass(frozen=True)
class Violation:
    fact: Fact  # the batch value the violation is reported on
    message: str


@functools.lru_cache(maxsize=4)
def load_rules(path: Path = RULES_FILE) -> tuple[dict, ...]:
    with path.open("rb") as fp:
        return tuple(tomllib.load(fp, parse_float=Decimal)["rule"])


def check_rules(
    facts: Iterable[Fact],
    elements: Mapping[str, Element],
    stored: Mapping[tuple[str, str, str], Decimal] | None = None,
    rules: Iterable[dict] | None = None,
) -> list[Violation]:
    """Checks a batch of values against the rules, with stored values as the neighbours the
    batch does not give (key: (element, region, period)). Batch values replace stored ones.

    Messages name the region, the period and the element, then say what is wrong.
    """
    facts = list(facts)
    stored = stored or {}
    rules = load_rules() if rules is None else rules
    batch = {(f.element, f.region, f.period): f for f in facts}

    def lookup(element, region, period):
        fact = batch.get((element, region, period))
        return fact.value if fact is not None else stored.get((element, region, period))

    violations: list[Violation] = []
    for rule in rules:
        checker = CHECKERS.get(rule["kind"])
        if checker is None:
            raise IndicatorError(f"未知的校验规则：{rule['kind']}")
        violations.extend(checker(rule, facts, batch, elements, lookup))
    return violations


def _where(fact: Fact, elements: Mapping[str, Element]) -> str:
    element = elements.get(fact.element)
    name = element.name if element else fact.element
    return f"{fact.region_name or fact.region} {period_label(fact.period)} {name}"


def _check_non_negative(rule, facts, batch, elements, lookup):
    for fact in facts:
        if fact.value < 0:
            name = elements[fact.element].name if fact.element in elements else fact.element
            message = rule["message"].format(element=name)
            yield Violation(fact, f"{_where(fact, elements)}：{message}")


def _check_part_of(rule, facts, batch, elements, lookup):
    part_code, whole_code = rule["part"], rule["whole"]
    seen = set()
    for fact in facts:
        if fact.element not in (part_code, whole_code):
            continue
        place = (fact.region, fact.period)
        if place in seen:
            continue
        seen.add(place)
        part = lookup(part_code, *place)
        whole = lookup(whole_code, *place)
        if part is None or whole is None or part <= whole:
            continue
        reported = batch.get((part_code, *place)) or fact
        measure = elements[part_code].measure if part_code in elements else AMOUNT
        detail = f"（{display_base(part, measure)} > {display_base(whole, measure)}）"
        yield Violation(reported, f"{_where(reported, elements)}：{rule['message']}{detail}")


def _check_share_max(rule, facts, batch, elements, lookup):
    limit = Decimal(rule["limit"])
    for fact in facts:
        element = elements.get(fact.element)
        if element is not None and element.measure == PERCENT and fact.value > limit:
            message = rule["message"].format(element=element.name)
            yield Violation(fact, f"{_where(fact, elements)}：{message}")


def _check_cumulative(rule, facts, batch, elements, lookup):
    """A cumulative value is not below the previous month's; checked from both sides, so a
    batch value below a stored earlier month, or above a stored later month, is caught."""
    reported = set()
    for fact in facts:
        element = elements.get(fact.element)
        if element is None or not element.cumulative:
            continue
        pairs = []
        before = previous_month(fact.period)
        if before:
            pairs.append((before, fact.period))
        after = next_month(fact.period)
        if after:
            pairs.append((fact.period, after))
        for earlier, later in pairs:
            if (fact.element, fact.region, later) in reported:
                continue
            low, high = (
                lookup(fact.element, fact.region, earlier),
                lookup(fact.element, fact.region, later),
            )
            if low is None or high is None or high >= low:
                continue
            reported.add((fact.element, fact.region, later))
            at = batch.get((fact.element, fact.region, later)) or fact
            message = rule["message"].format(
                element=element.name,
                period=period_label(later),
                previous_period=period_label(earlier),
                previous=display_base(low, element.measure),
            )
            place = f"{fact.region_name or fact.region} {period_label(later)} {element.name}"
            yield Violation(
                at, f"{place}：{message}（本期为{display_base(high, element.measure)}）"
            )


CHECKERS = {
    "non_negative": _check_non_negative,
    "part_of": _check_part_of,
    "share_max": _check_share_max,
    "cumulative_non_decreasing": _check_cumulative,
}
