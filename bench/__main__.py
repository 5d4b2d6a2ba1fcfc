"""`make bench`: the Excel round trip and scoped lists at county scale (bench.excel),
the bottom-up indicators of a synthetic province against hand-written SQL
(bench.indicators), and demand–achievement matching at 100,000 achievements against bm25s
plus `kechuang match` end to end (bench.matching), and the peak memory of `kechuang import` on
hostile uploads against a normal file (bench.uploads), and the enterprise list page at
60,000 firms against its bare query (bench.pages), and the half-year report of one county
against python-docx writing the same document (bench.report). Every figure is printed next to a
reference measured in the same run on the same database.

Runs on a throw-away database: a temporary SQLite file by default, or, with
DATABASE_URL=postgres://postgres@127.0.0.1:5432/kechuang_bench, a PostgreSQL database of
that name (it must contain "bench"), created before and dropped after.
"""

import argparse
import os

from bench.common import scratch_database


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=5000, help="Excel 基准的企业数")
    parser.add_argument(
        "--import-rows", type=int, default=100_000, help="省级规模导入基准的企业数（独立进程）"
    )
    parser.add_argument("--firms", type=int, default=60_000, help="指标基准的规上企业数")
    parser.add_argument(
        "--months", type=int, default=24, help="指标基准的月份数（自 2022-01 起，至少 13）"
    )
    parser.add_argument("--period", default="2023-04", help="测量的期间（默认 2023-04）")
    parser.add_argument("--repeat", type=int, default=7, help="汇总与参照各重复次数（取中位数）")
    parser.add_argument("--calls", type=int, default=50, help="单县驾驶舱调用次数")
    parser.add_argument("--achievements", type=int, default=100_000, help="匹配基准的合成成果数")
    parser.add_argument("--demands", type=int, default=1_000, help="匹配基准的合成需求数")
    parser.add_argument(
        "--only",
        choices=["excel", "indicators", "matching", "uploads", "pages", "report"],
        help="只运行其中一项基准",
    )
    parser.add_argument(
        "--published",
        action="store_true",
        help="也导入汇总项的统计局公布数（驾驶舱走公布数而非实时汇总）",
    )
    parser.add_argument("--plans", action="store_true", help="总是打印查询与查询计划")
    parser.add_argument("--keep-db", action="store_true", help="保留临时数据库以便检查")
    args = parser.parse_args()
    selected = (
        {args.only}
        if args.only
        else {"excel", "indicators", "matching", "uploads", "pages", "report"}
    )
    if args.months < 13 and "indicators" in selected:
        parser.error("--months 至少为 13（可比口径增长需要上年同期）")
    if args.period < "2023-01" and "indicators" in selected:
        parser.error("--period 应在 2023 年（与上年同期比较）")

    drop = scratch_database()
    print(f"数据库：{os.environ['DATABASE_URL']}")
    try:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        if "excel" in selected:
            from bench import excel

            excel.run(args.rows)
            if args.import_rows:
                excel.run_scale(args.import_rows)
        if "indicators" in selected:
            from bench import indicators

            indicators.run(
                args.firms,
                args.months,
                args.period,
                args.repeat,
                args.calls,
                args.plans,
                args.published,
            )
        if "matching" in selected:
            from bench import matching

            matching.run(args.achievements, args.demands)
        if "pages" in selected:
            from bench import pages

            pages.run(args.firms)
        if "uploads" in selected:
            from bench import uploads

            uploads.run(args.rows)
        if "report" in selected:
            from bench import report

            report.run()
    finally:
        if args.keep_db:
            print(f"临时数据库已保留：{os.environ['DATABASE_URL']}")
        else:
            drop()


if __name__ == "__main__":
    main()
