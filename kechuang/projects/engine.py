"""Funding rules of the programs: pure computation, no Django.

The rules are data (data/funding-*.toml): for each rule, the least share of the applicant's
own funds in the project's total, by county class (the 26 mountain-area counties have their
own). `check_funding` says whether a project's funds meet a rule, and why not.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT, MOUNTAIN = "default", "mountain"
COUNTY_CLASS_LABELS = {DEFAULT: "一般县（市、区）", MOUNTAIN: "山区26县"}


@dataclass(frozen=True)
class FundingRule:
    key: str
    name: str
    document: str  # the document's number, or 示例
    example: bool
    note: str
    min_own_share: dict[str, Decimal]  # county class -> least own share (a fraction)


@dataclass(frozen=True)
class RuleBook:
    rules: dict[str, FundingRule]
    mountain_counties: frozenset[str]
    mountain_document: str

    def county_class(self, county_code: str) -> str:
        return MOUNTAIN if county_code[:6] in self.mountain_counties else DEFAULT


@dataclass(frozen=True)
class FundingCheck:
    ok: bool
    county_class: str
    required: Decimal  # least own share, a fraction
    share: Decimal | None  # own share, a fraction; None when there are no funds
    message: str  # Chinese; why it fails, or what it meets


@functools.cache
def rule_book() -> RuleBook:
    """Every rule of every data file (cached; treat as read-only)."""
    rules: dict[str, FundingRule] = {}
    counties: set[str] = set()
    document = ""
    for path in sorted(DATA_DIR.glob("funding-*.toml")):
        with path.open("rb") as fp:
            data = tomllib.load(fp, parse_float=Decimal)
        mountain = data.get("mountain_counties", {})
        counties.update(mountain.get("codes", []))
        document = mountain.get("document", document)
        for row in data.get("rules", []):
            if row["key"] in rules:
                raise ValueError(f"funding rule {row['key']} declared twice")
            rules[row["key"]] = FundingRule(
                key=row["key"],
                name=row["name"],
                document=row["document"],
                example=bool(row.get("example", False)),
                note=row.get("note", ""),
                min_own_share={k: Decimal(v) for k, v in row["min_own_share"].items()},
            )
    return RuleBook(rules, frozenset(counties), document)


def rule_choices() -> list[tuple[str, str]]:
    return [
        (r.key, f"{r.name}（{'示例' if r.example else r.document}）")
        for r in rule_book().rules.values()
    ]


def as_percent(share: Decimal) -> str:
    return f"{(share * 100).quantize(Decimal('0.01'), ROUND_HALF_UP)}%"


def check_funding(
    rule: FundingRule, county_code: str, government: Decimal, own: Decimal
) -> FundingCheck:
    """Whether the own funds are at least the rule's share of the total, for the county's
    class. Compared exactly (own ≥ share × total), so 79.99% never rounds up to 80%."""
    book = rule_book()
    county_class = book.county_class(county_code)
    required = rule.min_own_share.get(county_class, rule.min_own_share[DEFAULT])
    government, own = Decimal(government or 0), Decimal(own or 0)
    total = government + own
    where = COUNTY_CLASS_LABELS[county_class]
    if total <= 0:
        return FundingCheck(False, county_class, required, None, "项目总经费为零，无法核对自筹比例")
    share = own / total
    if own >= required * total:
        message = f"自筹资金占{as_percent(share)}，符合{where}不低于{as_percent(required)}的要求"
        return FundingCheck(True, county_class, required, share, message)
    message = (
        f"自筹资金占总经费{as_percent(share)}，低于{rule.name}对{where}"
        f"不低于{as_percent(required)}的要求"
    )
    return FundingCheck(False, county_class, required, share, message)
