"""`make bench`: Excel round trip and scoped list queries at county scale.

Each figure is printed with its ratio to a reference measured in the same run:
the Excel import against a bare calamine read of the same file, the scoped list
query against the same query filtered by hand on the township's id.
"""

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path


def timed(fn, repeat: int = 5) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5000, help="企业数")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="kechuang-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from python_calamine import CalamineWorkbook

    from kechuang.bench_support import seed_enterprises

    actor, liaison, township = seed_enterprises(args.rows)
    from kechuang.core import excel
    from kechuang.enterprises.models import Enterprise

    spec = excel.get_spec("enterprises")
    objects = list(spec.queryset(actor))
    content = excel.write_workbook(spec, objects)
    path = workdir / "export.xlsx"
    path.write_bytes(content)

    ref_read = timed(
        lambda: CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    )
    t_export = timed(lambda: excel.write_workbook(spec, spec.queryset(actor)), repeat=3)
    t_import = timed(lambda: excel.run_import(spec, content, actor, dry_run=True), repeat=3)
    result = excel.run_import(spec, content, actor, dry_run=True)
    assert result.ok and result.count("unchanged") == args.rows, result.errors[:3]

    def scoped():
        list(Enterprise.objects.visible_to(liaison).select_related("township")[:30])
        Enterprise.objects.visible_to(liaison).count()

    def by_hand():
        list(Enterprise.objects.filter(township_id=township.pk).select_related("township")[:30])
        Enterprise.objects.filter(township_id=township.pk).count()

    ref_list = timed(by_hand, repeat=50)
    t_list = timed(scoped, repeat=50)

    print(f"企业 {args.rows} 家（SQLite，2 核）")
    print(f"{'项目':<28}{'耗时':>12}{'参照':>12}{'倍数':>8}")
    rows = [
        ("导出 Excel", t_export, ref_read),
        ("导入预检（逐行校验）", t_import, ref_read),
        ("联络员列表首页（范围限定）", t_list, ref_list),
    ]
    for name, value, ref in rows:
        print(f"{name:<28}{value * 1000:>10.1f}ms{ref * 1000:>10.1f}ms{value / ref:>8.1f}")
    print("参照：导出与导入对照 calamine 读取同一文件；列表对照手写的乡镇过滤查询。")


if __name__ == "__main__":
    main()
