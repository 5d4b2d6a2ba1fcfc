"""Peak memory of `kechuang import` on hostile uploads, against a normal file.

Each case runs the real CLI in its own process (`python -m kechuang import enterprises FILE
--dry-run`), so its peak resident memory (ru_maxrss of that one child, from os.wait4) is its
own. The reference is a normal 5,000-row file measured in the same run; every refused case
must stay under 200 MB and be refused with its message. It also measures a legitimate
50,000-row export (the row cap), the file the zip-bomb thresholds must let through.
"""

import io
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from bench.common import ljust, rjust

LIMIT_MB = 200


def run(rows: int = 5000) -> None:
    from kechuang.bench_support import seed_enterprises
    from kechuang.core import excel
    from kechuang.core.models import User
    from kechuang.core.tests.hostile import (
        far_cell_xlsx,
        write_oversized,
        write_shared_string_bomb,
    )

    # The Excel benchmark may have seeded the county already in this run.
    actor = User.objects.filter(username="bench").first() or seed_enterprises(rows)[0]
    spec = excel.get_spec("enterprises")
    workdir = Path(tempfile.mkdtemp(prefix="kechuang-bench-uploads-"))
    reference = workdir / "reference.xlsx"
    reference.write_bytes(excel.write_workbook(spec, spec.queryset(actor)))
    oversized = workdir / "oversized.xlsx"
    write_oversized(oversized, 25)
    far = workdir / "xfd1048576.xlsx"
    far.write_bytes(far_cell_xlsx([c.header for c in spec.columns]))
    bomb = workdir / "shared-string-1gb.xlsx"
    started = time.perf_counter()
    write_shared_string_bomb(bomb, 1024)
    built = time.perf_counter() - started

    cases = [
        (f"正常文件 {rows} 行（参照）", reference, False, "预检通过"),
        ("25 MB 文件", oversized, False, "文件大小 25.0 MB，超过上限 20 MB"),
        ("25 MB 文件（标准输入）", oversized, True, "文件大小超过上限 20 MB"),
        (f"XFD1048576 单元格（{far.stat().st_size / 1024:.1f} KB）", far, False, "工作表过大"),
        (
            f"1 GB 共享字符串（{bomb.stat().st_size / 1024 / 1024:.1f} MB）",
            bomb,
            False,
            "疑似压缩炸弹",
        ),
    ]
    measured = [(name, expected, *_import(path, stdin)) for name, path, stdin, expected in cases]
    legit = _legit_export(spec, actor, 50_000)
    for path in workdir.iterdir():
        path.unlink()
    workdir.rmdir()

    ref_mb = measured[0][3]
    print(
        f"每种情况在独立进程中运行 kechuang import --dry-run（1 GB 炸弹文件生成用时 {built:.1f}s）"
    )
    print(
        ljust("情况", 36)
        + rjust("峰值内存", 12)
        + rjust("参照倍数", 10)
        + rjust("耗时", 10)
        + "  结果"
    )
    for name, _, _, rss, seconds, message in measured:
        print(
            ljust(name, 36)
            + rjust(f"{rss:.0f} MB", 12)
            + rjust(f"{rss / ref_mb:.2f}", 10)
            + rjust(f"{seconds:.1f}s", 10)
            + f"  {message[:60]}"
        )
    print(
        f"正常的 50000 行导出：{legit['size']:.1f} MB，解压后共 {legit['unpacked']:.0f} MB，"
        f"最大压缩比 {legit['ratio']:.1f}:1（上限：{excel.MAX_UNPACKED_MB} MB，"
        f"{excel.MAX_RATIO}:1），{'通过' if legit['passed'] else '被拒绝'}检查"
    )
    for name, expected, code, rss, _, message in measured:
        assert expected in message, (name, message)
        if expected != "预检通过":
            assert code == 2 and rss < LIMIT_MB, (name, code, rss)
    assert legit["passed"], legit


def _import(path: Path, stdin: bool) -> tuple[int, float, float, str]:
    """(exit code, peak RSS in MB, seconds, the first line of its message) of one import."""
    command = [sys.executable, "-m", "kechuang", "import", "enterprises", "--dry-run"]
    command += ["--user", "bench", "-" if stdin else str(path)]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kechuang.settings"}
    with tempfile.TemporaryFile() as out, open(path, "rb") as source:
        started = time.perf_counter()
        child = subprocess.Popen(
            command, stdin=source if stdin else subprocess.DEVNULL, stdout=out, stderr=out, env=env
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        lines = out.read().decode(errors="replace").strip().splitlines()
    return child.returncode, usage.ru_maxrss / 1024, seconds, lines[0] if lines else ""


def _legit_export(spec, actor, rows: int) -> dict:
    """A legitimate export of `rows` firms (the stored ones repeated) and whether it passes."""
    from kechuang.core import excel

    firms = list(spec.queryset(actor).select_related("township"))
    content = excel.write_workbook(spec, (firms[i % len(firms)] for i in range(rows)))
    members = zipfile.ZipFile(io.BytesIO(content)).infolist()
    try:
        excel.inspect_workbook(content)
        passed = True
    except excel.ImportFileError:
        passed = False
    return {
        "size": len(content) / 1024 / 1024,
        "unpacked": sum(m.file_size for m in members) / 1024 / 1024,
        "ratio": max(m.file_size / max(m.compress_size, 1) for m in members),
        "passed": passed,
    }
