"""Bottom-up indicators for a synthetic province, against hand-written SQL.

Builds 90 county-level regions (丽水's nine real counties and 81 synthetic ones under
the other ten cities of 浙江), about 60,000 above-scale firms and 24 months
(2022-01…2023-12) of their cumulative monthly statistics, about 1.4 million
EnterpriseMonth rows, then measures in the same process on the same database:

(a) the reference: two hand-written SQL statements (cursor.execute): every bottom-up
    element for every county and one period (SUM revenue, tech_dev_expense, value_added,
    value_added of high-tech firms, COUNT manufacturing, COUNT manufacturing with R&D),
    and the same sums over the firms present in both that period and last year's same
    period (the statistics bureau's comparable basis), from which growth is computed;
(b) the platform: kechuang.indicators.selectors.bottom_up + comparable_growth for the
    same 90 counties and period; the target is at most 2× the reference. They read the
    pre-aggregated county and township totals (RegionPeriodTotal), which the services keep
    in step with every firm-month write; the bulk-inserted rows bypass the services, so
    setup rebuilds the totals with services.totals_refresh, timed and printed on its own;
(c) one county's dashboard data, selectors.indicator_table (p50 and p95 over 50 calls);
    the target is 50 ms;
(d) what keeping the totals costs a write: one firm month saved through
    services.enterprise_month_save (rules, audit and the refresh of its county's and
    township's totals for the period and next year's same period), and the refresh alone.

The platform's answers are checked against the reference's. While the selectors do not
exist yet, (b) is measured on a stand-in written with the ORM here, and says so.

Run: `make bench` (both benchmarks, default scale, SQLite in a temporary file);
`make bench FIRMS=6000 MONTHS=16` for a quick run; `make bench ONLY=indicators`.
On PostgreSQL (the database is created, filled and dropped; its name must contain
"bench"):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kechuang_bench make bench
"""

import statistics
import time
from collections.abc import Callable
from decimal import Decimal

from bench.common import describe_database, ljust, peak_memory_mb, rjust

# The hand-written reference's columns, in the order the statements return them.
ELEMENTS = [
    "main_revenue",
    "tech_dev_expense",
    "industrial_value_added",
    "hitech_value_added",
    "mfg_enterprises",
    "mfg_rnd_enterprises",
]
# The amount elements, in the order of the comparable-basis statement's column pairs.
AMOUNTS = ["main_revenue", "tech_dev_expense", "industrial_value_added", "hitech_value_added"]
TARGET_RATIO = 2.0
TARGET_TABLE_MS = 50.0


def _filter(condition: str) -> Callable[[str], str]:
    from django.db import connection

    if connection.features.supports_aggregate_filter_clause:
        return lambda agg: f"{agg} FILTER (WHERE {condition})"
    return lambda agg: agg.replace("(", f"(CASE WHEN {condition} THEN ", 1).replace(")", " END)", 1)


def _sums(alias: str) -> str:
    a = alias
    hitech = _filter(f"{a}.hitech")
    mfg = _filter(f"{a}.manufacturing")
    mfg_rnd = _filter(f"{a}.manufacturing AND {a}.rnd_active")
    return (
        f"SUM({a}.revenue), SUM({a}.tech_dev_expense), SUM({a}.value_added), "
        f"{hitech(f'SUM({a}.value_added)')}, {mfg(f'COUNT({a}.id)')}, "
        f"{mfg_rnd(f'COUNT({a}.id)')}"
    )


def _comparable_sums() -> str:
    """This year's and last year's sums of the amount elements over the same firms; a firm
    counts as high-tech by this year's flag on both sides (the same set of firms). Firm
    counts have no comparable growth: on the same firms they would not change."""
    hitech = _filter("c.hitech")
    return (
        ", ".join(
            f"SUM(c.{column}), SUM(p.{column})"
            for column in ("revenue", "tech_dev_expense", "value_added")
        )
        + f", {hitech('SUM(c.value_added)')}, {hitech('SUM(p.value_added)')}"
    )


def reference_sql(county_ids: list[int]) -> tuple[str, str]:
    from kechuang.indicators.models import EnterpriseMonth

    table = EnterpriseMonth._meta.db_table
    ids = ", ".join(str(pk) for pk in county_ids)
    bottom_up = (
        f"SELECT c.county_id, {_sums('c')} FROM {table} c "
        f"WHERE c.period = %s AND c.county_id IN ({ids}) GROUP BY c.county_id"
    )
    growth = (
        f"SELECT c.county_id, {_comparable_sums()} FROM {table} c "
        f"JOIN {table} p ON p.enterprise_id = c.enterprise_id AND p.period = %s "
        f"WHERE c.period = %s AND c.county_id IN ({ids}) GROUP BY c.county_id"
    )
    return bottom_up, growth


def _decimal(value) -> Decimal:
    if value is None:
        return Decimal(0)
    return value if isinstance(value, Decimal) else Decimal(str(value))


def growth_percent(current: Decimal, previous: Decimal) -> Decimal | None:
    return None if not previous else (current / previous - 1) * 100


def last_year(period: str) -> str:
    return f"{int(period[:4]) - 1}{period[4:]}"


def reference_bottom_up(sql: str, period: str) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, [period])
        return {
            row[0]: {code: _decimal(v) for code, v in zip(ELEMENTS, row[1:], strict=True)}
            for row in cursor.fetchall()
        }


def reference_growth(sql: str, period: str) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, [last_year(period), period])
        return {
            row[0]: {
                code: growth_percent(_decimal(row[1 + 2 * k]), _decimal(row[2 + 2 * k]))
                for k, code in enumerate(AMOUNTS)
            }
            for row in cursor.fetchall()
        }


# --- The ORM stand-in, measured while the platform's selectors are missing ---------------


def _aggregations(prefix: str = "", *, amounts_only: bool = False) -> dict:
    """Annotations for every element with an aggregation spec ("sum:FIELD",
    "sum:FIELD|FLAG", "count:FLAG[,FLAG…]"), read from the data elements; `prefix` sums
    another row's fields while the flags stay this row's."""
    from django.db.models import Count, Q, Sum

    from kechuang.indicators.models import DataElement

    out = {}
    for code, spec in DataElement.objects.exclude(aggregation="").values_list(
        "code", "aggregation"
    ):
        kind, _, rest = spec.partition(":")
        if kind == "sum":
            column, _, flag = rest.partition("|")
            condition = Q(**{flag: True}) if flag else None
            out[code] = Sum(f"{prefix}{column}", filter=condition)
        elif not amounts_only:
            out[code] = Count("id", filter=Q(**{flag: True for flag in rest.split(",")}))
    return out


def orm_bottom_up(regions, period: str) -> dict:
    from kechuang.indicators.models import EnterpriseMonth

    rows = (
        EnterpriseMonth.objects.filter(period=period, county__in=[r.pk for r in regions])
        .order_by()
        .values("county_id")
        .annotate(**_aggregations())
    )
    return {row.pop("county_id"): {code: _decimal(v) for code, v in row.items()} for row in rows}


def orm_comparable_growth(regions, period: str) -> dict:
    from django.db.models import F, FilteredRelation, Q

    from kechuang.indicators.models import EnterpriseMonth

    current = _aggregations(amounts_only=True)
    previous = _aggregations("prior__", amounts_only=True)
    rows = (
        EnterpriseMonth.objects.filter(period=period, county__in=[r.pk for r in regions])
        .annotate(
            prior=FilteredRelation(
                "enterprise__months", condition=Q(enterprise__months__period=last_year(period))
            )
        )
        .filter(prior__enterprise_id=F("enterprise_id"))
        .order_by()
        .values("county_id")
        .annotate(**current, **{f"prev_{c}": agg for c, agg in previous.items()})
    )
    return {
        row["county_id"]: {
            code: growth_percent(_decimal(row[code]), _decimal(row[f"prev_{code}"]))
            for code in current
        }
        for row in rows
    }


# --- Checking the platform's answers --------------------------------------------------


def _close(a: Decimal | None, b: Decimal | None, tolerance: Decimal) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(Decimal(a) - b) <= tolerance * max(Decimal(1), abs(b))


def check(name: str, got: dict, want: dict, *, percent: bool) -> list[str]:
    """Differences between the platform's answer and the reference's, as readable lines."""
    problems = []
    if not isinstance(got, dict):
        return [f"{name}：返回 {type(got).__name__}，应为 dict"]
    missing_regions = set(want) - set(got)
    if missing_regions:
        problems.append(f"{name}：缺少 {len(missing_regions)} 个区域")
    bad = []
    scale_hundredth = 0
    for region_id, expected in want.items():
        figures = got.get(region_id) or {}
        for code, value in expected.items():
            if code not in figures:
                bad.append(f"区域 {region_id} 缺 {code}")
                continue
            actual = figures[code]
            # Growth may be rounded to two decimals (percent) by the platform.
            tolerance = Decimal("0.00006") if percent else Decimal("1e-9")
            if _close(actual, value, tolerance):
                continue
            if percent and value is not None and _close(actual, value / 100, Decimal("1e-6")):
                scale_hundredth += 1
                continue
            bad.append(f"区域 {region_id} {code}：平台 {actual}，参照 {value}")
    if scale_hundredth:
        problems.append(f"{name}：{scale_hundredth} 项为小数而非百分数（0.0338 而非 3.38）")
    if bad:
        problems.append(f"{name}：{len(bad)} 项不一致，如 " + "；".join(bad[:3]))
    return problems


# --- Measuring ------------------------------------------------------------------------


def _interleaved(pairs: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Median seconds of each function, run in turns so caches favour none of them."""
    for fn in pairs.values():
        fn()  # warm-up
    samples = {name: [] for name in pairs}
    for _ in range(repeat):
        for name, fn in pairs.items():
            start = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in samples.items()}


def _captured(fn: Callable[[], object]) -> list[dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        fn()
    return list(context.captured_queries)


def explain(sql: str, params=None) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def analyze() -> float:
    from django.db import connection

    from kechuang.indicators.models import EnterpriseMonth

    start = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # VACUUM also sets the visibility map, so index-only scans are possible.
            cursor.execute(f"VACUUM ANALYZE {EnterpriseMonth._meta.db_table}")
            cursor.execute("ANALYZE")
        else:
            cursor.execute("ANALYZE")
    return time.perf_counter() - start


def platform():
    """The selectors module's functions, or None for each one that is missing."""
    try:
        from kechuang.indicators import selectors
    except ImportError as exc:
        return None, None, None, f"kechuang.indicators.selectors 无法导入（{exc}）"
    names = ("bottom_up", "comparable_growth", "indicator_table")
    functions = [getattr(selectors, name, None) for name in names]
    missing = [n for n, f in zip(names, functions, strict=True) if f is None]
    note = f"selectors 缺少 {', '.join(missing)}" if missing else ""
    return (*functions, note)


def run(
    firms: int,
    months: int,
    period: str,
    repeat: int,
    calls: int,
    show_plans: bool,
    published: bool = False,
) -> None:
    from kechuang.bench_support import periods, seed_province

    names = periods(months)
    if period not in names:
        raise SystemExit(f"期间 {period} 不在生成的 {names[0]}…{names[-1]} 之内")

    start = time.perf_counter()
    province = seed_province(firms, months, published=published)
    t_analyze = analyze()
    setup = time.perf_counter() - start
    counties = province.counties
    ids = [c.pk for c in counties]
    sql_bottom_up, sql_growth = reference_sql(ids)

    bottom_up, comparable_growth, indicator_table, note = platform()
    stand_in = bottom_up is None or comparable_growth is None
    if bottom_up is None:
        bottom_up = orm_bottom_up
    if comparable_growth is None:
        comparable_growth = orm_comparable_growth

    want_sums = reference_bottom_up(sql_bottom_up, period)
    want_growth = reference_growth(sql_growth, period)
    problems = []
    for label, fn, want, percent in (
        ("bottom_up", bottom_up, want_sums, False),
        ("comparable_growth", comparable_growth, want_growth, True),
    ):
        try:
            problems += check(label, fn(counties, period), want, percent=percent)
        except Exception as exc:  # noqa: BLE001 - reported, the benchmark goes on
            problems.append(f"{label} 出错：{type(exc).__name__}: {exc}")

    times = _interleaved(
        {
            "ref_sums": lambda: reference_bottom_up(sql_bottom_up, period),
            "sums": lambda: bottom_up(counties, period),
            "ref_growth": lambda: reference_growth(sql_growth, period),
            "growth": lambda: comparable_growth(counties, period),
        },
        repeat,
    )
    t_ref = times["ref_sums"] + times["ref_growth"]
    t_platform = times["sums"] + times["growth"]
    ratio = t_platform / t_ref

    table_times = []
    table_queries = None
    qingtian = next(c for c in counties if c.code == "331121")
    if indicator_table is not None:
        try:
            for _ in range(3):
                indicator_table(province.leader, qingtian, period)
            table_queries = len(
                _captured(lambda: indicator_table(province.leader, qingtian, period))
            )
            for _ in range(calls):
                clock = time.perf_counter()
                indicator_table(province.leader, qingtian, period)
                table_times.append(time.perf_counter() - clock)
        except Exception as exc:  # noqa: BLE001
            problems.append(f"indicator_table 出错：{type(exc).__name__}: {exc}")
            table_times = []

    write_times = maintenance(province, qingtian, period) if not stand_in else None

    # --- Report ------------------------------------------------------------------------
    print()
    print(
        f"指标自下而上汇总：{len(counties)} 个县级区划，规上企业 {province.firms} 家，"
        f"企业月度数据 {province.rows:,} 行（{names[0]}…{names[-1]}），期间 {period}"
        f"（{describe_database()}）"
    )
    parts = "，".join(f"{k} {v:.1f}s" for k, v in province.seconds.items() if k != "汇总表")
    print(
        f"准备数据 {setup:.1f}s（{parts}，ANALYZE {t_analyze:.1f}s；"
        f"新建区划 {province.created_regions} 个），进程峰值内存 {peak_memory_mb():.0f} MB"
    )
    if "汇总表" in province.seconds:
        from kechuang.indicators.models import RegionPeriodTotal

        print(
            f"其中汇总表重建 services.totals_refresh {province.seconds['汇总表']:.1f}s"
            f"（{RegionPeriodTotal.objects.count():,} 行：县、乡镇 × 期间 × 汇总项，"
            "含可比口径本期与上年同期）"
        )
    if stand_in:
        print(f"注意：平台选择器缺失（{note}），下表“平台”为基准内置的 ORM 替身实现。")
    elif note:
        print(f"注意：{note}")
    head = (
        ljust("项目", 34)
        + rjust("耗时", 12)
        + rjust("参照", 12)
        + rjust("倍数", 8)
        + rjust("目标", 10)
        + rjust("结论", 8)
    )
    print(head)

    def line(name, value, ref, target="", verdict=""):
        ref_text = f"{ref * 1000:.1f}ms" if ref else "—"
        ratio_text = f"{value / ref:.2f}" if ref else "—"
        print(
            ljust(name, 34)
            + rjust(f"{value * 1000:.1f}ms", 12)
            + rjust(ref_text, 12)
            + rjust(ratio_text, 8)
            + rjust(target, 10)
            + rjust(verdict, 8)
        )

    line(f"自下而上汇总 bottom_up（{len(counties)} 县）", times["sums"], times["ref_sums"])
    line("可比口径增长 comparable_growth", times["growth"], times["ref_growth"])
    line(
        "合计（全部指标，全省县级）",
        t_platform,
        t_ref,
        f"≤{TARGET_RATIO:g}×",
        "达标" if ratio <= TARGET_RATIO and not stand_in else "未达标" if not stand_in else "替身",
    )
    if table_times:
        p50 = statistics.median(table_times)
        p95 = statistics.quantiles(table_times, n=20)[18] if len(table_times) > 1 else p50
        for label, value in (("p50", p50), ("p95", p95)):
            line(
                f"单县驾驶舱 indicator_table {label}",
                value,
                None,
                f"≤{TARGET_TABLE_MS:g}ms",
                "达标" if value * 1000 <= TARGET_TABLE_MS else "未达标",
            )
        basis = (
            "汇总项有统计局公布数"
            if published
            else "汇总项无公布数，按企业数据汇总表计算汇总值与可比增长"
        )
        print(
            f"  青田县 {period}，{len(table_times)} 次调用，每次 {table_queries} 条查询（{basis}）"
        )
    else:
        print(ljust("单县驾驶舱 indicator_table", 34) + rjust("未实现", 12))
    if write_times:
        line("单条企业月度写入（含汇总表维护）", write_times["save"], None)
        line("  其中汇总表刷新", write_times["refresh"], None)
    print(
        "参照：同一进程、同一数据库中手写的两条 SQL（各县全部汇总项一条分组查询；"
        "可比口径为本期与上年同期同一批企业的自连接）。"
    )
    if problems:
        print("结果核对：")
        for problem in problems:
            print(f"  ✗ {problem}")
    else:
        print("结果核对：平台结果与参照一致。")

    if show_plans or ratio > TARGET_RATIO or stand_in:
        report_queries(bottom_up, comparable_growth, counties, period, sql_bottom_up, sql_growth)


def maintenance(province, county, period: str, repeat: int = 7) -> dict[str, float] | None:
    """Median seconds of one firm month re-saved through the service (its stored figures, so
    the data stay as they are) and of the totals refresh that write runs."""
    from kechuang.indicators import services
    from kechuang.indicators.models import EnterpriseMonth

    row = (
        EnterpriseMonth.objects.filter(county=county, period=period)
        .select_related("enterprise__township")
        .order_by("enterprise_id")
        .first()
    )
    if row is None:
        return None
    figures = {name: getattr(row, name) for name in services.FIRM_FIGURES}

    def save():
        services.enterprise_month_save(
            actor=province.leader, enterprise=row.enterprise, period=period, **figures
        )

    def refresh():
        batch = services.TotalsBatch()
        batch.add(period, row.enterprise_id, [row.county_id], [row.township_id])
        batch.flush()

    return _interleaved({"save": save, "refresh": refresh}, repeat)


def report_queries(bottom_up, comparable_growth, counties, period, sql_sums, sql_growth) -> None:
    """The platform's statements, slowest first, and the plans of the slowest one and of
    the reference, so the reason for a gap can be read off."""
    queries = _captured(lambda: bottom_up(counties, period))
    queries += _captured(lambda: comparable_growth(counties, period))
    print(f"平台共执行 {len(queries)} 条查询（最慢的在前）：")
    queries.sort(key=lambda q: float(q["time"]), reverse=True)
    for q in queries[:4]:
        print(f"  {float(q['time']) * 1000:8.1f}ms  {q['sql'][:300]}")
    from kechuang.indicators.models import EnterpriseMonth

    table = EnterpriseMonth._meta.db_table
    heavy = [q for q in queries if table in q["sql"] and q["sql"].lstrip().startswith("SELECT")]
    for q in heavy[:2]:
        print("平台查询计划：")
        print("  " + explain(q["sql"]).replace("\n", "\n  "))
    print("参照查询计划（可比口径）：")
    print("  " + explain(sql_growth, [last_year(period), period]).replace("\n", "\n  "))
    print("参照查询计划（汇总）：")
    print("  " + explain(sql_sums, [period]).replace("\n", "\n  "))
