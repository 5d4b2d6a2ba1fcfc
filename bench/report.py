"""The half-year work report of one county (the demo's 青田县, 2023-06): built from the figures
registry and written into the Word template with docxtpl, against python-docx writing a
document of the same paragraphs and appendix rows in the same run (the floor any .docx
writer pays). Goal: under 2 s."""

import io
import statistics
import time


def run(repeat: int = 5) -> None:
    import docx

    from kechuang.demo.services import demo_load
    from kechuang.reports import builder, word

    print("报告基准：加载演示数据……")
    demo_load()
    build_times, total_times, plain_times = [], [], []
    report = None
    for _ in range(repeat):
        started = time.perf_counter()
        report = builder.build("331121", "2023-06", "half-year")
        built = time.perf_counter()
        data = word.render(report)
        done = time.perf_counter()
        build_times.append(built - started)
        total_times.append(done - started)

        started = time.perf_counter()
        document = docx.Document()
        for block in report.blocks:
            document.add_paragraph(block.text)
        table = document.add_table(rows=len(report.appendix) + 1, cols=5)
        for row, use in zip(table.rows[1:], report.appendix, strict=True):
            texts = (use.name, use.code, use.display, str(use.as_of), "")
            for cell, text in zip(row.cells, texts, strict=True):
                cell.text = text
        document.save(io.BytesIO())
        plain_times.append(time.perf_counter() - started)
    built, total, plain = (statistics.median(t) for t in (build_times, total_times, plain_times))
    print(
        f"半年报告（{len(report.blocks)} 段，数字 {len(report.uses)} 个，{len(data):,} 字节）："
        f"取数 {built:.3f} 秒，合计 {total:.3f} 秒（目标 2 秒内）"
    )
    print(f"python-docx 写同样大小的文档：{plain:.3f} 秒；倍数 {total / plain:.1f}")
