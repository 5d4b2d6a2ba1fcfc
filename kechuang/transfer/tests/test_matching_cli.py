"""`kechuang match`: the JSON contract, the text format and the exit codes."""

import io
import json
import os
import subprocess
import sys
import tempfile

from django.core.management import call_command
from django.test import override_settings

from kechuang.core.tests.cast import CastTestCase
from kechuang.transfer.matching import store
from kechuang.transfer.tests.test_matching import DEMANDS, make_corpus


class MatchCommandTests(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_corpus(cls)

    def setUp(self):
        self.var = tempfile.TemporaryDirectory()
        self.addCleanup(self.var.cleanup)
        override = override_settings(VAR_DIR=self.var.name)
        override.enable()
        self.addCleanup(override.disable)
        store.forget()
        self.addCleanup(store.forget)

    def run_match(self, *args):
        out, err = io.StringIO(), io.StringIO()
        code = 0
        try:
            call_command("match", *args, stdout=out, stderr=err)
        except SystemExit as e:
            code = e.code
        return code, out.getvalue(), err.getvalue()

    def test_demand_json_contract(self):
        code, out, err = self.run_match("--demand", "D01", "--top", "3", "--format", "json")
        self.assertEqual(code, 0, err)
        rows = json.loads(out)
        self.assertEqual(len(rows), 3)
        self.assertEqual(
            [list(r) for r in rows], [["code", "title", "score", "terms", "reasons"]] * 3
        )
        self.assertEqual(rows[0]["code"], "A01")
        self.assertIn("软磁不锈钢", out)  # not escaped
        scores = [r["score"] for r in rows]
        self.assertEqual(scores, sorted(scores, reverse=True))
        self.assertIn("同属不锈钢新材料产业链", rows[0]["reasons"])

    def test_json_scores_are_unrounded_and_the_text_rounds_them(self):
        _, out, _ = self.run_match("--demand", "D01", "--top", "3", "--format", "json")
        scores = [r["score"] for r in json.loads(out)]
        self.assertTrue(any(round(s, 3) != s for s in scores), scores)
        _, text, _ = self.run_match("--demand", "D01", "--top", "3")
        self.assertIn(f"得分 {scores[0]:.3f}", text)

    def test_text_json_and_top(self):
        code, out, _ = self.run_match(
            "--text", "双相不锈钢阀体铸造缩松裂纹", "--top", "2", "--format", "json"
        )
        self.assertEqual(code, 0)
        rows = json.loads(out)
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[0]["code"], "A05")

    def test_every_labelled_demand_through_the_cli(self):
        for demand, *_, relevant in DEMANDS:
            with self.subTest(demand=demand):
                _, out, _ = self.run_match("--demand", demand, "--top", "3", "--format", "json")
                self.assertIn(relevant, [r["code"] for r in json.loads(out)])

    def test_achievement_direction(self):
        code, out, _ = self.run_match("--achievement", "A15", "--format", "json")
        self.assertEqual(code, 0)
        self.assertEqual(json.loads(out)[0]["code"], "D04")

    def test_text_format_is_readable_chinese(self):
        code, out, _ = self.run_match("--demand", "D04", "--top", "2")
        self.assertEqual(code, 0)
        self.assertIn("需求 D04 鞋底材料轻量化与防滑 的推荐成果", out)
        self.assertIn("1. A15 轻量化高防滑EVA发泡鞋底材料", out)
        self.assertIn("· 关键词匹配：", out)

    def test_no_result_is_an_empty_list(self):
        code, out, _ = self.run_match("--text", "量子计算芯片", "--format", "json")
        self.assertEqual((code, json.loads(out)), (0, []))

    def test_bad_input_exits_2_with_chinese_messages(self):
        cases = [
            (("--demand", "NOPE"), "未找到编号为“NOPE”的技术需求"),
            (("--achievement", "NOPE"), "未找到编号为“NOPE”的科技成果"),
            (("--text", "  "), "文本为空"),
            ((), "请指定"),
            (("--demand", "D01", "--text", "阀门"), "只能选其一"),
            (("--demand", "D01", "--top", "0"), "正整数"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                code, out, err = self.run_match(*args)
                self.assertEqual(code, 2)
                self.assertEqual(out, "")
                self.assertIn(message, err)

    def test_rebuild(self):
        code, _, err = self.run_match("--rebuild")
        self.assertEqual(code, 0)
        self.assertIn("匹配索引已重建：成果 30 项，需求 5 项", err)


def test_console_script_exits_2_on_empty_text():
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="kechuang.settings_test")
    result = subprocess.run(
        [sys.executable, "-m", "kechuang", "match", "--text", "", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert "文本为空" in result.stderr
