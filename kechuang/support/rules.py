"""Award clauses as data: conditions in the eligibility engine's table vocabulary over the
facts declared here, and amount rules. Pure Python (no Django).

A policy file `data/<key>.toml` names the document (文号, issuer, effective dates, whether it
is an example) and lists its clauses:

    [[clauses]]
    code = "rnd-growth"
    name = "研发费用增长奖励"
    group = ""                       # clauses of one group: paid at most once per firm and
                                     # year, the highest applying (从高从优不重复)
    evidence = "研发费用专项审计报告"
    budget_line = "科技创新专项资金"
    conditions = [                   # every condition must hold (table criteria: `any` or
      { label = "研发费用增长 20% 以上", any = [   # `bands`, see eligibility/table.py)
          { ratio = ["rnd_expense", "rnd_expense_prev"], min = 1.2 } ] },
    ]
    amount = { kind = "percent", of = "rnd_increase", rate = 0.1, cap = 500000 }

Amount rules: `fixed` (amount), `percent` (rate × a money fact, capped when `cap` is
given), `per_unit` (rate × a count fact, or × the quantity applied for when `of =
"quantity"`, capped when given). Amounts are Decimal yuan to the cent (half up).
"""

from __future__ import annotations

import datetime
import functools
import tomllib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from kechuang.eligibility import table

DATA_DIR = Path(__file__).resolve().parent / "data"
CENT = Decimal("0.01")
QUANTITY = "quantity"

# The facts a clause condition may use, for one firm and one award year (support/facts.py
# builds them from the firm's data).
FACTS = {
    "hnte_new_in_year": {"type": "bool", "label": "当年新认定高新技术企业"},
    "tsme_registered_in_year": {"type": "bool", "label": "当年入库科技型中小企业"},
    "key_institute_recognised_in_year": {"type": "bool", "label": "当年认定省重点企业研究院"},
    "institute_recognised_in_year": {"type": "bool", "label": "当年认定省企业研究院"},
    "rnd_centre_recognised_in_year": {
        "type": "bool",
        "label": "当年认定省高新技术企业研究开发中心",
    },
    "rnd_expense": {"type": "money", "label": "当年研发费用"},
    "rnd_expense_prev": {"type": "money", "label": "上年研发费用"},
    "rnd_increase": {"type": "money", "label": "研发费用增加额"},
    "conversions": {"type": "count", "label": "当年科技成果转化数"},
}
AMOUNT_KINDS = {"fixed", "percent", "per_unit"}


def _money(value) -> str:
    return f"{(Decimal(value) / 10000).quantize(CENT, ROUND_HALF_UP)}万元"


def check_conditions(conditions) -> list[str]:
    """Mistakes in a clause's conditions (unknown facts, nothing to check)."""
    if not isinstance(conditions, list) or not conditions:
        return ["条件应为非空列表"]
    problems = []
    for n, cond in enumerate(conditions, start=1):
        if not isinstance(cond, dict) or not ("any" in cond or "bands" in cond):
            problems.append(f"第{n}项条件应有 any 或 bands")
            continue
        try:
            policy = {"facts": FACTS, "criteria": [{"key": f"c{n}", "label": "", **cond}]}
            problems += table.check(policy)
        except (KeyError, TypeError, ValueError, AttributeError):
            problems.append(f"第{n}项条件格式不正确")
    return problems


def check_amount(rule) -> list[str]:
    """Mistakes in an amount rule."""
    if not isinstance(rule, dict) or rule.get("kind") not in AMOUNT_KINDS:
        return ["金额规则的 kind 应为 fixed、percent 或 per_unit"]
    kind, problems = rule["kind"], []
    needed = {"fixed": ["amount"], "percent": ["of", "rate"], "per_unit": ["of", "rate"]}[kind]
    problems += [f"金额规则缺少 {name}" for name in needed if name not in rule]
    for name in ("amount", "rate", "cap"):
        if name in rule:
            try:
                if Decimal(str(rule[name])) <= 0:
                    problems.append(f"金额规则的 {name} 应大于 0")
            except ArithmeticError:
                problems.append(f"金额规则的 {name} 应为数字")
    of = rule.get("of")
    if kind == "percent" and of is not None and FACTS.get(of, {}).get("type") != "money":
        problems.append(f"按比例计算的基数 {of} 应为金额事实")
    counted = of == QUANTITY or FACTS.get(of, {}).get("type") == "count"
    if kind == "per_unit" and of is not None and not counted:
        problems.append(f"按数量计算的 {of} 应为计数事实或 quantity")
    return problems


def needs_quantity(rule: dict) -> bool:
    return rule.get("kind") == "per_unit" and rule.get("of") == QUANTITY


def evaluate(conditions: list, facts: dict) -> tuple[bool | None, list[dict]]:
    """Whether the firm's facts meet every condition (None: data missing), with the
    per-condition verdicts of the table engine."""
    policy = {
        "facts": FACTS,
        "criteria": [
            {"key": f"c{n}", "label": c.get("label", ""), **c}
            for n, c in enumerate(conditions, start=1)
        ],
    }
    found = table.assess(policy, facts)["criteria"]
    verdicts = [c["passed"] for c in found]
    if all(v is True for v in verdicts):
        return True, found
    if any(v is False for v in verdicts):
        return False, found
    return None, found


def amount(rule: dict, facts: dict, quantity: Decimal | int | None = None) -> Decimal | None:
    """The amount a clause awards on these facts (None when a fact or the quantity is
    missing)."""
    kind = rule["kind"]
    if kind == "fixed":
        return Decimal(str(rule["amount"])).quantize(CENT)
    of = rule["of"]
    base = quantity if of == QUANTITY else facts.get(of)
    if base is None:
        return None
    value = (Decimal(str(base)) * Decimal(str(rule["rate"]))).quantize(CENT, ROUND_HALF_UP)
    if "cap" in rule:
        value = min(value, Decimal(str(rule["cap"])).quantize(CENT))
    return max(value, Decimal(0))


def describe_amount(rule: dict) -> str:
    """The rule as the bureau writes it: 奖励50.00万元；研发费用增加额的10%，最高50.00万元."""
    kind = rule.get("kind")
    cap = f"，最高{_money(rule['cap'])}" if "cap" in rule else ""
    if kind == "fixed":
        return f"奖励{_money(rule['amount'])}"
    if kind == "percent":
        rate = (Decimal(str(rule["rate"])) * 100).normalize()
        return f"{FACTS[rule['of']]['label']}的{rate:f}%{cap}"
    unit = rule.get("unit", "个")
    what = "申报数量" if rule.get("of") == QUANTITY else FACTS[rule["of"]]["label"]
    return f"按{what}每{unit}{Decimal(str(rule['rate'])).normalize():f}元{cap}"


# --- policy files ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ClauseData:
    code: str
    name: str
    group: str
    conditions: list
    amount: dict
    evidence: str
    budget_line: str
    example: bool


@dataclass(frozen=True)
class PolicyData:
    key: str
    name: str
    number: str
    issuer: str
    effective_from: datetime.date
    effective_until: datetime.date | None
    region: str
    example: bool
    source: str
    clauses: tuple[ClauseData, ...]


def _load(path: Path) -> PolicyData:
    with path.open("rb") as fp:
        data = tomllib.load(fp)
    clauses = tuple(
        ClauseData(
            code=c["code"],
            name=c["name"],
            group=c.get("group", ""),
            conditions=c["conditions"],
            amount=c["amount"],
            evidence=c.get("evidence", ""),
            budget_line=c.get("budget_line", ""),
            example=bool(c.get("example", data.get("example", True))),
        )
        for c in data["clauses"]
    )
    for clause in clauses:
        problems = check_conditions(clause.conditions) + check_amount(clause.amount)
        if problems:
            raise ValueError(f"{path.name} {clause.code}：" + "；".join(problems))
    return PolicyData(
        key=data["key"],
        name=data["name"],
        number=data.get("number", ""),
        issuer=data["issuer"],
        effective_from=data["effective_from"],
        effective_until=data.get("effective_until"),
        region=str(data["region"]),
        example=bool(data.get("example", True)),
        source=data.get("source", ""),
        clauses=clauses,
    )


@functools.cache
def all_policies() -> dict[str, PolicyData]:
    return {p.key: p for p in map(_load, sorted(DATA_DIR.glob("*.toml")))}


def policy_data(key: str) -> PolicyData | None:
    return all_policies().get(key)
