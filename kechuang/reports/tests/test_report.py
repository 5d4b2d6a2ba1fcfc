import datetime
import io
import tempfile
from decimal import Decimal
from pathlib import Path

import docx
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from docx.enum.text import WD_COLOR_INDEX

from kechuang.core import figures
from kechuang.core.figures import Figure, Period
from kechuang.core.models import Region
from kechuang.core.tests.cast import CastTestCase
from kechuang.reports import builder, services, word
from kechuang.reports.layout import build_template
from kechuang.reports.models import Narrative


def _text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


class ReportTests(CastTestCase):
    def test_a_figure_without_data_or_not_registered_is_left_marked_never_invented(self):
        report = builder.build(self.county, "2023-06", "half-year")
        funds = report.uses.get(("support.funds.paid", report.period))
        self.assertIsNotNone(funds)
        if "support.funds.paid" not in {f.code for f in figures.all_figures()}:
            self.assertFalse(funds.registered)
        self.assertTrue(funds.missing)
        self.assertEqual(funds.display, builder.MISSING)
        document = docx.Document(io.BytesIO(word.render(report)))
        marked = [r for p in document.paragraphs for r in p.runs if r.text == builder.MISSING]
        self.assertTrue(marked)
        self.assertTrue(all(r.font.highlight_color == WD_COLOR_INDEX.YELLOW for r in marked))
        # an amount with no records is None, not 0: also 【待填】
        turnover = report.uses[("transfer.turnover", report.period)]
        self.assertIsNone(turnover.value)
        self.assertEqual(turnover.display, builder.MISSING)

    def test_an_edited_template_changes_the_output(self):
        report = builder.build(self.county, "2023-06", "half-year")
        self.assertIn("附：数字来源", _text(word.render(report)))
        folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        edited = build_template(folder / self.county.code / "report.docx")
        document = docx.Document(edited)
        heading = next(p for p in document.paragraphs if p.text == "附：数字来源")
        heading.runs[0].text = "附件：本报告数据来源清单"
        document.save(edited)
        with override_settings(REPORT_TEMPLATE_DIR=str(folder)):
            self.assertEqual(word.template_path(self.county), edited)
            text = _text(word.render(report))
            # the township below the county uses the county's copy too
            self.assertEqual(word.template_path(self.township_a), edited)
        self.assertIn("附件：本报告数据来源清单", text)
        self.assertNotIn("附：数字来源", text)

    def test_the_next_report_starts_from_the_previous_text_with_its_figures_refreshed(self):
        calls = []

        def compute(region, period):
            calls.append(period)
            return {Period(2023, 6): 5, Period(2023, 12): 9}.get(period)

        fake = Figure("reports_test.firms", "测试企业数", "家", compute, lambda r, p: "/x/")
        figures.register(fake)
        self.addCleanup(figures._registry.pop, fake.code)
        services.narrative_save(
            actor=self.staff,
            region=self.county,
            period="2023-06",
            kind="half-year",
            section="problems",
            text="服务企业{reports_test.firms}，仍显不足。",
        )
        june = builder.build(self.county, "2023-06", "half-year")
        self.assertIn("服务企业5家，仍显不足。", june.text)
        december = builder.build(self.county, "2023-12", "half-year")
        self.assertIn("服务企业9家，仍显不足。", december.text)
        section = next(s for s in december.sections if s.key == "problems")
        self.assertEqual((section.own, section.from_period), (False, "2023-06"))
        use = december.uses[("reports_test.firms", Period(2023, 12))]
        self.assertTrue(use.changed)
        self.assertEqual(use.previous_display, "5家")
        self.assertFalse(june.uses[("reports_test.firms", Period(2023, 6))].changed)
        # the preview marks it
        self.client.force_login(self.staff)
        page = self.client.get("/reports/?region=331121&period=2023-12&kind=half-year")
        self.assertContains(page, 'title="上期：5家"')
        self.assertContains(page, "沿用 2023-06 的文字")

    def test_indicator_sentences_use_the_latest_month_with_data(self):
        self.assertEqual(builder.month_label(Period(2023, 4)), "1-4月")
        self.assertEqual(builder.month_label(Period(2023, 1)), "1月")

    def test_the_cli_refuses_an_unknown_region_or_period_with_exit_2(self):
        out = Path(self.enterContext(tempfile.TemporaryDirectory())) / "r.docx"
        for region, period, message in (
            ("999999", "2023-06", "未知的区域代码：999999"),
            ("331121", "2023-13", "期间格式不正确"),
        ):
            with self.subTest(region=region), self.assertRaises(CommandError) as caught:
                call_command("report", region=region, period=period, output=str(out))
            self.assertEqual(caught.exception.returncode, 2)
            self.assertIn(message, str(caught.exception))
        self.assertFalse(out.exists())
        call_command("report", region="331121", period="2023-06", kind="annual", output=str(out))
        self.assertIn("2023年工作总结", _text(out.read_bytes()))

    def test_the_cli_makes_the_output_folder_and_names_a_file_it_cannot_write(self):
        root = Path(self.enterContext(tempfile.TemporaryDirectory()))
        nested = root / "半年报" / "r.docx"
        call_command("report", region="331121", period="2023-06", output=str(nested))
        self.assertTrue(nested.exists())
        blocked = root / "r.docx" / "x.docx"  # its folder would be a file
        (root / "r.docx").write_bytes(b"")
        with self.assertRaises(CommandError) as caught:
            call_command("report", region="331121", period="2023-06", output=str(blocked))
        self.assertIn("无法写入输出文件", str(caught.exception))


class NarrativeScopeTests(CastTestCase):
    def test_narratives_belong_to_a_region_another_county_is_refused(self):
        other = Region.objects.filter(level="county").exclude(code="331121").first()
        with self.assertRaises(PermissionDenied):
            services.narrative_save(
                actor=self.staff,
                region=other,
                period="2023-06",
                kind="half-year",
                section="problems",
                text="x",
            )
        with self.assertRaises(PermissionDenied):
            services.narrative_save(
                actor=self.liaison_a,
                region=self.township_b,
                period="2023-06",
                kind="half-year",
                section="problems",
                text="x",
            )
        with self.assertRaises(PermissionDenied):
            services.narrative_save(
                actor=self.viewer,
                region=self.county,
                period="2023-06",
                kind="half-year",
                section="problems",
                text="x",
            )
        own = services.narrative_save(
            actor=self.liaison_a,
            region=self.township_a,
            period="2023-06",
            kind="half-year",
            section="problems",
            text="本镇问题",
        )
        self.assertEqual(own.author, self.liaison_a)
        self.assertEqual(own.history.count(), 1)
        self.assertEqual(Narrative.objects.count(), 1)

    def test_bad_input_is_named_and_changes_nothing(self):
        from django.core.exceptions import ValidationError

        for field, kwargs in (
            ("section", {"section": "nope"}),
            ("period", {"period": "2023-6"}),
            ("kind", {"kind": "weekly"}),
        ):
            args = {"period": "2023-06", "kind": "half-year", "section": "problems", **kwargs}
            with self.subTest(field=field), self.assertRaises(ValidationError) as caught:
                services.narrative_save(actor=self.staff, region=self.county, text="x", **args)
            self.assertIn(field, caught.exception.message_dict)
        self.assertFalse(Narrative.objects.exists())

    def test_pages_for_bureau_and_liaison_only_their_regions(self):
        url = "/reports/?region={}&period=2023-06&kind=half-year"
        self.client.force_login(self.liaison_a)
        self.assertEqual(self.client.get(url.format("331121001")).status_code, 200)
        self.assertEqual(self.client.get(url.format("331121101")).status_code, 403)
        self.assertEqual(self.client.get(url.format("331121")).status_code, 403)
        self.client.force_login(self.viewer)
        self.assertEqual(self.client.get(url.format("331121")).status_code, 403)
        self.client.force_login(self.staff)
        page = self.client.get(url.format("331121"))
        self.assertContains(page, "一、主要指标完成情况")
        download = self.client.get("/reports/download/?region=331121&period=2023-06&kind=half-year")
        self.assertEqual(download.status_code, 200)
        self.assertIn("一、主要指标完成情况", _text(download.content))
        saved = self.client.post(
            "/reports/",
            {
                "region": "331121",
                "period": "2023-06",
                "kind": "half-year",
                "section": "problems",
                "text": "人才缺乏。",
            },
        )
        self.assertEqual(saved.status_code, 302)
        self.assertIn("人才缺乏。", self.client.get(url.format("331121")).content.decode())
        self.client.force_login(self.ent_user if hasattr(self, "ent_user") else self.commissioner)
        self.assertEqual(self.client.get(url.format("331121001")).status_code, 403)


D = datetime.date
_ = Decimal


class PreviousReportTests(CastTestCase):
    def test_an_indicator_is_compared_with_what_the_previous_report_wrote(self):
        values = {Period(2023, 4): 7, Period(2022, 12): 3}

        def compute(region, period):
            return values.get(period)

        fake = Figure("reports_test.stock", "测试指标", "家", compute, lambda r, p: "/x/")
        figures.register(fake)
        self.addCleanup(figures._registry.pop, fake.code)
        report = builder.build(self.county, "2023-06", "half-year")
        used = builder._Figures(self.county, report.period, "half-year")
        # 2023-06 writes April's 7 (latest with data); 2023-12 also April's 7: unchanged
        june = used.use(
            "reports_test.stock",
            builder._latest_with_data("reports_test.stock", Period(2023, 6), used),
        )
        self.assertEqual(
            (june.period, june.display, june.previous_display), (Period(2023, 4), "7家", "3家")
        )
        later = builder._Figures(self.county, Period(2023, 12), "half-year")
        december = later.use("reports_test.stock", Period(2023, 4))
        self.assertEqual(december.previous_display, "7家")
        self.assertFalse(december.changed)
        self.assertTrue(june.changed)
        self.assertEqual(
            builder.build(self.county, "2023-12", "half-year").title[-7:], "下半年工作总结"
        )
