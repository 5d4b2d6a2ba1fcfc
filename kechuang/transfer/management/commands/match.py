"""kechuang match: suggest achievements for a demand or a text (or demands for an achievement).

    kechuang match --demand CODE [--top N] [--format json|text]
    kechuang match --text "…" [--top N] [--format json|text]
    kechuang match --achievement CODE [--top N] [--format json|text]
    kechuang match --rebuild

Contract (issue 5): with ``--format json``, stdout is
``[{"code", "title", "score", "terms": [...], "reasons": [...]}]`` best first (UTF-8, not
escaped). Exit 2 with a Chinese message on stderr for an unknown code, an empty text or bad
options. The index is loaded from ``var/match-index`` (built there when the data changed);
numpy, jieba and the index are imported only here, so start-up stays short.
"""

import json
import sys

from django.core.management.base import BaseCommand

BAD_INPUT = 2
CONTRACT_KEYS = ("code", "title", "score", "terms", "reasons")


class Command(BaseCommand):
    help = "需求与成果匹配：kechuang match --demand 编号 | --text 文本 | --achievement 编号"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--demand", metavar="CODE", help="技术需求编号：为其推荐科技成果")
        parser.add_argument("--text", help="一段需求文本：为其推荐科技成果")
        parser.add_argument("--achievement", metavar="CODE", help="科技成果编号：为其推荐技术需求")
        parser.add_argument("--top", type=int, default=10, help="返回条数（默认 10）")
        parser.add_argument("--format", choices=["json", "text"], default="text", help="输出格式")
        parser.add_argument("--rebuild", action="store_true", help="重建匹配索引")

    def fail(self, message: str):
        self.stderr.write(message)
        sys.exit(BAD_INPUT)

    def handle(self, *args, **options):
        asked = [k for k in ("demand", "text", "achievement") if options[k] is not None]
        if len(asked) > 1:
            self.fail("--demand、--text、--achievement 只能选其一")
        if not asked and not options["rebuild"]:
            self.fail("请指定 --demand 需求编号、--text 文本或 --achievement 成果编号")
        if options["top"] < 1:
            self.fail(f"--top 应为正整数，而不是 {options['top']}")
        from kechuang.transfer.matching import store

        if options["rebuild"]:
            data = store.current(rebuild=True)
            if not asked:
                self.stderr.write(
                    f"匹配索引已重建：成果 {data.achievements.index.n_docs} 项，"
                    f"需求 {data.demands.index.n_docs} 项，词表 {len(data.vocabulary)} 个，"
                    f"用时 {data.built_seconds:.2f} 秒"
                )
                return
        top = options["top"]
        if options["demand"] is not None:
            from kechuang.transfer.models import Demand

            code = options["demand"].strip()
            demand = Demand.objects.filter(code=code).first()
            if demand is None:
                self.fail(f"未找到编号为“{code}”的技术需求")
            heading = f"需求 {demand.code} {demand.title} 的推荐成果"
            suggestions = store.suggest_for_demand(demand, top)
        elif options["achievement"] is not None:
            from kechuang.transfer.models import Achievement

            code = options["achievement"].strip()
            achievement = Achievement.objects.filter(code=code).first()
            if achievement is None:
                self.fail(f"未找到编号为“{code}”的科技成果")
            heading = f"成果 {achievement.code} {achievement.title} 的推荐需求"
            suggestions = store.suggest_for_achievement(achievement, top)
        else:
            text = options["text"].strip()
            if not text:
                self.fail("--text 文本为空：请给出需求描述")
            heading = "文本的推荐成果"
            suggestions = store.suggest_for_text(text, top)

        if options["format"] == "json":
            rows = [{k: s[k] for k in CONTRACT_KEYS} for s in suggestions]
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not suggestions:
            self.stdout.write(f"{heading}：没有找到相关结果")
            return
        lines = [f"{heading}（共 {len(suggestions)} 项）："]
        for n, s in enumerate(suggestions, 1):
            lines.append(f"{n}. {s['code']} {s['title']}  得分 {s['score']:.3f}")
            lines.extend(f"   · {reason}" for reason in s["reasons"])
        self.stdout.write("\n".join(lines))
