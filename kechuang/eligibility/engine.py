"""Eligibility engine: assess a firm's facts against a policy kept as a data file.

Pure Python (no Django). Policies live in ``policies/<key>.toml``; every threshold, band and
point range comes from there, with the document number and article it transcribes. Money and
ratios are ``Decimal`` inside; the output uses floats (ratios, unrounded:
rounding is for the messages only) and yuan amounts.

    result = assess("hnte-2016", facts)   # raises InvalidInput(errors) on bad input
    errors = validate(facts, load_policy("tsme-2017"))

The output follows the `kechuang assess` contract (issue 3): ``policy``, ``document``,
``verdict`` (eligible / ineligible / undetermined), ``score`` {min, max}, ``criteria`` (key,
passed, actual, required, gap, message) and ``parts``. ``passed`` is None when the input cannot
decide a criterion (an innovation score straddling the pass mark, a ratio with a zero
denominator). The verdict is eligible only when every criterion passes, ineligible when any
fails, otherwise undetermined.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import tomllib
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_UP, Decimal
from pathlib import Path

from kechuang.eligibility import table

POLICY_DIR = Path(__file__).resolve().parent / "policies"

CENT = Decimal("0.01")
YEARS_CN = {1: "一", 2: "两", 3: "三"}


class EligibilityError(Exception):
    """Base of the engine's errors; the message is Chinese and shown to users."""


class UnknownPolicy(EligibilityError):
    pass


class InvalidInput(EligibilityError):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("；".join(errors))


@dataclass(frozen=True)
class Policy:
    key: str
    kind: str
    name: str
    document: str
    data: dict


def available_policies() -> list[str]:
    return sorted(p.stem for p in POLICY_DIR.glob("*.toml"))


@functools.lru_cache(maxsize=32)
def load_policy(key: str) -> Policy:
    """The policy `key` from policies/<key>.toml (cached; treat `data` as read-only)."""
    if not isinstance(key, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", key):
        raise UnknownPolicy(f"未知的政策：{key}（可用：{'、'.join(available_policies())}）")
    path = POLICY_DIR / f"{key}.toml"
    if not path.is_file():
        raise UnknownPolicy(f"未知的政策：{key}（可用：{'、'.join(available_policies())}）")
    with path.open("rb") as fp:
        data = tomllib.load(fp, parse_float=Decimal)
    if data.get("key") != key or data.get("kind") not in KINDS:
        raise UnknownPolicy(f"政策文件 {path.name} 的 key 或 kind 不正确")
    return Policy(
        key=key, kind=data["kind"], name=data["name"], document=data["document"], data=data
    )


# ---------------------------------------------------------------------------------------------
# Input: types (the contract's shape; thresholds are in the policy files)
# ---------------------------------------------------------------------------------------------

TOP_FIELDS = {
    "as_of": "date",
    "registered_on": "date",
    "employees": "count",
    "st_staff": "count",
    "field": "text",
    "years": "years",
    "ip": "ip",
    "conversions": "conversions",
    "incidents": "bool",
    "dishonest": "bool",
    "direct": "direct",
    "expert": "expert",
}
YEAR_FIELDS = {
    "year": "year",
    "sales_revenue": "money",
    "total_income": "money",
    "rnd_expense": "money",
    "rnd_expense_domestic": "money",
    "hightech_income": "money",
    "total_costs": "money",
    "total_assets": "money",
    "net_assets": "signed_money",
}
IP_FIELDS = {"class1": "count", "class2": "count", "own_rnd": "bool", "led_standard": "bool"}
DIRECT_FIELDS = {
    "hnte_valid": "bool",
    "national_award_top3": "bool",
    "provincial_rnd_institution": "bool",
    "led_standard_5y": "bool",
}
TYPE_HINTS = {
    "date": "应为日期，格式 YYYY-MM-DD",
    "count": "应为非负整数",
    "text": "应为非空文本",
    "bool": "应为 true 或 false",
    "money": "应为非负金额（元）",
    "signed_money": "应为金额（元）",
    "year": "应为四位年份",
}


def _is_number(v) -> bool:
    return isinstance(v, int | float | Decimal) and not isinstance(v, bool)


def _convert(kind: str, value):
    """Returns (ok, converted)."""
    if kind == "date":
        if isinstance(value, str):
            try:
                return True, dt.date.fromisoformat(value)
            except ValueError:
                return False, None
        return False, None
    if kind == "count":
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return True, value
        if isinstance(value, float) and value.is_integer() and value >= 0:
            return True, int(value)
        return False, None
    if kind == "year":
        if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2999:
            return True, value
        return False, None
    if kind == "text":
        return (True, value.strip()) if isinstance(value, str) and value.strip() else (False, None)
    if kind == "bool":
        return (True, value) if isinstance(value, bool) else (False, None)
    if kind in ("money", "signed_money"):
        if not _is_number(value):
            return False, None
        d = Decimal(str(value))
        if not d.is_finite() or (kind == "money" and d < 0):
            return False, None
        return True, d
    raise AssertionError(kind)


class _Reader:
    """Reads the raw facts into typed values, collecting every error."""

    def __init__(self, policy: Policy):
        self.errors: list[str] = []
        inp = policy.data["input"]
        self.required = set(inp["required"])
        self.max_years = inp["max_years"]
        self.expert_keys = list(inp.get("expert_keys", []))

    def fail(self, msg: str) -> None:
        self.errors.append(msg)

    def _is_required(self, spec: str) -> bool:
        return spec in self.required

    def scalar(self, obj: dict, name: str, kind: str, path: str, spec: str):
        if name not in obj or obj[name] is None:
            if self._is_required(spec):
                self.fail(f"{path} 缺失")
            return None
        ok, value = _convert(kind, obj[name])
        if not ok:
            self.fail(f"{path} {TYPE_HINTS[kind]}")
            return None
        return value

    def obj(self, facts: dict, name: str, fields: dict[str, str]) -> dict | None:
        raw = facts.get(name)
        if raw is None:
            if self._is_required(name):
                self.fail(f"{name} 缺失")
            else:
                return None
            raw = {}
        elif not isinstance(raw, dict):
            self.fail(f"{name} 应为对象")
            raw = {}
        return {k: self.scalar(raw, k, t, f"{name}.{k}", f"{name}.{k}") for k, t in fields.items()}

    def read(self, facts) -> dict:
        if not isinstance(facts, dict):
            self.fail("输入应为 JSON 对象")
            return {}
        out: dict = {}
        for name, kind in TOP_FIELDS.items():
            if kind in TYPE_HINTS:
                out[name] = self.scalar(facts, name, kind, name, name)
        out["years"] = self.years(facts)
        out["ip"] = self.obj(facts, "ip", IP_FIELDS)
        out["direct"] = self.obj(facts, "direct", DIRECT_FIELDS)
        out["conversions"] = self.conversions(facts)
        out["expert"] = self.expert(facts)
        self.cross_checks(out)
        return out

    def years(self, facts: dict) -> list[dict] | None:
        raw = facts.get("years")
        if raw is None:
            if self._is_required("years"):
                self.fail("years 缺失")
            return None
        if not isinstance(raw, list) or not raw:
            self.fail("years 应为按年份从早到晚排列的年度数据列表（至少一个年度）")
            return None
        if len(raw) > self.max_years:
            self.fail(f"years 最多 {self.max_years} 个年度（近三个会计年度），实际 {len(raw)} 个")
            return None
        rows = []
        for i, item in enumerate(raw):
            if not isinstance(item, dict):
                self.fail(f"years[{i}] 应为对象")
                rows.append(dict.fromkeys(YEAR_FIELDS))
                continue
            rows.append(
                {
                    k: self.scalar(item, k, t, f"years[{i}].{k}", f"years[].{k}")
                    for k, t in YEAR_FIELDS.items()
                }
            )
        for i in range(1, len(rows)):
            prev, cur = rows[i - 1]["year"], rows[i]["year"]
            if prev is not None and cur is not None and cur != prev + 1:
                self.fail(f"years[{i}].year 应为 {prev + 1}（年度须从早到晚连续排列）")
        return rows

    def conversions(self, facts: dict) -> list[int] | None:
        raw = facts.get("conversions")
        if raw is None:
            if self._is_required("conversions"):
                self.fail("conversions 缺失")
            return None
        if not isinstance(raw, list) or not raw or len(raw) > self.max_years:
            self.fail(f"conversions 应为每年科技成果转化项数的列表（1 至 {self.max_years} 个年度）")
            return None
        out = []
        for i, v in enumerate(raw):
            ok, n = _convert("count", v)
            if not ok:
                self.fail(f"conversions[{i}] {TYPE_HINTS['count']}")
            out.append(n)
        return out if None not in out else None

    def expert(self, facts: dict) -> dict[str, int]:
        raw = facts.get("expert")
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.fail("expert 应为对象")
            return {}
        out = {}
        for k, v in raw.items():
            if k not in self.expert_keys:
                allowed = "、".join(self.expert_keys) or "无"
                self.fail(f"expert.{k} 不是本政策可由专家评定的项目（可用：{allowed}）")
                continue
            if v is None:
                continue
            ok, n = _convert("count", v)
            if not ok:
                self.fail(f"expert.{k} 应为非负整数分值")
                continue
            out[k] = n
        return out

    def cross_checks(self, out: dict) -> None:
        emp, st = out.get("employees"), out.get("st_staff")
        if emp is not None and emp == 0 and "employees" in self.required:
            self.fail("employees 应大于 0")
        if emp is not None and st is not None and st > emp:
            self.fail(f"st_staff 不能大于 employees（{st} > {emp}）")
        asof, reg = out.get("as_of"), out.get("registered_on")
        if asof and reg and reg > asof:
            self.fail("registered_on 不能晚于 as_of")
        for i, y in enumerate(out.get("years") or []):
            pairs = [("rnd_expense_domestic", "rnd_expense"), ("hightech_income", "total_income")]
            if "years[].total_costs" in self.required:
                pairs.append(("rnd_expense", "total_costs"))
            for small, big in pairs:
                if y[small] is not None and y[big] is not None and y[small] > y[big]:
                    self.fail(f"years[{i}].{small} 不能大于 years[{i}].{big}")


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------


def _match(band: dict, ctx: dict) -> bool:
    """A band matches when all its `<name>_gte/_gt/_lte` conditions hold (none = default)."""
    for k, v in band.items():
        for suffix, test in (
            ("_gte", lambda a, b: a >= b),
            ("_gt", lambda a, b: a > b),
            ("_lte", lambda a, b: a <= b),
        ):
            if k.endswith(suffix):
                name = k[: -len(suffix)]
                if ctx.get(name) is None or not test(ctx[name], v):
                    return False
                break
    return True


def _pick(bands: list[dict], **ctx) -> dict:
    for band in bands:
        if _match(band, ctx):
            return band
    raise EligibilityError("政策文件缺少兜底档次")


def _points(band: dict) -> tuple[int, int]:
    p = band["points"]
    return (p, p) if isinstance(p, int) else (p[0], p[1])


def _ratio(num: Decimal, den: Decimal) -> Decimal | None:
    return None if den == 0 else num / den


def _rf(d: Decimal | None, failed_limit: Decimal | None = None) -> float | None:
    """A ratio for the machine fields: unrounded (the nearest float); rounding is for the
    messages only. A value that failed `failed_limit` is never shown at or above it."""
    if d is None:
        return None
    value = float(d)
    if failed_limit is not None and value >= float(failed_limit):
        value = math.nextafter(float(failed_limit), -math.inf)
    return value


def _pct(d: Decimal) -> str:
    return f"{(d * 100).quantize(CENT, rounding=ROUND_DOWN)}%"


def _wan(d: Decimal) -> str:
    return f"{(d / 10000).quantize(CENT, rounding=ROUND_UP)}万元"


def _yuan_gap(d: Decimal) -> Decimal:
    return max(Decimal(0), d).quantize(CENT, rounding=ROUND_UP)


def _people_to_add(staff: int, total: int, ratio: Decimal) -> int:
    """New S&T staff to hire (each also joins the total) so that staff / total ≥ ratio."""
    need = (ratio * total - staff) / (1 - ratio)
    return max(0, int(need.to_integral_value(rounding=ROUND_CEILING)))


def _share_gap(part: Decimal, total: Decimal, ratio: Decimal) -> Decimal:
    """Extra `part` (which also adds to `total`) needed so that part / total ≥ ratio."""
    return _yuan_gap((ratio * total - part) / (1 - ratio))


def _crit(key, passed, actual, required, gap, message) -> dict:
    return {
        "key": key,
        "passed": passed,
        "actual": actual,
        "required": required,
        "gap": gap,
        "message": message,
    }


def _verdict(criteria: list[dict]) -> str:
    if any(c["passed"] is False for c in criteria):
        return "ineligible"
    if all(c["passed"] is True for c in criteria):
        return "eligible"
    return "undetermined"


# ---------------------------------------------------------------------------------------------
# HNTE
# ---------------------------------------------------------------------------------------------


def _growth(values: list[Decimal], rules: dict) -> tuple[Decimal | None, str]:
    """Growth rate over the years given (oldest first) and the rule used."""
    if len(values) < 2:
        return None, "一个年度，无法计算增长率，按0分"
    if len(values) == 2:
        y1, y2 = values
        if y1 == 0:
            return None, "第一年为0，无法计算增长率，按0分"
        return y2 / y1 - 1, "两个年度：第二年 ÷ 第一年 − 1"
    y1, y2, y3 = values
    if y2 == 0:
        assert rules["second_year_zero"] == "zero_points"
        return None, "第二年为0，按0分计算"
    if y1 == 0:
        assert rules["first_year_zero"] == "latter_two_years"
        return y3 / y2 - 1, "第一年为0，按后两年计算：第三年 ÷ 第二年 − 1"
    return (y2 / y1 + y3 / y2) / 2 - 1, "1/2 ×（第二年 ÷ 第一年 + 第三年 ÷ 第二年）− 1"


def _hnte_parts(policy: Policy, f: dict) -> dict[str, dict]:
    """Every scored item with its band range, before expert values are applied."""
    inn = policy.data["innovation"]
    ip_cfg = inn["ip"]
    c1, c2 = f["ip"]["class1"], f["ip"]["class2"]
    has_ip = c1 + c2 > 0
    acq = ip_cfg["acquisition"]
    acq_range = (
        acq["none"] if not has_ip else acq["own_rnd"] if f["ip"]["own_rnd"] else acq["other"]
    )
    std = ip_cfg["standard_bonus"]
    quantity = _pick(ip_cfg["quantity"]["bands"], class1=c1, class2=c2)
    items = {
        "ip_advancement": {
            "min": ip_cfg["advancement"]["points"][0],
            "max": ip_cfg["advancement"]["points"][1],
        },
        "ip_core_support": {
            "min": ip_cfg["core_support"]["points"][0],
            "max": ip_cfg["core_support"]["points"][1],
        },
        "ip_quantity": dict(zip(("min", "max"), _points(quantity), strict=True))
        | {"band": quantity.get("label")},
        "ip_acquisition": {"min": acq_range[0], "max": acq_range[1]},
        "standard_bonus": dict(
            zip(("min", "max"), std["yes"] if f["ip"]["led_standard"] else std["no"], strict=True)
        ),
    }
    conv = f["conversions"]
    avg = Decimal(sum(conv)) / len(conv)
    cband = _pick(inn["conversion"]["bands"], value=avg)
    items["conversion"] = {
        "average": float(avg),
        "years": len(conv),
        "min": _points(cband)[0],
        "max": _points(cband)[1],
        "band": cband.get("label"),
    }
    rm = inn["rnd_management"]["points"]
    items["rnd_management"] = {"min": rm[0], "max": rm[1]}
    growth = inn["growth"]
    for part in ("net_assets", "sales"):
        cfg = growth[part]
        rate, rule = _growth([y[cfg["field"]] for y in f["years"]], growth)
        band = _pick(growth["bands"], value=rate) if rate is not None else growth["bands"][-1]
        if rate is None:
            lo, hi = 0, 0
        else:
            lo, hi = _points(band)
        items[cfg["expert_key"]] = {
            "rate": None if rate is None else float(rate),
            "min": lo,
            "max": hi,
            "band": band.get("label") if rate is not None else "F",
            "rule": rule,
        }
    return items


def _apply_expert(items: dict[str, dict], expert: dict[str, int]) -> list[str]:
    errors = []
    for key, value in expert.items():
        item = items[key]
        if not item["min"] <= value <= item["max"]:
            errors.append(f"expert.{key} 超出该档允许范围 {item['min']}–{item['max']}")
        else:
            item["min"] = item["max"] = value
            item["expert"] = True
    return errors


def _hnte_assess(policy: Policy, f: dict, items: dict[str, dict]) -> dict:
    crit_cfg = policy.data["criteria"]
    inn = policy.data["innovation"]
    years = f["years"]
    n = len(years)
    period = f"近{YEARS_CN[n]}年"
    last = years[-1]
    criteria = []

    # (一) registered for a year
    c = crit_cfg["registered_one_year"]
    days = (f["as_of"] - f["registered_on"]).days
    ok = days >= c["min_days"]
    criteria.append(
        _crit(
            "registered_one_year",
            ok,
            days,
            c["min_days"],
            0 if ok else c["min_days"] - days,
            f"注册成立 {days} 天"
            + ("，满一年" if ok else f"，需 ≥ {c['min_days']} 天，还差 {c['min_days'] - days} 天"),
        )
    )

    # (二) core IP
    c = crit_cfg["core_ip"]
    count = f["ip"]["class1"] + f["ip"]["class2"]
    ok = count >= c["min_items"]
    criteria.append(
        _crit(
            "core_ip",
            ok,
            count,
            c["min_items"],
            0 if ok else c["min_items"] - count,
            f"拥有知识产权 {count} 项（Ⅰ类 {f['ip']['class1']}，Ⅱ类 {f['ip']['class2']}）"
            + ("" if ok else "，需至少 1 项对主要产品（服务）发挥核心支持作用的知识产权"),
        )
    )

    # (三) field
    c = crit_cfg["field"]
    ok = f["field"] in c["allowed"]
    criteria.append(
        _crit(
            "field",
            ok,
            f["field"],
            c["allowed"],
            0 if ok else None,
            f"技术领域：{f['field']}"
            + ("" if ok else "，不属于《国家重点支持的高新技术领域》八大领域"),
        )
    )

    # (四) S&T staff
    c = crit_cfg["st_staff_ratio"]
    r = Decimal(f["st_staff"]) / f["employees"]
    ok = r >= c["min_ratio"]
    add = 0 if ok else _people_to_add(f["st_staff"], f["employees"], c["min_ratio"])
    criteria.append(
        _crit(
            "st_staff_ratio",
            ok,
            _rf(r, None if ok else c["min_ratio"]),
            float(c["min_ratio"]),
            add,
            f"科技人员占比 {_pct(r)}（{f['st_staff']}/{f['employees']}），"
            f"需 ≥ {_pct(c['min_ratio'])}" + ("" if ok else f"，需再增加科技人员 {add} 人"),
        )
    )

    # (五) R&D ratio, threshold by the last year's sales revenue
    c = crit_cfg["rnd_ratio"]
    band = _pick(c["bands"], revenue=last["sales_revenue"])
    need = band["min_ratio"]
    sales = sum(y["sales_revenue"] for y in years)
    rnd = sum(y["rnd_expense"] for y in years)
    r = _ratio(rnd, sales)
    if r is None:
        criteria.append(
            _crit(
                "rnd_ratio",
                None,
                None,
                float(need),
                None,
                f"{period}销售收入合计为 0，无法计算研发费用占比",
            )
        )
    else:
        ok = r >= need
        gap = _yuan_gap(need * sales - rnd)
        criteria.append(
            _crit(
                "rnd_ratio",
                ok,
                _rf(r, None if ok else need),
                float(need),
                float(gap),
                f"{period}研发费用占比 {_pct(r)}，需 ≥ {_pct(need)}"
                + ("" if ok else f"，{YEARS_CN[n]}年研发费用需再增加 {_wan(gap)}")
                + f"（适用档次：{band['label']}）",
            )
        )

    # (五) domestic share of R&D
    c = crit_cfg["domestic_rnd_share"]
    dom = sum(y["rnd_expense_domestic"] for y in years)
    r = _ratio(dom, rnd)
    if r is None:
        criteria.append(
            _crit(
                "domestic_rnd_share",
                None,
                None,
                float(c["min_ratio"]),
                None,
                f"{period}研发费用为 0，无法计算境内研发费用占比",
            )
        )
    else:
        ok = r >= c["min_ratio"]
        gap = Decimal(0) if ok else _share_gap(dom, rnd, c["min_ratio"])
        criteria.append(
            _crit(
                "domestic_rnd_share",
                ok,
                _rf(r, None if ok else c["min_ratio"]),
                float(c["min_ratio"]),
                float(gap),
                f"境内研发费用占比 {_pct(r)}，需 ≥ {_pct(c['min_ratio'])}"
                + ("" if ok else f"，境内研发费用需再增加 {_wan(gap)}"),
            )
        )

    # (六) high-tech income share, last year
    c = crit_cfg["hightech_income_share"]
    r = _ratio(last["hightech_income"], last["total_income"])
    if r is None:
        criteria.append(
            _crit(
                "hightech_income_share",
                None,
                None,
                float(c["min_ratio"]),
                None,
                f"{last['year']} 年总收入为 0，无法计算高新技术产品（服务）收入占比",
            )
        )
    else:
        ok = r >= c["min_ratio"]
        gap = (
            Decimal(0)
            if ok
            else _share_gap(last["hightech_income"], last["total_income"], c["min_ratio"])
        )
        criteria.append(
            _crit(
                "hightech_income_share",
                ok,
                _rf(r, None if ok else c["min_ratio"]),
                float(c["min_ratio"]),
                float(gap),
                f"{last['year']} 年高新技术产品（服务）收入占比 {_pct(r)}，"
                f"需 ≥ {_pct(c['min_ratio'])}"
                + ("" if ok else f"，高新技术产品（服务）收入需再增加 {_wan(gap)}"),
            )
        )

    # (七) innovation score
    cap = inn["ip"]["cap"]
    ip_keys = (
        "ip_advancement",
        "ip_core_support",
        "ip_quantity",
        "ip_acquisition",
        "standard_bonus",
    )
    ip_min = min(cap, sum(items[k]["min"] for k in ip_keys))
    ip_max = min(cap, sum(items[k]["max"] for k in ip_keys))
    parts = {
        "ip": {
            "min": ip_min,
            "max": ip_max,
            "cap": cap,
            "class1": f["ip"]["class1"],
            "class2": f["ip"]["class2"],
            "items": {k.removeprefix("ip_"): items[k] for k in ip_keys},
        },
        "conversion": items["conversion"],
        "rnd_management": items["rnd_management"],
        "growth_net_assets": items["growth_net_assets"],
        "growth_sales": items["growth_sales"],
    }
    smin = sum(p["min"] for p in parts.values())
    smax = sum(p["max"] for p in parts.values())
    c = crit_cfg["innovation_score"]
    mark = c["pass_above"]
    need = mark + 1 if c["integer_points"] else mark
    score_text = f"{smin}" if smin == smax else f"{smin}–{smax}"
    if smin > mark:
        passed, gap, msg = True, 0, f"创新能力评价 {score_text} 分，需 > {mark} 分"
    elif smax <= mark:
        passed, gap = False, need - smax
        msg = f"创新能力评价最高 {smax} 分，需 > {mark} 分（≥ {need} 分），至少还差 {gap} 分"
    else:
        passed, gap = None, need - smin
        msg = (
            f"创新能力评价 {score_text} 分，跨越 {mark} 分线，取决于专家评分"
            f"（最低情形还差 {gap} 分）"
        )
    criteria.append(_crit("innovation_score", passed, {"min": smin, "max": smax}, need, gap, msg))

    # (八) no incidents
    ok = not f["incidents"]
    criteria.append(
        _crit(
            "no_incidents",
            ok,
            f["incidents"],
            False,
            0 if ok else None,
            "申请前一年内未发生重大安全、重大质量事故或严重环境违法行为"
            if ok
            else "申请前一年内发生过重大安全、重大质量事故或严重环境违法行为，不能认定",
        )
    )

    return {"score": {"min": smin, "max": smax}, "criteria": criteria, "parts": parts}


# ---------------------------------------------------------------------------------------------
# TSME
# ---------------------------------------------------------------------------------------------


def _tsme_assess(policy: Policy, f: dict) -> dict:
    crit_cfg = policy.data["criteria"]
    sc = policy.data["score"]
    assert policy.data["year_basis"] == "latest"
    last = f["years"][-1]
    year = last["year"]
    criteria = []

    c = crit_cfg["employees_limit"]
    emp = f["employees"]
    ok = emp <= c["max"]
    criteria.append(
        _crit(
            "employees_limit",
            ok,
            emp,
            c["max"],
            0 if ok else emp - c["max"],
            f"职工总数 {emp} 人，需 ≤ {c['max']} 人"
            + ("" if ok else f"，超出 {emp - c['max']} 人"),
        )
    )
    for key, field, label in (
        ("sales_limit", "sales_revenue", "销售收入"),
        ("assets_limit", "total_assets", "资产总额"),
    ):
        c = crit_cfg[key]
        v = last[field]
        ok = v <= c["max"]
        over = _yuan_gap(v - c["max"])
        criteria.append(
            _crit(
                key,
                ok,
                float(v),
                c["max"],
                float(over),
                f"{year} 年{label} {_wan(v)}，需 ≤ {_wan(Decimal(c['max']))}"
                + ("" if ok else f"，超出 {_wan(over)}"),
            )
        )
    ok = not f["incidents"] and not f["dishonest"]
    reasons = [
        t
        for flag, t in (
            (f["incidents"], "发生过重大安全、质量事故或严重环境违法、科研严重失信行为"),
            (f["dishonest"], "列入经营异常名录或严重违法失信企业名单"),
        )
        if flag
    ]
    criteria.append(
        _crit(
            "no_violations",
            ok,
            not ok,
            False,
            0 if ok else None,
            "无违法失信情形" if ok else "；".join(reasons),
        )
    )

    # Score
    emp_r = Decimal(f["st_staff"]) / emp if emp else None
    st_band = _pick(sc["st_staff"]["bands"], value=emp_r)
    st_points = _points(st_band)[0]
    r_sales = _ratio(last["rnd_expense"], last["sales_revenue"])
    r_costs = _ratio(last["rnd_expense"], last["total_costs"])
    p_sales = _points(_pick(sc["rnd"]["sales"]["bands"], value=r_sales))[0]
    p_costs = _points(_pick(sc["rnd"]["costs"]["bands"], value=r_costs))[0]
    option = "sales" if p_sales >= p_costs else "costs"
    rnd_points = max(p_sales, p_costs)
    ip_band = _pick(sc["ip"]["bands"], class1=f["ip"]["class1"], class2=f["ip"]["class2"])
    ip_points = _points(ip_band)[0]
    total = st_points + rnd_points + ip_points
    parts = {
        "st_staff": {
            "ratio": _rf(emp_r),
            "min": st_points,
            "max": st_points,
            "band": st_band.get("label"),
        },
        "rnd": {
            "year": year,
            "ratio_sales": _rf(r_sales),
            "ratio_costs": _rf(r_costs),
            "points_sales": p_sales,
            "points_costs": p_costs,
            "option": option,
            "min": rnd_points,
            "max": rnd_points,
        },
        "ip": {
            "class1": f["ip"]["class1"],
            "class2": f["ip"]["class2"],
            "min": ip_points,
            "max": ip_points,
            "band": ip_band.get("label"),
        },
    }

    routes = [r for r in crit_cfg["direct_qualification"]["routes"] if f["direct"][r["key"]]]
    direct = bool(routes)
    waived = "；具备直接评价条件，免予评分要求" if direct else ""

    st_ok = st_points != 0
    first = min(b["value_gte"] for b in sc["st_staff"]["bands"] if "value_gte" in b)
    first_points = min(_points(b)[0] for b in sc["st_staff"]["bands"] if _points(b)[0] > 0)
    add = 0 if st_ok else _people_to_add(f["st_staff"], emp, first)
    criteria.append(
        _crit(
            "st_staff_points",
            st_ok or direct,
            st_points,
            first_points,
            add,
            f"科技人员占比 {_pct(emp_r)}，科技人员指标得 {st_points} 分"
            + ("" if st_ok else f"，不得为0分：需科技人员占比 ≥ {_pct(first)}，再增加 {add} 人")
            + ("" if st_ok else waived),
        )
    )
    min_score = crit_cfg["total_score"]["min_score"]
    score_ok = total >= min_score and st_ok
    criteria.append(
        _crit(
            "total_score",
            total >= min_score or direct,
            total,
            min_score,
            max(0, min_score - total),
            f"评价得分 {total} 分（科技人员 {st_points}、研发投入 {rnd_points}、"
            f"科技成果 {ip_points}），"
            f"需 ≥ {min_score} 分"
            + ("" if total >= min_score else f"，还差 {min_score - total} 分" + waived),
        )
    )
    if direct:
        msg = "具备直接评价条件：" + "；".join(r["label"] for r in routes)
    elif score_ok:
        msg = "无直接评价条件，按评分评价（评分已达标）"
    else:
        msg = "无直接评价条件，且评分未达标"
    criteria.append(
        _crit(
            "direct_qualification",
            direct or score_ok,
            [r["key"] for r in routes],
            [r["key"] for r in crit_cfg["direct_qualification"]["routes"]],
            0 if (direct or score_ok) else None,
            msg,
        )
    )
    return {"score": {"min": total, "max": total}, "criteria": criteria, "parts": parts}


KINDS = {"hnte", "tsme", "criteria"}  # criteria: table-driven (table.py)


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def _policy(policy: Policy | str) -> Policy:
    return policy if isinstance(policy, Policy) else load_policy(policy)


def _prepare(facts, policy: Policy) -> tuple[dict, dict | None, list[str]]:
    if policy.kind == "criteria":
        f, errors = table.read(policy.data, facts)
        return f, None, errors
    reader = _Reader(policy)
    f = reader.read(facts)
    errors = reader.errors
    items = None
    if not errors and policy.kind == "hnte":
        items = _hnte_parts(policy, f)
        errors = _apply_expert(items, f["expert"])
    return f, items, errors


def validate(facts, policy: Policy | str) -> list[str]:
    """Chinese messages naming every missing or invalid field; empty when assessable."""
    return _prepare(facts, _policy(policy))[2]


def assess(policy_key: Policy | str, facts) -> dict:
    """Assess `facts` (the contract's input dict) against a policy; raises InvalidInput."""
    policy = _policy(policy_key)
    f, items, errors = _prepare(facts, policy)
    if errors:
        raise InvalidInput(errors)
    if policy.kind == "criteria":
        body = table.assess(policy.data, f)
    elif policy.kind == "hnte":
        body = _hnte_assess(policy, f, items)
    else:
        body = _tsme_assess(policy, f)
    return {
        "policy": policy.key,
        "document": policy.document,
        "verdict": _verdict(body["criteria"]),
        "score": body["score"],
        "criteria": body["criteria"],
        "parts": body["parts"],
    }
