"""Excel round trip and scoped list queries at county scale, and a province-sized import.

Each figure is printed with its ratio to a reference measured in the same run:
the Excel import against a bare calamine read of the same file, the scoped list
query against the same query filtered by hand on the township's id. The province-sized
import (100,000 firms by default) runs in its own process, so its peak memory is its own:
the file is checked and written into an empty registry, then the registry's export is
checked again and must come back with zero changes.
"""

import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import describe_database, timed

# Acceptance bounds of the province-sized import (issue: scale and durability).
IMPORT_LIMIT_SECONDS = {"SQLite": 20, "PostgreSQL": 30}
IMPORT_LIMIT_RATIO = 15
IMPORT_LIMIT_MB = 500


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


def run_scale(rows: int) -> bool:
    """Imports `rows` firms into an empty registry, then re-checks its export. Returns
    whether every bound held."""
    from python_calamine import CalamineWorkbook

    from kechuang.core import excel
    from kechuang.core.models import User
    from kechuang.enterprises.models import Enterprise

    user = User.objects.get(username="bench")
    spec = excel.get_spec("enterprises")
    workdir = Path(tempfile.mkdtemp(prefix="kechuang-bench-import-"))
    source, export = workdir / "firms.xlsx", workdir / "export.xlsx"
    source.write_bytes(synthetic_file(spec, rows))
    Enterprise.objects.all().delete()

    read = timed(
        lambda: CalamineWorkbook.from_path(str(source)).get_sheet_by_index(0).to_python(), 3
    )
    first = import_in_process(source, "bench", dry_run=False)
    assert first["committed"] and first["summary"]["新增"] == rows, first
    start = time.perf_counter()
    export.write_bytes(excel.write_workbook(spec, spec.queryset(user).iterator(chunk_size=2000)))
    t_export = time.perf_counter() - start
    again = import_in_process(export, "bench", dry_run=True)
    assert again["summary"]["无变化"] == rows and not again["errors"], again
    for path in (source, export):
        path.unlink()
    workdir.rmdir()

    engine = describe_database().split()[0]
    limit = IMPORT_LIMIT_SECONDS.get(engine, 30)
    ratio = first["seconds"] / read
    print(f"\n{rows} 家企业的导入（{describe_database()}，独立进程）")
    print(f"{'项目':<24}{'耗时':>10}{'参照':>10}{'倍数':>8}{'峰值内存':>10}")
    table = [
        ("校验并写入（空库，新增）", first),
        ("导出文件再预检（无变化）", again),
    ]
    for name, outcome in table:
        print(
            f"{name:<24}{outcome['seconds']:>9.2f}s{read:>9.2f}s"
            f"{outcome['seconds'] / read:>8.1f}{outcome['peak_mb']:>8.0f}MB"
        )
    print(f"{'导出 Excel':<24}{t_export:>9.2f}s{read:>9.2f}s{t_export / read:>8.1f}")
    checks = [
        (first["seconds"] < limit, f"校验并写入 {first['seconds']:.1f}s < {limit}s"),
        (ratio <= IMPORT_LIMIT_RATIO, f"为 calamine 读取的 {ratio:.1f} 倍 ≤ {IMPORT_LIMIT_RATIO}"),
        (
            max(first["peak_mb"], again["peak_mb"]) < IMPORT_LIMIT_MB,
            f"峰值内存 {max(first['peak_mb'], again['peak_mb']):.0f}MB < {IMPORT_LIMIT_MB}MB",
        ),
        (again["summary"]["无变化"] == rows, f"导出再导入：{rows} 条无变化"),
    ]
    for ok, text in checks:
        print(("通过  " if ok else "未达标  ") + text)
    print("参照：calamine 读取同一文件（不含任何校验）。")
    return all(ok for ok, _ in checks)


def synthetic_file(spec, rows: int) -> bytes:
    """A registry workbook of `rows` firms spread over the county's townships, written the
    way the template is (the spec's header)."""
    from openpyxl import Workbook

    from kechuang.bench_support import credit_code
    from kechuang.core.choices import RegionLevel
    from kechuang.core.models import Region

    townships = list(
        Region.objects.filter(level=RegionLevel.TOWNSHIP, code__startswith="331121")
        .order_by("code")
        .values_list("name", flat=True)
    )
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(spec.title)
    sheet.append([c.header for c in spec.columns])
    for i in range(rows):
        sheet.append(
            [
                credit_code(1_000_000 + i),
                f"浙江规模{i:06d}阀门有限公司",
                townships[i % len(townships)],
                "34",
                "是" if i % 3 == 0 else "否",
                "是" if i % 4 == 0 else "否",
                f"20{10 + i % 12:02d}-0{1 + i % 9}-1{i % 9}",
                "",
                f"青田县工业园区{i % 500}号",
                "张三",
                "13800000000",
                "在营",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_in_process(path: Path, user: str, *, dry_run: bool) -> dict:
    command = [sys.executable, "-m", "bench.import_file", str(path), "--user", user]
    if dry_run:
        command.append("--dry-run")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"导入进程失败：{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])
