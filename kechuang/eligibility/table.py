"""Table-driven policies (kind "criteria"): every criterion is data in the policy file.

Pure Python. A policy of this kind declares its facts (a flat mapping: name → type and
label) and a list of criteria; each criterion holds alternatives (`any`: one passing is
enough), or bands choosing the alternatives by the facts (`when`, first match applies):

    [facts]
    sales_revenue = { type = "money", label = "上一年度销售收入" }
    [[criteria]]
    key = "rnd_ratio"
    label = "研发费用占销售收入比例"
    bands = [
      { when = { sales_revenue_lt = 50000000 }, label = "…", any = [
          { ratio = ["rnd_expense", "sales_revenue"], min = 0.06 } ] },
      { label = "…", any = [ { fact = "rnd_expense", min = 10000000 } ] },
    ]

An alternative is `{ fact, min }` (a number at least min), `{ fact, equals }` (a flag or
text) or `{ ratio = [numerator, denominator], min }`. `when` conditions are
`<fact>_lt/_lte/_gt/_gte = number` or `<fact> = value`. A fact missing from the input (None)
leaves the criterion undecided (passed None) and says which fact is missing, so a partly
known firm still gets every verdict the data can give.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_DOWN, Decimal

TYPES = {"money", "count", "bool", "text"}
CENT = Decimal("0.01")


def read(policy: dict, facts) -> tuple[dict, list[str]]:
    """The declared facts of `facts`, typed; errors name malformed (not missing) facts."""
    if not isinstance(facts, dict):
        return {}, ["输入应为 JSON 对象"]
    out, errors = {}, []
    for name, spec in policy["facts"].items():
        value = facts.get(name)
        out[name] = None
        if value is None:
            continue
        kind = spec["type"]
        if kind == "bool":
            if not isinstance(value, bool):
                errors.append(f"{name} 应为 true 或 false")
                continue
            out[name] = value
        elif kind == "text":
            out[name] = str(value)
        else:
            if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
                errors.append(f"{name} 应为数字")
                continue
            try:
                number = Decimal(str(value))
            except ArithmeticError:
                errors.append(f"{name} 应为数字")
                continue
            if not number.is_finite() or number < 0:
                errors.append(f"{name} 应为非负数")
            elif kind == "count" and number != number.to_integral_value():
                errors.append(f"{name} 应为整数")
            else:
                out[name] = number
    return out, errors


def _when(cond: dict, facts: dict) -> bool | None:
    """Whether a band's conditions hold; None when a fact they need is missing."""
    for key, expected in cond.items():
        for suffix, test in (
            ("_lte", lambda a, b: a <= b),
            ("_gte", lambda a, b: a >= b),
            ("_lt", lambda a, b: a < b),
            ("_gt", lambda a, b: a > b),
        ):
            if key.endswith(suffix) and key[: -len(suffix)] in facts:
                value = facts[key[: -len(suffix)]]
                if value is None:
                    return None
                if not test(value, Decimal(str(expected))):
                    return False
                break
        else:
            if facts.get(key) is None:
                return None
            if facts[key] != expected:
                return False
    return True


def _show(value: Decimal, kind: str) -> str:
    if kind == "money":
        return f"{(value / 10000).quantize(CENT, rounding=ROUND_DOWN)}万元"
    return f"{value.normalize():f}"


def _alternative(alt: dict, facts: dict, labels: dict, kinds: dict) -> dict:
    """One alternative: passed (or None), what was found, what it needs, the shortfall."""
    if "ratio" in alt:
        num, den = alt["ratio"]
        need = Decimal(str(alt["min"]))
        text = f"{labels[num]}占{labels[den]}的比例 ≥ {_pct(need)}"
        if facts[num] is None or facts[den] is None:
            return _open(text, [n for n in (num, den) if facts[n] is None], labels)
        if facts[den] == 0:
            return {"passed": None, "text": text, "found": f"{labels[den]}为 0，无法计算"}
        ratio = facts[num] / facts[den]
        short = need * facts[den] - facts[num]
        if kinds[num] == "count":
            short = short.to_integral_value(rounding=ROUND_CEILING)
        found = f"{_pct(ratio)}（{_show(facts[num], kinds[num])}/{_show(facts[den], kinds[den])}）"
        gap = None if ratio >= need else f"{labels[num]}还差 {_show(short, kinds[num])}"
        return {"passed": ratio >= need, "text": text, "found": found, "gap": gap, "short": short}
    name = alt["fact"]
    if "equals" in alt:
        text = labels[name] if alt["equals"] is True else f"{labels[name]}为“{alt['equals']}”"
        if facts[name] is None:
            return _open(text, [name], labels)
        ok = facts[name] == alt["equals"]
        found = ("是" if facts[name] else "否") if kinds[name] == "bool" else str(facts[name])
        return {"passed": ok, "text": text, "found": f"{labels[name]}：{found}", "gap": None}
    need = Decimal(str(alt["min"]))
    text = f"{labels[name]} ≥ {_show(need, kinds[name])}"
    if facts[name] is None:
        return _open(text, [name], labels)
    ok = facts[name] >= need
    found = f"{labels[name]} {_show(facts[name], kinds[name])}"
    gap = None if ok else f"还差 {_show(need - facts[name], kinds[name])}"
    return {"passed": ok, "text": text, "found": found, "gap": gap, "short": need - facts[name]}


def _open(text: str, missing: list[str], labels: dict) -> dict:
    return {
        "passed": None,
        "text": text,
        "found": "缺少数据：" + "、".join(labels[m] for m in missing),
        "missing": missing,
    }


def _pct(d: Decimal) -> str:
    return f"{(d * 100).quantize(CENT, rounding=ROUND_DOWN)}%"


def _criterion(crit: dict, facts: dict, labels: dict, kinds: dict) -> dict:
    alternatives, band_label = crit.get("any"), ""
    if "bands" in crit:
        for band in crit["bands"]:
            holds = _when(band.get("when", {}), facts)
            if holds is None:
                missing = sorted(
                    {k.rsplit("_", 1)[0] if k not in facts else k for k in band["when"]}
                )
                missing = [m for m in missing if m in facts and facts[m] is None]
                return _result(
                    crit, None, None, "", "缺少数据：" + "、".join(labels[m] for m in missing)
                )
            if holds:
                alternatives, band_label = band["any"], band.get("label", "")
                break
    found = [_alternative(a, facts, labels, kinds) for a in alternatives]
    passed = True if any(f["passed"] is True for f in found) else None
    if passed is None and all(f["passed"] is False for f in found):
        passed = False
    needs = "或".join(f["text"] for f in found)
    actual = "；".join(f["found"] for f in found)
    prefix = f"{band_label}：" if band_label else ""
    if passed is True:
        message = f"{prefix}{actual}，满足（需 {needs}）"
    elif passed is False:
        gaps = "，或".join(f["gap"] for f in found if f.get("gap"))
        message = f"{prefix}{actual}，需 {needs}" + (f"：{gaps}" if gaps else "")
    else:
        message = f"{prefix}{actual}；需 {needs}"
    gap = None
    if passed is False:
        shorts = [f["short"] for f in found if f.get("short") is not None]
        gap = float(min(shorts)) if len(shorts) == 1 else None
    return _result(crit, passed, actual, needs, message, gap=gap if passed is False else 0)


def _result(crit, passed, actual, required, message, gap=None) -> dict:
    return {
        "key": crit["key"],
        "label": crit["label"],
        "passed": passed,
        "actual": actual,
        "required": required,
        "gap": gap,
        "message": message,
        "ref": crit.get("ref", ""),
    }


def assess(policy: dict, facts: dict) -> dict:
    """Every criterion of a table policy on typed facts (from `read`)."""
    labels = {name: spec["label"] for name, spec in policy["facts"].items()}
    kinds = {name: spec["type"] for name, spec in policy["facts"].items()}
    criteria = [_criterion(c, facts, labels, kinds) for c in policy["criteria"]]
    return {"score": None, "criteria": criteria, "parts": {}}


def check(policy: dict) -> list[str]:
    """Mistakes in a table policy file (facts it names but does not declare, unknown types)."""
    problems = [
        f"事实 {n} 的类型 {s.get('type')} 未知"
        for n, s in policy["facts"].items()
        if s.get("type") not in TYPES
    ]
    declared = set(policy["facts"])
    for crit in policy["criteria"]:
        groups = [b["any"] for b in crit.get("bands", [])] or [crit.get("any") or []]
        for alt in (a for g in groups for a in g):
            names = alt["ratio"] if "ratio" in alt else [alt.get("fact")]
            problems += [
                f"条件 {crit['key']} 用到未声明的事实 {n}" for n in names if n not in declared
            ]
        if not any(groups):
            problems.append(f"条件 {crit['key']} 没有可检查的内容")
    return problems
