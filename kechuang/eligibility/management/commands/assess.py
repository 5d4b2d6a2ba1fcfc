"""kechuang assess POLICY --input FILE: assess one firm's facts (JSON) against a policy.

Contract (issue 3, used by other systems): exit 0 with the JSON result on stdout whenever the
input could be assessed, whatever the verdict; exit 2 with a Chinese message on stderr naming
every missing or invalid field (also for an unknown policy or unreadable / invalid JSON), with
nothing on stdout.
"""

import json
import sys

from django.core.management.base import BaseCommand

from kechuang.eligibility.engine import InvalidInput, UnknownPolicy, assess, load_policy

BAD_INPUT = 2


class Command(BaseCommand):
    help = "按政策评估企业资格：kechuang assess POLICY --input FILE（FILE 为 - 时读标准输入）"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("policy", help="政策，例如 hnte-2016、tsme-2017")
        parser.add_argument(
            "--input", required=True, metavar="FILE", help="企业数据 JSON 文件；- 表示标准输入"
        )

    def fail(self, message: str):
        self.stderr.write(message)
        sys.exit(BAD_INPUT)

    def read(self, name: str) -> str:
        try:
            if name == "-":
                stream = getattr(sys.stdin, "buffer", None)
                raw = stream.read() if stream is not None else sys.stdin.read()
            else:
                with open(name, "rb") as fp:
                    raw = fp.read()
            return raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        except OSError as e:
            self.fail(f"无法读取输入文件 {name}：{e.strerror or e}")
        except UnicodeDecodeError:
            self.fail(f"输入文件 {name} 不是 UTF-8 编码的文本")

    def handle(self, *args, **options):
        try:
            policy = load_policy(options["policy"])
        except UnknownPolicy as e:
            self.fail(str(e))
        text = self.read(options["input"])
        try:
            facts = json.loads(text)
        except json.JSONDecodeError as e:
            self.fail(f"输入不是有效的 JSON：第 {e.lineno} 行第 {e.colno} 列（{e.msg}）")
        if not isinstance(facts, dict):
            self.fail("输入应为 JSON 对象")
        try:
            result = assess(policy, facts)
        except InvalidInput as e:
            self.fail("输入数据有误，无法评估：\n" + "\n".join(f"- {m}" for m in e.errors))
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
