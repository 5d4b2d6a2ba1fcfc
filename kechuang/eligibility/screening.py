"""Screening: runs a tier's policy over many firms and says what each one lacks."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from kechuang.eligibility import engine
from kechuang.eligibility.facts import facts_for
from kechuang.enterprises.choices import PoolStatus
from kechuang.enterprises.selectors.facts import screening_candidates, with_assessment_data

VERDICT_LABELS = {"eligible": "符合", "undetermined": "待定", "ineligible": "不符合"}
VERDICT_ORDER = ("eligible", "undetermined", "ineligible")
CRITERION_LABELS = {
    "registered_one_year": "注册满一年",
    "core_ip": "核心自主知识产权",
    "field": "技术领域",
    "st_staff_ratio": "科技人员占比",
    "rnd_ratio": "研发费用占比",
    "domestic_rnd_share": "境内研发费用占比",
    "hightech_income_share": "高新技术产品（服务）收入占比",
    "innovation_score": "创新能力评价",
    "no_incidents": "无重大事故及违法行为",
    "employees_limit": "职工总数不超过500人",
    "sales_limit": "年销售收入不超过2亿元",
    "assets_limit": "资产总额不超过2亿元",
    "no_violations": "无违法违规及失信",
    "st_staff_points": "科技人员指标不得零分",
    "total_score": "综合评价得分",
    "direct_qualification": "直接认定条件",
}


# The engine names input fields as the `kechuang assess` contract does; users read these.
INPUT_LABELS = {
    "registered_on": "成立日期",
    "employees": "职工总数（最近年度）",
    "st_staff": "科技人员数（最近年度）",
    "field": "技术领域",
    "years": "近三个会计年度的年度数据",
    "conversions": "科技成果转化数",
    "incidents": "重大事故情况",
    "sales_revenue": "销售收入",
    "total_income": "总收入",
    "rnd_expense": "研发费用",
    "rnd_expense_domestic": "境内研发费用",
    "hightech_income": "高新技术产品（服务）收入",
    "total_costs": "成本费用总额",
    "total_assets": "资产总额",
    "net_assets": "净资产",
}


def humanize(message: str) -> str:
    """'years[1].rnd_expense 缺失' → '近三个会计年度的年度数据第2项 研发费用 缺失'."""
    head, _, rest = message.partition(" ")
    parts = []
    for token in head.split("."):
        name, _, index = token.partition("[")
        label = INPUT_LABELS.get(name)
        if label is None:
            return message
        parts.append(label + (f"第{int(index.rstrip(']')) + 1}项" if index else ""))
    return " ".join(parts) + (f" {rest}" if rest else "")


@dataclass
class Assessment:
    """One firm's verdict under one policy, with what blocks it."""

    enterprise: object
    policy: str
    verdict: str
    score: dict | None = None
    criteria: list[dict] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    pool_status: str | None = None

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    @property
    def pool_status_label(self) -> str:
        return PoolStatus(self.pool_status).label if self.pool_status else ""

    @property
    def shortfalls(self) -> list[dict]:
        """Criteria failed or undecided: what the firm lacks."""
        return [c for c in self.criteria if c.get("passed") is not True]

    def summary(self) -> str:
        if self.missing:
            return "数据不全：" + "；".join(self.missing)
        return "；".join(c["message"] for c in self.shortfalls) or "各项条件均满足"


def assess_firm(enterprise, policy: str, *, as_of: datetime.date) -> Assessment:
    """A firm loaded through with_assessment_data, assessed under one policy."""
    facts = facts_for(enterprise, as_of=as_of)
    problems = engine.validate(facts, engine.load_policy(policy))
    status = getattr(enterprise, "pool_status", None)
    if problems:
        missing = [humanize(p) for p in problems]
        return Assessment(enterprise, policy, "undetermined", missing=missing, pool_status=status)
    result = engine.assess(policy, facts)
    criteria = [
        {**c, "label": CRITERION_LABELS.get(c["key"], c["key"])} for c in result["criteria"]
    ]
    return Assessment(
        enterprise,
        policy,
        result["verdict"],
        score=result.get("score"),
        criteria=criteria,
        pool_status=status,
    )


def screen(
    user, *, tier, year: int, as_of: datetime.date, township=None, whole_township: bool = False
) -> list[Assessment]:
    """Every candidate of the user's scope, best verdict first."""
    if not tier.policy:
        raise ValueError(f"{tier.name}没有可执行的评估政策，无法筛查")
    firms = screening_candidates(
        user, tier=tier, year=year, as_of=as_of, township=township, whole_township=whole_township
    )
    rows = [assess_firm(firm, tier.policy, as_of=as_of) for firm in firms]
    rows.sort(key=lambda r: VERDICT_ORDER.index(r.verdict))
    return rows


def self_check(enterprise_qs, policies: list[str], *, as_of: datetime.date) -> list[Assessment]:
    """One firm (a one-row queryset the user may see) under each policy."""
    firm = with_assessment_data(enterprise_qs, as_of=as_of).get()
    return [assess_firm(firm, policy, as_of=as_of) for policy in policies]
