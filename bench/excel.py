"""Excel round trip and scoped list queries at county scale.

Each figure is printed with its ratio to a reference measured in the same run:
the Excel import against a bare calamine read of the same file, the scoped list
query against the same query filtered by hand on the township's id.
"""

import os
import tempfile
from pathlib import Path

from bench.common import describe_database, timed


def run(rows: int) -> None:
    from python_calamine import CalamineWorkbook

    from kechuang.bench_support import seed_enterprises

    actor, liaison, township = seed_enterprises(rows)
    from kechuang.core import excel
    from kechuang.enterprises.models import Enterprise

    spec = excel.get_spec("enterprises")
    objects = list(spec.queryset(actor))
    content = excel.write_workbook(spec, objects)
    workdir = Path(tempfile.mkdtemp(prefix="kechuang-bench-xlsx-"))
    path = workdir / "export.xlsx"
    path.write_bytes(content)

    ref_read = timed(
        lambda: CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    )
    t_export = timed(lambda: excel.write_workbook(spec, spec.queryset(actor)), repeat=3)
    t_import = timed(lambda: excel.run_import(spec, content, actor, dry_run=True), repeat=3)
    result = excel.run_import(spec, content, actor, dry_run=True)
    assert result.ok and result.count("unchanged") == rows, result.errors[:3]
    path.unlink()
    workdir.rmdir()

    def scoped():
        list(Enterprise.objects.visible_to(liaison).select_related("township")[:30])
        Enterprise.objects.visible_to(liaison).count()

    def by_hand():
        list(Enterprise.objects.filter(township_id=township.pk).select_related("township")[:30])
        Enterprise.objects.filter(township_id=township.pk).count()

    ref_list = timed(by_hand, repeat=50)
    t_list = timed(scoped, repeat=50)

    print(f"企业 {rows} 家（{describe_database()}，{os.cpu_count()} 核）")
    print(f"{'项目':<28}{'耗时':>12}{'参照':>12}{'倍数':>8}")
    table = [
        ("导出 Excel", t_export, ref_read),
        ("导入预检（逐行校验）", t_import, ref_read),
        ("联络员列表首页（范围限定）", t_list, ref_list),
    ]
    for name, value, ref in table:
        print(f"{name:<28}{value * 1000:>10.1f}ms{ref * 1000:>10.1f}ms{value / ref:>8.1f}")
    print("参照：导出与导入对照 calamine 读取同一文件；列表对照手写的乡镇过滤查询。")
